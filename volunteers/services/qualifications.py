"""Held qualifications: granting (from a course or a confirmed external proof), expiry and its reminder.

A qualification kind may be valid for a number of months (``Qualification.validity_months``); each
held qualification keeps the day it was earned and its last valid day. An expired one is shown as
„abgelaufen“ and no longer fits a placement that asks for it. Earning it again renews it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outbox.services import send_templated_mail

from ..models import Course, Qualification, Volunteer, VolunteerQualification, expiry_date

# Days before expiry the reminder goes out (``settings.VOLUNTEERS_QUALIFICATION_REMINDER_DAYS``).
DEFAULT_REMINDER_DAYS = 30


def reminder_days() -> int:
    return getattr(settings, "VOLUNTEERS_QUALIFICATION_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)


@transaction.atomic
def grant_qualification(
    *,
    volunteer: Volunteer,
    qualification: Qualification,
    earned_on: date,
    source: str = VolunteerQualification.Source.COURSE,
    course: Course | None = None,
) -> VolunteerQualification:
    """Record that ``volunteer`` holds ``qualification`` since ``earned_on``.

    Held already: a later earning renews it (new validity, a new reminder); an earlier one changes
    nothing, so granting twice is harmless.
    """
    valid_until = expiry_date(qualification, earned_on)
    held, created = VolunteerQualification.objects.select_for_update().get_or_create(
        volunteer=volunteer,
        qualification=qualification,
        defaults={
            "course": course,
            "source": source,
            "earned_on": earned_on,
            "valid_until": valid_until,
        },
    )
    if not created and (held.earned_on is None or earned_on > held.earned_on):
        held.course = course
        held.source = source
        held.earned_on = earned_on
        held.valid_until = valid_until
        held.expiry_reminder_sent_at = None
        held.save(update_fields=["course", "source", "earned_on", "valid_until", "expiry_reminder_sent_at"])
    return held


def send_qualification_expiry_reminders(*, today: date | None = None) -> int:
    """Beat task body: one mail per held qualification that expires within the reminder window.

    Safe to run twice (or in parallel): ``expiry_reminder_sent_at`` is set under a row lock, locked
    rows are skipped by a concurrent run, and the mail's idempotency key names the expiry date.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    window_end = today + timedelta(days=reminder_days())
    sent = 0
    with transaction.atomic():
        due = (
            VolunteerQualification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                valid_until__gte=today,
                valid_until__lte=window_end,
                expiry_reminder_sent_at__isnull=True,
                volunteer__user__is_active=True,
                volunteer__anonymised_at__isnull=True,
            )
            .select_related("volunteer__user", "volunteer__district", "qualification")
            .order_by("valid_until", "pk")
        )
        for held in due:
            user = held.volunteer.user
            if user is None or held.valid_until is None:  # the filter excludes both; narrows the types
                continue
            held.expiry_reminder_sent_at = now
            held.save(update_fields=["expiry_reminder_sent_at"])
            send_templated_mail(
                to=user.email,
                template="qualification_expiry_reminder",
                context={"held": held, "qualification": held.qualification, "user": user},
                language=user.preferred_language,
                reply_to=held.volunteer.district.ki_email,
                idempotency_key=f"qualification-expiry:{held.pk}:{held.valid_until.isoformat()}",
                district_id=held.volunteer.district_id,
            )
            sent += 1
    return sent

"""The mails of the course workflow: one per registration and kind of notice."""

from __future__ import annotations

import logging

from outbox.services import send_templated_mail

from ..models import Registration

# The name the log readers (and tests) know: the mails were part of ``volunteers.services``.
logger = logging.getLogger("volunteers.services")


def calendar_attachment(registration: Registration) -> list[tuple[str, str, str]]:
    """The course dates as .ics, or none: the mail reports a registration and must never undo it.

    It is built inside the registration's transaction, so an error here would roll the
    registration back; the mail then goes out without the file and the error is logged.
    """
    from ..ics import course_ics

    try:
        return [("kurs.ics", course_ics(registration.course), "text/calendar")]
    except Exception:
        logger.warning(
            "Course %s: calendar attachment could not be built; mail sent without it",
            registration.course_id,
            exc_info=True,
        )
        return []


def mail_registration(
    registration: Registration, kind: str, *, extra: dict | None = None, prepared=None
) -> None:
    """Store the notice in the outbox; ``prepared``: rendered beforehand (``registration_notice``)."""
    from .. import registration_notice

    volunteer = registration.volunteer
    user = volunteer.user
    if user is None or not user.is_active:
        return
    if prepared is not None:
        attachments = prepared.attachments
    elif kind in ("registered", "reminder"):
        attachments = calendar_attachment(registration)
    else:
        attachments = []
    send_templated_mail(
        to=user.email,
        template=f"course_{kind}",
        rendered=prepared.rendered if prepared is not None else None,
        # Not needed (and its session query not made) when the mail was rendered beforehand.
        context={}
        if prepared is not None
        else {**registration_notice.context_for(registration), **(extra or {})},
        language=user.preferred_language,
        reply_to=registration.course.district.ki_email,
        attachments=attachments,
        # Each kind of notice happens at most once per registration (a new sign-up is a new row).
        idempotency_key=f"course-{kind}:{registration.pk}",
        district_id=registration.course.district_id,
    )

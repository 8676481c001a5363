"""Retention's second rule: pure volunteers inactive for ``VOLUNTEER_INACTIVITY_MONTHS`` get a
warning mail and are anonymised ``VOLUNTEER_INACTIVITY_WARNING_DAYS`` later if they stay inactive.

The rule is described with the first one in ``volunteers.retention``, whose ``apply_retention``
runs both; this module selects the people and sends the warning.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, Exists, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import DistrictRole, Membership
from outbox.services import send_templated_mail

from .models import Course, CourseSession, Registration, Volunteer


def inactivity_months() -> int:
    return settings.VOLUNTEER_INACTIVITY_MONTHS


def warning_days() -> int:
    return settings.VOLUNTEER_INACTIVITY_WARNING_DAYS


def pure_volunteers() -> QuerySet[Volunteer]:
    """Confirmed, not anonymised volunteer profiles whose account has no other role."""
    other_role = DistrictRole.objects.filter(user=OuterRef("user_id")).exclude(
        role=DistrictRole.Role.VOLUNTEER
    )
    membership = Membership.objects.filter(user=OuterRef("user_id"))
    trains = Course.trainers.through.objects.filter(user_id=OuterRef("user_id"))
    return (
        Volunteer.objects.filter(
            user__isnull=False,
            anonymised_at__isnull=True,
            email_confirmed_at__isnull=False,
            user__is_active=True,
            user__is_staff=False,
            user__is_superuser=False,
        )
        .exclude(Exists(other_role))
        .exclude(Exists(membership))
        .exclude(Exists(trains))
    )


def with_last_activity(queryset: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """Annotate ``last_activity``: the latest of login, confirmation, registration, course session."""
    last_registration = (
        Registration.objects.filter(volunteer=OuterRef("pk"))
        .order_by()
        .values("volunteer")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    last_session = (
        CourseSession.objects.filter(
            course__registrations__volunteer=OuterRef("pk"),
            course__registrations__status__in=Registration.ACTIVE_STATUSES,
        )
        .order_by()
        .values("course__registrations__volunteer")
        .annotate(last=Max("end"))
        .values("last")
    )
    floor = F("created_at")  # every profile has it; keeps Greatest() free of NULLs
    return queryset.annotate(
        last_activity=Greatest(
            floor,
            Coalesce(F("user__last_login"), floor),
            Coalesce(F("email_confirmed_at"), floor),
            Coalesce(Subquery(last_registration, output_field=DateTimeField()), floor),
            Coalesce(Subquery(last_session, output_field=DateTimeField()), floor),
        )
    )


def inactivity_cutoff(*, now: datetime) -> datetime:
    return now - relativedelta(months=inactivity_months())


def volunteers_to_warn(*, now: datetime) -> QuerySet[Volunteer]:
    return (
        with_last_activity(pure_volunteers())
        .filter(inactivity_warning_sent_at__isnull=True, last_activity__lt=inactivity_cutoff(now=now))
        .select_related("user", "district")
        .order_by("pk")
    )


def warnings_to_reset(*, now: datetime) -> QuerySet[Volunteer]:
    """Warned volunteers who were active (e.g. logged in) after the warning."""
    return (
        with_last_activity(
            Volunteer.objects.filter(inactivity_warning_sent_at__isnull=False, anonymised_at__isnull=True)
        )
        .filter(last_activity__gt=F("inactivity_warning_sent_at"))
        .order_by("pk")
    )


def volunteers_to_anonymise(*, now: datetime) -> QuerySet[Volunteer]:
    """Warned at least the warning period ago, and no activity since the warning."""
    return (
        with_last_activity(pure_volunteers())
        .filter(
            inactivity_warning_sent_at__lte=now - timedelta(days=warning_days()),
            last_activity__lte=F("inactivity_warning_sent_at"),
            last_activity__lt=inactivity_cutoff(now=now),
        )
        .select_related("user")
        .order_by("pk")
    )


def send_inactivity_warning(*, volunteer: Volunteer, now: datetime) -> bool:
    """Mail the warning once and remember when; False if somebody else already did."""
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().filter(
            pk=volunteer.pk, inactivity_warning_sent_at__isnull=True, anonymised_at__isnull=True
        )
        if not locked.update(inactivity_warning_sent_at=now):
            return False
        user = volunteer.user
        district = volunteer.district
        send_templated_mail(
            to=user.email,
            template="volunteer_inactivity_warning",
            context={
                "user": user,
                "district": district,
                "months": inactivity_months(),
                "delete_after": timezone.localtime(now + timedelta(days=warning_days())).date(),
                "login_path": reverse("accounts:login"),
                "delete_path": reverse("volunteers:delete_account"),
            },
            language=user.preferred_language,
            reply_to=district.ki_email if district else "",
            idempotency_key=f"inactivity-warning:{volunteer.pk}:{now.isoformat()}",
            district_id=district.pk if district else None,
        )
    return True

"""Test data for courses and volunteers, created as real rows (no mocks)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import ConsentRecord
from municipalities.models import DistrictRole
from municipalities.tests.factories import UserFactory
from volunteers.models import Course, CourseSession, Volunteer
from volunteers.selfservice.consents import record_profile_consents


def make_volunteer(
    district, *, user=None, municipality=None, came_as_newcomer=False, consent=True, **user_fields
):
    if user is None:
        user = UserFactory(**user_fields)
    DistrictRole.objects.get_or_create(user=user, district=district, role=DistrictRole.Role.VOLUNTEER)
    now = timezone.now()
    volunteer, _created = Volunteer.objects.get_or_create(
        user=user,
        defaults={
            "district": district,
            "municipality": municipality,
            "came_as_newcomer": came_as_newcomer,
            "newcomer_consent_at": now if came_as_newcomer and consent else None,
            "newcomer_consent_version": "2026-1" if came_as_newcomer and consent else "",
            "privacy_consent_at": now,
            "privacy_consent_version": "2026-1",
            "email_confirmed_at": now,
        },
    )
    if _created:
        record_profile_consents(volunteer, source=ConsentRecord.Source.SIGNUP)
    return volunteer


def make_course(
    district,
    *,
    title="Grundlagen Asyl- und Aufenthaltsrecht",
    capacity=20,
    sessions=2,
    starts_in=timedelta(days=14),
    status=Course.Status.PUBLISHED,
    trainers=(),
    **fields,
) -> Course:
    now = timezone.now()
    first = (now + starts_in).replace(hour=18, minute=0, second=0, microsecond=0)
    course = Course.objects.create(
        district=district,
        title=title,
        topic=fields.pop("topic", "Asyl- und Aufenthaltsrecht"),
        capacity=capacity,
        registration_opens=fields.pop("registration_opens", now - timedelta(days=30)),
        registration_closes=fields.pop("registration_closes", first - timedelta(days=1)),
        teaching_units=fields.pop("teaching_units", Decimal("6")),
        status=status,
        **fields,
    )
    for number in range(sessions):
        start = first + timedelta(days=7 * number)
        CourseSession.objects.create(course=course, start=start, end=start + timedelta(hours=3))
    course.trainers.set(trainers)
    return course

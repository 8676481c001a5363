"""Reads of courses and registrations that views share.

Counts of seats and waiting lists are computed in SQL (conditional ``Count``)
and sessions are prefetched, so list pages cost the same number of queries
for three courses as for three hundred.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from municipalities.models import District, Language, Municipality

from .models import Course, CourseSession, Registration, Volunteer, VolunteerQualification
from .permissions import courses_run_by

R = Registration.Status

# Statuses whose detail page everybody may open; drafts only their managers.
PUBLIC_STATUSES = (Course.Status.PUBLISHED, Course.Status.COMPLETED, Course.Status.CANCELLED)
# The catalogue's "also past courses" toggle adds completed ones (and published ones whose
# registration has closed); cancelled courses stay reachable through their detail page.
CATALOGUE_PAST_STATUSES = (Course.Status.PUBLISHED, Course.Status.COMPLETED)


def _sessions_prefetch() -> Prefetch:
    return Prefetch("sessions", queryset=CourseSession.objects.order_by("start"))


def with_seat_counts(queryset: QuerySet[Course]) -> QuerySet[Course]:
    """Annotate ``seats_taken_count``, ``waitlist_count``, ``free_seats`` and ``first_start``.

    ``first_start`` is a subquery (not ``Min`` over a join) so that the counts over
    registrations are not multiplied by the number of sessions.
    """
    first_session = CourseSession.objects.filter(course=OuterRef("pk")).order_by("start").values("start")[:1]
    return queryset.annotate(
        first_start=Subquery(first_session),
        seats_taken_count=Count(
            "registrations", filter=Q(registrations__status__in=Registration.SEAT_STATUSES)
        ),
        waitlist_count=Count("registrations", filter=Q(registrations__status=R.WAITLISTED)),
        offered_count=Count("registrations", filter=Q(registrations__status=R.OFFERED)),
    ).annotate(
        free_seats=Greatest(Value(0), F("capacity") - F("seats_taken_count"), output_field=IntegerField()),
    )


@dataclass(frozen=True)
class CatalogueFilter:
    topic: str = ""
    starts_from: date | None = None
    starts_until: date | None = None
    municipality: Municipality | None = None
    language: Language | None = None
    include_past: bool = False


def catalogue_base(*, district: District | None, include_past: bool = False, now: datetime | None = None):
    """The courses the public catalogue may list, before any filter."""
    if district is None:
        return Course.objects.none()
    queryset = Course.objects.filter(district=district)
    if include_past:
        return queryset.filter(status__in=CATALOGUE_PAST_STATUSES)
    now = now or timezone.now()
    # Open means what services.registration_open says: deadline not passed and not yet begun.
    started = CourseSession.objects.filter(course=OuterRef("pk"), start__lte=now)
    return queryset.filter(status=Course.Status.PUBLISHED, registration_closes__gte=now).exclude(
        Exists(started)
    )


def catalogue_courses(
    *, district: District | None, flt: CatalogueFilter, now: datetime | None = None
) -> QuerySet[Course]:
    """Public catalogue: published courses of ``district`` with open registration (or past ones)."""
    queryset = catalogue_base(district=district, include_past=flt.include_past, now=now)
    if flt.topic:
        queryset = queryset.filter(topic__iexact=flt.topic)
    if flt.municipality is not None:
        queryset = queryset.filter(municipality=flt.municipality)
    if flt.language is not None:
        queryset = queryset.filter(language=flt.language)
    queryset = with_seat_counts(queryset)
    # ``__date`` converts to the current time zone (Europe/Berlin): a course whose first
    # session starts at 00:30 local time belongs to that local day.
    if flt.starts_from:
        # first_start is annotated by with_seat_counts, which the plugin cannot see through QuerySet[Course].
        queryset = queryset.filter(first_start__date__gte=flt.starts_from)  # type: ignore[misc]
    if flt.starts_until:
        queryset = queryset.filter(first_start__date__lte=flt.starts_until)  # type: ignore[misc]
    ordering = F("first_start").desc(nulls_last=True) if flt.include_past else F("first_start").asc()
    return (
        queryset.select_related("municipality", "language")
        .prefetch_related(_sessions_prefetch())
        .order_by(ordering, "title", "pk")
    )


def catalogue_topics(*, district: District | None, include_past: bool = False) -> list[str]:
    """The distinct topics of the catalogue's courses, for the topic filter."""
    topics = (
        catalogue_base(district=district, include_past=include_past)
        .order_by("topic")
        .values_list("topic", flat=True)
        .distinct()
    )
    return list(topics)


def catalogue_municipalities(*, district: District | None) -> QuerySet[Municipality]:
    if district is None:
        return Municipality.objects.none()
    return Municipality.objects.filter(district=district).order_by("name")


def course_languages() -> QuerySet[Language]:
    return Language.objects.order_by("position", "name")


def course_for_detail(pk: int) -> Course | None:
    """One course with everything its detail page shows, counts included."""
    queryset = with_seat_counts(Course.objects.filter(pk=pk))
    return (
        queryset.select_related(
            "district",
            "municipality",
            "language",
            "funding_programme",
            "building_block",
            "qualification",
        )
        .prefetch_related(_sessions_prefetch(), "trainers")
        .first()
    )


def is_publicly_visible(course: Course) -> bool:
    return course.status in PUBLIC_STATUSES


# --- registrations --------------------------------------------------------------


def _waitlist_place_subquery():
    """How many people wait ahead of (and including) the outer registration."""
    ahead = (
        Registration.objects.filter(
            course=OuterRef("course"),
            status=R.WAITLISTED,
            waitlist_position__lte=OuterRef("waitlist_position"),
        )
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0))


def waitlist_place(registration: Registration) -> int | None:
    """The current place on the waiting list (1 = next), not the stored sequence number.

    ``waitlist_position`` is a sequence number that keeps gaps when people leave the list.
    """
    if registration.status != R.WAITLISTED or registration.waitlist_position is None:
        return None
    return Registration.objects.filter(
        course_id=registration.course_id,
        status=R.WAITLISTED,
        waitlist_position__lte=registration.waitlist_position,
    ).count()


def registration_of(*, volunteer: Volunteer | None, course: Course) -> Registration | None:
    """The volunteer's active registration for the course, else their latest cancelled one."""
    if volunteer is None:
        return None
    registrations = (
        Registration.objects.filter(volunteer=volunteer, course=course)
        .annotate(waitlist_place=_waitlist_place_subquery())
        .order_by("-created_at", "-pk")
    )
    return registrations.exclude(status=R.CANCELLED).first() or registrations.first()


CURRENT_STATUSES = (R.REGISTERED, R.WAITLISTED, R.OFFERED)


def registrations_of(volunteer: Volunteer) -> QuerySet[Registration]:
    """All registrations of one volunteer, with course, sessions and waiting-list place."""
    return (
        Registration.objects.filter(volunteer=volunteer)
        .select_related("course__municipality", "course__district")
        .prefetch_related(Prefetch("course__sessions", queryset=CourseSession.objects.order_by("start")))
        .annotate(waitlist_place=_waitlist_place_subquery())
        .order_by("-created_at", "-pk")
    )


def qualifications_of(volunteer: Volunteer) -> QuerySet[VolunteerQualification]:
    return volunteer.qualifications.select_related("qualification", "course").order_by("-granted_at")


def verified_certificate(code: str) -> Registration | None:
    """The attended registration a certificate code belongs to, or None.

    Codes are issued upper-case (``services.complete_course``); the lookup
    upper-cases the input so that it stays an indexed equality match.
    """
    code = (code or "").strip().upper()
    if not code or len(code) > 16 or not code.isalnum():
        return None
    return (
        Registration.objects.filter(certificate_code=code, status=R.ATTENDED)
        .select_related("volunteer__user", "course")
        .prefetch_related(Prefetch("course__sessions", queryset=CourseSession.objects.order_by("start")))
        .first()
    )


# --- KI staff -------------------------------------------------------------------


def courses_for_admin(courses: QuerySet[Course], *, status: str = "") -> QuerySet[Course]:
    """The staff course list: every status, with counts, newest first."""
    if status in Course.Status.values:
        courses = courses.filter(status=status)
    return (
        with_seat_counts(courses)
        .select_related("municipality", "district")
        .order_by(F("first_start").desc(nulls_first=True), "title", "pk")
    )


# --- start pages: what waits for this person ---------------------------------


def trainer_sessions(user, *, limit: int = 5, now: datetime | None = None) -> list[CourseSession]:
    """Today's and the next sessions of the running courses a trainer (or KI staff member) runs.

    Each session says ``is_today``; one query.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    start_of_today = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    sessions = list(
        CourseSession.objects.filter(
            course__in=courses_run_by(user), course__status=Course.Status.PUBLISHED, end__gte=start_of_today
        )
        .select_related("course")
        .order_by("start", "pk")[:limit]
    )
    for session in sessions:
        # A display attribute for the template, not a model field.
        session.is_today = timezone.localdate(session.start) == today  # type: ignore[attr-defined]
    return sessions


@dataclass(frozen=True)
class VolunteerTasks:
    next_registration: Registration | None  # with ``next_start``: the next course date
    offers: list  # open seat offers, the one that expires first first


def volunteer_tasks(volunteer: Volunteer, *, now: datetime | None = None) -> VolunteerTasks:
    """A volunteer's start page: the next course and the open seat offers with their deadline (one query)."""
    now = now or timezone.now()
    next_session = CourseSession.objects.filter(course=OuterRef("course"), start__gte=now).order_by("start")
    registrations = list(
        Registration.objects.filter(volunteer=volunteer, status__in=(R.REGISTERED, R.OFFERED))
        .select_related("course")
        .annotate(next_start=Subquery(next_session.values("start")[:1]))
    )
    upcoming = [r for r in registrations if r.status == R.REGISTERED and r.next_start is not None]
    offers = [r for r in registrations if r.status == R.OFFERED]
    offers.sort(key=lambda r: (r.offer_expires_at is None, r.offer_expires_at or now, r.pk))
    return VolunteerTasks(
        next_registration=min(upcoming, key=lambda r: (r.next_start, r.pk)) if upcoming else None,
        offers=offers,
    )

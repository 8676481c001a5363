"""Counts for funding evidence (Verwendungsnachweis) and the KOMM-AN figures, computed in SQL.

Definitions, used the same way on every page and in every file:

* **Teilnehmende** (participants) of a course: registrations that hold a seat and were not
  cancelled — status *angemeldet*, *teilgenommen* or *nicht erschienen*. The waiting list, open
  seat offers and cancellations are not participants. Once a course is completed every
  participant is either *teilgenommen* or *nicht erschienen*.
* **Neuzugewanderte** (newcomers): participants whose registration counts as newcomer
  (``Registration.counts_as_newcomer``: the volunteer had said they came as a newcomer *and*
  had consented to its use, at the time of registration). Without consent nobody is counted.
* **Ehrenamtliche** (volunteers): the other participants, so that the two add up.
* **Anwesenheitsquote** (attendance rate): recorded presences of participants divided by
  participants × sessions; a session without a record counts as absent.
* A course belongs to a **year** by the start of its first session (Europe/Berlin). Drafts and
  cancelled courses are not part of any evidence or figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Round
from django.utils import timezone

from municipalities.models import District, FundingProgramme, Municipality

from .models import (
    Attendance,
    Course,
    CourseSession,
    Qualification,
    Registration,
    RetainedNewcomerCount,
    Volunteer,
    VolunteerQualification,
)

R = Registration.Status
PARTICIPANT_STATUSES = (R.REGISTERED, R.ATTENDED, R.NO_SHOW)
EVIDENCE_COURSE_STATUSES = (Course.Status.PUBLISHED, Course.Status.COMPLETED)
RATE_FIELD = DecimalField(max_digits=6, decimal_places=1)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """1 January of ``year`` and of the next year, 00:00 local time (aware)."""
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def attendance_rate(present: int, participants: int, sessions: int) -> Decimal | None:
    """Percent with one decimal; ``None`` when there is nothing to attend."""
    possible = participants * sessions
    if not possible:
        return None
    return (Decimal(100 * present) / possible).quantize(Decimal("0.1"))


def _count(queryset: QuerySet) -> Coalesce:
    """``(SELECT COUNT(*) … )`` of a queryset filtered by ``OuterRef``: one value per outer row."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _participant(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": PARTICIPANT_STATUSES})


def courses_with_figures(queryset: QuerySet[Course] | None = None) -> QuerySet[Course]:
    """Courses annotated with every count the evidence needs; one query however many rows.

    Registration counts are conditional counts over one join; sessions and presences come
    from correlated subqueries so that the joins do not multiply each other.
    """
    queryset = Course.objects.all() if queryset is None else queryset
    registration = "registrations__"
    return (
        queryset.annotate(
            registration_count=Count(
                "registrations", filter=Q(registrations__status__in=Registration.ACTIVE_STATUSES)
            ),
            participant_count=Count("registrations", filter=_participant(registration)),
            newcomer_count=Count(
                "registrations", filter=_participant(registration) & Q(registrations__counts_as_newcomer=True)
            ),
            attended_count=Count("registrations", filter=Q(registrations__status=R.ATTENDED)),
            no_show_count=Count("registrations", filter=Q(registrations__status=R.NO_SHOW)),
            session_count=_count(CourseSession.objects.filter(course=OuterRef("pk"))),
            present_count=_count(
                Attendance.objects.filter(
                    session__course=OuterRef("pk"),
                    present=True,
                    registration__status__in=PARTICIPANT_STATUSES,
                )
            ),
            first_start=Subquery(
                CourseSession.objects.filter(course=OuterRef("pk"))
                .order_by()
                .values("course")
                .annotate(first=Min("start"))
                .values("first")
            ),
            last_end=Subquery(
                CourseSession.objects.filter(course=OuterRef("pk"))
                .order_by()
                .values("course")
                .annotate(last=Max("end"))
                .values("last")
            ),
        )
        .annotate(
            volunteer_count=F("participant_count") - F("newcomer_count"),
            possible_count=F("participant_count") * F("session_count"),
        )
        .annotate(
            attendance_rate=Round(
                Cast(F("present_count"), RATE_FIELD) * 100 / NullIf(F("possible_count"), 0),
                1,
                output_field=RATE_FIELD,
            )
        )
    )


def evidence_courses(
    *, districts: QuerySet[District], year: int, programme: FundingProgramme | None = None
) -> QuerySet[Course]:
    """Courses of ``districts`` (and ``programme``) whose first session lies in ``year``."""
    start, end = year_bounds(year)
    queryset = Course.objects.filter(district__in=districts, status__in=EVIDENCE_COURSE_STATUSES)
    if programme is not None:
        queryset = queryset.filter(funding_programme=programme)
    return (
        courses_with_figures(queryset)
        .filter(first_start__gte=start, first_start__lt=end)
        .select_related("district", "funding_programme", "building_block", "municipality")
        .prefetch_related("trainers")
        .order_by("first_start", "title", "pk")
    )


def evidence_totals(courses: QuerySet[Course]) -> dict[str, Any]:
    """The sums of :func:`courses_with_figures` rows, aggregated by the database."""
    totals = courses.order_by().aggregate(
        courses=Count("pk"),
        seats=Coalesce(Sum("capacity"), 0),
        teaching_units=Coalesce(Sum("teaching_units"), Value(Decimal(0)), output_field=DecimalField()),
        sessions=Coalesce(Sum("session_count"), 0),
        registrations=Coalesce(Sum("registration_count"), 0),
        participants=Coalesce(Sum("participant_count"), 0),
        newcomers=Coalesce(Sum("newcomer_count"), 0),
        volunteers=Coalesce(Sum("volunteer_count"), 0),
        attended=Coalesce(Sum("attended_count"), 0),
        no_show=Coalesce(Sum("no_show_count"), 0),
        present=Coalesce(Sum("present_count"), 0),
        possible=Coalesce(Sum("possible_count"), 0),
    )
    totals["attendance_rate"] = (
        (Decimal(100 * totals["present"]) / totals["possible"]).quantize(Decimal("0.1"))
        if totals["possible"]
        else None
    )
    return totals


# --- one course ----------------------------------------------------------------------


@dataclass(frozen=True)
class CourseEvidence:
    """Everything the funding evidence of one course shows."""

    course: Course
    sessions: list[CourseSession]
    trainers: list[Any]
    participants: int
    newcomers: int
    volunteers: int
    attended: int
    no_show: int
    present: int

    @property
    def session_count(self) -> int:
        return len(self.sessions)

    @property
    def attendance_rate(self) -> Decimal | None:
        return attendance_rate(self.present, self.participants, self.session_count)


def course_evidence(course: Course) -> CourseEvidence:
    annotated = courses_with_figures(Course.objects.filter(pk=course.pk)).values(
        "participant_count", "newcomer_count", "volunteer_count", "attended_count", "no_show_count",
        "present_count",
    ).get()  # fmt: skip
    return CourseEvidence(
        course=course,
        sessions=list(course.sessions.order_by("start")),
        trainers=list(course.trainers.order_by("full_name")),
        participants=annotated["participant_count"],
        newcomers=annotated["newcomer_count"],
        volunteers=annotated["volunteer_count"],
        attended=annotated["attended_count"],
        no_show=annotated["no_show_count"],
        present=annotated["present_count"],
    )


# --- KOMM-AN figures of a year ---------------------------------------------------------


@dataclass(frozen=True)
class KommAnFigures:
    year: int
    totals: dict[str, Any]
    municipalities: list[Municipality]
    qualified_without_municipality: dict[str, int]
    qualified: dict[str, int]
    qualifications: list[Qualification]
    newcomers: dict[str, int]


def newcomer_volunteers(*, districts: QuerySet[District], year: int) -> dict[str, int]:
    """Volunteers who once came as newcomers — only those who consented to that being counted.

    ``total``: such volunteer profiles existing by the end of ``year``; ``qualified``: of those,
    holding a qualification by then; ``active``: of those, registered for or having attended a
    course with a session in ``year``.
    """
    start, end = year_bounds(year)
    holds_qualification = VolunteerQualification.objects.filter(volunteer=OuterRef("pk"), granted_at__lt=end)
    took_part = Registration.objects.filter(
        volunteer=OuterRef("pk"),
        status__in=(R.REGISTERED, R.ATTENDED),
        course__status__in=EVIDENCE_COURSE_STATUSES,
        course__sessions__start__gte=start,
        course__sessions__start__lt=end,
    )
    figures = Volunteer.objects.filter(
        district__in=districts,
        created_at__lt=end,
        came_as_newcomer=True,
        newcomer_consent_at__isnull=False,
    ).aggregate(
        total=Count("pk"),
        qualified=Count("pk", filter=Exists(holds_qualification)),
        active=Count("pk", filter=Exists(took_part)),
    )
    # People whose registrations of that year were anonymised after the retention period
    # (``volunteers.retention``) are no longer countable through them; they were kept as a number.
    retained = RetainedNewcomerCount.objects.filter(district__in=districts, year=year).aggregate(
        n=Coalesce(Sum("active_newcomers"), 0)
    )
    figures["active"] += retained["n"]
    return figures


def komm_an_figures(*, districts: QuerySet[District], year: int) -> KommAnFigures:
    start, end = year_bounds(year)
    totals = evidence_totals(evidence_courses(districts=districts, year=year))
    qualified_by = Q(volunteers__qualifications__granted_at__lt=end)
    newly_qualified_by = qualified_by & Q(volunteers__qualifications__granted_at__gte=start)
    municipalities = list(
        Municipality.objects.filter(district__in=districts)
        .annotate(
            qualified=Count("volunteers", filter=qualified_by, distinct=True),
            newly_qualified=Count("volunteers", filter=newly_qualified_by, distinct=True),
        )
        .order_by("name")
    )
    qualified_volunteers = Volunteer.objects.filter(district__in=districts)
    held_by_end = Q(qualifications__granted_at__lt=end)
    held_since_start = held_by_end & Q(qualifications__granted_at__gte=start)
    qualified = qualified_volunteers.aggregate(
        qualified=Count("pk", filter=held_by_end, distinct=True),
        newly_qualified=Count("pk", filter=held_since_start, distinct=True),
    )
    without_municipality = qualified_volunteers.filter(municipality__isnull=True).aggregate(
        qualified=Count("pk", filter=held_by_end, distinct=True),
        newly_qualified=Count("pk", filter=held_since_start, distinct=True),
    )
    qualifications = list(
        Qualification.objects.filter(district__in=districts)
        .annotate(
            holders_count=Count("holders", filter=Q(holders__granted_at__lt=end)),
            new_holders_count=Count(
                "holders", filter=Q(holders__granted_at__lt=end, holders__granted_at__gte=start)
            ),
        )
        .order_by("name")
    )
    return KommAnFigures(
        year=year,
        totals=totals,
        municipalities=municipalities,
        qualified_without_municipality=without_municipality,
        qualified=qualified,
        qualifications=qualifications,
        newcomers=newcomer_volunteers(districts=districts, year=year),
    )

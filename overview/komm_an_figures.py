"""The KOMM-AN figures of the district overview: those of ``volunteers.figures`` for the calendar
year plus one grouped query per funding programme (see ``overview.figures``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, OuterRef, Subquery, Sum

from municipalities.models import District
from volunteers import figures as volunteer_figures
from volunteers.models import Course, CourseSession, Registration

from .counting import subquery_count


def komm_an_figures(district: District, year: int) -> dict[str, Any]:
    """KOMM-AN figures of the year, from ``volunteers.figures`` plus one grouped query per programme."""
    districts = District.objects.filter(pk=district.pk)
    result = volunteer_figures.komm_an_figures(districts=districts, year=year)
    totals = result.totals
    start, end = volunteer_figures.year_bounds(year)
    per_course = {
        "participants": subquery_count(
            Registration.objects.filter(
                course=OuterRef("pk"), status__in=volunteer_figures.PARTICIPANT_STATUSES
            )
        ),
        "newcomers": subquery_count(
            Registration.objects.filter(
                course=OuterRef("pk"),
                status__in=volunteer_figures.PARTICIPANT_STATUSES,
                counts_as_newcomer=True,
            )
        ),
    }
    first_start = (
        CourseSession.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(first=Min("start"))
        .values("first")
    )
    programmes = (
        Course.objects.filter(district=district, status__in=volunteer_figures.EVIDENCE_COURSE_STATUSES)
        .annotate(first_start=Subquery(first_start), **per_course)
        .filter(first_start__gte=start, first_start__lt=end)
        .values("funding_programme__code", "funding_programme__name")
        .annotate(
            courses=Count("pk"),
            units=Sum("teaching_units"),
            programme_participants=Sum("participants"),
            programme_newcomers=Sum("newcomers"),
        )
        .order_by("funding_programme__code")
    )
    rate = totals["attendance_rate"]
    return {
        "courses": totals["courses"],
        "teaching_units": float(totals["teaching_units"]),
        "registrations": totals["registrations"],
        "participants": totals["participants"],
        "attendance_rate": None if rate is None else float(rate),
        "qualified_volunteers": result.qualified["qualified"],
        "newcomer_volunteers": result.newcomers["total"],
        "qualified_by_municipality": {m.slug: m.qualified for m in result.municipalities},
        "by_programme": [
            {
                "code": row["funding_programme__code"],
                "name": row["funding_programme__name"],
                "courses": row["courses"],
                "teaching_units": float(row["units"] or 0),
                "participants": row["programme_participants"] or 0,
                "newcomers": row["programme_newcomers"] or 0,
            }
            for row in programmes
        ],
    }

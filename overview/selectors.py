"""Reads of the district overview: stored or fresh figures, the rows behind a matrix cell, the
comparison a municipal contact sees.

**When stored figures are used** (``dashboard_figures``): the current year's figures are stored in
``DashboardFigures`` (rebuilt every night by the beat task and whenever they are stale). They are
used when they were computed *today* (local date) **and** nothing that feeds them was saved since:
no event, measure, course, registration, attendance, qualification or volunteer profile of the
district has a newer timestamp than ``computed_at``. One query answers both: the stored row with
an ``EXISTS`` per source. Otherwise the figures are computed, stored and returned.

Why both conditions: "computed today" alone would hide a decision made an hour ago until the next
night; "nothing changed" alone would keep figures that depend on the clock (events that have
ended since, the current quarter) for days. What the timestamps cannot see — a deleted row, an
edited population figure or a renamed field of action — is picked up by the nightly rebuild.
Other years and filtered views are computed on the fly (a fixed number of queries) and not stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from kreisintegration import public_cache
from municipalities import permissions
from municipalities.models import District, FieldOfAction, Measure, Municipality, TargetGroup
from volunteers.models import Attendance, Course, Registration, Volunteer, VolunteerQualification

from .counting import counted_events, counted_measures, occurrences_in, period_for, subquery_count
from .dashboard_service import rebuild_dashboard_figures
from .figures import FIGURES_VERSION, compute_figures
from .models import ConceptReport, DashboardFigures


def current_year() -> int:
    return timezone.localdate().year


def _changed_since_computed() -> ExpressionWrapper:
    """True when a source row of the figures' district was saved after ``computed_at``."""
    district, computed = OuterRef("district_id"), OuterRef("computed_at")
    sources = [
        Event.objects.filter(municipality__district=district, updated_at__gt=computed),
        Measure.objects.filter(municipality__district=district, updated_at__gt=computed),
        Course.objects.filter(district=district, updated_at__gt=computed),
        Registration.objects.filter(course__district=district, updated_at__gt=computed),
        Attendance.objects.filter(session__course__district=district, recorded_at__gt=computed),
        VolunteerQualification.objects.filter(volunteer__district=district, granted_at__gt=computed),
        Volunteer.objects.filter(district=district, created_at__gt=computed),
    ]
    condition: Q | Combinable = Q()  # Q() | Exists is the Exists itself
    for source in sources:
        condition |= Exists(source)
    return ExpressionWrapper(condition, output_field=BooleanField())


def stored_figures_if_fresh(*, district: District, year: int) -> dict[str, Any] | None:
    """The stored figures of ``district`` and ``year`` when still valid (see module doc); 1 query."""
    stored = (
        DashboardFigures.objects.filter(district=district, year=year)
        .annotate(changed=_changed_since_computed())
        .only("figures", "computed_at")
        .first()
    )
    if stored is None or stored.changed or stored.figures.get("version") != FIGURES_VERSION:
        return None
    if timezone.localdate(stored.computed_at) != timezone.localdate():
        return None
    return stored.figures


def dashboard_figures(*, district: District, year: int) -> dict[str, Any]:
    """The figures of a district-year: stored ones for the current year when fresh, else computed
    (and, for the current year, stored for the next reader)."""
    if year != current_year():
        return compute_figures(district=district, year=year)
    key = _dashboard_cache_key(district=district, year=year)
    figures = cache.get(key)
    if figures is not None:
        return figures
    figures = stored_figures_if_fresh(district=district, year=year)
    if figures is None:
        figures = rebuild_dashboard_figures(district=district, year=year).figures
    cache.set(key, figures, timeout=DASHBOARD_CACHE_SECONDS)
    return figures


# Checking the stored figures' freshness (one query with seven EXISTS) is most of a dashboard
# request. Its answer is kept in the cache under the versions of the data the figures are made
# of: every save or delete of an event, measure, course, registration, attendance, qualification
# or volunteer profile bumps one of them (signal receivers, cache invalidation only), so the next
# request checks again. Writes that bypass signals (``QuerySet.update``) are caught by the short
# timeout and, at the latest, by the nightly rebuild.
DASHBOARD_CACHE_SECONDS = 60


def _dashboard_cache_key(*, district: District, year: int) -> str:
    versions = ":".join(str(number) for number in public_cache.versions("events", "courses", "figures"))
    return f"dashboard-figures:{district.pk}:{year}:{timezone.localdate().isoformat()}:{versions}"


def figures_for_dashboard(
    *,
    district: District,
    year: int,
    field_of_action: FieldOfAction | None = None,
    target_group: TargetGroup | None = None,
) -> dict[str, Any]:
    """What the dashboard shows: the stored figures unless filtered, then computed on the fly."""
    if field_of_action is None and target_group is None:
        return dashboard_figures(district=district, year=year)
    return compute_figures(
        district=district, year=year, field_of_action=field_of_action, target_group=target_group
    )


# --- drill-down: what is behind one cell of the matrix ----------------------------------


def events_for_cell(
    *,
    municipality: Municipality,
    field_of_action: FieldOfAction,
    year: int,
    start: date | None = None,
    end: date | None = None,
    target_group: TargetGroup | None = None,
) -> QuerySet[Event]:
    """The counted events of one municipality and field of action, with their dates in the period.

    The same definition as the matrix (``figures.counted_events``), so the list adds up to the
    numbers in the cell.
    """
    period = period_for(year, start, end)
    in_period = occurrences_in(period).filter(event=OuterRef("pk"))
    first = in_period.order_by().values("event").annotate(first=Min("start")).values("first")
    return (
        counted_events(
            district=municipality.district,
            period=period,
            field_of_action=field_of_action,
            target_group=target_group,
        )
        .filter(municipality=municipality)
        .annotate(occurrences_in_period=subquery_count(in_period), first_in_period=Subquery(first))
        .order_by("first_in_period", "title", "pk")
    )


def measures_for_cell(
    *,
    municipality: Municipality,
    field_of_action: FieldOfAction,
    year: int,
    start: date | None = None,
    end: date | None = None,
    target_group: TargetGroup | None = None,
) -> QuerySet[Measure]:
    return (
        counted_measures(
            district=municipality.district,
            period=period_for(year, start, end),
            field_of_action=field_of_action,
            target_group=target_group,
        )
        .filter(municipality=municipality)
        .select_related("municipality")
        .order_by("title", "pk")
    )


def cell_totals(events: QuerySet[Event]) -> dict[str, int]:
    """The sums of an ``events_for_cell`` list, computed by the database (1 query)."""
    return events.order_by().aggregate(
        events=Count("pk"),
        occurrences=Coalesce(Sum("occurrences_in_period"), 0),
        participants=Coalesce(Sum("actual_participants"), 0),
        participants_reported=Count("pk", filter=Q(actual_participants__isnull=False)),
    )


# --- a municipality compared with the district average ----------------------------------

COMPARISON_ROWS = (
    ("events", _("Veranstaltungen (eine Reihe zählt einmal)")),
    ("occurrences", _("Termine")),
    ("measures", _("laufende Maßnahmen")),
    ("participants", _("Teilnehmende (gemeldet)")),
    ("offers", _("Angebote (Veranstaltungen und Maßnahmen)")),
)


def municipality_comparison(*, figures: dict[str, Any], municipality: Municipality) -> dict[str, Any]:
    """The municipality's own totals next to the district's average per municipality.

    Only aggregate numbers of the district leave this function: never another municipality's
    name or row.
    """
    own = figures["municipality_totals"].get(municipality.slug)
    count = len(figures["municipalities"])
    district = figures["district_totals"]
    rows = [
        {
            "key": key,
            "label": label,
            "own": None if own is None else own[key],
            "average": round(district[key] / count, 1) if count else None,
        }
        for key, label in COMPARISON_ROWS
    ]
    return {
        "year": figures["year"],
        "period": figures["period"],
        "rows": rows,
        "own_per_10k": None if own is None else own["offers_per_10k"],
        "district_per_10k": district["offers_per_10k"],
        "municipality_count": count,
        "population_years": district["population_years"],
    }


def report_builds_to_watch(user, *, limit: int = 5) -> tuple[int, list]:
    """KI staff's start page: concept reports still being built, and failed ones not yet built again
    (no later finished report of the same district and year). Count and the newest first."""
    S = ConceptReport.State
    rebuilt = ConceptReport.objects.filter(
        district=OuterRef("district"),
        year=OuterRef("year"),
        state=S.DONE,
        created_at__gt=OuterRef("created_at"),
    )
    reports = ConceptReport.objects.filter(district__in=permissions.districts_administered_by(user)).filter(
        Q(state__in=(S.QUEUED, S.RUNNING)) | (Q(state=S.FAILED) & ~Exists(rebuilt))
    )
    return reports.count(), list(reports.order_by("-created_at", "-pk")[:limit])

"""The figures of the district overview, computed in SQL with a fixed number of queries.

``compute_figures()`` returns one JSON-serialisable dict (schema version ``FIGURES_VERSION``; the
keys are a contract with the concept report, pinned by ``tests/test_figures.py``). Every count
comes from the database (conditional counts, sums, grouping, correlated subqueries); Python only
reshapes the few grouped rows into dicts and derives ratios from aggregated numbers.

What counts as an event, a measure and a period is defined in ``overview.counting``. Beyond that:

* **Participants**: the sum of ``actual_participants`` of counted events; ``participants_reported``
  says how many counted events reported a number at all.
* **Offers** (*Angebote*) = counted events + counted measures.
* **Offers per 10,000 inhabitants** use the municipality's official population figure (with its
  year and source, kept apart from the portal's own counts); ``None`` when it is missing. The
  district's value uses the summed population and is ``None`` when any municipality lacks one.
* **Filters** (field of action, target group) restrict events and measures to those tagged with
  it, and the lists of fields of action / target groups (matrix columns, gaps) to the chosen one.
* **KOMM-AN** figures are those of ``volunteers.figures`` for the calendar year (they ignore the
  date range and the filters): a course belongs to the year of its first session.
* **Data quality**: counted events whose last occurrence has ended without a participant number;
  municipalities that submitted nothing in the quarter containing the end of the period (or today,
  whichever is earlier) — an event submitted (or entered as non-draft) or a measure entered then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Event
from municipalities.models import District, FieldOfAction, Measure, Municipality, TargetGroup

from .counting import (
    Period,
    counted_events,
    counted_measures,
    occurrences_in,
    period_for,
    subquery_count,
    subquery_sum,
)
from .engagement_figures import engagement_figures
from .komm_an_figures import komm_an_figures
from .quality_figures import DATA_QUALITY_LIMIT, data_quality, quarter_of  # noqa: F401 - re-exported

FIGURES_VERSION = 1
DISTRICT_KEY = "_district"


TREND_KEYS = ("events", "occurrences", "measures", "participants")
COUNT_KEYS = ("events", "occurrences", "measures", "participants", "participants_reported")


def per_10k(offers: int, population: int | None) -> float | None:
    """Offers per 10,000 inhabitants, two decimals; None without a population figure."""
    if not population:
        return None
    return round(offers * 10_000 / population, 2)


def _change(previous: int, current: int) -> dict[str, int]:
    return {"previous": previous, "current": current, "change": current - previous}


# --- the parts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    district: District
    period: Period
    field_of_action: FieldOfAction | None
    target_group: TargetGroup | None

    def events(self) -> QuerySet[Event]:
        return counted_events(
            district=self.district,
            period=self.period,
            field_of_action=self.field_of_action,
            target_group=self.target_group,
        )

    def measures(self) -> QuerySet[Measure]:
        return counted_measures(
            district=self.district,
            period=self.period,
            field_of_action=self.field_of_action,
            target_group=self.target_group,
        )

    def shifted(self) -> _Scope:
        return _Scope(self.district, self.period.previous(), self.field_of_action, self.target_group)


def _reference_list(model, scope: _Scope, chosen, relation: str) -> list[dict[str, str]]:
    """Active entries, plus inactive ones still tagged on something counted (1 query)."""
    queryset = model.objects.filter(district=scope.district)
    if chosen is not None:
        queryset = queryset.filter(pk=chosen.pk)
    else:
        queryset = queryset.filter(
            Q(is_active=True)
            | Q(pk__in=scope.events().values(relation))
            | Q(pk__in=scope.measures().values(relation))
        )
    return list(queryset.order_by("position", "name").values("slug", "name"))


def _municipalities_with_totals(scope: _Scope) -> QuerySet[Municipality]:
    events = scope.events()
    own_events = events.filter(municipality=OuterRef("pk"))
    # Annotation names carry a prefix: "events" and "measures" are reverse relations.
    return Municipality.objects.filter(district=scope.district).annotate(
        n_events=subquery_count(own_events),
        n_occurrences=subquery_count(
            occurrences_in(scope.period).filter(event__in=events, event__municipality=OuterRef("pk"))
        ),
        n_participants=subquery_sum(own_events, "actual_participants"),
        n_participants_reported=subquery_count(own_events.filter(actual_participants__isnull=False)),
        n_measures=subquery_count(scope.measures().filter(municipality=OuterRef("pk"))),
    )


def _target_groups_reached(scope: _Scope, target_groups: list[dict]) -> dict[str, list[str]]:
    """Municipality slug → target group slugs of its counted events and measures (1 query)."""
    slugs = [group["slug"] for group in target_groups]
    pairs = ("municipality__slug", "target_groups__slug")
    tagged = {"target_groups__slug__in": slugs, "target_groups__district": scope.district}
    rows = (
        scope.events()
        .filter(**tagged)
        .order_by()
        .values_list(*pairs)
        .union(scope.measures().filter(**tagged).order_by().values_list(*pairs))
    )
    reached: dict[str, set[str]] = {}
    for municipality, group in rows:
        reached.setdefault(municipality, set()).add(group)
    return {municipality: [s for s in slugs if s in groups] for municipality, groups in reached.items()}


def _totals(scope: _Scope, target_groups: list[dict]) -> tuple[list[dict], dict[str, dict], dict[str, Any]]:
    """(municipality rows, municipality totals, district totals): 4 queries."""
    municipalities = _municipalities_with_totals(scope)
    rows = list(
        municipalities.order_by("name").values(
            "slug",
            "name",
            "ags",
            "population",
            "population_year",
            "population_source",
            *(f"n_{key}" for key in COUNT_KEYS),
        )
    )
    reached = _target_groups_reached(scope, target_groups)
    by_slug = {}
    for row in rows:
        counts = {key: row[f"n_{key}"] for key in COUNT_KEYS}
        offers = counts["events"] + counts["measures"]
        by_slug[row["slug"]] = {
            **counts,
            "offers": offers,
            "offers_per_10k": per_10k(offers, row["population"]),
            "target_groups_reached": reached.get(row["slug"], []),
        }
    district = municipalities.aggregate(
        **{key: Coalesce(Sum(f"n_{key}"), 0) for key in COUNT_KEYS},
        total_population=Sum("population"),
        without_population=Count("pk", filter=Q(population__isnull=True) | Q(population=0)),
    )
    population_years = list(
        municipalities.filter(population_year__isnull=False)
        .order_by("population_year")
        .values_list("population_year", flat=True)
        .distinct()
    )
    district_reached = {slug for groups in reached.values() for slug in groups}
    offers = district["events"] + district["measures"]
    district_totals = {
        **{key: district[key] for key in COUNT_KEYS},
        "offers": offers,
        "offers_per_10k": None
        if district["without_population"]
        else per_10k(offers, district["total_population"]),
        "target_groups_reached": [g["slug"] for g in target_groups if g["slug"] in district_reached],
        "population": district["total_population"],
        "population_years": population_years,
    }
    municipality_rows = [
        {
            key: row[key]
            for key in ("slug", "name", "ags", "population", "population_year", "population_source")
        }
        for row in rows
    ]
    return municipality_rows, by_slug, district_totals


def _matrix(scope: _Scope, municipalities: list[dict], fields: list[dict]) -> dict[str, dict[str, dict]]:
    """Municipality × field of action: 2 grouped queries (events with occurrences, measures)."""
    field_slugs = [field["slug"] for field in fields]
    empty = {key: 0 for key in COUNT_KEYS}
    matrix = {m["slug"]: {slug: dict(empty) for slug in field_slugs} for m in municipalities}
    occurrences = occurrences_in(scope.period).filter(event=OuterRef("pk"))
    # Grouping by the field of action joins each event once per field, so every sum is per
    # (event, field) pair and nothing is counted twice within a cell.
    event_rows = (
        scope.events()
        .filter(fields_of_action__slug__in=field_slugs, fields_of_action__district=scope.district)
        .annotate(in_period=subquery_count(occurrences))
        .values("municipality__slug", "fields_of_action__slug")
        .annotate(
            events=Count("pk"),
            occurrences=Sum("in_period"),
            participants=Coalesce(Sum("actual_participants"), 0),
            participants_reported=Count("pk", filter=Q(actual_participants__isnull=False)),
        )
        .order_by()
    )
    for row in event_rows:
        cell = matrix[row["municipality__slug"]][row["fields_of_action__slug"]]
        for key in ("events", "occurrences", "participants", "participants_reported"):
            cell[key] = row[key]
    measure_rows = (
        scope.measures()
        .filter(fields_of_action__slug__in=field_slugs, fields_of_action__district=scope.district)
        .values("municipality__slug", "fields_of_action__slug")
        .annotate(measures=Count("pk"))
        .order_by()
    )
    for row in measure_rows:
        matrix[row["municipality__slug"]][row["fields_of_action__slug"]]["measures"] = row["measures"]
    return matrix


def _gaps(
    matrix: dict, municipalities: list[dict], fields: list[dict], target_groups: list[dict], totals: dict
) -> dict[str, Any]:
    cells = [
        [m["slug"], f["slug"]]
        for m in municipalities
        for f in fields
        if not matrix[m["slug"]][f["slug"]]["events"] and not matrix[m["slug"]][f["slug"]]["measures"]
    ]
    without_offer = {
        m["slug"]: [
            g["slug"] for g in target_groups if g["slug"] not in totals[m["slug"]]["target_groups_reached"]
        ]
        for m in municipalities
    }
    covered = {
        slug
        for m in municipalities
        for slug, cell in matrix[m["slug"]].items()
        if cell["events"] or cell["measures"]
    }
    return {
        "cells": cells,
        "target_groups_without_offer": without_offer,
        "fields_without_offer_in_district": [f["slug"] for f in fields if f["slug"] not in covered],
    }


def _trend(current: dict, previous: dict, current_district: dict, previous_district: dict) -> dict:
    trend = {
        slug: {key: _change(previous[slug][key], totals[key]) for key in TREND_KEYS}
        for slug, totals in current.items()
    }
    trend[DISTRICT_KEY] = {key: _change(previous_district[key], current_district[key]) for key in TREND_KEYS}
    return trend


def _measures_by_field(scope: _Scope, fields: list[dict]) -> dict[str, list[dict]]:
    """Field slug → the counted measures tagged with it (1 query)."""
    field_slugs = [field["slug"] for field in fields]
    result: dict[str, list[dict]] = {slug: [] for slug in field_slugs}
    rows = (
        scope.measures()
        .filter(fields_of_action__slug__in=field_slugs, fields_of_action__district=scope.district)
        .order_by("fields_of_action__position", "fields_of_action__name", "municipality__name", "title", "pk")
        .values("fields_of_action__slug", "title", "municipality__name", "status", "provider")
    )
    for row in rows:
        result[row["fields_of_action__slug"]].append(
            {
                "title": row["title"],
                "municipality": row["municipality__name"],
                "status": row["status"],
                "provider": row["provider"],
            }
        )
    return result


# --- the whole -----------------------------------------------------------------------------


def compute_figures(
    *,
    district: District,
    year: int,
    start: date | None = None,
    end: date | None = None,
    field_of_action: FieldOfAction | None = None,
    target_group: TargetGroup | None = None,
) -> dict[str, Any]:
    """Every figure of the overview for ``district`` and ``year`` (optionally a date range and a
    field of action or target group), in a number of queries that does not depend on the data."""
    now = timezone.now()
    period = period_for(year, start, end)
    scope = _Scope(district, period, field_of_action, target_group)
    previous_scope = scope.shifted()

    fields = _reference_list(FieldOfAction, scope, field_of_action, "fields_of_action")
    target_groups = _reference_list(TargetGroup, scope, target_group, "target_groups")
    municipalities, municipality_totals, district_totals = _totals(scope, target_groups)
    _previous_rows, previous_totals, previous_district = _totals(previous_scope, target_groups)
    matrix = _matrix(scope, municipalities, fields)

    return {
        "version": FIGURES_VERSION,
        "district": {
            "name": district.name,
            "slug": district.slug,
            "ki_name": district.ki_name,
            "ags_prefix": district.ags_prefix,
        },
        "year": year,
        "period": period.as_json(),
        "generated_at": timezone.localtime(now).isoformat(),
        "fields_of_action": fields,
        "target_groups": target_groups,
        "municipalities": municipalities,
        "matrix": matrix,
        "municipality_totals": municipality_totals,
        "district_totals": district_totals,
        "gaps": _gaps(matrix, municipalities, fields, target_groups, municipality_totals),
        "previous_year": {
            "year": previous_scope.period.year,
            "municipality_totals": previous_totals,
            "district_totals": previous_district,
        },
        "trend": _trend(municipality_totals, previous_totals, district_totals, previous_district),
        "komm_an": komm_an_figures(district, year),
        "engagement": engagement_figures(district=district, year=year),
        "data_quality": data_quality(scope, now),
        "measures_by_field": _measures_by_field(scope, fields),
    }

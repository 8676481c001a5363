"""The Integrationskonzept's part of a report snapshot: goals, indicators, measures, consultation.

The overview reads the concept app (never the other way round). Everything is read in a fixed
number of queries whatever the number of goals, municipalities and years: the goals with their
targets and measures (three), the official values of every indicator involved (one, as plain
tuples), the portal's own values (``concept.portal``, at most four), the consultation (three).

The result is plain data with the labels already in the report's language, stored in the
snapshot's ``figures["concept"]``: the snapshot keeps the goals, targets and positions of the
moment it was built, whatever the concept becomes later.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When

from concept.models import (
    CommentAnswer,
    ConceptMeasure,
    ConceptVersion,
    ConsultationComment,
    Goal,
    GoalIndicator,
    IndicatorValue,
    MunicipalityPosition,
    PillarField,
    ReadReceipt,
)
from concept.portal import portal_values
from concept.selectors import NO_DATA, OFF_TRACK, STATUSES, target_row
from municipalities.models import District, Municipality

Status = ConceptVersion.Status
PROGRESS = "progress"
OVERVIEW = "overview"


def version_for_report(*, district: District, year: int, progress: bool = False) -> ConceptVersion | None:
    """The version a report of ``year`` shows.

    A progress report (Sachstandsbericht) needs the adopted version whose period covers the year.
    An ordinary report takes the version covering the year — adopted first, then in consultation,
    then the draft — or else the newest version that is not superseded.
    """
    versions = ConceptVersion.objects.filter(concept__district=district).select_related("concept__district")
    covering = versions.filter(period_start__lte=year, period_end__gte=year)
    if progress:
        return covering.filter(status=Status.ADOPTED).first()
    rank = Case(
        When(status=Status.ADOPTED, then=Value(0)),
        When(status=Status.CONSULTATION, then=Value(1)),
        When(status=Status.DRAFT, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        covering.order_by(rank, "-number").first()
        or versions.exclude(status=Status.SUPERSEDED).order_by("-number").first()
    )


class _Values:
    """Official and portal values, looked up by (indicator, municipality or None, year)."""

    def __init__(self, *, district: District, indicators: list, years: list[int]):
        official = [indicator.pk for indicator in indicators if not indicator.is_portal]
        self.values: dict[tuple[int, int | None, int], Decimal | None] = {
            (indicator_id, municipality_id, year): value
            for indicator_id, municipality_id, year, value in IndicatorValue.objects.filter(
                indicator_id__in=official, year__in=years
            )
            .order_by()
            .values_list("indicator_id", "municipality_id", "year", "value")
        }
        self.demo = IndicatorValue.objects.filter(
            indicator_id__in=official, year__in=years, is_demo=True
        ).exists()
        self.values.update(portal_values(district=district, indicators=indicators, years=years))
        self.years = years

    def series(self, indicator, municipality_id: int | None) -> list[tuple[int, Decimal]]:
        values = self.values
        return [
            (year, values[(indicator.pk, municipality_id, year)])
            for year in self.years
            if values.get((indicator.pk, municipality_id, year)) is not None
        ]


def _pair(value: tuple[int, Decimal] | None) -> list | None:
    return None if value is None else [value[0], value[1]]


def _place(row) -> dict[str, Any]:
    return {
        "series": [[year, value] for year, value in row.series],
        "baseline": _pair(row.baseline),
        "latest": _pair(row.latest),
        "status": row.status.key,
    }


def _target(target: GoalIndicator, values: _Values, municipalities: list[dict]) -> dict[str, Any]:
    indicator = target.indicator
    places = {}
    for municipality in municipalities:
        row = target_row(target, values, municipality["pk"])
        if row.series:
            places[municipality["slug"]] = _place(row)
    return {
        "indicator": indicator.name,
        "slug": indicator.slug,
        "unit": indicator.unit,
        "definition": indicator.definition,
        "source": indicator.source,
        "source_label": str(indicator.get_source_display()),
        "source_name": indicator.source_name,
        "level": indicator.level,
        "is_percent": indicator.is_percent,
        "direction": target.direction,
        "direction_label": str(target.get_direction_display()),
        "baseline_year": target.baseline_year,
        "baseline_value": target.baseline_value,
        "target_year": target.target_year,
        "target_value": target.target_value,
        "district": _place(target_row(target, values, None)),
        "municipalities": places,
    }


def _measure(measure: ConceptMeasure) -> dict[str, Any]:
    return {
        "title": measure.title,
        "owner": measure.owner_label,
        "owner_municipality": measure.owner_municipality.slug if measure.owner_municipality_id else None,
        "status": measure.status,
        "status_label": str(measure.get_status_display()),
        "starts_on": measure.starts_on,
        "ends_on": measure.ends_on,
        "budget": measure.budget,
        "programme": measure.funding_programme.name if measure.funding_programme_id else "",
    }


def goal_status(targets: list[dict]) -> str:
    """The worst status of the goal's indicators for the district (no data only when none has data)."""
    known = {t["district"]["status"] for t in targets} - {NO_DATA.key}
    for status in (OFF_TRACK.key, "at_risk", "on_track"):
        if status in known:
            return status
    return NO_DATA.key


def _goals(version: ConceptVersion) -> list[Goal]:
    return list(
        Goal.objects.filter(version=version)
        .select_related("field_of_action")
        .prefetch_related(
            Prefetch(
                "targets", queryset=GoalIndicator.objects.select_related("indicator").order_by("order", "pk")
            ),
            Prefetch(
                "measures",
                queryset=ConceptMeasure.objects.select_related(
                    "owner_municipality", "funding_programme"
                ).order_by("order", "title"),
            ),
        )
        .order_by("field_of_action__position", "field_of_action__name", "order", "title")
    )


def _fields(version: ConceptVersion, goals: list[Goal]) -> list[dict[str, Any]]:
    """Fields of action in the concept's order (pillar, position), each with its goals."""
    by_field: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        by_field[goal.field_of_action_id].append(goal)
    fields = []
    placed = set()
    pillar_fields = (
        PillarField.objects.filter(version=version)
        .select_related("pillar", "field_of_action")
        .order_by("pillar__order", "pillar__title", "order")
    )
    for pillar_field in pillar_fields:
        item = pillar_field.field_of_action
        placed.add(item.pk)
        fields.append(
            {
                "pk": item.pk,
                "slug": item.slug,
                "name": item.name,
                "pillar": pillar_field.pillar.title,
                "situation": pillar_field.situation,
                "goals": by_field.get(item.pk, []),
            }
        )
    for field_id, field_goals in by_field.items():
        if field_id not in placed:
            item = field_goals[0].field_of_action
            fields.append(
                {
                    "pk": item.pk,
                    "slug": item.slug,
                    "name": item.name,
                    "pillar": "",
                    "situation": "",
                    "goals": field_goals,
                }
            )
    return fields


def _consultation(version: ConceptVersion, municipalities: list[dict]) -> dict[str, Any]:
    positions = {
        position.municipality_id: position
        for position in MunicipalityPosition.objects.filter(version=version).order_by()
    }
    comments = {
        row["municipality_id"]: row
        for row in ConsultationComment.objects.filter(version=version)
        .order_by()
        .values("municipality_id")
        .annotate(
            comments=Count("pk", distinct=True),
            answered=Count(
                "pk",
                filter=Q(pk__in=CommentAnswer.objects.filter(comment__version=version).values("comment_id")),
                distinct=True,
            ),
        )
    }
    read = set(
        ReadReceipt.objects.filter(version=version)
        .order_by()
        .values_list("municipality_id", flat=True)
        .distinct()
    )
    labels = dict(MunicipalityPosition.Position.choices)
    rows = []
    for municipality in municipalities:
        position = positions.get(municipality["pk"])
        counts = comments.get(municipality["pk"], {})
        rows.append(
            {
                "slug": municipality["slug"],
                "name": municipality["name"],
                "read": municipality["pk"] in read,
                "comments": counts.get("comments", 0),
                "answered": counts.get("answered", 0),
                "position": position.position if position else "",
                "position_label": str(labels[position.position]) if position else "",
                "reasons": position.reasons if position else "",
                "declared_at": position.declared_at if position else None,
            }
        )
    tally = defaultdict(int)
    for row in rows:
        tally[row["position"] or "none"] += 1
    return {
        "opened_at": version.consultation_opened_at,
        "deadline": version.consultation_deadline,
        "rows": rows,
        "tally": dict(tally),
        "position_labels": {key: str(label) for key, label in labels.items()},
    }


def concept_figures(*, district: District, year: int, progress: bool = False) -> dict[str, Any] | None:
    """The concept's part of a snapshot for ``year`` (None when the district has no fitting version)."""
    version = version_for_report(district=district, year=year, progress=progress)
    if version is None:
        return None
    goals = _goals(version)
    targets = [target for goal in goals for target in goal.targets.all()]
    first = min([version.period_start] + [t.baseline_year for t in targets if t.baseline_year])
    years = list(range(first, min(year, version.period_end) + 1))
    municipalities = list(
        Municipality.objects.filter(district=district).order_by("name").values("pk", "slug", "name")
    )
    values = _Values(district=district, indicators=list({t.indicator for t in targets}), years=years)
    fields = []
    for item in _fields(version, goals):
        goal_rows = []
        for goal in item.pop("goals"):
            goal_targets = [_target(target, values, municipalities) for target in goal.targets.all()]
            goal_rows.append(
                {
                    "pk": goal.pk,
                    "title": goal.title,
                    "description": goal.description,
                    "kind_label": str(goal.get_kind_display()),
                    "priority_label": str(goal.get_priority_display()),
                    "responsible": goal.responsible,
                    "status": goal_status(goal_targets),
                    "targets": goal_targets,
                    "measures": [_measure(measure) for measure in goal.measures.all()],
                }
            )
        item["goals"] = goal_rows
        fields.append(item)
    consulted = version.consultation_opened_at is not None or version.status != Status.DRAFT
    return {
        "mode": PROGRESS if progress else OVERVIEW,
        "year": year,
        "years": years,
        "version": {
            "pk": version.pk,
            "number": version.number,
            "title": version.title,
            "period_start": version.period_start,
            "period_end": version.period_end,
            "status": version.status,
            "status_label": str(version.get_status_display()),
            "leitbild": version.leitbild,
        },
        "adoption": {
            "adopted_on": version.adopted_on,
            "body": version.adopted_by_body,
            "drucksache": version.drucksache,
        }
        if version.status in ConceptVersion.FROZEN_STATUSES
        else None,
        "status_labels": {status.key: str(status.label) for status in STATUSES},
        "status_icons": {status.key: status.icon for status in STATUSES},
        "has_demo_values": values.demo,
        "fields": fields,
        "consultation": _consultation(version, municipalities) if consulted else None,
    }

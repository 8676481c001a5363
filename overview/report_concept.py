"""The Integrationskonzept's chapters of the report PDF, formatted from the snapshot's ``figures["concept"]``.

Per field of action: the situation, each goal with one chart per indicator (baseline, latest value,
target; drawn once, an SVG with its title and a description) followed by a table with the same
numbers and every municipality's value, then the goal's measures with their status. Per
municipality a page with its goals' values; the consultation (positions of all municipalities)
and, for an adopted version, the adoption record. A progress report (Sachstandsbericht) adds a
chapter that compares the year's values with the adopted targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from .report_format import NONE, number, short_date, short_datetime

STATUS_ORDER = ("on_track", "at_risk", "off_track", "no_data")


def value(amount: Any) -> str:
    """A value with as many decimals as it needs (at most two): 12; 12,5; 0,25."""
    if amount is None:
        return NONE
    amount = float(amount)
    if amount.is_integer():
        return number(amount)
    return number(amount, 1 if round(amount, 1) == round(amount, 4) else 2)


def with_year(pair: Any) -> str:
    """``[2025, 12.5]`` → "12,5 (2025)"."""
    if not pair:
        return NONE
    return f"{value(pair[1])} ({pair[0]})"


def _status(concept: Mapping, key: str) -> str:
    icon = concept.get("status_icons", {}).get(key, "")
    label = concept.get("status_labels", {}).get(key, key)
    return f"{icon} {label}".strip()


def _distance(target: Mapping, latest: Any) -> str:
    if not latest or target.get("target_value") is None:
        return NONE
    gap = float(target["target_value"]) - float(latest[1])
    if round(gap, 4) == 0:
        return value(0)
    return ("+" if gap > 0 else "−") + value(abs(gap))


def chart_key(goal: Mapping, index: int) -> str:
    return f"goal-{goal['pk']}-{index}"


def chart_numbers(target: Mapping) -> tuple[list[str], list[float | None]]:
    """The three bars of an indicator chart: baseline, latest value, target (district-wide)."""
    district = target.get("district", {})
    baseline = (
        [target["baseline_year"], target["baseline_value"]]
        if target.get("baseline_year") is not None
        else district.get("baseline")
    )
    latest = district.get("latest")
    labels, values = [], []
    for label, pair in (
        (_("Ausgangswert"), baseline),
        (_("Stand"), latest),
        (_("Zielwert"), [target.get("target_year"), target.get("target_value")]),
    ):
        year = pair[0] if pair else None
        labels.append(f"{label} {year}" if year else label)
        values.append(None if not pair or pair[1] is None else float(pair[1]))
    return labels, values


def chart_description(labels: list[str], values: list[float | None]) -> str:
    return "; ".join(f"{label}: {value(amount)}" for label, amount in zip(labels, values, strict=True))


def chart_title(target: Mapping) -> str:
    unit = f" ({target['unit']})" if target.get("unit") else ""
    return _("%(indicator)s%(unit)s im Kreis: Ausgangswert, Stand und Ziel") % {
        "indicator": target.get("indicator", ""),
        "unit": unit,
    }


def concept_chart_specs(concept: Mapping | None):
    """(key, title, labels, values, description) of every indicator chart, one per goal and indicator."""
    if not concept:
        return []
    specs = []
    for item in concept.get("fields", []):
        for goal in item.get("goals", []):
            for index, target in enumerate(goal.get("targets", [])):
                labels, values = chart_numbers(target)
                if any(amount is not None for amount in values):
                    specs.append(
                        (
                            chart_key(goal, index),
                            chart_title(target),
                            labels,
                            values,
                            chart_description(labels, values),
                        )
                    )
    return specs


def _target_rows(concept: Mapping, target: Mapping, names: Mapping[str, str]) -> list[dict]:
    district = target.get("district", {})
    rows = [
        {
            "place": _("Kreis (gesamt)"),
            "is_district": True,
            "baseline": with_year(
                [target["baseline_year"], target["baseline_value"]]
                if target.get("baseline_year") is not None
                else district.get("baseline")
            ),
            "latest": with_year(district.get("latest")),
            "distance": _distance(target, district.get("latest")),
            "status": _status(concept, district.get("status", "no_data")),
        }
    ]
    for slug, place in sorted(target.get("municipalities", {}).items(), key=lambda i: names.get(i[0], i[0])):
        rows.append(
            {
                "place": names.get(slug, slug),
                "is_district": False,
                "baseline": with_year(place.get("baseline")),
                "latest": with_year(place.get("latest")),
                "distance": _distance(target, place.get("latest")),
                "status": _status(concept, place.get("status", "no_data")),
            }
        )
    return rows


def _measure_period(measure: Mapping) -> str:
    start, end = short_date(measure.get("starts_on")), short_date(measure.get("ends_on"))
    if start == NONE and end == NONE:
        return NONE
    return f"{start} – {end}"


def _fields(concept: Mapping, charts: Mapping[str, str], names: Mapping[str, str]) -> list[dict]:
    sections = []
    for item in concept.get("fields", []):
        goals = []
        for goal in item.get("goals", []):
            targets = []
            for index, target in enumerate(goal.get("targets", [])):
                labels, values = chart_numbers(target)
                targets.append(
                    {
                        "indicator": target.get("indicator", ""),
                        "unit": target.get("unit", ""),
                        "definition": target.get("definition", ""),
                        "portal": target.get("source") == "portal",
                        "source_label": target.get("source_label", ""),
                        "source_name": target.get("source_name", ""),
                        "direction_label": target.get("direction_label", ""),
                        "target": with_year([target.get("target_year"), target.get("target_value")])
                        if target.get("target_year")
                        else NONE,
                        "chart": charts.get(chart_key(goal, index), ""),
                        "chart_description": chart_description(labels, values),
                        "rows": _target_rows(concept, target, names),
                    }
                )
            goals.append(
                {
                    "pk": goal.get("pk"),
                    "title": goal.get("title", ""),
                    "description": goal.get("description", ""),
                    "kind_label": goal.get("kind_label", ""),
                    "priority_label": goal.get("priority_label", ""),
                    "responsible": goal.get("responsible") or NONE,
                    "status": _status(concept, goal.get("status", "no_data")),
                    "verifiable": bool(goal.get("targets")),
                    "targets": targets,
                    "measures": [
                        {
                            "title": measure.get("title", ""),
                            "owner": measure.get("owner", ""),
                            "status": measure.get("status_label", ""),
                            "period": _measure_period(measure),
                            "budget": f"{number(measure['budget'])} €"
                            if measure.get("budget") is not None
                            else NONE,
                            "programme": measure.get("programme") or NONE,
                        }
                        for measure in goal.get("measures", [])
                    ],
                }
            )
        sections.append(
            {
                "slug": item.get("slug", ""),
                "name": item.get("name", ""),
                "pillar": item.get("pillar", ""),
                "situation": item.get("situation", ""),
                "goals": goals,
            }
        )
    return sections


def _all_targets(concept: Mapping):
    for item in concept.get("fields", []):
        for goal in item.get("goals", []):
            for target in goal.get("targets", []):
                yield item, goal, target


def _municipality_pages(concept: Mapping, municipalities: list[Mapping]) -> list[dict]:
    pages = []
    targets = [
        (item, goal, target)
        for item, goal, target in _all_targets(concept)
        if target.get("level") != "district"
    ]
    for municipality in municipalities:
        slug = municipality["slug"]
        rows = []
        for item, goal, target in targets:
            own = target.get("municipalities", {}).get(slug, {})
            rows.append(
                {
                    "field": item.get("name", ""),
                    "goal": goal.get("title", ""),
                    "indicator": target.get("indicator", ""),
                    "unit": target.get("unit", ""),
                    "baseline": with_year(own.get("baseline")),
                    "latest": with_year(own.get("latest")),
                    "district": with_year(target.get("district", {}).get("latest")),
                    "target": with_year([target.get("target_year"), target.get("target_value")])
                    if target.get("target_year")
                    else NONE,
                    "status": _status(concept, own.get("status", "no_data")),
                }
            )
        measures = [
            {"goal": goal.get("title", ""), "title": m.get("title", ""), "status": m.get("status_label", "")}
            for item in concept.get("fields", [])
            for goal in item.get("goals", [])
            for m in goal.get("measures", [])
            if m.get("owner_municipality") == slug
        ]
        pages.append({"slug": slug, "name": municipality["name"], "rows": rows, "measures": measures})
    return pages


def _tally(concept: Mapping, keys) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return [(_status(concept, key), counts[key]) for key in STATUS_ORDER if counts.get(key)]


def _progress(concept: Mapping) -> dict | None:
    if concept.get("mode") != "progress":
        return None
    rows = [
        {
            "field": item.get("name", ""),
            "goal": goal.get("title", ""),
            "indicator": target.get("indicator", ""),
            "unit": target.get("unit", ""),
            "baseline": with_year(
                [target["baseline_year"], target["baseline_value"]]
                if target.get("baseline_year") is not None
                else target.get("district", {}).get("baseline")
            ),
            "latest": with_year(target.get("district", {}).get("latest")),
            "target": with_year([target.get("target_year"), target.get("target_value")])
            if target.get("target_year")
            else NONE,
            "distance": _distance(target, target.get("district", {}).get("latest")),
            "status": _status(concept, target.get("district", {}).get("status", "no_data")),
        }
        for item, goal, target in _all_targets(concept)
    ]
    goals = [goal for item in concept.get("fields", []) for goal in item.get("goals", [])]
    return {"rows": rows, "tally": _tally(concept, [goal.get("status", "no_data") for goal in goals])}


def _consultation(concept: Mapping) -> dict | None:
    consultation = concept.get("consultation")
    if not consultation:
        return None
    labels = consultation.get("position_labels", {})
    tally = consultation.get("tally", {})
    return {
        "opened_at": short_date(consultation.get("opened_at")),
        "deadline": short_date(consultation.get("deadline")),
        "rows": [
            {
                "name": row.get("name", ""),
                "read": _("ja") if row.get("read") else _("nein"),
                "comments": number(row.get("comments", 0)),
                "answered": number(row.get("answered", 0)),
                "position": row.get("position_label") or _("noch keine Stellungnahme"),
                "reasons": row.get("reasons", ""),
                "declared_at": short_datetime(row.get("declared_at")) if row.get("declared_at") else NONE,
            }
            for row in consultation.get("rows", [])
        ],
        "tally": [(label, tally.get(key, 0)) for key, label in labels.items()]
        + [(_("noch keine Stellungnahme"), tally.get("none", 0))],
    }


def concept_context(figures: Mapping, charts: Mapping[str, str]) -> dict[str, Any] | None:
    """What the concept chapters of ``overview/pdf/report.html`` show (None without a concept)."""
    concept = figures.get("concept")
    if not concept:
        return None
    municipalities = list(figures.get("municipalities", []))
    names = {m["slug"]: m["name"] for m in municipalities}
    version = concept.get("version", {})
    adoption = concept.get("adoption")
    goals = [goal for item in concept.get("fields", []) for goal in item.get("goals", [])]
    return {
        "mode": concept.get("mode"),
        "is_progress": concept.get("mode") == "progress",
        "year": concept.get("year"),
        "title": version.get("title", ""),
        "number": version.get("number"),
        "period": f"{version.get('period_start')}–{version.get('period_end')}",
        "status_label": version.get("status_label", ""),
        "leitbild": version.get("leitbild", ""),
        "has_demo_values": concept.get("has_demo_values", False),
        "goal_number": len(goals),
        "goal_tally": _tally(concept, [goal.get("status", "no_data") for goal in goals]),
        "fields": _fields(concept, charts, names),
        "municipality_pages": _municipality_pages(concept, municipalities),
        "consultation": _consultation(concept),
        "adoption": {
            "adopted_on": short_date(adoption.get("adopted_on")),
            "body": adoption.get("body") or NONE,
            "drucksache": adoption.get("drucksache") or NONE,
        }
        if adoption
        else None,
        "progress": _progress(concept),
    }

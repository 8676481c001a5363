"""Two concept report snapshots side by side (district totals, municipalities, goals)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .models import ConceptReport

# --- comparing two snapshots ------------------------------------------------------------

COMPARED_TOTALS = ("events", "occurrences", "measures", "participants", "offers", "offers_per_10k")


def compare_reports(*, a: ConceptReport, b: ConceptReport) -> dict[str, Any]:
    """Two snapshots side by side: district totals and per municipality, with the change from a to b."""

    def change(first, second):
        if first is None or second is None:
            return None
        return second - first

    def totals_rows(first: Mapping, second: Mapping) -> list[dict]:
        return [
            {
                "key": key,
                "a": first.get(key),
                "b": second.get(key),
                "change": change(first.get(key), second.get(key)),
            }
            for key in COMPARED_TOTALS
        ]

    names: dict[str, str] = {}
    for snapshot in (a.figures, b.figures):
        for municipality in snapshot.get("municipalities", []):
            names.setdefault(municipality["slug"], municipality["name"])
    a_totals = a.figures.get("municipality_totals", {})
    b_totals = b.figures.get("municipality_totals", {})
    municipalities = [
        {
            "slug": slug,
            "name": name,
            "in_a": slug in a_totals,
            "in_b": slug in b_totals,
            "rows": totals_rows(a_totals.get(slug, {}), b_totals.get(slug, {})),
        }
        for slug, name in sorted(names.items(), key=lambda item: item[1])
    ]
    return {
        "district": totals_rows(a.figures.get("district_totals", {}), b.figures.get("district_totals", {})),
        "municipalities": municipalities,
        "goals": compare_goals(a.figures.get("concept"), b.figures.get("concept")),
    }


def compare_goals(a: Mapping | None, b: Mapping | None) -> list[dict[str, Any]]:
    """The concept's goals of two snapshots side by side: per goal and indicator, the district's
    latest value and status in A and in B (matched by goal title and indicator name)."""

    def targets(concept: Mapping | None) -> dict[tuple[str, str], Mapping]:
        if not concept:
            return {}
        return {
            (goal.get("title", ""), target.get("indicator", "")): {
                **target.get("district", {}),
                "target": [target.get("target_year"), target.get("target_value")]
                if target.get("target_year")
                else None,
                "unit": target.get("unit", ""),
            }
            for item in concept.get("fields", [])
            for goal in item.get("goals", [])
            for target in goal.get("targets", [])
        }

    first, second = targets(a), targets(b)
    keys = list(first) + [key for key in second if key not in first]
    return [
        {
            "goal": goal,
            "indicator": indicator,
            "unit": (second.get((goal, indicator)) or first[(goal, indicator)])["unit"],
            "a": first.get((goal, indicator)),
            "b": second.get((goal, indicator)),
        }
        for goal, indicator in keys
    ]

"""Turn a figures dict (``overview.figures``) into rows that templates can render.

Templates cannot look up dict keys held in variables, so the matrix, the trend and the tables are
laid out here. Nothing is counted here: every number comes from the figures dict.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from .charts import cached_bar_chart_svg, svg_data_uri
from .figures import DISTRICT_KEY, TREND_KEYS

HEAT_LEVELS = 4


def heat_level(offers: int, highest: int) -> int:
    """0 for a gap, else 1..4 relative to the fullest cell (colour is only a supplement)."""
    if offers <= 0 or highest <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, -(-offers * HEAT_LEVELS // highest)))


def matrix_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    matrix, fields = figures["matrix"], figures["fields_of_action"]
    offers = {
        (m["slug"], f["slug"]): matrix[m["slug"]][f["slug"]]["events"]
        + matrix[m["slug"]][f["slug"]]["measures"]
        for m in figures["municipalities"]
        for f in fields
    }
    highest = max(offers.values(), default=0)
    rows = []
    for municipality in figures["municipalities"]:
        slug = municipality["slug"]
        cells = []
        for field in fields:
            cell = matrix[slug][field["slug"]]
            count = offers[(slug, field["slug"])]
            cells.append(
                {
                    "field": field,
                    "offers": count,
                    "heat": heat_level(count, highest),
                    "gap": count == 0,
                    **cell,
                }
            )
        rows.append(
            {"municipality": municipality, "cells": cells, "totals": figures["municipality_totals"][slug]}
        )
    return rows


def _names(items: list[dict]) -> dict[str, str]:
    return {item["slug"]: item["name"] for item in items}


def trend_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    trend = figures["trend"]
    rows = [
        {"name": m["name"], "is_district": False, "metrics": [trend[m["slug"]][key] for key in TREND_KEYS]}
        for m in figures["municipalities"]
    ]
    rows.append(
        {
            "name": _("Kreis insgesamt"),
            "is_district": True,
            "metrics": [trend[DISTRICT_KEY][key] for key in TREND_KEYS],
        }
    )
    return rows


def gap_lists(figures: dict[str, Any]) -> dict[str, Any]:
    municipalities = _names(figures["municipalities"])
    fields = _names(figures["fields_of_action"])
    groups = _names(figures["target_groups"])
    gaps = figures["gaps"]
    by_municipality: dict[str, list[str]] = {}
    for municipality, field in gaps["cells"]:
        by_municipality.setdefault(municipality, []).append(fields[field])
    return {
        "fields_by_municipality": [
            {"name": municipalities[slug], "fields": by_municipality[slug]}
            for slug in municipalities
            if slug in by_municipality
        ],
        "target_groups_by_municipality": [
            {"name": municipalities[slug], "groups": [groups[g] for g in missing]}
            for slug, missing in gaps["target_groups_without_offer"].items()
            if missing
        ],
        "fields_without_offer_in_district": [fields[f] for f in gaps["fields_without_offer_in_district"]],
    }


def komm_an_rows(figures: dict[str, Any]) -> dict[str, Any]:
    komm_an = figures["komm_an"]
    municipalities = _names(figures["municipalities"])
    return {
        **komm_an,
        "qualified_rows": [
            {"name": name, "qualified": komm_an["qualified_by_municipality"].get(slug, 0)}
            for slug, name in municipalities.items()
        ],
    }


def engagement_rows(figures: dict[str, Any]) -> dict[str, Any] | None:
    """Grants and placements per municipality; None for figures computed before they were counted."""
    engagement = figures.get("engagement")
    if engagement is None:
        return None
    municipalities = _names(figures["municipalities"])
    empty = {"grants": 0, "approved": 0}
    return {
        **engagement,
        "municipality_rows": [
            {
                "name": name,
                **engagement["by_municipality"].get(slug, empty),
                "placed": engagement["placed_by_municipality"].get(slug, 0),
            }
            for slug, name in municipalities.items()
        ],
        # Newcomers who became volunteers: the portal's volunteers (with consent) plus those the
        # funded initiatives report in their accepted proofs of use.
        "newcomer_volunteers_total": figures["komm_an"]["newcomer_volunteers"]
        + engagement["newcomer_volunteers"],
    }


def data_quality(figures: dict[str, Any]) -> dict[str, Any]:
    quality = figures["data_quality"]
    municipalities = _names(figures["municipalities"])
    day = reference_day(figures)
    return {
        **quality,
        "quarter": {"number": (day.month - 1) // 3 + 1, "year": day.year},
        "silent_municipalities": [
            municipalities.get(slug, slug)
            for slug in quality["municipalities_without_submission_this_quarter"]
        ],
    }


def reference_day(figures: dict[str, Any]) -> date:
    """The day whose quarter the "no submission this quarter" list is about (see figures)."""
    generated = datetime.fromisoformat(figures["generated_at"]).date()
    return min(generated, date.fromisoformat(figures["period"]["end"]))


def offers_chart(figures: dict[str, Any]) -> dict[str, Any]:
    """The bar chart of offers per municipality, as SVG in a ``data:`` URI, with its numbers."""
    names = [m["name"] for m in figures["municipalities"]]
    values = [figures["municipality_totals"][m["slug"]]["offers"] for m in figures["municipalities"]]
    title = _("Angebote je Kommune %(year)s (Veranstaltungen und Maßnahmen)") % {"year": figures["year"]}
    svg = cached_bar_chart_svg(names, values, title)
    return {
        "title": title,
        "data_uri": svg_data_uri(svg),
        "rows": [{"name": name, "value": value} for name, value in zip(names, values, strict=True)],
    }


def dashboard_context(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "figures": figures,
        "generated_at": datetime.fromisoformat(figures["generated_at"]),
        "matrix_rows": matrix_rows(figures),
        "trend_rows": trend_rows(figures),
        "gaps": gap_lists(figures),
        "komm_an": komm_an_rows(figures),
        "engagement": engagement_rows(figures),
        "quality": data_quality(figures),
        "chart": offers_chart(figures),
    }

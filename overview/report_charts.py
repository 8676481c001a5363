"""The concept report's charts: which ones (from the snapshot's figures) and their inline SVG."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

# --- which charts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    labels: Sequence[str]
    values: Sequence[float]


def municipalities_of(figures: Mapping) -> list[Mapping]:
    return list(figures.get("municipalities", []))


def matrix_cell(figures: Mapping, municipality: str, field: str) -> Mapping:
    return figures.get("matrix", {}).get(municipality, {}).get(field, {})


def chart_specs(figures: Mapping) -> list[Chart]:
    municipalities = municipalities_of(figures)
    names = [m["name"] for m in municipalities]
    totals = figures.get("municipality_totals", {})
    year = figures.get("year")
    charts = [
        Chart(
            "events",
            _("Veranstaltungen je Kommune %(year)s") % {"year": year},
            names,
            [totals.get(m["slug"], {}).get("events", 0) or 0 for m in municipalities],
        ),
        Chart(
            "offers-per-10k",
            _("Angebote je 10.000 Einwohner*innen %(year)s") % {"year": year},
            names,
            [totals.get(m["slug"], {}).get("offers_per_10k") or 0 for m in municipalities],
        ),
    ]
    for item in figures.get("fields_of_action", []):
        charts.append(
            Chart(
                f"field-{item['slug']}",
                _("%(field)s: Veranstaltungen je Kommune") % {"field": item["name"]},
                names,
                [matrix_cell(figures, m["slug"], item["slug"]).get("events", 0) or 0 for m in municipalities],
            )
        )
    programmes = (figures.get("komm_an") or {}).get("by_programme") or []
    if programmes:
        charts.append(
            Chart(
                "komm-an",
                _("KOMM-AN: Teilnehmende je Förderprogramm"),
                [p["name"] for p in programmes],
                [p.get("participants", 0) or 0 for p in programmes],
            )
        )
    # A chart of nothing but zeros says nothing the table does not; leave it out.
    return [chart for chart in charts if any(value for value in chart.values)]


def inline_svg(svg: str) -> str:
    """The ``<svg>`` element alone: the XML prolog and doctype may not stand inside HTML."""
    start = svg.find("<svg")
    if start < 0:
        raise ValueError(_("Das Diagramm ist kein SVG."))
    return svg[start:]


def render_charts(figures: Mapping) -> dict[str, str]:
    """Every chart of the report, each drawn once (the template places each once)."""
    from .charts import render_bar_chart_svg
    from .report_concept import concept_chart_specs

    charts = {
        chart.key: inline_svg(render_bar_chart_svg(list(chart.labels), list(chart.values), chart.title))
        for chart in chart_specs(figures)
    }
    for key, title, labels, values, description in concept_chart_specs(figures.get("concept")):
        charts[key] = inline_svg(render_bar_chart_svg(labels, values, title, description=description))
    return charts

"""The concept report as PDF: WeasyPrint from ``templates/overview/pdf/report.html``.

Everything the PDF shows comes from the snapshot's stored figures, never from the live
database, formatted the German way (1.234; 5,0; 28.11.2026). Every chart is an inline
SVG followed by a table with the same numbers, for readers who cannot see the chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kreisintegration.pdf import html_to_pdf
from municipalities import identity
from municipalities.models import Measure

from .report_charts import (  # noqa: F401 - render_charts and chart_specs re-exported: callers use report_pdf.<name>
    Chart,
    chart_specs,
    inline_svg,
    matrix_cell,
    municipalities_of,
    render_charts,
)
from .report_format import (  # noqa: F401 - re-exported for the report's other modules and tests
    GAP,
    NONE,
    as_date,
    as_datetime,
    number,
    percent,
    percent_change,
    short_date,
    short_datetime,
    signed,
)

# --- what the template shows ----------------------------------------------------------------


def total_labels() -> list[tuple[str, str, int]]:
    """(key, label, decimals) of the totals a report compares with the previous year."""
    return [
        ("events", _("Veranstaltungen"), 0),
        ("occurrences", _("Termine von Veranstaltungen"), 0),
        ("measures", _("Maßnahmen"), 0),
        ("participants", _("Teilnehmende (gemeldet)"), 0),
        ("offers", _("Angebote (Veranstaltungen und Maßnahmen)"), 0),
        ("offers_per_10k", _("Angebote je 10.000 Einwohner*innen"), 1),
    ]


def comparison_rows(current: Mapping, previous: Mapping | None) -> list[dict[str, str]]:
    previous = previous or {}
    rows = []
    for key, label, decimals in total_labels():
        now, before = current.get(key), previous.get(key)
        rows.append(
            {
                "label": label,
                "current": number(now, decimals),
                "previous": number(before, decimals),
                "change": signed(None if now is None or before is None else now - before, decimals),
                "change_percent": percent_change(before, now),
            }
        )
    return rows


def count_of(value: Any) -> Any:
    """A count, also where the figures give the list of what was counted (e.g. target groups reached)."""
    return len(value) if isinstance(value, list | tuple | set) else value


def measure_status(value: str) -> str:
    return str(dict(Measure.Status.choices).get(value, value or NONE))


def _field_sections(figures: Mapping, charts: Mapping[str, str], gap_cells: set) -> list[dict]:
    municipalities = municipalities_of(figures)
    names = {m["slug"]: m["name"] for m in municipalities}
    texts = figures.get("concept_texts", {})
    measures = figures.get("measures_by_field", {})
    sections = []
    for item in figures.get("fields_of_action", []):
        slug = item["slug"]
        rows = []
        for municipality in municipalities:
            cell = matrix_cell(figures, municipality["slug"], slug)
            rows.append(
                {
                    "name": municipality["name"],
                    "events": number(cell.get("events", 0)),
                    "occurrences": number(cell.get("occurrences", 0)),
                    "measures": number(cell.get("measures", 0)),
                    "participants": number(cell.get("participants", 0)),
                    "gap": (municipality["slug"], slug) in gap_cells,
                }
            )
        text = texts.get(slug, {})
        sections.append(
            {
                "slug": slug,
                "name": item["name"],
                "situation": text.get("situation", ""),
                "goals": text.get("goals", ""),
                "recommendations": text.get("recommendations", ""),
                "chart": charts.get(f"field-{slug}", ""),
                "rows": rows,
                "gap_names": [row["name"] for row in rows if row["gap"]],
                "measures": [
                    {
                        "title": measure.get("title", ""),
                        "municipality": names.get(
                            measure.get("municipality"), measure.get("municipality") or NONE
                        ),
                        "status": measure_status(measure.get("status", "")),
                        "provider": measure.get("provider") or NONE,
                    }
                    for measure in measures.get(slug, [])
                ],
            }
        )
    return sections


def _municipality_pages(figures: Mapping, gap_cells: set) -> list[dict]:
    totals = figures.get("municipality_totals", {})
    previous = (figures.get("previous_year") or {}).get("municipality_totals", {})
    target_groups = {tg["slug"]: tg["name"] for tg in figures.get("target_groups", [])}
    missing_groups = figures.get("gaps", {}).get("target_groups_without_offer", {})
    qualified = (figures.get("komm_an") or {}).get("qualified_by_municipality", {})
    pages = []
    for municipality in municipalities_of(figures):
        slug = municipality["slug"]
        own = totals.get(slug, {})
        field_rows = []
        for item in figures.get("fields_of_action", []):
            cell = matrix_cell(figures, slug, item["slug"])
            field_rows.append(
                {
                    "name": item["name"],
                    "events": number(cell.get("events", 0)),
                    "measures": number(cell.get("measures", 0)),
                    "participants": number(cell.get("participants", 0)),
                    "gap": (slug, item["slug"]) in gap_cells,
                }
            )
        pages.append(
            {
                "slug": slug,
                "name": municipality["name"],
                "ags": municipality.get("ags", ""),
                "population": number(municipality.get("population")),
                "population_year": municipality.get("population_year") or NONE,
                "population_source": municipality.get("population_source") or NONE,
                "rows": comparison_rows(own, previous.get(slug)),
                "participants_reported": number(own.get("participants_reported")),
                "target_groups_reached": number(count_of(own.get("target_groups_reached"))),
                "target_group_count": number(len(target_groups)),
                "field_rows": field_rows,
                "gap_fields": [row["name"] for row in field_rows if row["gap"]],
                "missing_target_groups": [target_groups.get(tg, tg) for tg in missing_groups.get(slug, [])],
                "qualified_volunteers": number(qualified.get(slug)) if slug in qualified else None,
            }
        )
    return pages


# Municipality columns per matrix table on a landscape A4 page: with the row header and the
# district column this keeps every number at a readable size without clipping.
MATRIX_COLUMNS_PER_TABLE = 8


def column_groups(items: Sequence, size: int = MATRIX_COLUMNS_PER_TABLE) -> list[Sequence]:
    """``items`` in consecutive groups of at most ``size``, balanced (10 → 5 + 5, not 8 + 2)."""
    if not items:
        return [items]
    parts = -(-len(items) // size)
    per_part = -(-len(items) // parts)
    return [items[start : start + per_part] for start in range(0, len(items), per_part)]


def _matrix_tables(figures: Mapping, gap_cells: set) -> list[dict]:
    """The matrix as tables that fit a landscape page: split by municipalities when too wide.

    The district column ("Kreis") closes the last part, so every part reads left to right.
    """
    municipalities = municipalities_of(figures)
    totals = figures.get("municipality_totals", {})
    district_totals = figures.get("district_totals", {})
    groups = column_groups(municipalities)
    tables = []
    for metric, caption in (
        ("events", _("Veranstaltungen je Kommune und Handlungsfeld")),
        ("measures", _("Maßnahmen je Kommune und Handlungsfeld")),
    ):
        for index, group in enumerate(groups, start=1):
            last = index == len(groups)
            rows = []
            for item in figures.get("fields_of_action", []):
                all_values = [
                    matrix_cell(figures, m["slug"], item["slug"]).get(metric, 0) or 0 for m in municipalities
                ]
                rows.append(
                    {
                        "name": item["name"],
                        "cells": [
                            GAP
                            if (m["slug"], item["slug"]) in gap_cells
                            else number(matrix_cell(figures, m["slug"], item["slug"]).get(metric, 0) or 0)
                            for m in group
                        ],
                        "total": number(sum(all_values)) if last else None,
                    }
                )
            part = ""
            if len(groups) > 1:
                part = _("(Teil %(part)s von %(parts)s)") % {"part": index, "parts": len(groups)}
            tables.append(
                {
                    "caption": caption,
                    "part": part,
                    "names": [m["name"] for m in group],
                    "rows": rows,
                    "totals": [number(totals.get(m["slug"], {}).get(metric, 0)) for m in group],
                    "total": number(district_totals.get(metric, 0)) if last else None,
                    "with_district": last,
                }
            )
    return tables


def _komm_an(figures: Mapping, charts: Mapping[str, str]) -> dict:
    komm_an = figures.get("komm_an") or {}
    names = {m["slug"]: m["name"] for m in municipalities_of(figures)}
    return {
        "rows": [
            (_("Kurse"), number(komm_an.get("courses"))),
            (_("Unterrichtseinheiten (à 45 Minuten)"), number(komm_an.get("teaching_units"), 1)),
            (_("Anmeldungen"), number(komm_an.get("registrations"))),
            (_("Teilnehmende"), number(komm_an.get("participants"))),
            (_("Anwesenheitsquote"), percent(komm_an.get("attendance_rate"))),
            (_("qualifizierte Ehrenamtliche"), number(komm_an.get("qualified_volunteers"))),
            (
                _("Neuzugewanderte, die selbst Ehrenamtliche geworden sind"),
                number(komm_an.get("newcomer_volunteers")),
            ),
        ],
        "programmes": [
            {
                "code": programme.get("code", ""),
                "name": programme.get("name", ""),
                "courses": number(programme.get("courses")),
                "teaching_units": number(programme.get("teaching_units"), 1),
                "participants": number(programme.get("participants")),
                "newcomers": number(programme.get("newcomers")),
            }
            for programme in komm_an.get("by_programme") or []
        ],
        "qualified": [
            (names.get(slug, slug), number(count))
            for slug, count in sorted(
                (komm_an.get("qualified_by_municipality") or {}).items(), key=lambda i: names.get(i[0], i[0])
            )
        ],
        "chart": charts.get("komm-an", ""),
    }


def _data_quality(figures: Mapping) -> dict:
    quality = figures.get("data_quality") or {}
    names = {m["slug"]: m["name"] for m in municipalities_of(figures)}
    events = quality.get("events_without_participants") or []
    return {
        "count": number(quality.get("events_without_participants_count", len(events))),
        "events": [
            {
                "title": event.get("title", ""),
                "municipality": names.get(event.get("municipality"), event.get("municipality") or NONE),
                "end": short_date(event.get("end")),
            }
            for event in events
        ],
        "silent_municipalities": [
            names.get(slug, slug)
            for slug in quality.get("municipalities_without_submission_this_quarter") or []
        ],
    }


def report_context(*, report, figures: Mapping, charts: Mapping[str, str]) -> dict[str, Any]:
    """Everything ``overview/pdf/report.html`` shows, formatted; ``report`` gives title and number."""
    from .report_concept import concept_context
    from .report_engagement import engagement_chapter

    gaps = figures.get("gaps", {})
    gap_cells = {tuple(cell) for cell in gaps.get("cells", [])}
    field_names = {f["slug"]: f["name"] for f in figures.get("fields_of_action", [])}
    municipalities = municipalities_of(figures)
    district_totals = figures.get("district_totals", {})
    previous = figures.get("previous_year") or {}
    period = figures.get("period") or {}
    population_years = district_totals.get("population_years") or []
    if not isinstance(population_years, list):
        population_years = [population_years]
    totals = figures.get("municipality_totals", {})
    return {
        "report": report,
        "document_title": report.title,
        "district": figures["district"],
        "logo": identity.logo_data_uri(report.district),
        "logo_alt": report.district.logo_description,
        "as_of": short_date(figures.get("generated_at")),
        "foreword": figures.get("foreword", ""),
        "year": figures.get("year", report.year),
        "previous_year": previous.get("year"),
        "period_start": short_date(period.get("start")),
        "period_end": short_date(period.get("end")),
        "generated_at": short_datetime(figures.get("generated_at")),
        "created_by": report.created_by.full_name if report.created_by_id and report.created_by else "",
        "summary_rows": comparison_rows(district_totals, previous.get("district_totals")),
        "population": number(district_totals.get("population")),
        "population_years": ", ".join(str(year) for year in population_years) or NONE,
        "participants_reported": number(district_totals.get("participants_reported")),
        "municipality_count": number(len(municipalities)),
        "field_count": number(len(field_names)),
        "gap_count": len(gap_cells),
        "fields_without_offer": [
            field_names.get(s, s) for s in gaps.get("fields_without_offer_in_district", [])
        ],
        "events_chart": charts.get("events", ""),
        "offers_chart": charts.get("offers-per-10k", ""),
        "municipality_rows": [
            {
                "name": m["name"],
                "events": number(totals.get(m["slug"], {}).get("events")),
                "offers": number(totals.get(m["slug"], {}).get("offers")),
                "offers_per_10k": number(totals.get(m["slug"], {}).get("offers_per_10k"), 1),
                "population": number(m.get("population")),
            }
            for m in municipalities
        ],
        "municipality_names": [m["name"] for m in municipalities],
        "matrix_tables": _matrix_tables(figures, gap_cells),
        "field_sections": _field_sections(figures, charts, gap_cells),
        "municipality_pages": _municipality_pages(figures, gap_cells),
        "komm_an": _komm_an(figures, charts),
        "engagement": engagement_chapter(figures),
        "data_quality": _data_quality(figures),
        "gap_mark": GAP,
        "concept": concept_context(figures, charts),
    }


def render_report_pdf(*, report, figures: Mapping, charts: Mapping[str, str]) -> bytes:
    html = render_to_string(
        "overview/pdf/report.html", report_context(report=report, figures=figures, charts=charts)
    )
    return html_to_pdf(html)

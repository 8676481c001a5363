"""The concept report as XLSX workbook: one sheet per table, from the snapshot's stored figures.

Written with the shared writers of ``kreisintegration.spreadsheets`` (bold, frozen header row,
typed cells, text never as formula). Numbers stay numbers, so they can be summed in Excel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from kreisintegration.spreadsheets import (
    CHANGE_DECIMAL_FORMAT,
    CHANGE_FORMAT,
    DECIMAL_FORMAT,
    INTEGER_FORMAT,
    Cell,
    Column,
    Sheet,
    write_xlsx,
)

from .report_engagement import engagement_sheets
from .report_format import as_date, as_datetime
from .report_pdf import count_of, measure_status, total_labels
from .report_xlsx_concept import concept_sheets

INTEGER, DECIMAL, CHANGE, CHANGE_DECIMAL = (
    INTEGER_FORMAT,
    DECIMAL_FORMAT,
    CHANGE_FORMAT,
    CHANGE_DECIMAL_FORMAT,
)


def _names(items) -> dict[str, str]:
    return {item["slug"]: item["name"] for item in items}


def _change(current: Any, previous: Any) -> Any:
    if current is None or previous is None:
        return None
    return current - previous


def _district_sheet(figures: Mapping) -> Sheet:
    totals = figures.get("district_totals", {})
    previous_year = figures.get("previous_year") or {}
    previous = previous_year.get("district_totals") or {}
    rows = []
    for key, label, decimals in total_labels():
        now, before = totals.get(key), previous.get(key)
        number_format = DECIMAL if decimals else INTEGER
        change_format = CHANGE_DECIMAL if decimals else CHANGE
        rows.append(
            [
                label,
                _cell(now, number_format),
                _cell(before, number_format),
                _cell(_change(now, before), change_format),
            ]
        )
    rows.append([_("Einwohner*innen (amtliche Statistik)"), totals.get("population"), None, None])
    return Sheet(
        title=_("Kreis"),
        columns=[
            Column(_("Kennzahl"), 44),
            Column(str(figures.get("year", "")), 14, INTEGER),
            Column(str(previous_year.get("year") or _("Vorjahr")), 14, INTEGER),
            Column(_("Veränderung"), 14, CHANGE),
        ],
        rows=rows,
    )


def _cell(value: Any, number_format: str) -> Any:
    return value if value is None else Cell(value, number_format)


def _municipality_sheet(figures: Mapping) -> Sheet:
    totals = figures.get("municipality_totals", {})
    previous = (figures.get("previous_year") or {}).get("municipality_totals") or {}
    rows = []
    for municipality in figures.get("municipalities", []):
        own = totals.get(municipality["slug"], {})
        before = previous.get(municipality["slug"], {})
        rows.append(
            [
                municipality["name"],
                municipality.get("ags", ""),
                municipality.get("population"),
                municipality.get("population_year"),
                municipality.get("population_source", ""),
                own.get("events"),
                own.get("occurrences"),
                own.get("measures"),
                own.get("participants"),
                own.get("participants_reported"),
                own.get("offers"),
                own.get("offers_per_10k"),
                count_of(own.get("target_groups_reached")),
                before.get("events"),
                _change(own.get("events"), before.get("events")),
            ]
        )
    return Sheet(
        title=_("Kommunen"),
        columns=[
            Column(_("Kommune"), 24),
            Column(_("AGS"), 11),
            Column(_("Einwohner*innen"), 14, INTEGER),
            Column(_("Stand (Jahr)"), 10, "0"),
            Column(_("Quelle der Einwohnerzahl"), 24),
            Column(_("Veranstaltungen"), 14, INTEGER),
            Column(_("Termine"), 12, INTEGER),
            Column(_("Maßnahmen"), 12, INTEGER),
            Column(_("Teilnehmende"), 13, INTEGER),
            Column(_("Veranstaltungen mit Teilnehmendenzahl"), 16, INTEGER),
            Column(_("Angebote"), 12, INTEGER),
            Column(_("Angebote je 10.000 Einwohner*innen"), 16, DECIMAL),
            Column(_("erreichte Zielgruppen"), 13, INTEGER),
            Column(_("Veranstaltungen Vorjahr"), 14, INTEGER),
            Column(_("Veränderung Veranstaltungen"), 14, CHANGE),
        ],
        rows=rows,
    )


def _matrix_sheet(figures: Mapping) -> Sheet:
    """The matrix in long form (one row per municipality and field): easy to filter and pivot."""
    gap_cells = {tuple(cell) for cell in figures.get("gaps", {}).get("cells", [])}
    matrix = figures.get("matrix", {})
    rows = []
    for municipality in figures.get("municipalities", []):
        for item in figures.get("fields_of_action", []):
            cell = matrix.get(municipality["slug"], {}).get(item["slug"], {})
            rows.append(
                [
                    municipality["name"],
                    item["name"],
                    cell.get("events", 0),
                    cell.get("occurrences", 0),
                    cell.get("measures", 0),
                    cell.get("participants", 0),
                    cell.get("participants_reported", 0),
                    _("ja") if (municipality["slug"], item["slug"]) in gap_cells else _("nein"),
                ]
            )
    return Sheet(
        title=_("Matrix"),
        columns=[
            Column(_("Kommune"), 24),
            Column(_("Handlungsfeld"), 32),
            Column(_("Veranstaltungen"), 14, INTEGER),
            Column(_("Termine"), 12, INTEGER),
            Column(_("Maßnahmen"), 12, INTEGER),
            Column(_("Teilnehmende"), 13, INTEGER),
            Column(_("Veranstaltungen mit Teilnehmendenzahl"), 16, INTEGER),
            Column(_("Lücke (kein Angebot)"), 12),
        ],
        rows=rows,
    )


def _matrix_wide_sheet(figures: Mapping) -> Sheet:
    municipalities = figures.get("municipalities", [])
    matrix = figures.get("matrix", {})
    rows = []
    for item in figures.get("fields_of_action", []):
        values = [matrix.get(m["slug"], {}).get(item["slug"], {}).get("events", 0) for m in municipalities]
        rows.append([item["name"], *values, sum(values)])
    return Sheet(
        title=_("Veranstaltungen je Feld"),
        columns=[
            Column(_("Handlungsfeld"), 32),
            *(Column(m["name"], 13, INTEGER) for m in municipalities),
            Column(_("Kreis"), 10, INTEGER),
        ],
        rows=rows,
    )


def _gaps_sheet(figures: Mapping) -> Sheet:
    municipalities = _names(figures.get("municipalities", []))
    fields = _names(figures.get("fields_of_action", []))
    target_groups = _names(figures.get("target_groups", []))
    gaps = figures.get("gaps", {})
    rows = [
        [municipalities.get(m, m), _("Handlungsfeld"), fields.get(f, f)] for m, f in gaps.get("cells", [])
    ]
    for slug, groups in (gaps.get("target_groups_without_offer") or {}).items():
        rows.extend(
            [municipalities.get(slug, slug), _("Zielgruppe"), target_groups.get(g, g)] for g in groups
        )
    rows.extend(
        [_("ganzer Kreis"), _("Handlungsfeld"), fields.get(f, f)]
        for f in gaps.get("fields_without_offer_in_district", [])
    )
    return Sheet(
        title=_("Lücken"),
        columns=[Column(_("Kommune"), 24), Column(_("Art"), 16), Column(_("ohne Angebot"), 36)],
        rows=rows,
    )


def _measures_sheet(figures: Mapping) -> Sheet:
    municipalities = _names(figures.get("municipalities", []))
    rows = []
    for item in figures.get("fields_of_action", []):
        for measure in figures.get("measures_by_field", {}).get(item["slug"], []):
            rows.append(
                [
                    item["name"],
                    measure.get("title", ""),
                    municipalities.get(measure.get("municipality"), measure.get("municipality", "")),
                    measure_status(measure.get("status", "")),
                    measure.get("provider", ""),
                ]
            )
    return Sheet(
        title=_("Maßnahmen"),
        columns=[
            Column(_("Handlungsfeld"), 30),
            Column(_("Maßnahme"), 40),
            Column(_("Kommune"), 22),
            Column(_("Status"), 12),
            Column(_("Träger"), 30),
        ],
        rows=rows,
    )


def _komm_an_sheets(figures: Mapping) -> list[Sheet]:
    komm_an = figures.get("komm_an") or {}
    municipalities = _names(figures.get("municipalities", []))
    facts = [
        (_("Kurse"), komm_an.get("courses"), INTEGER),
        (_("Unterrichtseinheiten (à 45 Minuten)"), komm_an.get("teaching_units"), DECIMAL),
        (_("Anmeldungen"), komm_an.get("registrations"), INTEGER),
        (_("Teilnehmende"), komm_an.get("participants"), INTEGER),
        (_("Anwesenheitsquote (%)"), komm_an.get("attendance_rate"), DECIMAL),
        (_("qualifizierte Ehrenamtliche"), komm_an.get("qualified_volunteers"), INTEGER),
        (_("Neuzugewanderte, die Ehrenamtliche geworden sind"), komm_an.get("newcomer_volunteers"), INTEGER),
    ]
    qualified = komm_an.get("qualified_by_municipality") or {}
    return [
        Sheet(
            title=_("KOMM-AN"),
            columns=[Column(_("Kennzahl"), 50), Column(_("Wert"), 14, INTEGER)],
            rows=[[label, _cell(value, number_format)] for label, value, number_format in facts],
            footer=[
                [_("Qualifizierte Ehrenamtliche nach Wohnort"), None],
                *([municipalities.get(slug, slug), count] for slug, count in qualified.items()),
            ],
        ),
        Sheet(
            title=_("KOMM-AN Programme"),
            columns=[
                Column(_("Kürzel"), 14),
                Column(_("Förderprogramm"), 40),
                Column(_("Kurse"), 10, INTEGER),
                Column(_("Unterrichtseinheiten"), 14, DECIMAL),
                Column(_("Teilnehmende"), 13, INTEGER),
                Column(_("davon Neuzugewanderte"), 14, INTEGER),
            ],
            rows=[
                [
                    p.get("code", ""),
                    p.get("name", ""),
                    p.get("courses"),
                    p.get("teaching_units"),
                    p.get("participants"),
                    p.get("newcomers"),
                ]
                for p in komm_an.get("by_programme") or []
            ],
        ),
    ]


def _texts_sheet(figures: Mapping) -> Sheet:
    texts = figures.get("concept_texts", {})
    rows = []
    for item in figures.get("fields_of_action", []):
        text = texts.get(item["slug"], {})
        rows.append(
            [item["name"], text.get("situation", ""), text.get("goals", ""), text.get("recommendations", "")]
        )
    return Sheet(
        title=_("Texte"),
        columns=[
            Column(_("Handlungsfeld"), 28),
            Column(_("Ausgangslage"), 60),
            Column(_("Ziele"), 60),
            Column(_("Handlungsempfehlungen"), 60),
        ],
        rows=rows,
        wrap=True,
    )


def _quality_sheet(figures: Mapping) -> Sheet:
    municipalities = _names(figures.get("municipalities", []))
    quality = figures.get("data_quality") or {}
    return Sheet(
        title=_("Datenqualität"),
        columns=[
            Column(_("Veranstaltung ohne Teilnehmendenzahl"), 44),
            Column(_("Kommune"), 22),
            Column(_("Ende"), 14),
        ],
        rows=[
            [
                e.get("title", ""),
                municipalities.get(e.get("municipality"), e.get("municipality", "")),
                as_date(e.get("end")),
            ]
            for e in quality.get("events_without_participants") or []
        ],
        footer=[
            [_("Kommunen ohne Meldung im laufenden Quartal"), None, None],
            *(
                [municipalities.get(slug, slug), None, None]
                for slug in quality.get("municipalities_without_submission_this_quarter") or []
            ),
        ],
    )


def _sources_sheet(report, figures: Mapping) -> Sheet:
    district = figures.get("district", {})
    period = figures.get("period") or {}
    generated = as_datetime(figures.get("generated_at"))
    return Sheet(
        title=_("Quellen"),
        columns=[Column(_("Angabe"), 36), Column(_("Wert"), 90)],
        rows=[
            [_("Bericht"), report.title],
            [_("Bericht Nr."), report.pk],
            [_("Kreis"), district.get("name", "")],
            [_("Integrationszentrum"), district.get("ki_name", "")],
            [_("Berichtsjahr"), figures.get("year")],
            [_("Zeitraum von"), as_date(period.get("start"))],
            [_("Zeitraum bis"), as_date(period.get("end"))],
            [_("Stand der Zahlen"), generated.replace(tzinfo=None) if generated else None],
            [
                _("Zählungen des Portals"),
                _(
                    "Veranstaltungen, Maßnahmen, Teilnehmende und KOMM-AN-Kurse: gemeldete und geprüfte Angaben im Portal."
                ),
            ],
            [
                _("Amtliche Statistik"),
                _(
                    "Einwohnerzahlen (Stand und Quelle je Kommune im Blatt „Kommunen“); keine Zählung des Portals."
                ),
            ],
        ],
        wrap=True,
    )


def render_report_xlsx(*, report, figures: Mapping) -> bytes:
    return write_xlsx(
        [
            _district_sheet(figures),
            _municipality_sheet(figures),
            _matrix_sheet(figures),
            _matrix_wide_sheet(figures),
            _gaps_sheet(figures),
            _measures_sheet(figures),
            *_komm_an_sheets(figures),
            *engagement_sheets(figures),
            _texts_sheet(figures),
            _quality_sheet(figures),
            *concept_sheets(figures),
            _sources_sheet(report, figures),
        ]
    )

"""The Integrationskonzept's sheets of the concept report workbook (only when the snapshot has one)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from kreisintegration.spreadsheets import DECIMAL_FORMAT, INTEGER_FORMAT, Column, Sheet

from .report_format import as_date, as_datetime

VALUE = "#,##0.##"


def _concept_targets(concept: Mapping):
    for item in concept.get("fields", []):
        for goal in item.get("goals", []):
            for target in goal.get("targets", []):
                yield item, goal, target


def concept_sheets(figures: Mapping) -> list[Sheet]:
    """Ziele, Kennzahlen und Werte, Maßnahmen im Konzept, Stellungnahmen: one sheet per table."""
    concept = figures.get("concept")
    if not concept:
        return []
    labels = concept.get("status_labels", {})
    names = {item["slug"]: item["name"] for item in figures.get("municipalities", [])}
    goals = [
        [
            item.get("name", ""),
            item.get("pillar", ""),
            goal.get("title", ""),
            goal.get("kind_label", ""),
            goal.get("priority_label", ""),
            goal.get("responsible", ""),
            labels.get(goal.get("status"), goal.get("status")),
            len(goal.get("targets", [])),
            len(goal.get("measures", [])),
        ]
        for item in concept.get("fields", [])
        for goal in item.get("goals", [])
    ]
    values = []
    for _field, goal, target in _concept_targets(concept):
        places = [(_("Kreis (gesamt)"), target.get("district", {}))] + [
            (names.get(slug, slug), place)
            for slug, place in sorted(
                target.get("municipalities", {}).items(), key=lambda i: names.get(i[0], i[0])
            )
        ]
        for place_name, place in places:
            for year, amount in place.get("series") or [[None, None]]:
                values.append(
                    [
                        goal.get("title", ""),
                        target.get("indicator", ""),
                        target.get("unit", ""),
                        target.get("source_label", ""),
                        place_name,
                        year,
                        amount,
                        target.get("baseline_year"),
                        target.get("baseline_value"),
                        target.get("target_year"),
                        target.get("target_value"),
                        target.get("direction_label", ""),
                        labels.get(place.get("status"), place.get("status")),
                    ]
                )
    measures = [
        [
            goal.get("title", ""),
            measure.get("title", ""),
            measure.get("owner", ""),
            measure.get("status_label", ""),
            as_date(measure.get("starts_on")),
            as_date(measure.get("ends_on")),
            measure.get("budget"),
            measure.get("programme", ""),
        ]
        for item in concept.get("fields", [])
        for goal in item.get("goals", [])
        for measure in goal.get("measures", [])
    ]
    sheets = [
        Sheet(
            title=_("Ziele"),
            columns=[
                Column(_("Handlungsfeld"), 28),
                Column(_("Säule"), 28),
                Column(_("Ziel"), 50),
                Column(_("Art"), 14),
                Column(_("Priorität"), 10),
                Column(_("Verantwortlich"), 28),
                Column(_("Status"), 14),
                Column(_("Kennzahlen"), 11, INTEGER_FORMAT),
                Column(_("Maßnahmen"), 11, INTEGER_FORMAT),
            ],
            rows=goals,
        ),
        Sheet(
            title=_("Kennzahlen und Werte"),
            columns=[
                Column(_("Ziel"), 40),
                Column(_("Kennzahl"), 36),
                Column(_("Einheit"), 10),
                Column(_("Quelle"), 26),
                Column(_("Gebiet"), 20),
                Column(_("Jahr"), 8),
                Column(_("Wert"), 12, VALUE),
                Column(_("Ausgangsjahr"), 12),
                Column(_("Ausgangswert"), 12, VALUE),
                Column(_("Zieljahr"), 10),
                Column(_("Zielwert"), 12, VALUE),
                Column(_("Richtung"), 18),
                Column(_("Status"), 14),
            ],
            rows=values,
        ),
        Sheet(
            title=_("Maßnahmen im Konzept"),
            columns=[
                Column(_("Ziel"), 40),
                Column(_("Maßnahme"), 40),
                Column(_("Verantwortlich"), 26),
                Column(_("Status"), 14),
                Column(_("Beginn"), 12),
                Column(_("Ende"), 12),
                Column(_("Budget (Euro)"), 14, DECIMAL_FORMAT),
                Column(_("Förderprogramm"), 26),
            ],
            rows=measures,
        ),
    ]
    consultation = concept.get("consultation")
    if consultation:
        sheets.append(
            Sheet(
                title=_("Stellungnahmen"),
                columns=[
                    Column(_("Kommune"), 22),
                    Column(_("gelesen"), 9),
                    Column(_("Anmerkungen"), 12, INTEGER_FORMAT),
                    Column(_("davon beantwortet"), 12, INTEGER_FORMAT),
                    Column(_("Stellungnahme"), 28),
                    Column(_("Begründung / Anmerkungen"), 60),
                    Column(_("erklärt am"), 18),
                ],
                rows=[
                    [
                        row.get("name", ""),
                        _("ja") if row.get("read") else _("nein"),
                        row.get("comments", 0),
                        row.get("answered", 0),
                        row.get("position_label") or _("noch keine Stellungnahme"),
                        row.get("reasons", ""),
                        _naive(as_datetime(row.get("declared_at"))),
                    ]
                    for row in consultation.get("rows", [])
                ],
            )
        )
    return sheets


def _naive(moment):
    return moment.replace(tzinfo=None) if moment else None

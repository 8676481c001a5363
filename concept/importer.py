"""Import of indicator values from CSV or XLSX: all or nothing, every problem as a row error.

The file is read with the event import's readers (content sniffing, encodings, XLSX limits,
cells read as text, formulas never evaluated); the columns and rules here are the concept's:

* ``ags``: a municipality's AGS (8 digits) or the Kreisschlüssel (5 digits) for the whole district;
* ``kennzahl``: the indicator's short name (slug) as in the template, or its full name;
* ``jahr``, ``wert`` (German decimal comma or point), optional ``quelle``.

A value that already exists for the same indicator, place and year is a correction (the old
value goes to the history). Duplicates inside the file, unknown AGS/indicators, portal
indicators, years outside the concept's period and non-numbers are row errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from events import importer as event_importer
from events.importer import ImportFileError, ImportValidationError, RowError
from kreisintegration.spreadsheets import Column, Sheet, write_csv, write_xlsx
from municipalities.models import District, Municipality

from . import permissions, values
from .models import Indicator, IndicatorValue

COLUMNS = ("ags", "kennzahl", "jahr", "wert", "quelle")
REQUIRED = ("ags", "kennzahl", "jahr", "wert")
MAX_ROWS = 5000
_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+([.,]\d+)?$")

__all__ = ["ImportFileError", "ImportValidationError", "RowError", "import_values", "template_file"]


@dataclass(frozen=True)
class ParsedValue:
    row: int
    indicator: Indicator
    municipality: Municipality | None
    year: int
    value: Decimal
    source: str


def parse_number(text: str) -> Decimal:
    """``1.234,5`` / ``1234,5`` / ``1234.5`` → Decimal; anything else raises ValueError."""
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if not _NUMBER.match(text):
        raise ValueError(text)
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    if not data.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    if data.startswith(b"PK\x03\x04"):
        raw = event_importer.xlsx_rows(data, max_rows=MAX_ROWS)
    else:
        for signature, description in event_importer.FOREIGN_SIGNATURES:
            if data.startswith(signature):
                raise event_importer.wrong_type(str(description))
        text, _encoding = event_importer.decode_text(data)
        raw = event_importer.csv_rows(text)
    iterator = iter(raw)
    header = [event_importer.normalise_header(cell) for cell in (next(iterator, None) or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(
            _("Es fehlen Pflichtspalten: %(columns)s. Bitte verwenden Sie die Vorlage.")
            % {"columns": ", ".join(missing)}
        )
    rows = []
    for number, cells in enumerate(iterator, start=2):
        texts = [event_importer.cell_text(cell).strip() for cell in cells]
        if not any(texts):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("Die Datei enthält mehr als %(n)s Werte. Bitte teilen Sie sie auf.") % {"n": MAX_ROWS}
            )
        rows.append(
            (number, {name: texts[i] for i, name in enumerate(header) if name in COLUMNS and i < len(texts)})
        )
    if not rows:
        raise ImportFileError(_("Die Datei enthält keine Werte – nur die Kopfzeile."))
    return rows


def validate_rows(
    rows: list[tuple[int, dict[str, str]]], *, by: User, district: District
) -> tuple[list[ParsedValue], list[RowError]]:
    indicators: dict[str, Indicator] = {}
    for indicator in Indicator.objects.filter(district=district):
        indicators[indicator.slug.lower()] = indicator
        indicators[indicator.name.lower()] = indicator
    places = {m.ags: m for m in Municipality.objects.filter(district=district)}
    allowed = set(
        permissions.value_municipalities_of(by).filter(district=district).values_list("pk", flat=True)
    )
    district_allowed = permissions.may_enter_district_values(by, district)
    parsed: list[ParsedValue] = []
    errors: list[RowError] = []
    seen: dict[tuple[int, int | None, int], int] = {}
    years = values.value_years(district=district)
    for number, cells in rows:
        problems: list[RowError] = []

        def fail(column: str, message: str, value: Any = "", number=number, problems=problems) -> None:
            problems.append(RowError(row=number, column=column, message=message, value=str(value)[:80]))

        ags = cells.get("ags", "")
        municipality = None
        if ags == district.ags_prefix:
            if not district_allowed:
                fail("ags", _("Werte für den ganzen Kreis erfasst das Integrationszentrum."), ags)
        elif ags not in places:
            fail("ags", _("Unbekannter AGS: keine Kommune dieses Kreises."), ags)
        elif places[ags].pk not in allowed:
            fail("ags", _("Für diese Kommune können Sie keine Werte erfassen."), ags)
        else:
            municipality = places[ags]
        indicator = indicators.get(cells.get("kennzahl", "").lower())
        if indicator is None:
            fail("kennzahl", _("Unbekannte Kennzahl."), cells.get("kennzahl", ""))
        elif indicator.is_portal:
            fail(
                "kennzahl",
                _("Diese Kennzahl berechnet das Portal selbst; sie wird nicht importiert."),
                indicator.slug,
            )
        year = None
        try:
            year = int(cells.get("jahr", ""))
        except ValueError:
            fail("jahr", _("Das Jahr ist keine Jahreszahl."), cells.get("jahr", ""))
        else:
            message = values.year_error(district=district, year=year, years=years)
            if message:
                fail("jahr", message, year)
        number_value = None
        try:
            number_value = parse_number(cells.get("wert", ""))
        except ValueError:
            fail("wert", _("Der Wert ist keine Zahl."), cells.get("wert", ""))
        if indicator is not None and number_value is not None:
            for message in indicator.value_errors(number_value):
                fail("wert", message, cells.get("wert", ""))
            if municipality is not None and indicator.level == Indicator.Level.DISTRICT:
                fail("ags", _("Diese Kennzahl gibt es nur für den ganzen Kreis."), ags)
        if not problems and indicator is not None and year is not None:
            key = (indicator.pk, municipality.pk if municipality else None, year)
            if key in seen:
                fail(
                    "kennzahl", _("Doppelt: derselbe Wert steht schon in Zeile %(row)s.") % {"row": seen[key]}
                )
            else:
                seen[key] = number
        if problems:
            errors.extend(problems)
        else:
            parsed.append(
                ParsedValue(
                    number, indicator, municipality, year, number_value, cells.get("quelle", "")[:200]
                )
            )
    return parsed, errors


@transaction.atomic
def import_values(*, by: User, district: District, data: bytes) -> list[IndicatorValue]:
    """Save every row, or nothing: raises ``ImportValidationError`` with all row errors."""
    rows = read_rows(data)
    parsed, errors = validate_rows(rows, by=by, district=district)
    if errors:
        raise ImportValidationError(errors, row_count=len(rows))
    saved = []
    for row in parsed:
        try:
            saved.append(
                values.record_indicator_value(
                    by=by,
                    indicator=row.indicator,
                    municipality=row.municipality,
                    year=row.year,
                    value=row.value,
                    source=row.source,
                )
            )
        except ValidationError as error:  # a rule only the model knows: still all or nothing
            transaction.set_rollback(True)
            raise ImportValidationError(
                [RowError(row=row.row, column="wert", message=" ".join(error.messages))], row_count=len(rows)
            ) from None
    return saved


def template_file(*, district: District, fmt: str) -> bytes:
    """A template with the district's official indicators and one example row."""
    example = Municipality.objects.filter(district=district).order_by("name").first()
    indicator = (
        Indicator.objects.filter(district=district, source=Indicator.Source.OFFICIAL)
        .order_by("position")
        .first()
    )
    rows = [
        [
            example.ags if example else district.ags_prefix,
            indicator.slug if indicator else "",
            2025,
            "12,5",
            "IT.NRW",
        ]
    ]
    if fmt == "csv":
        return write_csv(list(COLUMNS), rows)
    explanation = [
        [i.slug, i.name, i.unit, i.get_level_display()]
        for i in Indicator.objects.filter(district=district, source=Indicator.Source.OFFICIAL).order_by(
            "position"
        )
    ]
    return write_xlsx(
        [
            Sheet(title=_("Werte"), columns=[Column(name, 18) for name in COLUMNS], rows=rows),
            Sheet(
                title=_("Kennzahlen"),
                columns=[
                    Column("kennzahl", 30),
                    Column(_("Bezeichnung"), 50),
                    Column(_("Einheit")),
                    Column(_("Ebene")),
                ],
                rows=explanation,
            ),
        ]
    )

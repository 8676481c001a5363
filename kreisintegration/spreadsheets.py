"""Spreadsheet writers shared by every app's exports (CSV for German Excel, XLSX via openpyxl).

Every text cell is neutralised against formula injection (CSV/DDE injection):
text starting with = + - @ tab or CR gets a leading apostrophe, and XLSX cells
are always written as strings, never as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"  # what German Excel expects
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
DATE_FORMAT = "DD.MM.YYYY"
# Number formats of typed cells (German Excel shows its own separators).
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
CHANGE_FORMAT = "+#,##0;-#,##0;0"
CHANGE_DECIMAL_FORMAT = "+#,##0.0;-#,##0.0;0.0"


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, as harmless text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def local(value: datetime | None) -> datetime | None:
    """Berlin wall-clock time without zone: spreadsheets know no time zones."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return neutralise(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM and ``;``: German Excel opens it with umlauts intact by double-click."""
    buffer = io.StringIO(newline="")
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    number_format: str | None = None


@dataclass(frozen=True)
class Cell:
    """A value with its own number format, where a column holds values of different kinds."""

    value: Any
    number_format: str


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    # Rows after the table (totals, notes), set off by an empty row; the first is bold.
    footer: Sequence[Sequence[Any]] = ()
    # Wrap long text in every cell (for sheets of explanations).
    wrap: bool = False


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook: per sheet a bold, frozen header row, typed cells, text never as formula.

    Written in openpyxl's write-only mode: each row goes to the sheet's stream as it is made
    instead of building every cell as an object first, so a large export needs little memory.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        # Views and column widths go before the first row of a streamed sheet.
        sheet.freeze_panes = "A2"
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        alignment = wrap if spec.wrap else None
        sheet.append(_row(sheet, [column.header for column in spec.columns], font=bold))
        for row in spec.rows:
            sheet.append(_row(sheet, row, columns=spec.columns, alignment=alignment))
        if spec.footer:
            sheet.append([])  # the empty row that sets the footer off
        for offset, row in enumerate(spec.footer):
            font = bold if offset == 0 else None
            sheet.append(_row(sheet, row, columns=spec.columns, font=font, alignment=alignment))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(
    sheet,
    values: Sequence[Any],
    *,
    columns: Sequence[Column] = (),
    font=None,
    alignment=None,
) -> list:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    width = max(len(values), len(columns)) if alignment is not None else len(values)
    cells: list[Any] = []
    for column_index in range(1, width + 1):
        value = values[column_index - 1] if column_index <= len(values) else None
        own_format = None
        if isinstance(value, Cell):
            value, own_format = value.value, value.number_format
        if value is None and font is None and alignment is None:
            cells.append(None)
            continue
        cell = WriteOnlyCell(sheet)
        if isinstance(value, str):
            # Control characters are not allowed in XLSX (openpyxl raises); they carry no meaning here.
            cell.value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # never a formula, whatever the text looks like
        else:
            cell.value = value
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif value is not None:
                number_format = own_format or (
                    columns[column_index - 1].number_format if column_index <= len(columns) else None
                )
                if number_format:
                    cell.number_format = number_format
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        cells.append(cell)
    return cells

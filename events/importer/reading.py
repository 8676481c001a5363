"""Reading an uploaded file: the type is sniffed from the content (never the file name), CSV is
decoded (UTF-8 with or without BOM, UTF-16, else Windows-1252) and its delimiter detected, XLSX is
checked against its limits before openpyxl parses it. The result is a ``Table`` with the row
numbers the user sees in the spreadsheet (header = row 1)."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import xlsx_limits
from .cells import cell_text, is_empty
from .columns import COLUMN_NAMES, REQUIRED_COLUMNS
from .errors import ImportFileError

logger = logging.getLogger("events.importer")

# Columns read from an XLSX sheet; real templates have 19.
MAX_XLSX_COLUMNS = 100
# Spreadsheets often carry thousands of formatted but empty rows at the end: this many
# empty rows in a row end the data.
MAX_TRAILING_EMPTY_ROWS = 1000

ENCODING_UTF8 = "utf-8"
ENCODING_CP1252 = "cp1252"
ENCODING_UTF16 = "utf-16"
ENCODING_XLSX = "xlsx"


@dataclass
class Table:
    header: list[str]  # normalised column names, in file order
    rows: list[tuple[int, dict[str, Any]]]  # (row number, column name → raw cell)
    encoding: str  # ENCODING_UTF8, ENCODING_CP1252 or ENCODING_XLSX


# Signatures of files people upload by mistake, with a message that helps them.
FOREIGN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", gettext_lazy("Das ist eine PDF-Datei.")),
    (b"\x89PNG", gettext_lazy("Das ist ein Bild (PNG).")),
    (b"\xff\xd8\xff", gettext_lazy("Das ist ein Bild (JPEG).")),
    (b"GIF8", gettext_lazy("Das ist ein Bild (GIF).")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy(
        "Das ist eine Datei im alten Excel- oder Word-Format (.xls/.doc) oder eine kennwortgeschützte Datei. "
        "Bitte in Excel ohne Kennwort „Speichern unter“ → „Excel-Arbeitsmappe (.xlsx)“ oder „CSV UTF-8“ wählen.")),
    (b"{\\rtf", gettext_lazy("Das ist ein Word-/RTF-Dokument.")),
    (b"\x1f\x8b", gettext_lazy("Das ist ein gepacktes Archiv (gzip).")),
    (b"Rar!", gettext_lazy("Das ist ein gepacktes Archiv (RAR).")),
    (b"7z\xbc\xaf", gettext_lazy("Das ist ein gepacktes Archiv (7z).")),
)  # fmt: skip


def wrong_type(detail: str = "") -> ImportFileError:
    message = _("Die Datei ist keine CSV- oder XLSX-Datei.")
    if detail:
        message = f"{message} {detail}"
    return ImportFileError(
        message
        + " "
        + _(
            "Bitte laden Sie die Vorlage herunter, füllen Sie sie aus und speichern Sie sie "
            "als CSV oder Excel-Arbeitsmappe (.xlsx)."
        )
    )


def read_upload(upload, *, max_bytes: int | None = None) -> bytes:
    """The bytes of an uploaded file; refuses a file over the limit before reading it."""
    max_bytes = settings.EVENTS_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    too_large = ImportFileError(
        _("Die Datei ist zu groß (höchstens %(size)s). Bitte teilen Sie sie in mehrere Dateien auf.")
        % {"size": format_size(max_bytes)}
    )
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    return data


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(n)s MB") % {"n": f"{size / (1024 * 1024):.0f}"}
    if size >= 1024:
        return _("%(n)s KB") % {"n": f"{size / 1024:.0f}"}
    return _("%(n)s Byte") % {"n": size}


def read_table(data: bytes, *, max_rows: int | None = None) -> Table:
    """Header and rows of a CSV or XLSX file; the type is taken from the content."""
    max_rows = settings.EVENTS_IMPORT_MAX_ROWS if max_rows is None else max_rows
    if not data.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    for signature, description in FOREIGN_SIGNATURES:
        if data.startswith(signature):
            raise wrong_type(str(description))
    if data.startswith(b"PK\x03\x04"):
        raw_rows, encoding = xlsx_rows(data, max_rows=max_rows), ENCODING_XLSX
    else:
        text, encoding = decode_text(data)
        raw_rows = csv_rows(text)
    return _build_table(raw_rows, encoding=encoding, max_rows=max_rows)


def decode_text(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's „Unicode-Text“ (tab-separated UTF-16) – common enough in offices to accept.
        try:
            text, encoding = data.decode("utf-16"), ENCODING_UTF16
        except UnicodeDecodeError:
            raise wrong_type(_("Sie enthält Binärdaten.")) from None
        if "\x00" in text:
            raise wrong_type(_("Sie enthält Binärdaten."))
        return text, encoding
    if b"\x00" in data:
        # NUL never occurs in a text file.
        raise wrong_type(_("Sie enthält Binärdaten."))
    try:
        text, encoding = data.decode("utf-8-sig"), ENCODING_UTF8
    except UnicodeDecodeError:
        try:
            # Excel's „CSV (Trennzeichen-getrennt)“ on German Windows writes Windows-1252.
            text, encoding = data.decode("cp1252"), ENCODING_CP1252
        except UnicodeDecodeError:
            raise ImportFileError(
                _(
                    "Die Zeichenkodierung der Datei wurde nicht erkannt. Bitte speichern Sie die Datei in "
                    "Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“."
                )
            ) from None
    # Bytes that decode by chance (cp1252 accepts almost anything) but are no text.
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\r\n")
    if controls > max(3, len(text) // 100):
        raise wrong_type(_("Sie enthält Binärdaten."))
    return text, encoding


def _detect_delimiter(text: str) -> str:
    """The delimiter that makes the first line a header with the most known column names."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    best, best_known = ";", -1
    for delimiter in (";", ",", "\t"):
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        known = sum(1 for cell in cells if normalise_header(cell) in COLUMN_NAMES)
        if known > best_known:
            best, best_known = delimiter, known
    if best_known <= 0:
        try:
            return csv.Sniffer().sniff(first_line, delimiters=";,\t").delimiter
        except csv.Error:
            return ";"
    return best


def csv_rows(text: str) -> Iterator[list[Any]]:
    hint = re.match(r"\ufeff?sep=(.)\r?\n", text)
    if hint:
        # Excel's „sep=;“ line names the delimiter; Excel does not show it as a row either.
        delimiter, text = hint.group(1), text[hint.end() :]
    else:
        delimiter = _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row_number = 0  # records, not physical lines: a quoted cell may span lines
    try:
        for row in reader:
            row_number += 1
            yield row
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            message = _("Eine Zelle in Zeile %(row)s ist zu lang (höchstens %(n)s Zeichen).") % {
                "row": row_number + 1,
                "n": csv.field_size_limit(),
            }
        else:
            message = _(
                "Die CSV-Datei kann ab Zeile %(row)s nicht gelesen werden. Häufige Ursache: ein "
                "Anführungszeichen ohne Gegenstück."
            ) % {"row": row_number + 1}
        raise ImportFileError(message) from None


def _too_many_rows(max_rows: int) -> ImportFileError:
    return ImportFileError(
        _("Die Datei enthält mehr als %(n)s Veranstaltungen. Bitte teilen Sie sie in mehrere Dateien auf.")
        % {"n": max_rows}
    )


def _check_xlsx_limits(data: bytes, *, max_rows: int) -> None:
    """Refuse oversized sheets and too many rows before openpyxl parses anything (xlsx_limits)."""
    too_large = ImportFileError(_("Die Excel-Datei ist entpackt zu groß. Bitte teilen Sie sie auf."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > settings.EVENTS_IMPORT_MAX_UNPACKED_BYTES:
                raise too_large
            xlsx_limits.check_part_sizes(archive)
            # The header plus one row more than allowed is enough to know the answer.
            rows = xlsx_limits.count_rows_with_content(archive, stop_after=max_rows + 2)
    except xlsx_limits.SheetTooLarge:
        raise too_large from None
    except xlsx_limits.NotAWorkbook:
        return  # openpyxl tells what kind of file it is (see xlsx_rows)
    except (zipfile.BadZipFile, ValueError, OSError):
        raise wrong_type(
            _("Sie ist ein beschädigtes ZIP-Archiv, vielleicht eine unvollständig gespeicherte Excel-Datei.")
        ) from None
    if rows > max_rows + 1:
        raise _too_many_rows(max_rows)


def xlsx_rows(data: bytes, *, max_rows: int) -> Iterator[list[Any]]:
    import openpyxl

    _check_xlsx_limits(data, max_rows=max_rows)
    try:
        # data_only=False: a formula cell is read as its text, never as a computed value.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on foreign zip files (docx, odt …)
        logger.info("event import: zip upload is not a readable XLSX workbook", exc_info=True)
        raise wrong_type(
            _(
                "Sie ist zwar ein ZIP-Archiv, aber keine Excel-Arbeitsmappe (z. B. ein Word- oder ODS-Dokument)."
            )
        ) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("Die Excel-Datei enthält kein Tabellenblatt."))
        sheet = workbook.worksheets[0]
        try:
            for row in sheet.iter_rows(max_col=MAX_XLSX_COLUMNS, values_only=True):
                yield list(row)
        except ImportFileError:
            raise
        except Exception:  # a broken sheet inside a valid archive
            logger.info("event import: XLSX sheet cannot be parsed", exc_info=True)
            raise ImportFileError(
                _("Das erste Tabellenblatt der Excel-Datei ist beschädigt und kann nicht gelesen werden.")
            ) from None
    finally:
        workbook.close()


def normalise_header(value: Any) -> str:
    text = cell_text(value).strip().strip("*").strip().lower()
    text = re.sub(r"[\s\-]+", "_", text)
    return text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")


def _build_table(raw_rows: Iterable[list[Any]], *, encoding: str, max_rows: int) -> Table:
    iterator = iter(raw_rows)
    header_cells = next(iterator, None)
    if header_cells is None or all(is_empty(cell) for cell in header_cells):
        raise ImportFileError(
            _("Die erste Zeile muss die Spaltenüberschriften enthalten. Es fehlen: %(columns)s.")
            % {"columns": ", ".join(REQUIRED_COLUMNS)}
        )
    header = [normalise_header(cell) for cell in header_cells]
    named = [name for name in header if name]
    duplicates = sorted({name for name in named if named.count(name) > 1})
    if duplicates:
        raise ImportFileError(
            _("Diese Spalten kommen mehrfach vor: %(columns)s.") % {"columns": ", ".join(duplicates)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ImportFileError(
            _(
                "Es fehlen Pflichtspalten: %(columns)s. Die erste Zeile muss die Spaltenüberschriften "
                "der Vorlage enthalten."
            )
            % {"columns": ", ".join(missing)}
        )
    unknown = [name for name in named if name not in COLUMN_NAMES]
    if unknown:
        raise ImportFileError(
            _("Unbekannte Spalten: %(columns)s. Erlaubt sind: %(allowed)s.")
            % {"columns": ", ".join(name[:40] for name in unknown[:10]), "allowed": ", ".join(COLUMN_NAMES)}
        )

    rows: list[tuple[int, dict[str, Any]]] = []
    empty_run = 0
    for row_number, cells in enumerate(iterator, start=2):
        if all(is_empty(cell) for cell in cells):
            empty_run += 1
            if empty_run >= MAX_TRAILING_EMPTY_ROWS:
                break
            continue
        empty_run = 0
        if len(rows) >= max_rows:
            raise _too_many_rows(max_rows)
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            name = header[index] if index < len(header) else ""
            if name:
                values[name] = cell
            elif not is_empty(cell):
                values.setdefault("", cell)  # data without a header: reported by the validation
        rows.append((row_number, values))
    if not rows:
        raise ImportFileError(_("Die Datei enthält keine Veranstaltungen – nur die Kopfzeile."))
    return Table(header=header, rows=rows, encoding=encoding)

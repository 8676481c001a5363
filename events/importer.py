"""Import of many events from a CSV or XLSX file uploaded by a municipal contact.

Three steps, each a plain function that tests can call on its own:

1. ``read_table(data)`` sniffs the content (never the file name), decodes CSV
   (UTF-8 with or without BOM, else Windows-1252), finds the delimiter and
   returns the header and the rows with the row numbers the user sees in the
   spreadsheet (header = row 1). A file that cannot be read as a whole raises
   ``ImportFileError`` with a German message.
2. ``validate_table(table, municipality=...)`` turns every row into an unsaved
   ``Event`` plus its lists and collects *all* problems as ``RowError``
   (row, column, reason) – including the model's own ``full_clean``.
3. ``import_events(by=..., municipality=..., upload=...)`` is the service: it
   saves nothing unless every row is valid, and then creates all events as
   drafts in one transaction through ``services.save_event``.

Cells are only ever read as text: a cell such as ``=HYPERLINK(...)`` stays the
literal text it is, nothing is evaluated.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from municipalities import permissions
from municipalities.models import FieldOfAction, Language, Municipality, TargetGroup
from municipalities.text import SingleLineCharField, single_line

from . import xlsx_limits
from .models import Event, EventChange
from .services import save_event

logger = logging.getLogger(__name__)

# Columns read from an XLSX sheet; real templates have 19.
MAX_XLSX_COLUMNS = 100
# Spreadsheets often carry thousands of formatted but empty rows at the end: this many
# empty rows in a row end the data.
MAX_TRAILING_EMPTY_ROWS = 1000
# Shown in the error table; the rest is counted.
MAX_SHOWN_VALUE = 80
LIST_SEPARATOR = ";"

ENCODING_UTF8 = "utf-8"
ENCODING_CP1252 = "cp1252"
ENCODING_UTF16 = "utf-16"
ENCODING_XLSX = "xlsx"


# --- columns -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    description: str
    example: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("titel", gettext_lazy("Titel"), gettext_lazy("Name der Veranstaltung, höchstens 200 Zeichen."),
           "Begegnungscafé für Neuzugewanderte", required=True),
    Column("beginn_datum", gettext_lazy("Datum (Beginn)"),
           gettext_lazy("TT.MM.JJJJ (z. B. 14.03.2026) oder JJJJ-MM-TT (2026-03-14)."), "14.03.2026",
           required=True),
    Column("beginn_uhrzeit", gettext_lazy("Uhrzeit (Beginn)"),
           gettext_lazy("HH:MM, z. B. 18:00. Leer lassen für eine ganztägige Veranstaltung."), "18:00"),
    Column("ende_datum", gettext_lazy("Datum (Ende)"),
           gettext_lazy("Nur bei mehrtägigen Veranstaltungen; leer = am selben Tag."), ""),
    Column("ende_uhrzeit", gettext_lazy("Uhrzeit (Ende)"),
           gettext_lazy("HH:MM. Nur zusammen mit einer Uhrzeit für den Beginn."), "20:00"),
    Column("kommune", gettext_lazy("Kommune"),
           gettext_lazy("Optional: Name oder AGS. Wenn angegeben, muss es die im Formular gewählte "
                        "Kommune sein."), ""),
    Column("ort_name", gettext_lazy("Ort (Name)"), gettext_lazy("z. B. Stadtteilzentrum, Bücherei."),
           "Stadtteilzentrum Bönen-Mitte"),
    Column("strasse", gettext_lazy("Straße und Hausnummer"), "", "Bahnhofstraße 12"),
    Column("plz", gettext_lazy("PLZ"), "", "59199"),
    Column("ort", gettext_lazy("Ort"), "", "Bönen"),
    Column("online_link", gettext_lazy("Online-Link"),
           gettext_lazy("Vollständige Adresse mit https://, z. B. für eine Videokonferenz."), ""),
    Column("beschreibung", gettext_lazy("Beschreibung"), gettext_lazy("Nur Text, Zeilenumbrüche sind erlaubt."),
           "Kaffee, Kuchen und Gespräche auf Deutsch, Arabisch und Ukrainisch."),
    Column("handlungsfelder", gettext_lazy("Handlungsfelder"),
           gettext_lazy("Bezeichnungen oder Kurznamen, mehrere durch Semikolon (;) getrennt."),
           "Sprache & Bildung"),
    Column("zielgruppen", gettext_lazy("Zielgruppen"),
           gettext_lazy("Bezeichnungen oder Kurznamen, mehrere durch Semikolon (;) getrennt."),
           "Neuzugewanderte und Geflüchtete; Familien"),
    Column("sprachen", gettext_lazy("Sprachen"),
           gettext_lazy("Sprachcodes (de, ar, uk …) oder Namen, mehrere durch Semikolon (;) getrennt."),
           "de; ar; uk"),
    Column("veranstalter", gettext_lazy("Veranstalter/Träger"), "", "Familienzentrum Regenbogen e. V."),
    Column("kontakt", gettext_lazy("Kontakt für Interessierte"),
           gettext_lazy("Telefon oder E-Mail, wird öffentlich angezeigt."), "02383 12345"),
    Column("erwartete_teilnehmende", gettext_lazy("erwartete Teilnehmende"),
           gettext_lazy("Ganze Zahl ab 0, z. B. 25."), "25"),
    Column("barrierefreiheit", gettext_lazy("Hinweise zur Barrierefreiheit"), "",
           "Stufenloser Zugang, barrierefreies WC"),
)  # fmt: skip

COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)

# Column to report when the model rejects one of its fields.
MODEL_FIELD_COLUMNS = {
    "title": "titel",
    "start": "beginn_datum",
    "end": "ende_datum",
    "all_day": "beginn_uhrzeit",
    "location_name": "ort_name",
    "street": "strasse",
    "postcode": "plz",
    "town": "ort",
    "online_url": "online_link",
    "description": "beschreibung",
    "organiser": "veranstalter",
    "public_contact": "kontakt",
    "expected_participants": "erwartete_teilnehmende",
    "accessibility_notes": "barrierefreiheit",
    "municipality": "kommune",
}
TEXT_COLUMN_FIELDS = {
    "titel": "title",
    "ort_name": "location_name",
    "strasse": "street",
    "plz": "postcode",
    "ort": "town",
    "online_link": "online_url",
    "beschreibung": "description",
    "veranstalter": "organiser",
    "kontakt": "public_contact",
    "barrierefreiheit": "accessibility_notes",
}
ROW_COLUMN = "–"  # a problem of the whole row


# --- results and errors --------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the spreadsheet: header = 1, first data row = 2
    column: str
    message: str
    value: str = ""


class ImportFileError(Exception):
    """The file as a whole cannot be used (type, size, encoding, header)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ImportValidationError(Exception):
    """At least one row is invalid; ``errors`` lists every problem of every row."""

    def __init__(self, errors: list[RowError], *, row_count: int):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors
        self.row_count = row_count

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors})


@dataclass
class Table:
    header: list[str]  # normalised column names, in file order
    rows: list[tuple[int, dict[str, Any]]]  # (row number, column name → raw cell)
    encoding: str  # ENCODING_UTF8, ENCODING_CP1252 or ENCODING_XLSX


@dataclass
class ParsedRow:
    row: int
    event: Event
    fields_of_action: list[FieldOfAction] = field(default_factory=list)
    target_groups: list[TargetGroup] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    events: list[Event]
    encoding: str

    @property
    def count(self) -> int:
        return len(self.events)


# --- reading the file ------------------------------------------------------------

# Signatures of files people upload by mistake, with a message that helps them.
_FOREIGN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
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


def _wrong_type(detail: str = "") -> ImportFileError:
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
    for signature, description in _FOREIGN_SIGNATURES:
        if data.startswith(signature):
            raise _wrong_type(str(description))
    if data.startswith(b"PK\x03\x04"):
        raw_rows, encoding = _xlsx_rows(data, max_rows=max_rows), ENCODING_XLSX
    else:
        text, encoding = _decode_text(data)
        raw_rows = _csv_rows(text)
    return _build_table(raw_rows, encoding=encoding, max_rows=max_rows)


def _decode_text(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's „Unicode-Text“ (tab-separated UTF-16) – common enough in offices to accept.
        try:
            text, encoding = data.decode("utf-16"), ENCODING_UTF16
        except UnicodeDecodeError:
            raise _wrong_type(_("Sie enthält Binärdaten.")) from None
        if "\x00" in text:
            raise _wrong_type(_("Sie enthält Binärdaten."))
        return text, encoding
    if b"\x00" in data:
        # NUL never occurs in a text file.
        raise _wrong_type(_("Sie enthält Binärdaten."))
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
        raise _wrong_type(_("Sie enthält Binärdaten."))
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


def _csv_rows(text: str) -> Iterator[list[Any]]:
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
        return  # openpyxl tells what kind of file it is (see _xlsx_rows)
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _wrong_type(
            _("Sie ist ein beschädigtes ZIP-Archiv, vielleicht eine unvollständig gespeicherte Excel-Datei.")
        ) from None
    if rows > max_rows + 1:
        raise _too_many_rows(max_rows)


def _xlsx_rows(data: bytes, *, max_rows: int) -> Iterator[list[Any]]:
    import openpyxl

    _check_xlsx_limits(data, max_rows=max_rows)
    try:
        # data_only=False: a formula cell is read as its text, never as a computed value.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on foreign zip files (docx, odt …)
        logger.info("event import: zip upload is not a readable XLSX workbook", exc_info=True)
        raise _wrong_type(
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
    text = _cell_text(value).strip().strip("*").strip().lower()
    text = re.sub(r"[\s\-]+", "_", text)
    return text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _build_table(raw_rows: Iterable[list[Any]], *, encoding: str, max_rows: int) -> Table:
    iterator = iter(raw_rows)
    header_cells = next(iterator, None)
    if header_cells is None or all(_is_empty(cell) for cell in header_cells):
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
        if all(_is_empty(cell) for cell in cells):
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
            elif not _is_empty(cell):
                values.setdefault("", cell)  # data without a header: reported by the validation
        rows.append((row_number, values))
    if not rows:
        raise ImportFileError(_("Die Datei enthält keine Veranstaltungen – nur die Kopfzeile."))
    return Table(header=header, rows=rows, encoding=encoding)


# --- cell values -------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell as text; numbers from Excel lose their ``.0``, formulas stay their literal text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M") if value.time() != time.min else value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = getattr(value, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    return text if isinstance(text, str) else str(value)


def _shown(value: Any) -> str:
    text = " ".join(_cell_text(value).split())
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?::(\d{2}))?(?:\s*uhr)?", re.IGNORECASE)
_INTEGER = re.compile(r"\d+")


class CellError(ValueError):
    pass


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value).strip()
    match = _GERMAN_DATE.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.fullmatch(text)
        if not match:
            raise CellError(_("Kein Datum. Bitte TT.MM.JJJJ oder JJJJ-MM-TT verwenden, z. B. 14.03.2026."))
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("Diesen Tag gibt es nicht.")) from None


def parse_time(value: Any) -> time:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = _TIME.fullmatch(_cell_text(value).strip())
    if not match:
        raise CellError(_("Keine Uhrzeit. Bitte HH:MM verwenden, z. B. 18:30."))
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise CellError(_("Diese Uhrzeit gibt es nicht."))
    return time(hour, minute)


def parse_count(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("Bitte eine ganze Zahl ab 0 angeben."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = _cell_text(value).strip()
        if not _INTEGER.fullmatch(text):
            raise CellError(_("Bitte eine ganze Zahl ab 0 angeben, ohne Punkt oder Komma."))
        number = int(text[:12])
    if number < 0:
        raise CellError(_("Bitte eine ganze Zahl ab 0 angeben."))
    return number


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in _cell_text(value).split(LIST_SEPARATOR) if part.strip()]


# --- validation --------------------------------------------------------------------


@dataclass
class Lookups:
    """The reference data a row may name, loaded once per import."""

    fields_of_action: dict[str, FieldOfAction]
    target_groups: dict[str, TargetGroup]
    languages: dict[str, Language]
    municipalities: dict[str, Municipality]

    @classmethod
    def for_municipality(cls, municipality: Municipality) -> Lookups:
        def by_slug_and_name(queryset) -> dict:
            found = {}
            for item in queryset:
                found[item.name.casefold()] = item
                found[item.slug.casefold()] = item
            return found

        languages = {}
        for language in Language.objects.all():
            for key in (language.native_name, language.name, language.code):
                if key:
                    languages[key.casefold()] = language
        municipalities = {}
        for other in Municipality.objects.all():
            for key in (other.name, other.slug, other.ags):
                municipalities[key.casefold()] = other
        district = municipality.district_id
        return cls(
            fields_of_action=by_slug_and_name(
                FieldOfAction.objects.filter(district_id=district, is_active=True)
            ),
            target_groups=by_slug_and_name(TargetGroup.objects.filter(district_id=district, is_active=True)),
            languages=languages,
            municipalities=municipalities,
        )


def _resolve_list(value: Any, mapping: dict, *, kind: str) -> tuple[list, str]:
    found, unknown = [], []
    for part in split_list(value):
        item = mapping.get(part.casefold())
        if item is None:
            unknown.append(part)
        elif item not in found:
            found.append(item)
    if unknown:
        return found, _(
            "Unbekannte %(kind)s: %(values)s. Bitte die Bezeichnungen aus der Vorlage verwenden."
        ) % {
            "kind": kind,
            "values": ", ".join(f"„{_shown(v)}“" for v in unknown[:5]),
        }
    return found, ""


def parse_row(
    row_number: int, values: dict[str, Any], *, municipality: Municipality, lookups: Lookups
) -> tuple[ParsedRow | None, list[RowError]]:
    """One row as an unsaved draft event of ``municipality``, or the problems of the row."""
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(row_number, column, message, _shown(values.get(column))))

    if "" in values:
        fail(ROW_COLUMN, _("Die Zeile enthält Werte in einer Spalte ohne Überschrift."))

    event = Event(municipality=municipality, status=Event.Status.DRAFT)
    for column, field_name in TEXT_COLUMN_FIELDS.items():
        text = _cell_text(values.get(column)).strip()
        # Titles are one line (a line break in a cell would break calendar files and mails).
        if isinstance(Event._meta.get_field(field_name), SingleLineCharField):
            text = single_line(text)
        setattr(event, field_name, text)
    if _is_empty(values.get("titel")):
        fail("titel", _("Der Titel fehlt."))

    start_date = start_time = end_date = end_time = None
    for column, parser in (
        ("beginn_datum", parse_date),
        ("beginn_uhrzeit", parse_time),
        ("ende_datum", parse_date),
        ("ende_uhrzeit", parse_time),
    ):
        raw = values.get(column)
        if _is_empty(raw):
            continue
        try:
            parsed = parser(raw)
        except CellError as error:
            fail(column, str(error))
            continue
        if column == "beginn_datum":
            start_date = parsed
        elif column == "beginn_uhrzeit":
            start_time = parsed
        elif column == "ende_datum":
            end_date = parsed
        else:
            end_time = parsed
    if _is_empty(values.get("beginn_datum")):
        fail("beginn_datum", _("Das Datum des Beginns fehlt."))
    if end_time is not None and start_time is None and _is_empty(values.get("beginn_uhrzeit")):
        fail(
            "ende_uhrzeit", _("Eine Uhrzeit für das Ende geht nur zusammen mit einer Uhrzeit für den Beginn.")
        )
    dates_ok = start_date is not None and not any(
        e.column in {"beginn_uhrzeit", "ende_datum", "ende_uhrzeit"} for e in errors
    )
    if dates_ok:
        end_date = end_date or start_date
        if start_time is None:  # all day, as the event form stores it
            start, end = datetime.combine(start_date, time.min), datetime.combine(end_date, time(23, 59))
        else:
            start = datetime.combine(start_date, start_time)
            end = datetime.combine(end_date, end_time or start_time)
        event.all_day = start_time is None
        event.start = timezone.make_aware(start)
        event.end = timezone.make_aware(end)

    raw_municipality = _cell_text(values.get("kommune")).strip()
    if raw_municipality:
        named = lookups.municipalities.get(raw_municipality.casefold())
        if named is None:
            fail("kommune", _("Unbekannte Kommune. Bitte Name oder AGS angeben (gewählt ist %(name)s).")
                 % {"name": municipality.name})  # fmt: skip
        elif named.pk != municipality.pk:
            fail("kommune", _("Die Zeile gehört zu einer anderen Kommune (%(other)s) als der gewählten (%(name)s).")
                 % {"other": named.name, "name": municipality.name})  # fmt: skip

    raw_count = values.get("erwartete_teilnehmende")
    if not _is_empty(raw_count):
        try:
            event.expected_participants = parse_count(raw_count)
        except CellError as error:
            fail("erwartete_teilnehmende", str(error))

    fields_of_action, message = _resolve_list(
        values.get("handlungsfelder"), lookups.fields_of_action, kind=_("Handlungsfelder")
    )
    if message:
        fail("handlungsfelder", message)
    target_groups, message = _resolve_list(
        values.get("zielgruppen"), lookups.target_groups, kind=_("Zielgruppen")
    )
    if message:
        fail("zielgruppen", message)
    languages, message = _resolve_list(values.get("sprachen"), lookups.languages, kind=_("Sprachen"))
    if message:
        fail("sprachen", message)

    # The model's own rules (lengths, URL, end after start …), for the fields read without error.
    failed_columns = {error.column for error in errors}
    # Foreign keys are set here from trusted objects; checking them would cost a query per row.
    exclude = ["status", "created_by", "reviewed_by", "measure", "municipality"]
    exclude += [name for name, column in MODEL_FIELD_COLUMNS.items() if column in failed_columns]
    if not dates_ok:
        exclude += ["start", "end"]
    try:
        # The one check constraint (end after start) is Event.clean()'s rule too; skip its query per row.
        event.full_clean(exclude=sorted(set(exclude)), validate_constraints=False)
    except ValidationError as error:
        for name, messages in _error_dict(error).items():
            column = MODEL_FIELD_COLUMNS.get(name, ROW_COLUMN)
            if (
                name == "end"
                and _is_empty(values.get("ende_datum"))
                and not _is_empty(values.get("ende_uhrzeit"))
            ):
                column = "ende_uhrzeit"
            for message in messages:
                if not any(e.column == column and e.message == message for e in errors):
                    fail(column, message)

    if errors:
        return None, errors
    return ParsedRow(row_number, event, fields_of_action, target_groups, languages), []


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def validate_table(
    table: Table, *, municipality: Municipality, lookups: Lookups | None = None
) -> tuple[list[ParsedRow], list[RowError]]:
    lookups = lookups or Lookups.for_municipality(municipality)
    parsed, errors = [], []
    for row_number, values in table.rows:
        row, row_errors = parse_row(row_number, values, municipality=municipality, lookups=lookups)
        if row is not None:
            parsed.append(row)
        errors.extend(row_errors)
    return parsed, errors


# --- the service -----------------------------------------------------------------


def import_events(
    *,
    by: User,
    municipality: Municipality,
    upload,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Create every event of the file as a draft of ``municipality`` – or none at all.

    Raises ``ImportFileError`` when the file cannot be read and
    ``ImportValidationError`` with every problem of every row otherwise.
    """
    if not permissions.may_manage_municipality(by, municipality):
        raise PermissionDenied
    data = read_upload(upload, max_bytes=max_bytes)
    table = read_table(data, max_rows=max_rows)
    rows, errors = validate_table(table, municipality=municipality)
    if errors:
        raise ImportValidationError(errors, row_count=len(table.rows))
    created = []
    with transaction.atomic():
        for row in rows:
            try:
                created.append(
                    save_event(
                        by=by,
                        event=row.event,
                        fields_of_action=row.fields_of_action,
                        target_groups=row.target_groups,
                        languages=row.languages,
                        action=EventChange.Action.IMPORTED,
                    )
                )
            except ValidationError as error:  # a rule save_event knows and the row check missed
                for name, messages in _error_dict(error).items():
                    for message in messages:
                        errors.append(RowError(row.row, MODEL_FIELD_COLUMNS.get(name, ROW_COLUMN), message))
        if errors:
            # Raised inside the atomic block, so everything created so far is rolled back.
            raise ImportValidationError(errors, row_count=len(table.rows))
    logger.info(
        "event import: %s events for municipality %s by user %s", len(created), municipality.pk, by.pk
    )
    return ImportResult(events=created, encoding=table.encoding)

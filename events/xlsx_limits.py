"""Cheap checks of an uploaded XLSX file before openpyxl reads it.

openpyxl's read-only mode is streaming, but it still walks every row of a sheet and
loads all shared strings when the workbook is opened. A tiny upload can unpack to
millions of rows (a "zip bomb" of empty rows), which kept a web worker busy for half a
minute before the row limit was looked at. So, before openpyxl touches the file:

1. the unpacked size of every worksheet part and of the shared strings is capped
   (``settings.EVENTS_IMPORT_MAX_SHEET_BYTES``, a few MB: far more than 500 rows need) —
   the sizes come from the zip directory, nothing is unpacked for this;
2. the first sheet's rows are counted while its XML is streamed, and counting stops as
   soon as more rows with content than the limit allows were seen.
"""

from __future__ import annotations

import posixpath
import zipfile

from defusedxml import ElementTree
from django.conf import settings

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Small parts read whole to find the first sheet; a real one is a few KB.
MAX_INDEX_PART_BYTES = 1024 * 1024


class SheetTooLarge(Exception):
    """A worksheet or the shared strings unpack to more than the cap."""


class NotAWorkbook(Exception):
    """The archive has no readable workbook index; openpyxl gives the precise answer."""


def check_part_sizes(archive: zipfile.ZipFile) -> None:
    cap = settings.EVENTS_IMPORT_MAX_SHEET_BYTES
    for info in archive.infolist():
        name = info.filename.lower()
        is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
        if (is_sheet or name == "xl/sharedstrings.xml") and info.file_size > cap:
            raise SheetTooLarge(info.filename)


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    def parse(name: str):
        info = archive.getinfo(name)
        if info.file_size > MAX_INDEX_PART_BYTES:
            raise NotAWorkbook(name)
        with archive.open(info) as part:
            return ElementTree.parse(part).getroot()

    try:
        workbook = parse("xl/workbook.xml")
        relations = parse("xl/_rels/workbook.xml.rels")
    except (KeyError, ElementTree.ParseError, ValueError) as error:
        raise NotAWorkbook(str(error)) from None
    sheet = workbook.find(f"{MAIN_NS}sheets/{MAIN_NS}sheet")
    if sheet is None:
        raise NotAWorkbook("no sheet")
    relation_id = sheet.get(RELATIONSHIP_ID)
    for relation in relations.iter(f"{PACKAGE_REL_NS}Relationship"):
        if relation.get("Id") == relation_id:
            target = relation.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    raise NotAWorkbook("sheet relation missing")


def count_rows_with_content(archive: zipfile.ZipFile, *, stop_after: int) -> int:
    """Rows of the first sheet that hold at least one value, counted up to ``stop_after``.

    Streams the sheet's XML and clears each row once seen, so neither time nor memory
    grow past the limit. Rows without any value (formatting only) are not counted; the
    size cap bounds how many of those a file can hold.
    """
    part = _first_sheet_part(archive)
    counted = 0
    try:
        with archive.open(part) as stream:
            for _event, element in ElementTree.iterparse(stream, events=("end",)):
                if element.tag != f"{MAIN_NS}row":
                    continue
                has_value = any(
                    child.tag in (f"{MAIN_NS}v", f"{MAIN_NS}is", f"{MAIN_NS}f") for child in element.iter()
                )
                element.clear()
                if has_value:
                    counted += 1
                    if counted >= stop_after:
                        break
    except (KeyError, ValueError, ElementTree.ParseError, zipfile.BadZipFile, NotImplementedError) as error:
        raise NotAWorkbook(str(error)) from None
    return counted

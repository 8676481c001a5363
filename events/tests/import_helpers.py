"""Helpers of the event import tests: the column header, rows, files in CSV and XLSX, posting."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

IMPORT_URL = "/veranstaltungen/import/"
HEADER = [
    "titel", "beginn_datum", "beginn_uhrzeit", "ende_datum", "ende_uhrzeit", "kommune", "ort_name",
    "strasse", "plz", "ort", "online_link", "beschreibung", "handlungsfelder", "zielgruppen", "sprachen",
    "veranstalter", "kontakt", "erwartete_teilnehmende", "barrierefreiheit",
]  # fmt: skip


def row(**values) -> list:
    return [values.get(name, "") for name in HEADER]


GOOD_CAFE = row(
    titel="Begegnungscafé im Stadtteilzentrum",
    beginn_datum="14.03.2026",
    beginn_uhrzeit="18:00",
    ende_uhrzeit="20:00",
    ort_name="Stadtteilzentrum Königsborn",
    strasse="Friedrich-Ebert-Straße 5",
    plz="59425",
    ort="Unna",
    handlungsfelder="Sprache & Bildung; kultur",
    zielgruppen="Familien;neuzugewanderte",
    sprachen="de; Arabisch; Українська",
    veranstalter="Caritas Unna",
    kontakt="02303 12345",
    erwartete_teilnehmende="25",
    barrierefreiheit="Stufenloser Zugang",
)
GOOD_WORKSHOP = row(
    titel="Bewerbungstraining für Jugendliche",
    beginn_datum="2026-04-02",
    ende_datum="2026-04-03",
    handlungsfelder="ausbildung-arbeit",
    zielgruppen="Jugendliche",
    online_link="https://meet.example.org/bewerbung",
)


def csv_bytes(rows, *, header=HEADER, delimiter=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "veranstaltungen.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_file(client, municipality, content: bytes, name: str = "veranstaltungen.csv"):
    return client.post(IMPORT_URL, {"municipality": municipality.pk, "file": upload(content, name)})


def row_errors(response) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in response.context["row_errors"]}


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def file_error(response) -> str:
    assert response.status_code == 200
    errors = response.context["form"].errors.get("file")
    assert errors, "expected a message about the file"
    return " ".join(errors)

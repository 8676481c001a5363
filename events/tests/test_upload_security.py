"""The import upload as an attack surface: size limits, content sniffing, nothing kept on disk."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile

from events.models import Event
from events.tests.import_helpers import GOOD_CAFE, csv_bytes, file_error, post_file, xlsx_bytes
from kreisintegration.uploads import OversizedUpload
from municipalities.services import ensure_default_reference_data

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script><p>titel;beginn_datum</p></body></html>\n"


@pytest.fixture
def unna_client(client, contact_unna, district):
    ensure_default_reference_data(district=district)
    client.force_login(contact_unna)
    return client


def zip_with(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_oversized_upload_is_cut_off_while_reading_and_refused_in_german(unna_client, unna, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 2000
    settings.EVENTS_IMPORT_MAX_BYTES = 2000
    content = csv_bytes([GOOD_CAFE] * 200)
    assert len(content) > 10_000
    response = post_file(unna_client, unna, content)
    assert "Die Datei ist zu groß (höchstens 2 KB)" in file_error(response)
    upload = response.wsgi_request.FILES["file"]
    # The rest of the body was swallowed: neither memory nor a temporary file holds it.
    assert not isinstance(upload, TemporaryUploadedFile)
    assert isinstance(upload, OversizedUpload)
    assert upload.size > 2000
    assert not Event.objects.exists()


def test_upload_within_the_limit_passes_the_size_cap(unna_client, unna, settings):
    content = csv_bytes([GOOD_CAFE])
    settings.FILE_UPLOAD_MAX_BYTES = len(content)
    response = post_file(unna_client, unna, content)
    assert response.status_code == 302
    assert Event.objects.count() == 1


def test_accepted_uploads_stay_in_memory():
    from django.conf import settings

    assert (
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        > settings.FILE_UPLOAD_MAX_BYTES
        >= settings.EVENTS_IMPORT_MAX_BYTES
    )
    assert settings.FILE_UPLOAD_HANDLERS[0] == "kreisintegration.uploads.SizeCappedUploadHandler"


@pytest.mark.parametrize("name", ["veranstaltungen.csv", "veranstaltungen.xlsx"])
def test_html_page_renamed_to_a_spreadsheet_is_refused_and_not_echoed(unna_client, unna, name):
    response = post_file(unna_client, unna, HTML, name=name)
    message = file_error(response)
    assert message
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert not Event.objects.exists()


def test_pdf_named_xlsx_is_refused_by_its_content(unna_client, unna):
    message = file_error(post_file(unna_client, unna, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", name="liste.xlsx"))
    assert "keine CSV- oder XLSX-Datei" in message
    assert "PDF" in message


def test_text_that_is_no_zip_named_xlsx_is_read_as_what_it_is(unna_client, unna):
    # The content decides, never the name: a CSV named .xlsx imports as CSV.
    response = post_file(unna_client, unna, csv_bytes([GOOD_CAFE]), name="liste.xlsx")
    assert response.status_code == 302
    assert Event.objects.count() == 1


def test_zip_bomb_named_xlsx_is_refused_before_unpacking(unna_client, unna, settings):
    settings.EVENTS_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = zip_with({"xl/worksheets/sheet1.xml": b"0" * (3 * 1024 * 1024), "[Content_Types].xml": b"<x/>"})
    assert len(bomb) < 20_000
    message = file_error(post_file(unna_client, unna, bomb, name="liste.xlsx"))
    assert "entpackt zu groß" in message
    assert not Event.objects.exists()


def test_real_xlsx_within_the_unpacked_limit_imports(unna_client, unna, settings):
    content = xlsx_bytes([GOOD_CAFE])
    settings.EVENTS_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    assert post_file(unna_client, unna, content, name="liste.xlsx").status_code == 302
    assert Event.objects.count() == 1


def test_zip_that_is_not_a_workbook_is_refused(unna_client, unna):
    fake = zip_with({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    message = file_error(post_file(unna_client, unna, fake, name="liste.xlsx"))
    assert "keine Excel-Arbeitsmappe" in message


def test_uploaded_file_name_is_never_used_as_a_path(unna_client, unna, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    response = post_file(unna_client, unna, csv_bytes([GOOD_CAFE]), name="../../etc/passwd.csv")
    assert response.status_code == 302
    # Nothing was written: not under the media root, not as a temporary file.
    assert not (tmp_path / "media").exists()
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []
    assert not (tmp_path / "etc").exists()


def workbook_with_sheet(sheet_rows: bytes) -> bytes:
    """A real workbook whose first sheet is replaced by raw rows: tiny packed, large unpacked."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([])))
    header = b"".join(
        b'<c t="inlineStr"><is><t>%s</t></is></c>' % name.encode() for name in ("titel", "beginn_datum")
    )
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b"<row>" + header + b"</row>" + sheet_rows + b"</sheetData></worksheet>"
    )
    entries = {info.filename: original.read(info) for info in original.infolist()}
    entries["xl/worksheets/sheet1.xml"] = sheet
    return zip_with(entries)


@pytest.fixture
def openpyxl_calls(monkeypatch):
    """Records every workbook openpyxl is asked to open (the expensive part of reading)."""
    import openpyxl

    calls = []
    real_load = openpyxl.load_workbook

    def load_workbook(*args, **kwargs):
        calls.append(args)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)
    return calls


@pytest.fixture
def counted_rows(monkeypatch):
    """What the streaming row count returned: it must stop at the limit, not read the whole sheet."""
    from events import xlsx_limits

    results = []
    real_count = xlsx_limits.count_rows_with_content

    def count(*args, **kwargs):
        results.append(real_count(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(xlsx_limits, "count_rows_with_content", count)
    return results


def test_sheet_of_many_tiny_rows_is_refused_by_the_row_count_before_openpyxl(
    unna_client, unna, settings, openpyxl_calls, counted_rows
):
    rows = b"<row><c><v>1</v></c></row>" * 100_000
    hostile = workbook_with_sheet(rows)
    assert len(hostile) < 50_000 < len(rows)
    message = file_error(post_file(unna_client, unna, hostile, name="liste.xlsx"))
    assert "mehr als 500 Veranstaltungen" in message
    # Counting stopped right after the header and one row too many; openpyxl never opened the file.
    assert counted_rows == [502]
    assert openpyxl_calls == []
    assert not Event.objects.exists()


def test_sheet_that_unpacks_huge_is_refused_by_its_size_before_openpyxl(
    unna_client, unna, openpyxl_calls, counted_rows
):
    # 2.5 million empty rows (45 MB): under the 50 MB cap of the whole archive, far over the sheet cap.
    rows = b'<row spans="1:2"/>' * 2_500_000
    hostile = workbook_with_sheet(rows)
    assert len(hostile) < 1024 * 1024
    message = file_error(post_file(unna_client, unna, hostile, name="liste.xlsx"))
    assert "entpackt zu groß" in message
    assert counted_rows == []
    assert openpyxl_calls == []


def test_formatted_empty_rows_below_the_data_do_not_count_as_events(unna_client, unna):
    from events.tests.import_helpers import HEADER

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(GOOD_CAFE)
    for row in range(3, 2000):
        sheet.cell(row=row, column=1).number_format = "@"  # a style without a value writes a <row>
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert post_file(unna_client, unna, buffer.getvalue(), name="liste.xlsx").status_code == 302
    assert Event.objects.count() == 1

"""PDF, CSV and XLSX files: content, international names, formula injection, query counts."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from volunteers import documents
from volunteers.tests.attendance_helpers import record, register, sessions_in_past
from volunteers.tests.document_helpers import INJECTION, pdf_text, read_xlsx
from volunteers.tests.factories import make_course, make_volunteer


def pdf_fonts(content: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(content))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "German Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


# --- generic writers ------------------------------------------------------------------


@pytest.mark.parametrize("dangerous", ["=1+1", "+49 2303 1234", "-2", "@SUM(A1)", "\tTab", "\rCR"])
def test_formula_like_text_is_neutralised(dangerous):
    assert documents.neutralise(dangerous) == "'" + dangerous
    assert documents.neutralise("Lünen") == "Lünen"
    assert documents.neutralise(5) == 5
    [_header, row] = read_csv(documents.write_csv(["Name"], [[dangerous]]))
    assert row == ["'" + dangerous]
    sheet = read_xlsx(
        documents.write_xlsx([documents.Sheet("Test", [documents.Column("Name")], [[dangerous]])])
    )
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'")
    assert cell.value[1:].strip() == dangerous.strip()


def test_xlsx_header_is_bold_and_frozen_and_numbers_are_formatted():
    content = documents.write_xlsx(
        [
            documents.Sheet(
                "Test",
                [documents.Column("Name"), documents.Column("UE", number_format="0.0")],
                [["Ольга", Decimal("4.5")], ["مريم", datetime(2025, 3, 1, 18, 0)]],
                footer=[["Summe", 9]],
            )
        ]
    )
    sheet = read_xlsx(content)
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and sheet["B1"].font.bold
    assert sheet["B2"].number_format == "0.0" and sheet["B2"].value == 4.5
    assert sheet["B3"].number_format == "DD.MM.YYYY HH:MM"
    assert sheet["A5"].value == "Summe" and sheet["A5"].font.bold  # after one empty row
    assert sheet["A3"].value == "مريم"


# --- participant list ---------------------------------------------------------------------


def export(client, user, course, fmt):
    client.force_login(user)
    return client.get(reverse("volunteers:participants_export", kwargs={"pk": course.pk, "fmt": fmt}))


def test_participant_list_pdf_has_a_signature_column_per_session(client, trainer, listed_course):
    response = export(client, trainer, listed_course, "pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "Teilnahmeliste" in text
    assert "Nguyễn Thị Lan" in text and "Unna" in text and "Lünen" in text
    for session in listed_course.sessions.all():
        assert timezone.localtime(session.start).strftime("%d.%m.%Y") in text
    assert listed_course.district.ki_name in text  # running header
    assert "Seite 1 von 1" in text
    assert all("DejaVu-Sans" in font for font in pdf_fonts(response.content))


def test_participant_list_csv_is_excel_ready_and_formula_safe(client, trainer, listed_course):
    response = export(client, trainer, listed_course, "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response.content)
    dates = [timezone.localtime(s.start).strftime("%d.%m.%Y") for s in listed_course.sessions.all()]
    assert rows[0] == ["Name", "E-Mail", "Kommune", "Status", "angemeldet am"] + [
        f"Termin {d}" for d in dates
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Nguyễn Thị Lan"][1:4] == ["lan@example.org", "Unna", "angemeldet"]
    assert by_name["Nguyễn Thị Lan"][5:] == ["anwesend", "", ""]
    assert by_name["'" + INJECTION][5] == "nicht anwesend"  # the name starts with "'": shown as text


def test_participant_list_xlsx(client, trainer, listed_course):
    sheet = read_xlsx(export(client, trainer, listed_course, "xlsx").content)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    names = {sheet.cell(row=row, column=1).value: row for row in range(2, sheet.max_row + 1)}
    evil = names["'" + INJECTION]
    assert sheet.cell(row=evil, column=1).data_type == "s"
    assert sheet.cell(row=evil, column=5).number_format == "DD.MM.YYYY HH:MM"
    assert isinstance(sheet.cell(row=evil, column=5).value, datetime)


def test_unknown_export_format_is_not_found(client, trainer, listed_course):
    assert export(client, trainer, listed_course, "docx").status_code == 404
    client.force_login(trainer)
    url = reverse("volunteers:course_evidence", kwargs={"pk": listed_course.pk, "fmt": "csv"})
    assert client.get(url).status_code == 403  # evidence is for KI staff; format comes after the right


# (+1: django-otp loads the staff member's verified second-factor device)
PARTICIPANT_EXPORT_QUERIES = 11  # incl. one audit log entry


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_participant_export_query_count_does_not_grow(
    client, ki_staff, district, unna, django_assert_max_num_queries, fmt
):
    course = make_course(district, capacity=40, sessions=3)
    register(course, [make_volunteer(district, municipality=unna) for _ in range(2)])
    client.force_login(ki_staff)
    url = reverse("volunteers:participants_export", kwargs={"pk": course.pk, "fmt": fmt})
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    registrations = register(course, [make_volunteer(district, municipality=unna) for _ in range(15)])
    session = sessions_in_past(course)[0]
    record(ki_staff, session, dict.fromkeys(registrations, True))
    with django_assert_max_num_queries(PARTICIPANT_EXPORT_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- certificate ----------------------------------------------------------------------------


def test_certificate_pdf_names_person_course_units_and_code(client, certified, settings):
    settings.SITE_URL = "https://integration.kreis-unna.example"
    client.force_login(certified.volunteer.user)

    response = client.get(reverse("volunteers:certificate", kwargs={"pk": certified.pk}))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Teilnahmebescheinigung" in text
    assert "Şengül Yıldız-Nguyễn" in text
    assert "Deutsch unterrichten im Ehrenamt" in text
    assert "Sprachvermittlung für Ehrenamtliche" in text
    assert "4,5 Unterrichtseinheiten à 45 Minuten" in text
    assert "Grammatik spielerisch erklären" in text
    assert "Kommunales Integrationszentrum Kreis Unna" in text
    assert "59425 Unna" in text
    assert certified.certificate_code in text
    code_url = reverse("volunteers:verify_certificate", kwargs={"code": certified.certificate_code})
    assert "https://integration.kreis-unna.example" + code_url in text.replace("\n", "")
    for session in certified.course.sessions.all():
        assert timezone.localtime(session.start).strftime("%d.%m.%Y") in text
    assert "KOMM-AN NRW Programmteil II" in text
    fonts = pdf_fonts(response.content)
    assert fonts and all("DejaVu" in font for font in fonts), fonts
    assert response["Content-Disposition"] == (
        f'attachment; filename="teilnahmebescheinigung-{certified.certificate_code.lower()}.pdf"'
    )


def test_pdf_loads_no_external_resources():
    with pytest.raises(ValueError, match="no external resources"):
        documents._refuse_fetch("http://169.254.169.254/latest/meta-data/")


# --- course evidence -----------------------------------------------------------------------


def test_course_evidence_xlsx_and_pdf(client, ki_staff, certified):
    course = certified.course
    client.force_login(ki_staff)

    xlsx = client.get(reverse("volunteers:course_evidence", kwargs={"pk": course.pk, "fmt": "xlsx"}))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == documents.XLSX_CONTENT_TYPE
    sheet = read_xlsx(xlsx.content)
    facts = {sheet.cell(row=row, column=1).value: sheet.cell(row=row, column=2) for row in range(2, 20)}
    assert facts["Teilnehmende"].value == 1
    assert facts["davon Neuzugewanderte (mit Einwilligung)"].value == 0
    assert facts["davon Ehrenamtliche"].value == 1
    assert facts["Unterrichtseinheiten (à 45 Minuten)"].value == 4.5
    assert facts["Unterrichtseinheiten (à 45 Minuten)"].number_format == "0.0"
    assert facts["Anwesenheitsquote (%)"].value == 100
    assert facts["Baustein"].value == "D: Qualifizierung"
    assert facts["Referent*innen"].value == "Nguyễn Thị Lan"
    sessions = read_xlsx(xlsx.content, 1)
    assert sessions.max_row == 3 and sessions["B2"].number_format == "DD.MM.YYYY HH:MM"

    pdf = client.get(reverse("volunteers:course_evidence", kwargs={"pk": course.pk, "fmt": "pdf"}))
    text = pdf_text(pdf.content)
    assert "Fördernachweis" in text and course.title in text
    assert "100,0 %" in text
    assert "KOMM-AN NRW Programmteil II" in text and "Nguyễn Thị Lan" in text

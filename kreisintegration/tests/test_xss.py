"""Hostile text in every free-text field, rendered everywhere it appears.

HTML escapes it, PDFs print it as literal text, ICS round-trips it without breaking
the structure, CSV/XLSX neutralise formulas, JSON carries it as data.
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.models import DistrictRole, FieldOfAction, Measure, Municipality
from municipalities.tests.factories import make_district_role
from volunteers.models import Registration
from volunteers.tests.factories import make_course, make_volunteer

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RTL = "\u202eharmlos.exe\u202c"
FORMULA = '=HYPERLINK("http://evil.example","klick")'
PLUS = "+49 2303 cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
HTML_PAYLOADS = (SCRIPT, "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>")


def assert_html_safe(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    for raw in HTML_PAYLOADS:
        assert raw not in html, raw
    assert 'onerror=alert(1)"' not in html
    assert 'href="javascript:' not in html.lower()  # as text it is harmless, as a link it is not
    return html


@pytest.fixture
def hostile(district, unna, ki_staff, trainer):
    """One of everything, with hostile text in every free-text field."""
    contact = make_district_role(
        district, DistrictRole.Role.TRAINER, email="boese@example.org", full_name=SCRIPT
    )
    from municipalities.models import Membership

    Membership.objects.create(user=contact, municipality=unna)
    evil_town = Municipality.objects.create(
        district=district, name=f"Stadt {IMG}", slug="boese", ags="05978999"
    )
    field = FieldOfAction.objects.create(district=district, name=f"Feld {SCRIPT}", slug="feld")
    event = make_event(
        by=contact,
        municipality=unna,
        title=f"{FORMULA} {SCRIPT}",
        description=f"{SCRIPT}\n{IMG}\njavascript:alert(1)",
        start=berlin(2026, 3, 14, 18),
        location_name=f"Haus {IMG}",
        street=PLUS,
        town=f"Unna {RTL}",
        organiser=AT,
        public_contact=f"{SCRIPT} javascript:alert(1) mail@example.org",
        accessibility_notes=SCRIPT,
        internal_note=SCRIPT,
        fields_of_action=[field],
        status=Event.Status.APPROVED,
    )
    submitted = make_event(
        by=contact, municipality=unna, title=f"Eingereicht {SCRIPT}", status=Event.Status.SUBMITTED
    )
    measure = Measure.objects.create(
        municipality=unna, title=f"Maßnahme {SCRIPT}", description=IMG, provider=FORMULA
    )
    course = make_course(
        district,
        title=f"{FORMULA} {SCRIPT}",
        topic=f"Thema {IMG}",
        description=SCRIPT,
        location_name=f"Saal {SCRIPT}",
        address=PLUS,
        target_audience=AT,
        trainers=[trainer],
    )
    person = make_volunteer(district, email="mallory@example.org", full_name=f"{FORMULA}{SCRIPT}")
    person.availability = SCRIPT
    person.save()
    Registration.objects.create(course=course, volunteer=person, status=Registration.Status.REGISTERED)
    finished = make_course(district, title=f"Abschluss {SCRIPT}", starts_in=timezone.timedelta(days=-30))
    certificate = Registration.objects.create(
        course=finished, volunteer=person, status=Registration.Status.ATTENDED, certificate_code="XSS0000001"
    )
    return {
        "event": event,
        "submitted": submitted,
        "measure": measure,
        "course": course,
        "certificate": certificate,
        "town": evil_town,
        "person": person,
    }


# --- HTML --------------------------------------------------------------------------------


def test_public_pages_escape_hostile_text(client, hostile):
    event = hostile["event"]
    detail = assert_html_safe(client.get(reverse("events:detail", kwargs={"pk": event.pk})))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in detail
    assert 'href="javascript:' not in detail
    for view in ("list", "month", "week"):
        page = assert_html_safe(client.get(reverse("events:calendar"), {"view": view, "start": "2026-03-01"}))
        assert "&lt;script&gt;" in page
    assert_html_safe(client.get(reverse("events:calendar"), {"q": SCRIPT}))
    assert_html_safe(client.get(reverse("municipalities:list")))
    assert_html_safe(client.get(reverse("municipalities:detail", kwargs={"slug": "unna"})))
    assert_html_safe(client.get(reverse("municipalities:detail", kwargs={"slug": "boese"})))
    assert_html_safe(client.get(reverse("volunteers:catalogue")))
    assert_html_safe(client.get(reverse("volunteers:course_detail", kwargs={"pk": hostile["course"].pk})))
    assert_html_safe(client.get(reverse("volunteers:verify_certificate", kwargs={"code": "XSS0000001"})))


def test_staff_pages_escape_hostile_text(client, ki_staff, hostile):
    client.force_login(ki_staff)
    event, submitted, course = hostile["event"], hostile["submitted"], hostile["course"]
    for url in (
        reverse("events:review_queue"),
        reverse("events:review", kwargs={"pk": submitted.pk}),
        reverse("events:manage", kwargs={"pk": event.pk}),
        reverse("events:update", kwargs={"pk": submitted.pk}),
        reverse("municipalities:district"),
        reverse("municipalities:contacts", kwargs={"slug": "unna"}),
        reverse("municipalities:measures", kwargs={"slug": "unna"}),
        reverse("municipalities:measure_detail", kwargs={"slug": "unna", "pk": hostile["measure"].pk}),
        reverse("volunteers:participants", kwargs={"pk": course.pk}),
        reverse("volunteers:course_admin_list"),
        reverse("volunteers:volunteer_search") + "?q=mallory",
        reverse("overview:dashboard"),
    ):
        assert_html_safe(client.get(url))


# --- PDF ---------------------------------------------------------------------------------


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_pdfs_print_hostile_text_literally(client, ki_staff, hostile):
    client.force_login(ki_staff)
    course = hostile["course"]
    participants = pdf_text(
        client.get(reverse("volunteers:participants_export", kwargs={"pk": course.pk, "fmt": "pdf"}))
    )
    assert "<script>alert(1)</script>" in participants
    certificate = pdf_text(
        client.get(reverse("volunteers:certificate", kwargs={"pk": hostile["certificate"].pk}))
    )
    assert "<script>alert(1)</script>" in certificate
    evidence = pdf_text(
        client.get(reverse("volunteers:course_evidence", kwargs={"pk": course.pk, "fmt": "pdf"}))
    )
    assert "<script>alert(1)</script>" in evidence


# --- ICS ---------------------------------------------------------------------------------


@pytest.mark.parametrize("feed", ["district", "municipality", "event"])
def test_ics_keeps_hostile_text_as_data_without_breaking_the_structure(client, hostile, feed):
    event = hostile["event"]
    url = {
        "district": reverse("events:feed_district"),
        "municipality": reverse("events:feed_municipality", kwargs={"slug": "unna"}),
        "event": reverse("events:event_ics", kwargs={"pk": event.pk}),
    }[feed]
    response = client.get(url)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    vevents = [c for c in calendar.walk("VEVENT") if str(c.get("SUMMARY")) == event.title]
    assert len(vevents) == 1
    vevent = vevents[0]
    assert str(vevent["DESCRIPTION"]).startswith(f"{SCRIPT}\n{IMG}\njavascript:alert(1)")
    assert "Haus " + IMG in str(vevent["LOCATION"])
    # No injected property: every line of the raw feed is a known property or a folded continuation.
    for line in response.content.decode().split("\r\n"):
        assert not line.lower().startswith(("attach", "x-evil", "<script"))


# --- spreadsheets ------------------------------------------------------------------------


def csv_cells(response) -> list[str]:
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def xlsx_cells(response) -> list:
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(cells, *expected_texts):
    texts = [c for c in cells if isinstance(c, str)]
    for cell in texts:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    for text in expected_texts:
        assert any(text in cell for cell in texts), text


def test_event_exports_neutralise_formulas(client, ki_staff, hostile):
    client.force_login(ki_staff)
    params = {"start": "2026-03-01", "end": "2026-03-31"}
    url = reverse("events:export", kwargs={"fmt": "csv"})
    assert_no_formula(csv_cells(client.get(url, params)), "'" + FORMULA, "'" + AT)
    url = reverse("events:export", kwargs={"fmt": "xlsx"})
    cells = xlsx_cells(client.get(url, params))
    assert_no_formula(cells, "'" + FORMULA, "'" + AT)


def test_participant_and_evidence_spreadsheets_neutralise_formulas(client, ki_staff, hostile):
    client.force_login(ki_staff)
    course = hostile["course"]
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("volunteers:participants_export", kwargs={"pk": course.pk, "fmt": fmt}))
        cells = csv_cells(response) if fmt == "csv" else xlsx_cells(response)
        assert_no_formula(cells, "'" + FORMULA + SCRIPT)
    cells = xlsx_cells(
        client.get(reverse("volunteers:course_evidence", kwargs={"pk": course.pk, "fmt": "xlsx"}))
    )
    assert_no_formula(cells, "'" + FORMULA)


# --- JSON --------------------------------------------------------------------------------


def test_json_api_carries_hostile_text_as_data(client, hostile):
    response = client.get(reverse("events:api_events"), {"start": "2026-03-14", "end": "2026-03-14"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    results = json.loads(response.content)["results"]
    assert [r["title"] for r in results] == [hostile["event"].title]
    assert results[0]["location"]["name"] == "Haus " + IMG


def test_volunteer_data_export_is_json_not_html(client, hostile):
    client.force_login(hostile["person"].user)
    response = client.get(reverse("volunteers:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert SCRIPT in json.dumps(json.loads(response.content), ensure_ascii=False)

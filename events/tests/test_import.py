"""Import of events from CSV/XLSX: all or nothing, every bad row reported, never a 500."""

import csv
import io
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from events import importer
from events.models import Event, EventChange, EventOccurrence
from events.tests.factories import berlin
from municipalities.models import FieldOfAction, Language, TargetGroup

from .import_helpers import (
    GOOD_CAFE,
    GOOD_WORKSHOP,
    HEADER,
    IMPORT_URL,
    csv_bytes,
    file_error,
    page_messages,
    post_file,
    row,
    row_errors,
    upload,
    xlsx_bytes,
)


@pytest.fixture
def unna_client(client, contact_unna, reference):
    client.force_login(contact_unna)
    return client


# --- the page --------------------------------------------------------------------------


def test_import_page_explains_columns_and_offers_templates(unna_client, unna, luenen):
    response = unna_client.get(IMPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for column in importer.COLUMNS:
        assert f"<code>{column.name}</code>" in html
    assert reverse("events:import_template", args=["csv"]) in html
    assert reverse("events:import_template", args=["xlsx"]) in html
    assert 'enctype="multipart/form-data"' in html
    choices = list(response.context["form"].fields["municipality"].queryset)
    assert choices == [unna]  # never Lünen
    assert response.context["form"].fields["municipality"].initial == unna.pk


def test_ki_staff_chooses_among_the_municipalities_of_the_district(client, ki_staff, unna, luenen, reference):
    client.force_login(ki_staff)
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    field = response.context["form"].fields["municipality"]
    assert set(field.queryset) == {unna, luenen}
    assert field.initial is None


def test_anonymous_is_sent_to_login(client, unna):
    for url in (IMPORT_URL, reverse("events:import_template", args=["csv"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(IMPORT_URL, {"municipality": unna.pk})
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["volunteer", "trainer"])
def test_users_without_a_municipality_get_403(client, request, role, unna):
    client.force_login(request.getfixturevalue(role))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(reverse("events:import_template", args=["xlsx"])).status_code == 403
    response = client.post(IMPORT_URL, {"municipality": unna.pk, "file": upload(csv_bytes([GOOD_CAFE]))})
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_unknown_template_format_is_404(unna_client):
    assert unna_client.get(reverse("events:import_template", args=["pdf"])).status_code == 404


# --- success ---------------------------------------------------------------------------


def test_csv_import_creates_drafts_with_lists_occurrences_and_history(unna_client, contact_unna, unna):
    response = post_file(unna_client, unna, csv_bytes([GOOD_CAFE, GOOD_WORKSHOP]))

    assert response.status_code == 302
    assert response["Location"] == reverse("events:mine")
    assert "2 Veranstaltungen wurden als Entwurf angelegt." in page_messages(response)[0]
    cafe = Event.objects.get(title="Begegnungscafé im Stadtteilzentrum")
    assert cafe.status == Event.Status.DRAFT
    assert cafe.municipality == unna
    assert cafe.created_by == contact_unna
    assert cafe.start == berlin(2026, 3, 14, 18)
    assert cafe.end == berlin(2026, 3, 14, 20)
    assert not cafe.all_day
    assert (cafe.location_name, cafe.street, cafe.postcode, cafe.town) == (
        "Stadtteilzentrum Königsborn",
        "Friedrich-Ebert-Straße 5",
        "59425",
        "Unna",
    )
    assert cafe.expected_participants == 25
    assert sorted(cafe.fields_of_action.values_list("slug", flat=True)) == ["kultur", "sprache-bildung"]
    assert sorted(cafe.target_groups.values_list("slug", flat=True)) == ["familien", "neuzugewanderte"]
    assert sorted(cafe.languages.values_list("code", flat=True)) == ["ar", "de", "uk"]
    assert EventOccurrence.objects.filter(event=cafe).count() == 1
    assert list(cafe.changes.values_list("action", "actor")) == [
        (EventChange.Action.IMPORTED, contact_unna.pk)
    ]

    workshop = Event.objects.get(title="Bewerbungstraining für Jugendliche")
    assert workshop.all_day
    assert workshop.start == berlin(2026, 4, 2, 0, 0)
    assert workshop.end == berlin(2026, 4, 3, 23, 59)
    assert workshop.online_url == "https://meet.example.org/bewerbung"
    assert EventOccurrence.objects.filter(event=workshop).count() == 1


def test_xlsx_import_reads_real_date_time_and_number_cells(unna_client, unna):
    rows = [
        ["Elterncafé", date(2026, 3, 29), time(18, 30), None, time(20, 0)]  # the day clocks go forward
        + [""] * 12
        + [12, ""],
        ["Frauenfrühstück", datetime(2026, 10, 25, 0, 0), "09:30", None, "11:30"]  # clocks go back
        + [""] * 3
        + [59425]
        + [""] * 9,
    ]
    response = post_file(unna_client, unna, xlsx_bytes(rows), name="liste.xlsx")

    assert response.status_code == 302, response.context and response.context["row_errors"]
    cafe = Event.objects.get(title="Elterncafé")
    assert cafe.start == berlin(2026, 3, 29, 18, 30)
    assert cafe.start.utcoffset() is not None
    assert cafe.end == berlin(2026, 3, 29, 20)
    assert cafe.expected_participants == 12
    breakfast = Event.objects.get(title="Frauenfrühstück")
    assert breakfast.start == berlin(2026, 10, 25, 9, 30)
    assert breakfast.postcode == "59425"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloaded_template_imports_as_it_is(unna_client, unna, fmt):
    template = unna_client.get(reverse("events:import_template", args=[fmt]))
    assert template.status_code == 200
    assert template["Content-Disposition"].startswith("attachment;")

    response = post_file(unna_client, unna, template.content, name=f"vorlage.{fmt}")

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.title == "Begegnungscafé für Neuzugewanderte"
    assert event.town == "Bönen"
    assert event.fields_of_action.exists()


def test_staff_template_leaves_the_municipality_open_and_imports_anywhere(
    client, ki_staff, luenen, unna, reference
):
    client.force_login(ki_staff)
    content = client.get(reverse("events:import_template", args=["csv"])).content
    example = dict(
        zip(*list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")), strict=True)
    )
    assert example["kommune"] == ""
    assert post_file(client, luenen, content).status_code == 302
    assert Event.objects.get().municipality == luenen


def test_template_has_header_and_one_example_row(unna_client):
    content = unna_client.get(reverse("events:import_template", args=["csv"])).content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER
    assert len(rows) == 2
    workbook = openpyxl.load_workbook(
        io.BytesIO(unna_client.get(reverse("events:import_template", args=["xlsx"])).content)
    )
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet.max_row == 2
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"


def test_windows_1252_csv_keeps_umlauts_and_says_how_it_was_read(unna_client, unna):
    content = csv_bytes(
        [
            row(
                titel="Begegnungscafé in Bönen",
                beginn_datum="14.03.2026",
                ort="Bönen",
                veranstalter="Träger „Miteinander“",
            )
        ],
        encoding="cp1252",
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    response = post_file(unna_client, unna, content)

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.title == "Begegnungscafé in Bönen"
    assert event.town == "Bönen"
    assert event.organiser == "Träger „Miteinander“"
    assert "Windows-1252" in page_messages(response)[0]


def test_utf8_with_bom_and_comma_delimiter(unna_client, unna):
    content = b"\xef\xbb\xbf" + csv_bytes(
        [row(titel="Sprachcafé, offen für alle", beginn_datum="14.03.2026", sprachen="de;tr")], delimiter=","
    )
    response = post_file(unna_client, unna, content)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.title == "Sprachcafé, offen für alle"
    assert sorted(event.languages.values_list("code", flat=True)) == ["de", "tr"]
    assert "Windows-1252" not in page_messages(response)[0]


def test_excel_unicode_text_export_in_utf16_with_tabs_is_accepted(unna_client, unna):
    content = csv_bytes([row(titel="Sprachcafé für Frauen", beginn_datum="14.03.2026")], delimiter="\t")
    response = post_file(unna_client, unna, content.decode().encode("utf-16"), name="liste.txt")
    assert response.status_code == 302
    assert Event.objects.get().title == "Sprachcafé für Frauen"


def test_excel_sep_line_names_the_delimiter_and_is_not_a_row(unna_client, unna):
    content = b"sep=,\r\n" + csv_bytes([row(titel="Café", beginn_datum="kein Datum")], delimiter=",")
    assert row_errors(post_file(unna_client, unna, content)) == {(2, "beginn_datum")}


def test_formula_like_cells_are_kept_as_text(unna_client, unna):
    content = csv_bytes(
        [
            row(
                titel='=HYPERLINK("http://evil.example","Klick")',
                beginn_datum="14.03.2026",
                kontakt="+49 2303 1",
            )
        ]
    )
    assert post_file(unna_client, unna, content).status_code == 302
    event = Event.objects.get()
    assert event.title == '=HYPERLINK("http://evil.example","Klick")'
    assert event.public_contact == "+49 2303 1"


def test_xlsx_formula_cell_is_imported_as_its_text_not_its_value(unna_client, unna):
    rows = [['=CONCAT("Sprach","café")', "14.03.2026"] + [""] * 17]
    assert post_file(unna_client, unna, xlsx_bytes(rows), name="a.xlsx").status_code == 302
    assert Event.objects.get().title == '=CONCAT("Sprach","café")'


def test_kommune_column_may_name_the_chosen_municipality(unna_client, unna):
    content = csv_bytes(
        [
            row(titel="A", beginn_datum="14.03.2026", kommune="Unna"),
            row(titel="B", beginn_datum="14.03.2026", kommune=unna.ags),
            row(titel="C", beginn_datum="14.03.2026", kommune="unna"),
        ]
    )
    assert post_file(unna_client, unna, content).status_code == 302
    assert Event.objects.filter(municipality=unna).count() == 3


# --- all or nothing --------------------------------------------------------------------


def test_nothing_is_saved_and_every_bad_row_is_reported(unna_client, unna, luenen):
    rows = [
        GOOD_CAFE,  # row 2
        row(titel="", beginn_datum="14.03.2026"),  # 3: title missing
        row(titel="Nachtcafé", beginn_datum="31.02.2026"),  # 4: no such day
        row(titel="Kochkurs", beginn_datum="14.03.2026", beginn_uhrzeit="18:00", ende_uhrzeit="17:00"),  # 5
        row(titel="Tanz", beginn_datum="14.03.2026", handlungsfelder="Tanzen"),  # 6: unknown field of action
        row(titel="Chor", beginn_datum="14/03/2026", erwartete_teilnehmende="-3"),  # 7: two errors
        row(titel="Fest", beginn_datum="14.03.2026", kommune="Lünen"),  # 8: other municipality
        row(titel="Online", beginn_datum="14.03.2026", online_link="javascript:alert(1)"),  # 9
        row(titel="x" * 201, beginn_datum="14.03.2026", beginn_uhrzeit="25:00"),  # 10
        GOOD_WORKSHOP,  # 11
        row(titel="Ausflug", beginn_datum="14.03.2026", ende_datum="13.03.2026"),  # 12
        row(titel="Lesung", beginn_datum="14.03.2026", ende_uhrzeit="20:00", sprachen="Klingonisch"),  # 13
    ]
    response = post_file(unna_client, unna, csv_bytes(rows))

    assert response.status_code == 200
    assert not Event.objects.exists()
    assert not EventChange.objects.exists()
    assert row_errors(response) == {
        (3, "titel"),
        (4, "beginn_datum"),
        (5, "ende_uhrzeit"),
        (6, "handlungsfelder"),
        (7, "beginn_datum"),
        (7, "erwartete_teilnehmende"),
        (8, "kommune"),
        (9, "online_link"),
        (10, "titel"),
        (10, "beginn_uhrzeit"),
        (12, "ende_datum"),
        (13, "ende_uhrzeit"),
        (13, "sprachen"),
    }
    by_position = {(e.row, e.column): e for e in response.context["row_errors"]}
    assert "gehört zu einer anderen Kommune" in by_position[(8, "kommune")].message
    assert "Tanzen" in by_position[(6, "handlungsfelder")].message
    assert "Ende liegt vor dem Beginn" in by_position[(12, "ende_datum")].message
    assert by_position[(7, "erwartete_teilnehmende")].value == "-3"
    html = response.content.decode()
    assert "Es wurde nichts gespeichert" in html
    assert "<caption>" in html
    assert '<th scope="row">13</th>' in html


def test_row_numbers_count_blank_rows_and_multiline_cells_like_a_spreadsheet(unna_client, unna):
    content = csv_bytes(
        [
            row(titel="Erste", beginn_datum="14.03.2026", beschreibung="Zeile eins\nZeile zwei\nZeile drei"),
            row(),  # an empty row is skipped but keeps its number 3
            row(titel="Dritte", beginn_datum="gestern"),
        ]
    )
    response = post_file(unna_client, unna, content)
    assert row_errors(response) == {(4, "beginn_datum")}


def test_xlsx_row_numbers_match_the_sheet(unna_client, unna):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(GOOD_CAFE)
    sheet.cell(row=7, column=1, value="Weit unten")
    sheet.cell(row=7, column=2, value="kein Datum")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post_file(unna_client, unna, buffer.getvalue(), name="a.xlsx")
    assert row_errors(response) == {(7, "beginn_datum")}
    assert not Event.objects.exists()


# --- scope -----------------------------------------------------------------------------


def test_contact_cannot_import_into_another_municipality_by_posting_its_id(unna_client, luenen):
    response = post_file(unna_client, luenen, csv_bytes([GOOD_CAFE]))
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert not Event.objects.exists()


def test_import_service_refuses_a_municipality_the_user_does_not_manage(contact_luenen, unna, reference):
    with pytest.raises(PermissionDenied):
        importer.import_events(
            by=contact_luenen, municipality=unna, upload=io.BytesIO(csv_bytes([GOOD_CAFE]))
        )
    assert not Event.objects.exists()


def test_reference_data_of_another_district_is_not_accepted(unna_client, unna):
    from municipalities.tests.factories import DistrictFactory

    other = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    FieldOfAction.objects.create(district=other, name="Nur in Soest", slug="nur-in-soest")
    TargetGroup.objects.create(district=other, name="Soester Gruppe", slug="soester-gruppe")
    content = csv_bytes(
        [
            row(
                titel="A",
                beginn_datum="14.03.2026",
                handlungsfelder="Nur in Soest",
                zielgruppen="soester-gruppe",
            )
        ]
    )
    response = post_file(unna_client, unna, content)
    assert row_errors(response) == {(2, "handlungsfelder"), (2, "zielgruppen")}


# --- bad files -------------------------------------------------------------------------


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_like_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("content", [PNG, PDF, docx_like_zip()], ids=["png", "pdf", "docx"])
def test_files_that_are_not_csv_or_xlsx_are_refused_even_if_named_csv(unna_client, unna, content):
    message = file_error(post_file(unna_client, unna, content, name="veranstaltungen.csv"))
    assert "keine CSV- oder XLSX-Datei" in message
    assert not Event.objects.exists()


def test_file_over_the_size_limit_is_refused_before_reading(unna_client, unna, settings, monkeypatch):
    settings.EVENTS_IMPORT_MAX_BYTES = 200

    def must_not_read(*args, **kwargs):
        raise AssertionError("the file must not be parsed")

    monkeypatch.setattr(importer.reading, "read_table", must_not_read)
    message = file_error(post_file(unna_client, unna, csv_bytes([GOOD_CAFE, GOOD_WORKSHOP])))
    assert "zu groß" in message
    assert not Event.objects.exists()


def test_service_refuses_oversize_upload_without_size_attribute(contact_unna, unna, reference):
    with pytest.raises(importer.ImportFileError, match="zu groß"):
        importer.import_events(
            by=contact_unna, municipality=unna, upload=io.BytesIO(b"x" * 101), max_bytes=100
        )


def test_more_rows_than_allowed_are_refused(unna_client, unna, settings):
    settings.EVENTS_IMPORT_MAX_ROWS = 3
    rows = [row(titel=f"Termin {n}", beginn_datum="14.03.2026") for n in range(4)]
    message = file_error(post_file(unna_client, unna, csv_bytes(rows)))
    assert "mehr als 3" in message
    assert not Event.objects.exists()


def test_missing_required_columns_are_named(unna_client, unna):
    content = csv_bytes([["Sprachcafé", "Unna"]], header=["name", "ort"])
    message = file_error(post_file(unna_client, unna, content))
    assert "titel" in message
    assert "beginn_datum" in message


def test_unknown_column_is_refused_so_nothing_is_silently_dropped(unna_client, unna):
    content = csv_bytes([["Sprachcafé", "14.03.2026", "x"]], header=["titel", "beginn_datum", "beschreibng"])
    assert "beschreibng" in file_error(post_file(unna_client, unna, content))


NASTY = {
    "binary-garbage": bytes(range(256)) * 40,
    "empty": b"",
    "only-whitespace": b" \r\n\r\n",
    "only-bom": b"\xef\xbb\xbf",
    "only-header": csv_bytes([]),
    "nul-bytes": b"titel;beginn_datum\r\nSprach\x00caf\xc3\xa9;14.03.2026\r\n",
    "huge-cell": csv_bytes([row(titel="A" * 300_000, beginn_datum="14.03.2026")]),
    "long-title": csv_bytes([row(titel="B" * 100_000, beginn_datum="14.03.2026")]),
    "unbalanced-quote": b'titel;beginn_datum\r\n"Sprachcaf\xc3\xa9;14.03.2026\r\n',
    "truncated-xlsx": xlsx_bytes([GOOD_CAFE])[:300],
    "zip-magic-only": b"PK\x03\x04" + b"\x00" * 50,
    "utf16-without-bom": "titel;beginn_datum\r\nCafé;14.03.2026\r\n".encode("utf-16-le"),
    "header-duplicated": b"titel;titel;beginn_datum\r\na;b;14.03.2026\r\n",
    "control-chars": b"titel;beginn_datum\r\n" + bytes(range(1, 9)) * 100,
    "too-many-cells": b"titel;beginn_datum\r\nA;14.03.2026;mehr;und mehr\r\n",
}


@pytest.mark.parametrize("content", NASTY.values(), ids=NASTY.keys())
def test_nasty_files_get_a_german_message_never_a_500(unna_client, unna, content):
    response = post_file(unna_client, unna, content)
    assert response.status_code == 200
    context = response.context
    assert context["row_errors"] or context["form"].errors
    assert not Event.objects.exists()


def test_empty_file_and_header_only_say_what_is_wrong(unna_client, unna):
    # Django itself refuses a zero-byte upload as empty
    assert file_error(post_file(unna_client, unna, b""))
    assert "leer" in file_error(post_file(unna_client, unna, b" \r\n"))
    assert "nur die Kopfzeile" in file_error(post_file(unna_client, unna, csv_bytes([])))


# --- the pure functions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("14.03.2026", date(2026, 3, 14)),
        ("4.3.2026", date(2026, 3, 4)),
        ("2026-03-14", date(2026, 3, 14)),
        (" 2026-03-14 ", date(2026, 3, 14)),
        (datetime(2026, 3, 14, 0, 0), date(2026, 3, 14)),
    ],
)
def test_parse_date_accepts_german_and_iso_dates(raw, expected):
    assert importer.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["14.03.26", "14/03/2026", "29.02.2026", "morgen", "2026-13-01"])
def test_parse_date_refuses_other_formats(raw):
    with pytest.raises(importer.CellError):
        importer.parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("18:00", time(18)), ("9:30", time(9, 30)), ("18.30 Uhr", time(18, 30)), (time(7, 5, 30), time(7, 5))],
)
def test_parse_time(raw, expected):
    assert importer.parse_time(raw) == expected


def test_read_table_detects_cp1252_and_delimiter():
    table = importer.read_table("titel,beginn_datum\r\nCafé,14.03.2026\r\n".encode("cp1252"))
    assert table.encoding == importer.ENCODING_CP1252
    assert table.rows == [(2, {"titel": "Café", "beginn_datum": "14.03.2026"})]


def test_headers_are_forgiving_about_case_stars_and_spaces(reference, unna):
    table = importer.read_table(b"Titel*;Beginn Datum*;Erwartete-Teilnehmende\r\nA;14.03.2026;3\r\n")
    assert table.header == ["titel", "beginn_datum", "erwartete_teilnehmende"]


def test_languages_match_code_german_and_native_name(reference, unna):
    lookups = importer.Lookups.for_municipality(unna)
    found, message = importer.resolve_list("TR; persisch (farsi/dari); Русский", lookups.languages, kind="")
    assert not message
    assert [language.code for language in found] == ["tr", "fa", "ru"]
    assert Language.objects.filter(code__in=["tr", "fa", "ru"]).count() == 3

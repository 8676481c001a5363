"""Concept report snapshots: build steps, immutability, failure, stale builds, files and pages."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from municipalities.models import DistrictRole, FieldOfAction
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory, make_district_role
from overview import report_pdf, report_xlsx, services, tasks
from overview.models import ConceptReport, FieldOfActionText

from .report_fixtures import (
    STAFF_RECOMMENDATION,
    STAFF_SITUATION,
    YEAR,
    FakeAggregation,
    build,
    install_charts_if_missing,
    make_done_report,
    make_reference_data,
    make_report,
    pdf_pages,
    read_workbook,
    report_url,
    sample_figures,
)

pytestmark = pytest.mark.usefixtures("media_root")

S = ConceptReport.State


@pytest.fixture
def staff_text(district, reference, ki_staff):
    return FieldOfActionText.objects.create(
        district=district,
        field_of_action=reference["sprache"],
        year=YEAR,
        situation=STAFF_SITUATION,
        goals="Jede Kommune bietet wöchentlich ein Sprachangebot an.",
        recommendations=STAFF_RECOMMENDATION,
        updated_by=ki_staff,
    )


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


# --- building -------------------------------------------------------------------------------


def test_build_stores_figures_and_both_files_and_ends_done(district, aggregation, staff_text, ki_staff):
    report = build(district, by=ki_staff)

    assert report.state == S.DONE, report.error
    assert (report.progress, report.step, report.error) == (100, "done", "")
    assert report.started_at <= report.finished_at
    assert report.title == "Konzeptbericht 2026 – Kreis Unna"
    assert report.figures["district_totals"]["participants"] == 1234
    assert report.figures["concept_texts"]["sprache-bildung"]["situation"] == STAFF_SITUATION
    assert aggregation.calls == [("kreis-unna", YEAR)]
    for stored in (report.pdf, report.xlsx):
        assert f"-{report.pk}-" in stored.name
        assert default_storage.exists(stored.name)
    assert read(report.pdf.name).startswith(b"%PDF")


def test_request_report_is_queued_and_built_once_the_transaction_commits(
    district, aggregation, ki_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.request_report(by=ki_staff, district=district, year=YEAR)
    assert ConceptReport.objects.get(pk=report.pk).state == S.QUEUED
    assert len(callbacks) == 1

    callbacks[0]()  # what happens on commit: the (eager) task builds the report

    report.refresh_from_db()
    assert report.state == S.DONE


def test_report_that_cannot_be_queued_fails_at_once_instead_of_waiting_forever(
    district, ki_staff, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.build_concept_report, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(by=ki_staff, district=district, year=YEAR)

    report.refresh_from_db()
    assert report.state == S.FAILED
    assert report.error == (
        "Die Erstellung konnte nicht gestartet werden (Warteschlange nicht erreichbar: OperationalError)."
    )
    caplog.clear()  # logged on purpose


def test_only_ki_staff_of_the_district_may_request_a_report(district, aggregation, contact_unna):
    other = DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    staff_soest = make_district_role(other, DistrictRole.Role.KI_STAFF)
    with pytest.raises(services.PermissionDenied):
        services.request_report(by=contact_unna, district=district, year=YEAR)
    with pytest.raises(services.PermissionDenied):
        services.request_report(by=staff_soest, district=district, year=YEAR)
    assert not ConceptReport.objects.exists()


def test_progress_and_step_are_saved_before_each_step_runs(district, aggregation, monkeypatch):
    seen = {}
    render_pdf, render_xlsx = report_pdf.render_report_pdf, report_xlsx.render_report_xlsx

    def spy_pdf(**kwargs):
        seen["pdf"] = ConceptReport.objects.values("state", "step", "progress", "figures").get(
            pk=kwargs["report"].pk
        )
        return render_pdf(**kwargs)

    def spy_xlsx(**kwargs):
        seen["xlsx"] = ConceptReport.objects.values("state", "step", "progress", "pdf").get(
            pk=kwargs["report"].pk
        )
        return render_xlsx(**kwargs)

    monkeypatch.setattr(report_pdf, "render_report_pdf", spy_pdf)
    monkeypatch.setattr(report_xlsx, "render_report_xlsx", spy_xlsx)

    report = build(district)

    assert report.state == S.DONE
    assert (seen["pdf"]["state"], seen["pdf"]["step"], seen["pdf"]["progress"]) == (S.RUNNING, "pdf", 45)
    # The figures are stored before the files are made from them.
    assert seen["pdf"]["figures"]["district_totals"]["events"] == 22
    assert (seen["xlsx"]["step"], seen["xlsx"]["progress"]) == ("xlsx", 85)
    assert seen["xlsx"]["pdf"].endswith(".pdf")


def test_failed_pdf_step_ends_failed_with_message_and_keeps_the_earlier_snapshot(
    district, aggregation, monkeypatch, caplog
):
    earlier = build(district)
    earlier_state = ConceptReport.objects.values().get(pk=earlier.pk)
    earlier_pdf = read(earlier.pdf.name)

    def broken_pdf(**kwargs):
        raise RuntimeError("Schriftart DejaVu Sans nicht gefunden")

    monkeypatch.setattr(report_pdf, "render_report_pdf", broken_pdf)
    failed = build(district)

    assert failed.state == S.FAILED
    assert failed.step == "pdf"
    assert "„PDF setzen“ ist fehlgeschlagen" in failed.error
    assert "Schriftart DejaVu Sans nicht gefunden" in failed.error
    assert "RuntimeError" in failed.error
    assert failed.figures["district_totals"]["participants"] == 1234
    assert not failed.pdf and not failed.xlsx
    assert failed.finished_at is not None
    assert not any(f"-{failed.pk}-" in name for name in stored_report_files(district))
    # The earlier snapshot is untouched, row and file.
    assert ConceptReport.objects.values().get(pk=earlier.pk) == earlier_state
    assert read(earlier.pdf.name) == earlier_pdf
    assert [r.levelname for r in caplog.records if "failed in step pdf" in r.getMessage()] == ["ERROR"]
    caplog.clear()  # the error log is expected here


def stored_report_files(district) -> list[str]:
    folder = f"concept-reports/{district.slug}/{YEAR}"
    if not default_storage.exists(folder):
        return []
    return default_storage.listdir(folder)[1]


def test_retry_of_a_failed_report_is_a_new_attempt(
    district, aggregation, ki_staff, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(report_pdf, "render_report_pdf", lambda **kwargs: 1 / 0)
    failed = build(district, by=ki_staff)
    assert failed.state == S.FAILED
    caplog.clear()
    monkeypatch.undo()
    monkeypatch.setattr(services, "compute_report_figures", aggregation)
    install_charts_if_missing(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        attempt = services.retry_report(by=ki_staff, report=failed)

    attempt.refresh_from_db()
    failed.refresh_from_db()
    assert attempt.pk != failed.pk
    assert (attempt.state, attempt.year, attempt.district_id) == (S.DONE, failed.year, district.pk)
    assert failed.state == S.FAILED
    with pytest.raises(services.ValidationError):
        services.retry_report(by=ki_staff, report=attempt)  # only failed reports are retried


def test_done_snapshot_never_changes_when_data_changes_later(district, unna, aggregation, staff_text):
    first = build(district)
    stored = ConceptReport.objects.values("figures", "pdf", "xlsx", "finished_at").get(pk=first.pk)
    pdf_bytes = read(first.pdf.name)

    # New data arrives: more events, a renamed municipality, a rewritten text.
    aggregation.figures["district_totals"]["events"] = 99
    aggregation.figures["municipalities"][1]["name"] = "Kreisstadt Unna"
    unna.name = "Kreisstadt Unna"
    unna.save()
    staff_text.situation = "Die Lage hat sich verbessert."
    staff_text.save()
    # A redelivered task for the finished report does nothing.
    tasks.build_concept_report(first.pk)
    second = build(district)

    assert ConceptReport.objects.values("figures", "pdf", "xlsx", "finished_at").get(pk=first.pk) == stored
    assert read(first.pdf.name) == pdf_bytes
    assert first.figures["district_totals"]["events"] == 22
    assert first.figures["concept_texts"]["sprache-bildung"]["situation"] == STAFF_SITUATION
    assert second.figures["district_totals"]["events"] == 99
    assert second.figures["concept_texts"]["sprache-bildung"]["situation"] == "Die Lage hat sich verbessert."
    assert second.pdf.name != first.pdf.name
    assert aggregation.calls == [("kreis-unna", YEAR), ("kreis-unna", YEAR)]


def test_figures_are_stored_as_plain_json(district, aggregation):
    from decimal import Decimal

    aggregation.figures["municipality_totals"]["unna"]["offers_per_10k"] = Decimal("5.0")
    report = build(district)
    assert report.state == S.DONE, report.error
    assert report.figures["municipality_totals"]["unna"]["offers_per_10k"] == 5.0


def test_figures_of_an_unknown_version_fail_with_a_message(district, aggregation, caplog):
    aggregation.figures["version"] = 2
    report = build(district)
    assert report.state == S.FAILED
    assert "unbekanntes Format (Version 2)" in report.error
    assert report.step == "figures"
    caplog.clear()


# --- stale builds ---------------------------------------------------------------------------


def test_stale_running_and_lost_queued_reports_are_marked_failed(district, settings, aggregation):
    settings.OVERVIEW_REPORT_STALE_MINUTES = 30
    dead = make_report(district, state=S.RUNNING, started_minutes_ago=31)
    busy = make_report(district, state=S.RUNNING, started_minutes_ago=5)
    lost = make_report(district, state=S.QUEUED, created_hours_ago=25)
    waiting = make_report(district, state=S.QUEUED, created_hours_ago=1)
    done = build(district)

    assert tasks.mark_stale_reports() == 2

    states = dict(ConceptReport.objects.values_list("pk", "state"))
    assert states == {
        dead.pk: S.FAILED,
        busy.pk: S.RUNNING,
        lost.pk: S.FAILED,
        waiting.pk: S.QUEUED,
        done.pk: S.DONE,
    }
    dead.refresh_from_db()
    assert dead.error.startswith("Abgebrochen (Worker beendet?)")
    assert dead.finished_at is not None
    # The task of the dead build, delivered again, does not bring the report back.
    services.build_report(report_id=dead.pk)
    dead.refresh_from_db()
    assert dead.state == S.FAILED


def test_build_that_lost_its_claim_stops_without_writing(district, aggregation, monkeypatch):
    """The stale check marked the report failed while the PDF was being set: nothing more is written."""
    render = report_pdf.render_report_pdf

    def slow_pdf(**kwargs):
        services.mark_stale_reports(older_than=timedelta(0))
        return render(**kwargs)

    monkeypatch.setattr(report_pdf, "render_report_pdf", slow_pdf)
    report = build(district)

    assert report.state == S.FAILED
    assert report.error.startswith("Abgebrochen (Worker beendet?)")
    assert not report.pdf and not report.xlsx
    assert stored_report_files(district) == []


def test_redelivered_task_takes_over_a_dead_build(district, aggregation, caplog):
    dead = make_report(district, state=S.RUNNING, started_minutes_ago=120)

    tasks.build_concept_report(dead.pk)

    dead.refresh_from_db()
    assert dead.state == S.DONE
    assert dead.started_at > timezone.now() - timedelta(minutes=5)
    assert "taking over" in caplog.text


def test_taking_over_a_dead_build_removes_the_files_it_left_behind(district, aggregation, media_root):
    """The killed worker had stored its PDF: the report ends with one PDF and one XLSX, its own."""
    dead = make_report(district, state=S.RUNNING, started_minutes_ago=120)
    left_behind = default_storage.save(
        services._file_name(dead, dead.started_at, "pdf"), ContentFile(b"%PDF-1.7 half")
    )

    tasks.build_concept_report(dead.pk)

    dead.refresh_from_db()
    assert dead.state == S.DONE
    assert not default_storage.exists(left_behind)
    assert sorted(stored_report_files(district)) == sorted(
        [dead.pdf.name.rsplit("/", 1)[1], dead.xlsx.name.rsplit("/", 1)[1]]
    )


def test_running_build_is_not_started_a_second_time(district, aggregation):
    busy = make_report(district, state=S.RUNNING, started_minutes_ago=1)
    tasks.build_concept_report(busy.pk)
    busy.refresh_from_db()
    assert (busy.state, busy.figures) == (S.RUNNING, {})
    assert aggregation.calls == []


@pytest.mark.django_db(transaction=True)
def test_parallel_builds_of_the_same_year_keep_their_own_numbers_and_files(
    district, unna, luenen, monkeypatch
):
    """Two builds at once (real parallel connections): separate rows, separate files, no mix-up."""
    make_reference_data(district)
    figures = sample_figures(district)
    monkeypatch.setattr(services, "compute_report_figures", FakeAggregation(figures))
    monkeypatch.setattr(report_pdf, "render_charts", lambda figures: {})
    barrier = threading.Barrier(3)
    pdf_calls = []

    def fake_pdf(*, report, figures, charts):
        pdf_calls.append(report.pk)
        if len(pdf_calls) <= 2:
            barrier.wait(timeout=10)
        return f"%PDF-1.7 Bericht {report.pk}".encode()

    monkeypatch.setattr(report_pdf, "render_report_pdf", fake_pdf)
    first = services.create_report(by=None, district=district, year=YEAR)
    second = services.create_report(by=None, district=district, year=YEAR)

    def run(report_id):
        try:
            services.build_report(report_id=report_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in (first.pk, second.pk, first.pk)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=10)  # both PDF steps are running at the same moment
    for thread in threads:
        thread.join(timeout=30)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (S.DONE, S.DONE)
    assert sorted(pdf_calls) == sorted([first.pk, second.pk])  # the third thread found nothing to do
    assert first.pdf.name != second.pdf.name
    assert read(first.pdf.name) == f"%PDF-1.7 Bericht {first.pk}".encode()
    assert read(second.pdf.name) == f"%PDF-1.7 Bericht {second.pk}".encode()


# --- the PDF -------------------------------------------------------------------------------


def test_pdf_has_title_contents_sections_and_german_formats(district, aggregation, staff_text, ki_staff):
    report = build(district, by=ki_staff)
    pages = pdf_pages(read(report.pdf.name))
    text = "\n".join(pages)
    flat = " ".join(text.split())

    title = " ".join(pages[0].split())
    assert "Integrationskonzept – Kennzahlen und Handlungsempfehlungen 2026" in title
    assert "Kreis Unna" in title
    assert "Berichtsjahr 2026: 01.01.2026 – 31.12.2026" in title
    assert f"Bericht Nr. {report.pk}" in title
    assert "Stand der Zahlen: 28.11.2026 10:30 Uhr" in title  # Berlin time
    assert "Erstellt von Miriam Schäfer" in title
    # Table of contents with page numbers from WeasyPrint's target-counter.
    toc = " ".join(pages[1].split())
    assert toc.startswith("Inhalt")
    summary_page = next(
        i for i, page in enumerate(pages, start=1) if page.lstrip().startswith("Zusammenfassung")
    )
    assert re.search(rf"Zusammenfassung[ .]*{summary_page}\b", toc)
    for name in ("Sprache & Bildung", "Wohnen", "Lünen", "Unna", "KOMM-AN NRW"):
        assert name in toc
    # Page numbers on every page after the title.
    assert all(f"Seite {n} von {len(pages)}" in page for n, page in enumerate(pages, start=1) if n > 1)
    # German numbers: 1.234 participants, 5,0 offers per 10,000 in Unna, changes with sign.
    assert "Teilnehmende (gemeldet) 1.234 1.000 +234 +23,4 %" in flat
    assert "Unna 12 29 58.000 5,0" in flat
    assert "Lünen 10 13 86.000 1,5" in flat
    # The matrix marks the gap of Unna in Wohnen.
    assert "Wohnen 2 —" in flat
    # The staff's text in the section of its field of action.
    field_page = next(p for p in pages if "Ausgangslage" in p and "Sprache & Bildung" in p)
    assert STAFF_SITUATION in " ".join(field_page.split())
    assert STAFF_RECOMMENDATION in flat
    assert "Sprachpatenschaften Unna Unna läuft Caritas Unna" in flat
    assert "Noch kein Text hinterlegt." in flat  # Wohnen has no text yet
    # One page per municipality.
    municipality_pages = [p for p in pages if re.search(r"(Lünen|Unna): Kennzahlen 2026", p)]
    assert len(municipality_pages) == 2
    assert "AGS 05978024 · 86.000 Einwohner*innen (amtliche Statistik, Stand 2023, Quelle: IT.NRW)" in flat
    assert "Zielgruppen ohne Angebot: Frauen" in flat
    # KOMM-AN and the note on data sources.
    assert "KOMM-AN NRW: Qualifizierung von Ehrenamtlichen" in flat
    assert "Neuzugewanderte, die selbst Ehrenamtliche geworden sind 9" in flat
    assert "Anwesenheitsquote 87,5 %" in flat
    assert "Unterrichtseinheiten (à 45 Minuten) 32,0" in flat
    assert "Datenquellen und Hinweise" in flat
    assert "Sprachcafé im Nordstadtzentrum Lünen 20.11.2026" in flat
    assert "Kommunen ohne Meldung im laufenden Quartal: Unna" in flat


def test_pdf_shows_charts_as_inline_svg_next_to_tables(district, aggregation):
    report = build(district)
    figures = report.figures
    charts = report_pdf.render_charts(figures)
    assert set(charts) == {
        "events",
        "offers-per-10k",
        "field-sprache-bildung",
        "field-wohnen",
        "komm-an",
    }
    assert all(svg.startswith("<svg") for svg in charts.values())
    html = report_pdf.render_to_string(
        "overview/pdf/report.html", report_pdf.report_context(report=report, figures=figures, charts=charts)
    )
    assert html.count("<svg") == len(charts)
    assert "<?xml" not in html
    assert "Zahlen zu den Diagrammen: Angebote je Kommune" in html


def test_number_and_date_helpers_format_the_german_way():
    assert report_pdf.number(1234) == "1.234"
    assert report_pdf.number(5, 1) == "5,0"
    assert report_pdf.number(None) == "–"
    assert report_pdf.signed(-3) == "−3"
    assert report_pdf.signed(0.04, 1) == "±0,0"
    assert report_pdf.percent_change(0, 5) == "–"
    assert report_pdf.short_date("2026-11-28") == "28.11.2026"
    assert report_pdf.short_datetime("2026-07-01T08:00:00+00:00") == "01.07.2026 10:00"


# --- the XLSX ------------------------------------------------------------------------------


def test_xlsx_has_one_sheet_per_table_with_frozen_headers_and_number_formats(
    district, aggregation, staff_text
):
    report = build(district)
    workbook = read_workbook(read(report.xlsx.name))

    assert workbook.sheetnames == [
        "Kreis",
        "Kommunen",
        "Matrix",
        "Veranstaltungen je Feld",
        "Lücken",
        "Maßnahmen",
        "KOMM-AN",
        "KOMM-AN Programme",
        "Initiativen und Einsatzstellen",
        "Mittel je Maßnahmenbereich",
        "Mittel je Kommune",
        "Texte",
        "Datenqualität",
        "Quellen",
    ]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet["A1"].font.bold, sheet.title
    district_sheet = workbook["Kreis"]
    assert [c.value for c in district_sheet[1]] == ["Kennzahl", "2026", "2025", "Veränderung"]
    participants = next(
        row for row in district_sheet.iter_rows(min_row=2) if row[0].value == "Teilnehmende (gemeldet)"
    )
    assert [c.value for c in participants] == ["Teilnehmende (gemeldet)", 1234, 1000, 234]
    assert participants[1].number_format == "#,##0"
    municipalities = {row[0].value: row for row in workbook["Kommunen"].iter_rows(min_row=2)}
    assert municipalities["Unna"][11].value == 5.0
    assert municipalities["Unna"][11].number_format == "#,##0.0"
    assert municipalities["Lünen"][2].value == 86000
    matrix = [[c.value for c in row] for row in workbook["Matrix"].iter_rows(min_row=2)]
    assert ["Unna", "Wohnen", 0, 0, 0, 0, 0, "ja"] in matrix
    assert ["Unna", "Sprache & Bildung", 12, 40, 17, 1000, 10, "nein"] in matrix
    texts = {row[0].value: [c.value for c in row] for row in workbook["Texte"].iter_rows(min_row=2)}
    assert texts["Sprache & Bildung"][1] == STAFF_SITUATION
    assert texts["Sprache & Bildung"][3] == STAFF_RECOMMENDATION
    quality = workbook["Datenqualität"]
    assert quality["A2"].value == "Sprachcafé im Nordstadtzentrum"
    assert quality["C2"].value.date().isoformat() == "2026-11-20"


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def done_report(district, reference, ki_staff):
    """A finished snapshot, stored directly (the pages are tested here, not the build)."""
    return make_done_report(district, by=ki_staff)


def test_list_post_requests_a_report_and_redirects_to_its_page(
    client, ki_staff, district, aggregation, django_capture_on_commit_callbacks
):
    client.force_login(ki_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("overview:reports"), {"year": "2026"})
    report = ConceptReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("overview:report_detail", kwargs={"pk": report.pk})
    assert (report.created_by, report.year, report.district) == (ki_staff, 2026, district)
    assert report.state == S.DONE


def test_list_rejects_an_impossible_year(client, ki_staff, district):
    client.force_login(ki_staff)
    response = client.post(reverse("overview:reports"), {"year": "1850"})
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Angaben" in response.content.decode()
    assert not ConceptReport.objects.exists()


def test_list_shows_every_snapshot_and_clears_stale_ones(client, ki_staff, district, done_report, settings):
    dead = make_report(
        district, state=S.RUNNING, started_minutes_ago=settings.OVERVIEW_REPORT_STALE_MINUTES + 1
    )
    client.force_login(ki_staff)
    response = client.get(reverse("overview:reports"))
    page = response.content.decode()
    dead.refresh_from_db()
    assert dead.state == S.FAILED
    assert [report.pk for report in response.context["reports"]] == [dead.pk, done_report.pk]
    assert page.count(reverse("overview:report_detail", kwargs={"pk": dead.pk})) == 1
    assert reverse("overview:report_file", kwargs={"pk": done_report.pk, "fmt": "pdf"}) in page


def test_list_query_count_does_not_grow_with_the_reports(
    client, ki_staff, district, django_assert_max_num_queries
):
    for _ in range(15):
        make_report(district, state=S.QUEUED)
    client.force_login(ki_staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("overview:reports"))
    assert response.status_code == 200
    assert len(response.context["reports"]) == 15


def test_detail_of_a_running_report_shows_progress_with_live_region_and_external_script(
    client, ki_staff, district
):
    running = make_report(district, state=S.RUNNING, started_minutes_ago=1)
    ConceptReport.objects.filter(pk=running.pk).update(progress=45)
    client.force_login(ki_staff)
    page = client.get(reverse("overview:report_detail", kwargs={"pk": running.pk})).content.decode()
    assert re.search(r'<progress id="report-progress"[^>]*max="100" value="45"', page)
    assert '<label for="report-progress"' in page
    assert 'aria-live="polite"' in page
    assert "PDF setzen" in page
    assert "/static/js/report_progress.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline scripts"
    assert "Aktualisieren" in page


def test_detail_of_a_done_report_links_the_files_and_loads_no_script(client, ki_staff, done_report):
    client.force_login(ki_staff)
    page = client.get(reverse("overview:report_detail", kwargs={"pk": done_report.pk})).content.decode()
    assert "report_progress.js" not in page
    assert reverse("overview:report_file", kwargs={"pk": done_report.pk, "fmt": "pdf"}) in page
    assert "1.234" in page  # the snapshot's figures, German formatting


def test_status_json_tells_state_progress_step_and_file_links(client, ki_staff, district, done_report):
    running = make_report(district, state=S.RUNNING, started_minutes_ago=1)
    client.force_login(ki_staff)
    status = client.get(reverse("overview:report_status", kwargs={"pk": running.pk}))
    assert status["Cache-Control"] == "no-store"
    assert status.json() == {
        "state": "running",
        "state_label": "wird erstellt",
        "progress": 0,
        "step": "PDF setzen",
        "error": "",
        "pdf_url": None,
        "xlsx_url": None,
    }
    done = client.get(reverse("overview:report_status", kwargs={"pk": done_report.pk})).json()
    assert (done["state"], done["progress"], done["step"]) == ("done", 100, "fertig")
    assert done["pdf_url"] == reverse("overview:report_file", kwargs={"pk": done_report.pk, "fmt": "pdf"})
    assert done["xlsx_url"] == reverse("overview:report_file", kwargs={"pk": done_report.pk, "fmt": "xlsx"})


def test_files_are_downloaded_from_the_storage_only_when_done(client, ki_staff, district, done_report):
    client.force_login(ki_staff)
    response = client.get(reverse("overview:report_file", kwargs={"pk": done_report.pk, "fmt": "pdf"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="konzeptbericht-kreis-unna-2026-{done_report.pk}.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    xlsx = client.get(reverse("overview:report_file", kwargs={"pk": done_report.pk, "fmt": "xlsx"}))
    assert xlsx.status_code == 200
    read_workbook(b"".join(xlsx.streaming_content))
    assert (
        client.get(reverse("overview:report_file", kwargs={"pk": done_report.pk, "fmt": "docx"})).status_code
        == 404
    )
    queued = make_report(district, state=S.QUEUED)
    assert (
        client.get(reverse("overview:report_file", kwargs={"pk": queued.pk, "fmt": "pdf"})).status_code == 404
    )


def test_retry_view_starts_a_new_attempt_only_for_failed_reports(
    client, ki_staff, district, done_report, aggregation, django_capture_on_commit_callbacks
):
    failed = make_report(district, state=S.FAILED)
    client.force_login(ki_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("overview:report_retry", kwargs={"pk": failed.pk}))
    attempt = ConceptReport.objects.latest("pk")
    assert response["Location"] == reverse("overview:report_detail", kwargs={"pk": attempt.pk})
    assert attempt.state == S.DONE and attempt.pk not in (failed.pk, done_report.pk)

    count = ConceptReport.objects.count()
    response = client.post(reverse("overview:report_retry", kwargs={"pk": done_report.pk}), follow=True)
    assert ConceptReport.objects.count() == count
    assert "Nur ein fehlgeschlagener Bericht kann erneut erstellt werden." in response.content.decode()


def test_compare_shows_two_snapshots_side_by_side(client, ki_staff, district, aggregation):
    first = build(district)
    aggregation.figures["district_totals"]["events"] = 30
    aggregation.figures["municipality_totals"]["unna"]["events"] = 20
    second = build(district)
    client.force_login(ki_staff)

    picker = client.get(reverse("overview:report_compare"))
    assert picker.status_code == 200
    response = client.get(reverse("overview:report_compare"), {"a": first.pk, "b": second.pk})

    assert response.status_code == 200
    district_rows = {row["label"]: row for row in response.context["comparison"]["district"]}
    assert (district_rows["Veranstaltungen"]["a"], district_rows["Veranstaltungen"]["b"]) == ("22", "30")
    assert district_rows["Veranstaltungen"]["change"] == "+8"
    unna = next(m for m in response.context["comparison"]["municipalities"] if m["name"] == "Unna")
    assert unna["rows"][0]["change"] == "+8"
    assert "Teilnehmende (gemeldet)" in response.content.decode()


def test_compare_refuses_unfinished_and_foreign_reports(client, ki_staff, district, done_report):
    queued = make_report(district, state=S.QUEUED)
    client.force_login(ki_staff)
    url = reverse("overview:report_compare")
    assert client.get(url, {"a": done_report.pk, "b": queued.pk}).status_code == 404
    assert client.get(url, {"a": done_report.pk, "b": "x"}).status_code == 404
    assert client.get(url, {"a": done_report.pk}).status_code == 400


def test_texts_are_written_per_field_of_action_and_year(client, ki_staff, district, reference):
    client.force_login(ki_staff)
    url = reverse("overview:texts", kwargs={"year": YEAR})
    page = client.get(url)
    assert page.status_code == 200
    assert [form.entry[0] for form in page.context["formset"]] == [reference["sprache"], reference["wohnen"]]
    data = {
        "texts-TOTAL_FORMS": "2",
        "texts-INITIAL_FORMS": "2",
        "texts-0-field_of_action": "sprache-bildung",
        "texts-0-situation": STAFF_SITUATION,
        "texts-0-goals": "",
        "texts-0-recommendations": STAFF_RECOMMENDATION,
        "texts-1-field_of_action": "wohnen",
        "texts-1-situation": "",
        "texts-1-goals": "",
        "texts-1-recommendations": "",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    [text] = FieldOfActionText.objects.all()
    assert (text.field_of_action, text.year, text.updated_by) == (reference["sprache"], YEAR, ki_staff)
    assert (text.situation, text.recommendations) == (STAFF_SITUATION, STAFF_RECOMMENDATION)
    assert STAFF_SITUATION in client.get(url).content.decode()
    # Another year has its own texts.
    assert FieldOfActionText.objects.filter(year=YEAR + 1).count() == 0


def test_texts_refuse_a_field_of_action_of_another_district(client, ki_staff, district, reference):
    other = DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    FieldOfAction.objects.create(district=other, name="Gesundheit", slug="gesundheit")
    client.force_login(ki_staff)
    data = {
        "texts-TOTAL_FORMS": "1",
        "texts-INITIAL_FORMS": "1",
        "texts-0-field_of_action": "gesundheit",
        "texts-0-situation": "fremd",
        "texts-0-goals": "",
        "texts-0-recommendations": "",
    }
    response = client.post(reverse("overview:texts", kwargs={"year": YEAR}), data)
    assert response.status_code == 200
    assert not FieldOfActionText.objects.exists()
    assert client.get(reverse("overview:texts", kwargs={"year": 1800})).status_code == 404


# --- permissions (the matrix: test_reports_permissions.py) ---------------------------------


def test_reports_of_another_district_cannot_be_named_compared_or_listed(client, done_report, district):
    """Opening one of this district's reports is a 404 for KI staff of another district (the permission
    matrix, ki_staff_other); naming the district, comparing its reports or listing them is too."""
    other = DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    MunicipalityFactory(district=other, name="Soest", ags="05974040")
    staff_soest = make_district_role(other, DistrictRole.Role.KI_STAFF, full_name="Ольга Петрова")
    client.force_login(staff_soest)
    url = report_url("overview:texts", done_report) + f"?district={district.slug}"
    assert client.get(url).status_code == 404
    compare = client.get(reverse("overview:report_compare"), {"a": done_report.pk, "b": done_report.pk})
    assert compare.status_code == 404
    assert list(client.get(reverse("overview:reports")).context["reports"]) == []


# --- tasks and schedule ---------------------------------------------------------------------


def test_nightly_task_rebuilds_the_dashboard_of_every_district(monkeypatch, district):
    import sys
    import types

    other = DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    calls = []
    module = types.ModuleType("overview.dashboard_service")
    module.rebuild_dashboard_figures = lambda *, district, year: calls.append((district.slug, year))
    monkeypatch.setitem(sys.modules, "overview.dashboard_service", module)

    assert tasks.rebuild_dashboards() == 2

    year = timezone.localdate().year
    assert sorted(calls) == sorted([(district.slug, year), (other.slug, year)])
    assert tasks.rebuild_dashboard(999_999, year) is False


def test_beat_schedule_runs_the_overview_tasks(settings):
    from kreisintegration.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["overview.mark_stale_reports"] == 10 * 60
    assert "overview.rebuild_dashboards" in schedule
    assert {
        "overview.mark_stale_reports",
        "overview.rebuild_dashboards",
        "overview.build_concept_report",
    } <= set(app.tasks)


def test_report_of_real_portal_data_uses_the_overview_aggregation(year2025, district, ki_staff):
    """The whole chain without stand-ins: overview.figures → charts → PDF and XLSX."""
    FieldOfActionText.objects.create(
        district=district,
        field_of_action=year2025.fields["arbeit"],
        year=2025,
        recommendations="Jobbörsen in allen Kommunen anbieten.",
    )
    report = build(district, by=ki_staff, year=2025)

    assert report.state == S.DONE, report.error
    figures = report.figures
    assert figures["version"] == 1 and figures["year"] == 2025
    flat = " ".join(" ".join(pdf_pages(read(report.pdf.name))).split())
    assert "Bönen" in flat and "Ausbildung & Arbeit" in flat
    assert "Jobbörsen in allen Kommunen anbieten." in flat
    workbook = read_workbook(read(report.xlsx.name))
    rows = {row[0].value: row for row in workbook["Kommunen"].iter_rows(min_row=2)}
    for municipality in figures["municipalities"]:
        totals = figures["municipality_totals"][municipality["slug"]]
        assert rows[municipality["name"]][5].value == totals["events"]
        assert rows[municipality["name"]][12].value == len(totals["target_groups_reached"])

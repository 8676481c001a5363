"""``manage.py build_overview``: a snapshot built synchronously, its file paths printed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from municipalities.tests.factories import DistrictFactory
from overview import report_pdf
from overview.models import ConceptReport

from .report_fixtures import pdf_pages, read_workbook

pytestmark = pytest.mark.usefixtures("media_root")

S = ConceptReport.State


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("build_overview", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_command_builds_a_snapshot_and_prints_the_paths_of_pdf_and_xlsx(aggregation, media_root, settings):
    settings.PORTAL_DISTRICT_SLUG = ""

    output = run("--year", "2026")

    report = ConceptReport.objects.get()
    assert (report.state, report.year, report.created_by) == (S.DONE, 2026, None)
    lines = output.splitlines()
    assert lines == [f"PDF: {media_root / report.pdf.name}", f"XLSX: {media_root / report.xlsx.name}"]
    pdf_path, xlsx_path = Path(lines[0].removeprefix("PDF: ")), Path(lines[1].removeprefix("XLSX: "))
    assert "Integrationskonzept – Kennzahlen und Handlungsempfehlungen 2026" in " ".join(
        pdf_pages(pdf_path.read_bytes())[0].split()
    )
    assert read_workbook(xlsx_path.read_bytes()).sheetnames[0] == "Kreis"
    assert aggregation.calls == [("kreis-unna", 2026)]


def test_command_needs_a_district_when_there_are_several(aggregation, settings):
    settings.PORTAL_DISTRICT_SLUG = ""
    DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    with pytest.raises(CommandError, match="bitte --district angeben \\(kreis-soest, kreis-unna\\)"):
        run("--year", "2026")
    assert not ConceptReport.objects.exists()

    output = run("--year", "2026", "--district", "kreis-unna")
    assert output.startswith("PDF: ")
    assert ConceptReport.objects.get().district.slug == "kreis-unna"


def test_command_uses_the_portal_district_by_default(aggregation, settings):
    DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    settings.PORTAL_DISTRICT_SLUG = "kreis-unna"
    run("--year", "2026")
    assert ConceptReport.objects.get().district.slug == "kreis-unna"


def test_command_refuses_unknown_district_and_impossible_year(aggregation):
    with pytest.raises(CommandError, match="Kein Kreis mit dem Kurznamen „kreis-nirgendwo“"):
        run("--year", "2026", "--district", "kreis-nirgendwo")
    with pytest.raises(CommandError, match="Jahr zwischen 2000 und 2100"):
        run("--year", "1850", "--district", "kreis-unna")
    assert not ConceptReport.objects.exists()


def test_command_fails_with_the_reports_message(aggregation, monkeypatch, caplog):
    def broken(**kwargs):
        raise OSError("Datenträger voll")

    monkeypatch.setattr(report_pdf, "render_report_pdf", broken)
    with pytest.raises(CommandError, match=r"fehlgeschlagen: .*Datenträger voll \(OSError\)"):
        run("--year", "2026", "--district", "kreis-unna")
    assert ConceptReport.objects.get().state == S.FAILED
    caplog.clear()  # the build logged the failure on purpose

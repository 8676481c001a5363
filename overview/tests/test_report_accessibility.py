"""The concept report, built from a real year in the database, is tagged PDF/UA-1."""

from __future__ import annotations

import io
import logging
import re
import subprocess

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kreisintegration.tests.pdf_checks import assert_accessible_pdf, struct_elements, struct_roles
from municipalities.tests.factories import GOOD_SVG
from overview import report_pdf
from overview.tests.report_fixtures import built_pdf, pdf_pages

pytestmark = pytest.mark.usefixtures("media_root")


def test_concept_report_pdf_is_tagged_pdf_ua_with_described_charts(year2025, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    content = built_pdf(year2025)
    # Each chart's SVG ids carry the chart's prefix: no anchor is defined twice.
    assert not [r for r in caplog.records if "Anchor defined twice" in r.getMessage()]
    caplog.clear()  # WeasyPrint's notes on unsupported CSS are not our errors

    assert_accessible_pdf(content, title="Konzeptbericht 2025 – Kreis Unna")
    roles = struct_roles(content)
    # Charts are figures with alternative text; tables keep their header cells.
    assert "/Figure" in roles and "/TH" in roles and "/Caption" in roles


def test_cover_page_names_district_title_year_and_status_and_shows_the_logo(year2025):
    district = year2025.district
    district.logo = SimpleUploadedFile("logo.svg", GOOD_SVG)
    district.logo_alt = "Wappen des Kreises Unna"
    district.full_clean()
    district.save()
    content = built_pdf(year2025)
    cover = " ".join(pdf_pages(content)[0].split())
    assert cover.startswith("Kreis Unna")
    assert "Integrationskonzept – Kennzahlen und Handlungsempfehlungen 2025" in cover
    assert "Berichtsjahr 2025" in cover
    assert re.search(r"Stand: \d\d\.\d\d\.\d{4}", cover)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        figures = [e for e in struct_elements(pdf) if str(e.S) == "/Figure"]
        assert str(figures[0].Alt) == "Wappen des Kreises Unna"
    assert_accessible_pdf(content, title="Konzeptbericht 2025 – Kreis Unna")


def test_no_chapter_introduction_stands_alone_on_a_page(year2025):
    pages = [" ".join(page.split()) for page in pdf_pages(built_pdf(year2025))]
    for introduction, first_section in (
        ("Für jedes Handlungsfeld: die Einschätzung", "Sprache & Bildung Ausgangslage"),
        ("Je Kommune eine Seite", "Bönen AGS 05978008"),
    ):
        page = next(p for p in pages if introduction in p)
        assert first_section in page, page[:400]


def test_no_text_runs_past_the_right_page_margin(year2025, tmp_path):
    """Read by poppler (``pdftotext -bbox``), as a viewer lays it out: every word ends inside the
    16 mm right margin (a header that may not wrap once pushed a table's last column off the page)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(built_pdf(year2025))
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True)
    margin = 16 / 25.4 * 72
    outside = []
    for number, page in enumerate(boxes.stdout.split("<page ")[1:], start=1):
        width = float(re.search(r'width="([0-9.]+)"', page).group(1))
        for x_max, word in re.findall(r'<word [^>]*xMax="([0-9.]+)"[^>]*>([^<]*)</word>', page):
            if float(x_max) > width - margin + 1:
                outside.append(f"page {number}: {word} ends at {float(x_max):.1f} of {width:.1f} pt")
    assert not outside, "\n".join(outside[:20])


def test_wide_matrix_is_split_into_balanced_parts_with_the_district_column_last():
    assert [len(g) for g in report_pdf.column_groups(list(range(10)))] == [5, 5]
    assert [len(g) for g in report_pdf.column_groups(list(range(17)))] == [6, 6, 5]
    assert [len(g) for g in report_pdf.column_groups(list(range(3)))] == [3]
    figures = {
        "municipalities": [{"slug": f"m{i}", "name": f"Kommune {i}"} for i in range(10)],
        "fields_of_action": [{"slug": "sprache", "name": "Sprache"}],
        "matrix": {f"m{i}": {"sprache": {"events": i, "measures": 1}} for i in range(10)},
        "municipality_totals": {f"m{i}": {"events": i, "measures": 1} for i in range(10)},
        "district_totals": {"events": 45, "measures": 10},
    }
    tables = report_pdf._matrix_tables(figures, gap_cells=set())
    assert [t["part"] for t in tables] == ["(Teil 1 von 2)", "(Teil 2 von 2)"] * 2
    first, second = tables[0], tables[1]
    assert first["names"] == [f"Kommune {i}" for i in range(5)] and not first["with_district"]
    assert second["names"] == [f"Kommune {i}" for i in range(5, 10)] and second["with_district"]
    assert second["rows"][0]["cells"] == ["5", "6", "7", "8", "9"] and second["rows"][0]["total"] == "45"

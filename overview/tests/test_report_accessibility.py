"""The concept report, built from a real year in the database, is tagged PDF/UA-1."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from kreisintegration.tests.pdf_checks import assert_accessible_pdf, struct_roles
from overview import services


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_concept_report_pdf_is_tagged_pdf_ua_with_described_charts(year2025):
    report = services.create_report(by=year2025.staff, district=year2025.district, year=2025)
    services.build_report(report_id=report.pk)
    report.refresh_from_db()
    assert report.state == report.State.DONE, report.error
    with default_storage.open(report.pdf.name, "rb") as handle:
        content = handle.read()

    assert_accessible_pdf(content, title="Konzeptbericht 2025 – Kreis Unna")
    roles = struct_roles(content)
    # Charts are figures with alternative text; tables keep their header cells.
    assert "/Figure" in roles and "/TH" in roles and "/Caption" in roles

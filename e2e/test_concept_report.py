"""The concept report in the browser: KI staff start a build, watch its progress, open the PDF.

A real Celery worker builds the report (see ``overview/tests/report_worker_main.py``); the page
follows the progress through ``static/js/report_progress.js`` without being reloaded.
"""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import axe_violations, login, save_screenshot
from overview.models import ConceptReport
from overview.tests.report_worker_support import control_dir, start_worker  # noqa: F401

pytestmark = pytest.mark.worker


def test_ki_staff_start_a_build_watch_progress_and_open_the_pdf(
    page,
    live_server,
    ki_staff,
    start_worker,  # noqa: F811 - the fixture imported above
    control_dir,  # noqa: F811
):
    (control_dir / "hold-pdf").touch()  # the PDF step waits, so the test sees the build halfway
    start_worker()
    login(page, live_server, ki_staff.email, PASSWORD)
    page.goto(f"{live_server.url}/konzeptbericht/")
    violations = axe_violations(page)

    page.get_by_label("Berichtsjahr").fill("2026")
    page.get_by_role("button", name="Bericht erstellen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Konzeptbericht 2026 – Kreis Unna")
    progress = page.get_by_role("progressbar", name=re.compile("Fortschritt"))
    live = page.get_by_role("status").filter(has_text="Status:")
    expect(progress).to_be_visible()
    # The worker reaches the held PDF step after counting and drawing the charts; on a busy
    # machine that takes far longer than Playwright's default five seconds.
    expect(live).to_contain_text("PDF setzen", timeout=180_000)
    expect(progress).to_have_attribute("value", "45")
    expect(page.get_by_text("Diese Seite zeigt den Fortschritt nicht von selbst an.")).to_be_hidden()
    violations += axe_violations(page)
    save_screenshot(page, "concept_report_running")

    (control_dir / "hold-pdf").unlink()

    pdf_link = page.get_by_role("link", name="PDF herunterladen")
    expect(pdf_link).to_be_visible(timeout=180_000)  # shown by the script, without a reload
    expect(live).to_contain_text("fertig")
    expect(progress).to_be_hidden()
    violations += axe_violations(page)
    save_screenshot(page, "concept_report_done")
    with page.expect_download() as download_info:
        pdf_link.click()
    download = download_info.value
    report = ConceptReport.objects.get()
    assert report.state == ConceptReport.State.DONE
    assert download.suggested_filename == f"konzeptbericht-kreis-unna-2026-{report.pk}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.goto(f"{live_server.url}/konzeptbericht/texte/2026/")
    expect(page.get_by_role("group", name="Sprache & Bildung")).to_be_visible()
    violations += axe_violations(page)
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_progress_report_shows_the_adopted_goal_with_its_chart_and_values(
    page,
    live_server,
    ki_staff,
    district,
    unna,
    luenen,
    start_worker,  # noqa: F811 - the fixture imported above
    control_dir,  # noqa: F811
):
    from municipalities.models import FieldOfAction
    from overview.tests.concept_helpers import GOAL, INDICATOR, make_concept, pdf_text

    reference = {"sprache": FieldOfAction.objects.get(district=district, slug="sprache-bildung")}
    make_concept(district, reference, unna, luenen)
    start_worker()
    login(page, live_server, ki_staff.email, PASSWORD)
    page.goto(f"{live_server.url}/konzeptbericht/")
    page.get_by_label("Berichtsjahr").fill("2026")
    page.get_by_label("Sachstandsbericht zum beschlossenen Konzept").check()
    violations = axe_violations(page)
    page.get_by_role("button", name="Bericht erstellen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sachstandsbericht 2026 – Kreis Unna")
    pdf_link = page.get_by_role("link", name="PDF herunterladen")
    expect(pdf_link).to_be_visible(timeout=90_000)
    violations += axe_violations(page)
    with page.expect_download() as download_info:
        pdf_link.click()
    with open(download_info.value.path(), "rb") as handle:
        text = pdf_text(handle.read())
    assert "Sachstand 2026" in text
    assert f"Ziel: {GOAL}" in text
    assert f"{INDICATOR} (%) im Kreis: Ausgangswert, Stand und Ziel" in text  # the chart's title
    assert "Unna 31 (2024) 27,5 (2026) −7,5" in text
    assert "Lünen ja 1 (1) Widerspruch" in text
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)

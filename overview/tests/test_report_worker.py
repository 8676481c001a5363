"""Concept reports built by a real Celery worker on the real Redis and the test database.

The worker is started by ``report_worker_main`` (see there): real task and service code, with
the figures from a file and a PDF step the test can hold or make fail.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.urls import reverse

from overview import services
from overview.models import ConceptReport

from .report_fixtures import YEAR, pdf_pages, read_workbook
from .report_worker_support import Worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

S = ConceptReport.State
TIMEOUT = 90


def wait_for(report_id: int, condition, worker: Worker, timeout: float = TIMEOUT) -> ConceptReport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = ConceptReport.objects.get(pk=report_id)
        if condition(report):
            return report
        time.sleep(0.1)
    report = ConceptReport.objects.get(pk=report_id)
    pytest.fail(
        f"report {report_id} stayed {report.state}/{report.step} ({report.error}); worker log:\n{worker.output()}"
    )


def in_pdf_step(report: ConceptReport) -> bool:
    return report.state == S.RUNNING and report.step == "pdf"


def test_worker_builds_the_report_while_the_page_shows_its_progress(
    start_worker, control_dir, district, ki_staff, client, media_root
):
    (control_dir / "hold-pdf").touch()
    worker = start_worker()
    client.force_login(ki_staff)

    report = services.request_report(by=ki_staff, district=district, year=YEAR)  # committed: task queued
    assert ConceptReport.objects.get(pk=report.pk).state in (S.QUEUED, S.RUNNING)

    running = wait_for(report.pk, in_pdf_step, worker)
    assert running.progress == 45
    assert running.figures["district_totals"]["participants"] == 1234  # stored before the files
    status = client.get(reverse("overview:report_status", kwargs={"pk": report.pk})).json()
    assert (status["state"], status["progress"], status["step"], status["pdf_url"]) == (
        "running",
        45,
        "PDF setzen",
        None,
    )

    (control_dir / "hold-pdf").unlink()
    done = wait_for(report.pk, lambda r: r.state == S.DONE, worker)

    assert (done.progress, done.step, done.error) == (100, "done", "")
    assert (media_root / done.pdf.name).exists() and (media_root / done.xlsx.name).exists()
    text = " ".join(" ".join(pdf_pages((media_root / done.pdf.name).read_bytes())).split())
    assert "Kreis Unna" in text and "Lünen" in text and "Sprache & Bildung" in text
    assert (
        "Sprache & Bildung" in read_workbook((media_root / done.xlsx.name).read_bytes())["Matrix"]["B2"].value
    )
    status = client.get(reverse("overview:report_status", kwargs={"pk": report.pk})).json()
    assert status["state"] == "done" and status["pdf_url"].endswith("/bericht.pdf")
    download = client.get(status["pdf_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_failure_in_the_worker_is_shown_keeps_the_earlier_snapshot_and_can_be_retried(
    start_worker, control_dir, district, ki_staff
):
    worker = start_worker()
    earlier = services.request_report(by=ki_staff, district=district, year=YEAR)
    earlier = wait_for(earlier.pk, lambda r: r.state == S.DONE, worker)

    (control_dir / "fail-pdf").touch()
    broken = services.request_report(by=ki_staff, district=district, year=YEAR)
    failed = wait_for(broken.pk, lambda r: r.state == S.FAILED, worker)

    assert "„PDF setzen“ ist fehlgeschlagen: Testfehler im PDF-Schritt (RuntimeError)" in failed.error
    assert not failed.pdf and not failed.xlsx
    after = ConceptReport.objects.get(pk=earlier.pk)
    assert (after.state, after.pdf.name, after.figures, after.finished_at) == (
        S.DONE,
        earlier.pdf.name,
        earlier.figures,
        earlier.finished_at,
    )

    (control_dir / "fail-pdf").unlink()
    attempt = services.retry_report(by=ki_staff, report=failed)
    assert wait_for(attempt.pk, lambda r: r.state == S.DONE, worker).pdf
    assert ConceptReport.objects.get(pk=failed.pk).state == S.FAILED


def test_build_of_a_killed_worker_does_not_stay_running(start_worker, control_dir, district, ki_staff):
    (control_dir / "hold-pdf").touch()
    worker = start_worker()
    report = services.request_report(by=ki_staff, district=district, year=YEAR)
    wait_for(report.pk, in_pdf_step, worker)

    worker.kill()

    assert ConceptReport.objects.get(pk=report.pk).state == S.RUNNING  # nobody is left to say otherwise
    assert services.mark_stale_reports(older_than=timedelta(0)) == 1  # what beat does every 10 minutes
    failed = ConceptReport.objects.get(pk=report.pk)
    assert failed.state == S.FAILED
    assert failed.error.startswith("Abgebrochen (Worker beendet?)")


def test_task_of_a_killed_worker_is_delivered_again_and_the_build_restarted(
    start_worker, control_dir, district, ki_staff, media_root
):
    """acks_late: the task of a worker killed mid-build goes to the next worker, which takes over."""
    (control_dir / "hold-pdf").touch()
    first = start_worker("a")
    report = services.request_report(by=ki_staff, district=district, year=YEAR)
    claimed = wait_for(report.pk, in_pdf_step, first)
    first.kill()
    (control_dir / "hold-pdf").unlink()

    # The broker hands unacknowledged tasks on after the visibility timeout (shortened here); the
    # build counts as dead at once (stale after 0 minutes), so the second worker takes it over.
    second = start_worker(
        "b",
        OVERVIEW_TEST_VISIBILITY_TIMEOUT="1",
        OVERVIEW_REPORT_STALE_MINUTES="0",
    )
    done = wait_for(report.pk, lambda r: r.state == S.DONE, second)

    assert done.started_at > claimed.started_at
    assert "taking over a build that stopped at pdf" in second.output()
    folder = media_root / f"concept-reports/{district.slug}/{YEAR}"
    assert sorted(path.suffix for path in folder.iterdir()) == [".pdf", ".xlsx"]

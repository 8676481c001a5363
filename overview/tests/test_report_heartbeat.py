"""A build whose worker died is noticed by its missing heartbeat, within minutes, not at 40."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from overview import report_pdf, services, tasks
from overview.models import ConceptReport

from .report_fixtures import build, make_report

pytestmark = pytest.mark.usefixtures("media_root")

S = ConceptReport.State


def running_report(district, *, started_minutes_ago: int, heartbeat_minutes_ago: int) -> ConceptReport:
    report = make_report(district, state=S.RUNNING, started_minutes_ago=started_minutes_ago)
    ConceptReport.objects.filter(pk=report.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=heartbeat_minutes_ago)
    )
    report.refresh_from_db()
    return report


def test_a_build_without_a_heartbeat_for_the_limit_is_failed_a_recent_one_is_not(district, settings):
    settings.OVERVIEW_REPORT_STALE_MINUTES = 3
    # Both started long ago (a slow build); only the heartbeat tells the dead one apart.
    alive = running_report(district, started_minutes_ago=20, heartbeat_minutes_ago=1)
    dead = running_report(district, started_minutes_ago=20, heartbeat_minutes_ago=4)

    assert tasks.mark_stale_reports() == 1

    alive.refresh_from_db()
    dead.refresh_from_db()
    assert alive.state == S.RUNNING
    assert dead.state == S.FAILED
    assert dead.finished_at is not None
    assert "seit mehr als 3 Minuten kein Lebenszeichen" in dead.error


def test_detail_page_and_status_show_a_silent_build_as_failed_with_a_retry(
    client, ki_staff, district, settings
):
    settings.OVERVIEW_REPORT_STALE_MINUTES = 3
    dead = running_report(district, started_minutes_ago=10, heartbeat_minutes_ago=5)
    client.force_login(ki_staff)

    status = client.get(reverse("overview:report_status", kwargs={"pk": dead.pk})).json()
    assert status["state"] == S.FAILED
    assert "kein Lebenszeichen" in status["error"]

    page = client.get(reverse("overview:report_detail", kwargs={"pk": dead.pk})).content.decode()
    assert reverse("overview:report_retry", kwargs={"pk": dead.pk}) in page

    response = client.post(reverse("overview:report_retry", kwargs={"pk": dead.pk}))
    attempt = ConceptReport.objects.exclude(pk=dead.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("overview:report_detail", kwargs={"pk": attempt.pk})


def test_a_running_report_with_a_fresh_heartbeat_stays_running_on_its_page(
    client, ki_staff, district, settings
):
    settings.OVERVIEW_REPORT_STALE_MINUTES = 3
    busy = running_report(district, started_minutes_ago=10, heartbeat_minutes_ago=0)
    client.force_login(ki_staff)
    status = client.get(reverse("overview:report_status", kwargs={"pk": busy.pk})).json()
    assert status["state"] == S.RUNNING
    busy.refresh_from_db()
    assert busy.state == S.RUNNING


def test_the_build_touches_its_heartbeat_at_every_step(district, aggregation, monkeypatch):
    seen = {}
    render = report_pdf.render_report_pdf

    def watched_pdf(*, report, **kwargs):
        seen["pdf"] = ConceptReport.objects.values("step", "started_at", "heartbeat_at").get(pk=report.pk)
        return render(report=report, **kwargs)

    monkeypatch.setattr(report_pdf, "render_report_pdf", watched_pdf)
    report = build(district)

    assert report.state == S.DONE
    assert seen["pdf"]["step"] == "pdf"
    # Advancing to the PDF step was a sign of life after the claim, and finishing another one.
    assert seen["pdf"]["heartbeat_at"] > seen["pdf"]["started_at"]
    assert report.heartbeat_at >= seen["pdf"]["heartbeat_at"]


def test_the_report_task_is_redelivered_when_its_worker_is_lost():
    assert tasks.build_concept_report.acks_late is True
    assert tasks.build_concept_report.reject_on_worker_lost is True


def test_stale_message_uses_plural_forms():
    assert "seit mehr als 1 Minute kein" in services.stale_message(minutes=1)
    assert "seit mehr als 5 Minuten kein" in services.stale_message(minutes=5)
    with translation.override("en"):
        assert "for more than 1 minute. " in services.stale_message(minutes=1)
        assert "for more than 5 minutes. " in services.stale_message(minutes=5)


def test_a_redelivered_build_waits_until_the_running_one_counts_as_dead(district, settings):
    """A worker died mid-build; its task comes back early: it waits for the heartbeat to go stale."""
    settings.OVERVIEW_REPORT_STALE_MINUTES = 3
    alive = running_report(district, started_minutes_ago=2, heartbeat_minutes_ago=1)
    dead = running_report(district, started_minutes_ago=20, heartbeat_minutes_ago=4)
    queued = make_report(district, state=S.QUEUED)

    assert 115 <= services.seconds_until_takeover(alive) <= 122
    assert services.seconds_until_takeover(dead) == 1.0
    assert services.seconds_until_takeover(queued) is None


def test_the_report_task_waits_in_hops_shorter_than_the_visibility_timeout(settings):
    """The waiting message is held by a worker: each hop ends before Redis would redeliver it."""
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] >= 10
    assert tasks.build_concept_report.max_retries >= 20

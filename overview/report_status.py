"""The progress of a concept report build as its page shows it: the steps, the stale check (a build
whose worker died ends as failed) and the payload the progress page polls."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from municipalities.models import District

from .models import ConceptReport

logger = logging.getLogger("overview.services")

S = ConceptReport.State


# A report the queue never delivered (broker lost the message) is given up after this long.
QUEUED_MAX_AGE = timedelta(hours=24)


# step key → (progress when the step starts, what the page shows)
STEPS: dict[str, tuple[int, Any]] = {
    "queued": (0, gettext_lazy("wartet auf einen freien Hintergrundprozess")),
    "figures": (5, gettext_lazy("Kennzahlen zusammenstellen")),
    "charts": (30, gettext_lazy("Diagramme zeichnen")),
    "pdf": (45, gettext_lazy("PDF setzen")),
    "xlsx": (85, gettext_lazy("Excel-Arbeitsmappe schreiben")),
    "done": (100, gettext_lazy("fertig")),
}


def step_label(step: str) -> str:
    """The current step in the reader's language ("" before anything happened)."""
    if not step:
        return str(STEPS["queued"][1])
    return str(STEPS[step][1]) if step in STEPS else step


def stale_after() -> timedelta:
    return timedelta(minutes=settings.OVERVIEW_REPORT_STALE_MINUTES)


# --- stale builds -----------------------------------------------------------------------


def _silent_running(reports: QuerySet[ConceptReport], *, since: datetime) -> QuerySet[ConceptReport]:
    """Running builds without a sign of life since ``since`` (reports from before heartbeats: their start)."""
    return (
        reports.filter(state=S.RUNNING)
        .annotate(last_sign_of_life=Coalesce("heartbeat_at", "started_at"))
        .filter(last_sign_of_life__lt=since)
    )


def stale_message(*, minutes: int) -> str:
    return ngettext(
        "Abgebrochen (Worker beendet?): Der Bericht hat seit mehr als %(minutes)s Minute kein "
        "Lebenszeichen gegeben. Bitte starten Sie die Erstellung erneut.",
        "Abgebrochen (Worker beendet?): Der Bericht hat seit mehr als %(minutes)s Minuten kein "
        "Lebenszeichen gegeben. Bitte starten Sie die Erstellung erneut.",
        minutes,
    ) % {"minutes": minutes}


def mark_stale_reports(
    *, older_than: timedelta | None = None, districts: Iterable[District | int] | QuerySet | None = None
) -> int:
    """Builds whose worker died end as failed instead of running forever; returns how many.

    A running build touches ``heartbeat_at`` at every step; none for ``older_than``
    (default ``OVERVIEW_REPORT_STALE_MINUTES``) means the worker is gone. Queued for a day
    means the broker lost the task.
    """
    now = timezone.now()
    older_than = stale_after() if older_than is None else older_than
    reports = ConceptReport.objects.all()
    if districts is not None:
        reports = reports.filter(district__in=districts)
    silent = _silent_running(reports, since=now - older_than).values("pk")
    with translation.override(settings.LANGUAGE_CODE):
        running = ConceptReport.objects.filter(pk__in=silent, state=S.RUNNING).update(
            state=S.FAILED,
            finished_at=now,
            error=stale_message(minutes=int(older_than.total_seconds() // 60)),
        )
        queued = reports.filter(state=S.QUEUED, created_at__lt=now - QUEUED_MAX_AGE).update(
            state=S.FAILED,
            finished_at=now,
            error=_(
                "Nicht gestartet: Kein Hintergrundprozess hat den Auftrag angenommen. Bitte erneut starten."
            ),
        )
    if running or queued:
        logger.warning("Marked %s running and %s queued concept reports as failed", running, queued)
    return running + queued


def report_with_stale_state(*, report: ConceptReport) -> ConceptReport:
    """The report as its page should show it: a silent running build is failed (and can be retried)."""
    if report.state != S.RUNNING:
        return report
    if mark_stale_reports(districts=[report.district_id]):
        report.refresh_from_db()
    return report


def status_payload(report: ConceptReport) -> dict[str, Any]:
    """What the progress page polls (``state``, ``progress``, ``step``, ``error`` and the file links)."""
    done = report.state == S.DONE
    return {
        "state": report.state,
        "state_label": report.get_state_display(),
        "progress": report.progress,
        "step": step_label(report.step),
        "error": report.error if report.state == S.FAILED else "",
        "pdf_url": reverse("overview:report_file", kwargs={"pk": report.pk, "fmt": "pdf"})
        if done and report.pdf
        else None,
        "xlsx_url": reverse("overview:report_file", kwargs={"pk": report.pk, "fmt": "xlsx"})
        if done and report.xlsx
        else None,
    }

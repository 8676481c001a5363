"""Concept report snapshots and the KI's own texts per field of action.

A snapshot is built outside the request by a Celery worker (``tasks.build_concept_report``):

    queued → running (figures → charts → PDF → XLSX) → done
                    ↘ failed (readable message; a retry is a new snapshot)

Every write of a build is conditional on the claim it took at the start
(``state = running AND started_at = <its own start>``). A build whose claim was
lost — the stale check marked it failed, or a redelivered task took a dead
build over — stops without writing anything, so two executions can never mix
their files or numbers, and a done snapshot is never written again.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from kombu.exceptions import OperationalError

from accounts.models import User
from municipalities.models import District, FieldOfAction
from municipalities.permissions import is_ki_staff

from . import texts
from .figures import FIGURES_VERSION
from .models import ConceptReport, FieldOfActionText

logger = logging.getLogger(__name__)

S = ConceptReport.State
MIN_YEAR, MAX_YEAR = 2000, 2100
# A report the queue never delivered (broker lost the message) is given up after this long.
QUEUED_MAX_AGE = timedelta(hours=24)
TEXT_FIELDS = ("situation", "goals", "recommendations")

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


def report_title(*, district: District, year: int, kind: str = ConceptReport.Kind.OVERVIEW) -> str:
    if kind == ConceptReport.Kind.PROGRESS:
        return _("Sachstandsbericht %(year)s – %(district)s") % {"year": year, "district": district.name}
    return _("Konzeptbericht %(year)s – %(district)s") % {"year": year, "district": district.name}


# --- the aggregation of the other half of the app, imported lazily ---------------------------


def compute_report_figures(*, district: District, year: int) -> dict:
    """Every number of the report (``overview.figures``, schema version 1)."""
    from .figures import compute_figures

    return compute_figures(district=district, year=year)


def rebuild_dashboard(*, district_id: int, year: int) -> bool:
    """Recompute one district's dashboard figures; False if the district is gone."""
    from .dashboard_service import rebuild_dashboard_figures

    district = District.objects.filter(pk=district_id).first()
    if district is None:
        return False
    rebuild_dashboard_figures(district=district, year=year)
    return True


# --- requesting a snapshot --------------------------------------------------------------


def _validate_year(year: int) -> None:
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ValidationError(
            _("Bitte ein Jahr zwischen %(min)s und %(max)s angeben.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )


def _validate_kind(*, district: District, year: int, kind: str) -> None:
    if kind not in ConceptReport.Kind.values:
        raise ValidationError(_("Diese Art von Bericht gibt es nicht."))
    if kind != ConceptReport.Kind.PROGRESS:
        return
    from .concept_figures import version_for_report

    if version_for_report(district=district, year=year, progress=True) is None:
        raise ValidationError(
            {
                "kind": _(
                    "Ein Sachstandsbericht braucht ein beschlossenes Integrationskonzept, dessen Laufzeit "
                    "das Jahr %(year)s umfasst."
                )
                % {"year": year}
            }
        )


def create_report(
    *, by: User | None, district: District, year: int, kind: str = ConceptReport.Kind.OVERVIEW
) -> ConceptReport:
    """A new queued snapshot row; nothing is built yet (see ``request_report``)."""
    _validate_year(year)
    _validate_kind(district=district, year=year, kind=kind)
    return ConceptReport.objects.create(
        district=district,
        year=year,
        kind=kind,
        title=report_title(district=district, year=year, kind=kind),
        created_by=by,
        step="queued",
    )


def request_report(
    *, by: User, district: District, year: int, kind: str = ConceptReport.Kind.OVERVIEW
) -> ConceptReport:
    """KI staff ask for a new snapshot; a worker builds it once the request's transaction commits.

    Each request is its own row: two builds of the same year run side by side without
    touching each other's numbers or files.
    """
    if not is_ki_staff(by, district):
        raise PermissionDenied
    with transaction.atomic():
        report = create_report(by=by, district=district, year=year, kind=kind)
        transaction.on_commit(partial(_enqueue_build, report.pk))
    return report


def retry_report(*, by: User, report: ConceptReport) -> ConceptReport:
    """A failed snapshot is never resurrected: the retry is a new attempt for the same year."""
    if not is_ki_staff(by, report.district):
        raise PermissionDenied
    with transaction.atomic():
        failed = (
            ConceptReport.objects.select_for_update(of=("self",)).select_related("district").get(pk=report.pk)
        )
        if failed.state != S.FAILED:
            raise ValidationError(_("Nur ein fehlgeschlagener Bericht kann erneut erstellt werden."))
        return request_report(by=by, district=failed.district, year=failed.year, kind=failed.kind)


def _enqueue_build(report_id: int) -> None:
    from .tasks import build_concept_report

    try:
        build_concept_report.delay(report_id)
    except (OperationalError, OSError) as exc:
        # Without a message in the queue the report would wait forever: say so right away.
        logger.exception("Could not enqueue concept report %s", report_id)
        ConceptReport.objects.filter(pk=report_id, state=S.QUEUED).update(
            state=S.FAILED,
            error=_(
                "Die Erstellung konnte nicht gestartet werden (Warteschlange nicht erreichbar: %(type)s)."
            )
            % {"type": type(exc).__name__},
            finished_at=timezone.now(),
        )


# --- building a snapshot ----------------------------------------------------------------


class _ClaimLost(Exception):
    """Another execution or the stale check owns the report now; stop without writing."""


@dataclass
class _Build:
    report_id: int
    claim: datetime
    step: str = "figures"
    stored_files: list[str] = field(default_factory=list)

    def _own_row(self) -> QuerySet[ConceptReport]:
        return ConceptReport.objects.filter(pk=self.report_id, state=S.RUNNING, started_at=self.claim)

    def advance(self, step: str, **fields: Any) -> None:
        fields["heartbeat_at"] = timezone.now()
        if not self._own_row().update(step=step, progress=STEPS[step][0], **fields):
            raise _ClaimLost
        self.step = step

    def store(self, name: str, content: bytes) -> str:
        stored = default_storage.save(name, ContentFile(content))
        self.stored_files.append(stored)
        return stored

    def finish(self, **fields: Any) -> None:
        now = timezone.now()
        done = self._own_row().update(
            state=S.DONE, step="done", progress=100, finished_at=now, heartbeat_at=now, error="", **fields
        )
        if not done:
            raise _ClaimLost

    def fail(self, message: str) -> bool:
        return bool(self._own_row().update(state=S.FAILED, error=message, finished_at=timezone.now()))

    def discard_files(self) -> None:
        for name in self.stored_files:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("Could not delete %s of concept report %s", name, self.report_id)


def _claim(report_id: int) -> tuple[ConceptReport, datetime] | None:
    """Take a queued report (or a dead running one) under its row lock; None if nothing to do.

    A done or failed report is left alone, so a task delivered twice builds once. A running
    report is only taken over once it is stale: its worker died and the broker redelivered
    the task (``acks_late``).
    """
    now = timezone.now()
    with transaction.atomic():
        report = (
            ConceptReport.objects.select_for_update(of=("self",))
            .select_related("district")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            return None
        last_sign_of_life = report.heartbeat_at or report.started_at
        dead = report.state == S.RUNNING and (
            last_sign_of_life is None or last_sign_of_life < now - stale_after()
        )
        if report.state != S.QUEUED and not dead:
            return None
        # Files the dead build stored before it died (named by its claim) would be left behind.
        orphans = (
            [_file_name(report, report.started_at, ext) for ext in ("pdf", "xlsx")]
            if dead and report.started_at
            else []
        )
        if dead:
            logger.warning(
                "Concept report %s: taking over a build that stopped at %s", report_id, report.step
            )
        report.state, report.started_at, report.heartbeat_at, report.finished_at = S.RUNNING, now, now, None
        report.step, report.progress, report.error = "figures", STEPS["figures"][0], ""
        report.figures, report.pdf, report.xlsx = {}, "", ""
        report.save(
            update_fields=[
                "state",
                "started_at",
                "heartbeat_at",
                "finished_at",
                "step",
                "progress",
                "error",
                "figures",
                "pdf",
                "xlsx",
            ]
        )
    for name in orphans:
        with contextlib.suppress(OSError):
            default_storage.delete(name)
    return report, now


def seconds_until_takeover(report: ConceptReport) -> float | None:
    """For a build running elsewhere: seconds until it counts as dead and may be taken over.

    None when the report is not running (done, failed or queued): nothing to wait for.
    """
    if report.state != S.RUNNING:
        return None
    last_sign_of_life = report.heartbeat_at or report.started_at
    if last_sign_of_life is None:
        return 0.0
    return max(0.0, (last_sign_of_life + stale_after() - timezone.now()).total_seconds()) + 1.0


def build_report(*, report_id: int) -> ConceptReport | None:
    """Build one snapshot: figures → charts → PDF → XLSX → done; safe to run twice.

    Figures are stored first and the files are made from exactly what was stored, so
    a done snapshot shows the numbers of the moment it was built, whatever changes later.
    A step that raises ends the report as failed with a readable message; earlier
    snapshots are separate rows with their own files and stay as they are.
    """
    from . import report_pdf, report_xlsx

    claimed = _claim(report_id)
    if claimed is None:
        return ConceptReport.objects.filter(pk=report_id).first()
    report, claim = claimed
    build = _Build(report_id=report.pk, claim=claim)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            figures = snapshot_figures(district=report.district, year=report.year, kind=report.kind)
            build.advance("charts", figures=figures)
            charts = report_pdf.render_charts(figures)
            build.advance("pdf")
            pdf = report_pdf.render_report_pdf(report=report, figures=figures, charts=charts)
            pdf_name = build.store(_file_name(report, claim, "pdf"), pdf)
            build.advance("xlsx", pdf=pdf_name)
            xlsx = report_xlsx.render_report_xlsx(report=report, figures=figures)
            xlsx_name = build.store(_file_name(report, claim, "xlsx"), xlsx)
            build.finish(xlsx=xlsx_name)
    except _ClaimLost:
        build.discard_files()
        logger.warning("Concept report %s: build of %s stopped, the report was taken over", report_id, claim)
    except Exception as exc:
        build.discard_files()
        with translation.override(settings.LANGUAGE_CODE):
            message = failure_message(build.step, exc)
        if build.fail(message):
            logger.exception("Concept report %s failed in step %s", report_id, build.step)
        else:
            logger.warning(
                "Concept report %s: step %s raised after the report was taken over", report_id, build.step
            )
    return ConceptReport.objects.filter(pk=report_id).first()


def failure_message(step: str, exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:500] or _("ohne nähere Angabe")
    return _(
        "Der Schritt „%(step)s“ ist fehlgeschlagen: %(detail)s (%(type)s). "
        "Frühere Berichte sind davon nicht betroffen; Sie können die Erstellung erneut starten."
    ) % {"step": step_label(step), "detail": detail, "type": type(exc).__name__}


def compute_concept_figures(*, district: District, year: int, kind: str) -> dict | None:
    """The Integrationskonzept's goals, values, measures and consultation (``overview.concept_figures``)."""
    from .concept_figures import concept_figures

    return concept_figures(district=district, year=year, progress=kind == ConceptReport.Kind.PROGRESS)


def snapshot_figures(*, district: District, year: int, kind: str = ConceptReport.Kind.OVERVIEW) -> dict:
    """The figures as they will be stored: plain JSON, with the KI's texts and the concept of the year."""
    figures = _plain_json(compute_report_figures(district=district, year=year))
    if figures.get("version") != FIGURES_VERSION:
        raise ValueError(
            _("Die Kennzahlen haben ein unbekanntes Format (Version %(version)s).")
            % {"version": figures.get("version")}
        )
    figures["concept_texts"] = field_texts_snapshot(district=district, year=year)
    figures["foreword"] = texts.foreword_of(district=district, year=year)
    figures["concept"] = _plain_json(
        {"concept": compute_concept_figures(district=district, year=year, kind=kind)}
    )["concept"]
    return figures


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _plain_json(figures: Mapping) -> dict:
    return json.loads(json.dumps(figures, default=_json_default))


def _file_name(report: ConceptReport, claim: datetime, extension: str) -> str:
    # The report id and the claim make the name unique per execution: builds never overwrite each other.
    return (
        f"concept-reports/{report.district.slug}/{report.year}/"
        f"konzeptbericht-{report.year}-{report.pk}-{claim:%Y%m%d%H%M%S%f}.{extension}"
    )


def download_name(report: ConceptReport, extension: str) -> str:
    return f"konzeptbericht-{report.district.slug}-{report.year}-{report.pk}.{extension}"


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


# --- comparing two snapshots ------------------------------------------------------------

COMPARED_TOTALS = ("events", "occurrences", "measures", "participants", "offers", "offers_per_10k")


def compare_reports(*, a: ConceptReport, b: ConceptReport) -> dict[str, Any]:
    """Two snapshots side by side: district totals and per municipality, with the change from a to b."""

    def change(first, second):
        if first is None or second is None:
            return None
        return second - first

    def totals_rows(first: Mapping, second: Mapping) -> list[dict]:
        return [
            {
                "key": key,
                "a": first.get(key),
                "b": second.get(key),
                "change": change(first.get(key), second.get(key)),
            }
            for key in COMPARED_TOTALS
        ]

    names: dict[str, str] = {}
    for snapshot in (a.figures, b.figures):
        for municipality in snapshot.get("municipalities", []):
            names.setdefault(municipality["slug"], municipality["name"])
    a_totals = a.figures.get("municipality_totals", {})
    b_totals = b.figures.get("municipality_totals", {})
    municipalities = [
        {
            "slug": slug,
            "name": name,
            "in_a": slug in a_totals,
            "in_b": slug in b_totals,
            "rows": totals_rows(a_totals.get(slug, {}), b_totals.get(slug, {})),
        }
        for slug, name in sorted(names.items(), key=lambda item: item[1])
    ]
    return {
        "district": totals_rows(a.figures.get("district_totals", {}), b.figures.get("district_totals", {})),
        "municipalities": municipalities,
        "goals": compare_goals(a.figures.get("concept"), b.figures.get("concept")),
    }


def compare_goals(a: Mapping | None, b: Mapping | None) -> list[dict[str, Any]]:
    """The concept's goals of two snapshots side by side: per goal and indicator, the district's
    latest value and status in A and in B (matched by goal title and indicator name)."""

    def targets(concept: Mapping | None) -> dict[tuple[str, str], Mapping]:
        if not concept:
            return {}
        return {
            (goal.get("title", ""), target.get("indicator", "")): {
                **target.get("district", {}),
                "target": [target.get("target_year"), target.get("target_value")]
                if target.get("target_year")
                else None,
                "unit": target.get("unit", ""),
            }
            for item in concept.get("fields", [])
            for goal in item.get("goals", [])
            for target in goal.get("targets", [])
        }

    first, second = targets(a), targets(b)
    keys = list(first) + [key for key in second if key not in first]
    return [
        {
            "goal": goal,
            "indicator": indicator,
            "unit": (second.get((goal, indicator)) or first[(goal, indicator)])["unit"],
            "a": first.get((goal, indicator)),
            "b": second.get((goal, indicator)),
        }
        for goal, indicator in keys
    ]


# --- the KI's texts per field of action --------------------------------------------------


def fields_with_texts(
    *, district: District, year: int
) -> list[tuple[FieldOfAction, FieldOfActionText | None]]:
    """The district's active fields of action (and retired ones that have a text), with the year's text."""
    texts = {
        text.field_of_action_id: text
        for text in FieldOfActionText.objects.filter(district=district, year=year).select_related(
            "updated_by"
        )
    }
    fields = FieldOfAction.objects.filter(district=district).order_by("position", "name")
    return [(item, texts.get(item.pk)) for item in fields if item.is_active or item.pk in texts]


def field_texts_snapshot(*, district: District, year: int) -> dict[str, dict[str, str]]:
    return {
        text.field_of_action.slug: {name: getattr(text, name) for name in TEXT_FIELDS}
        for text in FieldOfActionText.objects.filter(district=district, year=year).select_related(
            "field_of_action"
        )
    }


def save_field_texts(
    *, by: User, district: District, year: int, texts: Mapping[FieldOfAction, Mapping[str, str]]
) -> int:
    """Save the KI's situation, goals and recommendations per field of action; returns how many changed.

    Only fields of action of ``district`` are accepted. Empty texts create no row.
    """
    if not is_ki_staff(by, district):
        raise PermissionDenied
    _validate_year(year)
    if any(item.district_id != district.pk for item in texts):
        raise ValidationError(_("Ein Handlungsfeld gehört nicht zu diesem Kreis."))
    changed = 0
    with transaction.atomic():
        existing = {
            text.field_of_action_id: text
            for text in FieldOfActionText.objects.select_for_update().filter(
                district=district, year=year, field_of_action__in=list(texts)
            )
        }
        for item, values in texts.items():
            cleaned = {name: (values.get(name) or "").strip() for name in TEXT_FIELDS}
            current = existing.get(item.pk)
            if current is None and not any(cleaned.values()):
                continue
            if current is not None and all(getattr(current, name) == cleaned[name] for name in TEXT_FIELDS):
                continue
            FieldOfActionText.objects.update_or_create(
                district=district,
                field_of_action=item,
                year=year,
                defaults={**cleaned, "updated_by": by},
            )
            changed += 1
    return changed

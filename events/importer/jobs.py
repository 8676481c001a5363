"""Big imports run in the Celery worker: the upload is kept in the default storage, a thin task
(``events.tasks.run_event_import``) calls ``run_import``, and the progress page polls ``status_of``.

Small files (up to ``EVENTS_IMPORT_BACKGROUND_ROWS`` rows, default 100) are still imported while
the request waits. Either way the import itself is ``import_events``: all or nothing, with every
problem of every row.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities import permissions
from municipalities.models import Municipality

from ..models import EventImport
from . import reading
from .errors import ImportFileError, ImportValidationError, RowError
from .service import ImportResult, import_events

logger = logging.getLogger("events.importer")
DEFAULT_BACKGROUND_ROWS = 100
PROGRESS_SECONDS = 60 * 60


def background_rows() -> int:
    """Files with more rows than this are imported by the worker."""
    return getattr(settings, "EVENTS_IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS)


def _progress_key(pk: int) -> str:
    return f"events:import:{pk}:saved"


def start_import(*, by: User, municipality: Municipality, upload) -> ImportResult | EventImport:
    """Import a small file now (``ImportResult``) or hand a big one to the worker (``EventImport``).

    Raises what ``import_events`` raises for a small file; for any file ``ImportFileError`` when it
    cannot be read at all.
    """
    if not permissions.may_manage_municipality(by, municipality):
        raise PermissionDenied
    data = reading.read_upload(upload)
    table = reading.read_table(data)
    if len(table.rows) <= background_rows():
        return import_events(by=by, municipality=municipality, upload=ContentFile(data))
    job = EventImport(municipality=municipality, created_by=by, row_count=len(table.rows))
    job.file.save(f"{uuid.uuid4().hex}.upload", ContentFile(data), save=False)
    job.save()
    from ..tasks import run_event_import

    # The problems are stored as text: written in the language the uploader is using now.
    language = translation.get_language()
    transaction.on_commit(lambda: run_event_import.delay(job.pk, language))
    return job


def run_import(pk: int, language: str | None = None) -> None:
    """The worker's part: import the stored file, record the outcome, delete the file.

    Every message is written in ``language`` (the uploader's at the upload; for a task queued
    without one, their preferred language), as the import on the page would have shown it.
    """
    job = EventImport.objects.select_related("municipality", "created_by").filter(pk=pk).first()
    if job is None or job.finished:
        return
    language = language or (job.created_by.preferred_language if job.created_by else "")
    with translation.override(language or settings.LANGUAGE_CODE):
        _run(job)


def _run(job: EventImport) -> None:
    pk = job.pk
    EventImport.objects.filter(pk=pk).update(state=EventImport.State.RUNNING)
    fields = {"state": EventImport.State.FAILED}
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
        result = import_events(
            by=job.created_by,
            municipality=job.municipality,
            upload=ContentFile(data),
            progress=lambda saved, _total: cache.set(_progress_key(pk), saved, PROGRESS_SECONDS),
        )
    except ImportFileError as error:
        fields["file_error"] = error.message
    except ImportValidationError as error:
        fields["row_errors"] = [asdict(e) for e in error.errors]
        fields["row_count"] = error.row_count
    except PermissionDenied:
        fields["file_error"] = _("Sie dürfen für diese Kommune keine Veranstaltungen mehr anlegen.")
    except FileNotFoundError:
        fields["file_error"] = _(
            "Die hochgeladene Datei ist nicht mehr vorhanden. Bitte laden Sie sie noch einmal hoch."
        )
    else:
        fields = {"state": EventImport.State.DONE, "created_count": result.count, "encoding": result.encoding}
    finally:
        if job.file:
            job.file.delete(save=False)
        cache.delete(_progress_key(pk))
    EventImport.objects.filter(pk=pk).update(file="", finished_at=timezone.now(), **fields)
    logger.info("background event import %s: %s", pk, fields["state"])


def imports_of(user: User):
    """The imports a user may follow: only their own (anyone else's is a 404)."""
    return EventImport.objects.filter(created_by=user).select_related("municipality")


def status_of(job: EventImport) -> dict:
    """What the progress page shows and its JSON endpoint answers."""
    saved = job.created_count if job.state == EventImport.State.DONE else 0
    if job.state == EventImport.State.RUNNING:
        saved = cache.get(_progress_key(job.pk)) or 0
    total = job.row_count or 0
    percent = round(100 * saved / total) if total else 0
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "saved": saved,
        "total": total,
        "progress": percent,
        "text": _("%(saved)s von %(total)s Zeilen gespeichert (%(percent)s %%).")
        % {"saved": saved, "total": total, "percent": percent},
    }


def row_errors_of(job: EventImport) -> list[RowError]:
    return [RowError(**error) for error in job.row_errors]

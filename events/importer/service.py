"""The import service: saves nothing unless every row is valid, then creates all events as
drafts in one transaction, in batches with the result of ``events.services.save_event`` per row
(``batch``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from municipalities import permissions
from municipalities.models import Municipality

from ..models import Event
from . import reading
from .batch import save_rows
from .errors import ImportValidationError
from .validation import validate_table

logger = logging.getLogger("events.importer")


@dataclass(frozen=True)
class ImportResult:
    events: list[Event]
    encoding: str

    @property
    def count(self) -> int:
        return len(self.events)


def import_events(
    *,
    by: User,
    municipality: Municipality,
    upload,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Create every event of the file as a draft of ``municipality`` – or none at all.

    Raises ``ImportFileError`` when the file cannot be read and
    ``ImportValidationError`` with every problem of every row otherwise. ``progress(saved, total)``
    is called after every batch of saved rows (the background import shows it).
    """
    if not permissions.may_manage_municipality(by, municipality):
        raise PermissionDenied
    data = reading.read_upload(upload, max_bytes=max_bytes)
    table = reading.read_table(data, max_rows=max_rows)
    rows, errors = validate_table(table, municipality=municipality)
    if errors:
        raise ImportValidationError(errors, row_count=len(table.rows))
    with transaction.atomic():
        # In batches, with the stored result of ``save_event`` per row (``batch``).
        created, errors = save_rows(by=by, municipality=municipality, rows=rows, progress=progress)
        if errors:
            raise ImportValidationError(errors, row_count=len(table.rows))
    logger.info(
        "event import: %s events for municipality %s by user %s", len(created), municipality.pk, by.pk
    )
    return ImportResult(events=created, encoding=table.encoding)

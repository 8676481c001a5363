"""The import service: saves nothing unless every row is valid, then creates all events as
drafts in one transaction through ``events.services.save_event``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from municipalities import permissions
from municipalities.models import Municipality

from ..models import Event, EventChange
from ..services import save_event
from . import reading
from .columns import MODEL_FIELD_COLUMNS, ROW_COLUMN
from .errors import ImportValidationError, RowError
from .validation import error_dict, validate_table

logger = logging.getLogger("events.importer")
PROGRESS_EVERY = 10


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
    is called every ``PROGRESS_EVERY`` saved rows (the background import shows it).
    """
    if not permissions.may_manage_municipality(by, municipality):
        raise PermissionDenied
    data = reading.read_upload(upload, max_bytes=max_bytes)
    table = reading.read_table(data, max_rows=max_rows)
    rows, errors = validate_table(table, municipality=municipality)
    if errors:
        raise ImportValidationError(errors, row_count=len(table.rows))
    created = []
    with transaction.atomic():
        for row in rows:
            try:
                created.append(
                    save_event(
                        by=by,
                        event=row.event,
                        fields_of_action=row.fields_of_action,
                        target_groups=row.target_groups,
                        languages=row.languages,
                        action=EventChange.Action.IMPORTED,
                    )
                )
                if progress is not None and len(created) % PROGRESS_EVERY == 0:
                    progress(len(created), len(rows))
            except ValidationError as error:  # a rule save_event knows and the row check missed
                for name, messages in error_dict(error).items():
                    for message in messages:
                        errors.append(RowError(row.row, MODEL_FIELD_COLUMNS.get(name, ROW_COLUMN), message))
        if errors:
            # Raised inside the atomic block, so everything created so far is rolled back.
            raise ImportValidationError(errors, row_count=len(table.rows))
    logger.info(
        "event import: %s events for municipality %s by user %s", len(created), municipality.pk, by.pk
    )
    return ImportResult(events=created, encoding=table.encoding)

"""Saving the rows of an import in batches: the stored result of ``save_event`` for each new
event (its fields, dates, lists, history entry and audit entry), in a few statements per batch
instead of about fifteen per row.

``save_event`` for a new event checks the right, sets creator and status, runs ``full_clean``,
saves, sets the three lists, creates the dates and writes the history entry; its signals add the
audit entry (django-auditlog) and invalidate the public pages. Here the right is checked once
(every row belongs to the import's municipality), every row is validated exactly as there (all
problems of all rows are collected before anything is written), then each batch is inserted with
``bulk_create`` (events, dates, list rows, history), the audit entries are written by auditlog's
own receiver, and the public pages are invalidated once at the end. The caller's transaction
makes it all or nothing. ``events/tests/test_import_batch.py`` compares the stored result with
``save_event`` row by row.
"""

from __future__ import annotations

from collections.abc import Callable

from auditlog.receivers import log_create
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from kreisintegration import public_cache
from municipalities import permissions
from municipalities.models import Municipality

from ..models import Event, EventChange, EventOccurrence
from ..recurrence import compute_occurrences
from ..review_counts import refresh_review_counts_after_commit
from .columns import MODEL_FIELD_COLUMNS, ROW_COLUMN
from .errors import RowError
from .validation import ParsedRow, error_dict

BATCH_ROWS = 100
S = Event.Status
LISTS = ("fields_of_action", "target_groups", "languages")


# Checked by ``Event.clean`` in Python before the database would be asked (an end before the start
# is reported there and the constraint then skipped by ``full_clean``), so its query per row adds
# nothing. A constraint added later is not in this set and is checked for every row again.
CHECKED_BY_CLEAN = {"event_end_after_start"}
# The same for every row (the import's municipality, the person importing): checked with row one.
SHARED_FIELDS = ["municipality", "created_by"]


def check_rows(*, by: User, rows: list[ParsedRow]) -> list[RowError]:
    """Prepare every row as ``save_event`` prepares a new event; every problem of every row."""
    errors: list[RowError] = []
    constraints = any(c.name not in CHECKED_BY_CLEAN for c in Event._meta.constraints)
    for index, row in enumerate(rows):
        event = row.event
        event.created_by = by
        event.status = S.DRAFT
        try:
            if index == 0:
                event.full_clean(exclude=["status"])  # exactly as save_event
            else:
                event.full_clean(exclude=["status", *SHARED_FIELDS], validate_constraints=constraints)
        except ValidationError as error:  # a rule the model knows and the row check missed
            for name, messages in error_dict(error).items():
                for message in messages:
                    errors.append(RowError(row.row, MODEL_FIELD_COLUMNS.get(name, ROW_COLUMN), message))
    return errors


def _insert_lists(events_and_rows: list[tuple[Event, ParsedRow]]) -> None:
    for name in LISTS:
        field = Event._meta.get_field(name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        through_rows = []
        for event, row in events_and_rows:
            seen: set[int] = set()
            for item in getattr(row, name):
                if item.pk not in seen:  # as ``set()`` does
                    seen.add(item.pk)
                    through_rows.append(through(**{f"{source}_id": event.pk, f"{target}_id": item.pk}))
        through.objects.bulk_create(through_rows, batch_size=1000)


def _insert_batch(*, by: User, rows: list[ParsedRow], action: str) -> list[Event]:
    events = Event.objects.bulk_create([row.event for row in rows])
    pairs = list(zip(events, rows, strict=True))
    _insert_lists(pairs)
    EventOccurrence.objects.bulk_create(
        [
            EventOccurrence(event=event, start=start, end=end)
            for event in events
            for start, end in compute_occurrences(event)
        ],
        batch_size=1000,
    )
    EventChange.objects.bulk_create(
        [EventChange(event=event, actor=by, action=action, comment="", changes={}) for event in events]
    )
    for event in events:
        log_create(sender=Event, instance=event, created=True)
    return events


def save_rows(
    *,
    by: User,
    municipality: Municipality,
    rows: list[ParsedRow],
    action: str = EventChange.Action.IMPORTED,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Event], list[RowError]]:
    """Create every row as a draft (call inside a transaction): the events, or every problem and
    nothing written. ``progress(saved, total)`` after each batch."""
    if not permissions.may_manage_municipality(by, municipality):
        raise PermissionDenied
    if any(row.event.municipality_id != municipality.pk for row in rows):
        raise PermissionDenied  # every row is the import's municipality (validate_table sets it)
    errors = check_rows(by=by, rows=rows)
    if errors:
        return [], errors
    created: list[Event] = []
    for first in range(0, len(rows), BATCH_ROWS):
        created += _insert_batch(by=by, rows=rows[first : first + BATCH_ROWS], action=action)
        if progress is not None:
            progress(len(created), len(rows))
    # What the signals of ``save_event`` do per event, once for all of them.
    public_cache.invalidate("events")
    refresh_review_counts_after_commit({municipality.pk})
    return created, []

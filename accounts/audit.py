"""The audit log: who viewed or exported personal data and who decided a review.

Views that show or export personal data call :func:`record_audit_event` once per request;
services that make review decisions call it inside their transaction. Model changes (roles,
memberships, review states, ...) are recorded by django-auditlog into :class:`ModelChange`.
Neither can be edited through the portal; :func:`delete_old_audit_entries` removes entries past
``AUDIT_LOG_RETENTION_DAYS``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, models, router, transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import AuditEvent, ModelChange, User

Action = AuditEvent.Action

# Sent after old entries were deleted in bulk (no per-row signals), with the districts they
# belonged to: pages that show the log are stale (receiver in ``municipalities.signals``).
audit_entries_deleted = Signal()


# PostgreSQL advisory lock between writing entries (shared, held until the entry's transaction
# ends) and reading the newest entry ids for the audit log page's cache key (exclusive, see
# ``newest_audit_entry_ids``). Any number; it names this lock only.
AUDIT_WRITE_LOCK = 0x4B49_4155
_INSERT_COLUMNS = (
    "timestamp",
    "actor",
    "action",
    "object_type",
    "object_id",
    "description",
    "district_id",
    "details",
)
_INSERT_SQL = """
    INSERT INTO accounts_auditevent
        (timestamp, actor_id, action, object_type, object_id, description, district_id, details)
    SELECT %s, %s, %s, %s, %s, %s, %s, %s FROM pg_advisory_xact_lock_shared(%s)
    RETURNING id
"""
# The newest entry of each district (one index lookup each, ``auditevent_district_id``) or of all,
# releasing the lock taken by the statement before.
_NEWEST_OF_DISTRICTS_SQL = """
    SELECT ARRAY(
        SELECT (SELECT max(id) FROM accounts_auditevent WHERE district_id = d.id)
        FROM unnest(%s::int[]) WITH ORDINALITY AS d(id, n) ORDER BY d.n
    ), pg_advisory_unlock(%s)
"""
_NEWEST_OF_ALL_SQL = "SELECT ARRAY[(SELECT max(id) FROM accounts_auditevent)], pg_advisory_unlock(%s)"


def record_audit_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    district_id: int | None = None,
    description: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Write one entry. ``details`` must hold criteria or formats, never the data that was shown.

    On PostgreSQL one statement: the INSERT takes the shared audit lock and returns the id, and it
    bumps no cache version; the audit log page keys its cache by the newest entry ids, read under
    the exclusive lock (``newest_audit_entry_ids``), so it never misses an entry still being written.
    """
    entry = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        description=description[:200],
        district_id=district_id,
        details=details or {},
    )
    connection = connections[router.db_for_write(AuditEvent)]
    if connection.vendor != "postgresql":
        entry.save(using=connection.alias)  # the receiver bumps the audit log's cache versions
        return entry
    fields = [AuditEvent._meta.get_field(name) for name in _INSERT_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SQL,
            [field.get_db_prep_save(field.pre_save(entry, True), connection) for field in fields]
            + [AUDIT_WRITE_LOCK],
        )
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


def newest_audit_entry_ids(*, district_ids: list[int] | None) -> tuple | None:
    """The id of the newest entry of each of ``district_ids`` (``None``: of the whole log), for the
    audit log page's cache key: a new entry changes it, with no cache write per entry.

    Read while holding the audit lock exclusively, so no entry is being written meanwhile: an entry
    whose transaction is still open (its id may be lower than a committed one) would otherwise
    appear later without changing the newest id. ``None`` when the lock is taken (entries being
    written right now) or not on PostgreSQL: the page is then rendered without the cache.
    """
    connection = connections[router.db_for_read(AuditEvent)]
    if connection.vendor != "postgresql":
        return None
    # The second statement's snapshot is taken with the lock held; it releases the lock itself.
    if district_ids is None:
        newest_sql, params = _NEWEST_OF_ALL_SQL, [AUDIT_WRITE_LOCK]
    else:
        newest_sql, params = _NEWEST_OF_DISTRICTS_SQL, [list(district_ids), AUDIT_WRITE_LOCK]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [AUDIT_WRITE_LOCK])
        if not cursor.fetchone()[0]:
            return None
        try:
            cursor.execute(newest_sql, params)
            newest = tuple(cursor.fetchone()[0])
        except Exception:
            _release_audit_lock(connection)
            raise
    return newest


def _release_audit_lock(connection) -> None:
    """A session lock left held would stop the audit entries of every other connection: release it,
    or end the session (which releases it) when the statement cannot run (an aborted transaction)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [AUDIT_WRITE_LOCK])
    except DatabaseError:
        connection.close()


@transaction.atomic
def delete_old_audit_entries(*, now=None) -> int:
    """Delete audit events and model changes older than the retention period; returns the count."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)
    old_events = AuditEvent.objects.filter(timestamp__lt=cutoff)
    old_changes = ModelChange.objects.filter(timestamp__lt=cutoff)
    district_ids = set(old_events.values_list("district_id", flat=True).distinct()) | set(
        old_changes.values_list("district_id", flat=True).distinct()
    )
    events, _ = old_events.delete()
    changes, _ = old_changes.delete()
    if events or changes:
        audit_entries_deleted.send(sender=AuditEvent, district_ids=district_ids)
    return events + changes


def audit_events_of_actor(*, user: User) -> list[dict]:
    """The user's own entries as actor, for the own-data export (Art. 15 GDPR)."""
    return [
        {
            "timestamp": entry.timestamp.isoformat(),
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
        }
        for entry in AuditEvent.objects.filter(actor=user).order_by("timestamp", "pk")
    ]

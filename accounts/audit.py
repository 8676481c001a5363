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
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import AuditEvent, ModelChange, User

Action = AuditEvent.Action

# Sent after old entries were deleted in bulk (no per-row signals), with the districts they
# belonged to: pages that show the log are stale (receiver in ``municipalities.signals``).
audit_entries_deleted = Signal()


def record_audit_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    district_id: int | None = None,
    description: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Write one entry. ``details`` must hold criteria or formats, never the data that was shown."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        description=description[:200],
        district_id=district_id,
        details=details or {},
    )


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

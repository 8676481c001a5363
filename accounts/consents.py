"""Consent records: every consent is stored with its text version and time, and every withdrawal.

The apps that hold data depending on a consent (``volunteers``: the newcomer flag) call these
functions in the same transaction as they change that data, so the evidence here and the
current state there always agree. Removing the dependent data on withdrawal is the caller's
job, because only the caller knows what depends on the consent.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import ConsentRecord, User

Kind = ConsentRecord.Kind
Source = ConsentRecord.Source


def current_consent(*, user: User, kind: str) -> ConsentRecord | None:
    return ConsentRecord.objects.filter(
        user=user, kind=kind, withdrawn_at__isnull=True, superseded_at__isnull=True
    ).first()


@transaction.atomic
def record_consent(
    *, user: User, kind: str, version: str, source: str = Source.PROFILE, now: datetime | None = None
) -> ConsentRecord:
    """Record that ``user`` agreed to text ``version`` of ``kind``; agreeing again to the same text is a no-op.

    Agreeing to a newer text closes the older record as superseded (not withdrawn).
    """
    now = now or timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one writer per person
    current = current_consent(user=user, kind=kind)
    if current is not None:
        if current.text_version == version:
            return current
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    return ConsentRecord.objects.create(
        user=user, kind=kind, text_version=version, given_at=now, source=source
    )


@transaction.atomic
def withdraw_consent(*, user: User, kind: str, now: datetime | None = None) -> ConsentRecord | None:
    """Close the current consent of ``kind`` as withdrawn; returns it, or None if there was none."""
    now = now or timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()
    current = current_consent(user=user, kind=kind)
    if current is None:
        return None
    current.withdrawn_at = now
    current.save(update_fields=["withdrawn_at"])
    return current


def consent_history(*, user: User) -> list[ConsentRecord]:
    """All records of ``user``, newest first within each kind."""
    return list(ConsentRecord.objects.filter(user=user).order_by("kind", "-given_at", "-pk"))

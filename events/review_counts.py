"""The navigation's count of submissions waiting for review, kept per district in the cache.

Every page a KI staff member opens shows it, so it is read from the cache without a query
(``cached_review_waiting_count``). After a transaction that saved or deleted events commits, only
the districts of those events are counted again (``refresh_review_counts_after_commit``; an event
moved to another municipality counts for both districts); „Mein Bereich“ counts every district
when an entry is missing (e.g. after a cache flush, ``kreisintegration/views.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery

from municipalities import permissions
from municipalities.models import District, Municipality

from .models import Event

# The ids of all districts, for a superuser's count (the sum over every district); dropped when a
# district is added or removed.
DISTRICT_IDS_KEY = "review-waiting-districts"


def _district_key(district_id: int) -> str:
    return f"review-waiting:{district_id}"


def refresh_review_counts(*, municipality_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Count the waiting submissions of the districts of ``municipality_ids`` (default: every
    district) and keep them in the cache."""
    if municipality_ids is None:
        district_ids = list(District.objects.order_by("pk").values_list("pk", flat=True))
        counts = dict.fromkeys(district_ids, 0)
        counts.update(
            Event.objects.filter(status=Event.Status.SUBMITTED)
            .order_by()
            .values_list("municipality__district_id")
            .annotate(count=Count("pk"))
        )
    else:
        # One query: each district of these municipalities with its count (an index-only scan of
        # the partial index of submitted events per municipality of the district).
        waiting = (
            Event.objects.filter(status=Event.Status.SUBMITTED, municipality__district_id=OuterRef("pk"))
            .order_by()
            .values("municipality__district_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        counts = {
            pk: count or 0
            for pk, count in District.objects.filter(
                pk__in=Municipality.objects.filter(pk__in=set(municipality_ids)).values("district_id")
            )
            .order_by()
            .annotate(count=Subquery(waiting))
            .values_list("pk", "count")
        }
        if not counts:
            return {}
    values: dict[str, object] = {_district_key(pk): count for pk, count in counts.items()}
    if municipality_ids is None:
        values[DISTRICT_IDS_KEY] = list(counts)
    cache.set_many(values, timeout=None)
    return counts


def cached_review_waiting_count(user) -> int | None:
    """Submissions waiting for this KI staff member, for the navigation on every page: from the cache
    only (no query). ``None`` while a count it needs is not cached."""
    roles = permissions.roles_of(user)
    if roles.is_superuser:
        district_ids = cache.get(DISTRICT_IDS_KEY)
        if district_ids is None:
            return None
    else:
        district_ids = sorted(roles.staff_district_ids)
    keys = [_district_key(pk) for pk in district_ids]
    found = cache.get_many(keys)
    if len(found) < len(keys):
        return None
    return sum(found.values())


class _ChangedMunicipalities:
    """The municipalities whose events one transaction changed; counted once, after the commit."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def __call__(self) -> None:
        ids, self.ids = self.ids, set()
        if ids:
            refresh_review_counts(municipality_ids=ids)


def refresh_review_counts_after_commit(municipality_ids: Iterable[int], *, using: str | None = None) -> None:
    """Count the districts of ``municipality_ids`` again once the transaction commits (once per
    transaction, however many events it saved; at once outside a transaction)."""
    connection = transaction.get_connection(using)
    pending = next(
        (
            callback
            for _savepoints, callback, _robust in connection.run_on_commit
            if isinstance(callback, _ChangedMunicipalities)
        ),
        None,
    )
    if pending is None:
        pending = _ChangedMunicipalities()
    pending.ids.update(pk for pk in municipality_ids if pk is not None)
    # Each call registers the shared callback, so a rolled-back savepoint drops only its own call
    # (the first callback that runs counts everything collected). robust: a failing cache must not
    # turn a committed write into an error page.
    transaction.on_commit(pending, using=using, robust=True)


def forget_district_ids() -> None:
    transaction.on_commit(lambda: cache.delete(DISTRICT_IDS_KEY), robust=True)

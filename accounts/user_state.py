"""Facts about a person that every logged-in request needs (their roles, the device that verified
their second factor), kept in the shared cache instead of being read from the database each time.

Every entry of a person is stored with the person's *generation*; a change of anything the
entries are made from (a role, a membership, a device, the user row itself) sets a new
generation after the writing transaction commits (``forget``), so the next request reads the
database again. The generation is read before the database is, so a value computed from data
that a concurrent transaction is about to change is stored under the old generation and never
served after that commit. Within a transaction that changed a person, their entries are not used
(the cache still holds the committed state; the transaction sees its own changes). If the cache
is down, everything is read from the database as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

T = TypeVar("T")

# An entry is a convenience, not the truth: it expires even if nobody changes anything.
ENTRY_TIMEOUT = 60 * 60
# On the connection: users changed by the transaction that is still open.
_PENDING_ATTR = "_kreisintegration_user_state_pending"
# On the request's user object: entries fetched ahead (``also``) with their generation and the
# count of ``forget`` calls in this process at that time.
_changes = 0
_PREFETCHED_ATTR = "_kreisintegration_user_state_prefetched"


def _generation_key(user_pk: int) -> str:
    return f"user-state:{user_pk}"


def _entry_key(user_pk: int, name: str) -> str:
    return f"user-state:{user_pk}:{name}"


def _new_generation(user_pk: int) -> None:
    cache.set(_generation_key(user_pk), time.time_ns(), timeout=None)


def _pending(using: str) -> set[int]:
    connection = connections[using]
    pending = getattr(connection, _PENDING_ATTR, None)
    if pending is None:
        pending = set()
        setattr(connection, _PENDING_ATTR, pending)
    return pending


def cached(
    user, name: str, compute: Callable[[], T], *, also: tuple[str, ...] = (), user_pk: int | None = None
) -> T:
    """``compute()`` for this person, from the cache while nothing it depends on has changed.

    ``also`` names entries the request will ask for next: they come in the same cache round trip
    and are kept on ``user`` (the request's user object, or any holder with ``user_pk``) for
    those calls.
    """
    user_pk = user.pk if user_pk is None else user_pk
    connection = connections[DEFAULT_DB_ALIAS]
    pending = _pending(DEFAULT_DB_ALIAS)
    if user_pk in pending:
        if connection.in_atomic_block:
            return compute()
        pending.discard(user_pk)  # rolled back: the committed state is what the cache holds
    generation_key, entry_key = _generation_key(user_pk), _entry_key(user_pk, name)
    prefetched = getattr(user, _PREFETCHED_ATTR, None)
    if prefetched is not None and entry_key in prefetched[1] and prefetched[2] == _changes:
        # Used once, and only while this process has changed nobody since it was fetched (a view
        # that grants a role and then asks for the roles must see the new ones).
        generation, entry = prefetched[0], prefetched[1].pop(entry_key)
    else:
        also_keys = [_entry_key(user_pk, other) for other in also]
        found = cache.get_many([generation_key, entry_key, *also_keys])
        generation = found.get(generation_key)
        if generation is None:
            # Start from the clock, so a lost key never brings back entries of an older generation.
            # Stored: it is ours (no second round trip to read it back); else somebody else's.
            started = time.time_ns()
            generation = (
                started if cache.add(generation_key, started, timeout=None) else cache.get(generation_key)
            )
            if generation is None:  # the cache is unavailable
                return compute()
        if also_keys:
            setattr(
                user, _PREFETCHED_ATTR, (generation, {key: found.get(key) for key in also_keys}, _changes)
            )
        entry = found.get(entry_key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = compute()
    cache.set(entry_key, (generation, value), ENTRY_TIMEOUT)
    return value


def load_user(user_pk: int, compute: Callable[[], T]) -> T:
    """The user row of a logged-in request (``compute`` reads it), with the entries the request
    needs next (device, roles) fetched in the same cache round trip and kept on the user."""
    holder = SimpleNamespace()
    user = cached(holder, "user", compute, also=("otp-device", "roles"), user_pk=user_pk)
    prefetched = getattr(holder, _PREFETCHED_ATTR, None)
    if user is not None and prefetched is not None:
        setattr(user, _PREFETCHED_ATTR, prefetched)
    return user


def forget(user_pk: int | None, using: str | None = None) -> None:
    """The person's roles, devices or account changed: new entries once the change is committed."""
    if user_pk is None:
        return
    global _changes
    _changes += 1
    using = using or DEFAULT_DB_ALIAS
    pending = _pending(using)
    pending.add(user_pk)

    def committed() -> None:
        pending.discard(user_pk)
        _new_generation(user_pk)

    transaction.on_commit(committed, using=using)


def assume_committed() -> None:
    """Tests only: the changes made so far count as committed (a test's transaction never
    commits, so without this every person it created would be read from the database)."""
    pending = _pending(DEFAULT_DB_ALIAS)
    for user_pk in list(pending):
        pending.discard(user_pk)
        _new_generation(user_pk)

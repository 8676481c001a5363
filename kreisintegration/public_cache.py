"""Cache of public pages and feeds (calendar, event pages, ICS, JSON API, course catalogue) in Redis.

Every cached entry is keyed by a *version* of the data it shows ("events" or
"courses"); a change of such data bumps the version (signal receivers in the
apps, see ``events/signals.py`` and ``volunteers/signals.py``) after the transaction commits,
once per transaction, so the next request renders afresh. A short timeout is the safety net for writes that
bypass signals (``QuerySet.update``). Only anonymous requests read and fill the
page cache; the CSRF token of the language switcher is put in per request.

The same key gives each answer a strong ``ETag``; a client that sends it back in ``If-None-Match``
gets ``304 Not Modified`` from the stored entry without rendering (conditional GET). Logged-in
HTML pages carry no ETag: their header shows the person.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language

PAGE_TIMEOUT = 300
CSRF_PLACEHOLDER = "__public-cache-csrf-token__"
# "figures": data counted only by the district overview (measures, attendance, qualifications,
# volunteer profiles); no public page shows it. "concept": the Integrationskonzept's goals,
# indicators and values (the steering pages). "staff": what only logged-in pages show of people
# and their work (accounts, memberships, district roles, advice meetings and follow-ups).
# "audit": the audit log (each entry also bumps "audit:<district id>", see ``audit_namespaces``).
NAMESPACES = ("events", "courses", "figures", "concept", "staff", "audit")


def _version_key(namespace: str) -> str:
    return f"public-version:{namespace}"


def version(namespace: str) -> int:
    key = _version_key(namespace)
    value = cache.get(key)
    if value is None:
        # Start from the clock, so a lost key never brings back entries of an older version.
        cache.add(key, time.time_ns() // 1000, timeout=None)
        value = cache.get(key)
    return value


def versions(*namespaces: str) -> tuple[int, ...]:
    """The versions of several namespaces in one cache round trip (``version`` for each missing)."""
    found = cache.get_many([_version_key(namespace) for namespace in namespaces])
    return tuple(found.get(_version_key(namespace)) or version(namespace) for namespace in namespaces)


def _bump(namespace: str) -> None:
    key = _version_key(namespace)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns() // 1000, timeout=None)


class _Changes:
    """The namespaces and keys one transaction changed, not yet invalidated."""

    def __init__(self) -> None:
        self.namespaces: set[str] = set()
        self.keys: set[str] = set()

    def apply(self) -> None:
        namespaces, keys = sorted(self.namespaces), sorted(self.keys)
        self.namespaces.clear()
        self.keys.clear()
        if namespaces and hasattr(cache, "incr_or_set_many"):  # Redis: all in one round trip
            cache.incr_or_set_many([_version_key(n) for n in namespaces], time.time_ns() // 1000)
        else:
            for namespace in namespaces:
                _bump(namespace)
        if keys:
            cache.delete_many(keys)


class _AfterCommit:
    """An on-commit callback; all callbacks of one transaction share its ``_Changes``.

    Each change registers its own callback, so a rolled-back savepoint drops exactly its own (the
    changes of the committed part keep theirs). The first callback that runs at commit applies
    everything collected, the others find nothing left: each namespace is bumped once per
    transaction, however many rows changed.
    """

    def __init__(self, changes: _Changes) -> None:
        self.changes = changes

    def __call__(self) -> None:
        self.changes.apply()


def invalidate(*namespaces: str, keys: Iterable[str] = (), using: str | None = None) -> None:
    """Mark the public data of these namespaces (default: all) as changed, and drop ``keys``.

    Inside a transaction this happens after the commit, once per transaction: bumped earlier, a
    request reading between the bump and the commit would still see the old rows and store its
    page under the new version (stale for PAGE_TIMEOUT). A rolled-back transaction bumps nothing.
    """
    connection = transaction.get_connection(using)
    changes = None
    if connection.in_atomic_block:
        changes = next(
            (
                callback.changes
                for _savepoints, callback, _robust in connection.run_on_commit
                if isinstance(callback, _AfterCommit)
            ),
            None,
        )
    changes = changes or _Changes()
    changes.namespaces.update(namespaces or NAMESPACES)
    changes.keys.update(keys)
    # Outside a transaction on_commit runs at once. robust: a failing cache must not turn a
    # committed write into an error page.
    transaction.on_commit(_AfterCommit(changes), using=using, robust=True)


def page_key(request) -> str:
    """Where the answer for this URL and language is kept (the entry names its version)."""
    # Scheme and host are part of the key: the API's links are built from the request's host.
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"public-page:{get_language()}:{digest}"


def lookup(key: str, namespace: str) -> tuple[int, tuple | None]:
    """The current version of ``namespace`` and the entry under ``key`` if it is of that version,
    in one cache round trip.

    An entry is ``(namespace, version, content, headers, complete)``: ``complete`` when its
    headers include those the inner middleware adds (see ``public_fast_path``).
    """
    version_key = _version_key(namespace)
    found = cache.get_many([key, version_key])
    current = found.get(version_key) or version(namespace)
    entry = found.get(key)
    if entry is None or entry[0] != namespace or entry[1] != current:
        return current, None
    return current, entry


def lookup_many(keys: list[str], namespace: str) -> tuple[int, dict[str, tuple]]:
    """``lookup`` for several keys in one round trip: the current version and the entries of it."""
    version_key = _version_key(namespace)
    found = cache.get_many([*keys, version_key])
    current = found.get(version_key) or version(namespace)
    entries = {key: found[key] for key in keys if key in found}
    return current, {
        key: entry for key, entry in entries.items() if entry[0] == namespace and entry[1] == current
    }


def etag_for(key: str, namespace: str, current: int) -> str:
    """A strong validator from what the answer depends on: namespace version, language and URL."""
    return '"' + hashlib.sha256(f"{namespace}:{current}:{key}".encode()).hexdigest()[:32] + '"'


# Set on the request by the fast path: the decorator hands its entry over instead of storing it,
# so that the fast path stores it with the inner middleware's headers.
HAND_OVER = "_public_cache_hand_over"
# Set on the request by the fast path when it did not answer: ``(key, namespace, version, entry)``. The
# version was read before the view reads any row, as the decorator's own lookup would be, so an
# entry stored under it is never newer than its data.
LOOKED_UP = "_public_cache_looked_up"


def _cacheable(request, *, anonymous_only: bool) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if not anonymous_only:
        return True
    if "messages" in request.COOKIES:
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    return not (hasattr(request, "session") and request.session.get("_messages"))


def _from_cache(request, entry: tuple) -> HttpResponse:
    status, content, headers = entry
    return from_content(request, content, headers, status=status)


def from_content(request, content: bytes, headers, *, status: int = 200) -> HttpResponse:
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Public-Cache"] = "hit"
    return response


KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Cache-Control", "Access-Control-Allow-Origin")


def _with_etag(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    # Other websites read the API and feeds from scripts; let them see the validator.
    if response.has_header("Access-Control-Allow-Origin"):
        response["Access-Control-Expose-Headers"] = "ETag"
    return response


def not_modified(response: HttpResponse, etag: str, *, cross_origin: bool) -> HttpResponse:
    response["ETag"] = etag
    if cross_origin:  # feeds and the API are read by other websites' scripts too
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag"
    response["X-Public-Cache"] = "not-modified"
    return response


def public_cache(namespace: str, *, anonymous_only: bool = True, timeout: int = PAGE_TIMEOUT):
    """Decorate a view whose 200 answers depend only on the URL, the language and ``namespace``'s data.

    ``anonymous_only``: HTML pages (their header shows the logged-in person);
    feeds and the API are the same for everyone.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable(request, anonymous_only=anonymous_only):
                return view(request, *args, **kwargs)
            looked_up = getattr(request, LOOKED_UP, None)
            if looked_up is not None and looked_up[1] == namespace:
                key, _namespace, current, entry = looked_up
            else:
                key = page_key(request)
                current, entry = lookup(key, namespace)
            etag = etag_for(key, namespace, current)
            if entry is not None:
                # A stored entry proves the current version answers 200: the client's copy (same
                # ETag) is current, so it gets 304 without rendering.
                conditional = get_conditional_response(request, etag=etag)
                if conditional is not None:
                    return not_modified(conditional, etag, cross_origin=not anonymous_only)
                if hasattr(request, HAND_OVER) and not entry[4]:
                    setattr(request, HAND_OVER, (key, entry, timeout))
                return _with_etag(from_content(request, entry[2], entry[3]), etag)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or getattr(response, "streaming", False):
                return response
            _with_etag(response, etag)
            if hasattr(response, "render") and not response.is_rendered:
                response.context_data = {**(response.context_data or {}), "csrf_token": CSRF_PLACEHOLDER}
                response.render()
            content = response.content
            headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
            entry = (namespace, current, content, headers, False)
            if hasattr(request, HAND_OVER):
                setattr(request, HAND_OVER, (key, entry, timeout))
            else:
                cache.set(key, entry, timeout)
            conditional = get_conditional_response(request, etag=etag)
            if conditional is not None:  # e.g. the cache was empty (Redis restarted or down)
                return not_modified(conditional, etag, cross_origin=not anonymous_only)
            if CSRF_PLACEHOLDER.encode() in content:
                response.content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
            return response

        # The fast path (public_fast_path) answers for views marked so, before the session is read.
        wrapped.public_cache = (namespace, anonymous_only)
        return wrapped

    return decorator


def fragment_key(request, *, namespace: str, scope: object) -> str:
    """Key of a cached page fragment that shows ``namespace``'s data within a user's ``scope``
    (e.g. the ids of the districts they administer): stale as soon as the data change."""
    return f"{version(namespace)}:{scope}:{get_language()}:{request.get_full_path()}"

"""Logged-in pages kept whole per person for a short time (``private_page``), beside the public
page cache of ``kreisintegration.public_cache``, whose data versions invalidate them too: a page is
served again only while none of the namespaces it shows has changed and its own moment of change
(``valid_until``) has not come.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from .public_cache import CSRF_PLACEHOLDER, KEPT_HEADERS, _from_cache, _version_key, version

PRIVATE_PAGE_TIMEOUT = 60
# On the request while a private page renders: the earliest moment its content changes by itself,
# and what its view remembers for a hit; and the lookup a view made before its permission check.
_VALID_UNTIL_ATTR = "_public_cache_valid_until"
_REMEMBERED_ATTR = "_public_cache_remembered"
_LOOKUP_ATTR = "_public_cache_private_lookup"


def audit_namespaces(district_id: int | None) -> tuple[str, ...]:
    """What a new audit entry of ``district_id`` bumps: the whole log (superusers see it) and the
    district's part (its KI staff see only that)."""
    return ("audit",) if district_id is None else ("audit", f"audit:{district_id}")


def valid_until(request, moment) -> None:
    """The private page being rendered changes by itself at ``moment`` (a session starts, an
    event ends): its cached entry is not served from then on. ``None``: nothing due."""
    if moment is None:
        return
    known = getattr(request, _VALID_UNTIL_ATTR, None)
    if known is None or moment < known:
        setattr(request, _VALID_UNTIL_ATTR, moment)


def _private_lookup(request, scope: object, namespaces: tuple[str, ...]):
    """``(key, current versions, entry or None)`` of the request's private page in one cache round
    trip, or ``None`` when the request is not to be cached (not GET/HEAD, pending messages)."""
    if (
        request.method not in ("GET", "HEAD")
        or "messages" in request.COOKIES
        or request.session.get("_messages")
    ):
        return None
    parts = (
        request.user.pk,
        scope,
        namespaces,
        timezone.localdate().isoformat(),
        get_language(),
        request.get_full_path(),
    )
    key = "private-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    version_keys = [_version_key(namespace) for namespace in namespaces]
    found = cache.get_many([key, *version_keys])
    # Read before rendering: data committed meanwhile bump a version, so the stored page is
    # rendered again on the next request rather than kept as current.
    current = tuple(found.get(k) or version(n) for k, n in zip(version_keys, namespaces, strict=True))
    entry = found.get(key)
    if entry is not None and (entry[0] != current or (entry[1] is not None and timezone.now() >= entry[1])):
        entry = None
    lookup = (key, current, entry)
    setattr(request, _LOOKUP_ATTR, (scope, namespaces, lookup))
    return lookup


def private_page_hit(
    request, *, scope: object, namespaces: tuple[str, ...]
) -> tuple[HttpResponse, dict] | None:
    """The stored page of ``private_page`` and what its view noted while rendering (``remember``),
    or ``None``. Only for a logged-in request.

    A view may ask before it loads its object and checks the permission: an entry exists only if
    this person, with exactly the roles in ``scope``, got this URL rendered (status 200) under the
    current versions of ``namespaces``, so it may skip the check if everything the check reads
    (besides the roles) bumps one of those namespaces when it changes.
    """
    lookup = _private_lookup(request, scope, namespaces)
    if lookup is None or lookup[2] is None:
        return None
    entry = lookup[2]
    return _from_cache(request, entry[3:]), entry[2]


def remember(request, **values) -> None:
    """While a private page renders: values its view needs again on a cache hit (``private_page_hit``)."""
    remembered = getattr(request, _REMEMBERED_ATTR, None)
    if remembered is not None:  # None: the page is not being cached (e.g. pending messages)
        remembered.update(values)


def private_page(
    request, *, scope: object, namespaces: tuple[str, ...], render: Callable[[dict], HttpResponse]
) -> HttpResponse:
    """A logged-in person's page, from the cache while the data it shows are unchanged.

    The key holds the person, their ``scope`` (e.g. the districts they administer, so a role
    change is a new key), the day, the language and the URL; the entry holds the versions of
    ``namespaces`` it was rendered under and counts only while they are still current (a change
    of the data bumps a version). Entry and versions come in one cache round trip.
    ``render(extra_context)`` renders the page; the CSRF token is put in per request, and a page
    with pending messages is never cached. A short timeout covers writes that bypass signals.
    A page whose content changes with the time of day names the next such moment while it renders
    (``valid_until``); the entry is not served from then on.
    """
    asked = getattr(request, _LOOKUP_ATTR, None)
    if asked is not None and asked[:2] == (scope, namespaces):
        lookup = asked[2]  # private_page_hit read it (and missed) before the permission check
    else:
        lookup = _private_lookup(request, scope, namespaces)
    if lookup is None:
        return render({})
    key, current, entry = lookup
    if entry is not None:
        return _from_cache(request, entry[3:])
    now = timezone.now()
    setattr(request, _VALID_UNTIL_ATTR, None)
    setattr(request, _REMEMBERED_ATTR, {})
    response = render({"csrf_token": CSRF_PLACEHOLDER})
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    content = response.content
    until = getattr(request, _VALID_UNTIL_ATTR, None)
    if response.status_code == 200 and (until is None or now < until):
        headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
        entry = (current, until, getattr(request, _REMEMBERED_ATTR), 200, content, headers)
        cache.set(key, entry, PRIVATE_PAGE_TIMEOUT)
    if CSRF_PLACEHOLDER.encode() in content:
        response.content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return response

"""Cached public pages for visitors without a session, answered before the session is read.

A cache hit of a public page (``public_cache``) used to pass the whole middleware stack: the
session, the user, the second factor, the audit actor, messages, the idle timeout, the 2FA check,
the CSP header, rate limits and Axes, then URL resolution and the view's wrapper. For a visitor
without a session cookie none of them can change the answer: there is no user to log out, verify
or record, and no message to show. This middleware sits right after ``CsrfViewMiddleware`` (the
language is active, the CSRF cookie is read, so the language switcher's token can be put in) and
answers such a request from the cache when the view is a ``public_cache`` view and the entry is of
the current data version, in one cache round trip.

The entry keeps the headers the skipped middleware added when it was rendered (CSP,
``X-Frame-Options``, …): the first full request of a visitor without a session hands its entry to
this middleware (``public_cache.HAND_OVER``), which stores it with the headers of the finished
response. The outer middleware (security headers, ``Content-Language``/``Vary`` of the locale,
the CSRF cookie) still runs for every answer. Anybody with a session cookie or a pending message
takes the full path: a logged-in person never gets a visitor's page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, get_resolver
from django.utils.cache import get_conditional_response, patch_vary_headers

from kreisintegration import public_cache

# Headers of the finished response that are not kept: per request (the cache state, the bench's
# query count, the length after the CSRF token is put in) or added by the outer middleware again.
PER_REQUEST_HEADERS = frozenset(
    {"x-public-cache", "x-query-count", "content-length", "vary", "content-language", "set-cookie", "date"}
)


def _public_view(request) -> tuple[str, bool] | None:
    """``(namespace, anonymous_only)`` of the ``public_cache`` view this URL goes to, if any."""
    try:
        match = get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, "public_cache", None)


def _without_session(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


class PublicCacheFastPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _without_session(request):
            return self.get_response(request)
        view = _public_view(request)
        if view is None:
            return self.get_response(request)
        namespace, anonymous_only = view
        key = public_cache.page_key(request)
        current, entry = public_cache.lookup(key, namespace)
        if entry is not None and entry[4]:
            return self._answer(request, key, namespace, current, entry, anonymous_only)
        setattr(request, public_cache.HAND_OVER, None)
        # The view's decorator takes this lookup instead of asking the cache again.
        setattr(request, public_cache.LOOKED_UP, (key, namespace, current, entry))
        response = self.get_response(request)
        handed = getattr(request, public_cache.HAND_OVER, None)
        if handed is not None and response.status_code == 200:
            key, (namespace, version, content, _kept, _complete), timeout = handed
            headers = [(k, v) for k, v in response.items() if k.lower() not in PER_REQUEST_HEADERS]
            cache.set(key, (namespace, version, content, headers, True), timeout)
        return response

    @staticmethod
    def _answer(request, key, namespace, current, entry, anonymous_only):
        etag = public_cache.etag_for(key, namespace, current)
        conditional = get_conditional_response(request, etag=etag)
        if conditional is not None:
            response = public_cache.not_modified(conditional, etag, cross_origin=not anonymous_only)
        else:
            response = public_cache.from_content(request, entry[2], entry[3])
        if anonymous_only:
            # The full path reads the session for these pages (SessionMiddleware adds the same):
            # a shared cache must not give this page to somebody who is logged in.
            patch_vary_headers(response, ("Cookie",))
        return response

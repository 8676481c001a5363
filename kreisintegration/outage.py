"""The German 503 page while PostgreSQL is unreachable or the connection pool is exhausted.

A database that refuses connections, drops them (restart, failover) or whose pool has no free
connection within ``DB_POOL_TIMEOUT`` raises ``OperationalError``/``InterfaceError``. That is
not a bug of the page but a passing outage, so the person gets „kurz nicht erreichbar“ with
``Retry-After`` instead of the generic 500 page, wherever the error arose:

* in a view or while rendering its template: ``DatabaseUnavailableMiddleware.process_exception``;
* in a middleware (the session and the user are loaded there): ``server_error``, the project's
  ``handler500``, which Django calls with the exception still being handled.

The page is rendered without the request, so neither context processors, the session nor the
database are touched. The session is not saved on a 5xx answer (Django's SessionMiddleware).
Django's connection handling closes the broken connection at the end of the request and the
health check (``CONN_HEALTH_CHECKS``) replaces a stale one at the next, so the portal recovers
by itself when the database is back. One ERROR a minute per process is logged, not one per request.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What the page promises: „bitte in einer Minute erneut versuchen“.
RETRY_AFTER_SECONDS = 60
LOG_INTERVAL_SECONDS = 60

_log_lock = threading.Lock()
_last_logged_at: float | None = None


def log_outage(request, error: BaseException) -> None:
    """One ERROR a minute per process for a database outage, however many requests hit it."""
    global _last_logged_at
    now = time.monotonic()
    with _log_lock:
        if _last_logged_at is not None and now - _last_logged_at < LOG_INTERVAL_SECONDS:
            return
        _last_logged_at = now
    # The driver's exception says more than Django's wrapper (e.g. psycopg_pool's PoolTimeout).
    cause = error.__cause__ or error
    logger.error(
        "Database unavailable (%s: %s); answering 503 (logged at most once a minute). First: %s %s",
        type(cause).__name__,
        str(cause).strip().splitlines()[0] if str(cause).strip() else "",
        request.method,
        request.path,
    )


def database_unavailable_response(request, error: BaseException) -> HttpResponse:
    log_outage(request, error)
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged above, once a minute; Django would log every 5xx answer at ERROR.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database outage in a view (or its template) into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable_response(request, exception)
        return None


@requires_csrf_token
def server_error(request):
    """``handler500``: the 503 page for a database outage outside the view, else the plain 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE) or isinstance(
        getattr(error, "__cause__", None), DATABASE_UNAVAILABLE
    ):
        return database_unavailable_response(request, error)
    return HttpResponseServerError(loader.render_to_string("500.html"))

"""Project-wide request plumbing: idle sessions end, staff pass the second factor; query counting
for `make bench`.

Both sit after the second-factor middleware (``accounts.middleware.CachedOTPMiddleware``) and
``MessageMiddleware`` (see settings).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import connections
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import ngettext

from accounts import twofactor
from accounts.sessions import LAST_ACTIVITY_SESSION_KEY, note_activity

# The activity time is written at most this often (no database write per request).
ACTIVITY_WRITE_INTERVAL = 60


def idle_timeout_for(user) -> int:
    """Seconds without a request after which ``user`` is logged out."""
    if twofactor.two_factor_required(user):
        return settings.SESSION_IDLE_TIMEOUT_STAFF
    return settings.SESSION_IDLE_TIMEOUT


class SessionIdleTimeoutMiddleware:
    """Log a person out after a period without requests (30 minutes for staff by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            timeout = idle_timeout_for(user)
            if isinstance(last, int) and now - last > timeout:
                logout(request)
                minutes = max(1, timeout // 60)
                messages.info(
                    request,
                    ngettext(
                        "Sie wurden nach %(minutes)s Minute ohne Aktivität abgemeldet. "
                        "Bitte melden Sie sich erneut an.",
                        "Sie wurden nach %(minutes)s Minuten ohne Aktivität abgemeldet. "
                        "Bitte melden Sie sich erneut an.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
                login_url = reverse(settings.LOGIN_URL)
                if request.method == "GET":
                    login_url += "?" + urlencode({"next": request.get_full_path()})
                return redirect(login_url)
            if not isinstance(last, int) or now - last >= ACTIVITY_WRITE_INTERVAL:
                note_activity(request.session)
        return self.get_response(request)


# URL names a session that has passed only the password may still reach: the code prompt, the
# first enrolment (the view itself sends anybody who already has a device to the code prompt),
# logging out, the language switch, the health check, the legal pages and the district's public
# stylesheet and logo. Nothing here may read
# or change second-factor material: recovery codes, their download and switching off are not
# exempt (the first codes are shown after enrolment, when the session is already verified).
# accounts/tests/test_two_factor_bypass.py states the reason for every entry.
TWO_FACTOR_EXEMPT_VIEWS = frozenset(
    {
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:logout",
        "set_language",
        "healthz",
        "imprint",
        "privacy",
        "accessibility",
        # the district's colour stylesheet and logo, which every page (the code prompt too) loads
        "municipalities:district_theme",
        "municipalities:district_logo",
    }
)


class TwoFactorRequiredMiddleware:
    """Send a logged-in user who must pass the second factor, and has not, to verify or enrol.

    Applies to KI staff, trainers and admin users when ``REQUIRE_TWO_FACTOR`` is on, and to
    everybody who has set up a second factor voluntarily.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.path.startswith(
            settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
        ):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        if not twofactor.two_factor_enforced(user, request.session):
            return None
        target = (
            "accounts:two_factor_verify" if twofactor.has_two_factor(user) else "accounts:two_factor_setup"
        )
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


class QueryCountMiddleware:
    """Adds ``X-Query-Count`` (database queries of this request) to every response.

    Only switched on by ``BENCH_QUERY_COUNT=1`` (``make bench``), where it is the
    outermost middleware, so sessions and authentication are counted too. It
    works with ``DEBUG`` off, unlike ``connection.queries``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Query-Count"] = str(count)
        return response

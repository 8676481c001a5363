"""Rate limits for the public forms that send mail or create accounts (django-ratelimit).

Every limit counts POSTs per hour in the shared cache (Redis in production, so all
web processes count together). ``settings.RATELIMITS`` says how many POSTs an hour
one scope allows per key::

    RATELIMITS = {"signup": {"ip": 20, "email": 5}, ...}

Keys: ``ip`` (the client address, see ``client_address``), ``email`` (the address typed into the form,
normalised, so a bot cannot flood one person's mailbox from many addresses), ``user``
(the logged-in account) and ``token`` (the token in the URL). Exceeding any of them
raises django-ratelimit's ``Ratelimited``; its middleware answers with
``settings.RATELIMIT_VIEW`` (the German 429 page). The check runs before the form is
looked at, so the answer never depends on whether an account exists.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

KEYS = ("ip", "email", "user", "token")


def client_address(request) -> str:
    """The address of the client: from the header the reverse proxy sets, when configured.

    One function for both the rate limits (``RATELIMIT_IP_META_KEY``) and the login lock-out
    (``AXES_CLIENT_IP_CALLABLE``). ``settings.CLIENT_IP_META_KEY`` names the META key the proxy
    overwrites with the address it sees (nginx: ``proxy_set_header X-Real-IP $remote_addr;``).
    Unset, the header is ignored, because then any client could choose its own address. Should the
    proxy append instead of overwrite, only the last entry is its own (the ones before come from
    the client), so that one is taken. Without a usable header, ``REMOTE_ADDR`` is used.
    """
    remote_addr = request.META.get("REMOTE_ADDR") or ""
    meta_key = settings.CLIENT_IP_META_KEY
    if not meta_key:
        return remote_addr
    candidate = (request.META.get(meta_key) or "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def _key_value(kind: str, request, view_kwargs: dict) -> str:
    if kind == "email":
        return request.POST.get("email", "").strip().lower()
    if kind == "user":
        return str(request.user.pk) if request.user.is_authenticated else ""
    if kind == "token":
        return str(view_kwargs.get("token", ""))
    raise ValueError(kind)


def check_rate_limits(request, scope: str, view_kwargs: dict | None = None) -> None:
    """Count this POST against every limit of ``scope``; raise ``Ratelimited`` when one is exceeded."""
    if request.method != "POST":
        return
    limited = False
    for kind, per_hour in settings.RATELIMITS[scope].items():
        if kind not in KEYS:
            raise ValueError(f"unknown rate-limit key {kind!r} for {scope!r}")
        rate = f"{int(per_hour)}/h"
        group = f"ki:{scope}:{kind}"
        if kind == "ip":
            key = "ip"
        else:
            value = _key_value(kind, request, view_kwargs or {})
            if not value:
                continue  # nothing to count by (e.g. an empty e-mail field): the IP limit still applies
            key = lambda _group, _request, value=value: value  # noqa: E731
        # Count on every key (no short-circuit), so a blocked client keeps being counted.
        limited |= is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)
    if limited:
        raise Ratelimited()


def rate_limited(scope: str):
    """Decorator for a view function or (via ``method_decorator``) a class-based view's ``dispatch``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            check_rate_limits(request, scope, kwargs)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

"""Data a test module builds once, and sessions prepared once per role.

``built_once(build)`` is a module-scoped fixture: ``build()`` runs once for the module inside a
transaction that is never committed, with uploaded files in a directory of the module's own. Each
test then runs inside it in its own savepoint (pytest-django's ``db``, requested after it), rolled
back after the test, so every test starts from exactly these objects, as if built for it alone.

``login_sessions(users)`` makes one logged-in session per role with those objects, exactly as the
test client's ``force_login`` does (second factor included); ``log_in(client, data, role)`` then
only presents the role's cookie. Logging in again for every case was about 40 % of a permission
matrix case's time.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from accounts.sessions import note_activity


def built_once(build: Callable[..., object]):
    """The module fixture; parametrized indirectly, ``build`` gets the parameter."""

    @pytest.fixture(scope="module")
    def fixture(request, django_db_setup, django_db_blocker, tmp_path_factory):
        args = (request.param,) if hasattr(request, "param") else ()
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("built_once") / "media"),
            transaction.atomic(),
        ):
            yield build(*args)
            transaction.set_rollback(True)

    return fixture


def login_sessions(users: dict) -> dict[str, str]:
    """The session key of one logged-in session per role (``None`` users: anonymous, left out)."""
    from conftest import VerifiedClient

    sessions = {}
    for role, user in users.items():
        if user is None:
            continue
        client = VerifiedClient()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def log_in(client, data: dict, role: str) -> None:
    """``client`` is ``role``, in the session prepared for it (``data["sessions"]``). Its activity
    time is renewed first, so the idle logout (30 minutes for staff) never ends it however long a
    run takes; the test's savepoint rolls the renewal back with everything else the test changed."""
    key = data["sessions"][role]
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    note_activity(store)
    store.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = key

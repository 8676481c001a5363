"""PostgreSQL unreachable: the German 503 page with Retry-After, never the generic 500 page.

These tests point the request's connection at a closed port (the shared PostgreSQL keeps
running); ``test_database_restart.py`` stops and restarts a real PostgreSQL of its own.
"""

import logging
import socket
from contextlib import contextmanager

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from kreisintegration import outage


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _database_unreachable():
    """The default connection of this thread goes to a port where nothing listens."""
    original = connections["default"]
    broken = original.__class__(
        {**original.settings_dict, "HOST": "127.0.0.1", "PORT": str(_closed_port())}, alias="default"
    )
    outage._last_logged_at = None
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


@pytest.fixture
def database_down():
    with _database_unreachable():
        yield


def _outage_errors(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


def _assert_is_the_503_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "kurz nicht erreichbar, bitte versuchen Sie es in einer Minute erneut" in page
    assert '<html lang="de"' in page


def test_a_page_whose_view_needs_the_database_answers_the_german_503_page(
    client, district, database_down, caplog
):
    # The query string makes sure no cached copy of the catalogue answers instead.
    response = client.get(reverse("volunteers:catalogue") + "?ausfall=1")
    _assert_is_the_503_page(response)
    errors = _outage_errors(caplog)
    assert len(errors) == 1 and errors[0].startswith("Database unavailable (OperationalError")
    caplog.clear()


def test_a_logged_in_request_fails_in_the_session_middleware_and_still_gets_the_503_page(volunteer, caplog):
    """The session is loaded in a middleware, before any view: handler500 answers there."""
    browser = Client(raise_request_exception=False)
    browser.force_login(volunteer)
    with _database_unreachable():
        response = browser.get(reverse("dashboard"))
    _assert_is_the_503_page(response)
    # The session cookie is not replaced or deleted: the person is still logged in afterwards.
    assert "sessionid" not in response.cookies
    caplog.clear()


def test_the_outage_is_logged_once_a_minute_not_once_per_request(client, district, database_down, caplog):
    for number in range(5):
        _assert_is_the_503_page(client.get(reverse("volunteers:catalogue") + f"?ausfall={number}"))
    assert len(_outage_errors(caplog)) == 1
    caplog.clear()


def test_the_503_page_is_in_english_for_english_visitors(client, district, database_down, caplog):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("volunteers:catalogue") + "?ausfall=en")
    assert response.status_code == 503
    page = response.content.decode()
    assert '<html lang="en"' in page
    assert "briefly unavailable" in page
    caplog.clear()


def test_healthz_answers_503_with_a_json_reason_when_the_database_is_down(client, db, database_down, caplog):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["database"] == "down"
    caplog.clear()


def test_any_other_server_error_still_gets_the_plain_500_page(rf, caplog):
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = outage.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Das hat leider nicht geklappt" in response.content.decode()

"""A real PostgreSQL of this test is stopped and started again under a running gunicorn.

The portal answers the German 503 page while the database is away, recovers by itself (same
gunicorn process, no restart) and sign-ups sent during the restart are saved whole or not at all.
"""

import threading
import time

import psycopg
import pytest
from django.db import connection

from kreisintegration.tests.own_services import OwnPostgres, WebServer

pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP_DOMAIN = "neustart.example.org"
DATABASE = "ki_fault"


@pytest.fixture
def own_postgres():
    server = OwnPostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def portal(own_postgres, district, tmp_path):
    """gunicorn on a copy of the test database (the district committed above) in ``own_postgres``."""
    own_postgres.copy_database(connection.settings_dict, DATABASE)
    web = WebServer(database_url=own_postgres.url(DATABASE), log_path=tmp_path / "web.log")
    try:
        yield web
    finally:
        web.stop()


def _wait_for(condition, *, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting {timeout} s for {what}")
        time.sleep(0.05)


def _assert_is_the_503_page(status, headers, page) -> None:
    assert status == 503
    assert headers["retry-after"] == "60"
    assert "kurz nicht erreichbar, bitte versuchen Sie es in einer Minute erneut" in page


def test_the_portal_answers_503_while_postgresql_is_stopped_and_recovers_without_a_restart(
    own_postgres, portal
):
    catalogue = "/kurse/"
    status, _headers, _page = portal.get(catalogue)
    assert status == 200
    status, _headers, health = portal.get("/healthz")
    assert (status, health) == (200, '{"status": "ok", "database": "ok", "redis": "ok"}')
    gunicorn_pid = portal.process.pid

    own_postgres.stop()
    # A new query string each time: a cached copy of the page must not answer instead.
    for attempt in range(3):
        _assert_is_the_503_page(*portal.get(f"{catalogue}?ausfall={attempt}"))
    status, headers, health = portal.get("/healthz")
    assert status == 503
    assert headers["content-type"] == "application/json"
    assert '"status": "down"' in health and '"database": "down"' in health

    own_postgres.start()
    # The next request already works: the broken persistent connection is noticed and replaced.
    status, _headers, _page = portal.get(f"{catalogue}?wieder=1")
    assert status == 200, portal.log()
    assert portal.get("/healthz")[0] == 200
    assert portal.process.poll() is None and portal.process.pid == gunicorn_pid
    # One ERROR line for the whole outage, not one per request.
    assert portal.log().count("Database unavailable") == 1, portal.log()


SIGNUP_ROWS = """
    WITH signed_up AS (SELECT id FROM accounts_user WHERE email LIKE %(address)s)
    SELECT (SELECT count(*) FROM signed_up),
           (SELECT count(*) FROM volunteers_volunteer WHERE user_id IN (SELECT id FROM signed_up)),
           (SELECT count(*) FROM accounts_consentrecord WHERE user_id IN (SELECT id FROM signed_up)),
           (SELECT count(*) FROM municipalities_districtrole WHERE user_id IN (SELECT id FROM signed_up)),
           (SELECT count(*) FROM accounts_outboxmail WHERE recipients::text LIKE %(recipient)s)
"""


def _signup_rows(own_postgres) -> dict:
    with psycopg.connect(own_postgres.url(DATABASE)) as database:
        counts = database.execute(
            SIGNUP_ROWS, {"address": f"%@{SIGNUP_DOMAIN}", "recipient": f'%@{SIGNUP_DOMAIN}"%'}
        ).fetchone()
        emails = database.execute(
            "SELECT email FROM accounts_user WHERE email LIKE %s", [f"%@{SIGNUP_DOMAIN}"]
        ).fetchall()
    return {
        "counts": dict(zip(("users", "volunteers", "consents", "roles", "mails"), counts, strict=True)),
        "emails": {email for (email,) in emails},
    }


def test_sign_ups_during_a_postgresql_restart_are_saved_whole_or_not_at_all(own_postgres, portal):
    """Four visitors sign up in a loop while the database stops and starts; then the rows are counted."""
    answers: list[tuple[str, int]] = []
    answers_lock = threading.Lock()
    stop = threading.Event()

    def visitor(number: int) -> None:
        attempt = 0
        while not stop.is_set():
            attempt += 1
            email = f"person-{number}-{attempt}@{SIGNUP_DOMAIN}"
            try:
                status = portal.sign_up(
                    email=email, full_name=f"Zoë Çelik {number}", path="/ehrenamt/registrieren/"
                )
            except OSError as error:  # a connection problem is an answer too: recorded, not ignored
                status = f"{type(error).__name__}"
            with answers_lock:
                answers.append((email, status))

    def count(status) -> int:
        with answers_lock:
            return sum(1 for _email, seen in answers if seen == status)

    visitors = [threading.Thread(target=visitor, args=(number,), daemon=True) for number in range(4)]
    for thread in visitors:
        thread.start()
    try:
        _wait_for(lambda: count(302) >= 4, what="sign-ups before the restart")
        own_postgres.stop()
        _wait_for(lambda: count(503) >= 2, what="503 answers while the database is stopped")
        own_postgres.start()
        saved_before = count(302)
        _wait_for(lambda: count(302) >= saved_before + 4, what="sign-ups after the restart")
    finally:
        stop.set()
        for thread in visitors:
            thread.join(timeout=60)

    statuses = {status for _email, status in answers}
    assert statuses <= {302, 503}, (statuses, portal.log())
    rows = _signup_rows(own_postgres)
    confirmed = {email for email, status in answers if status == 302}
    # Nothing lost: every sign-up the visitor saw succeed is stored.
    assert confirmed <= rows["emails"]
    # Nothing half-written: each stored account has its profile, consent, role and mail.
    counts = rows["counts"]
    assert counts == dict.fromkeys(counts, counts["users"]), counts
    assert counts["users"] >= len(confirmed) >= 8

"""The portal keeps answering when Redis dies: a real redis-server is started here and killed."""

import logging
import time

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connections
from django.urls import reverse

from kreisintegration import cache as project_cache
from kreisintegration import outage
from kreisintegration.tests.own_redis import kill_process, redis_caches, start_redis
from kreisintegration.tests.own_services import free_port


def test_healthz_reports_redis_ok_while_it_runs(client, db, own_redis):
    caches["default"].set("probe", 1)
    assert caches["default"].get("probe") == 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_pages_answer_without_redis_and_healthz_says_degraded(client, district, own_redis, caplog):
    # Fill the caches first, so the outage hits a warm portal as in production.
    assert client.get("/").status_code == 200
    kill_process(own_redis)
    caplog.set_level(logging.WARNING, logger="kreisintegration.cache")
    for url in (
        "/",
        reverse("events:calendar"),
        reverse("volunteers:catalogue"),
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
    ):
        started = time.monotonic()
        response = client.get(url)
        assert response.status_code == 200, url
        # Short socket timeouts: a dead Redis costs milliseconds, not a hung worker.
        assert time.monotonic() - started < 5, url
    response = client.post(reverse("accounts:password_reset"), {"email": "niemand@example.org"})
    assert response.status_code in (200, 302)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "redis": "down"}
    warnings = [record for record in caplog.records if record.name == "kreisintegration.cache"]
    # At most one WARNING a minute per process, however many cache calls failed.
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING


@pytest.mark.django_db(transaction=True)
def test_password_reset_still_sends_mail_without_redis(client, ki_staff, own_redis):
    kill_process(own_redis)
    response = client.post(reverse("accounts:password_reset"), {"email": ki_staff.email})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[ki_staff.email]]


def test_rate_limits_count_in_process_memory_while_redis_is_down(client, db, own_redis, settings):
    """Fail closed but usable: the limit still bites after N posts, and not before."""
    settings.RATELIMITS = {**settings.RATELIMITS, "password_reset": {"ip": 3, "email": 100}}
    kill_process(own_redis)
    url = reverse("accounts:password_reset")
    answers = [client.post(url, {"email": f"person{number}@example.org"}).status_code for number in range(4)]
    assert answers[:3] == [302, 302, 302]
    assert answers[3] == 429


def test_healthz_answers_503_when_the_database_is_down_and_logs_once_a_minute(client, db, caplog):
    """A connection to a closed port stands in for a dead PostgreSQL (the shared one keeps running).

    A load balancer probes every few seconds: one ERROR a minute, not one per probe.
    """
    original = connections["default"]
    broken = original.__class__(
        {**original.settings_dict, "HOST": "127.0.0.1", "PORT": str(free_port())}, alias="default"
    )
    connections["default"] = broken
    outage._last_logged_at = None
    try:
        responses = [client.get(reverse("healthz")) for _probe in range(3)]
    finally:
        broken.close()
        connections["default"] = original
    assert [response.status_code for response in responses] == [503, 503, 503]
    assert responses[0].json() == {"status": "down", "database": "down", "redis": "ok"}
    errors = [
        (record.name, record.getMessage()[:20])
        for record in caplog.records
        if record.levelno >= logging.ERROR
    ]
    assert errors == [("kreisintegration.outage", "Database unavailable")]
    caplog.clear()  # the expected outage log, not a failure of the test


@pytest.mark.services
def test_a_logout_during_the_outage_holds_when_redis_comes_back_with_old_data(
    client, volunteer, tmp_path, settings
):
    """Redis restarts with its data (append-only file): the session deleted at logout must stay gone."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    port = free_port()
    process = start_redis(port, tmp_path, persistent=True)
    settings.CACHES = redis_caches(port)
    project_cache._last_warning_at = None
    try:
        client.force_login(volunteer)
        assert client.get(reverse("dashboard")).status_code == 200
        # Logging out must end the session on the server, also for a copy of the cookie.
        stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
        kill_process(process)

        assert client.post(reverse("accounts:logout")).status_code == 302
        client.cookies[settings.SESSION_COOKIE_NAME] = stolen
        assert client.get(reverse("dashboard")).status_code == 302  # logged out, from the database

        process = start_redis(port, tmp_path, persistent=True)
        client.cookies[settings.SESSION_COOKIE_NAME] = stolen
        session_keys = caches["default"]._cache.get_client().keys("*django.contrib.sessions*")
        assert session_keys, "the restarted Redis has the old session again"
        response = client.get(reverse("dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert caches["default"]._cache.get_client().keys("*django.contrib.sessions*") == []
    finally:
        process.kill()
        process.wait(timeout=10)
        project_cache._pending.clear()


def test_data_versions_are_bumped_in_one_call_and_a_lost_bump_is_no_error(
    db, own_redis, caplog, django_capture_on_commit_callbacks
):
    from kreisintegration import public_cache

    before = public_cache.versions("events", "audit:1")
    with django_capture_on_commit_callbacks(execute=True):
        public_cache.invalidate("events", "audit:1")
    assert public_cache.versions("events", "audit:1") == (before[0] + 1, before[1] + 1)

    kill_process(own_redis)
    caplog.set_level(logging.WARNING, logger="kreisintegration.cache")
    with django_capture_on_commit_callbacks(execute=True):  # the commit's callback does not fail
        public_cache.invalidate("events")
    warnings = [record for record in caplog.records if record.name == "kreisintegration.cache"]
    assert [record.levelno for record in warnings] == [logging.WARNING]
    assert project_cache._pending  # the lost bump's key is deleted once Redis answers again

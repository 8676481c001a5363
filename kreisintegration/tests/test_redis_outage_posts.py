"""The main POST flows while Redis is down, and every mail delivered once when it is back.

One redis-server of this test serves cache, session copies, rate limits *and* the Celery broker,
as the single ``REDIS_URL`` does in production. It is killed; a volunteer logs in and registers
for a course, a contact submits an event and the KI approves it, somebody resets a password. No
answer is a 5xx and every write is in the database; the mails wait in the outbox. Then the same
Redis comes back (empty, as after a crash) and a real Celery worker starts on it: it sends every
queued mail exactly once, and a second flush or a late duplicate task sends nothing more.
"""

import email
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from email import policy

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conftest import MAIL_FILE_END, PASSWORD, VerifiedClient, complete_mail_files, worker_database_url
from events.models import Event
from events.tests.factories import make_event
from kreisintegration import cache as project_cache
from kreisintegration.celery import app
from kreisintegration.tests.own_redis import (
    drop_broker_connections,
    kill_process,
    redis_caches,
    start_redis,
    wait_for_task,
)
from kreisintegration.tests.own_services import free_port
from outbox.models import OutboxMail
from outbox.tasks import deliver_outbox_mail, send_pending_mail
from volunteers.models import Registration
from volunteers.tests.factories import make_course

NEW_PASSWORD = "Herbst-Nebel-2026!"


@contextmanager
def broker_and_cache_on(port: int, settings):
    """Cache, rate limits and Celery all on the test's redis-server (no eager tasks)."""
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CACHES = redis_caches(port)
    project_cache._last_warning_at = None
    drop_broker_connections()
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        drop_broker_connections()
        app.conf.broker_url, app.conf.task_always_eager = previous
        project_cache._pending.clear()


def start_worker(port: int, tmp_path) -> tuple[subprocess.Popen, object, object]:
    """A real Celery worker on the test's Redis and the test database, mailing into a folder."""
    mail_dir, log_path = tmp_path / "mail", tmp_path / "worker.log"
    env = {
        **os.environ,
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "DATABASE_URL": worker_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kreisintegration", "worker", "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    return worker, mail_dir, log_path


def read_messages(path) -> list:
    """Every message in a file of the file-based backend (one file per connection: one or more)."""
    chunks = path.read_bytes().split(MAIL_FILE_END)
    return [email.message_from_bytes(chunk, policy=policy.default) for chunk in chunks if chunk.strip()]


def run_post_flows(client_factory, *, volunteer, contact, staff, course, event) -> list[tuple[str, int]]:
    """The main writes of the portal, each through its real view; (what, status) of every answer."""
    answers = []

    person = client_factory()
    login = person.post(reverse("accounts:login"), {"username": volunteer.email, "password": PASSWORD})
    answers.append(("login", login.status_code))
    register = person.post(reverse("volunteers:register", kwargs={"pk": course.pk}))
    answers.append(("register", register.status_code))
    answers.append(("course page", person.get(course.get_absolute_url()).status_code))

    office = client_factory()
    office.force_login(contact)
    answers.append(("submit", office.post(reverse("events:submit", kwargs={"pk": event.pk})).status_code))

    ki = client_factory()
    ki.force_login(staff)
    decision = ki.post(reverse("events:review", kwargs={"pk": event.pk}), {"decision": "approve"})
    answers.append(("decide", decision.status_code))

    anonymous = client_factory()
    answers.append(
        ("reset", anonymous.post(reverse("accounts:password_reset"), {"email": volunteer.email}).status_code)
    )
    # The link of the reset mail (the token is the one the mail carries): set a new password.
    volunteer.refresh_from_db()  # the token depends on the last login, which was just now
    uid = urlsafe_base64_encode(force_bytes(volunteer.pk))
    token = default_token_generator.make_token(volunteer)
    form = anonymous.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    answers.append(("reset link", form.status_code))
    done = anonymous.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    answers.append(("new password", done.status_code))
    return answers


@pytest.mark.worker
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_post_flows_without_redis_save_everything_and_every_mail_goes_out_once_when_it_is_back(
    district, unna, volunteer, contact_unna, ki_staff, tmp_path, settings, caplog
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    course = make_course(district, title="Sprachmittlung im Alltag", sessions=2, capacity=12)
    event = make_event(by=contact_unna, municipality=unna, title="Nachbarschaftsfest Königsborn")
    port = free_port()
    redis = start_redis(port, tmp_path)
    worker = None
    try:
        with broker_and_cache_on(port, settings):
            kill_process(redis)
            answers = run_post_flows(
                VerifiedClient,
                volunteer=volunteer,
                contact=contact_unna,
                staff=ki_staff,
                course=course,
                event=event,
            )

            assert [(what, status) for what, status in answers if status >= 500] == []
            assert dict(answers) == {
                "login": 302,
                "register": 302,
                "course page": 200,
                "submit": 302,
                "decide": 302,
                "reset": 302,
                "reset link": 200,
                "new password": 302,
            }
            # Every write is saved, in the database, without Redis.
            registration = Registration.objects.get(course=course, volunteer=volunteer.volunteer)
            assert registration.status == Registration.Status.REGISTERED
            event.refresh_from_db()
            assert event.status == Event.Status.APPROVED
            volunteer.refresh_from_db()
            assert volunteer.check_password(NEW_PASSWORD)
            queued = list(OutboxMail.objects.order_by("pk"))
            assert {mail.status for mail in queued} == {OutboxMail.Status.QUEUED}
            expected = {(mail.recipients[0], mail.subject) for mail in queued}
            assert {
                (volunteer.email, "Anmeldung bestätigt: Sprachmittlung im Alltag"),
                (ki_staff.email, "Neue Einreichung zur Prüfung"),
                (contact_unna.email, f"Veröffentlicht: {event.title}"),
                (volunteer.email, "Neues Passwort für das Portal Kreisintegration"),
            } <= expected
            assert len(expected) == len(queued)

            # Redis is back (empty, as after a crash) and a worker starts on it.
            redis = start_redis(port, tmp_path)
            worker, mail_dir, log_path = start_worker(port, tmp_path)
            deadline = time.monotonic() + 90
            while OutboxMail.objects.exclude(status=OutboxMail.Status.SENT).exists():
                assert worker.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, f"mail not sent; worker log:\n{log_path.read_text()}"
                time.sleep(0.2)

            # A second flush and a late duplicate of one delivery: nothing more goes out.
            wait_for_task(send_pending_mail.delay(), log_path)
            wait_for_task(deliver_outbox_mail.delay(queued[0].pk), log_path)
            messages = [message for path in complete_mail_files(mail_dir) for message in read_messages(path)]
            assert sorted((message["To"], message["Subject"]) for message in messages) == sorted(expected)
            assert len({message["Message-ID"] for message in messages}) == len(queued)
            assert all(mail.attempts == 1 for mail in OutboxMail.objects.all())
            reset_mail = next(m for m in messages if m["Subject"].startswith("Neues Passwort"))
            assert re.search(
                rf"/konto/passwort-neu/{urlsafe_base64_encode(force_bytes(volunteer.pk))}/",
                reset_mail.get_body(preferencelist=("plain",)).get_content(),
            )
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        if redis.poll() is None:
            kill_process(redis)
    # The flows really ran without Redis: the cache said so (once) and each mail stayed in the outbox.
    outage_warnings = [r.getMessage()[:24] for r in caplog.records if r.name == "kreisintegration.cache"]
    assert outage_warnings[:1] == ["Redis cache unavailable "]
    assert len([r for r in caplog.records if "broker is unreachable" in r.getMessage()]) == len(queued)

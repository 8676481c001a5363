"""No lost mail when the broker is down: fault tests with the real services.

Celery is pointed at a Redis port where nothing listens (the broker is "down") while the real
views run; afterwards the real broker "returns" with a real worker, which sends what the
outbox holds: exactly once.
"""

import logging
import time
from contextlib import contextmanager

import pytest
from django.urls import reverse

from conftest import complete_mail_files, read_mail_file, wait_for_mail
from events.models import Event, EventChange
from events.tests.factories import make_event
from kreisintegration.celery import app
from kreisintegration.tests.own_redis import drop_broker_connections, wait_for_task
from kreisintegration.tests.own_services import free_port
from outbox.models import OutboxMail
from outbox.tasks import deliver_outbox_mail, send_pending_mail
from volunteers.models import Registration
from volunteers.tests.factories import make_course

Status = OutboxMail.Status


@contextmanager
def dead_broker():
    """Celery publishes to a Redis address where nothing listens; eager mode off."""
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    drop_broker_connections()
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        drop_broker_connections()
        app.conf.broker_url, app.conf.task_always_eager = previous


def broker_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and "broker is unreachable" in record.getMessage()
    ]


def test_a_dead_broker_cannot_hold_up_a_request_for_long():
    """Publishing gives up quickly (the mail waits in the outbox); nothing is timed here."""
    assert 0 < app.conf.broker_transport_options["socket_connect_timeout"] <= 5
    assert 0 < app.conf.broker_connection_timeout <= 5
    assert app.conf.task_publish_retry_policy["max_retries"] <= 3
    assert app.conf.task_publish_retry_policy["interval_max"] <= 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_registration_with_the_broker_down_is_saved_and_mailed_once_when_it_returns(
    request, client, district, volunteer, caplog
):
    course = make_course(district, title="Interkulturelle Kompetenz", sessions=2)
    client.force_login(volunteer)

    with dead_broker():
        response = client.post(reverse("volunteers:register", kwargs={"pk": course.pk}))

    assert response.status_code == 302
    registration = Registration.objects.get(course=course, volunteer=volunteer.volunteer)
    assert registration.status == Registration.Status.REGISTERED
    [queued] = OutboxMail.objects.all()
    assert (queued.status, queued.attempts) == (Status.QUEUED, 0)
    assert queued.recipients == [volunteer.email]
    assert queued.idempotency_key == f"course-registered:{registration.pk}"
    assert queued.district_id == district.pk
    assert len(broker_warnings(caplog)) == 1  # a WARNING, not an ERROR (the autouse check)

    # The broker returns and a worker starts: on start it sends what the outbox holds.
    mail_dir, log_path = request.getfixturevalue("real_worker")
    message = wait_for_mail(mail_dir, lambda m: True)
    assert message is not None, f"worker delivered nothing; its log:\n{log_path.read_text()}"
    assert "Worker started: mail outbox flush queued" in log_path.read_text()
    assert message["To"] == volunteer.email
    assert message["Subject"] == "Anmeldung bestätigt: Interkulturelle Kompetenz"
    assert "Sie sind verbindlich angemeldet" in message.get_body(preferencelist=("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "kurs.ics"
    deadline = time.monotonic() + 30
    while OutboxMail.objects.get().status != Status.SENT and time.monotonic() < deadline:
        time.sleep(0.1)
    assert OutboxMail.objects.get().status == Status.SENT

    # The beat flush and a late duplicate of the delivery task run again: nothing more is sent.
    wait_for_task(send_pending_mail.delay(), log_path)
    wait_for_task(deliver_outbox_mail.delay(queued.pk), log_path)
    files = complete_mail_files(mail_dir)
    assert len(files) == 1
    assert read_mail_file(files[0])["Subject"] == "Anmeldung bestätigt: Interkulturelle Kompetenz"
    assert OutboxMail.objects.get().attempts == 1


def test_review_decision_with_the_broker_down_succeeds_and_its_mail_waits(
    client, unna, contact_unna, ki_staff, caplog, django_capture_on_commit_callbacks
):
    event = make_event(by=contact_unna, municipality=unna, title="Sprachcafé", status=Event.Status.SUBMITTED)
    client.force_login(ki_staff)

    with dead_broker(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:review", kwargs={"pk": event.pk}), {"decision": "approve"})

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.APPROVED
    decision = event.changes.get(action=EventChange.Action.APPROVED)
    [queued] = OutboxMail.objects.all()
    assert (queued.status, queued.template) == (Status.QUEUED, "event_decision")
    assert queued.recipients == [contact_unna.email]
    assert queued.subject == "Veröffentlicht: Sprachcafé"
    assert queued.idempotency_key == f"event-decision:{decision.pk}"
    assert queued.district_id == unna.district_id
    assert len(broker_warnings(caplog)) == 1


def test_event_submission_with_the_broker_down_succeeds_and_its_mail_waits(
    client, unna, contact_unna, ki_staff, caplog, django_capture_on_commit_callbacks
):
    event = make_event(by=contact_unna, municipality=unna, title="Interkulturelle Woche")
    client.force_login(contact_unna)

    with dead_broker(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:submit", kwargs={"pk": event.pk}))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED
    [queued] = OutboxMail.objects.all()
    assert (queued.status, queued.template) == (Status.QUEUED, "event_submitted")
    assert queued.recipients == [ki_staff.email]
    assert queued.district_id == unna.district_id
    assert len(broker_warnings(caplog)) == 1

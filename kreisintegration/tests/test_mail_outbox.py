"""The mail outbox: stored with the business change, sent once, retried with backoff, purged."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from kreisintegration.tests.own_services import free_port
from outbox import services
from outbox.models import OutboxMail

pytestmark = pytest.mark.django_db

Status = OutboxMail.Status


def queue_reset_mail(user, **kwargs) -> OutboxMail | None:
    return services.send_templated_mail(
        to=user.email,
        template="password_reset",
        context={"user": user, "reset_path": "/konto/passwort-neu/MQ/token/"},
        language="de",
        **kwargs,
    )


@pytest.fixture
def dead_smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens: a real SMTP connection is refused
    settings.EMAIL_TIMEOUT = 2
    settings.MAIL_MAX_ATTEMPTS = 3


def test_mail_is_stored_with_the_change_and_sent_after_commit(ki_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        stored = queue_reset_mail(ki_staff, district_id=7)
        assert OutboxMail.objects.get().status == Status.QUEUED
        assert mail.outbox == []  # nothing leaves before the commit

    [message] = mail.outbox
    assert message.to == [ki_staff.email]
    assert message.subject == OutboxMail.objects.get().subject
    assert "/konto/passwort-neu/MQ/token/" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["Message-ID"].startswith(f"<outbox-{stored.pk}-")
    sent = OutboxMail.objects.get()
    assert (sent.status, sent.attempts, sent.district_id, sent.template) == (
        Status.SENT,
        1,
        7,
        "password_reset",
    )
    assert sent.sent_at is not None
    # The body with its one-time link is wiped once the mail is out; the envelope stays for a while.
    assert (sent.text_body, sent.html_body, sent.attachments) == ("", "", [])


def test_mail_of_a_rolled_back_change_is_neither_stored_nor_sent(
    ki_staff, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_reset_mail(ki_staff)
        raise RuntimeError("the business change fails")

    assert callbacks == []
    assert not OutboxMail.objects.exists()
    assert mail.outbox == []


def test_same_idempotency_key_gives_one_mail(ki_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_reset_mail(ki_staff, idempotency_key="course-registered:42")
        second = queue_reset_mail(ki_staff, idempotency_key="course-registered:42")
        other = queue_reset_mail(ki_staff, idempotency_key="course-registered:43")

    assert first is not None and other is not None
    assert second is None
    assert OutboxMail.objects.count() == 2
    assert len(mail.outbox) == 2
    # Once sent, the key still stops a late duplicate (e.g. a task that ran twice).
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_reset_mail(ki_staff, idempotency_key="course-registered:42") is None
    assert len(mail.outbox) == 2


def test_a_mail_rendered_beforehand_is_stored_once_per_key(ki_staff, django_capture_on_commit_callbacks):
    """With ``rendered`` there is no look-up first: the one INSERT … ON CONFLICT decides."""
    rendered = ("Betreff", "Text", "<p>Text</p>")
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_reset_mail(ki_staff, idempotency_key="course-waitlisted:7", rendered=rendered)
        second = queue_reset_mail(ki_staff, idempotency_key="course-waitlisted:7", rendered=rendered)
    assert first is not None and first.pk and second is None
    stored = OutboxMail.objects.get()
    assert (stored.pk, stored.subject, stored.status) == (first.pk, "Betreff", Status.SENT)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body == "Text" and mail.outbox[0].alternatives[0][0] == "<p>Text</p>"


def test_without_key_every_call_is_a_new_mail(ki_staff):
    queue_reset_mail(ki_staff)
    queue_reset_mail(ki_staff)
    assert OutboxMail.objects.count() == 2
    assert len(set(OutboxMail.objects.values_list("idempotency_key", flat=True))) == 2


def test_suppressed_mail_is_not_stored(ki_staff):
    with services.mail_suppressed():
        assert queue_reset_mail(ki_staff) is None
    assert not OutboxMail.objects.exists()


def test_attachments_are_stored_and_sent_with_the_mail(ki_staff):
    ics = "BEGIN:VCALENDAR\r\nSUMMARY:Sprachcafé Lünen\r\nEND:VCALENDAR\r\n"
    pdf = b"%PDF-1.4 \xe2\x80\x93 binary"
    stored = queue_reset_mail(
        ki_staff,
        attachments=[("kurs.ics", ics, "text/calendar"), ("bescheinigung.pdf", pdf, "application/pdf")],
    )
    assert [a["filename"] for a in stored.attachments] == ["kurs.ics", "bescheinigung.pdf"]

    assert services.deliver_outbox_mail(mail_id=stored.pk) is True

    [message] = mail.outbox
    assert message.attachments[0].filename == "kurs.ics"
    assert message.attachments[0].content == ics
    assert message.attachments[1].content == pdf


def test_a_mail_is_sent_once_however_often_delivery_runs(ki_staff):
    stored = queue_reset_mail(ki_staff)

    assert services.deliver_outbox_mail(mail_id=stored.pk) is True
    assert services.deliver_outbox_mail(mail_id=stored.pk) is False
    assert services.send_pending_mail() == 0
    assert len(mail.outbox) == 1


def test_failed_attempts_back_off_and_end_as_failed(ki_staff, dead_smtp, caplog):
    stored = queue_reset_mail(ki_staff)

    before = timezone.now()
    assert services.deliver_outbox_mail(mail_id=stored.pk) is False
    first = OutboxMail.objects.get()
    assert (first.status, first.attempts) == (Status.QUEUED, 1)
    assert first.last_error.startswith("ConnectionRefusedError")
    assert timedelta(seconds=55) < first.next_attempt_at - before < timedelta(minutes=1, seconds=5)
    assert services.deliver_outbox_mail(mail_id=stored.pk) is False  # not due yet: no attempt
    assert OutboxMail.objects.get().attempts == 1

    OutboxMail.objects.update(next_attempt_at=timezone.now())
    before = timezone.now()
    services.deliver_outbox_mail(mail_id=stored.pk)
    second = OutboxMail.objects.get()
    assert (second.status, second.attempts) == (Status.QUEUED, 2)
    assert timedelta(seconds=115) < second.next_attempt_at - before < timedelta(minutes=2, seconds=5)

    OutboxMail.objects.update(next_attempt_at=timezone.now())
    services.send_pending_mail()
    last = OutboxMail.objects.get()
    assert (last.status, last.attempts) == (Status.FAILED, 3)
    assert mail.outbox == []
    warnings = [r for r in caplog.records if r.name == "outbox.services" and r.levelno == logging.WARNING]
    assert len(warnings) == 3
    assert "giving up" in warnings[-1].getMessage()
    # A failed mail stays where the status page shows it; the beat task leaves it alone.
    OutboxMail.objects.update(next_attempt_at=timezone.now() - timedelta(days=1))
    assert services.send_pending_mail() == 0
    assert OutboxMail.objects.get().status == Status.FAILED


def test_retry_queues_a_failed_mail_again_and_sends_it(ki_staff, django_capture_on_commit_callbacks):
    stored = queue_reset_mail(ki_staff)
    OutboxMail.objects.filter(pk=stored.pk).update(status=Status.FAILED, attempts=8, last_error="SMTPError")

    with django_capture_on_commit_callbacks(execute=True):
        retried = services.retry_outbox_mail(by=ki_staff, mail=stored)
        assert (retried.status, retried.attempts) == (Status.QUEUED, 0)

    assert OutboxMail.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1


def test_send_stuck_longer_than_the_timeout_is_queued_again(ki_staff, settings):
    settings.MAIL_SENDING_TIMEOUT_MINUTES = 10
    stuck = queue_reset_mail(ki_staff)
    busy = queue_reset_mail(ki_staff)
    now = timezone.now()
    OutboxMail.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, sending_since=now - timedelta(minutes=11)
    )
    OutboxMail.objects.filter(pk=busy.pk).update(
        status=Status.SENDING, sending_since=now - timedelta(minutes=2)
    )

    assert services.send_pending_mail() == 1

    assert OutboxMail.objects.get(pk=stuck.pk).status == Status.SENT
    assert OutboxMail.objects.get(pk=busy.pk).status == Status.SENDING  # another worker is still at it
    assert len(mail.outbox) == 1


def test_pending_mail_is_sent_in_batches(ki_staff):
    for _ in range(5):
        queue_reset_mail(ki_staff)

    assert services.send_pending_mail(batch_size=2) == 5
    assert len(mail.outbox) == 5
    assert set(OutboxMail.objects.values_list("status", flat=True)) == {Status.SENT}


def test_sent_mail_is_deleted_after_the_retention_period(ki_staff, settings):
    settings.MAIL_OUTBOX_RETENTION_DAYS = 30
    now = timezone.now()
    old, recent, failed = (queue_reset_mail(ki_staff) for _ in range(3))
    OutboxMail.objects.filter(pk=old.pk).update(status=Status.SENT, sent_at=now - timedelta(days=31))
    OutboxMail.objects.filter(pk=recent.pk).update(status=Status.SENT, sent_at=now - timedelta(days=29))
    OutboxMail.objects.filter(pk=failed.pk).update(
        status=Status.FAILED, created_at=now - timedelta(days=90), next_attempt_at=now - timedelta(days=89)
    )

    services.send_pending_mail(now=now)

    assert set(OutboxMail.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}


def test_forgetting_a_person_removes_their_mails(ki_staff, trainer):
    to_person = queue_reset_mail(ki_staff)
    services.send_templated_mail(
        to=[ki_staff.email, trainer.email],
        template="password_reset",
        context={"user": trainer, "reset_path": "/x/"},
    )
    unrelated = queue_reset_mail(trainer)

    assert services.forget_mail_to(email=ki_staff.email.upper()) == 2

    assert not OutboxMail.objects.filter(pk=to_person.pk).exists()
    assert sorted(OutboxMail.objects.values_list("recipients", flat=True)) == [
        [trainer.email],
        [trainer.email],
    ]
    assert OutboxMail.objects.filter(pk=unrelated.pk).exists()

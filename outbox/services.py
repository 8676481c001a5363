"""The one way mail leaves the portal: render, store in the outbox, hand to Celery, send, purge."""

from __future__ import annotations

import base64
import logging
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from .models import OutboxMail
from .outbox_insert import insert_unless_present

logger = logging.getLogger(__name__)

_state = threading.local()


@contextmanager
def mail_suppressed():
    """Store and send no mail inside this block (demo seeding walks the workflow without mailing anybody)."""
    previous = getattr(_state, "suppressed", False)
    _state.suppressed = True
    try:
        yield
    finally:
        _state.suppressed = previous


def render_mail(*, template: str, context: dict, language: str | None = None) -> tuple[str, str, str]:
    """Render ``mail/<template>_subject.txt``, ``.txt`` and ``.html`` in a language.

    Returns (subject, text, html). The subject is one line.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"mail/{template}_subject.txt", context)
        text = render_to_string(f"mail/{template}.txt", context)
        html = render_to_string(f"mail/{template}.html", context)
    return " ".join(subject.split()), text, html


def send_templated_mail(
    *,
    to: list[str] | str,
    template: str,
    context: dict,
    language: str | None = None,
    reply_to: str = "",
    attachments: list[tuple[str, str | bytes, str]] | None = None,
    idempotency_key: str = "",
    district_id: int | None = None,
    rendered: tuple[str, str, str] | None = None,
) -> OutboxMail | None:
    """Render a message now and store it in the outbox, in the caller's transaction.

    The row exists if and only if the caller's change commits. After the commit the mail is
    handed to Celery; when the broker is unreachable it simply stays queued and the beat task
    (or a worker coming back) sends it later. ``idempotency_key`` names the occasion
    (e.g. ``"course-registered:<registration id>"``): a second call with the same key stores
    nothing and returns None; without a key every call is a new mail. ``district_id`` scopes the
    mail on the KI's status page. ``rendered``: (subject, text, html) already rendered by the
    caller from the same template and context (e.g. before it took a lock). Returns the stored
    row, or None when nothing was stored (suppressed or a duplicate).
    """
    if getattr(_state, "suppressed", False):
        return None
    if (
        idempotency_key
        and rendered is None
        and OutboxMail.objects.filter(idempotency_key=idempotency_key).exists()
    ):
        return None  # already stored (queued or sent): do not even render it again
    recipients = [to] if isinstance(to, str) else list(to)
    subject, text, html = rendered or render_mail(template=template, context=context, language=language)
    fields = {
        "template": template,
        "recipients": recipients,
        "reply_to": reply_to,
        "subject": subject,
        "text_body": text,
        "html_body": html,
        "attachments": [_encode_attachment(*attachment) for attachment in attachments or []],
        "language": language or "",
        "district_id": district_id,
    }
    if idempotency_key:
        # One statement (INSERT … ON CONFLICT DO NOTHING): a concurrent transaction with the same
        # key makes it wait; if that one commits, nothing is added here and this call returns None.
        mail = insert_unless_present(OutboxMail(idempotency_key=idempotency_key, **fields))
        if mail is None:
            return None
    else:
        mail = OutboxMail.objects.create(idempotency_key=f"uuid:{uuid.uuid4()}", **fields)
    mail_id = mail.pk
    transaction.on_commit(lambda: enqueue_outbox_mail(mail_id=mail_id))
    return mail


def _encode_attachment(filename: str, content: str | bytes, mimetype: str) -> dict:
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    return {"filename": filename, "mimetype": mimetype, "content": base64.b64encode(data).decode("ascii")}


def enqueue_outbox_mail(*, mail_id: int) -> bool:
    """Hand a stored mail to Celery; with the broker down it stays queued (no error for the caller).

    Returns whether the task was handed over. Connect timeouts and publish retries are short
    (settings: ``CELERY_BROKER_TRANSPORT_OPTIONS``, ``CELERY_TASK_PUBLISH_RETRY_POLICY``), so a
    request does not hang on a dead broker.
    """
    from .tasks import deliver_outbox_mail

    try:
        deliver_outbox_mail.delay(mail_id)
    except (KombuOperationalError, RedisConnectionError, OSError) as error:
        logger.warning(
            "Mail %s stays in the outbox, the broker is unreachable (%s); it is sent later.",
            mail_id,
            type(error).__name__,
        )
        return False
    return True


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after the n-th failed attempt, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def _short_error(error: BaseException) -> str:
    """Class and message of a delivery error, cut short; SMTP errors carry no credentials."""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}"[:300]


def _build_message(mail: OutboxMail) -> EmailMultiAlternatives:
    from_domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=mail.recipients,
        reply_to=[mail.reply_to] if mail.reply_to else None,
        # The same Message-ID on a repeated send lets mail programs recognise the duplicate.
        headers={"Message-ID": f"<outbox-{mail.pk}-{int(mail.created_at.timestamp())}@{from_domain}>"},
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    for attachment in mail.attachments:
        message.attach(
            attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"]
        )
    return message


def deliver_outbox_mail(*, mail_id: int) -> bool:
    """Send one queued mail if it is due; True when this call sent it.

    Exactly once between workers: the conditional UPDATE (queued → sending) lets only one
    process claim the row; everybody else finds nothing to do. What remains is at least once
    in one narrow window: a worker killed after the SMTP server accepted the message but before
    the row is marked sent leaves it in ``sending``; after ``MAIL_SENDING_TIMEOUT_MINUTES`` it is
    queued again and sent a second time (with the same Message-ID).
    """
    now = timezone.now()
    claimed = OutboxMail.objects.filter(
        pk=mail_id, status=OutboxMail.Status.QUEUED, next_attempt_at__lte=now
    ).update(status=OutboxMail.Status.SENDING, sending_since=now)
    if not claimed:
        return False
    mail = OutboxMail.objects.get(pk=mail_id)
    try:
        _build_message(mail).send()
    except Exception as error:  # any failure of the mail backend counts as a failed attempt
        attempts = mail.attempts + 1
        failed = attempts >= settings.MAIL_MAX_ATTEMPTS
        OutboxMail.objects.filter(pk=mail_id, status=OutboxMail.Status.SENDING).update(
            status=OutboxMail.Status.FAILED if failed else OutboxMail.Status.QUEUED,
            attempts=attempts,
            last_error=_short_error(error),
            next_attempt_at=timezone.now() + _backoff(attempts),
            sending_since=None,
        )
        logger.warning(
            "Mail %s (%s) not sent, attempt %s of %s%s: %s",
            mail_id,
            mail.template,
            attempts,
            settings.MAIL_MAX_ATTEMPTS,
            ", giving up" if failed else "",
            _short_error(error),
        )
        return False
    # Sent: the bodies (which may hold one-time links) are not needed any more.
    OutboxMail.objects.filter(pk=mail_id).update(
        status=OutboxMail.Status.SENT,
        sent_at=timezone.now(),
        attempts=mail.attempts + 1,
        last_error="",
        sending_since=None,
        text_body="",
        html_body="",
        attachments=[],
    )
    return True


def send_pending_mail(*, now=None, batch_size: int = 100, max_batches: int = 10) -> int:
    """Beat task body: release stuck sends, send what is due, delete old sent mails.

    Safe to run in parallel with itself and with single deliveries (every row is claimed).
    Returns the number of mails sent.
    """
    now = now or timezone.now()
    stuck_before = now - timedelta(minutes=settings.MAIL_SENDING_TIMEOUT_MINUTES)
    released = OutboxMail.objects.filter(
        status=OutboxMail.Status.SENDING, sending_since__lt=stuck_before
    ).update(status=OutboxMail.Status.QUEUED, sending_since=None, next_attempt_at=now)
    if released:
        logger.warning("%s mail(s) were stuck while sending (worker stopped?) and are queued again", released)
    purge_sent_mail(now=now)
    sent = 0
    for _batch in range(max_batches):
        due = list(
            OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not due:
            break
        results = [deliver_outbox_mail(mail_id=mail_id) for mail_id in due]
        sent += sum(results)
        if not any(results):
            break  # everything due failed or was taken by another worker: leave it for the next run
    return sent


def purge_sent_mail(*, now=None) -> int:
    """Sent mails hold personal data (addresses, names): delete them after the retention period."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MAIL_OUTBOX_RETENTION_DAYS)
    deleted, _per_model = OutboxMail.objects.filter(
        status=OutboxMail.Status.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted


@transaction.atomic
def retry_outbox_mail(*, by: AbstractBaseUser, mail: OutboxMail) -> OutboxMail:
    """A failed mail is queued once more (the KI's status page; the view checks the scope)."""
    OutboxMail.objects.filter(pk=mail.pk, status=OutboxMail.Status.FAILED).update(
        status=OutboxMail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    mail.refresh_from_db()
    if mail.status == OutboxMail.Status.QUEUED:
        logger.info("Mail %s queued again by user %s", mail.pk, by.pk)
        mail_id = mail.pk
        transaction.on_commit(lambda: enqueue_outbox_mail(mail_id=mail_id))
    return mail


def forget_mail_to(*, email: str) -> int:
    """A person deleted their account: the outbox keeps no mail to their address (Art. 17 GDPR).

    Mails only to them are deleted, whatever their state; from a mail to several people the
    address is removed. Returns the number of rows changed or deleted.
    """
    address = email.lower()
    changed = 0
    for mail in OutboxMail.objects.filter(recipients__icontains=email).only("pk", "recipients"):
        remaining = [recipient for recipient in mail.recipients if recipient.lower() != address]
        if len(remaining) == len(mail.recipients):
            continue  # the address was only part of another one
        if remaining:
            OutboxMail.objects.filter(pk=mail.pk).update(recipients=remaining)
        else:
            mail.delete()
        changed += 1
    return changed

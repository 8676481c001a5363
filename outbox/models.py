"""The mail outbox: every e-mail the portal sends is a row here first (see services)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMail(models.Model):
    """One rendered e-mail, stored in the same transaction as the change that caused it.

    The row exists if and only if the business change committed, so no mail is lost when the
    broker or the worker is down (a beat task sends what is pending) and none is sent for a
    rolled-back change. ``idempotency_key`` is unique: the same notice queued twice is one mail.

    ``district_id`` is a plain number, not a foreign key: ``outbox`` sits below every domain app in
    the dependency order (docs/architecture.md) and must not import them. It only scopes the
    status page for KI staff; mails without a district (password reset) are shown to superusers
    only.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Wartet auf Versand")
        SENDING = "sending", _("Wird gesendet")
        SENT = "sent", _("Gesendet")
        FAILED = "failed", _("Fehlgeschlagen")

    idempotency_key = models.CharField(max_length=200, unique=True)
    template = models.CharField(_("Vorlage"), max_length=100, blank=True)
    recipients = models.JSONField(_("Empfänger"), default=list)
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.TextField(_("Betreff"))
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    # [{"filename": ..., "mimetype": ..., "content": <base64>}]; small files only (.ics, PDF).
    attachments = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=10, blank=True)
    district_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.CharField(_("Letzter Fehler"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Erstellt"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("Nächster Versuch"), default=timezone.now)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("Gesendet am"), null=True, blank=True)

    class Meta:
        # The table was created by the ``accounts`` app, where the model lived first; it keeps its name.
        db_table = "accounts_outboxmail"
        verbose_name = _("E-Mail im Postausgang")
        verbose_name_plural = _("E-Mails im Postausgang")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)} ({self.status})"

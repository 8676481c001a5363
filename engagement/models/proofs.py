"""The proof of use (Verwendungsnachweis) and its receipts list."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from municipalities.models import CostType

from .applications import Application
from .organisations import MONEY


def receipt_file_path(instance: ReceiptFile, filename: str) -> str:
    # Never the uploaded name: a random one per file, with the suffix of the checked kind.
    return (
        f"engagement/receipts/{instance.proof.application_id}/"
        f"{secrets.token_hex(16)}{ReceiptFile.SUFFIXES[instance.kind]}"
    )


class ProofOfUse(models.Model):
    """The Verwendungsnachweis of a grant: a factual report and a receipts list, checked by the KI."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")
        RETURNED = "returned", _("zur Korrektur zurückgegeben")
        ACCEPTED = "accepted", _("anerkannt")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="proof")
    report = models.TextField(_("Sachbericht"), blank=True)
    volunteers_reached = models.PositiveIntegerField(_("beteiligte Ehrenamtliche"), default=0)
    newcomers_reached = models.PositiveIntegerField(_("erreichte Neuzugewanderte"), default=0)
    newcomers_became_volunteers = models.PositiveIntegerField(
        _("davon selbst ehrenamtlich aktiv geworden"), default=0
    )
    # Calendar events the grant paid for (submitted to the calendar as usual, events app); the
    # choice is limited by ``selectors.linkable_events``.
    events = models.ManyToManyField(
        "events.Event", verbose_name=_("Veranstaltungen"), blank=True, related_name="+"
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    review_comment = models.TextField(_("Hinweis des Integrationszentrums"), blank=True)
    reviewed_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Verwendungsnachweis")
        verbose_name_plural = _("Verwendungsnachweise")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return str(self.application)

    def get_absolute_url(self) -> str:
        return reverse("engagement:proof_detail", kwargs={"pk": self.application_id})

    @property
    def audit_district_id(self) -> int:
        return self.application.organisation.district_id

    @property
    def audit_label(self) -> str:
        return self.application.title


class Receipt(models.Model):
    """One line of a proof's receipts list (Belegliste)."""

    proof = models.ForeignKey(ProofOfUse, on_delete=models.CASCADE, related_name="receipts")
    paid_on = models.DateField(_("Datum"))
    cost_type = models.ForeignKey(
        CostType, verbose_name=_("Kostenart"), on_delete=models.PROTECT, related_name="+"
    )
    payee = models.CharField(_("Zahlungsempfänger*in"), max_length=200)
    purpose = models.CharField(_("Zweck"), max_length=200)
    amount = models.DecimalField(_("Betrag (€)"), validators=[MinValueValidator(Decimal("0"))], **MONEY)

    class Meta:
        verbose_name = _("Beleg")
        verbose_name_plural = _("Belegliste")
        ordering = ["paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="receipt_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.payee}: {self.amount}"


class ReceiptFile(models.Model):
    """An uploaded receipt (PDF, JPEG or PNG) of a proof of use.

    Stored through Django's storage under a random name, outside any public URL: it is served only
    by ``views.receipts.ReceiptFileView`` to the organisation's members and the district's KI staff.
    The kind is what the content turned out to be (``engagement.uploads``), not what the name said.
    """

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    CONTENT_TYPES = {Kind.PDF: "application/pdf", Kind.JPEG: "image/jpeg", Kind.PNG: "image/png"}
    SUFFIXES = {Kind.PDF: ".pdf", Kind.JPEG: ".jpg", Kind.PNG: ".png"}

    proof = models.ForeignKey(ProofOfUse, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("Datei"), upload_to=receipt_file_path, max_length=200)
    kind = models.CharField(_("Dateiart"), max_length=10, choices=Kind.choices)
    original_name = models.CharField(_("Dateiname"), max_length=200)
    description = models.CharField(_("Beschreibung"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Beleg-Datei")
        verbose_name_plural = _("Beleg-Dateien")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.kind]

    @property
    def download_name(self) -> str:
        return f"beleg-{self.proof.application_id}-{self.pk}{self.SUFFIXES[self.kind]}"

    @property
    def audit_district_id(self) -> int:
        return self.proof.application.organisation.district_id

    @property
    def audit_label(self) -> str:
        return self.proof.application.title  # the project, never the file's (maybe personal) name


class Repayment(models.Model):
    """Money an organisation paid back after its proof of use showed less spent than paid out.

    Recorded by KI staff once the proof is accepted; it makes the money free again in the budget
    of the grant's funding year (``selectors.budget_overview``: budget − approved + returned).
    """

    proof = models.ForeignKey(ProofOfUse, on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField(
        _("zurückgezahlter Betrag (€)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    received_on = models.DateField(_("eingegangen am"))
    note = models.TextField(_("Vermerk"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Rückzahlung")
        verbose_name_plural = _("Rückzahlungen")
        ordering = ["received_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.proof}: {self.amount} ({self.received_on})"

    @property
    def audit_district_id(self) -> int:
        return self.proof.application.organisation.district_id

    @property
    def audit_label(self) -> str:
        return self.proof.application.title

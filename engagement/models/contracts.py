"""Forwarding contracts (with the bank details), their template, and payment requests."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.models import District

from ..iban import mask_iban
from .applications import Application
from .organisations import MONEY

DEFAULT_CONTRACT_TERMS = (
    "Der Kreis leitet der Initiative Mittel aus dem Förderprogramm weiter. Die Mittel dürfen nur für das "
    "bewilligte Vorhaben und die Kostenarten des Kostenplans verwendet werden. Nicht verbrauchte Mittel "
    "werden zurückgezahlt."
)
DEFAULT_REPORTING_DUTIES = (
    "Die Initiative legt einen Verwendungsnachweis vor: einen kurzen Sachbericht, die Zahl der beteiligten "
    "Ehrenamtlichen und erreichten Neuzugewanderten und eine Belegliste."
)


class ContractTemplate(models.Model):
    """The terms of a district's forwarding contracts, edited by the KI (Django admin)."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="+")
    terms = models.TextField(_("Bedingungen"), default=DEFAULT_CONTRACT_TERMS)
    reporting_duties = models.TextField(_("Berichtspflichten"), default=DEFAULT_REPORTING_DUTIES)
    proof_due_days = models.PositiveSmallIntegerField(
        _("Frist für den Verwendungsnachweis (Tage nach Ende des Vorhabens)"), default=90
    )

    class Meta:
        verbose_name = _("Vorlage für Weiterleitungsverträge")
        verbose_name_plural = _("Vorlagen für Weiterleitungsverträge")

    def __str__(self) -> str:
        return str(self.district)

    @property
    def audit_district_id(self) -> int:
        return self.district_id


class ForwardingContract(models.Model):
    """The Weiterleitungsvertrag of an approved application, with the bank details entered for it.

    Terms are copied from the district's template when the contract is made, so a later edit of the
    template does not change a concluded contract.
    """

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="contract")
    account_holder = models.CharField(_("Kontoinhaber*in"), max_length=200)
    iban = models.CharField(_("IBAN"), max_length=34)
    terms = models.TextField(_("Bedingungen"))
    reporting_duties = models.TextField(_("Berichtspflichten"))
    proof_due_on = models.DateField(_("Verwendungsnachweis fällig am"))
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Weiterleitungsvertrag")
        verbose_name_plural = _("Weiterleitungsverträge")

    def __str__(self) -> str:
        return f"{self.application} ({self.proof_due_on})"

    @property
    def audit_district_id(self) -> int:
        return self.application.organisation.district_id

    @property
    def masked_iban(self) -> str:
        return mask_iban(self.iban)


class PaymentRequest(models.Model):
    """A Mittelabruf: the organisation asks for (part of) the approved money; KI approves, then pays."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("abgerufen")
        APPROVED = "approved", _("freigegeben")
        PAID = "paid", _("ausgezahlt")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payment_requests")
    amount = models.DecimalField(_("Betrag (€)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("abgerufen am"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(_("ausgezahlt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Mittelabruf")
        verbose_name_plural = _("Mittelabrufe")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False), name="paid_has_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.amount}"

    @property
    def audit_district_id(self) -> int:
        return self.application.organisation.district_id

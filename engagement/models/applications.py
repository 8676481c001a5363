"""Applications for small grants, their cost plans and the advice meetings before a decision."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from municipalities.models import BuildingBlock, CostType, FundingProgramme, Municipality, TargetGroup
from municipalities.text import SingleLineCharField

from .organisations import MONEY, Organisation


class Application(models.Model):
    """An application (Antrag) of an organisation for a small grant."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")
        CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
        APPROVED = "approved", _("bewilligt")
        REJECTED = "rejected", _("abgelehnt")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Organisation"), on_delete=models.PROTECT, related_name="applications"
    )
    programme = models.ForeignKey(
        FundingProgramme, verbose_name=_("Förderprogramm"), on_delete=models.PROTECT, related_name="+"
    )
    measure_area = models.ForeignKey(
        BuildingBlock, verbose_name=_("Maßnahmenbereich"), on_delete=models.PROTECT, related_name="+"
    )
    title = SingleLineCharField(_("Titel des Vorhabens"), max_length=200)
    description = models.TextField(_("Beschreibung"))
    municipalities = models.ManyToManyField(Municipality, verbose_name=_("Kommunen"), related_name="+")
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("Zielgruppen"), related_name="+")
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"))
    expected_volunteers = models.PositiveIntegerField(_("erwartete Zahl der Ehrenamtlichen"))
    expected_newcomers = models.PositiveIntegerField(_("erwartete Zahl erreichter Neuzugewanderter"))
    requested_amount = models.DecimalField(
        _("beantragter Betrag (€)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    approved_amount = models.DecimalField(_("bewilligter Betrag (€)"), null=True, blank=True, **MONEY)
    decision_comment = models.TextField(_("Begründung oder Hinweis"), blank=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    # Set when the retention period has passed: names, free text and bank details are gone, the money
    # figures and counts stay (services.retention).
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Förderantrag")
        verbose_name_plural = _("Förderanträge")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["programme", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="application_period"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_amount__gt=0), name="approved_has_amount"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:application_detail", kwargs={"pk": self.pk})

    @property
    def audit_district_id(self) -> int:
        return self.organisation.district_id

    @property
    def audit_label(self) -> str:
        return self.title

    @property
    def funding_year(self) -> int:
        return self.starts_on.year


class CostItem(models.Model):
    """One line of an application's cost plan."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cost_items")
    cost_type = models.ForeignKey(
        CostType, verbose_name=_("Kostenart"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("Erläuterung"), max_length=200, blank=True)
    amount = models.DecimalField(_("Betrag (€)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)

    class Meta:
        verbose_name = _("Kostenposition")
        verbose_name_plural = _("Kostenplan")
        ordering = ["cost_type__position", "pk"]

    def __str__(self) -> str:
        return f"{self.cost_type}: {self.amount}"


class AdviceMeeting(models.Model):
    """The advice meeting the programme requires before an application is decided."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="advice_meetings")
    held_on = models.DateField(_("Datum des Gesprächs"))
    notes = models.TextField(_("Notizen"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Beratungsgespräch")
        verbose_name_plural = _("Beratungsgespräche")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.application} ({self.held_on})"

    @property
    def audit_district_id(self) -> int:
        return self.application.organisation.district_id

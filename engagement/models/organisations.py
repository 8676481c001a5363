"""Organisations (local initiatives) and their members, and the district's annual budget."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.models import District, FundingProgramme, Municipality
from municipalities.text import SingleLineCharField

MONEY = {"max_digits": 10, "decimal_places": 2}


class AnnualBudget(models.Model):
    """The money a district may forward to local initiatives in one year of a programme."""

    programme = models.ForeignKey(
        FundingProgramme, verbose_name=_("Förderprogramm"), on_delete=models.PROTECT, related_name="budgets"
    )
    district = models.ForeignKey(
        District, verbose_name=_("Kreis"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Förderjahr"))
    amount = models.DecimalField(_("Budget (€)"), validators=[MinValueValidator(Decimal("0"))], **MONEY)
    cap_per_applicant = models.DecimalField(
        _("Höchstbetrag je Antragsteller (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leer: der Höchstbetrag des Förderprogramms."),
        **MONEY,
    )

    class Meta:
        verbose_name = _("Jahresbudget")
        verbose_name_plural = _("Jahresbudgets")
        ordering = ["-year", "programme"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "district", "year"], name="annual_budget_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year} ({self.district})"

    @property
    def audit_district_id(self) -> int:
        return self.district_id

    @property
    def effective_cap(self) -> Decimal | None:
        return (
            self.cap_per_applicant if self.cap_per_applicant is not None else self.programme.cap_per_applicant
        )


class Organisation(models.Model):
    """A local initiative (association, migrant organisation, volunteer group) holding accounts."""

    class LegalForm(models.TextChoices):
        REGISTERED_ASSOCIATION = "ev", _("eingetragener Verein (e. V.)")
        NONPROFIT_COMPANY = "ggmbh", _("gemeinnützige GmbH")
        FOUNDATION = "stiftung", _("Stiftung")
        RELIGIOUS = "religion", _("Religionsgemeinschaft")
        UNINCORPORATED = "initiative", _("Initiative oder Gruppe ohne Rechtsform")
        OTHER = "andere", _("andere Rechtsform")

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("E-Mail-Adresse noch nicht bestätigt")
        PENDING = "pending", _("wartet auf Bestätigung durch das Integrationszentrum")
        CONFIRMED = "confirmed", _("bestätigt")

    district = models.ForeignKey(
        District, verbose_name=_("Kreis"), on_delete=models.PROTECT, related_name="+"
    )
    name = SingleLineCharField(_("Name der Organisation"), max_length=200)
    legal_form = models.CharField(_("Rechtsform"), max_length=20, choices=LegalForm.choices)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postcode = models.CharField(_("Postleitzahl"), max_length=5)
    town = models.CharField(_("Ort"), max_length=100)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.UNCONFIRMED)
    created_at = models.DateTimeField(_("registriert am"), auto_now_add=True)
    email_confirmed_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("vom Integrationszentrum bestätigt am"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the retention period of all its grants has passed and no member is left (services.retention).
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{5}$"), name="organisation_postcode_5_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.district_id

    @property
    def audit_label(self) -> str:
        return self.name

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class OrganisationMember(models.Model):
    """A person acting for an organisation; the contact person receives the organisation's mail."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    is_contact = models.BooleanField(_("Ansprechperson"), default=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitglied einer Organisation")
        verbose_name_plural = _("Mitglieder von Organisationen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="organisation_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.user_id}"

    @property
    def audit_district_id(self) -> int:
        return self.organisation.district_id

    @property
    def audit_label(self) -> str:
        return self.organisation.name

"""Small grants of the current volunteer programme: organisations, budgets, applications, decisions.

An organisation (a local initiative) applies for money of a ``municipalities.FundingProgramme`` that
funds local initiatives; the KI records the advice meeting and decides. Approvals commit the
district's ``AnnualBudget`` of the funding year, which is locked while an approval is written.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from municipalities.models import (
    BuildingBlock,
    CostType,
    District,
    FundingProgramme,
    Municipality,
    TargetGroup,
)
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
        from .iban import mask_iban

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


# Volunteer placements live in their own module; importing them here registers the models with the app.
from .placement_models import Placement, PlacementInterest  # noqa: E402, F401

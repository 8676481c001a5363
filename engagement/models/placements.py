"""Volunteer placements (Einsatzstellen): what organisations and the KI offer, and who is interested.

A volunteer expresses interest and chooses which of their languages to share; the publisher sees the
volunteer's name and those languages, and their contact data only after the volunteer agreed (the
consent is recorded with its time and text version).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from municipalities.models import District, Language, Municipality
from municipalities.text import SingleLineCharField
from volunteers.models import Qualification

# Raised when the wording of the consent to pass on contact data changes.
CONTACT_CONSENT_VERSION = "2026-12"


class Placement(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("veröffentlicht")
        CLOSED = "closed", _("beendet")

    district = models.ForeignKey(
        District, verbose_name=_("Kreis"), on_delete=models.PROTECT, related_name="+"
    )
    # Empty: published by the integration centre itself.
    organisation = models.ForeignKey(
        "engagement.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="+"
    )
    title = SingleLineCharField(_("Was ist zu tun?"), max_length=200)
    description = models.TextField(_("Beschreibung"))
    place = models.CharField(
        _("Wo genau?"), max_length=200, blank=True, help_text=_("z. B. Stadtteil oder Einrichtung")
    )
    schedule = models.CharField(
        _("Wann und wie oft?"), max_length=200, help_text=_("z. B. „dienstags 16–18 Uhr, wöchentlich“")
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("gebrauchte Sprachen"), blank=True, related_name="+"
    )
    qualifications = models.ManyToManyField(
        Qualification, verbose_name=_("erforderliche Qualifikationen"), blank=True, related_name="+"
    )
    contact = models.CharField(
        _("Kontakt"),
        max_length=200,
        help_text=_("Wie Interessierte die Einsatzstelle erreichen, z. B. Telefon oder E-Mail."),
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements_created",
    )
    created_at = models.DateTimeField(_("veröffentlicht am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Einsatzstelle")
        verbose_name_plural = _("Einsatzstellen")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:placement_detail", kwargs={"pk": self.pk})

    @property
    def audit_district_id(self) -> int:
        return self.district_id

    @property
    def audit_label(self) -> str:
        return self.title


class PlacementInterest(models.Model):
    class Status(models.TextChoices):
        INTERESTED = "interested", _("Interesse bekundet")
        PLACED = "placed", _("vermittelt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="placement_interests"
    )
    shared_languages = models.ManyToManyField(
        Language, verbose_name=_("mitgeteilte Sprachen"), blank=True, related_name="+"
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.INTERESTED)
    contact_consent_at = models.DateTimeField(_("Kontaktdaten freigegeben am"), null=True, blank=True)
    contact_consent_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(_("Interesse bekundet am"), auto_now_add=True)
    placed_at = models.DateTimeField(_("vermittelt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Interesse an einer Einsatzstelle")
        verbose_name_plural = _("Interessen an Einsatzstellen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "user"], name="placement_interest_once"),
            models.CheckConstraint(
                condition=~Q(status="placed") | Q(placed_at__isnull=False), name="placed_interest_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement} – {self.user_id}"

    @property
    def audit_district_id(self) -> int:
        return self.placement.district_id

    @property
    def shares_contact(self) -> bool:
        return self.contact_consent_at is not None

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from municipalities.models import (
    District,
    FieldOfAction,
    Language,
    Municipality,
)

# The text a volunteer agrees to when telling us they once came as a newcomer. A new wording
# gets a new version; each consent records the version it was given for.
NEWCOMER_CONSENT_VERSION = "2026-1"
PRIVACY_NOTICE_VERSION = "2026-1"


class Volunteer(models.Model):
    """The volunteer profile of a user (one per person and district)."""

    user = models.OneToOneField(
        # SET_NULL: removing a user keeps the anonymous profile that registrations and evidence need.
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="volunteer",
        null=True,
        blank=True,
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="volunteers")
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Wohnort (Kommune)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteers",
    )
    phone = models.CharField(_("Telefon (optional)"), max_length=40, blank=True)
    availability = models.TextField(
        _("Wann haben Sie Zeit?"), blank=True, help_text=_("z. B. „dienstags nachmittags, am Wochenende“")
    )
    interests = models.ManyToManyField(
        FieldOfAction, verbose_name=_("Interessen"), blank=True, related_name="interested_volunteers"
    )
    came_as_newcomer = models.BooleanField(
        _("Ich bin selbst als Neuzugewanderte*r nach Deutschland gekommen"), default=False
    )
    newcomer_consent_at = models.DateTimeField(null=True, blank=True)
    newcomer_consent_version = models.CharField(max_length=20, blank=True)
    privacy_consent_at = models.DateTimeField(null=True, blank=True)
    privacy_consent_version = models.CharField(max_length=20, blank=True)
    email_confirmed_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)
    # Set when the mail "your account will be deleted after long inactivity" went out; a login
    # afterwards clears it (``volunteers.retention``).
    inactivity_warning_sent_at = models.DateTimeField(
        _("Hinweis auf Löschung wegen Inaktivität gesendet am"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("Ehrenamtliche*r")
        verbose_name_plural = _("Ehrenamtliche")
        indexes = [
            models.Index(fields=["created_at"], name="volunteer_created_at_idx"),
            models.Index(fields=["district", "municipality"]),
        ]

    def __str__(self) -> str:
        if self.user_id:
            return str(self.user)
        return str(_("anonymisiert"))

    @property
    def counts_as_newcomer(self) -> bool:
        """Only with recorded consent does the newcomer flag count anywhere."""
        return bool(self.came_as_newcomer and self.newcomer_consent_at)


class VolunteerLanguage(models.Model):
    class Level(models.TextChoices):
        NATIVE = "native", _("Muttersprache")
        FLUENT = "fluent", _("fließend")
        GOOD = "good", _("gut")
        BASIC = "basic", _("Grundkenntnisse")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("Niveau"), max_length=10, choices=Level.choices, default=Level.GOOD)

    class Meta:
        verbose_name = _("Sprache")
        verbose_name_plural = _("Sprachen")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "language"], name="volunteer_language_once")
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_level_display()})"


class RetainedNewcomerCount(models.Model):
    """Anonymous remainder of the figure "newcomers who became volunteers, active in ``year``".

    That figure counts *people* (distinct profiles) who took part in a course of the year.
    When retention cuts the link between old registrations and a person
    (``volunteers.retention``), the person is no longer countable through them, so the
    retention job adds them here – a number, no link to anybody – and the figure adds it back.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    active_newcomers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("anonymer Restwert (Neuzugewanderte als Ehrenamtliche)")
        verbose_name_plural = _("anonyme Restwerte (Neuzugewanderte als Ehrenamtliche)")
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="retained_newcomers_once")]

    def __str__(self) -> str:
        return f"{self.district} {self.year}: {self.active_newcomers}"

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.models import (
    District,
)

from .people import Volunteer


class Qualification(models.Model):
    """What completing a course makes visible, e.g. „Grundqualifizierung Ehrenamt“."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="qualifications")
    name = models.CharField(_("Bezeichnung"), max_length=150)
    slug = models.SlugField(_("Kurzname"), max_length=80)
    description = models.TextField(_("Beschreibung"), blank=True)
    # A first-aid or child-protection certificate is valid for a time; empty: never expires.
    validity_months = models.PositiveSmallIntegerField(
        _("Gültigkeit (Monate)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Leer lassen, wenn die Qualifikation nicht abläuft (z. B. 24 für zwei Jahre)."),
    )

    class Meta:
        verbose_name = _("Qualifikation")
        verbose_name_plural = _("Qualifikationen")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["district", "slug"], name="qualification_slug")]

    def __str__(self) -> str:
        return self.name


# One teaching unit (Unterrichtseinheit, UE) is 45 minutes: the unit of the funding evidence.


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_date(qualification: Qualification, earned_on: date) -> date | None:
    """The last day a qualification earned on ``earned_on`` is valid, or None (never expires).

    Valid for ``validity_months`` from the day it was earned: earned 15.03.2026 for 24 months →
    valid until 14.03.2028 inclusive.
    """
    if not qualification.validity_months:
        return None
    return add_months(earned_on, qualification.validity_months) - timedelta(days=1)


class VolunteerQualification(models.Model):
    """A qualification a volunteer holds: from a course, or from an external proof KI staff confirmed."""

    class Source(models.TextChoices):
        COURSE = "course", _("Kurs")
        EXTERNAL = "external", _("externer Nachweis")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="qualifications")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="holders")
    course = models.ForeignKey(
        "volunteers.Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("erworben am"), auto_now_add=True)
    source = models.CharField(_("Herkunft"), max_length=10, choices=Source.choices, default=Source.COURSE)
    # The day the qualification was earned (course completed, external certificate issued); the
    # validity runs from it. ``valid_until``: last valid day, empty when it never expires.
    earned_on = models.DateField(_("erworben am (Tag)"), null=True, blank=True)
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    expiry_reminder_sent_at = models.DateTimeField(
        _("Erinnerung an Ablauf gesendet am"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("erworbene Qualifikation")
        verbose_name_plural = _("erworbene Qualifikationen")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "qualification"], name="qualification_once_per_volunteer"
            )
        ]
        indexes = [
            models.Index(fields=["granted_at"], name="qualification_granted_at_idx"),
            models.Index(fields=["valid_until"], name="qualification_valid_until_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer}: {self.qualification}"

    def is_expired(self, today: date | None = None) -> bool:
        from django.utils import timezone

        return self.valid_until is not None and self.valid_until < (today or timezone.localdate())

    @property
    def expired(self) -> bool:
        return self.is_expired()


def valid_qualifications_q(today: date, prefix: str = "") -> Q:
    """Held qualifications that have not expired by ``today`` (``prefix``: the path to them)."""
    return Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today})

"""Indicators (Kennzahlen): reusable definitions, the targets goals set on them, and their values."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import District, FieldOfAction, Municipality

from .versions import YEAR_VALIDATORS, Goal

VALUE_DIGITS = {"max_digits": 14, "decimal_places": 4}


class Indicator(models.Model):
    """A reusable indicator definition of one district."""

    class Source(models.TextChoices):
        OFFICIAL = "official", _("amtliche Statistik / externe Quelle")
        PORTAL = "portal", _("eigene Zählung des Portals")

    class Level(models.TextChoices):
        DISTRICT = "district", _("Kreis")
        MUNICIPALITY = "municipality", _("Kommune")

    class PortalKey(models.TextChoices):
        """What the portal computes in SQL for a portal indicator (never typed in)."""

        OFFERS_PER_10000 = "offers_per_10000", _("Angebote je 10.000 Einwohner*innen (je Handlungsfeld)")
        VOLUNTEERS_QUALIFIED = "volunteers_qualified", _("qualifizierte Ehrenamtliche")
        NEWCOMERS_VOLUNTEERING = "newcomers_volunteering", _("Neuzugewanderte, die Ehrenamtliche wurden")

    district = models.ForeignKey(
        District, verbose_name=_("Kreis"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=80)
    unit = models.CharField(_("Einheit"), max_length=60, help_text=_("z. B. „%“, „je 1.000“, „Personen“"))
    definition = models.TextField(_("Definition"), blank=True)
    source = models.CharField(
        _("Quelle (Art)"), max_length=20, choices=Source.choices, default=Source.OFFICIAL
    )
    source_name = models.CharField(
        _("Quelle"), max_length=200, blank=True, help_text=_("z. B. „IT.NRW“, „Bundesagentur für Arbeit“")
    )
    portal_key = models.CharField(_("Berechnung"), max_length=40, choices=PortalKey.choices, blank=True)
    field_of_action = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld (für Angebotszahlen)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.CharField(_("Ebene"), max_length=20, choices=Level.choices, default=Level.MUNICIPALITY)
    reference_population = models.CharField(
        _("Bezugsgröße"), max_length=200, blank=True, help_text=_("z. B. „je 1.000 Ausländer*innen“")
    )
    is_percent = models.BooleanField(_("Anteil in Prozent"), default=False)
    allows_negative = models.BooleanField(
        _("negative Werte möglich"), default=False, help_text=_("nur für Veränderungsraten und Salden")
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["district", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="indicator_slug_in_district"),
            # A portal indicator says what to compute; an official one is typed in or imported.
            models.CheckConstraint(
                condition=(Q(source="portal") & ~Q(portal_key=""))
                | (Q(source="official") & Q(portal_key="")),
                name="indicator_portal_key_iff_portal",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.district_id

    @property
    def is_portal(self) -> bool:
        return self.source == self.Source.PORTAL

    def clean(self) -> None:
        super().clean()
        if self.source == self.Source.PORTAL and not self.portal_key:
            raise ValidationError({"portal_key": _("Bitte wählen Sie, was das Portal berechnen soll.")})
        if self.source == self.Source.OFFICIAL and self.portal_key:
            raise ValidationError({"portal_key": _("Nur Kennzahlen des Portals werden berechnet.")})
        if self.portal_key == self.PortalKey.OFFERS_PER_10000 and not self.field_of_action_id:
            raise ValidationError({"field_of_action": _("Bitte wählen Sie das Handlungsfeld der Angebote.")})

    def value_errors(self, value: Decimal | None) -> list[str]:
        """Why ``value`` is not a possible value of this indicator (empty when it is)."""
        if value is None:
            return []
        if self.is_percent and not (Decimal(0) <= value <= Decimal(100)):
            return [str(_("Ein Anteil in Prozent liegt zwischen 0 und 100."))]
        if not self.allows_negative and value < 0:
            return [str(_("Diese Kennzahl kann nicht negativ sein."))]
        return []


class GoalIndicator(models.Model):
    """An indicator that makes a goal verifiable: baseline and target with its direction."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("höher ist besser")
        LOWER = "lower", _("niedriger ist besser")

    goal = models.ForeignKey(Goal, verbose_name=_("Ziel"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("Kennzahl"), on_delete=models.PROTECT, related_name="targets"
    )
    baseline_value = models.DecimalField(_("Ausgangswert"), null=True, blank=True, **VALUE_DIGITS)
    baseline_year = models.PositiveSmallIntegerField(
        _("Ausgangsjahr"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    target_value = models.DecimalField(_("Zielwert"), null=True, blank=True, **VALUE_DIGITS)
    target_year = models.PositiveSmallIntegerField(
        _("Zieljahr"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    direction = models.CharField(
        _("Richtung"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Kennzahl mit Zielwert")
        verbose_name_plural = _("Kennzahlen mit Zielwerten")
        ordering = ["goal", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "indicator"],
                name="goal_indicator_once",
                violation_error_message=_("Diese Kennzahl ist dem Ziel bereits zugeordnet."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True)
                | Q(target_year__isnull=True)
                | Q(target_year__gte=F("baseline_year")),
                name="goal_indicator_target_after_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} – {self.indicator}"

    @property
    def has_target(self) -> bool:
        return self.target_value is not None and self.target_year is not None

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.baseline_year and self.target_year and self.target_year < self.baseline_year:
            errors.setdefault("target_year", []).append(_("Das Zieljahr liegt vor dem Ausgangsjahr."))
        if self.goal_id:
            version = self.goal.version
            if self.target_year and not version.year_in_period(self.target_year):
                errors.setdefault("target_year", []).append(
                    _("Das Zieljahr muss in der Laufzeit %(start)s–%(end)s liegen.")
                    % {"start": version.period_start, "end": version.period_end}
                )
            if self.baseline_year and self.baseline_year > version.period_end:
                errors.setdefault("baseline_year", []).append(
                    _("Das Ausgangsjahr liegt nach dem Ende der Laufzeit (%(end)s).")
                    % {"end": version.period_end}
                )
            if self.indicator_id and self.indicator.district_id != version.concept.district_id:
                errors.setdefault("indicator", []).append(_("Die Kennzahl gehört zu einem anderen Kreis."))
        if self.indicator_id:
            for field in ("baseline_value", "target_value"):
                for message in self.indicator.value_errors(getattr(self, field)):
                    errors.setdefault(field, []).append(message)
        if (self.baseline_value is None) != (self.baseline_year is None):
            errors.setdefault("baseline_year", []).append(
                _("Ausgangswert und Ausgangsjahr gehören zusammen: bitte beide angeben.")
            )
        if (self.target_value is None) != (self.target_year is None):
            errors.setdefault("target_year", []).append(
                _("Zielwert und Zieljahr gehören zusammen: bitte beide angeben.")
            )
        if errors:
            raise ValidationError(errors)


class IndicatorValue(models.Model):
    """The value of an official indicator for one municipality (or the whole district) and year.

    Portal indicators are never stored here: they are computed from the portal's data.
    A correction updates the row and keeps the old value in ``IndicatorValueRevision``.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("Kennzahl"), on_delete=models.CASCADE, related_name="values"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_values",
        help_text=_("leer: Wert für den ganzen Kreis"),
    )
    year = models.PositiveSmallIntegerField(_("Jahr"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("Wert"), **VALUE_DIGITS)
    source = models.CharField(
        _("Quelle"), max_length=200, blank=True, help_text=_("z. B. „IT.NRW, Stand 31.12.2024“")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("erfasst am"), default=timezone.now)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        verbose_name = _("Kennzahlwert")
        verbose_name_plural = _("Kennzahlwerte")
        ordering = ["indicator", "year", "municipality__name"]
        indexes = [models.Index(fields=["indicator", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "municipality", "year"],
                condition=Q(municipality__isnull=False),
                name="indicator_value_once_per_municipality_year",
                violation_error_message=_("Für diese Kommune und dieses Jahr gibt es bereits einen Wert."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(municipality__isnull=True),
                name="indicator_value_once_per_district_year",
                violation_error_message=_("Für den Kreis und dieses Jahr gibt es bereits einen Wert."),
            ),
        ]

    def __str__(self) -> str:
        where = self.municipality.name if self.municipality_id else _("Kreis")
        return f"{self.indicator} {where} {self.year}: {self.value}"

    @property
    def audit_district_id(self) -> int:
        return self.indicator.district_id

    @property
    def audit_label(self) -> str:
        return self.indicator.name

    def clean(self) -> None:
        super().clean()
        if not self.indicator_id:
            return
        errors: dict[str, list[str]] = {}
        if self.indicator.is_portal:
            errors.setdefault("indicator", []).append(
                _("Diese Kennzahl berechnet das Portal selbst; sie wird nicht eingegeben.")
            )
        if self.municipality_id:
            if self.indicator.level == Indicator.Level.DISTRICT:
                errors.setdefault("municipality", []).append(
                    _("Diese Kennzahl gibt es nur für den ganzen Kreis.")
                )
            if self.municipality.district_id != self.indicator.district_id:
                errors.setdefault("municipality", []).append(_("Die Kommune gehört zu einem anderen Kreis."))
        for message in self.indicator.value_errors(self.value):
            errors.setdefault("value", []).append(message)
        if errors:
            raise ValidationError(errors)


class IndicatorValueRevision(models.Model):
    """The value a correction replaced: who had entered it, and who corrected it when."""

    indicator_value = models.ForeignKey(IndicatorValue, on_delete=models.CASCADE, related_name="revisions")
    old_value = models.DecimalField(_("bisheriger Wert"), **VALUE_DIGITS)
    old_source = models.CharField(_("bisherige Quelle"), max_length=200, blank=True)
    old_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    old_entered_at = models.DateTimeField(_("bisher erfasst am"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("korrigiert von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("korrigiert am"), default=timezone.now)

    class Meta:
        verbose_name = _("frühere Fassung eines Kennzahlwerts")
        verbose_name_plural = _("frühere Fassungen von Kennzahlwerten")
        ordering = ["indicator_value", "-changed_at"]

    def __str__(self) -> str:
        return f"{self.indicator_value_id}: {self.old_value} ({self.changed_at:%Y-%m-%d})"

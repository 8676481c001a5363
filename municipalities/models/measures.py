"""Measures (Maßnahmen) a municipality runs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..text import SingleLineCharField
from .places import Municipality
from .reference import FieldOfAction, Language, TargetGroup


class Measure(models.Model):
    """A Maßnahme: an ongoing offer of a municipality (a weekly language café, a counselling service)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        RUNNING = "running", _("läuft")
        ENDED = "ended", _("beendet")

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="measures"
    )
    title = SingleLineCharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    provider = models.CharField(_("Träger"), max_length=200, blank=True)
    fields_of_action = models.ManyToManyField(
        FieldOfAction, verbose_name=_("Handlungsfelder"), blank=True, related_name="measures"
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("Zielgruppen"), blank=True, related_name="measures"
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("Sprachen"), blank=True, related_name="measures"
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(_("Beginn"), null=True, blank=True)
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    funding = models.CharField(
        _("Förderprogramm"), max_length=200, blank=True, help_text=_("z. B. „KOMM-AN NRW, Baustein B“")
    )
    contact = models.CharField(_("Kontakt"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["updated_at"], name="measure_updated_at_idx"),
            models.Index(fields=["municipality", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "municipalities:measure_detail", kwargs={"slug": self.municipality.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Das Ende liegt vor dem Beginn.")})

"""Advice records: the KI's meetings with a municipality and the follow-ups agreed there."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import District, Municipality

from .versions import Goal


class AdviceMeeting(models.Model):
    """A Beratungsgespräch with a municipality about its goals and gaps."""

    district = models.ForeignKey(
        District, verbose_name=_("Kreis"), on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="advice_meetings"
    )
    held_on = models.DateField(_("Datum"))
    participants = models.TextField(
        _("Teilnehmende"),
        help_text=_("Namen und Funktionen der Mitarbeitenden, z. B. „A. Yılmaz (Integrationsbeauftragte)“."),
    )
    topics = models.ManyToManyField(
        Goal, verbose_name=_("Themen (Ziele)"), blank=True, related_name="advice_meetings"
    )
    gap_topics = models.TextField(_("Themen (Lücken)"), blank=True)
    notes = models.TextField(_("Notizen"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Beratungsgespräch")
        verbose_name_plural = _("Beratungsgespräche")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["municipality", "held_on"])]

    def __str__(self) -> str:
        return f"{self.municipality} {self.held_on:%d.%m.%Y}"

    @property
    def audit_district_id(self) -> int:
        return self.district_id

    @property
    def audit_label(self) -> str:
        return self.municipality.name

    def clean(self) -> None:
        super().clean()
        if self.municipality_id and self.district_id and self.municipality.district_id != self.district_id:
            raise ValidationError({"municipality": _("Die Kommune gehört zu einem anderen Kreis.")})


class FollowUp(models.Model):
    """An agreed next step with an owner and a due date; shown on the owner's start page until done."""

    meeting = models.ForeignKey(AdviceMeeting, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.CharField(_("Vereinbarung"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zuständig"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advice_follow_ups",
    )
    due_on = models.DateField(_("fällig am"))
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Vereinbarung")
        verbose_name_plural = _("Vereinbarungen")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def audit_district_id(self) -> int:
        return self.meeting.district_id

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()

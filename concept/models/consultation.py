"""Consultation of the municipalities on a draft version (Beteiligung, Einvernehmen — § 8 TIntG)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import FieldOfAction, Municipality

from .versions import ConceptVersion, Goal


class ReadReceipt(models.Model):
    """A municipality's contact opened the draft (for the KI's tracking table)."""

    version = models.ForeignKey(ConceptVersion, on_delete=models.CASCADE, related_name="read_receipts")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(_("gelesen am"), default=timezone.now)

    class Meta:
        verbose_name = _("Lesebestätigung")
        verbose_name_plural = _("Lesebestätigungen")
        ordering = ["version", "municipality", "read_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "municipality", "user"], name="read_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} / {self.municipality_id}"


class ConsultationComment(models.Model):
    """A municipality's comment on a field of action or a goal of a draft."""

    version = models.ForeignKey(ConceptVersion, on_delete=models.CASCADE, related_name="comments")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="concept_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    field_of_action = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("Ziel"), on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    text = models.TextField(_("Anmerkung"))
    created_at = models.DateTimeField(_("verfasst am"), default=timezone.now)

    class Meta:
        verbose_name = _("Anmerkung zur Beteiligung")
        verbose_name_plural = _("Anmerkungen zur Beteiligung")
        ordering = ["version", "created_at"]
        indexes = [models.Index(fields=["version", "municipality"])]
        constraints = [
            # A comment is about one thing: a field of action or a goal (or the draft as a whole).
            models.CheckConstraint(
                condition=Q(field_of_action__isnull=True) | Q(goal__isnull=True),
                name="consultation_comment_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.text[:40]}"

    @property
    def audit_district_id(self) -> int:
        return self.municipality.district_id

    def clean(self) -> None:
        super().clean()
        if self.field_of_action_id and self.goal_id:
            raise ValidationError(_("Eine Anmerkung bezieht sich auf ein Handlungsfeld oder auf ein Ziel."))
        if self.goal_id and self.version_id and self.goal.version_id != self.version_id:
            raise ValidationError({"goal": _("Das Ziel gehört zu einer anderen Fassung.")})
        if not (self.text or "").strip():
            raise ValidationError({"text": _("Bitte schreiben Sie Ihre Anmerkung.")})


class CommentAnswer(models.Model):
    """The KI's answer to a comment; visible to the commenting municipality."""

    comment = models.ForeignKey(ConsultationComment, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("Antwort"))
    created_at = models.DateTimeField(_("verfasst am"), default=timezone.now)

    class Meta:
        verbose_name = _("Antwort auf eine Anmerkung")
        verbose_name_plural = _("Antworten auf Anmerkungen")
        ordering = ["comment", "created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class MunicipalityPosition(models.Model):
    """A municipality's position on a version: Einvernehmen, with remarks, or objection."""

    class Position(models.TextChoices):
        AGREED = "agreed", _("Einvernehmen erklärt")
        AGREED_WITH_REMARKS = "agreed_with_remarks", _("Einvernehmen mit Anmerkungen")
        OBJECTION = "objection", _("Widerspruch")

    version = models.ForeignKey(ConceptVersion, on_delete=models.CASCADE, related_name="positions")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="concept_positions"
    )
    position = models.CharField(_("Stellungnahme"), max_length=30, choices=Position.choices)
    reasons = models.TextField(_("Begründung / Anmerkungen"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erklärt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("erklärt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Stellungnahme einer Kommune")
        verbose_name_plural = _("Stellungnahmen der Kommunen")
        ordering = ["version", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "municipality"],
                name="position_once_per_municipality",
                violation_error_message=_("Diese Kommune hat zu dieser Fassung bereits Stellung genommen."),
            ),
            models.CheckConstraint(
                condition=Q(position="agreed") | ~Q(reasons=""), name="position_reasons_unless_agreed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.position}"

    @property
    def audit_district_id(self) -> int:
        return self.municipality.district_id

    @property
    def audit_label(self) -> str:
        return self.municipality.name

    def clean(self) -> None:
        super().clean()
        if self.position and self.position != self.Position.AGREED and not (self.reasons or "").strip():
            raise ValidationError(
                {"reasons": _("Bitte begründen Sie einen Widerspruch oder nennen Sie Ihre Anmerkungen.")}
            )

"""A district's concept, its versions (Fortschreibungen), pillars, fields, goals and measures."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from municipalities.models import District, FieldOfAction, FundingProgramme, Measure, Municipality

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class Concept(models.Model):
    """The Integrationskonzept of one district; its content lives in versions."""

    district = models.OneToOneField(
        District, verbose_name=_("Kreis"), on_delete=models.CASCADE, related_name="concept"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Integrationskonzept")
        verbose_name_plural = _("Integrationskonzepte")

    def __str__(self) -> str:
        return str(_("Integrationskonzept %(district)s") % {"district": self.district.name})

    @property
    def audit_district_id(self) -> int:
        return self.district_id


class ConceptVersion(models.Model):
    """One version (the first concept or a Fortschreibung). Adopted versions are frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        CONSULTATION = "consultation", _("in Beteiligung")
        ADOPTED = "adopted", _("beschlossen")
        SUPERSEDED = "superseded", _("abgelöst")

    # The workflow's steps are stated once in ``concept/workflow.py``; these are its two halves.
    EDITABLE_STATUSES = (Status.DRAFT, Status.CONSULTATION)
    FROZEN_STATUSES = (Status.ADOPTED, Status.SUPERSEDED)

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(
        _("Fortschreibung Nr."), help_text=_("1 für das erste Konzept, 2 für die erste Fortschreibung …")
    )
    title = models.CharField(_("Titel"), max_length=200)
    period_start = models.PositiveSmallIntegerField(_("Laufzeit von (Jahr)"), validators=YEAR_VALIDATORS)
    period_end = models.PositiveSmallIntegerField(_("Laufzeit bis (Jahr)"), validators=YEAR_VALIDATORS)
    leitbild = models.TextField(_("Leitbild"), blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("fortgeschrieben aus"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
    )
    consultation_opened_at = models.DateTimeField(_("Beteiligung eröffnet am"), null=True, blank=True)
    consultation_deadline = models.DateField(_("Frist für Stellungnahmen"), null=True, blank=True)
    # Set when the reminder a week before the deadline went out, so a repeated beat run sends none.
    consultation_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    adopted_on = models.DateField(_("beschlossen am"), null=True, blank=True)
    adopted_by_body = models.CharField(
        _("beschlossen durch"), max_length=200, blank=True, help_text=_("z. B. Kreistag, Sozialausschuss")
    )
    drucksache = models.CharField(_("Drucksache / Vorlage Nr."), max_length=100, blank=True)
    superseded_on = models.DateField(_("abgelöst am"), null=True, blank=True)
    # Optimistic locking: a save names the lock_version it was based on; a mismatch is refused.
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Konzeptfassung")
        verbose_name_plural = _("Konzeptfassungen")
        ordering = ["concept", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "number"], name="concept_version_number"),
            # At most one adopted version at a time: adopting the next supersedes the previous.
            models.UniqueConstraint(
                fields=["concept"], condition=Q(status="adopted"), name="concept_one_adopted_version"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="concept_version_period_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "consultation"]) | Q(adopted_on__isnull=False),
                name="concept_version_adopted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start}–{self.period_end})"

    @property
    def audit_district_id(self) -> int:
        return self.concept.district_id

    @property
    def audit_label(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN_STATUSES

    def may_become(self, status: str) -> bool:
        from ..workflow import may_become  # the table imports this model

        return may_become(self, status)

    def year_in_period(self, year: int | None) -> bool:
        return year is not None and self.period_start <= year <= self.period_end

    def clean(self) -> None:
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("Das Ende der Laufzeit liegt vor ihrem Beginn.")})
        if self.period_start and self.period_end and self.period_end - self.period_start > 15:
            raise ValidationError(
                {"period_end": _("Eine Laufzeit von mehr als 15 Jahren ist nicht vorgesehen.")}
            )


class Pillar(models.Model):
    """A Säule of the NRW structure, e.g. „Integration durch Bildung“."""

    version = models.ForeignKey(ConceptVersion, on_delete=models.CASCADE, related_name="pillars")
    title = models.CharField(_("Titel"), max_length=200)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Säule")
        verbose_name_plural = _("Säulen")
        ordering = ["version", "order", "title"]
        constraints = [models.UniqueConstraint(fields=["version", "title"], name="pillar_title_in_version")]

    def __str__(self) -> str:
        return self.title


class PillarField(models.Model):
    """A field of action placed under a pillar in one version, with its situation (existing offers)."""

    version = models.ForeignKey(ConceptVersion, on_delete=models.CASCADE, related_name="pillar_fields")
    pillar = models.ForeignKey(
        Pillar, verbose_name=_("Säule"), on_delete=models.CASCADE, related_name="fields"
    )
    field_of_action = models.ForeignKey(
        FieldOfAction, verbose_name=_("Handlungsfeld"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    situation = models.TextField(_("Ausgangslage"), blank=True)

    class Meta:
        verbose_name = _("Handlungsfeld im Konzept")
        verbose_name_plural = _("Handlungsfelder im Konzept")
        ordering = ["pillar__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "field_of_action"],
                name="pillar_field_once_per_version",
                violation_error_message=_("Dieses Handlungsfeld ist in dieser Fassung bereits eingeordnet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.pillar} / {self.field_of_action}"

    def clean(self) -> None:
        super().clean()
        if self.pillar_id and self.version_id and self.pillar.version_id != self.version_id:
            raise ValidationError({"pillar": _("Die Säule gehört zu einer anderen Fassung.")})
        if (
            self.field_of_action_id
            and self.version_id
            and self.field_of_action.district_id != self.version.concept.district_id
        ):
            raise ValidationError({"field_of_action": _("Das Handlungsfeld gehört zu einem anderen Kreis.")})


class Goal(models.Model):
    """A goal (Ziel) of one field of action in one version."""

    class Kind(models.TextChoices):
        IMPACT = "impact", _("Wirkungsziel")
        ACTION = "action", _("Handlungsziel")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("hoch")
        MEDIUM = 2, _("mittel")
        LOW = 3, _("niedrig")

    version = models.ForeignKey(ConceptVersion, on_delete=models.CASCADE, related_name="goals")
    field_of_action = models.ForeignKey(
        FieldOfAction, verbose_name=_("Handlungsfeld"), on_delete=models.PROTECT, related_name="concept_goals"
    )
    title = models.CharField(_("Titel"), max_length=250)
    description = models.TextField(_("Beschreibung"), blank=True)
    kind = models.CharField(_("Art des Ziels"), max_length=10, choices=Kind.choices, default=Kind.IMPACT)
    priority = models.PositiveSmallIntegerField(
        _("Priorität"),
        choices=Priority.choices,
        default=Priority.MEDIUM,
        help_text=_("Schwerpunkt für den laufenden Zwei-Jahres-Zeitraum."),
    )
    responsible = models.CharField(_("Verantwortlich"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # Optimistic locking for two KI staff editing the same goal (see services.update_goal).
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["version", "field_of_action__position", "order", "title"]
        indexes = [models.Index(fields=["version", "field_of_action"])]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_district_id(self) -> int:
        return self.version.concept.district_id

    @property
    def audit_label(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if (
            self.field_of_action_id
            and self.version_id
            and self.field_of_action.district_id != self.version.concept.district_id
        ):
            raise ValidationError({"field_of_action": _("Das Handlungsfeld gehört zu einem anderen Kreis.")})


class ConceptMeasure(models.Model):
    """A measure behind a goal: a link to an existing Measure/events, or a planned one."""

    class OwnerKind(models.TextChoices):
        KI = "ki", _("Kommunales Integrationszentrum")
        MUNICIPALITY = "municipality", _("Kommune")
        PROVIDER = "provider", _("Träger")

    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        RUNNING = "running", _("laufend")
        COMPLETED = "completed", _("abgeschlossen")
        SUSPENDED = "suspended", _("ausgesetzt")

    goal = models.ForeignKey(Goal, verbose_name=_("Ziel"), on_delete=models.CASCADE, related_name="measures")
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("bestehende Maßnahme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concept_measures",
    )
    events = models.ManyToManyField(
        "events.Event", verbose_name=_("Veranstaltungen"), blank=True, related_name="concept_measures"
    )
    title = models.CharField(_("Titel"), max_length=250)
    description = models.TextField(_("Beschreibung"), blank=True)
    owner_kind = models.CharField(
        _("Verantwortlich"), max_length=20, choices=OwnerKind.choices, default=OwnerKind.KI
    )
    owner_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("verantwortliche Kommune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concept_measures",
    )
    provider_name = models.CharField(_("Träger"), max_length=200, blank=True)
    starts_on = models.DateField(_("Beginn"), null=True, blank=True)
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    budget = models.DecimalField(
        _("Budget (Euro)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("Förderprogramm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concept_measures",
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(_("Status geändert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Maßnahme im Konzept")
        verbose_name_plural = _("Maßnahmen im Konzept")
        ordering = ["goal", "order", "title"]
        indexes = [models.Index(fields=["owner_municipality", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner_kind="municipality") | Q(owner_municipality__isnull=False),
                name="concept_measure_municipality_owner",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="concept_measure_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="concept_measure_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_district_id(self) -> int:
        return self.goal.version.concept.district_id

    @property
    def audit_label(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        if self.owner_kind == self.OwnerKind.MUNICIPALITY and self.owner_municipality_id:
            return self.owner_municipality.name
        if self.owner_kind == self.OwnerKind.PROVIDER and self.provider_name:
            return self.provider_name
        return str(self.get_owner_kind_display())

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.owner_kind == self.OwnerKind.MUNICIPALITY and not self.owner_municipality_id:
            errors["owner_municipality"] = _("Bitte wählen Sie die verantwortliche Kommune.")
        if self.owner_kind == self.OwnerKind.PROVIDER and not self.provider_name.strip():
            errors["provider_name"] = _("Bitte nennen Sie den verantwortlichen Träger.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("Das Ende liegt vor dem Beginn.")
        if self.budget is not None and self.budget < 0:
            errors["budget"] = _("Das Budget kann nicht negativ sein.")
        district_id = self.goal.version.concept.district_id if self.goal_id else None
        if district_id and self.owner_municipality_id and self.owner_municipality.district_id != district_id:
            errors["owner_municipality"] = _("Die Kommune gehört zu einem anderen Kreis.")
        if district_id and self.measure_id and self.measure.municipality.district_id != district_id:
            errors["measure"] = _("Die Maßnahme gehört zu einem anderen Kreis.")
        if errors:
            raise ValidationError(errors)

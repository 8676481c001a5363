from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from municipalities.models import District, FieldOfAction


class ConceptReport(models.Model):
    """A dated snapshot of the district overview for one year, with its PDF and XLSX.

    ``figures`` holds every number the report shows, so an old snapshot never
    changes when data changes later.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("wird erstellt")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    class Kind(models.TextChoices):
        OVERVIEW = "overview", _("Konzeptbericht")
        PROGRESS = "progress", _("Sachstandsbericht zum beschlossenen Konzept")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="concept_reports")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    title = models.CharField(_("Titel"), max_length=200)
    # A progress report (Sachstandsbericht) compares year X with the targets of the adopted concept.
    kind = models.CharField(_("Art des Berichts"), max_length=10, choices=Kind.choices, default=Kind.OVERVIEW)
    state = models.CharField(
        _("Status"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    step = models.CharField(_("aktueller Schritt"), max_length=200, blank=True)
    error = models.TextField(_("Fehlermeldung"), blank=True)
    figures = models.JSONField(_("Zahlen"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="concept-reports/", blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to="concept-reports/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    # Touched by the build at every step: a running report without one for
    # OVERVIEW_REPORT_STALE_MINUTES lost its worker (services.mark_stale_reports).
    heartbeat_at = models.DateTimeField(_("letztes Lebenszeichen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Konzeptbericht")
        verbose_name_plural = _("Konzeptberichte")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["district", "year", "state"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%d.%m.%Y %H:%M})"


class FieldOfActionText(models.Model):
    """The KI's own text for one field of action in a year's concept report."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    field_of_action = models.ForeignKey(FieldOfAction, on_delete=models.CASCADE, related_name="concept_texts")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    situation = models.TextField(_("Ausgangslage"), blank=True)
    goals = models.TextField(_("Ziele"), blank=True)
    recommendations = models.TextField(_("Handlungsempfehlungen"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Text zum Handlungsfeld")
        verbose_name_plural = _("Texte zu Handlungsfeldern")
        constraints = [
            models.UniqueConstraint(fields=["district", "field_of_action", "year"], name="concept_text_once")
        ]

    def __str__(self) -> str:
        return f"{self.field_of_action} {self.year}"


class DashboardFigures(models.Model):
    """The dashboard's figures for a district and year, rebuilt nightly (and on demand)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("berechnet am"))

    class Meta:
        verbose_name = _("Kennzahlen der Kreisübersicht")
        verbose_name_plural = _("Kennzahlen der Kreisübersicht")
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="dashboard_figures_once")]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"


class ReportForeword(models.Model):
    """The KI's foreword to a year's concept report (one per district and year)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    text = models.TextField(_("Vorwort"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Vorwort zum Konzeptbericht")
        verbose_name_plural = _("Vorworte zum Konzeptbericht")
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="report_foreword_once")]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from municipalities.models import FieldOfAction, Language, Measure, Municipality, TargetGroup
from municipalities.text import SingleLineCharField

from .choices import EARLIEST_DATE, LATEST_DATE, Frequency, MonthlyMode


def _is_iso_date(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10 and EARLIEST_DATE <= day <= LATEST_DATE


@dataclass(frozen=True)
class LocalizedText:
    """What a visitor reads of an event: ``lang``/``dir`` belong on the element that shows it."""

    title: str
    description: str
    lang: str = "de"
    dir: str = "ltr"
    is_translation: bool = False


class Event(models.Model):
    """An event of a municipality, one-off, multi-day or a recurring series.

    Occurrences of a series are stored in ``EventOccurrence`` (see
    ``events.recurrence``), so a calendar window is a database query.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("zur Prüfung eingereicht")
        APPROVED = "approved", _("veröffentlicht")
        RETURNED = "returned", _("zur Überarbeitung zurückgegeben")
        REJECTED = "rejected", _("abgelehnt")
        CANCELLED = "cancelled", _("abgesagt")

    PUBLIC_STATUSES = (Status.APPROVED, Status.CANCELLED)

    Frequency = Frequency
    MonthlyMode = MonthlyMode

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="events"
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("gehört zur Maßnahme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    title = SingleLineCharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    all_day = models.BooleanField(_("ganztägig"), default=False)

    frequency = models.CharField(
        _("Wiederholung"), max_length=10, choices=Frequency.choices, default=Frequency.NONE, blank=True
    )
    interval = models.PositiveSmallIntegerField(
        _("alle … Wochen/Monate"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    weekdays = models.JSONField(_("Wochentage"), default=list, blank=True)  # 0 = Monday … 6 = Sunday
    monthly_mode = models.CharField(
        _("monatlich"),
        max_length=10,
        choices=MonthlyMode.choices,
        default=MonthlyMode.DAY_OF_MONTH,
        blank=True,
    )
    repeat_until = models.DateField(_("wiederholen bis"), null=True, blank=True)
    repeat_count = models.PositiveSmallIntegerField(
        _("Anzahl der Termine"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    excluded_dates = models.JSONField(_("ausgenommene Tage"), default=list, blank=True)  # ISO dates

    location_name = models.CharField(_("Ort (Name)"), max_length=200, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=10, blank=True)
    town = models.CharField(_("Ort"), max_length=100, blank=True)
    online_url = models.URLField(_("Online-Link"), blank=True)

    fields_of_action = models.ManyToManyField(
        FieldOfAction, verbose_name=_("Handlungsfelder"), blank=True, related_name="events"
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("Zielgruppen"), blank=True, related_name="events"
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("angebotene Sprachen"), blank=True, related_name="events"
    )
    accessibility_notes = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    organiser = models.CharField(_("Veranstalter/Träger"), max_length=200, blank=True)
    public_contact = models.CharField(_("Kontakt für Interessierte"), max_length=200, blank=True)
    expected_participants = models.PositiveIntegerField(_("erwartete Teilnehmende"), null=True, blank=True)
    actual_participants = models.PositiveIntegerField(_("tatsächliche Teilnehmende"), null=True, blank=True)
    internal_note = models.TextField(_("interne Notiz für das Integrationszentrum"), blank=True)

    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    review_comment = models.TextField(_("Kommentar des Integrationszentrums"), blank=True)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["updated_at"], name="event_updated_at_idx"),
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["status", "submitted_at"]),
            # The waiting submissions of every district are counted after each change of an event
            # (events.review_counts.refresh_review_counts): an index-only scan of this small index
            # instead of reading every submitted event's row (103 ms → 10 ms at BENCH_SCALE=400).
            models.Index(
                fields=["municipality", "id"],
                condition=Q(status="submitted"),
                name="event_submitted_review_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="event_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Where the event was when it was loaded: a move to another district changes the waiting
        # count of both districts (events.signals).
        instance.loaded_municipality_id = instance.__dict__.get("municipality_id")
        return instance

    # The audit log (accounts.ModelChange) files a change under this district, labelled by title.
    @property
    def audit_district_id(self) -> int:
        return self.municipality.district_id

    @property
    def audit_label(self) -> str:
        return self.title

    def localized(self, language: str | None) -> LocalizedText:
        """Title and description in ``language`` when the event has a translation, the German original
        otherwise. Reads ``translations`` through the prefetch cache when the list selectors loaded it."""
        code = (language or "").split("-")[0]
        if code and code != "de":
            for translation in self.translations.all():
                if translation.language == code:
                    return LocalizedText(
                        title=translation.title,
                        description=translation.description,
                        lang=code,
                        dir="rtl" if get_language_info(code)["bidi"] else "ltr",
                        is_translation=True,
                    )
        return LocalizedText(title=self.title, description=self.description)

    @property
    def is_recurring(self) -> bool:
        return bool(self.frequency)

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def address(self) -> str:
        parts = [self.street, " ".join(p for p in [self.postcode, self.town] if p)]
        return ", ".join(p for p in parts if p)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("Das Ende liegt vor dem Beginn. Bitte prüfen Sie Datum und Uhrzeit.")
        if self.frequency == self.Frequency.WEEKLY and not self.weekdays and self.start:
            self.weekdays = [self.start.weekday()]
        if self.frequency and self.repeat_until and self.start and self.repeat_until < self.start.date():
            errors["repeat_until"] = _("„Wiederholen bis“ liegt vor dem ersten Termin.")
        for name in ("start", "end", "repeat_until"):
            value = getattr(self, name)
            day = value.date() if isinstance(value, datetime) else value
            if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
                errors[name] = _("Bitte prüfen Sie das Jahr (erlaubt: %(first)s bis %(last)s).") % {
                    "first": EARLIEST_DATE.year,
                    "last": LATEST_DATE.year,
                }
        if not isinstance(self.weekdays, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in self.weekdays
        ):
            errors["weekdays"] = _("Ungültige Wochentage.")
        if not isinstance(self.excluded_dates, list) or not all(_is_iso_date(d) for d in self.excluded_dates):
            errors["excluded_dates"] = _("Ungültige ausgenommene Tage.")
        if self.frequency and self.repeat_until and self.repeat_count:
            errors["repeat_count"] = _(
                "Bitte geben Sie entweder ein Enddatum oder eine Anzahl an, nicht beides."
            )
        if errors:
            raise ValidationError(errors)


class EventOccurrence(models.Model):
    """One date of an event: a one-off event has one, a series one per date (computed)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["start"]
        indexes = [models.Index(fields=["start"]), models.Index(fields=["event", "start"])]

    def __str__(self) -> str:
        return f"{self.event} ({self.start:%Y-%m-%d %H:%M})"


class EventChange(models.Model):
    """History of an event: who did what when, with the changed fields."""

    class Action(models.TextChoices):
        CREATED = "created", _("angelegt")
        UPDATED = "updated", _("geändert")
        SUBMITTED = "submitted", _("eingereicht")
        APPROVED = "approved", _("veröffentlicht")
        RETURNED = "returned", _("zurückgegeben")
        REJECTED = "rejected", _("abgelehnt")
        CANCELLED = "cancelled", _("abgesagt")
        IMPORTED = "imported", _("importiert")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("Aktion"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)
    comment = models.TextField(_("Kommentar"), blank=True)
    changes = models.JSONField(_("geänderte Felder"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Änderung")
        verbose_name_plural = _("Änderungen")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.event}: {self.get_action_display()}"


def translation_languages() -> list[tuple[str, str]]:
    """The interface languages an event's title and short description can be translated into (not German)."""
    return [(code, name) for code, name in settings.LANGUAGES if code != "de"]


class EventTranslation(models.Model):
    """A short translation of an event's title and description into one interface language.

    Entered by the municipal contact (or KI staff); shown to visitors whose interface language it is,
    the German original otherwise.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("Sprache"), max_length=8, choices=translation_languages)
    title = SingleLineCharField(_("Titel"), max_length=200)
    description = models.TextField(_("Kurzbeschreibung"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("Übersetzung")
        verbose_name_plural = _("Übersetzungen")
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "language"], name="event_translation_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.language})"


class EventImport(models.Model):
    """A big import file waiting for, or worked on by, the Celery worker (``events.importer.jobs``).

    The file is kept in the default storage only until the import has finished; what remains is
    the outcome: the number of events created, or the problems of every row (all or nothing)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    # Personal data of the uploader (own-data export and account deletion: events.personal_data).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_imports"
    )
    created_at = models.DateTimeField(_("hochgeladen"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fertig"), null=True, blank=True)
    file = models.FileField(_("Datei"), upload_to="event-imports/", blank=True)
    state = models.CharField(_("Status"), max_length=10, choices=State.choices, default=State.QUEUED)
    row_count = models.PositiveIntegerField(_("Zeilen"), default=0)
    created_count = models.PositiveIntegerField(_("angelegte Veranstaltungen"), default=0)
    encoding = models.CharField(_("Kodierung"), max_length=20, blank=True)
    # A problem with the file as a whole (German message), or the problems of its rows:
    # [{"row": 3, "column": "titel", "message": "…", "value": "…"}, …]
    file_error = models.TextField(_("Fehler der Datei"), blank=True)
    row_errors = models.JSONField(_("Fehler der Zeilen"), default=list, blank=True)

    class Meta:
        verbose_name = _("Import von Veranstaltungen")
        verbose_name_plural = _("Importe von Veranstaltungen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.municipality})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

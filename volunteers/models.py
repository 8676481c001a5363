from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from municipalities.models import (
    BuildingBlock,
    District,
    FieldOfAction,
    FundingProgramme,
    Language,
    Municipality,
)
from municipalities.text import SingleLineCharField

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
TEACHING_UNIT_MINUTES = 45


def teaching_units_for(minutes: float) -> Decimal:
    """Teaching units of ``minutes`` of teaching, to one decimal (135 minutes → 3.0 UE)."""
    return (Decimal(minutes) / TEACHING_UNIT_MINUTES).quantize(Decimal("0.1"))


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")
        CANCELLED = "cancelled", _("abgesagt")
        COMPLETED = "completed", _("abgeschlossen")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="courses")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune (Kursort)"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="courses",
    )  # fmt: skip
    title = SingleLineCharField(_("Titel"), max_length=200)
    topic = models.CharField(_("Thema"), max_length=150)
    description = models.TextField(_("Beschreibung"), blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Referent*innen"),
        blank=True,
        related_name="courses_as_trainer",
    )
    location_name = models.CharField(_("Ort"), max_length=200, blank=True)
    address = models.CharField(_("Adresse"), max_length=250, blank=True)
    online_url = models.URLField(_("Online-Link"), blank=True)
    target_audience = models.CharField(_("Zielgruppe"), max_length=200, blank=True)
    language = models.ForeignKey(
        Language,
        verbose_name=_("Kurssprache"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(_("Plätze"), validators=[MinValueValidator(1)])
    registration_opens = models.DateTimeField(_("Anmeldung ab"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("Anmeldeschluss"))
    teaching_units = models.DecimalField(
        _("Unterrichtseinheiten (à 45 Minuten)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    funding_programme = models.ForeignKey(
        FundingProgramme, verbose_name=_("Förderprogramm"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="courses",
    )  # fmt: skip
    building_block = models.ForeignKey(
        BuildingBlock,
        verbose_name=_("Baustein"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("Mindestanwesenheit für die Bescheinigung (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    qualification = models.ForeignKey(
        Qualification, verbose_name=_("vermittelte Qualifikation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="courses",
    )  # fmt: skip
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Kurs")
        verbose_name_plural = _("Kurse")
        ordering = ["registration_closes", "title"]
        indexes = [
            models.Index(fields=["updated_at"], name="course_updated_at_idx"),
            models.Index(fields=["district", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteers:course_detail", kwargs={"pk": self.pk})

    # The audit log (accounts.ModelChange) files a change under this district, labelled by title.
    @property
    def audit_district_id(self) -> int:
        return self.district_id

    @property
    def audit_label(self) -> str:
        return self.title

    def scheduled_teaching_units(self) -> Decimal:
        """The length of the sessions in teaching units of 45 minutes (what ``teaching_units``
        should say; the evidence and the certificate show ``teaching_units``)."""
        return sum((session.teaching_units for session in self.sessions.all()), Decimal(0))

    def clean(self) -> None:
        super().clean()
        if self.building_block_id and self.building_block.programme_id != self.funding_programme_id:
            raise ValidationError(
                {"building_block": _("Der Baustein gehört zu einem anderen Förderprogramm.")}
            )
        if (
            self.registration_opens
            and self.registration_closes
            and self.registration_closes < self.registration_opens
        ):
            raise ValidationError(
                {"registration_closes": _("Der Anmeldeschluss liegt vor dem Anmeldebeginn.")}
            )


class CourseSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    location_name = models.CharField(_("Ort (falls abweichend)"), max_length=200, blank=True)
    topics = models.CharField(_("Inhalte"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Kurstermin")
        verbose_name_plural = _("Kurstermine")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.course} – {self.start:%d.%m.%Y}"

    @property
    def teaching_units(self) -> Decimal:
        return teaching_units_for((self.end - self.start).total_seconds() / 60)


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("angemeldet")
        WAITLISTED = "waitlisted", _("auf der Warteliste")
        OFFERED = "offered", _("Platz angeboten")
        CANCELLED = "cancelled", _("abgemeldet")
        ATTENDED = "attended", _("teilgenommen")
        NO_SHOW = "no_show", _("nicht erschienen")

    # Statuses that hold one of the course's seats.
    SEAT_STATUSES = (Status.REGISTERED, Status.OFFERED, Status.ATTENDED, Status.NO_SHOW)
    ACTIVE_STATUSES = (Status.REGISTERED, Status.WAITLISTED, Status.OFFERED, Status.ATTENDED, Status.NO_SHOW)

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="registrations")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, db_index=True)
    waitlist_position = models.PositiveIntegerField(_("Platz auf der Warteliste"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("Angebot gültig bis"), null=True, blank=True)
    # Counted as a newcomer in funding evidence: the consented flag at registration time.
    counts_as_newcomer = models.BooleanField(default=False)
    certificate_code = models.CharField(max_length=16, blank=True, db_index=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "volunteer"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_course",
                violation_error_message=_("Sie sind für diesen Kurs bereits angemeldet."),
            )
        ]
        indexes = [
            models.Index(fields=["updated_at"], name="registration_updated_at_idx"),
            models.Index(fields=["course", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.course} ({self.get_status_display()})"

    # The audit log (accounts.ModelChange) files a change under the course's district, labelled by
    # the course title, never by the person.
    @property
    def audit_district_id(self) -> int:
        return self.course.district_id

    @property
    def audit_label(self) -> str:
        return self.course.title


class Attendance(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("anwesend"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        constraints = [models.UniqueConstraint(fields=["registration", "session"], name="attendance_once")]
        indexes = [models.Index(fields=["recorded_at"], name="attendance_recorded_at_idx")]

    def __str__(self) -> str:
        return f"{self.registration} – {self.session}: {'anwesend' if self.present else 'abwesend'}"


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
    course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
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

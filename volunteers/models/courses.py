from __future__ import annotations

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
    FundingProgramme,
    Language,
    Municipality,
)
from municipalities.text import SingleLineCharField

from .people import Volunteer
from .qualifications import Qualification

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

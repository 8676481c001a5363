from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # Addresses are compared case-insensitively everywhere, so store them lower-case.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str):
        return self.get(email__iexact=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    Roles are not stored here: KI staff, trainers and volunteers hold a
    ``municipalities.DistrictRole``, municipal contacts a
    ``municipalities.Membership`` per municipality.
    """

    email = models.EmailField(
        _("E-Mail-Adresse"),
        max_length=254,
        unique=True,
        error_messages={"unique": _("Für diese E-Mail-Adresse gibt es bereits ein Konto.")},
    )
    # Names are international ("Şengül Yıldız", "Nguyễn Thị Lan", "Ольга"): free Unicode.
    full_name = models.CharField(_("Vollständiger Name"), max_length=200)
    preferred_language = models.CharField(
        _("Bevorzugte Sprache"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("Zugang zur Verwaltungsoberfläche"),
        default=False,
        help_text=_("Darf sich in der technischen Verwaltung (Django-Admin) anmelden."),
    )
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ConsentRecord(models.Model):
    """Evidence of one consent: what was agreed to, in which text version, when – and when it ended.

    Append-only: a record is never edited except to close it (``withdrawn_at`` when the
    person withdraws, ``superseded_at`` when they agree to a newer text version). The
    current state that the rest of the portal reads lives next to the data it covers
    (e.g. ``volunteers.Volunteer.newcomer_consent_at``); ``accounts.consents`` keeps the
    two in step.
    """

    class Kind(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", _("Datenschutzhinweise zur Kursanmeldung und zum Ehrenamtsprofil")
        NEWCOMER_STATUS = "newcomer_status", _("Angabe „selbst neu zugewandert“ für anonyme Statistiken")

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Registrierung")
        PROFILE = "profile", _("Profil")
        MIGRATION = "migration", _("Übernahme aus dem bisherigen Profil")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_records"
    )
    kind = models.CharField(_("Einwilligung"), max_length=30, choices=Kind.choices)
    text_version = models.CharField(_("Fassung des Textes"), max_length=20)
    given_at = models.DateTimeField(_("erteilt am"))
    source = models.CharField(_("erteilt über"), max_length=20, choices=Source.choices)
    withdrawn_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("ersetzt durch neuere Fassung am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einwilligung")
        verbose_name_plural = _("Einwilligungen")
        ordering = ["given_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(withdrawn_at__isnull=True, superseded_at__isnull=True),
                name="one_current_consent_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.text_version})"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and self.superseded_at is None


# --- audit log ---------------------------------------------------------------------------


def audit_district_of(instance) -> int | None:
    """The district an audited object belongs to, asked of the object itself.

    ``accounts`` must not import the apps to its right, so the models there say it themselves
    through an ``audit_district_id`` property; an object without one (a user account) has none.
    """
    try:
        return getattr(instance, "audit_district_id", None)
    except ObjectDoesNotExist:  # a related row already deleted in the same cascade
        return None


def audit_label_of(instance) -> str:
    """A short, non-personal label (an event's or course's title); never a person's name."""
    try:
        return str(getattr(instance, "audit_label", "") or "")[:200]
    except ObjectDoesNotExist:
        return ""


class ModelChangeManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        kwargs.setdefault("object_repr", audit_label_of(instance))
        kwargs.setdefault("district_id", audit_district_of(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        kwargs.setdefault("object_repr", audit_label_of(instance))
        kwargs.setdefault("district_id", audit_district_of(instance))
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


class ModelChange(AbstractLogEntry):
    """One change of an audited model (django-auditlog's log entry, see ``AUDITLOG_*`` settings).

    Differences from auditlog's own entry, for data protection: no IP address, port or copy of the
    actor's e-mail address (the actor is a foreign key, so an anonymised account shows its
    anonymised name), and the object label is never ``str(obj)`` (which would be a person's name
    for accounts and memberships) but a non-personal label. ``district_id`` scopes the entries to
    the KI staff of a district; it is a plain integer because ``accounts`` must not depend on
    ``municipalities`` (no foreign key, no migration dependency).
    """

    actor_email = None
    remote_addr = None
    remote_port = None
    district_id = models.PositiveIntegerField(_("Kreis (ID)"), null=True, blank=True)

    objects = ModelChangeManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("Änderung")
        verbose_name_plural = _("Änderungen")
        indexes = [models.Index(fields=["district_id", "-timestamp"], name="modelchange_district_time")]


class AuditEvent(models.Model):
    """Someone viewed or exported personal data, or made a review decision.

    One entry per request, never per row. ``details`` holds filter criteria, formats or the
    decision, never the personal data that was shown. ``district_id`` is a plain integer for the
    same reason as on :class:`ModelChange`. No IP address is stored: the actor is known from the
    login, and an address would be more personal data to protect without answering a question
    the KI asks.
    """

    class Action(models.TextChoices):
        VIEWED_PARTICIPANT_LIST = "viewed_participant_list", _("Teilnehmendenliste angesehen")
        EXPORTED_PARTICIPANT_LIST = "exported_participant_list", _("Teilnehmendenliste exportiert")
        VIEWED_ATTENDANCE = "viewed_attendance", _("Anwesenheitsliste angesehen")
        SEARCHED_VOLUNTEERS = "searched_volunteers", _("Ehrenamtliche gesucht")
        VIEWED_VOLUNTEER_CONTACT = (
            "viewed_volunteer_contact",
            _("Kontaktdaten einer*eines Ehrenamtlichen angesehen"),
        )
        VIEWED_FUNDING_EVIDENCE = "viewed_funding_evidence", _("Verwendungsnachweis angesehen")
        EXPORTED_FUNDING_EVIDENCE = "exported_funding_evidence", _("Verwendungsnachweis exportiert")
        EXPORTED_CERTIFICATE = "exported_certificate", _("Teilnahmebescheinigung heruntergeladen")
        EXPORTED_OWN_DATA = "exported_own_data", _("Eigene Daten heruntergeladen")
        REVIEW_DECISION = "review_decision", _("Prüfentscheidung")
        SUBMITTED_FOR_REVIEW = "submitted_for_review", _("zur Prüfung eingereicht")
        ANONYMISED_AFTER_RETENTION = (
            "anonymised_after_retention",
            _("nach Ablauf der Aufbewahrungsfrist anonymisiert"),
        )
        EXPORTED_AUDIT_LOG = "exported_audit_log", _("Protokoll exportiert")

    timestamp = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    action = models.CharField(_("Aktion"), max_length=40, choices=Action.choices)
    object_type = models.CharField(_("Objektart"), max_length=60, blank=True)
    object_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    description = models.CharField(_("Beschreibung"), max_length=200, blank=True)
    district_id = models.PositiveIntegerField(_("Kreis (ID)"), null=True, blank=True)
    details = models.JSONField(_("Einzelheiten"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        ordering = ["-timestamp", "-pk"]
        indexes = [models.Index(fields=["district_id", "-timestamp"], name="auditevent_district_time")]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

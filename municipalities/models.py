import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from . import identity
from .text import SingleLineCharField

ags_validator = RegexValidator(
    r"^\d{8}$",
    _("Der Amtliche Gemeindeschlüssel (AGS) besteht aus genau 8 Ziffern, z. B. 05978036."),
)
ags_prefix_validator = RegexValidator(
    r"^\d{5}$",
    _("Der Kreisschlüssel besteht aus genau 5 Ziffern, z. B. 05978."),
)


class District(models.Model):
    """A Kreis (or kreisfreie Stadt) with its Kommunales Integrationszentrum.

    NRW has about 54 of them; nothing in the code assumes there is only one.
    """

    name = models.CharField(_("Name"), max_length=150)
    slug = models.SlugField(_("Kurzname in Webadressen (URL)"), max_length=80, unique=True)
    ags_prefix = models.CharField(
        _("Kreisschlüssel"), max_length=5, unique=True, validators=[ags_prefix_validator]
    )
    ki_name = models.CharField(_("Name des Integrationszentrums"), max_length=200)
    ki_email = models.EmailField(_("E-Mail des Integrationszentrums"))
    ki_phone = models.CharField(_("Telefon des Integrationszentrums"), max_length=50, blank=True)
    ki_address = models.TextField(_("Anschrift des Integrationszentrums"), blank=True)
    ki_website = models.URLField(_("Website des Integrationszentrums"), blank=True)
    short_name = models.CharField(
        _("Kurzname"),
        max_length=60,
        blank=True,
        help_text=_("Für enge Stellen wie die Kopfzeile auf dem Smartphone, z. B. „Kreis Unna“."),
    )
    name_genitive = models.CharField(
        _("Name im Genitiv"),
        max_length=160,
        blank=True,
        help_text=_("Mit Artikel, wie er nach „die Kurse …“ steht, z. B. „des Kreises Unna“."),
    )
    name_locative = models.CharField(
        _("Name mit „in“"),
        max_length=160,
        blank=True,
        help_text=_("Wie er nach „die Kommunen …“ steht, z. B. „im Kreis Unna“."),
    )
    logo = models.FileField(
        _("Logo"),
        upload_to=identity.logo_upload_to,
        blank=True,
        validators=[identity.validate_logo],
        help_text=_(
            "SVG oder PNG, höchstens 512 KB. SVG-Dateien mit Skripten oder externen Verweisen werden abgelehnt."
        ),
    )
    logo_alt = models.CharField(
        _("Alternativtext des Logos"),
        max_length=160,
        blank=True,
        help_text=_("Was das Logo zeigt, für Screenreader; leer: „Logo“ und der Name des Kreises."),
    )
    primary_colour = models.CharField(
        _("Hauptfarbe"),
        max_length=7,
        blank=True,
        validators=[identity.validate_primary_colour],
        help_text=_(
            "Hex-Wert, z. B. #005A9C; braucht zu Weiß mindestens 4,5:1 Kontrast. Leer: KERN-Standardfarbe."
        ),
    )

    class Meta:
        verbose_name = _("Kreis")
        verbose_name_plural = _("Kreise")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    @property
    def genitive(self) -> str:
        """ "des Kreises Unna" — after "die Qualifizierungskurse …" (other languages: "of …")."""
        if not identity.german_is_active():
            return pgettext("district name outside German", "von %(district)s") % {"district": self.name}
        return self.name_genitive or identity.derived_name_forms(self.name)[0]

    @property
    def locative(self) -> str:
        """ "im Kreis Unna" — after "die Städte und Gemeinden …" (other languages: "in …")."""
        if not identity.german_is_active():
            return pgettext("district name outside German", "in %(district)s") % {"district": self.name}
        return self.name_locative or identity.derived_name_forms(self.name)[1]

    @property
    def logo_description(self) -> str:
        return self.logo_alt or _("Logo: %(district)s") % {"district": self.name}


class Municipality(models.Model):
    district = models.ForeignKey(
        District,
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    name = models.CharField(_("Name"), max_length=150)
    slug = models.SlugField(_("Kurzname in Webadressen (URL)"), max_length=80, unique=True)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel (AGS)"),
        max_length=8,
        unique=True,
        validators=[ags_validator],
        error_messages={"unique": _("Eine Kommune mit diesem AGS gibt es bereits.")},
    )
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("Stand der Einwohnerzahl (Jahr)"), null=True, blank=True
    )
    population_source = models.CharField(
        _("Quelle der Einwohnerzahl"),
        max_length=200,
        blank=True,
        help_text=_("Amtliche Statistik, z. B. „IT.NRW, Stand 31.12.2023“."),
    )
    website = models.URLField(_("Website"), blank=True)
    contact_email = models.EmailField(_("Allgemeine Kontakt-E-Mail"), blank=True)

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(ags__regex=r"^[0-9]{8}$"), name="municipality_ags_8_digits"),
            models.UniqueConstraint(
                fields=["district", "name"],
                name="municipality_unique_name_in_district",
                violation_error_message=_("Eine Kommune mit diesem Namen gibt es in diesem Kreis bereits."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.population and not self.population_year:
            raise ValidationError(
                {"population_year": _("Bitte geben Sie an, auf welches Jahr sich die Zahl bezieht.")}
            )
        if self.district_id and self.ags and not self.ags.startswith(self.district.ags_prefix):
            raise ValidationError(
                {
                    "ags": _("Für %(district)s beginnt der AGS mit %(prefix)s.")
                    % {"district": self.district.name, "prefix": self.district.ags_prefix}
                }
            )


class DistrictRole(models.Model):
    """A district-wide role: KI staff, trainer or volunteer of one district."""

    class Role(models.TextChoices):
        KI_STAFF = "ki_staff", _("Mitarbeiter*in des Integrationszentrums")
        TRAINER = "trainer", _("Referent*in")
        VOLUNTEER = "volunteer", _("Ehrenamtliche*r")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="district_roles"
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Rolle im Kreis")
        verbose_name_plural = _("Rollen im Kreis")
        constraints = [
            models.UniqueConstraint(fields=["user", "district", "role"], name="district_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.district})"

    # The audit log (accounts.ModelChange) files a change under this district; no personal label.
    @property
    def audit_district_id(self) -> int:
        return self.district_id


class Membership(models.Model):
    """A person's role in one municipality; a person may belong to several."""

    class Role(models.TextChoices):
        CONTACT = "contact", _("Kommunale Ansprechperson")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.CONTACT)
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft in einer Kommune")
        verbose_name_plural = _("Mitgliedschaften in Kommunen")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.municipality})"

    # The audit log (accounts.ModelChange) files a change under this district; no personal label.
    @property
    def audit_district_id(self) -> int:
        return self.municipality.district_id

    @property
    def audit_label(self) -> str:
        return self.municipality.name


class ReferenceData(models.Model):
    """Editable lists of a district (fields of action, target groups)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, verbose_name=_("Kreis"))
    name = models.CharField(_("Bezeichnung"), max_length=120)
    slug = models.SlugField(_("Kurzname"), max_length=80)
    description = models.TextField(_("Beschreibung"), blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_("Inaktive Einträge bleiben an alten Daten erhalten, sind aber nicht mehr wählbar."),
    )

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class FieldOfAction(ReferenceData):
    """A Handlungsfeld of the integration concept (Sprache & Bildung, Wohnen, ...)."""

    class Meta(ReferenceData.Meta):
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="field_of_action_slug"),
            models.UniqueConstraint(fields=["district", "name"], name="field_of_action_name"),
        ]


class TargetGroup(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("Zielgruppe")
        verbose_name_plural = _("Zielgruppen")
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="target_group_slug"),
            models.UniqueConstraint(fields=["district", "name"], name="target_group_name"),
        ]


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """KI staff invite a person by e-mail to become a municipality's contact.

    Only a hash of the token is stored: a leaked database does not leak
    usable links.
    """

    email = models.EmailField(_("E-Mail-Adresse"))
    full_name = models.CharField(_("Name (optional)"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(
        _("Rolle"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.CONTACT
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eingeladen von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angenommen von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.municipality}"

    # The audit log (accounts.ModelChange) files a change under this district; no personal label.
    @property
    def audit_district_id(self) -> int:
        return self.municipality.district_id

    @property
    def audit_label(self) -> str:
        return self.municipality.name

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "open"

    def get_state_display(self) -> str:
        return {
            "accepted": _("angenommen"),
            "revoked": _("zurückgezogen"),
            "expired": _("abgelaufen"),
            "open": _("offen"),
        }[self.state]


class Language(models.Model):
    """A language offered at an event or spoken by a volunteer (ISO 639-1 code)."""

    code = models.CharField(_("Sprachcode"), max_length=12, unique=True)
    name = models.CharField(_("Sprache"), max_length=80)
    native_name = models.CharField(_("Eigenbezeichnung"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=100)

    class Meta:
        verbose_name = _("Sprache")
        verbose_name_plural = _("Sprachen")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


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


class FundingProgramme(models.Model):
    """A funding programme (e.g. KOMM-AN NRW Programmteil II): data, never hard-coded.

    Its parts are building blocks (KOMM-AN) or measure areas (the successor programme); the rules
    that small grants to local initiatives follow are fields here, not code.
    """

    class AreaKind(models.TextChoices):
        BUILDING_BLOCKS = "building_blocks", _("Baustein")
        MEASURE_AREAS = "measure_areas", _("Maßnahmenbereich")

    name = models.CharField(_("Name"), max_length=200)
    code = models.SlugField(_("Kürzel"), max_length=60, unique=True)
    valid_from = models.DateField(_("gültig ab"), null=True, blank=True)
    valid_to = models.DateField(_("gültig bis"), null=True, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    area_kind = models.CharField(
        _("Gliederung"),
        max_length=20,
        choices=AreaKind.choices,
        default=AreaKind.BUILDING_BLOCKS,
        help_text=_("Wie die Teile des Programms heißen: Bausteine oder Maßnahmenbereiche."),
    )
    funds_local_initiatives = models.BooleanField(
        _("Förderung lokaler Initiativen"),
        default=False,
        help_text=_("Initiativen können über das Portal Mittel aus diesem Programm beantragen."),
    )
    advice_meeting_required = models.BooleanField(
        _("Beratungsgespräch vor der Entscheidung erforderlich"), default=False
    )
    cap_per_applicant = models.DecimalField(
        _("Höchstbetrag je Antragsteller und Jahr (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Voreinstellung; ein Kreis kann im Jahresbudget einen eigenen Höchstbetrag festlegen."),
    )

    class Meta:
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")
        ordering = ["-valid_from", "name"]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Das Ende liegt vor dem Beginn.")})


class BuildingBlock(models.Model):
    """A Baustein of a funding programme (A: Ankommenstreffpunkte, …, D: Qualifizierung)."""

    programme = models.ForeignKey(FundingProgramme, on_delete=models.CASCADE, related_name="building_blocks")
    code = models.CharField(_("Kennung"), max_length=10)
    name = models.CharField(_("Bezeichnung"), max_length=200)

    class Meta:
        verbose_name = _("Baustein")
        verbose_name_plural = _("Bausteine")
        ordering = ["programme", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="building_block_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class CostType(models.Model):
    """A cost type of a funding programme (rent, speakers' fees, …); only eligible ones may be applied for."""

    programme = models.ForeignKey(FundingProgramme, on_delete=models.CASCADE, related_name="cost_types")
    code = models.SlugField(_("Kürzel"), max_length=40)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    is_eligible = models.BooleanField(
        _("förderfähig"),
        default=True,
        help_text=_("Nicht förderfähige Kostenarten können in Anträgen nicht gewählt werden."),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Kostenart")
        verbose_name_plural = _("Kostenarten")
        ordering = ["programme", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="cost_type_code")]

    def __str__(self) -> str:
        return self.name

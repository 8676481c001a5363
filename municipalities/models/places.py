"""The district (Kreis) and its municipalities (Kommunen)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .. import identity

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

"""Reference data shared by several apps: fields of action, target groups, languages, funding programmes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .places import District


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

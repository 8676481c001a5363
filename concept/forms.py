"""Forms of the concept screens; every choice of a related row is the user's scope."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import FieldOfAction, FundingProgramme, Municipality

from .models import ConceptMeasure, ConceptVersion, Goal, GoalIndicator, Indicator
from .structure import Placement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YEAR = forms.NumberInput(attrs={"inputmode": "numeric", "min": 1990, "max": 2100})


class LockedFormMixin(forms.Form):
    """Carries the lock version the form was opened with (optimistic locking)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(LockedFormMixin, forms.ModelForm):
    class Meta:
        model = ConceptVersion
        fields = ["title", "period_start", "period_end", "leitbild"]
        widgets = {"period_start": YEAR, "period_end": YEAR, "leitbild": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version
        if not self.instance.pk:
            self.fields["lock_version"].required = False


class AdoptionForm(forms.Form):
    adopted_on = forms.DateField(label=_("Beschlossen am"), widget=DATE)
    adopted_by_body = forms.CharField(label=_("Beschließendes Gremium"), max_length=200, initial="Kreistag")
    drucksache = forms.CharField(label=_("Drucksache / Vorlage Nr."), max_length=100)


class GoalForm(LockedFormMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["field_of_action", "title", "description", "kind", "priority", "responsible"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, version: ConceptVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_of_action"].queryset = FieldOfAction.objects.filter(
            district_id=version.concept.district_id
        )
        self.fields["lock_version"].initial = self.instance.lock_version
        if not self.instance.pk:
            self.fields["lock_version"].required = False


class TargetForm(forms.ModelForm):
    class Meta:
        model = GoalIndicator
        fields = ["indicator", "baseline_value", "baseline_year", "target_value", "target_year", "direction"]
        widgets = {"baseline_year": YEAR, "target_year": YEAR}

    def __init__(self, *args, version: ConceptVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            district_id=version.concept.district_id, is_active=True
        )

    def validate_unique(self):
        """The service adds to or changes the goal's target for this indicator."""


class ConceptMeasureForm(forms.ModelForm):
    class Meta:
        model = ConceptMeasure
        fields = [
            "title", "description", "owner_kind", "owner_municipality", "provider_name", "measure",
            "starts_on", "ends_on", "status", "budget", "funding_programme",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, version: ConceptVersion, **kwargs):
        super().__init__(*args, **kwargs)
        district_id = version.concept.district_id
        self.fields["owner_municipality"].queryset = Municipality.objects.filter(district_id=district_id)
        self.fields["measure"].queryset = self.fields["measure"].queryset.filter(
            municipality__district_id=district_id
        )
        self.fields["funding_programme"].queryset = FundingProgramme.objects.all()

    def _post_clean(self):
        # The model's clean needs the goal, which the service sets; it runs full_clean there.
        pass


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ConceptMeasure.Status.choices)


class ValueForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Kennzahl"), queryset=Indicator.objects.none())
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("ganzer Kreis"),
    )
    year = forms.IntegerField(label=_("Jahr"), min_value=1990, max_value=2100, widget=YEAR)
    value = forms.DecimalField(label=_("Wert"), max_digits=14, decimal_places=4, localize=True)
    source = forms.CharField(label=_("Quelle"), max_length=200, required=False)

    def __init__(self, *args, indicators, municipalities, district_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # Portal indicators are computed, never typed in: they are not offered.
        self.fields["indicator"].queryset = indicators.filter(
            source=Indicator.Source.OFFICIAL, is_active=True
        )
        self.fields["municipality"].queryset = municipalities
        if not district_allowed:
            self.fields["municipality"].required = True
            self.fields["municipality"].empty_label = None


class CorrectionForm(forms.Form):
    value = forms.DecimalField(label=_("Wert"), max_digits=14, decimal_places=4, localize=True)
    source = forms.CharField(label=_("Quelle"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Datei (CSV oder XLSX)"))


class OverviewFilterForm(forms.Form):
    field_of_action = forms.ModelChoiceField(
        label=_("Handlungsfeld"), queryset=FieldOfAction.objects.none(), required=False, empty_label=_("alle")
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("ganzer Kreis"),
    )
    priority = forms.TypedChoiceField(
        label=_("Priorität"),
        choices=[("", _("alle")), *list(Goal.Priority.choices)],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, version: ConceptVersion, municipalities, district_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_of_action"].queryset = FieldOfAction.objects.filter(
            district_id=version.concept.district_id
        )
        self.fields["municipality"].queryset = municipalities
        if not district_allowed:
            self.fields["municipality"].empty_label = None


class OutlineForm(forms.Form):
    """Per field of action: its pillar (or none), its place and its situation."""

    def __init__(self, *args, version: ConceptVersion, fields_of_action, **kwargs):
        super().__init__(*args, **kwargs)
        placed = {row.field_of_action_id: row for row in version.pillar_fields.all()}
        pillars = [("", _("nicht im Konzept"))] + [(p.pk, p.title) for p in version.pillars.order_by("order")]
        self.rows = []
        for item in fields_of_action:
            row = placed.get(item.pk)
            names = (f"pillar_{item.pk}", f"order_{item.pk}", f"situation_{item.pk}")
            self.fields[names[0]] = forms.TypedChoiceField(
                label=_("%(field)s: Säule") % {"field": item.name},
                choices=pillars,
                coerce=int,
                empty_value=None,
                required=False,
                initial=row.pillar_id if row else None,
            )
            self.fields[names[1]] = forms.IntegerField(
                label=_("%(field)s: Reihenfolge") % {"field": item.name},
                min_value=0,
                max_value=999,
                initial=row.order if row else 0,
            )
            self.fields[names[2]] = forms.CharField(
                label=_("%(field)s: Ausgangslage (bestehende Angebote)") % {"field": item.name},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=row.situation if row else "",
            )
            self.rows.append((item, names))

    def placements(self) -> list[Placement]:
        return [
            Placement(
                field_of_action_id=item.pk,
                pillar_id=self.cleaned_data[names[0]],
                order=self.cleaned_data[names[1]],
                situation=self.cleaned_data[names[2]],
            )
            for item, names in self.rows
        ]

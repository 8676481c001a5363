"""Forms of the concept report pages: request a snapshot, write the texts per field of action."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from municipalities.models import District, FieldOfAction
from municipalities.permissions import districts_administered_by

from .models import ConceptReport
from .services import MAX_YEAR, MIN_YEAR

TEXT_MAX_LENGTH = 20_000


class ReportRequestForm(forms.Form):
    """Year and (for staff of several districts) the district of the new snapshot."""

    year = forms.IntegerField(label=_("Berichtsjahr"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    kind = forms.ChoiceField(
        label=_("Art des Berichts"),
        choices=ConceptReport.Kind.choices,
        initial=ConceptReport.Kind.OVERVIEW,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Der Sachstandsbericht vergleicht die Werte des Berichtsjahres mit den Zielwerten des "
            "beschlossenen Integrationskonzepts."
        ),
    )
    district = forms.ModelChoiceField(
        label=_("Kreis"), queryset=District.objects.none(), to_field_name="slug", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = districts_administered_by(user).order_by("name")
        self.districts = list(districts)
        self.fields["district"].queryset = districts
        self.fields["district"].empty_label = None
        self.fields["year"].initial = timezone.localdate().year
        if len(self.districts) <= 1:
            self.fields["district"].widget = forms.HiddenInput()

    def clean_kind(self) -> str:
        # Without a choice (an older form, a script) the ordinary report is meant.
        return self.cleaned_data.get("kind") or ConceptReport.Kind.OVERVIEW

    def clean_district(self) -> District:
        district = self.cleaned_data.get("district") or (self.districts[0] if self.districts else None)
        if district is None:
            raise forms.ValidationError(_("Sie sind keinem Kreis als Mitarbeiter*in zugeordnet."))
        return district


class CompareForm(forms.Form):
    """Two finished snapshots of the user's districts."""

    a = forms.ModelChoiceField(label=_("Bericht A"), queryset=None)
    b = forms.ModelChoiceField(label=_("Bericht B"), queryset=None)

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            self.fields[name].queryset = reports
            self.fields[name].label_from_instance = self.label

    @staticmethod
    def label(report) -> str:
        finished = timezone.localtime(report.finished_at or report.created_at)
        return _("%(title)s, Stand %(date)s (Nr. %(number)s)") % {
            "title": report.title,
            "date": date_format(finished, "SHORT_DATETIME_FORMAT"),
            "number": report.pk,
        }


class FieldTextForm(forms.Form):
    field_of_action = forms.ModelChoiceField(
        queryset=FieldOfAction.objects.none(), to_field_name="slug", widget=forms.HiddenInput
    )
    situation = forms.CharField(
        label=_("Ausgangslage"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    goals = forms.CharField(
        label=_("Ziele"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    recommendations = forms.CharField(
        label=_("Handlungsempfehlungen"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, fields_of_action, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the district's own fields of action: a tampered slug is an invalid choice.
        self.fields["field_of_action"].queryset = fields_of_action


class ForewordForm(forms.Form):
    text = forms.CharField(
        label=_("Vorwort"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Steht im Bericht vor dem Inhaltsverzeichnis, unterzeichnet vom Integrationszentrum."),
    )


class BaseFieldTextFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            item = form.cleaned_data.get("field_of_action") if hasattr(form, "cleaned_data") else None
            if item is None:
                continue
            if item.pk in seen:
                raise forms.ValidationError(_("Ein Handlungsfeld kommt doppelt vor."))
            seen.add(item.pk)


FieldTextFormSet = forms.formset_factory(
    FieldTextForm, formset=BaseFieldTextFormSet, extra=0, max_num=500, validate_max=True
)

"""Filters of the dashboard, the drill-down and the comparison (all GET, so every view has a URL)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import District, FieldOfAction, TargetGroup
from municipalities.permissions import districts_administered_by

YEARS_BACK = 10


def year_choices() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 1, this_year - YEARS_BACK - 1, -1)]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Jahr"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year

    def selected_year(self) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"]
        return timezone.localdate().year


class DashboardFilterForm(YearForm):
    """Year, district (for staff of several districts), field of action and target group."""

    district = forms.ModelChoiceField(
        label=_("Kreis"), queryset=District.objects.none(), to_field_name="slug", required=False
    )
    field_of_action = forms.ModelChoiceField(
        label=_("Handlungsfeld"),
        queryset=FieldOfAction.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("alle Handlungsfelder"),
    )
    target_group = forms.ModelChoiceField(
        label=_("Zielgruppe"),
        queryset=TargetGroup.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("alle Zielgruppen"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = list(districts_administered_by(user).order_by("name"))
        district_ids = [district.pk for district in self.districts]
        self.fields["district"].queryset = districts_administered_by(user).order_by("name")
        self.fields["district"].empty_label = None
        if self.districts:
            self.fields["district"].initial = self.districts[0]
        if len(self.districts) <= 1:
            self.fields["district"].widget = forms.HiddenInput()
        self.fields["field_of_action"].queryset = FieldOfAction.objects.filter(
            district_id__in=district_ids
        ).order_by("district__name", "position", "name")
        self.fields["target_group"].queryset = TargetGroup.objects.filter(
            district_id__in=district_ids
        ).order_by("district__name", "position", "name")

    def clean(self):
        data = super().clean()
        district = data.get("district") or (self.districts[0] if self.districts else None)
        if district is None:
            raise forms.ValidationError(_("Sie sind keinem Kreis als Mitarbeiter*in zugeordnet."))
        data["district"] = district
        for name in ("field_of_action", "target_group"):
            if data.get(name) is not None and data[name].district_id != district.pk:
                self.add_error(name, _("Dieser Eintrag gehört zu einem anderen Kreis."))
        return data

    def selection(self) -> dict:
        """The chosen filters; the defaults (this year, first district, no filter) when unbound."""
        if self.is_bound:
            data = self.cleaned_data
            return {
                "district": data["district"],
                "year": data["year"],
                "field_of_action": data.get("field_of_action"),
                "target_group": data.get("target_group"),
            }
        return {
            "district": self.districts[0] if self.districts else None,
            "year": timezone.localdate().year,
            "field_of_action": None,
            "target_group": None,
        }


class CellFilterForm(YearForm):
    target_group = forms.ModelChoiceField(
        label=_("Zielgruppe"),
        queryset=TargetGroup.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("alle Zielgruppen"),
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = TargetGroup.objects.filter(district=district).order_by(
            "position", "name"
        )

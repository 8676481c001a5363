from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ChoosePasswordForm, HoneypotFormMixin

from .models import FieldOfAction, Measure, Municipality, TargetGroup


class MunicipalityForm(forms.ModelForm):
    """Master data of a municipality; the district choices are the user's scope."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Municipality
        fields = [
            "district",
            "name",
            "ags",
            "population",
            "population_year",
            "population_source",
            "website",
            "contact_email",
        ]
        widgets = {"ags": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["district"].empty_label = None
        self.fields["ags"].help_text = _("8 Ziffern, beginnend mit dem Kreisschlüssel.")
        if self.instance.pk:
            # A municipality does not move to another district.
            self.fields["district"].disabled = True


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Ansprechperson"))
    full_name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)


class InvitationRenewalForm(HoneypotFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class AcceptInvitationForm(ChoosePasswordForm):
    """A new contact chooses their name and password."""

    field_order = ["full_name", "password1", "password2"]

    full_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Bitte geben Sie Ihren Namen an."))
        return name

    def password_owner_email(self) -> str:
        return self.email


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "title", "description", "provider", "status", "starts_on", "ends_on",
            "fields_of_action", "target_groups", "languages", "funding", "contact",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "fields_of_action": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["fields_of_action"].queryset = FieldOfAction.objects.filter(
            district=municipality.district, is_active=True
        )
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(
            district=municipality.district, is_active=True
        )

"""Forms of volunteer placements: the placement itself, and a volunteer's interest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import District, Language, Municipality
from volunteers.models import Qualification, Volunteer

from .models.placements import Placement
from .placements import PlacementData


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = [
            "title",
            "description",
            "municipality",
            "place",
            "schedule",
            "languages",
            "qualifications",
            "contact",
        ]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "qualifications": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(district=district)
        self.fields["municipality"].empty_label = None
        self.fields["languages"].queryset = Language.objects.order_by("position", "name")
        self.fields["qualifications"].queryset = Qualification.objects.filter(district=district)

    def placement_data(self) -> PlacementData:
        data = self.cleaned_data
        return PlacementData(
            municipality=data["municipality"],
            title=data["title"],
            description=data["description"],
            place=data["place"],
            schedule=data["schedule"],
            contact=data["contact"],
            languages=list(data["languages"]),
            qualifications=list(data["qualifications"]),
        )

    def add_rule_errors(self, message_dict: dict) -> None:
        for field, messages in message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class InterestForm(forms.Form):
    add_rule_errors = PlacementForm.add_rule_errors

    shared_languages = forms.ModelMultipleChoiceField(
        label=_("Welche Ihrer Sprachen darf die Einsatzstelle sehen?"),
        queryset=Language.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    share_contact = forms.BooleanField(
        label=_("Die Einsatzstelle darf meine E-Mail-Adresse und Telefonnummer sehen, um mich anzusprechen."),
        help_text=_("Ohne diese Einwilligung sieht die Einsatzstelle nur Ihren Namen und die gewählten Sprachen. "
                    "Sie können die Einwilligung jederzeit hier zurücknehmen."),
        required=False,
    )  # fmt: skip

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_languages"].queryset = Language.objects.filter(
            pk__in=volunteer.languages.values("language_id")
        ).order_by("position", "name")

"""The form on which an initiative records a newcomer who became active, with the signed consent."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class InitiativeNewcomerForm(forms.Form):
    full_name = forms.CharField(label=_("Name der Person"), max_length=200)
    consent_on = forms.DateField(
        label=_("Einwilligung unterschrieben am"), widget=forms.DateInput(attrs={"type": "date"})
    )
    consent_signed = forms.BooleanField(
        label=_(
            "Die Person hat den Einwilligungstext oben unterschrieben; wir bewahren die Unterschrift auf."
        ),
        help_text=_("Ohne unterschriebene Einwilligung wird die Person nicht eingetragen und nicht gezählt."),
        required=True,
    )

    def add_rule_errors(self, message_dict: dict) -> None:
        for field, messages in message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

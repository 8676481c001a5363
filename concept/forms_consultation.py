"""Forms of the consultation, the adoption and the advice records (input parsing only; rules live in
the services)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import MunicipalityPosition

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FOLLOW_UP_ROWS = 3


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: at its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class OpenConsultationForm(forms.Form):
    deadline = forms.DateField(label=_("Frist für Stellungnahmen"), widget=DATE_WIDGET)


class CommentForm(forms.Form):
    subject = forms.ChoiceField(label=_("Bezieht sich auf"), required=False)
    text = forms.CharField(label=_("Anmerkung"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args, fields_of_action=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields_by_key = {f"field-{f.pk}": f for f in fields_of_action}
        self.goals_by_key = {f"goal-{g.pk}": g for g in goals}
        self.fields["subject"].choices = [
            ("", _("den Entwurf insgesamt")),
            (_("Handlungsfelder"), [(key, f.name) for key, f in self.fields_by_key.items()]),
            (_("Ziele"), [(key, g.title) for key, g in self.goals_by_key.items()]),
        ]

    def subject_objects(self) -> tuple:
        key = self.cleaned_data.get("subject") or ""
        return self.fields_by_key.get(key), self.goals_by_key.get(key)


class PositionForm(forms.Form):
    position = forms.ChoiceField(
        label=_("Stellungnahme Ihrer Kommune"),
        choices=MunicipalityPosition.Position.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Begründung / Anmerkungen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text=_("Pflicht bei „Einvernehmen mit Anmerkungen“ und bei einem Widerspruch."),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Antwort"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(label=_("beschlossen am"), widget=DATE_WIDGET)
    body = forms.CharField(
        label=_("beschlossen durch"), max_length=200, help_text=_("z. B. Kreistag, Sozialausschuss")
    )
    drucksache = forms.CharField(label=_("Drucksache / Vorlage Nr."), max_length=100)


class AdviceMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Datum des Gesprächs"), widget=DATE_WIDGET)
    participants = forms.CharField(
        label=_("Teilnehmende"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Nur Namen und Funktionen der Mitarbeitenden, z. B. „A. Yılmaz (Integrationsbeauftragte)“."
        ),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Themen (Ziele)"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    gap_topics = forms.CharField(
        label=_("Themen (Lücken)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    notes = forms.CharField(
        label=_("Notizen"), required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )

    def __init__(self, *args, goals, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = goals
        for number in range(1, FOLLOW_UP_ROWS + 1):
            self.fields[f"follow_up_{number}_text"] = forms.CharField(
                label=_("Vereinbarung %(n)s") % {"n": number}, required=False, max_length=500
            )
            self.fields[f"follow_up_{number}_owner"] = forms.ModelChoiceField(
                label=_("Vereinbarung %(n)s: zuständig") % {"n": number}, queryset=owners, required=False
            )
            self.fields[f"follow_up_{number}_due_on"] = forms.DateField(
                label=_("Vereinbarung %(n)s: fällig am") % {"n": number}, required=False, widget=DATE_WIDGET
            )

    def follow_up_rows(self) -> list[tuple[str, object, object]]:
        """Filled-in rows only (text, owner or due date given); the service checks they are complete."""
        rows = []
        for number in range(1, FOLLOW_UP_ROWS + 1):
            text = self.cleaned_data.get(f"follow_up_{number}_text") or ""
            owner = self.cleaned_data.get(f"follow_up_{number}_owner")
            due_on = self.cleaned_data.get(f"follow_up_{number}_due_on")
            if text.strip() or owner or due_on:
                rows.append((text, owner, due_on))
        return rows

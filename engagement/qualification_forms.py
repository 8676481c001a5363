"""Forms of the external qualification proofs: the volunteer's upload and the KI staff's decision."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from volunteers.models import Volunteer

from .forms import DecisionForm
from .qualification_proofs import qualifications_provable_by


class QualificationProofForm(forms.Form):
    """The file's content is checked by ``qualification_proofs.upload_qualification_proof``."""

    add_rule_errors = DecisionForm.add_rule_errors

    qualification = forms.ModelChoiceField(label=_("Qualifikation"), queryset=None)
    earned_on = forms.DateField(
        label=_("ausgestellt am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Das Datum auf der Bescheinigung; ab diesem Tag läuft die Gültigkeit."),
    )
    file = forms.FileField(
        label=_("Bescheinigung"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = qualifications_provable_by(volunteer)
        self.fields["file"].help_text = _("PDF, JPEG oder PNG, höchstens %(size)s MB.") % {
            "size": settings.ENGAGEMENT_RECEIPT_MAX_BYTES // (1024 * 1024)
        }


class QualificationProofDecisionForm(forms.Form):
    add_rule_errors = DecisionForm.add_rule_errors

    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("confirm", _("bestätigen")), ("reject", _("nicht anerkennen"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Begründung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Beim Nicht-Anerkennen erforderlich; die Person erhält sie per E-Mail."),
    )

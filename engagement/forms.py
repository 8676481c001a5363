"""Forms of engagement: organisation registration, application with cost plan, advice, decision.

Forms parse; the programme's rules (cap, eligible cost types, period, totals) are checked by
``services.application_rule_errors`` and come back as German messages on the fields.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import ChoosePasswordForm, HoneypotFormMixin
from accounts.models import User
from events.models import Event
from municipalities.models import CostType, FundingProgramme, Municipality, TargetGroup

from .models import AdviceMeeting, Application, Organisation, ProofOfUse
from .services import ApplicationData, OrganisationDetails
from .workflow import Decision, ProofDecision

postcode_validator = RegexValidator(r"^\d{5}$", _("Die Postleitzahl besteht aus 5 Ziffern."))


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label=_("Name der Organisation"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    legal_form = forms.ChoiceField(label=_("Rechtsform"), choices=Organisation.LegalForm.choices)
    street = forms.CharField(
        label=_("Straße und Hausnummer"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    postcode = forms.CharField(
        label=_("Postleitzahl"), max_length=5, validators=[postcode_validator],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )  # fmt: skip
    town = forms.CharField(label=_("Ort"), max_length=100)
    municipality = forms.ModelChoiceField(
        label=_("Kommune, in der die Initiative vor allem tätig ist"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("– keine Angabe –"),
    )
    phone = forms.CharField(
        label=_("Telefon der Ansprechperson"), max_length=50, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )  # fmt: skip

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities

    def details(self) -> OrganisationDetails:
        data = self.cleaned_data
        return OrganisationDetails(
            name=data["name"].strip(),
            legal_form=data["legal_form"],
            street=data["street"].strip(),
            postcode=data["postcode"],
            town=data["town"].strip(),
            municipality=data["municipality"],
        )


class OrganisationSignupForm(HoneypotFormMixin, OrganisationForm, ChoosePasswordForm):
    """A new organisation with its contact person's account."""

    field_order = [
        "name", "legal_form", "street", "postcode", "town", "municipality",
        "full_name", "email", "phone", "password1", "password2",
    ]  # fmt: skip

    full_name = forms.CharField(
        label=_("Name der Ansprechperson"),
        max_length=200,
        help_text=_("Alle Schriften sind erlaubt."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Ansprechperson"),
        max_length=254,
        help_text=_("Wir schicken einen Link, mit dem Sie die Adresse bestätigen."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def password_owner_email(self) -> str:
        return User.objects.normalize_email(self.data.get("email", ""))


class CostTypeChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("Diese Kostenart ist in diesem Programm nicht förderfähig."),
    }


class LineForm(forms.Form):
    """One line of a list entered as a formset (cost plan, receipts list); ``columns`` lays the
    fields out in a row of the KERN grid (field name, width out of 12) for ``_formset_lines.html``."""

    columns: tuple[tuple[str, int], ...] = ()

    def __init__(self, *args, cost_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost_type"].queryset = cost_types if cost_types is not None else CostType.objects.none()

    def column_fields(self):
        return [(self[name], width) for name, width in self.columns]


class CostItemForm(LineForm):
    columns = (("cost_type", 4), ("description", 5), ("amount", 3))

    cost_type = CostTypeChoiceField(label=_("Kostenart"), queryset=CostType.objects.none())
    description = forms.CharField(label=_("Erläuterung"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Betrag (€)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"),
        error_messages={"min_value": _("Der Betrag muss größer als 0 € sein.")},
    )  # fmt: skip


class BaseCostItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, cost_types, **kwargs):
        self.cost_types = cost_types
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "cost_types": self.cost_types}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, cost_types=self.cost_types)  # fmt: skip
        self.add_fields(form, None)
        return form

    def lines(self):
        return [
            (
                form.cleaned_data["cost_type"],
                form.cleaned_data.get("description", ""),
                form.cleaned_data["amount"],
            )
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("cost_type") and form.cleaned_data.get("amount")
        ]


CostItemFormSet = forms.formset_factory(CostItemForm, formset=BaseCostItemFormSet, extra=3, max_num=20)


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "measure_area", "title", "description", "municipalities", "target_groups", "starts_on", "ends_on",
            "expected_volunteers", "expected_newcomers", "requested_amount",
        ]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "municipalities": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "requested_amount": _("Die Summe des Kostenplans unten."),
            "expected_newcomers": _("Wie viele Neuzugewanderte das Vorhaben voraussichtlich erreicht."),
        }

    def __init__(self, *args, organisation: Organisation, programme: FundingProgramme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_area"].queryset = programme.building_blocks.order_by("code")
        self.fields["measure_area"].empty_label = None
        self.fields["municipalities"].queryset = Municipality.objects.filter(district=organisation.district)
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(
            district=organisation.district, is_active=True
        )
        self.fields["target_groups"].required = False

    def application_data(self, cost_lines) -> ApplicationData:
        data = self.cleaned_data
        return ApplicationData(
            measure_area=data["measure_area"],
            title=data["title"],
            description=data["description"],
            municipalities=list(data["municipalities"]),
            target_groups=list(data["target_groups"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            expected_volunteers=data["expected_volunteers"],
            expected_newcomers=data["expected_newcomers"],
            requested_amount=data["requested_amount"],
            cost_lines=cost_lines,
        )

    def add_rule_errors(self, message_dict: dict) -> None:
        for field, messages in message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class AdviceMeetingForm(forms.ModelForm):
    class Meta:
        model = AdviceMeeting
        fields = ["held_on", "notes"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Entscheidung"), choices=Decision.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label=_("Bewilligter Betrag (€)"), max_digits=10, decimal_places=2, required=False,
        help_text=_("Nur beim Bewilligen; darf niedriger sein als der beantragte Betrag."),
    )  # fmt: skip
    comment = forms.CharField(
        label=_("Begründung oder Hinweis an die Initiative"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("Beim Ablehnen und beim Erbitten von Änderungen erforderlich."),
    )  # fmt: skip

    def add_rule_errors(self, message_dict: dict) -> None:
        for field, messages in message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class BankDetailsForm(forms.Form):
    add_rule_errors = DecisionForm.add_rule_errors

    account_holder = forms.CharField(
        label=_("Kontoinhaber*in"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    iban = forms.CharField(
        label=_("IBAN"), max_length=42,
        help_text=_("Leerzeichen sind erlaubt. Nach dem Speichern zeigen wir nur noch die letzten vier Zeichen."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip


class PaymentRequestForm(forms.Form):
    add_rule_errors = DecisionForm.add_rule_errors

    amount = forms.DecimalField(label=_("Abzurufender Betrag (€)"), max_digits=10, decimal_places=2)


class PaymentPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("ausgezahlt am"), widget=forms.DateInput(attrs={"type": "date"}))


# --- proof of use ----------------------------------------------------------------


class ProofForm(forms.ModelForm):
    add_rule_errors = DecisionForm.add_rule_errors

    class Meta:
        model = ProofOfUse
        fields = ["report", "volunteers_reached", "newcomers_reached", "newcomers_became_volunteers"]
        labels = {"report": _("Sachbericht: Was hat stattgefunden?")}
        widgets = {"report": forms.Textarea(attrs={"rows": 8, "dir": "auto"})}

    events = forms.ModelMultipleChoiceField(
        label=_("Veranstaltungen im Rahmen der Förderung"), queryset=Event.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Veranstaltungen im Veranstaltungskalender, in den geförderten Kommunen und im geförderten "
                    "Zeitraum: veröffentlichte und die von Ihrer Initiative eingetragenen."),
    )  # fmt: skip

    def __init__(self, *args, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        if events is not None:
            self.fields["events"].queryset = events
        self.fields["events"].label_from_instance = lambda event: (
            f"{timezone.localtime(event.start):%d.%m.%Y} – {event.title} ({event.municipality.name})"
        )
        if self.instance.pk and not self.is_bound:
            self.initial["events"] = list(self.instance.events.values_list("pk", flat=True))


class ReceiptForm(LineForm):
    columns = (("paid_on", 2), ("cost_type", 3), ("payee", 2), ("purpose", 3), ("amount", 2))

    paid_on = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    cost_type = CostTypeChoiceField(label=_("Kostenart"), queryset=CostType.objects.none())
    payee = forms.CharField(label=_("Zahlungsempfänger*in"), max_length=200)
    purpose = forms.CharField(label=_("Zweck"), max_length=200)
    amount = forms.DecimalField(
        label=_("Betrag (€)"), max_digits=10, decimal_places=2, min_value=Decimal("0"),
        error_messages={"min_value": _("Der Betrag darf nicht negativ sein.")},
    )  # fmt: skip


class BaseReceiptFormSet(BaseCostItemFormSet):
    def lines(self):
        return [
            (
                data["paid_on"],
                data["cost_type"],
                data["payee"].strip(),
                data["purpose"].strip(),
                data["amount"],
            )
            for data in (form.cleaned_data for form in self.forms)
            if data and data.get("cost_type") and data.get("amount") is not None
        ]


ReceiptFormSet = forms.formset_factory(ReceiptForm, formset=BaseReceiptFormSet, extra=3, max_num=100)


class ProofReviewForm(forms.Form):
    add_rule_errors = DecisionForm.add_rule_errors

    decision = forms.ChoiceField(
        label=_("Prüfergebnis"), choices=ProofDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Hinweis an die Initiative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pflicht, wenn Sie den Nachweis zur Korrektur zurückgeben."),
    )


class ReceiptFileForm(forms.Form):
    """One receipt file; the content is checked by ``services.add_receipt_file``."""

    add_rule_errors = DecisionForm.add_rule_errors

    file = forms.FileField(
        label=_("Datei"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=200,
        required=False,
        help_text=_("Zum Beispiel: Rechnung Schreibwaren vom 12. März."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG oder PNG, höchstens %(size)s MB.") % {
            "size": settings.ENGAGEMENT_RECEIPT_MAX_BYTES // (1024 * 1024)
        }


class RepaymentForm(forms.Form):
    add_rule_errors = DecisionForm.add_rule_errors

    amount = forms.DecimalField(
        label=_("Zurückgezahlter Betrag (€)"), max_digits=10, decimal_places=2, localize=True,
        error_messages={"required": _("Bitte geben Sie den zurückgezahlten Betrag an."),
                        "invalid": _("Bitte geben Sie den Betrag als Zahl an, z. B. 120,50.")},
        help_text=_("Höchstens ausgezahlt minus ausgegeben, abzüglich schon erfasster Rückzahlungen."),
    )  # fmt: skip
    received_on = forms.DateField(
        label=_("Eingegangen am"),
        error_messages={"required": _("Bitte geben Sie an, wann das Geld eingegangen ist."),
                        "invalid": _("Bitte geben Sie ein gültiges Datum an.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Vermerk"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wird der Initiative mit der Bestätigung geschickt."),
    )  # fmt: skip


# --- annual budget ----------------------------------------------------------------


class AnnualBudgetForm(forms.Form):
    add_rule_errors = DecisionForm.add_rule_errors

    amount = forms.DecimalField(
        label=_("Budget (€)"), max_digits=10, decimal_places=2, min_value=Decimal("0"),
        help_text=_("Nicht weniger als die schon bewilligten Mittel des Jahres."),
    )  # fmt: skip
    cap_per_applicant = forms.DecimalField(
        label=_("Höchstbetrag je Antragsteller (€)"), max_digits=10, decimal_places=2, required=False,
        help_text=_("Leer: der Höchstbetrag des Förderprogramms."),
    )  # fmt: skip

"""Forms of the volunteer area.

Sign-up and own profile first; forms for courses and registrations follow below.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.forms import ChoosePasswordForm, ConfirmPasswordForm, HoneypotFormMixin
from accounts.models import User
from municipalities.models import FieldOfAction, Language, Municipality

from .models import NEWCOMER_CONSENT_VERSION, PRIVACY_NOTICE_VERSION, Volunteer, VolunteerLanguage

# --- sign-up and own profile -------------------------------------------------


def _privacy_label() -> str:
    # Every consent text names its version; the consent record stores the same version.
    return _("Ich habe die Datenschutzhinweise (Fassung %(version)s) gelesen.") % {
        "version": PRIVACY_NOTICE_VERSION
    }


def _privacy_help_text():
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        reverse("privacy"),
        _("Datenschutzhinweise lesen (öffnet in einem neuen Fenster)"),
    )


def _clean_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise forms.ValidationError(_("Bitte geben Sie Ihren Namen an."))
    return name


class MunicipalityChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(
            queryset=queryset,
            required=False,
            label=_("Wohnort (Kommune)"),
            empty_label=_("– keine Angabe –"),
            help_text=_("Freiwillig. Hilft dem Integrationszentrum, Angebote in Ihrer Nähe zu planen."),
            **kwargs,
        )


class PrivacyConsentForm(forms.Form):
    """What every new volunteer confirms; the sign-up form adds the account fields."""

    municipality = MunicipalityChoiceField(queryset=Municipality.objects.none())
    privacy = forms.BooleanField(
        label=_("Ich habe die Datenschutzhinweise gelesen."),
        error_messages={
            "required": _("Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.")
        },
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["privacy"].help_text = _privacy_help_text()
        self.fields["privacy"].label = _privacy_label()


class SignupForm(HoneypotFormMixin, ChoosePasswordForm):
    """A new volunteer account, with the shared honeypot."""

    field_order = ["full_name", "email", "password1", "password2", "municipality", "privacy"]

    full_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie Ihren Namen an.")},
        help_text=_("So, wie Sie angesprochen werden möchten – alle Schriften sind erlaubt."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_("Wir schicken Ihnen einen Link, mit dem Sie die Adresse bestätigen."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    municipality = MunicipalityChoiceField(queryset=Municipality.objects.none())
    privacy = forms.BooleanField(
        label=_("Ich habe die Datenschutzhinweise gelesen."),
        error_messages={
            "required": _("Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.")
        },
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["privacy"].help_text = _privacy_help_text()
        self.fields["privacy"].label = _privacy_label()

    def clean_full_name(self) -> str:
        return _clean_name(self.cleaned_data["full_name"])

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])

    def password_owner_email(self) -> str:
        return self.cleaned_data.get("email", "")


class VolunteerProfileForm(forms.Form):
    """One's own volunteer profile; the languages come in ``LanguageSkillFormSet``."""

    full_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie Ihren Namen an.")},
        help_text=_("So, wie Sie angesprochen werden möchten – alle Schriften sind erlaubt."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    municipality = MunicipalityChoiceField(queryset=Municipality.objects.none())
    phone = forms.CharField(
        label=_("Telefon (optional)"),
        max_length=40,
        required=False,
        help_text=_("Nur für Rückfragen des Integrationszentrums zu Ihren Kursen."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    availability = forms.CharField(
        label=_("Wann haben Sie Zeit? (optional)"),
        required=False,
        max_length=2000,
        help_text=_("z. B. „dienstags nachmittags, am Wochenende“"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("Wofür interessieren Sie sich? (optional)"),
        queryset=FieldOfAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    came_as_newcomer = forms.BooleanField(
        label=_("Ich bin selbst als neuzugewanderte Person nach Deutschland gekommen."),
        required=False,
        help_text=_(
            "Freiwillig. Das Integrationszentrum zählt damit – ohne Namen – wie viele Neuzugewanderte "
            "später selbst ehrenamtlich aktiv werden. Die Angabe wird nur mit Ihrer Einwilligung "
            "gespeichert (nächstes Feld)."
        ),
    )
    newcomer_consent = forms.BooleanField(
        label=_(
            "Ich willige ein, dass das Integrationszentrum diese Angabe für anonyme Statistiken speichert "
            "und auswertet."
        ),
        required=False,
        help_text=_(
            "Die Einwilligung ist freiwillig. Sie können sie jederzeit widerrufen, indem Sie hier einen "
            "der beiden Haken entfernen; dann wird die Angabe gelöscht. Niemand außer dem "
            "Integrationszentrum sieht Ihr Profil."
        ),
    )

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newcomer_consent"].label = _(
            "Ich willige ein, dass das Integrationszentrum diese Angabe für anonyme Statistiken speichert "
            "und auswertet (Einwilligungstext Fassung %(version)s)."
        ) % {"version": NEWCOMER_CONSENT_VERSION}
        self.fields["municipality"].queryset = Municipality.objects.filter(district=volunteer.district_id)
        # Inactive fields of action stay visible while the person still has them.
        chosen = list(volunteer.interests.values_list("pk", flat=True)) if volunteer.pk else []
        self.fields["interests"].queryset = FieldOfAction.objects.filter(
            district=volunteer.district_id
        ).filter(Q(is_active=True) | Q(pk__in=chosen))

    @classmethod
    def initial_for(cls, volunteer: Volunteer) -> dict:
        return {
            "full_name": volunteer.user.full_name if volunteer.user else "",
            "municipality": volunteer.municipality_id,
            "phone": volunteer.phone,
            "availability": volunteer.availability,
            "interests": list(volunteer.interests.values_list("pk", flat=True)),
            "came_as_newcomer": volunteer.came_as_newcomer,
            "newcomer_consent": bool(volunteer.newcomer_consent_at),
        }

    def clean_full_name(self) -> str:
        return _clean_name(self.cleaned_data["full_name"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("came_as_newcomer") and not cleaned.get("newcomer_consent"):
            self.add_error(
                "newcomer_consent",
                _(
                    "Bitte willigen Sie ein, wenn Sie die Angabe „neu zugewandert“ machen möchten – "
                    "oder entfernen Sie den Haken bei der Angabe."
                ),
            )
        return cleaned


class LanguageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Language) -> str:
        if obj.native_name and obj.native_name != obj.name:
            return f"{obj.name} – {obj.native_name}"
        return obj.name


class LanguageSkillForm(forms.Form):
    language = LanguageChoiceField(
        label=_("Sprache"),
        queryset=Language.objects.all(),
        required=False,
        empty_label=_("– keine –"),
    )
    level = forms.ChoiceField(
        label=_("Niveau"),
        choices=VolunteerLanguage.Level.choices,
        initial=VolunteerLanguage.Level.GOOD,
        # Only counts when a language is chosen; empty rows need no level.
        required=False,
    )


class BaseLanguageSkillFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Sprache entfernen")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            language = form.cleaned_data.get("language")
            if language is None:
                continue
            if language.pk in seen:
                raise forms.ValidationError(
                    _("Sie haben %(language)s zweimal angegeben. Bitte jede Sprache nur einmal.")
                    % {"language": language.name}
                )
            seen.add(language.pk)

    def skills(self) -> list[tuple[Language, str]]:
        """The chosen (language, level) pairs, without removed and empty rows."""
        result = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            language = form.cleaned_data.get("language")
            if language is not None:
                result.append((language, form.cleaned_data["level"] or VolunteerLanguage.Level.GOOD))
        return result


LanguageSkillFormSet = forms.formset_factory(
    LanguageSkillForm,
    formset=BaseLanguageSkillFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=40,
    validate_max=True,
)


class DeleteAccountForm(ConfirmPasswordForm):
    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        help_text=_("Zur Sicherheit: Nur wer das Passwort kennt, kann das Konto löschen."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# --- courses and registrations (other forms below) -----------------------------

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outbox.services import send_templated_mail

from .models import User


class HoneypotFormMixin:
    """A field people never see on public forms; programs that fill every field reveal themselves.

    The field is rendered by ``templates/includes/honeypot.html`` (out of sight, out of the
    tab order, hidden from assistive technology) and left out of ``visible_fields()``,
    so generic form templates do not show it. Views check ``honeypot_filled()`` first and
    answer a bot exactly as they answer a person, but do nothing.
    """

    HONEYPOT = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.HONEYPOT] = forms.CharField(
            label=_("Bitte lassen Sie dieses Feld leer."),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    def honeypot_filled(self) -> bool:
        return bool(str(self.data.get(self.HONEYPOT, "")).strip())

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != self.HONEYPOT]

    @property
    def honeypot_field(self):
        return self[self.HONEYPOT]


class EmailAuthenticationForm(AuthenticationForm):
    """The login form: the user name is the e-mail address."""

    username = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "E-Mail-Adresse oder Passwort ist nicht richtig. Bitte prüfen Sie beides "
            "(Groß- und Kleinschreibung beim Passwort beachten)."
        ),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }

    def clean_username(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["username"])


class QueuedPasswordResetForm(HoneypotFormMixin, PasswordResetForm):
    """Sends the reset link through the Celery mail path, after commit.

    Django's form already answers the same for known and unknown addresses;
    the view shows one confirmation page either way.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        send_templated_mail(
            to=to_email,
            template="password_reset",
            context={
                "user": user,
                "reset_path": reverse(
                    "accounts:password_reset_confirm",
                    kwargs={"uidb64": context["uid"], "token": context["token"]},
                ),
            },
            language=user.preferred_language,
        )


class NewPasswordForm(SetPasswordForm):
    """Set a password (invitation, reset) with labels that say what to do."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]
        help_texts = {
            "full_name": _("So, wie Sie angesprochen werden möchten – alle Schriften sind erlaubt."),
            "preferred_language": _("Sprache der Oberfläche und der E-Mails, soweit übersetzt."),
        }

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Bitte geben Sie Ihren Namen an."))
        return name


class ChoosePasswordForm(forms.Form):
    """Two password fields, checked against each other and Django's validators.

    Subclasses say which address the account gets (``password_owner_email``), so
    the similarity validator can compare the password with name and address.
    """

    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def password_owner_email(self) -> str:
        return ""

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        elif first:
            candidate = User(email=self.password_owner_email(), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class TwoFactorCodeForm(forms.Form):
    """One field for the code from the app (6 digits) or a recovery code."""

    code = forms.CharField(
        label=_("Bestätigungscode"),
        max_length=20,
        help_text=_(
            "Die 6 Ziffern, die Ihre Authenticator-App gerade anzeigt (Leerzeichen sind egal), "
            "oder einer Ihrer Wiederherstellungscodes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, app_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if app_only:
            self.fields["code"].help_text = _(
                "Die 6 Ziffern, die Ihre Authenticator-App jetzt für dieses Konto anzeigt."
            )
            self.fields["code"].widget.attrs["inputmode"] = "numeric"


class ConfirmPasswordForm(forms.Form):
    """Asks for the current password before a security change (goes through django-axes)."""

    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        help_text=_("Zur Sicherheit bestätigen Sie diese Änderung mit Ihrem Passwort."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, user, **kwargs):
        self.request = request
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        from django.contrib.auth import authenticate

        password = self.cleaned_data["password"]
        # Through the authentication backends, so that django-axes throttles guessing here too.
        checked = authenticate(self.request, username=self.user.email, password=password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(_("Das Passwort ist nicht richtig."))
        return password

import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET
from django.views.generic import UpdateView

from . import twofactor
from .forms import (
    ConfirmPasswordForm,
    EmailAuthenticationForm,
    NewPasswordForm,
    ProfileForm,
    QueuedPasswordResetForm,
    TwoFactorCodeForm,
)
from .ratelimits import rate_limited


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link cannot log anybody out."""


@method_decorator(rate_limited("password_reset"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        if self.get_form().honeypot_filled():
            # A bot: the same answer as for a person, but no mail goes out.
            return HttpResponseRedirect(self.get_success_url())
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Ihr Passwort wurde geändert."))
        return super().form_valid(form)


class ProfileView(LoginRequiredMixin, UpdateView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def get_context_data(self, **kwargs):
        user = self.request.user
        device = twofactor.confirmed_totp_device(user)
        kwargs["two_factor"] = {
            "device": device,
            "required": twofactor.two_factor_required(user),
            "enforced": settings.REQUIRE_TWO_FACTOR,
            "codes_left": twofactor.recovery_codes_left(user) if device else 0,
        }
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        # Switch the interface to the language the person just chose.
        translation.activate(form.instance.preferred_language)
        response.set_cookie("django_language", form.instance.preferred_language, samesite="Lax")
        messages.success(self.request, _("Ihre Angaben wurden gespeichert."))
        return response


# --- second factor (TOTP) -----------------------------------------------------


def _next_url(request) -> str:
    """A safe local ``next`` from GET or POST, or „Mein Bereich“."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request) -> str:
    url = reverse(name)
    candidate = request.POST.get("next") or request.GET.get("next")
    return f"{url}?{urlencode({'next': candidate})}" if candidate else url


def _wait_message(locked_until) -> str:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    return ngettext(
        "Zum Schutz vor Ausprobieren ist die Eingabe nach falschen Codes kurz gesperrt, und zwar "
        "länger mit jedem weiteren falschen Code. Bitte warten Sie %(seconds)s Sekunde und versuchen "
        "es dann erneut.",
        "Zum Schutz vor Ausprobieren ist die Eingabe nach falschen Codes kurz gesperrt, und zwar "
        "länger mit jedem weiteren falschen Code. Bitte warten Sie %(seconds)s Sekunden und versuchen "
        "es dann erneut.",
        seconds,
    ) % {"seconds": seconds}


@method_decorator(never_cache, name="dispatch")
class TwoFactorSetupView(LoginRequiredMixin, View):
    """Enrolment: scan the QR code (or type the secret), confirm with a first code."""

    template_name = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and twofactor.has_two_factor(request.user):
            if request.user.is_verified():
                messages.info(request, _("Die Zwei-Faktor-Anmeldung ist für Ihr Konto bereits eingerichtet."))
                return redirect("accounts:profile")
            # Whoever knows only the password must not replace the existing app.
            return redirect(_with_next("accounts:two_factor_verify", request))
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form, device):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "qr_code": twofactor.qr_code_data_uri(device),
                "secret": twofactor.secret_in_groups(device),
                "required": twofactor.two_factor_required(self.request.user),
                "next": self.request.POST.get("next") or self.request.GET.get("next") or "",
            },
        )

    def get(self, request):
        device = twofactor.pending_totp_device(user=request.user, session=request.session)
        return self._render(TwoFactorCodeForm(app_only=True), device)

    def post(self, request):
        device = twofactor.pending_totp_device(user=request.user, session=request.session)
        form = TwoFactorCodeForm(request.POST, app_only=True)
        if not form.is_valid():
            return self._render(form, device)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _wait_message((details or {}).get("locked_until")))
            return self._render(form, device)
        if not twofactor.confirm_totp_device(
            user=request.user, device=device, token=form.cleaned_data["code"]
        ):
            form.add_error(
                "code",
                _(
                    "Dieser Code stimmt nicht. Bitte geben Sie die 6 Ziffern ein, die die App gerade "
                    "anzeigt. Stimmt die Uhrzeit Ihres Telefons?"
                ),
            )
            return self._render(form, device)
        device.refresh_from_db()
        request.session.pop(twofactor.PENDING_DEVICE_SESSION_KEY, None)
        codes = twofactor.new_recovery_codes(user=request.user)
        twofactor.mark_session_verified(request, device)
        request.session[twofactor.NEW_CODES_SESSION_KEY] = codes
        messages.success(request, _("Die Zwei-Faktor-Anmeldung ist jetzt eingerichtet."))
        return redirect(_with_next("accounts:two_factor_recovery_codes", request))


@method_decorator(never_cache, name="dispatch")
class TwoFactorVerifyView(LoginRequiredMixin, View):
    """After the password: the code from the app, or a recovery code."""

    template_name = "accounts/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not twofactor.has_two_factor(request.user):
                return redirect(_with_next("accounts:two_factor_setup", request))
            if request.user.is_verified():
                return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "next": self.request.POST.get("next") or self.request.GET.get("next") or ""},
        )

    def get(self, request):
        return self._render(TwoFactorCodeForm())

    def post(self, request):
        form = TwoFactorCodeForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        result = twofactor.verify_code(user=request.user, token=form.cleaned_data["code"])
        if result.device is None:
            if result.locked_until:
                form.add_error("code", _wait_message(result.locked_until))
            else:
                form.add_error(
                    "code",
                    _(
                        "Dieser Code stimmt nicht. Bitte geben Sie die 6 Ziffern ein, die Ihre App gerade "
                        "anzeigt, oder einen noch nicht benutzten Wiederherstellungscode."
                    ),
                )
            return self._render(form)
        twofactor.mark_session_verified(request, result.device)
        if result.used_recovery_code:
            left = twofactor.recovery_codes_left(request.user)
            messages.warning(
                request,
                ngettext(
                    "Sie haben einen Wiederherstellungscode benutzt. Sie haben noch %(left)s Code. "
                    "Erzeugen Sie unter „Mein Konto“ neue Codes.",
                    "Sie haben einen Wiederherstellungscode benutzt. Sie haben noch %(left)s Codes. "
                    "Erzeugen Sie unter „Mein Konto“ neue Codes, wenn nur noch wenige übrig sind.",
                    left,
                )
                % {"left": left},
            )
        return redirect(_next_url(request))


def _require_two_factor_passed(request):
    """None if the session has passed the second factor; else a redirect to the enrolment (no
    device yet) or to the code prompt.

    The views that read or change second-factor material check this themselves and do not rely
    on the middleware alone: it lets some sessions pass without a database query (those that
    began before the person set up a device, see ``accounts.sessions``).
    """
    if not twofactor.has_two_factor(request.user):
        return redirect(_with_next("accounts:two_factor_setup", request))
    if not request.user.is_verified():
        return redirect(_with_next("accounts:two_factor_verify", request))
    return None


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class TwoFactorRecoveryCodesView(LoginRequiredMixin, View):
    """New codes are shown here exactly once; a session that has passed the second factor can make
    new ones with the password."""

    template_name = "accounts/two_factor_recovery_codes.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            redirect_to = _require_two_factor_passed(request)
            if redirect_to:
                return redirect_to
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "new_codes": self.request.session.get(twofactor.NEW_CODES_SESSION_KEY),
                "codes_left": twofactor.recovery_codes_left(self.request.user),
                "next": self.request.POST.get("next") or self.request.GET.get("next") or "",
            },
        )

    def get(self, request):
        return self._render(ConfirmPasswordForm(request=request, user=request.user))

    def post(self, request):
        if request.POST.get("action") == "done":
            # The person has printed or saved the codes: they are never shown again.
            request.session.pop(twofactor.NEW_CODES_SESSION_KEY, None)
            return redirect(_next_url(request))
        form = ConfirmPasswordForm(request.POST, request=request, user=request.user)
        if not form.is_valid():
            return self._render(form)
        request.session[twofactor.NEW_CODES_SESSION_KEY] = twofactor.new_recovery_codes(user=request.user)
        messages.success(
            request, _("Neue Wiederherstellungscodes sind erstellt; die alten gelten nicht mehr.")
        )
        return redirect("accounts:two_factor_recovery_codes")


@require_GET
@never_cache
@login_required
def two_factor_recovery_codes_download(request):
    """The codes just shown, as a text file to keep offline (only to a verified session)."""
    if not request.user.is_verified():
        if twofactor.has_two_factor(request.user):
            return redirect(_with_next("accounts:two_factor_verify", request))
        raise Http404  # no second factor, so no codes
    codes = request.session.get(twofactor.NEW_CODES_SESSION_KEY)
    if not codes:
        raise Http404
    text = render_to_string(
        "accounts/two_factor_recovery_codes.txt", {"codes": codes, "user": request.user}, request=request
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wiederherstellungscodes-kreisintegration.txt"'
    return response


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class TwoFactorDisableView(LoginRequiredMixin, View):
    """Switch the second factor off again – only for people whose role does not require it."""

    template_name = "accounts/two_factor_disable.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if twofactor.two_factor_required(request.user):
                raise PermissionDenied(_("Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben."))
            if not twofactor.has_two_factor(request.user):
                return redirect("accounts:profile")
            if not request.user.is_verified():
                # The password alone must not remove the second factor.
                return redirect(_with_next("accounts:two_factor_verify", request))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = ConfirmPasswordForm(request=request, user=request.user)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = ConfirmPasswordForm(request.POST, request=request, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        twofactor.remove_two_factor(user=request.user)
        twofactor.forget_verification(request)
        request.session.pop(twofactor.NEW_CODES_SESSION_KEY, None)
        messages.success(request, _("Die Zwei-Faktor-Anmeldung ist ausgeschaltet."))
        return redirect("accounts:profile")

"""A volunteer's own account: sign-up, e-mail confirmation, profile, data export, deletion.

Thin views: forms parse, ``volunteers.selfservice`` does the work.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import consents
from accounts.audit import record_audit_event
from accounts.backends import PORTAL_BACKEND as MODEL_BACKEND
from accounts.models import AuditEvent
from accounts.ratelimits import rate_limited
from municipalities.selectors import portal_district, public_municipalities

from .. import documents
from ..forms import (
    DeleteAccountForm,
    LanguageSkillFormSet,
    PrivacyConsentForm,
    SignupForm,
    VolunteerProfileForm,
)
from ..own_data_document import readable_own_data
from ..permissions import VolunteerRequiredMixin, volunteer_of
from ..selfservice import OPEN_STATUSES, AccountError
from ..selfservice.consents import withdraw_newcomer_consent
from ..selfservice.deletion import delete_volunteer_account, deletion_summaries, may_delete_own_account
from ..selfservice.export import export_own_data
from ..selfservice.profile import LanguageSkill, save_volunteer_profile
from ..selfservice.signup import (
    CONFIRM_MAX_AGE,
    SIGNUP_MAIL_INTERVAL,
    ConfirmationProblem,
    confirm_volunteer_email,
    join_as_volunteer,
    sign_up_volunteer,
    user_for_confirmation_token,
)


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
@method_decorator(rate_limited("signup"), name="dispatch")
class SignupView(View):
    """Anonymous visitors create an account; logged-in people without a profile add one."""

    template_name = "volunteers/account/signup.html"
    join_template_name = "volunteers/account/join.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and volunteer_of(request.user) is not None:
            messages.info(request, _("Sie sind bereits als Ehrenamtliche*r registriert."))
            return redirect("volunteers:my_courses")
        self.district = portal_district()
        if self.district is None:  # an empty installation: nobody to register with
            raise Http404
        self.municipalities = public_municipalities(district=self.district)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form):
        template = self.join_template_name if self.request.user.is_authenticated else self.template_name
        return render(self.request, template, {"form": form, "district": self.district})

    def _form(self, data=None):
        form_class = PrivacyConsentForm if self.request.user.is_authenticated else SignupForm
        return form_class(data, municipalities=self.municipalities)

    def get(self, request):
        return self._render(self._form())

    def post(self, request):
        form = self._form(request.POST)
        if isinstance(form, SignupForm) and form.honeypot_filled():
            # A bot: answer exactly as for a person, but create and send nothing.
            return redirect("volunteers:signup_done")
        if not form.is_valid():
            return self._render(form)
        data = form.cleaned_data
        try:
            if request.user.is_authenticated:
                join_as_volunteer(
                    user=request.user, district=self.district, municipality=data["municipality"]
                )
            else:
                sign_up_volunteer(
                    email=data["email"],
                    full_name=data["full_name"],
                    password=data["password1"],
                    district=self.district,
                    municipality=data["municipality"],
                    language=translation.get_language() or "",
                )
        except AccountError as error:
            form.add_error(None, error)
            return self._render(form)
        if request.user.is_authenticated:
            messages.success(
                request, _("Willkommen! Ergänzen Sie hier gern Ihre Sprachen, Interessen und Zeiten.")
            )
            return redirect("volunteers:profile")
        return redirect("volunteers:signup_done")


class SignupDoneView(View):
    def get(self, request):
        return render(
            request,
            "volunteers/account/signup_done.html",
            {
                "valid_days": CONFIRM_MAX_AGE.days,
                "interval_minutes": SIGNUP_MAIL_INTERVAL // 60,
            },
        )


class ConfirmEmailView(View):
    """GET shows a button, only the POST confirms: mail scanners open every link."""

    template_name = "volunteers/account/confirm.html"
    problem_template_name = "volunteers/account/confirm_problem.html"

    def _problem(self, problem: ConfirmationProblem):
        return render(self.request, self.problem_template_name, {"reason": problem.reason})

    def _other_account(self, account) -> bool:
        return self.request.user.is_authenticated and self.request.user.pk != account.pk

    def get(self, request, token):
        try:
            account = user_for_confirmation_token(token)
        except ConfirmationProblem as problem:
            return self._problem(problem)
        return render(request, self.template_name, {"other_account": self._other_account(account)})

    def post(self, request, token):
        try:
            account = user_for_confirmation_token(token)
            if self._other_account(account):
                return render(request, self.template_name, {"other_account": True})
            account = confirm_volunteer_email(token=token)
        except ConfirmationProblem as problem:
            if problem.reason == "already" and request.user.is_authenticated and request.user == problem.user:
                return redirect("volunteers:my_courses")
            return self._problem(problem)
        login(request, account, backend=MODEL_BACKEND)
        messages.success(
            request, _("Vielen Dank! Ihre E-Mail-Adresse ist bestätigt und Sie sind angemeldet.")
        )
        return redirect("volunteers:my_courses")


@method_decorator(never_cache, name="dispatch")
class ProfileView(VolunteerRequiredMixin, View):
    template_name = "volunteers/account/profile.html"
    languages_prefix = "languages"

    def _language_initial(self):
        return [
            {"language": item.language_id, "level": item.level}
            for item in self.volunteer.languages.select_related("language").order_by("language__position")
        ]

    def _render(self, form, formset):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "formset": formset,
                "volunteer": self.volunteer,
                "consent_records": [
                    (record, _withdraw_url(record) if record.is_current else None)
                    for record in consents.consent_history(user=self.request.user)
                ],
            },
        )

    def get(self, request):
        form = VolunteerProfileForm(
            initial=VolunteerProfileForm.initial_for(self.volunteer), volunteer=self.volunteer
        )
        formset = LanguageSkillFormSet(initial=self._language_initial(), prefix=self.languages_prefix)
        return self._render(form, formset)

    def post(self, request):
        form = VolunteerProfileForm(
            request.POST, initial=VolunteerProfileForm.initial_for(self.volunteer), volunteer=self.volunteer
        )
        formset = LanguageSkillFormSet(
            request.POST, initial=self._language_initial(), prefix=self.languages_prefix
        )
        if not (form.is_valid() and formset.is_valid()):
            return self._render(form, formset)
        data = form.cleaned_data
        try:
            save_volunteer_profile(
                user=request.user,
                full_name=data["full_name"],
                municipality=data["municipality"],
                phone=data["phone"],
                availability=data["availability"],
                interests=list(data["interests"]),
                languages=[
                    LanguageSkill(language=language, level=level) for language, level in formset.skills()
                ],
                came_as_newcomer=data["came_as_newcomer"],
                newcomer_consent=data["newcomer_consent"],
            )
        except AccountError as error:
            form.add_error(None, error)
            return self._render(form, formset)
        messages.success(request, _("Ihr Profil wurde gespeichert."))
        return redirect("volunteers:profile")


class OwnDataMixin(LoginRequiredMixin):
    """The logged-in person's own data (any role); each look or download is logged once."""

    audit_format = "json"

    def own_data(self) -> dict:
        data = export_own_data(user=self.request.user)
        own_profile = volunteer_of(self.request.user)
        record_audit_event(
            actor=self.request.user,
            action=AuditEvent.Action.EXPORTED_OWN_DATA,
            target=self.request.user,
            district_id=own_profile.district_id if own_profile else None,
            details={} if self.audit_format == "json" else {"format": self.audit_format},
        )
        return data


@method_decorator(never_cache, name="dispatch")
class DataExportView(OwnDataMixin, View):
    """All data about the logged-in person as a JSON download (any role: it is their own data)."""

    def get(self, request):
        data = self.own_data()
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        filename = f"meine-daten-kreisintegration-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@method_decorator(never_cache, name="dispatch")
class OwnDataPageView(OwnDataMixin, View):
    """„Meine Daten“ to read: the same content as the JSON download, in plain German."""

    audit_format = "html"

    def get(self, request):
        return render(
            request,
            "volunteers/account/own_data.html",
            {"sections": readable_own_data(self.own_data())},
        )


@method_decorator(never_cache, name="dispatch")
class OwnDataPdfView(OwnDataMixin, View):
    """„Meine Daten“ as a tagged PDF (PDF/UA-1), the same content as the page and the JSON."""

    audit_format = "pdf"

    def get(self, request):
        content = documents.own_data_pdf(user=request.user, sections=readable_own_data(self.own_data()))
        filename = f"meine-daten-kreisintegration-{timezone.localdate():%Y-%m-%d}.pdf"
        return documents.file_response(content, documents.PDF_CONTENT_TYPE, filename)


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class DeleteAccountView(VolunteerRequiredMixin, View):
    """Deleting one's own account: volunteers, and people with a part in an app to the right
    (an initiative's contact person) that says on this page what deletion means there."""

    template_name = "volunteers/account/delete.html"
    no_profile_message = gettext_lazy(
        "Dieses Konto hat kein Ehrenamtsprofil. Wenn Sie es löschen lassen möchten, wenden Sie sich bitte an "
        "das Integrationszentrum."
    )

    def has_role(self) -> bool:
        """A volunteer profile, or a part elsewhere whose deletion the page can explain; else 403."""
        self.volunteer = volunteer_of(self.request.user)
        self.summaries = deletion_summaries(self.request.user)
        return self.volunteer is not None or bool(self.summaries)

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "may_delete": may_delete_own_account(self.request.user),
                "volunteer": self.volunteer,
                "summaries": self.summaries,
                "open_registrations": self.volunteer.registrations.filter(status__in=OPEN_STATUSES).count()
                if self.volunteer
                else 0,
                "back_url": reverse("volunteers:profile" if self.volunteer else "accounts:profile"),
            },
        )

    def get(self, request):
        return self._render(DeleteAccountForm(request=request, user=request.user))

    def post(self, request):
        if not may_delete_own_account(request.user):
            raise PermissionDenied
        form = DeleteAccountForm(request.POST, request=request, user=request.user)
        if not form.is_valid():
            return self._render(form)
        try:
            delete_volunteer_account(user=request.user)
        except AccountError as error:
            form.add_error(None, error)
            return self._render(form)
        logout(request)
        return render(request, "volunteers/account/deleted.html")


# URL slug → consent kind that can be withdrawn on its own page.
WITHDRAWABLE = {
    "neuzugewandert": consents.Kind.NEWCOMER_STATUS,
    "datenschutzhinweise": consents.Kind.PRIVACY_NOTICE,
}


def _withdraw_url(record) -> str:
    slug = next(slug for slug, kind in WITHDRAWABLE.items() if kind == record.kind)
    return reverse("volunteers:withdraw_consent", kwargs={"kind": slug})


@method_decorator(never_cache, name="dispatch")
class WithdrawConsentView(VolunteerRequiredMixin, View):
    """GET explains what withdrawing means; POST withdraws (the privacy notice: leads to deletion)."""

    template_name = "volunteers/account/withdraw_consent.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in WITHDRAWABLE:
            raise Http404
        self.kind = WITHDRAWABLE[kwargs["kind"]]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, kind):
        return render(
            request,
            self.template_name,
            {
                "kind": self.kind,
                "is_privacy_notice": self.kind == consents.Kind.PRIVACY_NOTICE,
                "record": consents.current_consent(user=request.user, kind=self.kind),
                "may_delete": may_delete_own_account(request.user),
            },
        )

    def post(self, request, kind):
        if self.kind == consents.Kind.PRIVACY_NOTICE:
            # Without the privacy notice there is no service: never delete silently, show the deletion page.
            return redirect("volunteers:delete_account")
        if (
            consents.current_consent(user=request.user, kind=self.kind) is None
            and not self.volunteer.came_as_newcomer
        ):
            messages.info(request, _("Diese Einwilligung hatten Sie nicht erteilt oder bereits widerrufen."))
            return redirect("volunteers:profile")
        withdraw_newcomer_consent(user=request.user)
        messages.success(
            request,
            _(
                "Ihre Einwilligung ist widerrufen. Die Angabe „selbst neu zugewandert“ ist gelöscht und wird "
                "nirgends mehr gezählt."
            ),
        )
        return redirect("volunteers:profile")

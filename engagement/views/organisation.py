"""The organisation's side: registration with double opt-in, own area.

The grant itself: ``applications``, ``contracts`` (contract and payment requests) and ``proofs``.

Thin views: forms parse, ``engagement.services`` does the work, querysets come from
``engagement.permissions`` (another organisation's application: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.backends import PORTAL_BACKEND as MODEL_BACKEND
from accounts.ratelimits import rate_limited
from municipalities.selectors import portal_district, public_municipalities
from volunteers.selfservice.signup import ConfirmationProblem

from .. import permissions, selectors, services
from ..forms import OrganisationForm, OrganisationSignupForm


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
@method_decorator(rate_limited("signup"), name="dispatch")
class SignupView(View):
    template_name = "engagement/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and permissions.organisation_of(request.user) is not None:
            return redirect("engagement:home")
        self.district = portal_district()
        if self.district is None:
            raise Http404
        self.municipalities = public_municipalities(district=self.district)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        form_class = OrganisationForm if self.request.user.is_authenticated else OrganisationSignupForm
        return form_class(data, municipalities=self.municipalities)

    def _render(self, form):
        return render(self.request, self.template_name, {"form": form, "district": self.district})

    def get(self, request):
        return self._render(self._form())

    def post(self, request):
        form = self._form(request.POST)
        if isinstance(form, OrganisationSignupForm) and form.honeypot_filled():
            return redirect("engagement:signup_done")
        if not form.is_valid():
            return self._render(form)
        data = form.cleaned_data
        try:
            if request.user.is_authenticated:
                services.register_organisation(
                    district=self.district, details=form.details(), phone=data["phone"], user=request.user
                )
            else:
                services.register_organisation(
                    district=self.district,
                    details=form.details(),
                    email=data["email"],
                    full_name=data["full_name"],
                    password=data["password1"],
                    phone=data["phone"],
                    language=translation.get_language() or "",
                )
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            ):
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            return self._render(form)
        if request.user.is_authenticated:
            messages.success(
                request,
                _("Ihre Organisation ist registriert. Das Integrationszentrum bestätigt sie in Kürze."),
            )
            return redirect("engagement:home")
        return redirect("engagement:signup_done")


class SignupDoneView(View):
    def get(self, request):
        return render(request, "engagement/signup_done.html", {"valid_days": services.CONFIRM_MAX_AGE.days})


class ConfirmEmailView(View):
    """GET shows a button, only the POST confirms (as for volunteers: mail scanners open links)."""

    template_name = "engagement/confirm.html"

    def _problem(self, problem: ConfirmationProblem):
        return render(self.request, "engagement/confirm_problem.html", {"reason": problem.reason})

    def _other_account(self, member) -> bool:
        return self.request.user.is_authenticated and self.request.user.pk != member.user_id

    def get(self, request, token):
        try:
            member = services.organisation_for_confirmation_token(token)
        except ConfirmationProblem as problem:
            return self._problem(problem)
        return render(
            request,
            self.template_name,
            {"other_account": self._other_account(member), "organisation": member.organisation},
        )

    def post(self, request, token):
        try:
            member = services.organisation_for_confirmation_token(token)
            if self._other_account(member):
                return render(
                    request, self.template_name, {"other_account": True, "organisation": member.organisation}
                )
            account = services.confirm_organisation_email(token=token)
        except ConfirmationProblem as problem:
            return self._problem(problem)
        login(request, account, backend=MODEL_BACKEND)
        messages.success(
            request,
            _(
                "Vielen Dank! Die E-Mail-Adresse ist bestätigt. Das Integrationszentrum prüft nun Ihre Registrierung."
            ),
        )
        return redirect("engagement:home")


@method_decorator(never_cache, name="dispatch")
class HomeView(permissions.OrganisationMemberRequiredMixin, View):
    def get(self, request):
        applications = self.organisation.applications.select_related("measure_area").order_by(
            "-created_at", "-pk"
        )
        return render(
            request,
            "engagement/home.html",
            {
                "organisation": self.organisation,
                "applications": applications,
                "programme": selectors.current_grant_programme(on=timezone.localdate()),
            },
        )

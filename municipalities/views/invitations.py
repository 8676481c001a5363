"""Accepting an invitation (the link in the mail) and asking for a fresh one."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from accounts.backends import PORTAL_BACKEND
from accounts.ratelimits import rate_limited
from accounts.services import find_user_by_email

from .. import services
from ..forms import AcceptInvitationForm, InvitationRenewalForm

INVITATION_PROBLEMS = {
    "unknown": _(
        "Dieser Einladungslink ist nicht gültig. Bitte prüfen Sie, ob Sie den Link vollständig "
        "aus der E-Mail übernommen haben."
    ),
    "accepted": _("Diese Einladung wurde bereits angenommen. Sie können sich mit Ihrem Konto anmelden."),
    "expired": _("Dieser Einladungslink ist abgelaufen."),
    "revoked": _("Diese Einladung wurde durch eine neuere ersetzt oder zurückgezogen."),
    "wrong_account": _(
        "Sie sind mit einem anderen Konto angemeldet als dem, an das die Einladung ging. "
        "Bitte melden Sie sich ab und öffnen Sie den Link erneut."
    ),
    "account_exists": _(
        "Für diese E-Mail-Adresse gibt es bereits ein Konto. Bitte melden Sie sich an und "
        "öffnen Sie den Link danach erneut, um die Einladung anzunehmen."
    ),
}

# Unknown links are "not found"; used-up links are "gone"; the rest explain what to do.
INVITATION_PROBLEM_STATUS = {"unknown": 404, "expired": 410, "revoked": 410}


@method_decorator(rate_limited("invitation_accept"), name="dispatch")
class InvitationAcceptView(View):
    """Opening the link shows a form; only the POST uses the invitation."""

    template_name = "municipalities/invitation_accept.html"

    def _problem(self, request, error: services.InvitationError):
        return render(
            request,
            "municipalities/invitation_problem.html",
            {"reason": error.reason, "message": INVITATION_PROBLEMS[error.reason]},
            status=INVITATION_PROBLEM_STATUS.get(error.reason, 200),
        )

    def _context(self, request, invitation, form=None):
        existing = find_user_by_email(invitation.email)
        return {
            "invitation": invitation,
            "form": form
            or AcceptInvitationForm(email=invitation.email, initial={"full_name": invitation.full_name}),
            "has_account": existing is not None,
            "logged_in_as_invitee": request.user.is_authenticated
            and request.user.email.lower() == invitation.email.lower(),
        }

    def get(self, request, token):
        try:
            invitation = services.get_usable_invitation(token=token)
        except services.InvitationError as error:
            return self._problem(request, error)
        return render(request, self.template_name, self._context(request, invitation))

    def post(self, request, token):
        try:
            invitation = services.get_usable_invitation(token=token)
        except services.InvitationError as error:
            return self._problem(request, error)
        if request.user.is_authenticated:
            user, form_data = request.user, {}
        else:
            form = AcceptInvitationForm(request.POST, email=invitation.email)
            if not form.is_valid():
                return render(request, self.template_name, self._context(request, invitation, form))
            user, form_data = (
                None,
                {
                    "full_name": form.cleaned_data["full_name"],
                    "password": form.cleaned_data["password1"],
                },
            )
        try:
            account, membership = services.accept_invitation(token=token, user=user, **form_data)
        except services.InvitationError as error:
            return self._problem(request, error)
        if not request.user.is_authenticated:
            login(request, account, backend=PORTAL_BACKEND)
        messages.success(
            request,
            _("Willkommen! Sie sind jetzt Ansprechperson für %(municipality)s.")
            % {"municipality": membership.municipality.name},
        )
        return redirect("municipalities:home", slug=membership.municipality.slug)


@method_decorator(rate_limited("invitation_renewal"), name="dispatch")
class InvitationRenewalView(FormView):
    """Ask the KI for a new link; the same answer for every address."""

    template_name = "municipalities/invitation_renewal.html"
    form_class = InvitationRenewalForm

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.honeypot_filled():
            return self._done()  # a bot: the same answer as for a person, but nobody is told
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        services.request_new_invitation(email=form.cleaned_data["email"])
        return self._done()

    def _done(self):
        messages.success(
            self.request,
            _(
                "Danke. Wenn an diese Adresse eine Einladung ging, hat das "
                "Integrationszentrum Ihre Bitte erhalten und schickt Ihnen einen neuen Link."
            ),
        )
        return redirect(reverse("municipalities:invitation_renewal"))

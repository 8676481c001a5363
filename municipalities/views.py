from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView, UpdateView

from accounts.models import OutboxMail
from accounts.ratelimits import rate_limited
from accounts.services import find_user_by_email, retry_outbox_mail

from . import permissions, selectors, services
from .forms import AcceptInvitationForm, InvitationForm, InvitationRenewalForm, MeasureForm, MunicipalityForm
from .models import Invitation, Measure, Membership, Municipality


class MunicipalityListView(ListView):
    template_name = "municipalities/municipality_list.html"
    context_object_name = "municipalities"

    def get_queryset(self):
        return selectors.public_municipalities(district=selectors.portal_district())


class MunicipalityDetailView(DetailView):
    """Public page of a municipality; its contacts are shown only to those who work with it."""

    template_name = "municipalities/municipality_detail.html"
    context_object_name = "municipality"
    queryset = Municipality.objects.select_related("district")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_manage"] = permissions.may_manage_municipality(user, self.object)
        context["may_administer"] = permissions.may_administer_municipality(user, self.object)
        if context["may_manage"]:
            context["contacts"] = selectors.contacts_of(self.object)
        return context


class MunicipalityCreateView(permissions.KIStaffRequiredMixin, CreateView):
    template_name = "municipalities/municipality_form.html"
    form_class = MunicipalityForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["districts"] = permissions.districts_administered_by(self.request.user)
        return kwargs

    def form_valid(self, form):
        try:
            self.object = services.save_municipality(by=self.request.user, municipality=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Die Kommune %(name)s wurde angelegt.") % {"name": self.object.name})
        return redirect(self.object)


class MunicipalityUpdateView(permissions.MunicipalityPermissionMixin, UpdateView):
    municipality_permission = "administer"
    template_name = "municipalities/municipality_form.html"
    form_class = MunicipalityForm

    def get_object(self, queryset=None):
        return self.municipality

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["districts"] = permissions.districts_administered_by(self.request.user)
        return kwargs

    def form_valid(self, form):
        try:
            services.save_municipality(by=self.request.user, municipality=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Die Angaben wurden gespeichert."))
        return redirect(self.municipality)


class MunicipalityHomeView(permissions.MunicipalityPermissionMixin, TemplateView):
    """„Meine Kommune“: the internal start page of a municipality for its contacts and the KI."""

    template_name = "municipalities/municipality_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        context["contacts"] = selectors.contacts_of(self.municipality)
        context["may_administer"] = permissions.may_administer_municipality(
            self.request.user, self.municipality
        )
        return context


class MunicipalityContactsView(permissions.MunicipalityPermissionMixin, FormView):
    """KI staff: the contacts of a municipality, open invitations, and a form to invite."""

    municipality_permission = "administer"
    template_name = "municipalities/contacts.html"
    form_class = InvitationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        context["contacts"] = selectors.contacts_of(self.municipality)
        context["invitations"] = selectors.invitations_of(self.municipality)[:50]
        return context

    def form_valid(self, form):
        try:
            invitation, _token = services.invite_contact(
                by=self.request.user,
                municipality=self.municipality,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Die Einladung an %(email)s wurde verschickt. Der Link ist %(days)s Tage gültig.")
            % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
        )
        return redirect("municipalities:contacts", slug=self.municipality.slug)


class InvitationRevokeView(permissions.MunicipalityPermissionMixin, View):
    """GET: the confirmation page naming the consequence; POST withdraws the invitation."""

    municipality_permission = "administer"
    http_method_names = ["get", "head", "post"]

    def get(self, request, slug, pk):
        invitation = get_object_or_404(Invitation, pk=pk, municipality=self.municipality)
        blocked = ""
        if invitation.state != "open":
            blocked = _("Diese Einladung ist nicht mehr offen (Status: %(state)s).") % {
                "state": invitation.get_state_display()
            }
        return render(
            request,
            "confirm.html",
            {
                "title": _("Einladung zurückziehen"),
                "subject": _("Einladung an %(email)s als Ansprechperson für %(municipality)s")
                % {"email": invitation.email, "municipality": self.municipality.name},
                "consequences": [
                    _("Der Link in der E-Mail funktioniert danach nicht mehr."),
                    _("Soll die Person doch Ansprechperson werden, senden Sie eine neue Einladung."),
                ],
                "form": None,
                "blocked_reason": blocked,
                "submit_label": _("Einladung zurückziehen"),
                "back_url": reverse("municipalities:contacts", kwargs={"slug": self.municipality.slug}),
                "back_label": _("Nicht zurückziehen, zurück zu den Ansprechpersonen"),
            },
        )

    def post(self, request, slug, pk):
        invitation = get_object_or_404(Invitation, pk=pk, municipality=self.municipality)
        services.revoke_invitation(by=request.user, invitation=invitation)
        messages.success(
            request, _("Die Einladung an %(email)s wurde zurückgezogen.") % {"email": invitation.email}
        )
        return redirect("municipalities:contacts", slug=slug)


class MembershipRemoveView(permissions.MunicipalityPermissionMixin, View):
    """GET: the confirmation page naming the consequence; POST ends the membership."""

    municipality_permission = "administer"
    http_method_names = ["get", "head", "post"]

    def _membership(self, pk):
        return get_object_or_404(
            Membership.objects.select_related("user", "municipality__district"),
            pk=pk,
            municipality=self.municipality,
        )

    def get(self, request, slug, pk):
        membership = self._membership(pk)
        return render(
            request,
            "confirm.html",
            {
                "title": _("Ansprechperson entfernen"),
                "subject": _("%(name)s (%(email)s) als Ansprechperson für %(municipality)s")
                % {
                    "name": membership.user.full_name,
                    "email": membership.user.email,
                    "municipality": self.municipality.name,
                },
                "consequences": [
                    _(
                        "Die Person kann danach keine Veranstaltungen und Maßnahmen von %(municipality)s "
                        "mehr anlegen, ändern oder einsehen."
                    )
                    % {"municipality": self.municipality.name},
                    _("Was sie schon eingereicht hat, bleibt bei der Kommune erhalten."),
                    _("Ihr Benutzerkonto bleibt bestehen; Sie können sie später wieder einladen."),
                ],
                "form": None,
                "blocked_reason": "",
                "submit_label": _("Ansprechperson entfernen"),
                "back_url": reverse("municipalities:contacts", kwargs={"slug": self.municipality.slug}),
                "back_label": _("Nicht entfernen, zurück zu den Ansprechpersonen"),
            },
        )

    def post(self, request, slug, pk):
        membership = self._membership(pk)
        services.remove_membership(by=request.user, membership=membership)
        messages.success(
            request,
            _("%(name)s ist nicht mehr Ansprechperson für %(municipality)s.")
            % {"name": membership.user.full_name, "municipality": self.municipality.name},
        )
        return redirect("municipalities:contacts", slug=slug)


class DistrictOverviewView(permissions.KIStaffRequiredMixin, TemplateView):
    """KI staff: all municipalities of their district(s) at a glance."""

    template_name = "municipalities/district_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["districts"] = permissions.districts_administered_by(user)
        context["municipalities"] = selectors.municipalities_with_key_figures(
            permissions.municipalities_administered_by(user)
        ).order_by("district__name", "name")
        return context


class MailStatusView(permissions.KIStaffRequiredMixin, TemplateView):
    """„E-Mail-Versand“: what the outbox still holds for the staff member's districts."""

    template_name = "municipalities/mail_status.html"
    list_limit = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mails = permissions.outbox_mails_visible_to(self.request.user)
        counts = dict(mails.order_by().values_list("status").annotate(count=Count("pk")))
        context["counts"] = [(status.label, counts.get(status.value, 0)) for status in OutboxMail.Status]
        # No bodies: they may hold one-time links, and the table needs only the envelope.
        columns = [
            "pk",
            "status",
            "created_at",
            "subject",
            "recipients",
            "attempts",
            "last_error",
            "next_attempt_at",
        ]
        context["failed"] = list(
            mails.filter(status=OutboxMail.Status.FAILED)
            .only(*columns)
            .order_by("-created_at")[: self.list_limit]
        )
        context["waiting"] = list(
            mails.filter(status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING])
            .only(*columns)
            .order_by("created_at")[: self.list_limit]
        )
        context["list_limit"] = self.list_limit
        context["retention_days"] = settings.MAIL_OUTBOX_RETENTION_DAYS
        return context


class MailRetryView(permissions.KIStaffRequiredMixin, View):
    """POST: a failed mail of one's own district is queued again and sent."""

    http_method_names = ["post"]

    def post(self, request, pk):
        mail = get_object_or_404(permissions.outbox_mails_visible_to(request.user), pk=pk)
        if mail.status != OutboxMail.Status.FAILED:
            messages.info(request, _("Diese E-Mail ist nicht fehlgeschlagen; sie wird ohnehin gesendet."))
        else:
            retry_outbox_mail(by=request.user, mail=mail)
            messages.success(
                request, _("Die E-Mail „%(subject)s“ wird erneut gesendet.") % {"subject": mail.subject}
            )
        return redirect("municipalities:mail_status")


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
            login(request, account, backend="django.contrib.auth.backends.ModelBackend")
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


class MeasureListView(permissions.MunicipalityPermissionMixin, ListView):
    """The measures (Maßnahmen) of a municipality, for its contacts and the KI."""

    template_name = "municipalities/measure_list.html"
    context_object_name = "measures"

    def get_queryset(self):
        return (
            Measure.objects.filter(municipality=self.municipality)
            .prefetch_related("fields_of_action", "target_groups")
            .order_by("status", "title")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        return context


class MeasureDetailView(permissions.MunicipalityPermissionMixin, DetailView):
    template_name = "municipalities/measure_detail.html"
    context_object_name = "measure"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Measure.objects.filter(municipality=self.municipality).prefetch_related(
                "fields_of_action", "target_groups", "languages"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        context["events"] = self.object.events.order_by("start")[:50]
        return context


class MeasureFormMixin(permissions.MunicipalityPermissionMixin):
    template_name = "municipalities/measure_form.html"
    form_class = MeasureForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["municipality"] = self.municipality
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        return context

    def form_valid(self, form):
        try:
            measure = services.save_measure(
                by=self.request.user,
                measure=form.instance,
                fields_of_action=form.cleaned_data["fields_of_action"],
                target_groups=form.cleaned_data["target_groups"],
                languages=form.cleaned_data["languages"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Die Maßnahme wurde gespeichert."))
        return redirect(measure)


class MeasureCreateView(MeasureFormMixin, CreateView):
    pass


class MeasureUpdateView(MeasureFormMixin, UpdateView):
    def get_object(self, queryset=None):
        return get_object_or_404(Measure, municipality=self.municipality, pk=self.kwargs["pk"])

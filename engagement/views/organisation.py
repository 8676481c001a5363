"""The organisation's side: registration with double opt-in, own area, applications.

Thin views: forms parse, ``engagement.services`` does the work, querysets come from
``engagement.permissions`` (another organisation's application: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.ratelimits import rate_limited
from municipalities.permissions import is_ki_staff
from municipalities.selectors import portal_district, public_municipalities
from volunteers.accounts import ConfirmationProblem

from .. import documents, permissions, selectors, services
from ..forms import (
    ApplicationForm,
    BankDetailsForm,
    CostItemFormSet,
    OrganisationForm,
    OrganisationSignupForm,
    PaymentPaidForm,
    PaymentRequestForm,
    ProofForm,
    ProofReviewForm,
    ReceiptFormSet,
)
from ..models import Application, CostItem, ProofOfUse
from ..workflow import (
    DECIDABLE,
    ORGANISATION_EDITABLE,
    PROOF_EDITABLE,
    PROOF_REVIEWABLE,
    PROOF_TRANSITIONS,
    TRANSITIONS,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


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


class ApplicationFormMixin:
    template_name = "engagement/application_form.html"
    formset_prefix = "kosten"

    def _forms(self, programme, data=None, instance=None):
        form = ApplicationForm(data, instance=instance, organisation=self.organisation, programme=programme)
        initial = None
        if instance is not None and data is None:
            initial = [
                {"cost_type": item.cost_type_id, "description": item.description, "amount": item.amount}
                for item in instance.cost_items.all()
            ]
        formset = CostItemFormSet(
            data, initial=initial, prefix=self.formset_prefix,
            cost_types=programme.cost_types.filter(is_eligible=True).order_by("position"),
        )  # fmt: skip
        return form, formset

    def _render(self, form, formset, programme, application=None):
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "programme": programme, "application": application,
             "ineligible": programme.cost_types.filter(is_eligible=False).order_by("position")},
        )  # fmt: skip

    def _save(self, form, formset, programme, application=None):
        if not (form.is_valid() and formset.is_valid()):
            return None
        data = form.application_data(formset.lines())
        try:
            if application is None:
                return services.create_application(
                    by=self.request.user, organisation=self.organisation, programme=programme, data=data
                )
            return services.update_application(by=self.request.user, application=application, data=data)
        except ValidationError as error:
            form.add_rule_errors(
                error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            )
            return None


class ApplicationCreateView(permissions.OrganisationMemberRequiredMixin, ApplicationFormMixin, View):
    def _programme(self):
        programme = selectors.current_grant_programme(on=timezone.localdate())
        if programme is None:
            raise Http404
        return programme

    def _blocked(self):
        if not self.organisation.is_confirmed:
            messages.info(
                self.request,
                _("Anträge sind möglich, sobald das Integrationszentrum Ihre Organisation bestätigt hat."),
            )
            return redirect("engagement:home")
        return None

    def get(self, request):
        if blocked := self._blocked():
            return blocked
        programme = self._programme()
        return self._render(*self._forms(programme), programme)

    def post(self, request):
        if blocked := self._blocked():
            return blocked
        programme = self._programme()
        form, formset = self._forms(programme, request.POST)
        application = self._save(form, formset, programme)
        if application is None:
            return self._render(form, formset, programme)
        messages.success(
            request, _("Der Antrag ist als Entwurf gespeichert. Prüfen Sie ihn und reichen Sie ihn dann ein.")
        )
        return redirect(application)


class ApplicationUpdateView(permissions.OrganisationMemberRequiredMixin, ApplicationFormMixin, View):
    def has_role(self) -> bool:
        # The lookup comes before the method check: another organisation gets 404 for GET and POST.
        if not super().has_role():
            return False
        self.application = get_object_or_404(
            permissions.applications_editable_by(self.request.user).select_related("programme"),
            pk=self.kwargs["pk"],
        )
        return True

    def _blocked(self):
        if self.application.status not in ORGANISATION_EDITABLE:
            messages.info(self.request, _("Ein eingereichter Antrag kann nicht mehr geändert werden."))
            return redirect(self.application)
        return None

    def get(self, request, pk):
        if blocked := self._blocked():
            return blocked
        application = self.application
        return self._render(
            *self._forms(application.programme, instance=application), application.programme, application
        )

    def post(self, request, pk):
        if blocked := self._blocked():
            return blocked
        application = self.application
        form, formset = self._forms(application.programme, request.POST, instance=application)
        if self._save(form, formset, application.programme, application) is None:
            return self._render(form, formset, application.programme, application)
        messages.success(request, _("Der Antrag ist gespeichert."))
        return redirect(application)


class ApplicationSubmitView(permissions.OrganisationMemberRequiredMixin, View):
    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.application = get_object_or_404(
            permissions.applications_editable_by(self.request.user), pk=self.kwargs["pk"]
        )
        return True

    def post(self, request, pk):
        try:
            services.submit_application(by=request.user, application=self.application)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _(
                    "Der Antrag ist eingereicht. Das Integrationszentrum meldet sich für ein Beratungsgespräch."
                ),
            )
        return redirect(self.application)


@method_decorator(never_cache, name="dispatch")
class ApplicationDetailView(permissions.ApplicationReaderMixin, View):
    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.application = get_object_or_404(
            permissions.applications_visible_to(self.request.user)
            .select_related("organisation__district", "programme", "measure_area")
            .prefetch_related(
                "municipalities",
                "target_groups",
                Prefetch("cost_items", queryset=CostItem.objects.select_related("cost_type")),
                "advice_meetings",
                "payment_requests",
            )
            .select_related("contract"),
            pk=self.kwargs["pk"],
        )
        return True

    def get(self, request, pk):
        application = self.application
        is_member = permissions.organisation_of(request.user) == application.organisation
        return render(
            request,
            "engagement/application_detail.html",
            {
                "application": application,
                "is_member": is_member,
                "is_staff": is_ki_staff(request.user, application.organisation.district),
                "may_edit": is_member and application.status in ORGANISATION_EDITABLE,
                "may_submit": is_member and application.status in TRANSITIONS["submit"].sources,
                "may_decide": application.status in DECIDABLE,
                "contract": getattr(application, "contract", None),
                "paid_form": PaymentPaidForm(initial={"paid_on": timezone.localdate()}),
                "may_conclude_contract": is_member
                and application.status == Application.Status.APPROVED
                and not hasattr(application, "contract"),
            },
        )


class ContractCreateView(permissions.OrganisationMemberRequiredMixin, View):
    """The organisation enters its bank details for an approved application; the contract follows."""

    template_name = "engagement/contract_form.html"

    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.application = get_object_or_404(
            permissions.applications_editable_by(self.request.user).select_related("organisation"),
            pk=self.kwargs["pk"],
        )
        return True

    def _render(self, form):
        return render(self.request, self.template_name, {"form": form, "application": self.application})

    def _blocked(self):
        if self.application.status != Application.Status.APPROVED or hasattr(self.application, "contract"):
            messages.info(self.request, _("Für diesen Antrag ist kein Weiterleitungsvertrag zu schließen."))
            return redirect(self.application)
        return None

    def get(self, request, pk):
        return self._blocked() or self._render(BankDetailsForm())

    def post(self, request, pk):
        if blocked := self._blocked():
            return blocked
        form = BankDetailsForm(request.POST)
        if form.is_valid():
            try:
                services.conclude_forwarding_contract(
                    by=request.user, application=self.application, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_rule_errors(
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                messages.success(
                    request, _("Der Weiterleitungsvertrag ist erstellt. Sie können ihn jetzt herunterladen.")
                )
                return redirect(self.application)
        return self._render(form)


class ContractPdfView(ApplicationDetailView):
    """The contract as PDF, for the organisation and KI staff of the district (others: 404)."""

    def get(self, request, pk):
        contract = getattr(self.application, "contract", None)
        if contract is None:
            raise Http404
        response = HttpResponse(documents.contract_pdf(contract), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="weiterleitungsvertrag-{self.application.pk}.pdf"'
        )
        return response


class PaymentRequestView(ContractCreateView):
    """The organisation calls approved money (Mittelabruf) once the contract is concluded."""

    template_name = "engagement/payment_request_form.html"

    def _blocked(self):
        if not hasattr(self.application, "contract"):
            messages.info(
                self.request, _("Mittel können erst nach dem Weiterleitungsvertrag abgerufen werden.")
            )
            return redirect(self.application)
        return None

    def get(self, request, pk):
        return self._blocked() or self._render(PaymentRequestForm())

    def post(self, request, pk):
        if blocked := self._blocked():
            return blocked
        form = PaymentRequestForm(request.POST)
        if form.is_valid():
            try:
                services.request_payment(by=request.user, application=self.application, **form.cleaned_data)
            except ValidationError as error:
                form.add_rule_errors(
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                messages.success(request, _("Der Mittelabruf ist beim Integrationszentrum eingegangen."))
                return redirect(self.application)
        return self._render(form)


# --- proof of use (Verwendungsnachweis) ------------------------------------------------


class ProofEditView(ContractCreateView):
    """The organisation writes its report and receipts list; saved as a draft until submitted."""

    template_name = "engagement/proof_form.html"
    formset_prefix = "belege"

    def _blocked(self):
        if not hasattr(self.application, "contract"):
            messages.info(
                self.request, _("Ein Verwendungsnachweis folgt erst auf den Weiterleitungsvertrag.")
            )
            return redirect(self.application)
        self.proof = getattr(self.application, "proof", None)
        if self.proof is not None and self.proof.status not in PROOF_EDITABLE:
            messages.info(
                self.request, _("Der Verwendungsnachweis ist eingereicht und kann nicht geändert werden.")
            )
            return redirect("engagement:proof_detail", pk=self.application.pk)
        return None

    def _forms(self, data=None):
        proof = self.proof or ProofOfUse(application=self.application)
        initial = None
        if self.proof is not None and data is None:
            initial = [
                {"paid_on": r.paid_on, "cost_type": r.cost_type_id, "payee": r.payee, "purpose": r.purpose,
                 "amount": r.amount}
                for r in self.proof.receipts.all()
            ]  # fmt: skip
        formset = ReceiptFormSet(
            data, initial=initial, prefix=self.formset_prefix,
            cost_types=self.application.programme.cost_types.filter(is_eligible=True).order_by("position"),
        )  # fmt: skip
        return ProofForm(data, instance=proof), formset

    def _render_forms(self, form, formset):
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "application": self.application,
             "contract": self.application.contract},
        )  # fmt: skip

    def get(self, request, pk):
        return self._blocked() or self._render_forms(*self._forms())

    def post(self, request, pk):
        if blocked := self._blocked():
            return blocked
        form, formset = self._forms(request.POST)
        if form.is_valid() and formset.is_valid():
            data = services.ProofData(
                report=form.cleaned_data["report"],
                volunteers_reached=form.cleaned_data["volunteers_reached"],
                newcomers_reached=form.cleaned_data["newcomers_reached"],
                newcomers_became_volunteers=form.cleaned_data["newcomers_became_volunteers"],
                receipts=formset.lines(),
            )
            try:
                services.save_proof(by=request.user, application=self.application, data=data)
            except ValidationError as error:
                form.add_rule_errors(
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                messages.success(request, _("Der Verwendungsnachweis ist gespeichert."))
                return redirect("engagement:proof_detail", pk=self.application.pk)
        return self._render_forms(form, formset)


class ProofSubmitView(permissions.OrganisationMemberRequiredMixin, View):
    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.application = get_object_or_404(
            permissions.applications_editable_by(self.request.user), pk=self.kwargs["pk"]
        )
        return True

    def post(self, request, pk):
        application = self.application
        try:
            services.submit_proof(by=request.user, application=application)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Der Verwendungsnachweis ist eingereicht. Das Integrationszentrum prüft ihn.")
            )
        return redirect("engagement:proof_detail", pk=application.pk)


@method_decorator(never_cache, name="dispatch")
class ProofDetailView(permissions.ApplicationReaderMixin, View):
    """The proof with its numerical statement, for the organisation and KI staff (others: 404)."""

    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.application = get_object_or_404(
            permissions.applications_visible_to(self.request.user)
            .filter(contract__isnull=False)
            .select_related("organisation__district", "programme", "contract"),
            pk=self.kwargs["pk"],
        )
        return True

    def get(self, request, pk):
        application = self.application
        proof = ProofOfUse.objects.filter(application=application).first()
        is_member = permissions.organisation_of(request.user) == application.organisation
        is_staff = is_ki_staff(request.user, application.organisation.district)
        if proof is None and not is_member:
            raise Http404
        return render(
            request,
            "engagement/proof_detail.html",
            {
                "application": application,
                "proof": proof,
                "receipts": proof.receipts.select_related("cost_type") if proof else [],
                "statement": selectors.proof_statement(application, proof),
                "is_member": is_member,
                "may_edit": is_member and (proof is None or proof.status in PROOF_EDITABLE),
                "may_submit": is_member
                and proof is not None
                and proof.status in PROOF_TRANSITIONS["submit"].sources,
                "may_review": is_staff and proof is not None and proof.status in PROOF_REVIEWABLE,
                "review_form": ProofReviewForm(),
            },
        )

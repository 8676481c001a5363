"""KI staff: organisations to confirm, applications, advice meetings, decisions, the budget."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from kreisintegration.spreadsheets import XLSX_CONTENT_TYPE
from municipalities.models import District, FundingProgramme
from municipalities.permissions import KIStaffRequiredMixin, districts_administered_by

from .. import budgets, documents, exports, permissions, selectors, services
from ..forms import AdviceMeetingForm, DecisionForm, PaymentPaidForm, ProofReviewForm, RepaymentForm
from ..models import Application, OrganisationMember, PaymentRequest, ProofOfUse
from ..workflow import APPLICATION, Decision


@method_decorator(never_cache, name="dispatch")
class OrganisationListView(KIStaffRequiredMixin, View):
    def get(self, request):
        organisations = selectors.organisations_for_staff(
            permissions.organisations_administered_by(request.user)
        ).prefetch_related(
            Prefetch(
                "members", queryset=OrganisationMember.objects.filter(is_contact=True).select_related("user")
            )
        )
        return render(request, "engagement/staff/organisations.html", {"organisations": organisations})


class OrganisationConfirmView(KIStaffRequiredMixin, View):
    def post(self, request, pk):
        organisation = get_object_or_404(permissions.organisations_administered_by(request.user), pk=pk)
        try:
            services.confirm_organisation(by=request.user, organisation=organisation)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("„%(name)s“ ist bestätigt und kann Anträge stellen.") % {"name": organisation.name}
            )
        return redirect("engagement:organisations")


@method_decorator(never_cache, name="dispatch")
class ApplicationListView(KIStaffRequiredMixin, View):
    def get(self, request):
        status = request.GET.get("status", "")
        applications = (
            permissions.applications_decidable_by(request.user)
            .select_related("organisation", "measure_area")
            .order_by("-submitted_at", "-pk")
        )
        if status in Application.Status.values:
            applications = applications.filter(status=status)
        statuses = [choice for choice in Application.Status.choices if choice[0] != Application.Status.DRAFT]
        return render(
            request,
            "engagement/staff/applications.html",
            {"applications": applications, "statuses": statuses, "status": status},
        )


class StaffApplicationMixin(KIStaffRequiredMixin):
    def application(self, pk) -> Application:
        return get_object_or_404(
            permissions.applications_decidable_by(self.request.user).select_related(
                "organisation", "programme"
            ),
            pk=pk,
        )


class AdviceMeetingView(StaffApplicationMixin, View):
    template_name = "engagement/staff/advice_meeting.html"

    def get(self, request, pk):
        application = self.application(pk)
        form = AdviceMeetingForm(initial={"held_on": timezone.localdate()})
        return render(request, self.template_name, {"form": form, "application": application})

    def post(self, request, pk):
        application = self.application(pk)
        form = AdviceMeetingForm(request.POST)
        if form.is_valid():
            try:
                services.record_advice_meeting(by=request.user, application=application, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Das Beratungsgespräch ist erfasst."))
                return redirect(application)
        return render(request, self.template_name, {"form": form, "application": application})


class DecideView(StaffApplicationMixin, View):
    template_name = "engagement/staff/decide.html"

    def _render(self, form, application):
        return render(
            request=self.request,
            template_name=self.template_name,
            context={
                "form": form,
                "application": application,
                "decidable": APPLICATION.is_possible(Decision.APPROVE, application),
                "has_advice": application.advice_meetings.exists(),
            },
        )

    def get(self, request, pk):
        application = self.application(pk)
        return self._render(DecisionForm(initial={"amount": application.requested_amount}), application)

    def post(self, request, pk):
        application = self.application(pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decide_application(
                    by=request.user,
                    application=application,
                    decision=data["decision"],
                    amount=data["amount"],
                    comment=data["comment"],
                )
            except ValidationError as error:
                form.add_rule_errors(
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                messages.success(
                    request,
                    _("Die Entscheidung ist gespeichert; die Initiative wird per E-Mail benachrichtigt."),
                )
                return redirect(application)
        return self._render(form, application)


def funding_year_of(request) -> tuple[int, FundingProgramme | None, District | None]:
    """The funding year a budget page or export asks for (``?jahr=``, default this year; a year
    that is not a number counts as this year), the current grant programme and the KI's district."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("jahr", today.year))
    except ValueError:
        year = today.year
    programme = selectors.current_grant_programme(on=today)
    return year, programme, districts_administered_by(request.user).order_by("pk").first()


@method_decorator(never_cache, name="dispatch")
class BudgetView(KIStaffRequiredMixin, View):
    def get(self, request):
        year, programme, district = funding_year_of(request)
        overview = (
            selectors.budget_overview(district=district, programme=programme, year=year)
            if programme and district
            else None
        )
        years = budgets.programme_years(programme) if programme else []
        return render(
            request,
            "engagement/staff/budget.html",
            {
                "overview": overview,
                "programme": programme,
                "year": year,
                "years": years,
                "budget_years": (
                    budgets.budget_years(district=district, programme=programme) if overview else []
                ),
                "district": district,
            },
        )


class PaymentActionMixin(KIStaffRequiredMixin):
    def payment(self, pk) -> PaymentRequest:
        return get_object_or_404(
            PaymentRequest.objects.filter(
                application__in=permissions.applications_decidable_by(self.request.user)
            ).select_related("application"),
            pk=pk,
        )


class PaymentApproveView(PaymentActionMixin, View):
    def post(self, request, pk):
        payment = self.payment(pk)
        try:
            services.approve_payment(by=request.user, payment=payment)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Der Mittelabruf ist freigegeben."))
        return redirect(payment.application)


class PaymentPaidView(PaymentActionMixin, View):
    def post(self, request, pk):
        payment = self.payment(pk)
        form = PaymentPaidForm(request.POST or None, initial={"paid_on": timezone.localdate()})
        paid_on = form.cleaned_data["paid_on"] if form.is_valid() else timezone.localdate()
        try:
            services.mark_payment_paid(by=request.user, payment=payment, paid_on=paid_on)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Die Auszahlung ist vermerkt; die Initiative wird benachrichtigt."))
        return redirect(payment.application)


class BudgetXlsxView(KIStaffRequiredMixin, View):
    """The budget page's figures and the forwarded grants of a year as XLSX."""

    def get(self, request):
        year, programme, district = funding_year_of(request)
        if programme is None or district is None:
            raise Http404
        overview = selectors.budget_overview(district=district, programme=programme, year=year)
        response = HttpResponse(
            exports.budget_xlsx(overview=overview, district=district, programme=programme, year=year),
            content_type=XLSX_CONTENT_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="foerderung-initiativen-{year}.xlsx"'
        return response


# --- proof of use ------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class ProofListView(KIStaffRequiredMixin, View):
    """Submitted, returned and accepted proofs, and the grants whose proof is overdue."""

    def get(self, request):
        applications = permissions.applications_decidable_by(request.user)
        return render(
            request,
            "engagement/staff/proofs.html",
            {
                "proofs": selectors.proofs_for_staff(applications),
                "overdue": selectors.overdue_proofs(applications, today=timezone.localdate()),
            },
        )


class ProofReviewView(KIStaffRequiredMixin, View):
    def post(self, request, pk):
        proof = get_object_or_404(
            ProofOfUse.objects.filter(application__in=permissions.applications_decidable_by(request.user)),
            application_id=pk,
        )
        form = ProofReviewForm(request.POST)
        if form.is_valid():
            try:
                services.review_proof(
                    by=request.user,
                    proof=proof,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("Das Prüfergebnis ist gespeichert; die Initiative wird per E-Mail benachrichtigt."),
                )
        else:
            messages.error(request, _("Bitte wählen Sie ein Prüfergebnis."))
        return redirect("engagement:proof_detail", pk=pk)


class RepaymentView(KIStaffRequiredMixin, View):
    """KI staff record money an organisation paid back after its accepted proof of use."""

    template_name = "engagement/staff/repayment_form.html"

    def proof(self, pk) -> ProofOfUse:
        return get_object_or_404(
            ProofOfUse.objects.filter(
                application__in=permissions.applications_decidable_by(self.request.user)
            ).select_related("application__organisation"),
            application_id=pk,
        )

    def _render(self, form, proof):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "proof": proof,
                "application": proof.application,
                "statement": selectors.proof_statement(proof.application, proof),
                "repayments": proof.repayments.all(),
                "open_amount": services.repayment_open(proof),
                "accepted": proof.status == ProofOfUse.Status.ACCEPTED,
            },
        )

    def get(self, request, pk):
        proof = self.proof(pk)
        initial = {"amount": services.repayment_open(proof) or None, "received_on": timezone.localdate()}
        return self._render(RepaymentForm(initial=initial), proof)

    def post(self, request, pk):
        proof = self.proof(pk)
        form = RepaymentForm(request.POST)
        if form.is_valid():
            try:
                services.record_repayment(by=request.user, proof=proof, **form.cleaned_data)
            except ValidationError as error:
                form.add_rule_errors(
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                messages.success(
                    request, _("Die Rückzahlung ist erfasst; die Initiative wird per E-Mail benachrichtigt.")
                )
                return redirect("engagement:proof_detail", pk=pk)
        return self._render(form, proof)


class ReportsPdfView(KIStaffRequiredMixin, View):
    """All factual reports of a funding year as tagged PDF, next to the XLSX for the Bezirksregierung."""

    def get(self, request):
        year, programme, district = funding_year_of(request)
        if programme is None or district is None:
            raise Http404
        response = HttpResponse(
            documents.reports_pdf(district=district, programme=programme, year=year),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="sachberichte-initiativen-{year}.pdf"'
        return response

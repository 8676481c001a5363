"""The forwarding contract (bank details, PDF) and payment requests of an approved application."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from .. import documents, permissions, services
from ..forms import BankDetailsForm, PaymentRequestForm
from ..models import Application
from .applications import ApplicationDetailView


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

"""The proof of use (Verwendungsnachweis): the organisation writes and submits it, both sides read it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from municipalities.permissions import is_ki_staff

from .. import permissions, selectors, services
from ..forms import ProofForm, ProofReviewForm, ReceiptFormSet
from ..models import ProofOfUse
from ..workflow import PROOF, ProofDecision, proof_allowed_actions
from .contracts import ContractCreateView


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
        if self.proof is not None and not PROOF.is_possible("edit", self.proof):
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
        return ProofForm(data, instance=proof, events=selectors.linkable_events(self.application)), formset

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
                events=list(form.cleaned_data["events"]),
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
        statement = selectors.proof_statement(application, proof)
        if proof is not None:
            proof.application = application
        actions = proof_allowed_actions(proof, request.user) if proof is not None else frozenset()
        return render(
            request,
            "engagement/proof_detail.html",
            {
                "application": application,
                "proof": proof,
                "receipts": proof.receipts.select_related("cost_type") if proof else [],
                "files": proof.files.all() if proof else [],
                "statement": statement,
                "repayments": proof.repayments.all() if proof else [],
                "events": proof.events.select_related("municipality").order_by("start", "pk")
                if proof
                else [],
                "may_record_repayment": is_staff
                and proof is not None
                and proof.status == ProofOfUse.Status.ACCEPTED
                and statement.repayment_due > 0,
                "is_member": is_member,
                # Without a proof yet, the organisation may start one.
                "may_edit": is_member if proof is None else "edit" in actions,
                "may_submit": "submit" in actions,
                "may_review": ProofDecision.ACCEPT in actions,
                "review_form": ProofReviewForm(),
                "newcomers": proof.newcomers.all() if proof else [],
            },
        )

"""External qualification proofs: the volunteer uploads and lists theirs; KI staff confirm or reject.

The file is served only by ``QualificationProofFileView``, to the volunteer who uploaded it and the
KI staff of the volunteer's district; anybody else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from municipalities.permissions import KIStaffRequiredMixin, RoleRequiredMixin, is_ki_staff
from volunteers.permissions import volunteer_of

from .. import qualification_proofs
from ..qualification_forms import QualificationProofDecisionForm, QualificationProofForm
from .placements import VolunteerRequiredMixin


@method_decorator(never_cache, name="dispatch")
class MyProofsView(VolunteerRequiredMixin, View):
    """The volunteer's qualifications (with expiry) and uploaded proofs, and the upload form."""

    template_name = "engagement/qualifications/mine.html"

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "held": qualification_proofs.held_qualifications(self.volunteer),
                "proofs": qualification_proofs.proofs_of(self.volunteer),
            },
        )

    def get(self, request):
        return self._render(QualificationProofForm(volunteer=self.volunteer))

    def post(self, request):
        form = QualificationProofForm(request.POST, request.FILES, volunteer=self.volunteer)
        if form.is_valid():
            try:
                qualification_proofs.upload_qualification_proof(
                    by=request.user,
                    qualification=form.cleaned_data["qualification"],
                    earned_on=form.cleaned_data["earned_on"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                form.add_rule_errors(error.message_dict)
            else:
                messages.success(
                    request, _("Der Nachweis ist hochgeladen; das Integrationszentrum prüft ihn.")
                )
                return redirect("engagement:qualification_proofs")
        return self._render(form)


@method_decorator(never_cache, name="dispatch")
class ProofFileView(RoleRequiredMixin, View):
    """The proof's file as a download: its volunteer and the district's KI staff; others 404."""

    def has_role(self) -> bool:
        user = self.request.user
        return volunteer_of(user) is not None or is_ki_staff(user)

    def get(self, request, pk):
        proof = get_object_or_404(qualification_proofs.proofs_visible_to(request.user), pk=pk)
        if not proof.file:
            raise Http404
        response = FileResponse(
            proof.file.open("rb"),
            as_attachment=True,
            filename=proof.download_name,
            content_type=proof.content_type,
        )
        # The content was checked on upload; still, never let a browser guess another type.
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


@method_decorator(never_cache, name="dispatch")
class ReviewListView(KIStaffRequiredMixin, View):
    def get(self, request):
        return render(
            request,
            "engagement/qualifications/review_list.html",
            {"proofs": qualification_proofs.proofs_for_review(request.user)},
        )


@method_decorator(never_cache, name="dispatch")
class ReviewView(KIStaffRequiredMixin, View):
    template_name = "engagement/qualifications/review.html"

    def proof(self, pk):
        return get_object_or_404(
            qualification_proofs.proofs_for_review(self.request.user).select_related("decided_by"), pk=pk
        )

    def _render(self, proof, form):
        return render(self.request, self.template_name, {"proof": proof, "form": form})

    def get(self, request, pk):
        return self._render(self.proof(pk), QualificationProofDecisionForm())

    def post(self, request, pk):
        proof = self.proof(pk)
        form = QualificationProofDecisionForm(request.POST)
        if form.is_valid():
            try:
                qualification_proofs.decide_qualification_proof(
                    by=request.user,
                    proof=proof,
                    confirm=form.cleaned_data["decision"] == "confirm",
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                if not hasattr(error, "error_dict"):  # decided meanwhile: the page shows the decision
                    for message in error.messages:
                        messages.error(request, message)
                    return redirect("engagement:qualification_proof_review", pk=proof.pk)
                form.add_rule_errors(error.message_dict)
            else:
                messages.success(
                    request, _("Die Entscheidung ist gespeichert; die Person wird per E-Mail benachrichtigt.")
                )
                return redirect("engagement:qualification_proof_reviews")
        return self._render(proof, form)

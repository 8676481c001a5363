"""Receipt files (Belege) of a proof of use: uploaded and removed by the organisation while the proof
is editable, downloaded by the organisation's members and the district's KI staff only.

The files are kept through Django's storage under random names and no public URL; this view is
the only way to them. Another organisation (or anybody outside the district) gets 404 for the
application, and so for its files.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from .. import permissions, services
from ..forms import ReceiptFileForm
from ..models import ReceiptFile
from .proofs import ProofEditView


class ReceiptFileUploadView(ProofEditView):
    """The organisation uploads a receipt file (a page of its own, so errors show next to the field)."""

    template_name = "engagement/receipt_file_form.html"

    def _render_form(self, form):
        return render(self.request, self.template_name, {"form": form, "application": self.application})

    def get(self, request, pk):
        return self._blocked() or self._render_form(ReceiptFileForm())

    def post(self, request, pk):
        if blocked := self._blocked():
            return blocked
        form = ReceiptFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_receipt_file(
                    by=request.user,
                    application=self.application,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                form.add_rule_errors(
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                messages.success(request, _("Die Datei ist hochgeladen."))
                return redirect("engagement:proof_detail", pk=self.application.pk)
        return self._render_form(form)


class ReceiptFileDeleteView(ProofEditView):
    """The organisation removes one of its receipt files while the proof is editable (POST only)."""

    def get(self, request, pk, file_pk):
        return self.http_method_not_allowed(request)

    def post(self, request, pk, file_pk):
        if blocked := self._blocked():
            return blocked
        receipt_file = get_object_or_404(ReceiptFile, proof__application=self.application, pk=file_pk)
        try:
            services.remove_receipt_file(
                by=request.user, application=self.application, receipt_file=receipt_file
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Die Datei ist entfernt."))
        return redirect("engagement:proof_detail", pk=self.application.pk)


@method_decorator(never_cache, name="dispatch")
class ReceiptFileView(permissions.ApplicationReaderMixin, View):
    """One receipt file as a download, for the organisation and the district's KI staff (others: 404)."""

    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.receipt_file = get_object_or_404(
            ReceiptFile.objects.filter(
                proof__application__in=permissions.applications_visible_to(self.request.user)
            ).select_related("proof"),
            proof__application_id=self.kwargs["pk"],
            pk=self.kwargs["file_pk"],
        )
        return True

    def get(self, request, pk, file_pk):
        receipt_file = self.receipt_file
        response = FileResponse(
            receipt_file.file.open("rb"),
            as_attachment=True,
            filename=receipt_file.download_name,
            content_type=receipt_file.content_type,
        )
        # The content was checked on upload; still, never let a browser guess another type.
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

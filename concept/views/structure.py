"""The version's outline: fields of action under the pillars (KI staff, while the version is open)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from municipalities.permissions import KIStaffRequiredMixin

from .. import services, structure
from ..forms import OutlineForm
from .base import FrozenAnswersConflictMixin, editable_version
from .versions import _apply_errors, _form_page


class OutlineView(KIStaffRequiredMixin, FrozenAnswersConflictMixin, View):
    def setup_version(self, pk):
        self.version = editable_version(self.request.user, pk)
        services.ensure_editable(self.version)
        self.fields_of_action = structure.fields_to_arrange(self.version)

    def form(self, data=None) -> OutlineForm:
        return OutlineForm(data, version=self.version, fields_of_action=self.fields_of_action)

    def get(self, request, pk):
        self.setup_version(pk)
        return self.page(self.form())

    def post(self, request, pk):
        self.setup_version(pk)
        form = self.form(request.POST)
        if form.is_valid():
            try:
                structure.arrange_fields(by=request.user, version=self.version, placements=form.placements())
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Die Gliederung wurde gespeichert."))
                return redirect("concept:version_detail", pk=pk)
        return self.page(form)

    def page(self, form):
        return _form_page(
            self.request,
            form=form,
            title=_("Gliederung: Handlungsfelder unter den Säulen"),
            back=reverse("concept:version_detail", args=[self.version.pk]),
        )

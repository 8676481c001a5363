"""Newcomers active in a funded initiative: the organisation records them with their consent; the
organisation or the KI records a withdrawal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from .. import permissions, services
from ..models import InitiativeNewcomer
from ..models.newcomers import INITIATIVE_NEWCOMER_CONSENT_TEXT, INITIATIVE_NEWCOMER_CONSENT_VERSION
from ..newcomer_forms import InitiativeNewcomerForm


class InitiativeNewcomerAddView(permissions.OrganisationMemberRequiredMixin, View):
    template_name = "engagement/newcomer_form.html"

    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.application = get_object_or_404(
            permissions.applications_editable_by(self.request.user).filter(proof__isnull=False),
            pk=self.kwargs["pk"],
        )
        return True

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "application": self.application,
                "consent_text": INITIATIVE_NEWCOMER_CONSENT_TEXT,
                "consent_version": INITIATIVE_NEWCOMER_CONSENT_VERSION,
            },
        )

    def get(self, request, pk):
        return self._render(InitiativeNewcomerForm())

    def post(self, request, pk):
        form = InitiativeNewcomerForm(request.POST)
        if form.is_valid():
            try:
                services.record_initiative_newcomer(
                    by=request.user,
                    application=self.application,
                    full_name=form.cleaned_data["full_name"],
                    consent_on=form.cleaned_data["consent_on"],
                )
            except ValidationError as error:
                form.add_rule_errors(
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                messages.success(request, _("Die Person ist mit ihrer Einwilligung eingetragen."))
                return redirect("engagement:proof_detail", pk=self.application.pk)
        return self._render(form)


class InitiativeNewcomerWithdrawView(permissions.ApplicationReaderMixin, View):
    """The organisation or the district's KI staff record a withdrawal (anyone else: 404)."""

    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.newcomer = get_object_or_404(
            InitiativeNewcomer.objects.filter(
                proof__application__in=permissions.applications_visible_to(self.request.user),
                proof__application_id=self.kwargs["pk"],
            ),
            pk=self.kwargs["newcomer_pk"],
        )
        return True

    def post(self, request, pk, newcomer_pk):
        try:
            services.withdraw_initiative_newcomer(by=request.user, newcomer=self.newcomer)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Der Widerruf ist eingetragen: der Name ist gelöscht, die Person wird nicht mehr gezählt."),
            )
        return redirect("engagement:proof_detail", pk=pk)

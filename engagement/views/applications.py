"""The organisation's applications: the form with its cost plan, submission, the detail page for
organisation and KI staff (another organisation's application: 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from municipalities.permissions import is_ki_staff

from .. import permissions, selectors, services
from ..forms import ApplicationForm, CostItemFormSet, PaymentPaidForm
from ..models import Application, CostItem
from ..workflow import APPLICATION, allowed_actions


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
        if not APPLICATION.is_possible("edit", self.application):
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
                "actions": allowed_actions(application, request.user),
                "contract": getattr(application, "contract", None),
                "paid_form": PaymentPaidForm(initial={"paid_on": timezone.localdate()}),
                "may_conclude_contract": is_member
                and application.status == Application.Status.APPROVED
                and not hasattr(application, "contract"),
            },
        )

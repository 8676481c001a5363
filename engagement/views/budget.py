"""KI staff set the programme's annual budget of their district on its own screen."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from municipalities.permissions import KIStaffRequiredMixin, districts_administered_by

from .. import budgets, selectors
from ..forms import AnnualBudgetForm
from ..models import AnnualBudget


class BudgetEditView(KIStaffRequiredMixin, View):
    template_name = "engagement/staff/budget_form.html"

    def setup_budget(self, year: int):
        programme = selectors.current_grant_programme(on=timezone.localdate())
        district = districts_administered_by(self.request.user).order_by("pk").first()
        if programme is None or district is None or year not in budgets.programme_years(programme):
            raise Http404
        budget = AnnualBudget.objects.filter(district=district, programme=programme, year=year).first()
        return programme, district, budget

    def _render(self, form, programme, district, year):
        overview = budgets.budget_years(district=district, programme=programme)
        line = next(line for line in overview if line.year == year)
        return render(
            self.request,
            self.template_name,
            {"form": form, "programme": programme, "district": district, "year": year, "line": line},
        )

    def get(self, request, year):
        programme, district, budget = self.setup_budget(year)
        initial = {"amount": budget.amount, "cap_per_applicant": budget.cap_per_applicant} if budget else {}
        return self._render(AnnualBudgetForm(initial=initial), programme, district, year)

    def post(self, request, year):
        programme, district, _budget = self.setup_budget(year)
        form = AnnualBudgetForm(request.POST)
        if form.is_valid():
            try:
                budgets.set_annual_budget(
                    by=request.user, district=district, programme=programme, year=year, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_rule_errors(
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                messages.success(request, _("Das Budget %(year)s ist gespeichert.") % {"year": year})
                return redirect(reverse("engagement:budget") + f"?jahr={year}")
        return self._render(form, programme, district, year)

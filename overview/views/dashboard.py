"""The district at a glance (KI staff), the events behind one number, and a municipality's own
figures next to the district average (its contacts and KI staff)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views import View

from kreisintegration import private_cache, public_cache
from municipalities.models import FieldOfAction
from municipalities.permissions import (
    KIStaffRequiredMixin,
    MunicipalityPermissionMixin,
    municipalities_administered_by,
)
from municipalities.private_pages import staff_scope

from .. import presentation, selectors
from ..dashboard_forms import CellFilterForm, DashboardFilterForm, YearForm


def _with_default_year(query):
    data = query.copy()
    data.setdefault("year", str(timezone.localdate().year))
    return data


class DashboardView(KIStaffRequiredMixin, View):
    """The municipality × field of action matrix with gaps, per-10k, trend, KOMM-AN and data quality."""

    template_name = "overview/dashboard.html"

    def get(self, request):
        # The whole page is kept per person while the figures' source data are unchanged: building
        # it (filter form, stored figures, the matrix) is most of a request.
        return private_cache.private_page(
            request,
            scope=staff_scope(request.user),
            namespaces=("events", "courses", "figures"),
            render=lambda extra: self.render_page(request, extra),
        )

    def render_page(self, request, extra_context: dict):
        form = DashboardFilterForm(
            _with_default_year(request.GET) if request.GET else None, user=request.user
        )
        # The filter form's choices are reference data of the user's districts.
        filter_cache_key = public_cache.fragment_key(
            request, namespace="events", scope=staff_scope(request.user)
        )
        if form.is_bound and not form.is_valid():
            context = {"form": form, "selection": None, "filter_cache_key": filter_cache_key}
            return render(request, self.template_name, {**context, **extra_context}, status=400)
        selection = form.selection()
        context = {"form": form, "selection": selection, "filter_cache_key": filter_cache_key}
        if selection["district"] is not None:
            figures = selectors.figures_for_dashboard(**selection)
            # Rendering the matrix and drawing the chart cost far more than reading the
            # stored figures: the template caches that part per set of figures and language (a
            # recomputation has a new generated_at), and a cached part needs no presentation rows.
            context["figures_cache_key"] = ":".join(
                str(part)
                for part in (
                    selection["district"].pk,
                    selection["year"],
                    getattr(selection["field_of_action"], "pk", ""),
                    getattr(selection["target_group"], "pk", ""),
                    figures.get("generated_at", ""),
                )
            )
            fragment = make_template_fragment_key(
                "dashboard_figures", [context["figures_cache_key"], get_language()]
            )
            context["figures_html"] = cache.get(fragment)
            if context["figures_html"] is None:
                context.update(presentation.dashboard_context(figures))
            else:
                context["figures"] = figures
        return render(request, self.template_name, {**context, **extra_context})


class CellView(KIStaffRequiredMixin, View):
    """The events and measures behind one cell of the matrix (same definitions, same filters)."""

    template_name = "overview/cell.html"
    page_size = 50

    def get(self, request, municipality: str, field_of_action: str):
        # Scoped lookups: a municipality of another district does not exist for this user.
        place = get_object_or_404(
            municipalities_administered_by(request.user).select_related("district"), slug=municipality
        )
        field = get_object_or_404(FieldOfAction, district=place.district, slug=field_of_action)
        form = CellFilterForm(_with_default_year(request.GET), district=place.district)
        context = {"form": form, "municipality": place, "field_of_action": field}
        if not form.is_valid():
            return render(request, self.template_name, {**context, "year": None}, status=400)
        year, target_group = form.cleaned_data["year"], form.cleaned_data["target_group"]
        scope = {"municipality": place, "field_of_action": field, "year": year, "target_group": target_group}
        events = selectors.events_for_cell(**scope)
        measures = list(selectors.measures_for_cell(**scope))
        context.update(
            year=year,
            target_group=target_group,
            totals=selectors.cell_totals(events),
            page_obj=Paginator(events.select_related("measure"), self.page_size).get_page(
                request.GET.get("page")
            ),
            measures=measures,
            page_query=urlencode(
                {"year": year, **({"target_group": target_group.slug} if target_group else {})}
            )
            + "&",
        )
        return render(request, self.template_name, context)


class MunicipalityComparisonView(MunicipalityPermissionMixin, View):
    """A municipality's own figures next to the district average per municipality.

    Only the municipality's own row and district aggregates are shown, never another
    municipality's name or figures.
    """

    municipality_permission = "manage"
    template_name = "overview/comparison.html"

    def get(self, request, slug: str):
        form = YearForm(_with_default_year(request.GET))
        context = {"form": form, "municipality": self.municipality}
        if not form.is_valid():
            return render(request, self.template_name, {**context, "comparison": None}, status=400)
        figures = selectors.dashboard_figures(
            district=self.municipality.district, year=form.cleaned_data["year"]
        )
        context["comparison"] = selectors.municipality_comparison(
            figures=figures, municipality=self.municipality
        )
        return render(request, self.template_name, context)

"""Steering screens: Zielübersicht, a goal's detail with chart and table, Kommune im Blick."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kreisintegration import private_cache
from municipalities.permissions import MunicipalityPermissionMixin, is_ki_staff, roles_of

from .. import permissions, selectors
from ..charts import line_chart_svg
from ..forms import OverviewFilterForm
from ..models import Goal
from ..workflow import allowed_actions
from .base import visible_version

# What the steering pages show besides the concept itself: the events and measures (gaps, the
# portal's offers per 10,000) and the volunteers the portal's indicators count.
STEERING_NAMESPACES = ("concept", "events", "figures")


def steering_page(request, render):
    """A steering page from the per-person cache while the data it shows are unchanged.

    The key holds the person's roles (a role change is a new key, so nobody keeps a page they
    may no longer see) and the versions of ``STEERING_NAMESPACES``, which every write of those
    data bumps after its transaction commits (``concept/signals.py`` and the other apps' signals).
    """
    roles = roles_of(request.user)
    scope = (roles.is_superuser, sorted(roles.staff_district_ids), sorted(roles.contact_municipality_ids))
    return private_cache.private_page(request, scope=scope, namespaces=STEERING_NAMESPACES, render=render)


class GoalOverviewView(permissions.ConceptUserRequiredMixin, TemplateView):
    """Every goal with baseline → latest → target and its status; contacts see their municipality."""

    template_name = "concept/goal_overview.html"

    def get(self, request, *args, **kwargs):
        return steering_page(
            request, lambda extra: super(GoalOverviewView, self).get(request, *args, **{**kwargs, **extra})
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        version = visible_version(user, self.kwargs["pk"])
        staff = is_ki_staff(user, version.concept.district)
        municipalities = permissions.value_municipalities_of(user).filter(
            district=version.concept.district_id
        )
        form = OverviewFilterForm(
            self.request.GET or None, version=version, municipalities=municipalities, district_allowed=staff
        )
        chosen = form.cleaned_data if form.is_valid() else {}
        municipality = chosen.get("municipality")
        if municipality is None and not staff:
            municipality = municipalities.order_by("name").first()
        field = chosen.get("field_of_action")
        rows = selectors.goal_overview(
            version=version,
            municipality=municipality,
            field_of_action_id=field.pk if field else None,
            priority=chosen.get("priority"),
        )
        context.update(
            version=version, form=form, rows=rows, municipality=municipality, statuses=selectors.STATUSES
        )
        return context


class GoalDetailView(permissions.ConceptUserRequiredMixin, TemplateView):
    template_name = "concept/goal_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        goal = get_object_or_404(
            Goal.objects.filter(pk__in=permissions.goals_visible_to(user).values("pk")).select_related(
                "version__concept__district"
            ),
            pk=self.kwargs["pk"],
        )
        version = goal.version
        detail = selectors.goal_detail(version=version, goal=goal)
        staff = is_ki_staff(user, version.concept.district)
        own = set(permissions.value_municipalities_of(user).values_list("pk", flat=True))
        charts = []
        for district_row, places in detail.indicators:
            indicator = district_row.indicator
            charts.append(
                {
                    "district": district_row,
                    # Contacts see the district and their own municipalities, not each neighbour's values.
                    "places": [p for p in places if staff or p.municipality.pk in own],
                    "svg": line_chart_svg(
                        chart_id=f"chart-{district_row.target.pk}",
                        title=_("%(indicator)s im Kreis") % {"indicator": indicator.name},
                        description=_("Verlauf von %(start)s bis %(end)s; gestrichelt: Zielwert.")
                        % {"start": detail.years[0], "end": detail.years[-1]},
                        years=detail.years,
                        series=district_row.series,
                        target=district_row.target.target_value,
                    ),
                }
            )
        editable_measures = set(
            permissions.measures_status_editable_by(user).filter(goal=goal).values_list("pk", flat=True)
        )
        context.update(
            goal=detail.goal,
            version=version,
            years=detail.years,
            charts=charts,
            may_edit="edit" in allowed_actions(version, user),
            editable_measures=editable_measures,
        )
        return context


class MunicipalityFocusView(MunicipalityPermissionMixin, TemplateView):
    """Kommune im Blick: the page the KI opens before an advice meeting."""

    template_name = "concept/municipality_focus.html"

    def get(self, request, *args, **kwargs):
        # Runs after the permission check of the mixin (dispatch): a cached page is never
        # answered to someone who may not see the municipality.
        return steering_page(
            request,
            lambda extra: super(MunicipalityFocusView, self).get(request, *args, **{**kwargs, **extra}),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = visible_version(self.request.user, self.kwargs["pk"])
        if version.concept.district_id != self.municipality.district_id:
            raise Http404
        view = selectors.municipality_view(version=version, municipality=self.municipality)
        editable = set(
            permissions.measures_status_editable_by(self.request.user)
            .filter(pk__in=[m.pk for m in view.measures])
            .values_list("pk", flat=True)
        )
        context.update(version=version, view=view, municipality=self.municipality, editable_measures=editable)
        return context

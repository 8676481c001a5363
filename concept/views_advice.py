"""Advice records (Beratung): KI staff record meetings; a municipality's contacts read their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from municipalities import permissions

from . import services_advice as services
from .forms_consultation import AdviceMeetingForm, apply_service_error


class AdviceListView(LoginRequiredMixin, View):
    """The meetings with one municipality: KI staff of its district and its own contacts (others: 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.municipality = get_object_or_404(
            permissions.municipalities_managed_by(request.user), slug=kwargs["slug"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, slug):
        return render(
            request,
            "concept/advice/list.html",
            {
                "municipality": self.municipality,
                "meetings": services.meetings_of(user=request.user, municipality=self.municipality),
                "may_record": permissions.may_administer_municipality(request.user, self.municipality),
            },
        )


class AdviceCreateView(LoginRequiredMixin, View):
    template_name = "concept/advice/form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.municipality = get_object_or_404(
            permissions.municipalities_administered_by(request.user).select_related("district"),
            slug=kwargs["slug"],
        )
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None) -> AdviceMeetingForm:
        return AdviceMeetingForm(
            data,
            goals=services.goals_for_advice(municipality=self.municipality),
            owners=services.possible_owners(municipality=self.municipality),
        )

    def get(self, request, slug):
        return self.render(self.form())

    def post(self, request, slug):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.record_advice_meeting(
                    by=request.user,
                    municipality=self.municipality,
                    held_on=data["held_on"],
                    participants=data["participants"],
                    notes=data["notes"],
                    gap_topics=data["gap_topics"],
                    topics=list(data["topics"]),
                    follow_ups=[services.FollowUpInput(*row) for row in form.follow_up_rows()],
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Das Beratungsgespräch ist erfasst."))
                return redirect("concept:advice_detail", pk=meeting.pk)
        return self.render(form)

    def render(self, form):
        return render(self.request, self.template_name, {"municipality": self.municipality, "form": form})


class AdviceDetailView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.meeting = get_object_or_404(
            services.meetings_visible_to(request.user).prefetch_related("topics", "follow_ups__owner"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        meeting = self.meeting
        return render(
            request,
            "concept/advice/detail.html",
            {
                "meeting": meeting,
                "municipality": meeting.municipality,
                "may_complete_all": permissions.may_administer_municipality(
                    request.user, meeting.municipality
                ),
            },
        )


class FollowUpDoneView(LoginRequiredMixin, View):
    def post(self, request, pk):
        follow_up = get_object_or_404(services.follow_ups_visible_to(request.user).distinct(), pk=pk)
        services.complete_follow_up(by=request.user, follow_up=follow_up)
        messages.success(request, _("Die Vereinbarung ist als erledigt markiert."))
        next_url = request.POST.get("next", "")
        if next_url == "dashboard":
            return redirect("dashboard")
        return redirect("concept:advice_detail", pk=follow_up.meeting_id)

"""Volunteer placements: volunteers find and answer them; organisations and KI staff manage them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from municipalities.permissions import RoleRequiredMixin, districts_administered_by
from volunteers.permissions import volunteer_of

from .. import placements
from ..models.placements import Placement, PlacementInterest
from ..permissions import organisation_of
from ..placement_forms import InterestForm, PlacementForm


def _rule_errors(form, error: ValidationError) -> None:
    form.add_rule_errors(error.message_dict if hasattr(error, "error_dict") else {None: error.messages})


# --- volunteers -----------------------------------------------------------------------


class VolunteerRequiredMixin(RoleRequiredMixin):
    def has_role(self) -> bool:
        self.volunteer = volunteer_of(self.request.user)
        return self.volunteer is not None


@method_decorator(never_cache, name="dispatch")
class PlacementListView(VolunteerRequiredMixin, View):
    def get(self, request):
        interests = dict(
            PlacementInterest.objects.filter(user=request.user).values_list("placement_id", "status")
        )
        rows = list(placements.matching_placements(self.volunteer))
        for placement in rows:
            placement.my_interest = interests.get(placement.pk, "")
        return render(request, "engagement/placements/list.html", {"placements": rows})


@method_decorator(never_cache, name="dispatch")
class PlacementDetailView(VolunteerRequiredMixin, View):
    template_name = "engagement/placements/detail.html"

    def placement(self, pk) -> Placement:
        return get_object_or_404(
            placements.placements_open_to(self.volunteer).select_related("organisation", "municipality"),
            pk=pk,
        )

    def _render(self, placement, form, interest):
        return render(
            self.request,
            self.template_name,
            {"placement": placement, "form": form, "interest": interest, "volunteer": self.volunteer},
        )

    def _interest(self, placement):
        return PlacementInterest.objects.filter(placement=placement, user=self.request.user).first()

    def get(self, request, pk):
        placement = self.placement(pk)
        interest = self._interest(placement)
        initial = {}
        if interest and interest.status != PlacementInterest.Status.WITHDRAWN:
            initial = {
                "shared_languages": list(interest.shared_languages.all()),
                "share_contact": interest.shares_contact,
            }
        return self._render(placement, InterestForm(initial=initial, volunteer=self.volunteer), interest)

    def post(self, request, pk):
        placement = self.placement(pk)
        form = InterestForm(request.POST, volunteer=self.volunteer)
        if form.is_valid():
            try:
                placements.express_interest(
                    by=request.user,
                    placement=placement,
                    shared_languages=list(form.cleaned_data["shared_languages"]),
                    share_contact=form.cleaned_data["share_contact"],
                )
            except ValidationError as error:
                _rule_errors(form, error)
            else:
                messages.success(
                    request, _("Ihr Interesse ist gespeichert; die Einsatzstelle wird benachrichtigt.")
                )
                return redirect(placement)
        return self._render(placement, form, self._interest(placement))


class InterestWithdrawView(VolunteerRequiredMixin, View):
    def post(self, request, pk):
        placement = get_object_or_404(placements.placements_open_to(self.volunteer), pk=pk)
        try:
            placements.withdraw_interest(by=request.user, placement=placement)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Ihr Interesse ist zurückgezogen; Ihre Kontaktdaten sind nicht mehr freigegeben.")
            )
        return redirect(placement)


# --- organisations and KI staff -------------------------------------------------------------


class PlacementManagerMixin(RoleRequiredMixin):
    def has_role(self) -> bool:
        return placements.may_manage_placements(self.request.user)

    def placement(self, pk) -> Placement:
        return get_object_or_404(
            placements.placements_managed_by(self.request.user).select_related(
                "organisation", "municipality"
            ),
            pk=pk,
        )

    def district(self):
        organisation = organisation_of(self.request.user)
        if organisation is not None:
            return organisation.district
        return districts_administered_by(self.request.user).order_by("pk").first()


@method_decorator(never_cache, name="dispatch")
class ManageListView(PlacementManagerMixin, View):
    def get(self, request):
        rows = placements.managed_placements_with_counts(request.user)
        return render(request, "engagement/placements/manage_list.html", {"placements": rows})


class PlacementFormMixin(PlacementManagerMixin):
    template_name = "engagement/placements/form.html"

    def _render(self, form, placement=None):
        return render(self.request, self.template_name, {"form": form, "placement": placement})


class PlacementCreateView(PlacementFormMixin, View):
    def get(self, request):
        return self._render(PlacementForm(district=self.district()))

    def post(self, request):
        form = PlacementForm(request.POST, district=self.district())
        if form.is_valid():
            try:
                placement = placements.publish_placement(by=request.user, data=form.placement_data())
            except ValidationError as error:
                _rule_errors(form, error)
            else:
                messages.success(request, _("Die Einsatzstelle ist veröffentlicht."))
                return redirect("engagement:placement_manage", pk=placement.pk)
        return self._render(form)


class PlacementUpdateView(PlacementFormMixin, View):
    def get(self, request, pk):
        placement = self.placement(pk)
        return self._render(PlacementForm(instance=placement, district=placement.district), placement)

    def post(self, request, pk):
        placement = self.placement(pk)
        form = PlacementForm(
            request.POST, instance=Placement.objects.get(pk=placement.pk), district=placement.district
        )
        if form.is_valid():
            try:
                placements.update_placement(by=request.user, placement=placement, data=form.placement_data())
            except ValidationError as error:
                _rule_errors(form, error)
            else:
                messages.success(request, _("Die Einsatzstelle ist gespeichert."))
                return redirect("engagement:placement_manage", pk=placement.pk)
        return self._render(form, placement)


@method_decorator(never_cache, name="dispatch")
class PlacementManageView(PlacementManagerMixin, View):
    def get(self, request, pk):
        placement = self.placement(pk)
        interests = placements.interests_for_publisher(by=request.user, placement=placement)
        return render(
            request, "engagement/placements/manage.html", {"placement": placement, "interests": interests}
        )


class PlacementCloseView(PlacementManagerMixin, View):
    def post(self, request, pk):
        placement = self.placement(pk)
        placements.close_placement(by=request.user, placement=placement)
        messages.success(request, _("Die Einsatzstelle ist beendet und nicht mehr ausgeschrieben."))
        return redirect("engagement:placement_manage", pk=placement.pk)


class InterestPlacedView(PlacementManagerMixin, View):
    def post(self, request, pk):
        interest = get_object_or_404(placements.interests_managed_by(request.user), pk=pk)
        try:
            placements.mark_placed(by=request.user, interest=interest)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Die Vermittlung ist vermerkt."))
        return redirect("engagement:placement_manage", pk=interest.placement_id)

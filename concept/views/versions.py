"""Concept versions, goals, targets and measures: the KI's editing screens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from municipalities.permissions import KIStaffRequiredMixin, districts_administered_by, is_ki_staff

from .. import permissions, services
from ..errors import StaleEdit
from ..forms import AdoptionForm, ConceptMeasureForm, GoalForm, MeasureStatusForm, TargetForm, VersionForm
from ..models import ConceptMeasure, ConceptVersion, Goal
from ..workflow import allowed_actions
from .base import FrozenAnswersConflictMixin, district_of, editable_version, visible_version


def _form_page(request, *, form, title: str, back: str, status: int = 200, **extra):
    return render(
        request,
        "concept/form.html",
        {"form": form, "title": title, "cancel_url": back, **extra},
        status=status,
    )


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ConceptHomeView(permissions.ConceptUserRequiredMixin, TemplateView):
    """The versions of the district's concept; start of the „Integrationskonzept“ navigation."""

    template_name = "concept/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["versions"] = (
            permissions.versions_visible_to(user)
            .select_related("concept__district")
            .order_by("concept", "-number")
        )
        context["district"] = district_of(user)
        context["is_staff"] = is_ki_staff(user)
        return context


class VersionCreateView(KIStaffRequiredMixin, View):
    def get(self, request):
        return _form_page(
            request, form=VersionForm(), title=_("Neue Konzeptfassung"), back=reverse("concept:home")
        )

    def post(self, request):
        form = VersionForm(request.POST)
        district = districts_administered_by(request.user).order_by("name").first()
        if form.is_valid() and district is not None:
            try:
                version = services.create_version(
                    by=request.user,
                    district=district,
                    **{k: form.cleaned_data[k] for k in services.VERSION_FIELDS},
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Die Fassung wurde als Entwurf angelegt."))
                return redirect("concept:version_detail", pk=version.pk)
        return _form_page(request, form=form, title=_("Neue Konzeptfassung"), back=reverse("concept:home"))


class VersionDetailView(permissions.ConceptUserRequiredMixin, TemplateView):
    """A version's structure: pillars → fields of action → goals with their indicators."""

    template_name = "concept/version_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = visible_version(self.request.user, self.kwargs["pk"])
        goals = list(
            version.goals.select_related("field_of_action").prefetch_related("targets__indicator", "measures")
        )
        unverifiable = {goal.pk for goal in services.goals_without_target(version)}
        by_field: dict[int, list[Goal]] = {}
        for goal in goals:
            goal.unverifiable = goal.pk in unverifiable
            by_field.setdefault(goal.field_of_action_id, []).append(goal)
        pillars = []
        placed: set[int] = set()
        for pillar in version.pillars.prefetch_related("fields__field_of_action"):
            fields = [(pf, by_field.get(pf.field_of_action_id, [])) for pf in pillar.fields.all()]
            placed.update(pf.field_of_action_id for pf in pillar.fields.all())
            pillars.append((pillar, fields))
        context.update(
            version=version,
            pillars=pillars,
            unplaced=[goal for goal in goals if goal.field_of_action_id not in placed],
            unverifiable_count=len(unverifiable),
            actions=allowed_actions(version, self.request.user),
        )
        return context


class VersionUpdateView(KIStaffRequiredMixin, FrozenAnswersConflictMixin, View):
    def setup_version(self, pk):
        self.version = editable_version(self.request.user, pk)
        services.ensure_editable(self.version)

    def get(self, request, pk):
        self.setup_version(pk)
        return self.page(VersionForm(instance=self.version))

    def post(self, request, pk):
        self.setup_version(pk)
        form = VersionForm(request.POST, instance=ConceptVersion.objects.get(pk=pk))
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in services.VERSION_FIELDS}
            try:
                services.update_version(
                    by=request.user,
                    version=self.version,
                    lock_version=form.cleaned_data["lock_version"],
                    data=data,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            except StaleEdit as error:
                return self.page(
                    VersionForm(instance=ConceptVersion.objects.get(pk=pk)), stale=error, status=409
                )
            else:
                messages.success(request, _("Die Fassung wurde gespeichert."))
                return redirect("concept:version_detail", pk=pk)
        return self.page(form)

    def page(self, form, stale=None, status=200):
        return _form_page(
            self.request,
            form=form,
            title=_("Fassung bearbeiten"),
            stale=stale,
            status=status,
            back=reverse("concept:version_detail", args=[self.version.pk]),
        )


class VersionAdoptView(KIStaffRequiredMixin, FrozenAnswersConflictMixin, View):
    """Record the Kreistag's decision (refused while goals are not verifiable)."""

    def get(self, request, pk):
        self.version = editable_version(request.user, pk)
        services.ensure_editable(self.version)
        return self.page(AdoptionForm())

    def post(self, request, pk):
        self.version = editable_version(request.user, pk)
        form = AdoptionForm(request.POST)
        if form.is_valid():
            try:
                services.adopt_version(by=request.user, version=self.version, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, _("Der Beschluss wurde erfasst; die Fassung ist nun festgeschrieben.")
                )
                return redirect("concept:version_detail", pk=pk)
        return self.page(form)

    def page(self, form):
        return _form_page(
            self.request,
            form=form,
            title=_("Beschluss erfassen: %(title)s") % {"title": self.version.title},
            back=reverse("concept:version_detail", args=[self.version.pk]),
            submit_label=_("Beschluss erfassen"),
        )


class FortschreibungView(KIStaffRequiredMixin, View):
    def post(self, request, pk):
        version = editable_version(request.user, pk)
        try:
            copy = services.start_fortschreibung(by=request.user, version=version)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("concept:version_detail", pk=pk)
        messages.success(
            request, _("Die Fortschreibung wurde als Entwurf angelegt; bitte setzen Sie neue Zielwerte.")
        )
        return redirect("concept:version_detail", pk=copy.pk)


class GoalEditMixin(KIStaffRequiredMixin, FrozenAnswersConflictMixin):
    def back(self):
        return reverse("concept:version_detail", args=[self.version.pk])


class GoalCreateView(GoalEditMixin, View):
    def get(self, request, pk):
        self.version = editable_version(request.user, pk)
        services.ensure_editable(self.version)
        return _form_page(
            request, form=GoalForm(version=self.version), title=_("Neues Ziel"), back=self.back()
        )

    def post(self, request, pk):
        self.version = editable_version(request.user, pk)
        form = GoalForm(request.POST, version=self.version)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in services.GOAL_FIELDS}
            try:
                goal = services.create_goal(by=request.user, version=self.version, data=data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, _("Das Ziel wurde angelegt. Machen Sie es mit einer Kennzahl überprüfbar.")
                )
                return redirect("concept:goal_target", pk=goal.pk)
        return _form_page(request, form=form, title=_("Neues Ziel"), back=self.back())


def _editable_goal(user, pk) -> Goal:
    return get_object_or_404(
        Goal.objects.filter(pk__in=permissions.goals_editable_by(user).values("pk")).select_related(
            "version__concept__district"
        ),
        pk=pk,
    )


class GoalUpdateView(GoalEditMixin, View):
    def get(self, request, pk):
        goal = _editable_goal(request.user, pk)
        self.version = goal.version
        services.ensure_editable(self.version)
        return self.page(GoalForm(instance=goal, version=self.version))

    def post(self, request, pk):
        goal = _editable_goal(request.user, pk)
        self.version = goal.version
        form = GoalForm(request.POST, instance=Goal.objects.get(pk=pk), version=self.version)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in services.GOAL_FIELDS}
            try:
                services.update_goal(
                    by=request.user, goal=goal, lock_version=form.cleaned_data["lock_version"], data=data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            except StaleEdit as error:
                fresh = GoalForm(instance=Goal.objects.get(pk=pk), version=self.version)
                return self.page(fresh, stale=error, status=409)
            else:
                messages.success(request, _("Das Ziel wurde gespeichert."))
                return redirect("concept:goal_detail", pk=pk)
        return self.page(form)

    def page(self, form, stale=None, status=200):
        return _form_page(
            self.request, form=form, title=_("Ziel bearbeiten"), back=self.back(), stale=stale, status=status
        )


class GoalDeleteView(GoalEditMixin, View):
    def post(self, request, pk):
        goal = _editable_goal(request.user, pk)
        self.version = goal.version
        services.delete_goal(by=request.user, goal=goal)
        messages.success(request, _("Das Ziel „%(title)s“ wurde entfernt.") % {"title": goal.title})
        return redirect("concept:version_detail", pk=self.version.pk)


class TargetCreateView(GoalEditMixin, View):
    """Attach an indicator with baseline and target to a goal."""

    def get(self, request, pk):
        goal = _editable_goal(request.user, pk)
        self.version = goal.version
        services.ensure_editable(self.version)
        return self.page(goal, TargetForm(version=self.version))

    def post(self, request, pk):
        goal = _editable_goal(request.user, pk)
        self.version = goal.version
        form = TargetForm(request.POST, version=self.version)
        if form.is_valid():
            data = dict(form.cleaned_data)
            indicator = data.pop("indicator")
            try:
                services.set_goal_target(by=request.user, goal=goal, indicator=indicator, data=data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Die Kennzahl mit Zielwert wurde gespeichert."))
                return redirect("concept:goal_detail", pk=pk)
        return self.page(goal, form)

    def page(self, goal, form):
        return _form_page(
            self.request,
            form=form,
            title=_("Kennzahl und Zielwert für „%(goal)s“") % {"goal": goal.title},
            back=self.back(),
        )


class MeasureCreateView(GoalEditMixin, View):
    def get(self, request, pk):
        goal = _editable_goal(request.user, pk)
        self.version = goal.version
        services.ensure_editable(self.version)
        return self.page(goal, ConceptMeasureForm(version=self.version))

    def post(self, request, pk):
        goal = _editable_goal(request.user, pk)
        self.version = goal.version
        form = ConceptMeasureForm(request.POST, version=self.version)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in services.MEASURE_FIELDS}
            try:
                services.create_concept_measure(by=request.user, goal=goal, data=data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Die Maßnahme wurde angelegt."))
                return redirect("concept:goal_detail", pk=pk)
        return self.page(goal, form)

    def page(self, goal, form):
        return _form_page(
            self.request,
            form=form,
            title=_("Neue Maßnahme für „%(goal)s“") % {"goal": goal.title},
            back=self.back(),
        )


class MeasureStatusView(permissions.ConceptUserRequiredMixin, FrozenAnswersConflictMixin, View):
    """KI staff, or the contact of the municipality that owns the measure, update its status."""

    def get_measure(self) -> ConceptMeasure:
        scope = permissions.measures_status_editable_by(self.request.user)
        measure = scope.select_related("goal__version").filter(pk=self.kwargs["pk"]).first()
        if measure is None:
            raise Http404
        return measure

    def get(self, request, pk):
        measure = self.get_measure()
        return self.page(measure, MeasureStatusForm(initial={"status": measure.status}))

    def post(self, request, pk):
        measure = self.get_measure()
        form = MeasureStatusForm(request.POST)
        if form.is_valid():
            try:
                services.update_measure_status(
                    by=request.user, measure=measure, status=form.cleaned_data["status"]
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Der Status der Maßnahme wurde gespeichert."))
                return redirect("concept:goal_detail", pk=measure.goal_id)
        return self.page(measure, form)

    def page(self, measure, form):
        return _form_page(
            self.request,
            form=form,
            title=_("Status der Maßnahme „%(title)s“") % {"title": measure.title},
            back=reverse("concept:goal_detail", args=[measure.goal_id]),
        )

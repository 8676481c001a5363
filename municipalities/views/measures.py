"""The measures (Maßnahmen) of a municipality: list, detail, create and edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from .. import permissions, services
from ..forms import MeasureForm
from ..models import Measure


class MeasureListView(permissions.MunicipalityPermissionMixin, ListView):
    """The measures (Maßnahmen) of a municipality, for its contacts and the KI."""

    template_name = "municipalities/measure_list.html"
    context_object_name = "measures"

    def get_queryset(self):
        return (
            Measure.objects.filter(municipality=self.municipality)
            .prefetch_related("fields_of_action", "target_groups")
            .order_by("status", "title")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        return context


class MeasureDetailView(permissions.MunicipalityPermissionMixin, DetailView):
    template_name = "municipalities/measure_detail.html"
    context_object_name = "measure"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Measure.objects.filter(municipality=self.municipality).prefetch_related(
                "fields_of_action", "target_groups", "languages"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        context["events"] = self.object.events.order_by("start")[:50]
        return context


class MeasureFormMixin(permissions.MunicipalityPermissionMixin):
    template_name = "municipalities/measure_form.html"
    form_class = MeasureForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["municipality"] = self.municipality
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        return context

    def form_valid(self, form):
        try:
            measure = services.save_measure(
                by=self.request.user,
                measure=form.instance,
                fields_of_action=form.cleaned_data["fields_of_action"],
                target_groups=form.cleaned_data["target_groups"],
                languages=form.cleaned_data["languages"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Die Maßnahme wurde gespeichert."))
        return redirect(measure)


class MeasureCreateView(MeasureFormMixin, CreateView):
    pass


class MeasureUpdateView(MeasureFormMixin, UpdateView):
    def get_object(self, queryset=None):
        return get_object_or_404(Measure, municipality=self.municipality, pk=self.kwargs["pk"])

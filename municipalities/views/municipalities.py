"""Municipality pages: the public list and profile, the KI's create/edit, the internal home and
the contacts page (which also sends invitations)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView, UpdateView

from .. import permissions, selectors, services
from ..forms import InvitationForm, MunicipalityForm
from ..models import Municipality
from ..private_pages import EarlyCachedPageMixin


class MunicipalityListView(ListView):
    template_name = "municipalities/municipality_list.html"
    context_object_name = "municipalities"

    def get_queryset(self):
        return selectors.public_municipalities(district=selectors.portal_district())


class MunicipalityDetailView(DetailView):
    """Public page of a municipality; its contacts are shown only to those who work with it."""

    template_name = "municipalities/municipality_detail.html"
    context_object_name = "municipality"
    queryset = Municipality.objects.select_related("district")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_manage"] = permissions.may_manage_municipality(user, self.object)
        context["may_administer"] = permissions.may_administer_municipality(user, self.object)
        if context["may_manage"]:
            context["contacts"] = selectors.contacts_of(self.object)
        return context


class MunicipalityCreateView(permissions.KIStaffRequiredMixin, CreateView):
    template_name = "municipalities/municipality_form.html"
    form_class = MunicipalityForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["districts"] = permissions.districts_administered_by(self.request.user)
        return kwargs

    def form_valid(self, form):
        try:
            self.object = services.save_municipality(by=self.request.user, municipality=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Die Kommune %(name)s wurde angelegt.") % {"name": self.object.name})
        return redirect(self.object)


class MunicipalityUpdateView(permissions.MunicipalityPermissionMixin, UpdateView):
    municipality_permission = "administer"
    template_name = "municipalities/municipality_form.html"
    form_class = MunicipalityForm

    def get_object(self, queryset=None):
        return self.municipality

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["districts"] = permissions.districts_administered_by(self.request.user)
        return kwargs

    def form_valid(self, form):
        try:
            services.save_municipality(by=self.request.user, municipality=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Die Angaben wurden gespeichert."))
        return redirect(self.municipality)


class MunicipalityHomeView(EarlyCachedPageMixin, permissions.MunicipalityPermissionMixin, TemplateView):
    """„Meine Kommune“: the internal start page of a municipality for its contacts and the KI."""

    template_name = "municipalities/municipality_home.html"
    # What the page shows: the municipality's events (task lists), the concept (consultations),
    # contacts and follow-ups; the municipality and district themselves bump every namespace, so a
    # stored copy is served before the municipality is loaded. The task lists name the moment they
    # change by themselves (an event ends), the follow-ups change with the day.
    cache_namespaces = ("events", "concept", "staff")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        context["contacts"] = selectors.contacts_of(self.municipality)
        context["may_administer"] = permissions.may_administer_municipality(
            self.request.user, self.municipality
        )
        return context


class MunicipalityContactsView(permissions.MunicipalityPermissionMixin, FormView):
    """KI staff: the contacts of a municipality, open invitations, and a form to invite."""

    municipality_permission = "administer"
    template_name = "municipalities/contacts.html"
    form_class = InvitationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.municipality
        context["contacts"] = selectors.contacts_of(self.municipality)
        context["invitations"] = selectors.invitations_of(self.municipality)[:50]
        return context

    def form_valid(self, form):
        try:
            invitation, _token = services.invite_contact(
                by=self.request.user,
                municipality=self.municipality,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Die Einladung an %(email)s wurde verschickt. Der Link ist %(days)s Tage gültig.")
            % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
        )
        return redirect("municipalities:contacts", slug=self.municipality.slug)

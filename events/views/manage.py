"""Screens of municipal contacts (and KI staff) for their municipalities' events."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from municipalities import permissions

from .. import selectors, services
from ..forms import CancelForm, EventForm, EventTranslationsForm
from ..models import Event, EventChange
from ..recurrence import describe
from ..workflow import EVENT, allowed_actions


class ManagerRequiredMixin(permissions.RoleRequiredMixin):
    """Contacts of at least one municipality, or KI staff."""

    def has_role(self) -> bool:
        roles = permissions.roles_of(self.request.user)
        return roles.is_contact or roles.is_ki_staff


class ManagedEventMixin(ManagerRequiredMixin):
    """Loads ``self.event`` from the URL, scoped to the user's municipalities (404 otherwise)."""

    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.event = get_object_or_404(
            selectors.events_managed_by(self.request.user).select_related("municipality__district"),
            pk=self.kwargs["pk"],
        )
        return True


class MyEventsView(ManagerRequiredMixin, ListView):
    template_name = "events/my_events.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        queryset = selectors.my_events(self.request.user)
        status = self.request.GET.get("status", "")
        if status in Event.Status.values:
            queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = Event.Status.choices
        context["current_status"] = self.request.GET.get("status", "")
        return context


class EventFormMixin:
    template_name = "events/event_form.html"
    form_class = EventForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def save(self, form):
        try:
            return services.save_event(
                by=self.request.user,
                event=form.instance,
                fields_of_action=form.cleaned_data["fields_of_action"],
                target_groups=form.cleaned_data["target_groups"],
                languages=form.cleaned_data["languages"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return None


class EventCreateView(ManagerRequiredMixin, EventFormMixin, FormView):
    def get_initial(self):
        initial = super().get_initial()
        managed = permissions.municipalities_managed_by(self.request.user)
        slug = self.request.GET.get("kommune")
        if slug and "\x00" not in slug and managed.filter(slug=slug).exists():  # PostgreSQL refuses NUL
            initial["municipality"] = managed.get(slug=slug)
        return initial

    def form_valid(self, form):
        event = self.save(form)
        if event is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Die Veranstaltung wurde als Entwurf gespeichert. Reichen Sie sie zur Prüfung ein, wenn sie fertig ist."
            ),
        )
        return redirect("events:manage", pk=event.pk)


class EventUpdateView(ManagedEventMixin, EventFormMixin, FormView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.event
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["needs_re_review"] = self.event.status == Event.Status.APPROVED and not (
            permissions.may_administer_municipality(self.request.user, self.event.municipality)
        )
        return context

    def form_valid(self, form):
        status_before = Event.objects.filter(pk=self.event.pk).values_list("status", flat=True).first()
        event = self.save(form)
        if event is None:
            return self.form_invalid(form)
        if event.status == Event.Status.SUBMITTED and status_before != Event.Status.SUBMITTED:
            messages.info(self.request, _("Die Änderung wird vom Integrationszentrum erneut geprüft."))
        messages.success(self.request, _("Die Änderungen wurden gespeichert."))
        return redirect("events:manage", pk=event.pk)


class EventManageView(ManagedEventMixin, DetailView):
    """Internal view of one event: state, KI comment, history, and the next steps."""

    template_name = "events/manage.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        return (
            Event.objects.select_related("municipality__district", "measure", "created_by", "reviewed_by")
            .prefetch_related(
                "fields_of_action",
                "target_groups",
                "languages",
                Prefetch("changes", queryset=EventChange.objects.select_related("actor")),
            )
            .get(pk=self.event.pk)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        context["recurrence"] = describe(event)
        context["series"] = selectors.series_summary(event)
        context["occurrences"] = event.occurrences.all()[:20]
        context["occurrence_count"] = event.occurrences.count()
        context["actions"] = allowed_actions(event, self.request.user)
        return context


class EventCopyView(ManagedEventMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        copy = services.copy_event(by=request.user, event=self.event)
        messages.success(
            request, _("Eine Kopie wurde als Entwurf angelegt. Passen Sie Datum und Angaben an.")
        )
        return redirect("events:update", pk=copy.pk)


class EventSubmitView(ManagedEventMixin, TemplateView):
    """GET shows the coordination hints and a confirm button; POST submits."""

    template_name = "events/submit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["hints"] = selectors.coordination_hints(self.event)
        context["actions"] = allowed_actions(self.event, self.request.user)
        return context

    def post(self, request, pk):
        try:
            services.submit_event(by=request.user, event=self.event)
        except services.EventTransitionError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("events:manage", pk=pk)
        messages.success(
            request,
            _(
                "Die Veranstaltung wurde zur Prüfung eingereicht. Sie erhalten eine E-Mail, sobald entschieden ist."
            ),
        )
        return redirect("events:manage", pk=pk)


class EventCancelView(ManagedEventMixin, View):
    """GET: the confirmation page naming the consequence; POST calls the event off."""

    http_method_names = ["get", "head", "post"]

    def _confirmation(self, form: CancelForm, status: int = 200):
        event = self.event
        back_url = reverse("events:manage", kwargs={"pk": event.pk})
        blocked = ""
        if not EVENT.is_possible("cancel", event):
            blocked = _("Nur veröffentlichte Veranstaltungen können abgesagt werden. Status: %(status)s.") % {
                "status": event.get_status_display()
            }
        return render(
            self.request,
            "confirm.html",
            {
                "title": _("Veranstaltung absagen"),
                "subject": _("„%(title)s“, %(municipality)s")
                % {"title": event.title, "municipality": event.municipality.name},
                "consequences": [
                    _("Die Veranstaltung bleibt im öffentlichen Kalender, als „abgesagt“ markiert."),
                    _("Sie kann danach nicht mehr bearbeitet oder wieder veröffentlicht werden."),
                    _("Der Grund erscheint im Verlauf der Veranstaltung."),
                ],
                "form": form,
                "blocked_reason": blocked,
                "submit_label": _("Veranstaltung absagen"),
                "back_url": back_url,
                "back_label": _("Nicht absagen, zurück zur Veranstaltung"),
            },
            status=status,
        )

    def get(self, request, pk):
        return self._confirmation(CancelForm())

    def post(self, request, pk):
        form = CancelForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        try:
            services.cancel_event(by=request.user, event=self.event, comment=comment)
        except services.EventTransitionError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Die Veranstaltung ist jetzt als „abgesagt“ markiert."))
        return redirect("events:manage", pk=pk)


class EventTranslationsView(ManagedEventMixin, FormView):
    """Title and short description of an event in the portal's other interface languages."""

    template_name = "events/translations_form.html"
    form_class = EventTranslationsForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initial_translations"] = services.translations_of(self.event)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["actions"] = allowed_actions(self.event, self.request.user)
        context["needs_re_review"] = self.event.status == Event.Status.APPROVED and not (
            permissions.may_administer_municipality(self.request.user, self.event.municipality)
        )
        return context

    def form_valid(self, form):
        status_before = self.event.status
        try:
            event = services.save_event_translations(
                by=self.request.user, event=self.event, translations=form.translations()
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for language, errors in error.error_dict.items():
                    field = f"title_{language}"
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        if event.status == Event.Status.SUBMITTED and status_before != Event.Status.SUBMITTED:
            messages.info(self.request, _("Die Änderung wird vom Integrationszentrum erneut geprüft."))
        messages.success(self.request, _("Die Übersetzungen wurden gespeichert."))
        return redirect("events:manage", pk=event.pk)

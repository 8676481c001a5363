"""KI staff: the review queue across all municipalities and the decision page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from kreisintegration import private_cache, public_cache
from municipalities import permissions
from municipalities.private_pages import staff_scope

from .. import selectors, services
from ..forms import RejectForm, ReviewForm
from ..models import Event
from ..recurrence import describe
from ..workflow import EVENT, allowed_actions


class ReviewQueueView(permissions.KIStaffRequiredMixin, ListView):
    template_name = "events/review_queue.html"
    context_object_name = "events"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        # The whole page is kept per person until an event changes (see private_cache.private_page).
        return private_cache.private_page(
            request,
            scope=staff_scope(request.user),
            namespaces=("events",),
            render=lambda extra: self.render_page(request, extra, *args, **kwargs),
        )

    def render_page(self, request, extra_context: dict, *args, **kwargs):
        self.extra_context = extra_context
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.municipalities = (
            permissions.municipalities_administered_by(self.request.user)
            .only("name", "slug")
            .order_by("name")
        )
        self.municipality = None
        slug = self.request.GET.get("municipality", "")
        if slug and "\x00" not in slug:  # PostgreSQL refuses NUL in text: no such municipality
            self.municipality = self.municipalities.filter(slug=slug).first()
        return selectors.review_queue(self.request.user, municipality=self.municipality)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipalities"] = self.municipalities
        context["current_municipality"] = self.municipality
        # The rendered list is cached until any event changes (the page's rows are only read then).
        context["queue_cache_key"] = public_cache.fragment_key(
            self.request,
            namespace="events",
            scope=staff_scope(self.request.user),
        )
        return context


class ReviewedEventMixin(permissions.KIStaffRequiredMixin):
    """Loads ``self.event`` among the events of the municipalities the user administers (404 otherwise)."""

    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.event = get_object_or_404(
            Event.objects.filter(
                municipality__in=permissions.municipalities_administered_by(self.request.user)
            ).select_related("municipality__district", "created_by", "measure"),
            pk=self.kwargs["pk"],
        )
        return True


def render_reject_confirmation(request, event: Event, form: RejectForm, status: int = 200):
    """The confirmation page of a rejection: the review page's „Ablehnen“ leads here first."""
    blocked = ""
    if not EVENT.is_possible("reject", event):
        blocked = _("Über diese Veranstaltung ist bereits entschieden (Status: %(status)s).") % {
            "status": event.get_status_display()
        }
    return render(
        request,
        "confirm.html",
        {
            "title": _("Veranstaltung ablehnen"),
            "subject": _("„%(title)s“, %(municipality)s")
            % {"title": event.title, "municipality": event.municipality.name},
            "consequences": [
                _("Die Veranstaltung wird nicht veröffentlicht und kann nicht mehr bearbeitet werden."),
                _("Die Kommune erhält eine E-Mail mit Ihrer Begründung."),
                _(
                    "Soll die Kommune nachbessern, geben Sie die Veranstaltung stattdessen "
                    "zur Überarbeitung zurück."
                ),
            ],
            "form": form,
            "form_action": reverse("events:reject", kwargs={"pk": event.pk}),
            "blocked_reason": blocked,
            "submit_label": _("Endgültig ablehnen"),
            "back_url": reverse("events:review", kwargs={"pk": event.pk}),
            "back_label": _("Nicht ablehnen, zurück zur Prüfung"),
        },
        status=status,
    )


class ReviewRejectView(ReviewedEventMixin, View):
    """GET: the confirmation page of a rejection; POST rejects (with the comment)."""

    http_method_names = ["get", "head", "post"]

    def get(self, request, pk):
        return render_reject_confirmation(request, self.event, RejectForm())

    def post(self, request, pk):
        form = RejectForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        try:
            event = services.decide_event(
                by=request.user, event=self.event, decision="reject", comment=comment
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("events:review", pk=pk)
        messages.success(
            request,
            _("„%(title)s“ wurde abgelehnt.") % {"title": event.title}
            + " "
            + _("Die Kommune wird per E-Mail informiert."),
        )
        return redirect("events:review_queue")


class ReviewDecisionView(ReviewedEventMixin, FormView):
    """Side by side: the submission (left) and the decision with its comment (right).

    „Ablehnen“ is final, so it is not done here: the page of its consequences comes first.
    """

    template_name = "events/review.html"
    form_class = ReviewForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["recurrence"] = describe(self.event)
        context["series"] = selectors.series_summary(self.event)
        context["occurrences"] = self.event.occurrences.all()[:10]
        context["changes"] = self.event.changes.select_related("actor")
        context["hints"] = selectors.coordination_hints(self.event)
        context["actions"] = allowed_actions(self.event, self.request.user)
        return context

    def form_valid(self, form):
        decision = form.cleaned_data["decision"]
        comment = form.cleaned_data["comment"]
        if decision == "reject":
            return render_reject_confirmation(
                self.request, self.event, RejectForm(initial={"comment": comment})
            )
        try:
            event = services.decide_event(
                by=self.request.user, event=self.event, decision=decision, comment=comment
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        text = {
            "approve": _("„%(title)s“ ist veröffentlicht."),
            "return": _("„%(title)s“ wurde mit Ihrem Kommentar zurückgegeben."),
        }[decision]
        messages.success(
            self.request, text % {"title": event.title} + " " + _("Die Kommune wird per E-Mail informiert.")
        )
        return redirect("events:review_queue")

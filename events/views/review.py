"""KI staff: the review queue across all municipalities and the decision page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from municipalities import permissions, public_cache

from .. import selectors, services
from ..forms import ReviewForm
from ..models import Event, EventChange
from ..recurrence import describe


def _staff_scope(user) -> tuple:
    roles = permissions.roles_of(user)
    return (roles.is_superuser, sorted(roles.staff_district_ids))


class ReviewQueueView(permissions.KIStaffRequiredMixin, ListView):
    template_name = "events/review_queue.html"
    context_object_name = "events"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        # The whole page is kept per person until an event changes (see public_cache.private_page).
        return public_cache.private_page(
            request,
            scope=_staff_scope(request.user),
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
            scope=_staff_scope(self.request.user),
        )
        return context


class ReviewDecisionView(permissions.KIStaffRequiredMixin, FormView):
    """Side by side: the submission (left) and the decision with its comment (right)."""

    template_name = "events/review.html"
    form_class = ReviewForm

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["recurrence"] = describe(self.event)
        context["occurrences"] = self.event.occurrences.all()[:10]
        context["changes"] = self.event.changes.select_related("actor")
        context["hints"] = selectors.coordination_hints(self.event)
        context["can_decide"] = self.event.status == Event.Status.SUBMITTED
        return context

    def form_valid(self, form):
        decision = form.cleaned_data["decision"]
        comment = form.cleaned_data["comment"]
        action = {
            "approve": services.approve_event,
            "return": services.return_event,
            "reject": services.reject_event,
        }[decision]
        try:
            event = action(by=self.request.user, event=self.event, comment=comment)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        text = {
            EventChange.Action.APPROVED: _("„%(title)s“ ist veröffentlicht."),
            EventChange.Action.RETURNED: _("„%(title)s“ wurde mit Ihrem Kommentar zurückgegeben."),
            EventChange.Action.REJECTED: _("„%(title)s“ wurde abgelehnt."),
        }[{"approve": "approved", "return": "returned", "reject": "rejected"}[decision]]
        messages.success(
            self.request, text % {"title": event.title} + " " + _("Die Kommune wird per E-Mail informiert.")
        )
        return redirect("events:review_queue")

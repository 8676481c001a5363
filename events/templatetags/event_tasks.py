"""What waits for a person, for pages outside the events app („Meine Kommune“, the navigation)."""

from django import template
from django.utils import timezone

from kreisintegration import private_cache

from .. import review_counts, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_tasks_for(context, municipality):
    """The contact tasks of one municipality for the logged-in person (events.selectors.contact_tasks).

    The list changes by itself when an event ends; a cached page („Meine Kommune“) is rendered
    again from then on (``private_cache.valid_until``)."""
    request, now = context["request"], timezone.now()
    private_cache.valid_until(
        request, selectors.contact_tasks_change_at(request.user, municipalities=[municipality], now=now)
    )
    return selectors.contact_tasks(request.user, municipalities=[municipality], now=now)


@register.simple_tag(takes_context=True)
def review_waiting_count(context) -> int | None:
    """Submissions waiting for this KI staff member, for the navigation: read from the cache, no query."""
    return review_counts.cached_review_waiting_count(context["request"].user)

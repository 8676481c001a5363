"""What waits for a person, for pages outside the events app („Meine Kommune“, the navigation)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_tasks_for(context, municipality):
    """The contact tasks of one municipality for the logged-in person (events.selectors.contact_tasks)."""
    return selectors.contact_tasks(context["request"].user, municipalities=[municipality])


@register.simple_tag(takes_context=True)
def review_waiting_count(context) -> int | None:
    """Submissions waiting for this KI staff member, for the navigation: read from the cache, no query."""
    return selectors.cached_review_waiting_count(context["request"].user)

"""What waits for a person, for pages outside the events app („Meine Kommune“, the navigation)."""

from django import template
from django.core.cache import cache

from municipalities import permissions, public_cache

from .. import selectors

register = template.Library()

WAITING_COUNT_TIMEOUT = 300


@register.simple_tag(takes_context=True)
def contact_tasks_for(context, municipality):
    """The contact tasks of one municipality for the logged-in person (events.selectors.contact_tasks)."""
    return selectors.contact_tasks(context["request"].user, municipalities=[municipality])


@register.simple_tag(takes_context=True)
def review_waiting_count(context) -> int:
    """Submissions waiting for this KI staff member, for the navigation on every page.

    Cached per reviewing scope until any event changes (the events namespace version is part of
    the key), so most pages cost one cache read and no query.
    """
    user = context["request"].user
    roles = permissions.roles_of(user)
    scope = "all" if roles.is_superuser else "-".join(map(str, sorted(roles.staff_district_ids)))
    key = f"review-waiting:{public_cache.version('events')}:{scope}"
    count = cache.get(key)
    if count is None:
        count = selectors.review_waiting_count(user)
        cache.set(key, count, WAITING_COUNT_TIMEOUT)
    return count

"""Template helpers of the concept: a dict lookup and the start-page blocks (follow-ups, consultations)."""

from django import template

from concept import selectors_consultation, services_advice

register = template.Library()


@register.filter
def value_of(values: dict, key):
    return values.get(key) if values else None


@register.inclusion_tag("concept/advice/_my_follow_ups.html", takes_context=True)
def my_follow_ups(context):
    """The user's open follow-ups from advice meetings, overdue ones flagged, until marked done."""
    user = context["request"].user
    return {"follow_ups": services_advice.open_follow_ups_of(user=user), "request": context["request"]}


@register.inclusion_tag("concept/consultation/_open_consultations.html", takes_context=True)
def my_open_consultations(context):
    """Drafts the user's municipalities are asked to comment on; for KI staff their district's versions."""
    user = context["request"].user
    return {
        "items": selectors_consultation.open_consultations_for(user=user),
        "staff_versions": selectors_consultation.current_versions_for_staff(user=user),
    }

"""The visitor's language of an event's title and description (``Event.localized``)."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def localized_event(event):
    """``{% localized_event event as text %}``: ``text.title``, ``text.description``, ``text.lang``, ``text.dir``."""
    return event.localized(get_language())

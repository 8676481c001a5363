"""The visitor's language of an event's title and description (``Event.localized``)."""

from django import template
from django.utils.translation import get_language

from ..calendar_render import CardTexts, select_options
from ..calendar_render import month_cell as render_month_cell
from ..calendar_render import occurrence_card as render_card

register = template.Library()
CARD_TEXTS = "events.card_texts"


def _card_texts(context) -> CardTexts:
    """The words and URL pattern all cards share, prepared once per template rendering."""
    texts = context.render_context.get(CARD_TEXTS)
    if texts is None:
        texts = context.render_context[CARD_TEXTS] = CardTexts.current()
    return texts


@register.simple_tag
def localized_event(event):
    """``{% localized_event event as text %}``: ``text.title``, ``text.description``, ``text.lang``, ``text.dir``."""
    return event.localized(get_language())


@register.simple_tag(takes_context=True)
def occurrence_card(context, occurrence, compact=False):
    """``{% occurrence_card occurrence compact=True %}``: one calendar entry (``calendar_render``)."""
    return render_card(occurrence, compact=compact, texts=_card_texts(context))


@register.simple_tag(takes_context=True)
def month_cell(context, day):
    """``{% month_cell day %}``: one day of the month grid with its entries (``calendar_render``)."""
    return render_month_cell(day, texts=_card_texts(context))


@register.simple_tag
def filter_options(items, chosen, value, also=""):
    """``{% filter_options municipalities params.municipality "slug" "ags" %}``: a filter's options
    (``calendar_render.select_options``)."""
    return select_options(items, chosen, value=value, also=also)

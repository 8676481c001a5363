"""Small formatting helpers of the overview templates."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def signed(value) -> str:
    """A change with its sign: „+3“, „−2“ (typographic minus), „±0“; localised grouping."""
    if value is None or value == "":
        return "–"
    if value == 0:
        return "±0"
    sign = "+" if value > 0 else "−"
    return sign + number_format(abs(value), force_grouping=True)

from django import template

register = template.Library()


@register.filter
def value_in(series, year):
    """The value of ``year`` in a list of (year, value) pairs, or None."""
    for item_year, value in series or ():
        if item_year == year:
            return value
    return None

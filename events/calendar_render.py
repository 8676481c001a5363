"""The pieces of the public calendar that every cold page repeats, rendered in Python.

A month page shows 42 days with three labels each and one entry per occurrence; rendered with
``{% include %}`` and the ``date`` filter per day they were most of a cold page's time. Here:

- ``day_labels``: a day's labels (number, long label, label for screen readers, calendar week) in
  a language, computed once per process and language (a pure function of the day and the
  language's catalogue, which does not change while the process runs).
- ``occurrence_card``: one calendar entry, and ``month_cell``: one day of the month grid, the markup
  their templates rendered before, byte for byte (``test_calendar_render`` pins every branch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DayLabels:
    number: str  # "7"
    long: str  # "Montag, 7. Dezember"
    full: str  # "Montag, 7. Dezember 2026"
    week: str  # ISO calendar week, "50"


@lru_cache(maxsize=16384)
def _day_labels(language: str | None, day: date) -> DayLabels:
    # ``language`` is the active one (the caller's): it is part of the key only.
    # Translators: date formats (Django's date filter) follow the language's convention.
    return DayLabels(
        number=date_format(day, "j"),
        long=date_format(day, _("l, j. F")),
        full=date_format(day, _("l, j. F Y")),
        week=date_format(day, "W"),
    )


def day_labels(day: date) -> DayLabels:
    """The labels of ``day`` in the active language."""
    return _day_labels(get_language(), day)


# A number no event has: the detail URL is reversed once and the pk put in its place.
_PK_PLACEHOLDER = 987654321987654321


@dataclass(frozen=True)
class CardTexts:
    """What every card of one page shares: translated words and the detail URL's pattern."""

    all_day: str
    clock: str
    cancelled: str
    url_prefix: str
    url_suffix: str

    @classmethod
    def current(cls) -> CardTexts:
        prefix, _sep, suffix = reverse("events:detail", kwargs={"pk": _PK_PLACEHOLDER}).partition(
            str(_PK_PLACEHOLDER)
        )
        return cls(
            all_day=conditional_escape(_("ganztägig")),
            clock=conditional_escape(_("Uhr")),
            cancelled=conditional_escape(_("abgesagt")),
            url_prefix=conditional_escape(prefix),
            url_suffix=conditional_escape(suffix),
        )


def _time(value) -> str:
    return timezone.localtime(value).strftime("%H:%M")


def occurrence_card(occurrence, *, compact: bool, texts: CardTexts | None = None) -> SafeString:
    """One calendar entry (time, linked title, cancelled badge, municipality and, in the long form,
    the place), ending with a newline as the template it replaces did."""
    texts = texts or CardTexts.current()
    event = occurrence.event
    text = event.localized(get_language())
    if event.all_day:
        when = texts.all_day
    elif compact:
        when = f"{_time(occurrence.start)} {texts.clock}"
    else:
        when = f"{_time(occurrence.start)}–{_time(occurrence.end)} {texts.clock}"
    badge = (
        f' <span class="kern-badge kern-badge--danger">{texts.cancelled}</span>'
        if event.status == "cancelled"
        else ""
    )
    place = f" · {conditional_escape(event.location_name)}" if not compact and event.location_name else ""
    esc = conditional_escape
    return mark_safe(  # noqa: S308 (every value is escaped above)
        f'<span class="ki-nowrap">{when}</span>\n'
        f'<a href="{texts.url_prefix}{event.pk}{texts.url_suffix}" lang="{esc(text.lang)}" '
        f'dir="{esc(text.dir)}">{esc(text.title)}</a>{badge}\n'
        f'<span class="kern-block ki-small kern-body--muted">{esc(event.municipality.name)}{place}</span>\n'
    )


def month_cell(day, *, texts: CardTexts | None = None) -> SafeString:
    """One day of the month grid (``<td>`` … ``</td>``) with its entries: what the loop of
    ``events/_calendar_month.html`` rendered per day before, byte for byte."""
    classes = "calendar-day"
    if not day.in_month:
        classes += " calendar-day--outside"
    today = day.is_today
    if today:
        classes += " calendar-day--today"
    if not day.occurrences or not day.in_month:
        classes += " calendar-day--empty"
    current = ' aria-current="date"' if today else ""
    labels = day.labels
    esc = conditional_escape
    entries = ""
    if day.occurrences:
        texts = texts or CardTexts.current()
        items = "".join(
            f'<li class="kern-mb-xs">{occurrence_card(occurrence, compact=True, texts=texts)}</li>'
            for occurrence in day.occurrences
        )
        entries = (
            '\n            <ul class="ki-list-plain ki-small kern-mb-none">\n'
            f"              {items}\n"
            "            </ul>\n          "
        )
    return mark_safe(  # noqa: S308 (every value is escaped above)
        f'<td class="{classes}"{current}>\n'
        f'          <span class="ki-bold calendar-day__number" aria-hidden="true">{esc(labels.number)}</span>'
        f'<span class="ki-bold calendar-day__long" aria-hidden="true">{esc(labels.long)}</span>'
        f'<span class="kern-sr-only">{esc(labels.full)}</span>\n'
        f"          {entries}\n        </td>"
    )


def select_options(items, chosen: str, *, value: str, also: str = "") -> SafeString:
    """The ``<option>`` elements of a filter's choices, the one whose ``value`` attribute (or
    ``also`` attribute, e.g. a municipality's AGS) equals ``chosen`` selected: what the loops of
    ``events/_calendar_filter.html`` rendered before, byte for byte."""
    esc = conditional_escape
    parts = []
    for item in items:
        own = getattr(item, value)
        selected = chosen == own or (also and chosen == getattr(item, also))
        parts.append(f'<option value="{esc(own)}"{" selected" if selected else ""}>{esc(item.name)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 (every value is escaped above)

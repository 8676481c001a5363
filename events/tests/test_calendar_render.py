"""The calendar's entries, month cells and day labels rendered in Python (``events.calendar_render``):
the exact markup the templates rendered before, in every branch, and labels per language."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from events.calendar_render import CardTexts, day_labels, month_cell, occurrence_card
from events.models import EventTranslation
from events.views.public import Day

from .public_helpers import MARCH, YEAR, at, make_event


def _occurrence(event):
    return event.occurrences.select_related("event__municipality").get()


def test_entry_markup_short_and_long_with_escaping(ki_staff, unna):
    event = make_event(
        by=ki_staff, municipality=unna, title="Kochen & <Backen>", start=at(MARCH, 9, 5), hours=2.5,
        location_name='Café "Mitte"',
    )  # fmt: skip
    occurrence = _occurrence(event)
    url = reverse("events:detail", kwargs={"pk": event.pk})

    with translation.override("de"):
        compact = occurrence_card(occurrence, compact=True)
        long = occurrence_card(occurrence, compact=False, texts=CardTexts.current())

    title = f'<a href="{url}" lang="de" dir="ltr">Kochen &amp; &lt;Backen&gt;</a>\n'
    assert compact == (
        f'<span class="ki-nowrap">09:05 Uhr</span>\n{title}'
        f'<span class="kern-block ki-small kern-body--muted">{unna.name}</span>\n'
    )
    assert long == (
        f'<span class="ki-nowrap">09:05–11:35 Uhr</span>\n{title}'
        f'<span class="kern-block ki-small kern-body--muted">{unna.name} · Café &quot;Mitte&quot;</span>\n'
    )


def test_entry_of_a_cancelled_all_day_event_in_english_with_its_translation(ki_staff, unna):
    event = make_event(
        by=ki_staff, municipality=unna, title="Sommerfest", start=at(MARCH, 0), end=at(MARCH + timedelta(1), 0),
        all_day=True, status="cancelled",
    )  # fmt: skip
    EventTranslation.objects.create(event=event, language="ar", title="مهرجان", description="")
    occurrence = event.occurrences.select_related("event__municipality").prefetch_related(
        "event__translations"
    )
    url = reverse("events:detail", kwargs={"pk": event.pk})

    with translation.override("en"):
        english = occurrence_card(occurrence.get(), compact=True)
    with translation.override("ar"):
        arabic = occurrence_card(occurrence.get(), compact=False)

    assert english.startswith(
        f'<span class="ki-nowrap">all day</span>\n<a href="{url}" lang="de" dir="ltr">Sommerfest</a>'
        ' <span class="kern-badge kern-badge--danger">cancelled</span>\n'
    )
    assert f'<a href="{url}" lang="ar" dir="rtl">مهرجان</a>' in arabic


def test_month_cells_mark_today_outside_days_and_entries(ki_staff, unna):
    today = timezone.localdate()
    event = make_event(by=ki_staff, municipality=unna, title="Heute", start=at(today, 23))
    with translation.override("de"):
        empty_today = month_cell(Day(today, [], in_month=True))
        outside = month_cell(Day(today + timedelta(days=1), [], in_month=False))
        with_entry = month_cell(Day(today, [_occurrence(event)]))
        labels = day_labels(today)

    assert empty_today.startswith(
        '<td class="calendar-day calendar-day--today calendar-day--empty" aria-current="date">\n'
        f'          <span class="ki-bold calendar-day__number" aria-hidden="true">{today.day}</span>'
        f'<span class="ki-bold calendar-day__long" aria-hidden="true">{labels.long}</span>'
        f'<span class="kern-sr-only">{labels.full}</span>\n          \n        </td>'
    )
    assert outside.startswith('<td class="calendar-day calendar-day--outside calendar-day--empty">\n')
    assert with_entry.startswith('<td class="calendar-day calendar-day--today" aria-current="date">\n')
    assert with_entry.endswith(
        '\n            <ul class="ki-list-plain ki-small kern-mb-none">\n'
        '              <li class="kern-mb-xs"><span class="ki-nowrap">23:00 Uhr</span>\n'
        f'<a href="{event.get_absolute_url()}" lang="de" dir="ltr">Heute</a>\n'
        f'<span class="kern-block ki-small kern-body--muted">{unna.name}</span>\n</li>\n'
        "            </ul>\n          \n        </td>"
    )


def test_day_labels_are_kept_per_language(client, district):
    monday = MARCH + timedelta(days=(7 - MARCH.weekday()) % 7)
    url = reverse("events:calendar") + f"?view=month&start={MARCH.isoformat()}"

    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    cache.clear()  # the page cache keys by language anyway; the labels are kept in the process
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f'<span class="kern-sr-only">Montag, {monday.day}. März {YEAR}</span>' in german
    assert f'<span class="kern-sr-only">Monday, {monday.day} March {YEAR}</span>' in english
    assert "Montag" not in english

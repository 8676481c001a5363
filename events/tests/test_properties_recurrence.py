"""Property-based tests of the recurrence builder (events/recurrence.py).

Arbitrary start dates and times (DST changes in Europe/Berlin included), intervals,
weekdays, counts, end dates and exclusions: the event is either refused with a
``ValidationError`` or its occurrences are sorted, unique, within the limits, on the
chosen weekdays, aware, never on an excluded day and at the chosen wall-clock time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import hypothesis
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from events import recurrence
from events.models import Event
from events.recurrence import MAX_OCCURRENCES, OPEN_ENDED_HORIZON_DAYS, compute_occurrences, local_zone

F = Event.Frequency
M = Event.MonthlyMode
# The DST changes of 2026 (29 March, 25 October) and their neighbourhood.
DST_DAYS = [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30), date(2026, 10, 24), date(2026, 10, 25)]

start_dates = st.one_of(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
    st.sampled_from(DST_DAYS),
    st.dates(),  # year 1 … 9999: must be refused or work, never crash
)
# dateutil's rrule works in whole seconds (forms and the import give minutes).
start_times = st.one_of(
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.sampled_from([time(2, 30), time(2, 0), time(3, 0), time(0, 0), time(23, 59)]),
)
iso_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31)).map(date.isoformat)
junk = st.one_of(st.text(max_size=12), st.integers(), st.none(), st.booleans())


@st.composite
def series(draw):
    """Half the time only values a form could send (most are accepted), else anything at all."""
    sane = draw(st.booleans())
    near = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
    if sane:
        until_or_count = draw(st.sampled_from(["until", "count", "neither"]))
        return {
            "start_date": draw(st.one_of(near, st.sampled_from(DST_DAYS))),
            "start_time": draw(start_times),
            "duration": draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3))),
            "frequency": draw(st.sampled_from([F.NONE, F.WEEKLY, F.MONTHLY, F.WEEKLY, F.MONTHLY])),
            "interval": draw(st.integers(1, 12)),
            "weekdays": draw(st.lists(st.integers(0, 6), max_size=7)),
            "monthly_mode": draw(st.sampled_from([M.DAY_OF_MONTH, M.NTH_WEEKDAY])),
            "repeat_until": draw(near) if until_or_count == "until" else None,
            "repeat_count": draw(st.integers(1, 600)) if until_or_count == "count" else None,
            "excluded_dates": draw(st.lists(iso_dates, max_size=30)),
        }
    return {
        "start_date": draw(start_dates),
        "start_time": draw(start_times),
        "duration": draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3))),
        "frequency": draw(st.sampled_from([F.NONE, F.WEEKLY, F.MONTHLY, "daily", ""])),
        "interval": draw(st.integers(-3, 40)),
        "weekdays": draw(st.lists(st.one_of(st.integers(-2, 9), junk), max_size=4)),
        "monthly_mode": draw(st.sampled_from([M.DAY_OF_MONTH, M.NTH_WEEKDAY, "", "jeden"])),
        "repeat_until": draw(st.one_of(st.none(), st.dates())),
        "repeat_count": draw(st.one_of(st.none(), st.integers(-5, 40000))),
        "excluded_dates": draw(st.lists(st.one_of(iso_dates, junk), max_size=5)),
    }


def build_event(municipality, spec) -> Event:
    zone = local_zone()
    local_start = datetime.combine(spec["start_date"], spec["start_time"])
    try:
        start = timezone.make_aware(local_start, zone)
        end = start + spec["duration"]
    except (OverflowError, ValueError):
        assume(False)  # not representable at all, so no form or import can produce it
    return Event(
        municipality=municipality,
        title="Sprachcafé",
        start=start,
        end=end,
        frequency=spec["frequency"],
        interval=spec["interval"],
        weekdays=spec["weekdays"],
        monthly_mode=spec["monthly_mode"],
        repeat_until=spec["repeat_until"],
        repeat_count=spec["repeat_count"],
        excluded_dates=spec["excluded_dates"],
    )


def exists_in_berlin(naive: datetime) -> bool:
    zone = local_zone()
    return timezone.make_aware(naive, zone).astimezone(zone).replace(tzinfo=None) == naive


@settings(max_examples=200)
@given(spec=series())
@example(
    spec={
        "start_date": date(9999, 12, 30), "start_time": time(18), "duration": timedelta(hours=2),
        "frequency": F.WEEKLY, "interval": 1, "weekdays": [], "monthly_mode": "", "repeat_until": None,
        "repeat_count": None, "excluded_dates": [],
    }
)  # fmt: skip
@example(
    spec={
        "start_date": date(2026, 3, 1), "start_time": time(2, 30), "duration": timedelta(hours=1),
        "frequency": F.WEEKLY, "interval": 1, "weekdays": [6], "monthly_mode": "", "repeat_until": None,
        "repeat_count": 10, "excluded_dates": ["2026-03-15", "kein Datum"],
    }
)  # fmt: skip
def test_series_is_refused_or_has_well_formed_occurrences(unna, spec):
    event = build_event(unna, spec)
    try:
        event.full_clean(exclude=["status"])
    except ValidationError:
        hypothesis.event("refused")
        return
    hypothesis.event(f"accepted: {event.frequency or 'one-off'}")
    occurrences = compute_occurrences(event)

    zone = local_zone()
    local_start = timezone.localtime(event.start, zone).replace(tzinfo=None)
    starts = [start for start, _end in occurrences]
    assert starts == sorted(set(starts)), "sorted and unique"
    assert all(s.tzinfo is not None and s.utcoffset() is not None for s in starts)
    assert all(e.tzinfo is not None and e >= s for s, e in occurrences)
    assert len(occurrences) <= MAX_OCCURRENCES
    if not event.frequency:
        assert occurrences == [(event.start, event.end)]
        return
    if event.repeat_count:
        assert len(occurrences) <= event.repeat_count
    excluded = {date.fromisoformat(d) for d in event.excluded_dates}
    last_allowed = local_start.date() + timedelta(days=OPEN_ENDED_HORIZON_DAYS)
    if event.repeat_until:
        last_allowed = min(last_allowed, event.repeat_until)
    for start in starts:
        local = timezone.localtime(start, zone)
        assert local.date() not in excluded
        assert local_start.date() <= local.date()
        if not event.repeat_count:
            assert local.date() <= last_allowed
        if exists_in_berlin(datetime.combine(local.date(), local_start.time())):
            assert local.time() == local_start.time(), "same wall-clock time across DST changes"
        if event.frequency == F.WEEKLY:
            assert local.weekday() in event.weekdays
        elif event.monthly_mode == M.NTH_WEEKDAY:
            assert local.weekday() == local_start.weekday()
        else:
            assert local.day == local_start.day


@given(
    start_date=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    frequency=st.sampled_from(["", "weekly", "monthly"]),
    excluded=st.text(max_size=40),
)
@example(start_date=date(9999, 12, 31), frequency="weekly", excluded="")
@example(start_date=date(1, 1, 1), frequency="", excluded="")
@example(start_date=date(2026, 5, 1), frequency="weekly", excluded="31.12.9999\n0001-01-01")
def test_event_form_refuses_impossible_dates_with_a_message_never_a_500(
    client, contact_unna, unna, start_date, frequency, excluded
):
    client.force_login(contact_unna)
    before = Event.objects.count()
    response = client.post(
        reverse("events:create"),
        {
            "municipality": unna.pk,
            "title": "Sprachcafé",
            "start_date": start_date.isoformat(),
            "start_time": "18:00",
            "end_time": "20:00",
            "frequency": frequency,
            "interval": "1",
            "monthly_mode": "day",
            "excluded_dates_text": excluded,
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert Event.objects.count() == before
    else:
        event = Event.objects.latest("pk")
        assert recurrence.EARLIEST_DATE <= timezone.localtime(event.start).date() <= recurrence.LATEST_DATE
        assert event.occurrences.exists() or event.excluded_dates


@pytest.mark.parametrize("value", [[0, 7], ["1"], [True], "0,1", {"0": 1}])
def test_invalid_weekdays_are_a_validation_error(unna, value):
    event = build_event(
        unna,
        {
            "start_date": date(2026, 3, 10), "start_time": time(18), "duration": timedelta(hours=2),
            "frequency": F.WEEKLY, "interval": 1, "weekdays": value, "monthly_mode": "",
            "repeat_until": None, "repeat_count": 4, "excluded_dates": [],
        },
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        event.full_clean(exclude=["status"])
    assert "weekdays" in error.value.message_dict

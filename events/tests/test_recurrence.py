from datetime import UTC, date

import pytest
from django.utils import timezone

from events.models import Event
from events.recurrence import MAX_OCCURRENCES, OPEN_ENDED_HORIZON_DAYS, compute_occurrences
from events.tests.factories import berlin


def event(**fields):
    defaults = {"start": berlin(2026, 3, 10, 18), "end": berlin(2026, 3, 10, 20)}
    return Event(**{**defaults, **fields})


def local(dt):
    return timezone.localtime(dt)


def test_weekly_event_stays_at_1800_local_across_both_dst_changes():
    series = event(frequency="weekly", weekdays=[1], repeat_until=date(2026, 11, 10))
    occurrences = compute_occurrences(series)
    assert {local(start).strftime("%H:%M") for start, _end in occurrences} == {"18:00"}
    offsets = {local(start).utcoffset().total_seconds() / 3600 for start, _end in occurrences}
    assert offsets == {1.0, 2.0}  # CET in March/November, CEST in summer
    by_day = {local(start).date(): start for start, _end in occurrences}
    # Before the change (29 March) 18:00 CET is 17:00 UTC, after it 18:00 CEST is 16:00 UTC.
    assert by_day[date(2026, 3, 24)].astimezone(UTC).hour == 17
    assert by_day[date(2026, 3, 31)].astimezone(UTC).hour == 16
    assert by_day[date(2026, 10, 27)].astimezone(UTC).hour == 17
    for start, end in occurrences:
        assert end - start == berlin(2026, 3, 10, 20) - berlin(2026, 3, 10, 18)


def test_every_second_week_on_two_weekdays_with_count():
    series = event(frequency="weekly", interval=2, weekdays=[1, 3], repeat_count=6)
    days = [local(start).date() for start, _end in compute_occurrences(series)]
    assert days == [
        date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 24), date(2026, 3, 26),
        date(2026, 4, 7), date(2026, 4, 9),
    ]  # fmt: skip


def test_monthly_on_second_tuesday_and_excluded_dates():
    series = event(
        frequency="monthly",
        monthly_mode="weekday",
        repeat_count=4,
        excluded_dates=["2026-04-14"],
    )
    days = [local(start).date() for start, _end in compute_occurrences(series)]
    assert days == [date(2026, 3, 10), date(2026, 5, 12), date(2026, 6, 9)]


def test_monthly_on_day_of_month():
    series = event(frequency="monthly", repeat_until=date(2026, 6, 30))
    assert [local(s).date().day for s, _e in compute_occurrences(series)] == [10, 10, 10, 10]


def test_open_ended_series_is_capped():
    series = event(frequency="weekly", weekdays=[0, 1, 2, 3, 4, 5, 6])
    occurrences = compute_occurrences(series)
    assert len(occurrences) == MAX_OCCURRENCES
    weekly = event(frequency="weekly")
    last = compute_occurrences(weekly)[-1][0]
    assert (local(last).date() - date(2026, 3, 10)).days <= OPEN_ENDED_HORIZON_DAYS


def test_one_off_event_has_one_occurrence():
    single = event()
    assert compute_occurrences(single) == [(single.start, single.end)]


@pytest.mark.parametrize("count", [1, 3])
def test_count_is_respected(count):
    assert len(compute_occurrences(event(frequency="weekly", repeat_count=count))) == count

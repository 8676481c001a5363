"""Public holidays in North Rhine-Westphalia (gesetzliche Feiertage NRW, Feiertagsgesetz NW).

Nine nationwide holidays plus the two NRW adds (Fronleichnam, Allerheiligen). Easter comes from
python-dateutil; everything else is a fixed date or an offset from Easter Sunday.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter


@lru_cache(maxsize=32)
def nrw_public_holidays(year: int) -> dict[date, str]:
    sunday = easter(year)
    return {
        date(year, 1, 1): "Neujahr",
        sunday - timedelta(days=2): "Karfreitag",
        sunday + timedelta(days=1): "Ostermontag",
        date(year, 5, 1): "Tag der Arbeit",
        sunday + timedelta(days=39): "Christi Himmelfahrt",
        sunday + timedelta(days=50): "Pfingstmontag",
        sunday + timedelta(days=60): "Fronleichnam",
        date(year, 10, 3): "Tag der Deutschen Einheit",
        date(year, 11, 1): "Allerheiligen",
        date(year, 12, 25): "1. Weihnachtstag",
        date(year, 12, 26): "2. Weihnachtstag",
    }


def is_public_holiday(day: date) -> bool:
    return day in nrw_public_holidays(day.year)


def next_working_day(day: date, *, step: int = 1) -> date:
    """``day`` itself if it is neither a Sunday nor a public holiday, else the next such day
    (``step=-1``: the previous one)."""
    while day.weekday() == 6 or is_public_holiday(day):
        day += timedelta(days=step)
    return day

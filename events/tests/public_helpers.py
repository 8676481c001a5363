"""Helpers of the public calendar tests (and of others that need published events): dates in a
fixed future March and ``make_event``, which saves through the service and then sets the status.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from events.models import Event
from events.tests import factories

S = Event.Status


# Fixed dates in the future, so "upcoming" and default windows never depend on the test day.
YEAR = timezone.localdate().year + 2
MARCH = date(YEAR, 3, 1)
FIRST_MONDAY = MARCH + timedelta(days=(7 - MARCH.weekday()) % 7)


def at(day: date, hour: int = 18, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_event(
    *,
    by,
    municipality,
    title: str = "Internationales Sprachcafé",
    start: datetime | None = None,
    hours: float = 2,
    status: str = S.APPROVED,
    **fields,
) -> Event:
    """An event saved through the service (so occurrences are real), then put into ``status``;
    published on the tenth of the fixed March unless told otherwise."""
    start = start or at(MARCH + timedelta(days=9))
    end = fields.pop("end", start + timedelta(hours=hours))
    return factories.make_event(
        by=by, municipality=municipality, title=title, start=start, end=end, status=status, **fields
    )

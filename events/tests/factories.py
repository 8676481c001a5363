"""Helpers to create events through the real services (occurrences, history and all)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from events import services
from events.models import Event

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def make_event(
    *,
    by,
    municipality,
    title="Internationales Sprachcafé",
    start=None,
    end=None,
    fields_of_action=(),
    target_groups=(),
    languages=(),
    status=None,
    **fields,
) -> Event:
    start = start or berlin(2026, 3, 14, 18)
    end = end or start.replace(hour=min(start.hour + 2, 23))
    event = Event(municipality=municipality, title=title, start=start, end=end, **fields)
    event = services.save_event(
        by=by,
        event=event,
        fields_of_action=fields_of_action,
        target_groups=target_groups,
        languages=languages,
    )
    if status is not None and status != Event.Status.DRAFT:
        Event.objects.filter(pk=event.pk).update(status=status)
        event.refresh_from_db()
    return event

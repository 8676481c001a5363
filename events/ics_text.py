"""The iCalendar feeds written as text: the same bytes as ``events.ics``'s icalendar objects give
(``build_calendar(...).to_ical()``), without building those objects per property and event.

``events.ics`` builds an event's VEVENT with ``icalendar`` (the reference, also for single uses);
this module writes what it would write, for the feeds' many events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.text import fold, ical_str, ical_text, vtimezone_ical

from .ics import (
    _all_day_end,
    _calendar_head,
    _first_rule_start,
    _local,
    _rrule,
    _timezone_days,
    absolute_url,
    build_vevent,
    event_description,
    event_uid,
)
from .models import Event
from .recurrence import local_zone

# --- the VEVENT written as text -------------------------------------------------------------------
# ``vevent_text`` writes what ``ical_str(build_vevent(...))`` gives, without building icalendar's
# objects per property: the properties in icalendar's order for an event (its canonical order, then
# the others alphabetically, repeated ones in the order added), each value encoded as icalendar's type
# for it encodes it. ``test_ics`` and the bench's comparison hold it to icalendar's own output.


def _escaped(text: str) -> str:
    """A TEXT value escaped as icalendar's ``vText.to_ical`` escapes it (the same steps, in order)."""
    return (
        text.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _utc_text(value: datetime) -> str:
    value = value.astimezone(UTC)
    return f"{value.year:04}{value.month:02}{value.day:02}T{value.hour:02}{value.minute:02}{value.second:02}Z"


def _date_text(value: date) -> str:
    return f"{value.year:04}{value.month:02}{value.day:02}"


def _wall_text(value: datetime) -> str:
    return f"{_date_text(value)}T{value.hour:02}{value.minute:02}{value.second:02}"


def _rrule_text(rule: dict) -> str:
    """``vRecur.to_ical`` of the rules ``_rrule`` builds: FREQ, UNTIL, COUNT, INTERVAL, BYDAY, BYMONTHDAY."""
    parts = [f"FREQ={rule['freq']}"]
    if "until" in rule:
        until = rule["until"]
        parts.append(f"UNTIL={_utc_text(until) if isinstance(until, datetime) else _date_text(until)}")
    if "count" in rule:
        parts.append(f"COUNT={rule['count']}")
    parts.append(f"INTERVAL={rule['interval']}")
    if "byday" in rule:
        parts.append("BYDAY=" + ",".join(rule["byday"]))
    if "bymonthday" in rule:
        parts.append("BYMONTHDAY=" + ",".join(str(day) for day in rule["bymonthday"]))
    return ";".join(parts)


# Parameter values icalendar writes as they are (no quotes, no escapes): a zone such as
# Europe/Berlin (UTC would be written with Z instead of a TZID) and a language tag.
_NAMED_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)+")
_LANGUAGE_TAG = re.compile(r"[A-Za-z0-9-]+")


_PK_PLACEHOLDER = 987654321987654321


@lru_cache(maxsize=8)
def _detail_path_parts(script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    """``Event.get_absolute_url`` around the pk: the path is reversed once, not once per event."""
    before, _sep, after = reverse("events:detail", kwargs={"pk": _PK_PLACEHOLDER}).partition(
        str(_PK_PLACEHOLDER)
    )
    return before, after


def vevent_text(event: Event, *, stamp: datetime) -> str | None:
    """``ical_str(build_vevent(event, stamp=stamp))``, written directly; ``None`` if it has no date left."""
    zone = local_zone()
    zone_name = str(zone)
    translations = list(event.translations.all())
    if not _NAMED_ZONE.fullmatch(zone_name) or any(
        not _LANGUAGE_TAG.fullmatch(t.language) for t in translations
    ):
        # Not what the portal writes (a named zone, plain language tags): icalendar writes it.
        vevent = build_vevent(event, stamp=stamp)
        return None if vevent is None else ical_str(vevent)
    duration = _local(event.end).replace(tzinfo=None) - _local(event.start).replace(tzinfo=None)
    naive_start = _first_rule_start(event)
    rule = _rrule(event, _local(event.start))
    if event.is_recurring and rule is None:
        return None

    if event.all_day:
        original_day = _local(event.start).date()
        span = _all_day_end(original_day, event.end) - original_day
        start_line = f"DTSTART;VALUE=DATE:{_date_text(naive_start.date())}"
        end_line = f"DTEND;VALUE=DATE:{_date_text(naive_start.date() + span)}"
    else:
        start_line = f"DTSTART;TZID={zone_name}:{_wall_text(naive_start)}"
        end_line = f"DTEND;TZID={zone_name}:{_wall_text(naive_start + duration)}"

    cancelled = event.status == Event.Status.CANCELLED
    title = _("Abgesagt: %(title)s") % {"title": event.title} if cancelled else event.title
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_escaped(str(ical_text(title)))}",
        start_line,
        end_line,
        f"DTSTAMP:{_utc_text(stamp.replace(microsecond=0))}",
        f"UID:{_escaped(event_uid(event))}",
    ]
    if rule is not None:
        lines.append(f"RRULE:{_rrule_text(rule)}")
        excluded = sorted({date.fromisoformat(d) for d in (event.excluded_dates or [])})
        if excluded:
            if event.all_day:
                lines.append("EXDATE;VALUE=DATE:" + ",".join(_date_text(day) for day in excluded))
            else:
                lines.append(
                    f"EXDATE;TZID={zone_name}:"
                    + ",".join(_wall_text(datetime.combine(day, naive_start.time())) for day in excluded)
                )

    categories = [
        _escaped(str(ical_text(name)))
        for name in [
            event.municipality.name,
            *(f.name for f in event.fields_of_action.all()),
            *(g.name for g in event.target_groups.all()),
        ]
    ]
    lines.append("CATEGORIES:" + ",".join(categories))
    if event.created_at:
        lines.append(f"CREATED:{_utc_text(event.created_at)}")
    prefix, suffix = _detail_path_parts(get_script_prefix(), get_urlconf())
    url = absolute_url(f"{prefix}{event.pk}{suffix}")
    description = event_description(event, url, translations)
    lines.append(f"DESCRIPTION:{_escaped(str(ical_text(description, multiline=True)))}")
    lines.append(f"LAST-MODIFIED:{_utc_text(event.updated_at or stamp)}")
    location = ", ".join(part for part in [event.location_name, event.address] if part)
    if location or event.online_url:
        lines.append(f"LOCATION:{_escaped(str(ical_text(location or event.online_url)))}")
    status = "CANCELLED" if cancelled else "CONFIRMED" if event.is_public else "TENTATIVE"
    lines.append(f"STATUS:{status}")
    lines.append(f"URL:{url}")
    for t in translations:
        if t.description.strip():
            text = _escaped(str(ical_text(t.description.strip(), multiline=True)))
            lines.append(f"X-KI-DESCRIPTION;LANGUAGE={t.language}:{text}")
    for t in translations:
        lines.append(f"X-KI-SUMMARY;LANGUAGE={t.language}:{_escaped(str(ical_text(t.title)))}")
    lines.append("END:VEVENT")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar_bytes(events: Iterable[Event], *, name: str, stamp: datetime | None = None) -> bytes:
    """``build_calendar(events, name=name).to_ical()``, the same bytes, written as text piece by piece:
    the VTIMEZONE's text is kept per span of years, and the lines are folded without icalendar's
    loop over every character (``municipalities.text.ical_str``)."""
    events = list(events)
    stamp = (stamp or timezone.now()).replace(microsecond=0)
    parts = [vtimezone_ical(_timezone_days(events))]
    for event in events:
        text = vevent_text(event, stamp=stamp)
        if text is not None:
            parts.append(text)
    # The head ends with END:VCALENDAR; the components come before it.
    head = ical_str(_calendar_head(name))
    end = "END:VCALENDAR\r\n"
    return "".join([head.removesuffix(end), *parts, end]).encode()

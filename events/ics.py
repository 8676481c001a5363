"""iCalendar (RFC 5545) export of events, built with the ``icalendar`` package.

A series is written as one VEVENT with an RRULE (and EXDATE for the excluded
days), not as one VEVENT per stored occurrence, so calendar apps show it as a
series. The rule is written in Europe/Berlin wall-clock time with a VTIMEZONE,
so an 18:00 event stays at 18:00 across the DST change, as in
``events.recurrence``. Open-ended series are stored only up to a horizon; the
RRULE ends (UNTIL) at the last stored occurrence so that a subscribed calendar
shows exactly the dates the portal shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Max, QuerySet
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from municipalities.text import fold, ical_str, ical_text, vtimezone, vtimezone_ical

from .models import Event
from .recurrence import MAX_OCCURRENCES, build_rule, local_zone, nth_weekday_of

PRODID = "-//Kreisintegration//Veranstaltungskalender//DE"
ICAL_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Subscribers refresh at most this often (clients that honour the hint).
REFRESH_INTERVAL = timedelta(hours=1)


def with_occurrence_bounds(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate what a VEVENT needs besides the row: the last stored occurrence."""
    return queryset.annotate(
        last_occurrence_start=Max("occurrences__start"),
        last_occurrence_end=Max("occurrences__end"),
    )


def uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "kreisintegration"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{uid_host()}"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value, local_zone())


def _all_day_end(start: date, end: datetime) -> date:
    """DTEND of an all-day event is the day after the last day (exclusive)."""
    local_end = _local(end)
    last_day = local_end.date()
    if local_end.time() == datetime.min.time() and last_day > start:
        last_day -= timedelta(days=1)  # ends at midnight: that day is not part of it
    return max(last_day, start) + timedelta(days=1)


def _rrule(event: Event, local_start: datetime) -> dict | None:
    if not event.frequency:
        return None
    rule: dict = {"freq": event.frequency.upper(), "interval": max(1, event.interval or 1)}
    if event.frequency == Event.Frequency.WEEKLY:
        days = sorted({d for d in (event.weekdays or [local_start.weekday()]) if 0 <= d <= 6})
        rule["byday"] = [ICAL_WEEKDAYS[d] for d in days]
    elif event.monthly_mode == Event.MonthlyMode.NTH_WEEKDAY:
        n = nth_weekday_of(local_start.date())
        rule["byday"] = [f"{n:+d}{ICAL_WEEKDAYS[local_start.weekday()]}"]
    else:
        rule["bymonthday"] = [local_start.day]
    if event.repeat_count:
        rule["count"] = min(event.repeat_count, MAX_OCCURRENCES)
    else:
        if hasattr(event, "last_occurrence_start"):  # annotated by with_occurrence_bounds()
            last = event.last_occurrence_start
        else:
            last = event.occurrences.aggregate(last=Max("start"))["last"]
        if last is None:
            return None
        # RFC 5545: UNTIL is a DATE for all-day series and UTC when DTSTART has a TZID.
        rule["until"] = _local(last).date() if event.all_day else last.astimezone(UTC)
    return rule


def _first_rule_start(event: Event) -> datetime:
    """The first date the rule yields, in local wall-clock time (naive).

    RFC 5545 counts DTSTART as the first instance, dateutil does not when it
    does not match the rule (a weekly series starting on a Monday with
    BYDAY=TU), so DTSTART is moved to the first matching date.
    """
    local_start = _local(event.start).replace(tzinfo=None)
    rule = build_rule(event, local_start)
    if rule is None:
        return local_start
    return next(iter(rule), None) or local_start


def build_vevent(event: Event, *, stamp: datetime | None = None) -> icalendar.Event | None:
    """One VEVENT for an event (with RRULE for a series); ``None`` if it has no date left."""
    zone = local_zone()
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    stamp = stamp or timezone.now()
    modified = event.updated_at or stamp
    vevent.add("dtstamp", stamp.astimezone(UTC).replace(microsecond=0))
    vevent.add("last-modified", modified.astimezone(UTC))
    if event.created_at:
        vevent.add("created", event.created_at.astimezone(UTC))

    duration = _local(event.end).replace(tzinfo=None) - _local(event.start).replace(tzinfo=None)
    naive_start = _first_rule_start(event)
    rule = _rrule(event, _local(event.start))
    if event.is_recurring and rule is None:
        return None  # a series whose every date was excluded

    if event.all_day:
        original_day = _local(event.start).date()
        span = _all_day_end(original_day, event.end) - original_day
        vevent.add("dtstart", naive_start.date())
        vevent.add("dtend", naive_start.date() + span)
    else:
        vevent.add("dtstart", naive_start.replace(tzinfo=zone))
        vevent.add("dtend", (naive_start + duration).replace(tzinfo=zone))

    if rule is not None:
        vevent.add("rrule", rule)
        excluded = sorted({date.fromisoformat(d) for d in (event.excluded_dates or [])})
        if excluded:
            if event.all_day:
                vevent.add("exdate", excluded)
            else:
                vevent.add(
                    "exdate",
                    [datetime.combine(day, naive_start.time()).replace(tzinfo=zone) for day in excluded],
                )

    cancelled = event.status == Event.Status.CANCELLED
    if cancelled:
        vevent.add("status", "CANCELLED")
    elif event.is_public:
        vevent.add("status", "CONFIRMED")
    else:
        vevent.add("status", "TENTATIVE")  # a manager's own draft downloaded for checking

    title = _("Abgesagt: %(title)s") % {"title": event.title} if cancelled else event.title
    vevent.add("summary", ical_text(title))
    url = absolute_url(event.get_absolute_url())
    description = "\n\n".join(
        part
        for part in [
            event.description.strip(),
            _("Veranstalter: %(name)s") % {"name": event.organiser} if event.organiser else "",
            _("Kontakt: %(contact)s") % {"contact": event.public_contact} if event.public_contact else "",
            _("Online: %(url)s") % {"url": event.online_url} if event.online_url else "",
            _("Weitere Informationen: %(url)s") % {"url": url},
        ]
        if part
    )
    # Translations (RFC 5545): SUMMARY and DESCRIPTION may occur only once in a VEVENT, so a second
    # DESCRIPTION;LANGUAGE=ar would make the feed invalid. The German SUMMARY stays the one title every
    # client shows; each translation is (1) appended to the DESCRIPTION as a block headed by the
    # language's own name, so people see it in any calendar app, and (2) given as the non-standard
    # properties X-KI-SUMMARY and X-KI-DESCRIPTION with the standard LANGUAGE parameter (x-props may
    # repeat and carry any parameter; clients that do not know them ignore them), for machine readers.
    translations = list(event.translations.all())
    blocks = [
        "\n".join(
            part
            for part in [f"— {get_language_info(t.language)['name_local']} —", t.title, t.description.strip()]
            if part
        )
        for t in translations
    ]
    description = "\n\n".join([description, *blocks])
    vevent.add("description", ical_text(description, multiline=True))
    for t in translations:
        vevent.add("x-ki-summary", ical_text(t.title), parameters={"LANGUAGE": t.language})
        if t.description.strip():
            vevent.add(
                "x-ki-description",
                ical_text(t.description.strip(), multiline=True),
                parameters={"LANGUAGE": t.language},
            )
    location = ", ".join(part for part in [event.location_name, event.address] if part)
    if location or event.online_url:
        vevent.add("location", ical_text(location or event.online_url))
    vevent.add("url", url)
    # Callers select_related the municipality and prefetch the fields of action and target groups.
    # Subscribers such as the Integreat app filter by category: fields of action and target groups.
    vevent.add(
        "categories",
        [
            str(ical_text(name))
            for name in [
                event.municipality.name,
                *(f.name for f in event.fields_of_action.all()),
                *(g.name for g in event.target_groups.all()),
            ]
        ],
    )
    return vevent


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
    description = "\n\n".join(
        part
        for part in [
            event.description.strip(),
            _("Veranstalter: %(name)s") % {"name": event.organiser} if event.organiser else "",
            _("Kontakt: %(contact)s") % {"contact": event.public_contact} if event.public_contact else "",
            _("Online: %(url)s") % {"url": event.online_url} if event.online_url else "",
            _("Weitere Informationen: %(url)s") % {"url": url},
        ]
        if part
    )
    blocks = [
        "\n".join(
            part
            for part in [f"— {get_language_info(t.language)['name_local']} —", t.title, t.description.strip()]
            if part
        )
        for t in translations
    ]
    description = "\n\n".join([description, *blocks])
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


def _timezone_days(events: list[Event]) -> list[date]:
    """The days the VTIMEZONE must cover: every event's first and last date (``vtimezone``)."""
    return [
        _local(day).date()
        for event in events
        for day in (event.start, getattr(event, "last_occurrence_end", None) or event.end)
    ]


def _calendar_head(name: str) -> icalendar.Calendar:
    """The VCALENDAR with its properties, without components."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is not typed by icalendar (it would be written raw): escape it as TEXT.
    calendar.add("x-wr-calname", ical_text(name))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", icalendar.vDuration(REFRESH_INTERVAL), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL))
    return calendar


def build_calendar(
    events: Iterable[Event], *, name: str, stamp: datetime | None = None
) -> icalendar.Calendar:
    events = list(events)
    calendar = _calendar_head(name)
    # Always present (even for an empty feed): clients resolve TZID=Europe/Berlin with it.
    calendar.add_component(vtimezone(_timezone_days(events)))
    stamp = (stamp or timezone.now()).replace(microsecond=0)
    for event in events:
        vevent = build_vevent(event, stamp=stamp)
        if vevent is not None:
            calendar.add_component(vevent)
    return calendar


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

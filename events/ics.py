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

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from municipalities.text import ical_text, vtimezone

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


def event_description(event: Event, url: str, translations: list) -> str:
    """The DESCRIPTION of an event's VEVENT: its description, organiser, contact, online address and
    the link to its page, then each translation as a block headed by the language's own name."""
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
    return "\n\n".join([description, *blocks])


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
    # Translations (RFC 5545): SUMMARY and DESCRIPTION may occur only once in a VEVENT, so a second
    # DESCRIPTION;LANGUAGE=ar would make the feed invalid. The German SUMMARY stays the one title every
    # client shows; each translation is (1) appended to the DESCRIPTION as a block headed by the
    # language's own name, so people see it in any calendar app, and (2) given as the non-standard
    # properties X-KI-SUMMARY and X-KI-DESCRIPTION with the standard LANGUAGE parameter (x-props may
    # repeat and carry any parameter; clients that do not know them ignore them), for machine readers.
    translations = list(event.translations.all())
    description = event_description(event, url, translations)
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

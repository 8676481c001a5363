"""Occurrences of an event, computed with dateutil.rrule in local (Berlin) wall-clock time.

Rules run on naive local times and each occurrence is then made aware, so an
event at 18:00 stays at 18:00 in March and in October across the DST change.
Open-ended series are capped: a calendar must never hold unbounded rows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.conf import settings
from django.utils import timezone

from . import choices
from .choices import Frequency, MonthlyMode

# A series without an end runs for this long, and no series has more dates than this.
OPEN_ENDED_HORIZON_DAYS = 730
MAX_OCCURRENCES = 500

# The date bounds live with the choices; re-exported for the callers that read them here.
EARLIEST_DATE, LATEST_DATE = choices.EARLIEST_DATE, choices.LATEST_DATE

WEEKDAYS = [rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def nth_weekday_of(day: date) -> int:
    """1..4 for the first to fourth weekday of the month, -1 for the fifth (= last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n >= 5 else n


def build_rule(event, local_start: datetime) -> rrule.rrule | None:
    if not event.frequency:
        return None
    kwargs: dict = {"dtstart": local_start, "interval": max(1, event.interval or 1)}
    if event.repeat_count:
        kwargs["count"] = min(event.repeat_count, MAX_OCCURRENCES)
    else:
        horizon = local_start.date() + timedelta(days=OPEN_ENDED_HORIZON_DAYS)
        until = min(event.repeat_until, horizon) if event.repeat_until else horizon
        kwargs["until"] = datetime.combine(until, datetime.max.time().replace(microsecond=0))
    if event.frequency == Frequency.WEEKLY:
        days = sorted(set(event.weekdays or [local_start.weekday()]))
        kwargs["byweekday"] = [WEEKDAYS[d] for d in days if 0 <= d <= 6]
        return rrule.rrule(rrule.WEEKLY, **kwargs)
    if event.frequency == Frequency.MONTHLY:
        if event.monthly_mode == MonthlyMode.NTH_WEEKDAY:
            kwargs["byweekday"] = WEEKDAYS[local_start.weekday()](nth_weekday_of(local_start.date()))
        else:
            kwargs["bymonthday"] = local_start.day
        return rrule.rrule(rrule.MONTHLY, **kwargs)
    raise ValueError(f"unknown frequency {event.frequency!r}")


def compute_occurrences(event) -> list[tuple[datetime, datetime]]:
    """All (start, end) pairs of an event as aware datetimes, excluded dates removed."""
    zone = local_zone()
    local_start = timezone.localtime(event.start, zone).replace(tzinfo=None)
    local_end = timezone.localtime(event.end, zone).replace(tzinfo=None)
    duration = local_end - local_start
    rule = build_rule(event, local_start)
    if rule is None:
        return [(event.start, event.end)]
    excluded = {date.fromisoformat(d) for d in (event.excluded_dates or [])}
    result = []
    for local in rule:
        if local.date() in excluded:
            continue
        start = timezone.make_aware(local, zone)
        end = timezone.make_aware(local + duration, zone)
        result.append((start, end))
        if len(result) >= MAX_OCCURRENCES:
            break
    return result


def describe(event) -> str:
    """A short German description of the rule, for lists and detail pages."""
    from django.utils.translation import gettext as _

    if not event.frequency:
        return ""
    names = [_("Mo"), _("Di"), _("Mi"), _("Do"), _("Fr"), _("Sa"), _("So")]
    if event.frequency == Frequency.WEEKLY:
        days = ", ".join(names[d] for d in sorted(set(event.weekdays or [])) if 0 <= d <= 6)
        text = _("wöchentlich") if event.interval == 1 else _("alle %(n)s Wochen") % {"n": event.interval}
        text = f"{text} ({days})" if days else text
    else:
        text = _("monatlich") if event.interval == 1 else _("alle %(n)s Monate") % {"n": event.interval}
    if event.repeat_until:
        text += " " + _("bis %(date)s") % {"date": event.repeat_until.strftime("%d.%m.%Y")}
    elif event.repeat_count:
        text += " " + _("(%(n)s Termine)") % {"n": event.repeat_count}
    return text

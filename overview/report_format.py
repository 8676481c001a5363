"""German numbers and dates for the concept report (the active language's formats: 1.234; 5,0;
28.11.2026), shared by its PDF, workbook and concept pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

GAP = "—"  # a municipality without any offer in a field of action
NONE = "–"  # no value


# --- German numbers and dates (the active language's formats) ---------------------------


def number(value: Any, decimals: int = 0) -> str:
    """1.234 and 5,0 in German; "–" for a missing value."""
    if value is None or value == "":
        return NONE
    value = float(value) if decimals else round(float(value))
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def signed(value: Any, decimals: int = 0) -> str:
    if value is None:
        return NONE
    if round(float(value), decimals) == 0:
        return "±" + number(0, decimals)
    sign = "+" if value > 0 else "−"
    return sign + number(abs(value), decimals)


def percent(value: Any, decimals: int = 1) -> str:
    return NONE if value is None else f"{number(value, decimals)} %"


def percent_change(previous: Any, current: Any) -> str:
    if not previous or current is None:
        return NONE
    return signed((current - previous) / previous * 100, 1) + " %"


def as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    parsed = parse_datetime(value) if "T" in value else None
    if parsed is not None:
        return as_date(parsed)
    return parse_date(value[:10])


def as_datetime(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(value)
    if parsed is None:
        return None
    return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed


def short_date(value: Any) -> str:
    day = as_date(value)
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else NONE


def short_datetime(value: Any) -> str:
    moment = as_datetime(value)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT") if moment else NONE

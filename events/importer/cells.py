"""Cell values: every cell is read as text (a formula stays its literal text, nothing is
evaluated) and parsed into a date, a time, a count or a list."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django.utils.translation import gettext as _

from .columns import LIST_SEPARATOR

# Shown in the error table; the rest is counted.
MAX_SHOWN_VALUE = 80


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text; numbers from Excel lose their ``.0``, formulas stay their literal text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M") if value.time() != time.min else value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = getattr(value, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    return text if isinstance(text, str) else str(value)


def shown_value(value: Any) -> str:
    text = " ".join(cell_text(value).split())
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?::(\d{2}))?(?:\s*uhr)?", re.IGNORECASE)
_INTEGER = re.compile(r"\d+")


class CellError(ValueError):
    pass


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value).strip()
    match = _GERMAN_DATE.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.fullmatch(text)
        if not match:
            raise CellError(_("Kein Datum. Bitte TT.MM.JJJJ oder JJJJ-MM-TT verwenden, z. B. 14.03.2026."))
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("Diesen Tag gibt es nicht.")) from None


def parse_time(value: Any) -> time:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = _TIME.fullmatch(cell_text(value).strip())
    if not match:
        raise CellError(_("Keine Uhrzeit. Bitte HH:MM verwenden, z. B. 18:30."))
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise CellError(_("Diese Uhrzeit gibt es nicht."))
    return time(hour, minute)


def parse_count(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("Bitte eine ganze Zahl ab 0 angeben."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = cell_text(value).strip()
        if not _INTEGER.fullmatch(text):
            raise CellError(_("Bitte eine ganze Zahl ab 0 angeben, ohne Punkt oder Komma."))
        number = int(text[:12])
    if number < 0:
        raise CellError(_("Bitte eine ganze Zahl ab 0 angeben."))
    return number


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in cell_text(value).split(LIST_SEPARATOR) if part.strip()]

"""Single-line text (titles) and safe iCalendar text, shared by measures, events and courses.

A title ends up in places where a line break is structure, not content: calendar
files (``SUMMARY``, ``X-WR-CALNAME``), mail subjects, file names, spreadsheet cells.
So titles are normalised wherever they come in (forms through ``SingleLineCharField``'s
form field, the event import through ``single_line``) and the model refuses anything
else (``validate_single_line``), also for rows written by code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from icalendar import Component, Parameters, Timezone, vText
from icalendar.parser import Contentline

# Control characters (C0, DEL, C1 — including CR, LF, TAB) and the Unicode line and
# paragraph separators: none of them belongs in a one-line value.
_LINE_BREAKING_CATEGORIES = {"Cc", "Zl", "Zp"}
# The same characters as one pattern (Cc is exactly C0, DEL and C1; Zl and Zp one character each;
# ``test_text_patterns`` checks every code point against ``unicodedata``): a feed escapes thousands of
# characters per request, a character class is far cheaper than a lookup per character.
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What a multi-line value drops: the same but line feed and tab (CR and the separators become LF).
_NOT_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _is_line_breaking(character: str) -> bool:
    return unicodedata.category(character) in _LINE_BREAKING_CATEGORIES


def single_line(value: str) -> str:
    """``value`` on one line: control characters become spaces, runs of whitespace one space, trimmed."""
    return " ".join(_LINE_BREAKING.sub(" ", value).split())


def validate_single_line(value: str) -> None:
    if _LINE_BREAKING.search(value):
        raise ValidationError(
            _("Bitte nur eine Zeile eingeben, ohne Zeilenumbrüche oder Steuerzeichen."), code="single_line"
        )


class SingleLineFormField(forms.CharField):
    """A form field that normalises what was typed or pasted to one line (before validation)."""

    def to_python(self, value):
        value = super().to_python(value)
        return single_line(value) if isinstance(value, str) else value


class SingleLineCharField(models.CharField):
    """A CharField for titles: one line, validated in the model, normalised in every model form."""

    default_validators = [validate_single_line]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SingleLineFormField, **kwargs})


def ical_text(value: str, *, multiline: bool = False) -> vText:
    """Text for an iCalendar property, escaped by icalendar's own ``vText``.

    Line breaks are only kept where a property may have several lines (DESCRIPTION);
    other control characters, which RFC 5545 does not allow in TEXT, are dropped.
    """
    if not multiline:
        return vText(single_line(value))
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return vText(_NOT_MULTILINE.sub("", text).strip())


def _vtimezone_span(days: Iterable[date]) -> tuple[date, date]:
    today = timezone.localdate()
    days = [today, *days]
    first, last = min(days), max(days)
    return date(first.year, 1, 1), date(last.year + 2, 1, 1)


def vtimezone(days: Iterable[date]) -> Timezone:
    """The VTIMEZONE of the portal's time zone for a calendar with entries on ``days``: from the
    January of the first (or of today, if earlier) to two Januaries after the last, so a client
    resolves every TZID without its own database. icalendar's default covers 1970–2038: about 3 KB
    and several milliseconds per file, sent with every attachment and every poll of a feed."""
    first, last = _vtimezone_span(days)
    return Timezone.from_tzid(settings.TIME_ZONE, first_date=first, last_date=last)


@lru_cache(maxsize=64)
def _vtimezone_ical(tzid: str, first: date, last: date) -> str:
    return ical_str(Timezone.from_tzid(tzid, first_date=first, last_date=last))


def vtimezone_ical(days: Iterable[date]) -> str:
    """``vtimezone(days)`` serialised as ``ical_str`` does: the same text, built once per process
    and span of years (a pure function of the time zone's rules and the span)."""
    return _vtimezone_ical(settings.TIME_ZONE, *_vtimezone_span(days))


# RFC 5545 3.1: content lines are folded; icalendar folds before the octet that would make a line
# 75 octets long and never after a backslash or caret that starts an escape (its ``_foldline``).
_FOLD_LIMIT = 75


def fold(line: str) -> str:
    """``line`` folded exactly as icalendar's ``Contentline.to_ical`` folds it (its ``_foldline``
    adds character by character and breaks before the one that would make 75 octets), but on the
    UTF-8 octets: each piece is the longest run of whole characters of at most 74 octets."""
    if len(line) < _FOLD_LIMIT and (line.isascii() or len(line.encode()) < _FOLD_LIMIT):
        return line
    octets = line.encode()
    pieces = []
    start, size = 0, len(octets)
    while size - start >= _FOLD_LIMIT:
        end = start + _FOLD_LIMIT - 1
        while 0x80 <= octets[end] < 0xC0:  # inside a character: break before it
            end -= 1
        if octets[end - 1] in b"\\^":
            end -= 1  # an escape starts the next line
        pieces.append(octets[start:end])
        start = end
    pieces.append(octets[start:])
    return "\r\n ".join(piece.decode() for piece in pieces)


def ical_str(component: Component) -> str:
    """``component.to_ical()`` as text, the same characters: icalendar's own content lines (order of
    properties, parameters, value encoding and escaping), folded by ``fold``."""
    lines = (
        Contentline.from_parts(name, getattr(value, "params", None) or Parameters(), value, sorted=True)
        for name, value in component.property_items(sorted=True)
    )
    return "".join(fold(line) + "\r\n" for line in lines if line)

"""Shared by the title tests of events and volunteers: hostile titles and a strict iCalendar check."""

from __future__ import annotations

import re
import unicodedata

import icalendar
from hypothesis import strategies as st

from municipalities.text import single_line

# What breaks a content line or is not allowed in iCalendar TEXT, plus what TEXT must escape.
NASTY = [
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    ";",
    ",",
    "\\",
    ":",
]
# Everything a PostgreSQL text column can hold may sit in rows stored before the rule existed:
# anything but NUL and lone surrogates (UTF-8 cannot encode those; no request or import carries them).
storable_characters = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
raw_titles = (
    st.lists(
        st.one_of(st.sampled_from(NASTY), st.text(storable_characters, min_size=1, max_size=8)),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .filter(lambda title: single_line(title) != "")
    .map(lambda title: title[:200])
)
CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+[;:]")


def assert_valid_calendar(body: bytes) -> icalendar.Calendar:
    """Parses with icalendar, and every unfolded line is one property with no stray control character."""
    calendar = icalendar.Calendar.from_ical(body)
    text = body.decode()
    assert text.endswith("\r\n")
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    for line in unfolded.split("\r\n")[:-1]:
        assert CONTENT_LINE.match(line), line
        assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") and c != "\t" for c in line), line
    return calendar

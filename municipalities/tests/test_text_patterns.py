"""The patterns ``municipalities.text`` strips titles and calendar text with are exactly the
characters of the Unicode categories it names (control characters, line and paragraph separator)."""

from __future__ import annotations

import sys

from municipalities.text import _LINE_BREAKING, _NOT_MULTILINE, _is_line_breaking, ical_text, single_line


def test_patterns_match_exactly_the_line_breaking_categories():
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        expected = _is_line_breaking(character)
        assert bool(_LINE_BREAKING.fullmatch(character)) == expected, hex(code)
        assert bool(_NOT_MULTILINE.fullmatch(character)) == (expected and character not in "\n\t"), hex(code)


def test_single_line_and_multiline_text():
    assert single_line(" Sprach\x85café\u2028am\tMarkt\x00 ") == "Sprach café am Markt"
    assert (
        str(ical_text("Zeile 1\r\nZeile 2\u2029\tZeile 3\x07\x9f", multiline=True))
        == "Zeile 1\nZeile 2\n\tZeile 3"
    )

"""Django's ``{# … #}`` comment ends at the end of its line: one opened and not closed on the same
line is printed into the page (the HTML checker found such text inside a table)."""

import re

from django.conf import settings

UNCLOSED_COMMENT = re.compile(r"\{#(?:(?!#\}).)*$", re.MULTILINE)


def test_no_template_opens_a_short_comment_it_does_not_close_on_the_same_line():
    offenders = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt", ".ics", ".xml"}:
            continue
        for match in UNCLOSED_COMMENT.finditer(path.read_text(encoding="utf-8")):
            line = path.read_text(encoding="utf-8").count("\n", 0, match.start()) + 1
            offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{line}")
    assert not offenders, offenders


def test_the_pattern_finds_an_unclosed_comment():
    assert UNCLOSED_COMMENT.search("<table>\n  {# a note\n  over two lines #}\n</table>")
    assert not UNCLOSED_COMMENT.search("<table>{# one line #}</table>")

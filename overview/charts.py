"""Charts as SVG, written directly on the server (no JavaScript, no plotting library, no external service).

A chart is only a supplement: every page and document that shows one also shows its numbers in a
table. The SVG carries ``role="img"`` and a ``<title>`` so screen readers announce what it is, and
its text stays text so it scales and can be searched. Only presentation attributes, no CSS (the
content security policy forbids inline styles, and WeasyPrint would read every ``style`` as CSS).

The drawing is a handful of elements per bar (bar, label, value), so the concept report's PDF lays
out and paints its charts in a fraction of the time matplotlib's SVG (hundreds of elements per chart)
took, and the worker never imports matplotlib and numpy.

Usable inline in HTML (``{{ svg|safe }}``), as ``<img src="{{ svg_data_uri }}" alt="…">`` and in
WeasyPrint PDFs (both ways).
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Sequence

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.html import escape

BAR_COLOUR = "#0b5ed7"  # Bootstrap primary: 4.5:1 against white, also for the value labels' bars
TEXT_COLOUR = "#212529"
GRID_COLOUR = "#ced4da"
FONT = "DejaVu Sans, Verdana, sans-serif"
CHART_CACHE_SECONDS = 24 * 60 * 60

# Geometry in points (the SVG's user unit): 7.5 inches wide like the charts before, one row per bar.
WIDTH, ROW, BAR = 540, 30, 18
FONT_SIZE, TICK_SIZE, TITLE_SIZE = 10, 9, 10
TITLE_HEIGHT, AXIS_HEIGHT, GAP = 26, 20, 6


def _format(value: float) -> str:
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)


# Advance widths of DejaVu Sans in em, by kind of character: enough to reserve room for a label.
_NARROW, _WIDE = set("iIjlft.,:;|!'()[]/ -"), set("mwMW%@")


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of the width of ``text`` in points (labels never get cut off)."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.36
        elif char in _WIDE:
            em += 0.9
        elif char.isupper() or char.isdigit():
            em += 0.7
        else:
            em += 0.62
    return em * size * (1.1 if bold else 1.0)


def _chart_id(title: str, labels: Sequence[str], values: Sequence[float]) -> str:
    digest = hashlib.sha256(repr((title, list(labels), list(values))).encode()).hexdigest()
    return f"chart-{digest[:10]}"


def _ticks(low: float, high: float, *, integers: bool) -> tuple[list[float], int]:
    """Round tick values covering ``low``…``high`` (about five), and the decimals they need."""
    span = (high - low) or 1.0
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= raw)
    if integers:
        step = max(1.0, round(step))
    first, last = math.floor(low / step), math.ceil(high / step)
    decimals = 0 if step >= 1 else -math.floor(math.log10(step))
    return [round(k * step, decimals) for k in range(first, last + 1)], decimals


def _tick_label(value: float, decimals: int) -> str:
    if decimals == 0:
        return number_format(round(value), force_grouping=True)
    return number_format(value, decimal_pos=decimals, force_grouping=True)


def render_bar_chart_svg(
    labels: Sequence[str], values: Sequence[float], title: str, *, description: str = ""
) -> str:
    """A horizontal bar chart with the value written at each bar, as an ``<svg>`` element.

    ``labels`` and ``values`` are parallel; ``None`` values are drawn as 0 and labelled "–".
    The result is deterministic for the same input (ids from a hash of it, no timestamp).
    """
    numbers = [0.0 if value is None else float(value) for value in values]
    value_labels = ["–" if value is None else _format(value) for value in values]
    chart_id = _chart_id(title, labels, values)
    ticks, decimals = _ticks(
        min([0.0, *numbers]), max([0.0, *numbers]), integers=all(n.is_integer() for n in numbers)
    )
    low, high = ticks[0], ticks[-1]
    label_width = max([text_width(str(label), FONT_SIZE) for label in labels] + [10.0]) + 8
    right = (
        max(
            [text_width(text, FONT_SIZE) for text in value_labels]
            + [text_width(_tick_label(high, decimals), TICK_SIZE) / 2]
        )
        + 10
    )
    plot_width = max(200.0, WIDTH - label_width - right)
    width = max(label_width + plot_width + right, text_width(title, TITLE_SIZE, bold=True) + 4)
    top = TITLE_HEIGHT + GAP
    plot_height = ROW * len(labels)
    height = top + plot_height + AXIS_HEIGHT

    def x(value: float) -> float:
        return label_width + (value - low) * plot_width / ((high - low) or 1.0)

    bottom = top + plot_height
    title_id = f"{chart_id}-title"
    parts = [
        f'<svg role="img" aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width:.0f}pt" height="{height:.0f}pt" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    if description:
        parts.append(f"<desc>{escape(description)}</desc>")
    parts.append(
        f'<text x="0" y="{TITLE_HEIGHT - 8}" font-size="{TITLE_SIZE}" font-weight="bold">{escape(title)}</text>'
    )
    for tick in ticks:
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{bottom}" stroke="{GRID_COLOUR}" stroke-width="0.6"/>'
            f'<text x="{tx:.1f}" y="{bottom + 14}" font-size="{TICK_SIZE}" text-anchor="middle">'
            f"{_tick_label(tick, decimals)}</text>"
        )
    zero = x(0.0)
    for index, (label, number, text) in enumerate(zip(labels, numbers, value_labels, strict=True)):
        middle = top + index * ROW + ROW / 2
        end = x(number)
        value_at = f'x="{end + 4:.1f}"' if number >= 0 else f'x="{end - 4:.1f}" text-anchor="end"'
        parts.append(
            f'<text x="{label_width - 6:.1f}" y="{middle + 3.5:.1f}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{min(zero, end):.1f}" y="{middle - BAR / 2:.1f}" width="{abs(end - zero):.1f}" '
            f'height="{BAR}" fill="{BAR_COLOUR}"/>'
            f'<text {value_at} y="{middle + 3.5:.1f}">{escape(text)}</text>'
        )
    parts.append(
        f'<line x1="{label_width:.1f}" y1="{top}" x2="{label_width:.1f}" y2="{bottom}" stroke="{TEXT_COLOUR}" stroke-width="0.8"/>'
        f'<line x1="{label_width:.1f}" y1="{bottom}" x2="{label_width + plot_width:.1f}" y2="{bottom}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="0.8"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def svg_data_uri(svg: str) -> str:
    """``data:`` URI of an SVG, for ``<img src>`` (keeps the chart's ids out of the page)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def cached_bar_chart_svg(
    labels: Sequence[str], values: Sequence[float], title: str, *, description: str = ""
) -> str:
    """``render_bar_chart_svg`` cached by its input: the same numbers are never drawn twice."""
    from django.utils.translation import get_language

    # v3: the charts are no longer drawn by matplotlib; entries of the old drawing are not read.
    key = "overview-chart:v3:" + _chart_id(f"{get_language()}|{title}|{description}", labels, values)
    return cache.get_or_set(
        key,
        lambda: render_bar_chart_svg(labels, values, title, description=description),
        CHART_CACHE_SECONDS,
    )

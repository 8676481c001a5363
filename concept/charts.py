"""A small line chart as SVG for an indicator over the years (the page shows the same numbers
as a table). Presentation attributes only, no inline CSS (the CSP forbids it); ``role="img"``
with a title and description for screen readers; the target year's value is a dashed line."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 560, 240, 56, 16, 16, 36
LINE = "#0b5ed7"  # 4.5:1 against white
TARGET = "#212529"


def _fmt(value: Decimal) -> str:
    return number_format(
        value.normalize() if value == value.to_integral() else round(value, 2), force_grouping=True
    )


def line_chart_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    years: Sequence[int],
    series: Sequence[tuple[int, Decimal]],
    target: Decimal | None = None,
) -> str:
    if not series or not years:
        return ""
    values = [v for _y, v in series] + ([target] if target is not None else [])
    low, high = min([*values, Decimal(0)]), max(values)
    span = (high - low) or Decimal(1)
    first, last = years[0], years[-1]

    def x(year: int) -> float:
        if last == first:
            return PAD_LEFT + (WIDTH - PAD_LEFT - PAD_RIGHT) / 2
        return PAD_LEFT + (year - first) * (WIDTH - PAD_LEFT - PAD_RIGHT) / (last - first)

    def y(value: Decimal) -> float:
        return float(HEIGHT - PAD_BOTTOM - (value - low) * (HEIGHT - PAD_TOP - PAD_BOTTOM) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" class="concept-chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<line x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH - PAD_RIGHT}" y2="{HEIGHT - PAD_BOTTOM}" '
        f'stroke="{TARGET}" stroke-width="1"/>',
    ]
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{HEIGHT - 12}" font-size="12" text-anchor="middle" fill="{TARGET}">{year}</text>'
        )
    for value in (low, high):
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{y(value) + 4:.1f}" font-size="12" text-anchor="end" fill="{TARGET}">'
            f"{escape(_fmt(value))}</text>"
        )
    if target is not None:
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y(target):.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y(target):.1f}" '
            f'stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    points = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in series)
    parts.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for year, value in series:
        parts.append(f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="4" fill="{LINE}"/>')
    parts.append("</svg>")
    return "".join(parts)

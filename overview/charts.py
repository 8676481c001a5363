"""Charts as SVG, drawn on the server with matplotlib (no JavaScript, no external service).

A chart is only a supplement: every page and document that shows one also shows its numbers in a
table. The SVG carries ``role="img"`` and a ``<title>`` so screen readers announce what it is, and
its text stays text (``svg.fonttype = none``) so it scales and can be searched.

Usable inline in HTML (``{{ svg|safe }}``), as ``<img src="{{ svg_data_uri }}" alt="…">`` and in
WeasyPrint PDFs (both ways).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Sequence

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.html import escape

BAR_COLOUR = "#0b5ed7"  # Bootstrap primary: 4.5:1 against white, also for the value labels' bars
TEXT_COLOUR = "#212529"
CHART_CACHE_SECONDS = 24 * 60 * 60


def _format(value: float) -> str:
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)


def _chart_id(title: str, labels: Sequence[str], values: Sequence[float]) -> str:
    digest = hashlib.sha256(repr((title, list(labels), list(values))).encode()).hexdigest()
    return f"chart-{digest[:10]}"


def render_bar_chart_svg(
    labels: Sequence[str], values: Sequence[float], title: str, *, description: str = ""
) -> str:
    """A horizontal bar chart with the value written at each bar, as an ``<svg>`` element.

    ``labels`` and ``values`` are parallel; ``None`` values are drawn as 0 and labelled "–".
    The result is deterministic for the same input (stable ids, no timestamp).
    """
    # Imported here: matplotlib takes a noticeable time to import and most requests never draw.
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    numbers = [0 if value is None else value for value in values]
    chart_id = _chart_id(title, labels, values)
    with rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": chart_id,
            "font.size": 10,
            "text.color": TEXT_COLOUR,
            "axes.labelcolor": TEXT_COLOUR,
            "xtick.color": TEXT_COLOUR,
            "ytick.color": TEXT_COLOUR,
        }
    ):
        figure = Figure(figsize=(7.5, max(1.8, 0.42 * len(labels) + 1.0)))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        bars = axes.barh(positions, numbers, color=BAR_COLOUR, height=0.6)
        axes.set_yticks(positions, labels=list(labels))
        axes.invert_yaxis()
        axes.bar_label(bars, labels=["–" if value is None else _format(value) for value in values], padding=4)
        axes.set_title(title, loc="left", fontweight="bold")
        axes.spines[["top", "right"]].set_visible(False)
        axes.xaxis.grid(True, color="#ced4da", linewidth=0.6)
        axes.set_axisbelow(True)
        axes.margins(x=0.12)
        if all(float(value).is_integer() for value in numbers):
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        output = io.StringIO()
        figure.savefig(output, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = prefix_ids(output.getvalue()[output.getvalue().index("<svg") :], prefix=chart_id)
    title_id = f"{chart_id}-title"
    accessible = f'<svg role="img" aria-labelledby="{title_id}"'
    heading = f'<title id="{title_id}">{escape(title)}</title>'
    if description:
        heading += f"<desc>{escape(description)}</desc>"
    svg = svg.replace("<svg", accessible, 1)
    end_of_tag = svg.index(">") + 1
    return svg[:end_of_tag] + heading + svg[end_of_tag:]


_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(xlink:href="#|href="#|url\(#)([^")]+)')


def prefix_ids(svg: str, *, prefix: str) -> str:
    """Give every id of one chart (and each reference to it) the chart's own prefix.

    matplotlib numbers its groups the same in every figure (``figure_1``, ``axes_1``, …), so
    several inline charts in one document would define the same anchors many times over;
    ``svg.hashsalt`` only covers the hashed clip-path and marker ids.
    """
    svg = _ID.sub(lambda match: f'id="{prefix}-{match[1]}"', svg)
    return _REFERENCE.sub(lambda match: f"{match[1]}{prefix}-{match[2]}", svg)


def svg_data_uri(svg: str) -> str:
    """``data:`` URI of an SVG, for ``<img src>`` (keeps the chart's ids out of the page)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def cached_bar_chart_svg(
    labels: Sequence[str], values: Sequence[float], title: str, *, description: str = ""
) -> str:
    """``render_bar_chart_svg`` cached by its input: the same numbers are never drawn twice."""
    from django.utils.translation import get_language

    key = "overview-chart:v2:" + _chart_id(f"{get_language()}|{title}|{description}", labels, values)
    return cache.get_or_set(
        key,
        lambda: render_bar_chart_svg(labels, values, title, description=description),
        CHART_CACHE_SECONDS,
    )

"""Static SVG charts for the 统计 page, made at build time.

Why hand-written SVG and not a charting library: the charts are a few bars and lines, and this way
they need no JavaScript, load nothing, print sharply, are byte-deterministic (no timestamps or
random ids as in matplotlib's output), inherit the page's fonts and its 长者模式 colours through
CSS, and every text in them is escaped. Each chart is an ``<svg role="img">`` whose ``<title>`` and
``<desc>`` state what it shows in words; the page puts the full data table next to it. Nothing is
told by colour alone: every bar carries its number and every line its name and dash style.

The charts have no overall viewBox, so their text is never scaled: it is drawn at the page's own font
size (CSS sets it on ``svg.chart``), as legible on a phone and in 长者模式 as the text around it.
Heights are in ``em`` (they grow with the text) and widths in per cent of the page's width; only the
lines of the line chart are drawn in a stretched inner viewBox, with strokes that do not stretch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

ROW = 2.6  # em per bar: its label line and the bar below it
BAR = 0.8  # em, the bar's thickness


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _open(chart_id: str, kind: str, title: str, desc: str, height: float) -> list[str]:
    i = escape(chart_id)
    return [(f'<svg class="chart chart-{kind}" id="{i}" role="img" aria-labelledby="{i}-t {i}-d" '
             f'width="100%" height="{_num(height)}em" xmlns="http://www.w3.org/2000/svg">'),
            f'<title id="{i}-t">{escape(title)}</title>', f'<desc id="{i}-d">{escape(desc)}</desc>']


def bar_chart(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, float, str]]) -> Markup:
    """Horizontal bars, each under a line with its label and then ``text``. ``rows``: (label, value, text)."""
    top = max((v for _, v, _ in rows), default=0) or 1
    parts = _open(chart_id, "bar", title, desc, ROW * len(rows) + 0.2)
    for i, (label, value, text) in enumerate(rows):
        y = ROW * i
        parts.append(f'<g class="bar"><text class="chart-label" x="0" y="{_num(y + 1.25)}em">{escape(label)}'
                     f'<tspan class="chart-value" dx="0.8em">{escape(text)}</tspan></text>'
                     f'<rect class="chart-bar-track" x="0" y="{_num(y + 1.6)}em" width="100%" height="{BAR}em"></rect>'
                     f'<rect class="chart-bar-fill" x="0" y="{_num(y + 1.6)}em" width="{_num(100 * value / top)}%" '
                     f'height="{BAR}em"></rect></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


# line styles tell the series apart without colour
DASHES = ("", "8 5", "2 4")


def line_chart(chart_id: str, title: str, desc: str, days: Sequence[dt.date],
               series: Sequence[tuple[str, Sequence[int]]]) -> Markup:
    """Lines over time (one point per day given) with the first, middle and last date under them, and a
    legend that gives each line's dash style, name and last value."""
    gutter, plot_top, plot_h = 12, 1.0, 9.0  # the value axis takes 12% of the width; heights in em
    legend_top = plot_top + plot_h + 2.3
    top = max((max(v, default=0) for _, v in series), default=0) or 1
    n = max(1, len(days) - 1)
    parts = _open(chart_id, "line", title, desc, legend_top + 1.5 * len(series) + 0.2)
    for v, y in ((top, plot_top), (0, plot_top + plot_h)):
        parts.append(f'<text class="chart-tick" x="{gutter - 2}%" y="{_num(y)}em" text-anchor="end" '
                     f'dominant-baseline="middle">{v}</text>')
    for i in sorted({0, (len(days) - 1) // 2, len(days) - 1}) if days else ():
        anchor = "start" if i == 0 else "end" if i == len(days) - 1 else "middle"
        parts.append(f'<text class="chart-tick" x="{_num(gutter + (100 - gutter - 2) * i / n)}%" '
                     f'y="{_num(plot_top + plot_h + 1.4)}em" text-anchor="{anchor}">{days[i].year}.{days[i].month:02d}</text>')
    # the plot area: 1000 × 100 units stretched over it; strokes keep their width in px
    parts.append(f'<svg class="chart-plot" x="{gutter}%" y="{_num(plot_top)}em" width="{100 - gutter - 2}%" '
                 f'height="{_num(plot_h)}em" viewBox="0 0 1000 100" preserveAspectRatio="none" overflow="visible">'
                 '<line class="chart-axis" x1="0" y1="100" x2="1000" y2="100" vector-effect="non-scaling-stroke"></line>'
                 '<line class="chart-axis" x1="0" y1="0" x2="0" y2="100" vector-effect="non-scaling-stroke"></line>')
    legend: list[str] = []
    for k, (name, values) in enumerate(series):
        if not values:
            continue
        dash = f' stroke-dasharray="{DASHES[k % len(DASHES)]}"' if DASHES[k % len(DASHES)] else ""
        points = " ".join(f"{_num(1000 * i / n)},{_num(100 * (1 - v / top))}" for i, v in enumerate(values))
        parts.append(f'<polyline class="chart-line-{k}" fill="none" points="{points}"{dash} '
                     'vector-effect="non-scaling-stroke"></polyline>')
        row = _num(legend_top + 1.5 * len(legend) + 0.75)
        legend.append(f'<line class="chart-line-{k}" x1="0" y1="{row}em" x2="2.4em" y2="{row}em"{dash}></line>'
                      f'<text class="chart-value" x="3em" y="{row}em" dominant-baseline="middle">'
                      f'{escape(name)}：{values[-1]}</text>')
    parts.append("</svg>")
    parts.extend(legend)
    parts.append("</svg>")
    return Markup("".join(parts))

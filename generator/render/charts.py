"""Static SVG charts for the 统计 page, made at build time.

Why hand-written SVG and not a charting library: the charts are a few bars and lines, and this way
they need no JavaScript, load nothing, print sharply, are byte-deterministic (no timestamps or
random ids as in matplotlib's output), inherit the page's fonts and its 长者模式 colours through
CSS, and every text in them is escaped. Each chart is an ``<svg role="img">`` whose ``<title>`` and
``<desc>`` state what it shows in words; the page puts the full data table next to it. Nothing is
told by colour alone: every bar carries its number and every line its name and dash style.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 640
ROW = 30
LABEL_W = 150
VALUE_W = 110


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def bar_chart(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, float, str]]) -> Markup:
    """Horizontal bars. ``rows``: (label, value, text shown after the bar)."""
    height = ROW * len(rows) + 10
    top = max((v for _, v, _ in rows), default=0) or 1
    span = WIDTH - LABEL_W - VALUE_W
    parts = [(f'<svg class="chart chart-bar" id="{escape(chart_id)}" role="img" '
              f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" viewBox="0 0 {WIDTH} {height}" '
              f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'),
             f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
             f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>']
    for i, (label, value, text) in enumerate(rows):
        y = 5 + i * ROW
        w = span * value / top
        parts.append(f'<g class="bar"><text class="chart-label" x="{LABEL_W - 8}" y="{y + 19}" text-anchor="end">{escape(label)}</text>'
                     f'<rect class="chart-bar-fill" x="{LABEL_W}" y="{y + 5}" width="{_num(w)}" height="{ROW - 10}"></rect>'
                     f'<text class="chart-value" x="{_num(LABEL_W + w + 6)}" y="{y + 19}">{escape(text)}</text></g>')
    parts.append(f'<line class="chart-axis" x1="{LABEL_W}" y1="0" x2="{LABEL_W}" y2="{height}"></line></svg>')
    return Markup("".join(parts))


# line styles tell the series apart without colour
DASHES = ("", "8 5", "2 4")


def line_chart(chart_id: str, title: str, desc: str, days: Sequence[dt.date],
               series: Sequence[tuple[str, Sequence[int]]]) -> Markup:
    """Lines over time (one point per day given), each labelled at its end with its name and last value."""
    height, left, right, top_pad, bottom = 300, 48, 150, 12, 40
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    top = max((max(v, default=0) for _, v in series), default=0) or 1
    n = max(1, len(days) - 1)

    def xy(i: int, v: int) -> str:
        return f"{_num(left + plot_w * i / n)},{_num(top_pad + plot_h * (1 - v / top))}"

    parts = [(f'<svg class="chart chart-line" id="{escape(chart_id)}" role="img" '
              f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" viewBox="0 0 {WIDTH} {height}" '
              f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'),
             f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
             f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
             f'<line class="chart-axis" x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}"></line>',
             f'<line class="chart-axis" x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}"></line>']
    for v in sorted({0, top}):
        tick_y = _num(top_pad + plot_h * (1 - v / top))
        parts.append(f'<text class="chart-tick" x="{left - 6}" y="{tick_y}" text-anchor="end" dominant-baseline="middle">{v}</text>')
    if days:
        ticks = sorted({0, len(days) - 1, *range(0, len(days), max(1, len(days) // 4))})
        for i in ticks:
            if i < len(days) - 1 and len(days) - 1 - i < max(1, len(days) // 8):
                continue  # too close to the last tick
            x = _num(left + plot_w * i / n)
            parts.append(f'<text class="chart-tick" x="{x}" y="{top_pad + plot_h + 22}" text-anchor="middle">'
                         f'{days[i].year}.{days[i].month:02d}</text>')
    ends: list[float] = []
    for k, (name, values) in enumerate(series):
        if not values:
            continue
        dash = DASHES[k % len(DASHES)]
        points = " ".join(xy(i, v) for i, v in enumerate(values))
        parts.append(f'<polyline class="chart-line-{k}" fill="none" points="{points}"'
                     + (f' stroke-dasharray="{dash}"' if dash else "") + '></polyline>')
        y = top_pad + plot_h * (1 - values[-1] / top)
        for other in ends:  # keep end labels apart
            if abs(other - y) < 16:
                y = other + 16
        ends.append(y)
        parts.append(f'<text class="chart-value" x="{left + plot_w + 8}" y="{_num(y)}" dominant-baseline="middle">'
                     f'{escape(name)} {values[-1]}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

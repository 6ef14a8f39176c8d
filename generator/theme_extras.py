"""What the issue-8 templates need from Python: QR codes, statistics, charts, open-data tables.

Installed into Pelican's Jinja2 environment by :func:`generator.render.install_filters`.
"""

from __future__ import annotations

from typing import Any

import segno
from markupsafe import Markup, escape

from . import charts, opendata, stats


def qr_svg(url: str, label: str = "") -> Markup:
    """A QR code of ``url`` as inline SVG (segno; deterministic, no JavaScript), "" without a URL."""
    if not url:
        return Markup("")
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff", svgclass="qr-code",
                                                lineclass="qr-line", omitsize=True)
    title = escape(label or f"二维码：{url}")
    return Markup(svg.replace('<svg ', f'<svg role="img" aria-label="{title}" ', 1))


def install(env: Any) -> None:
    env.globals.update(qr_svg=qr_svg, figures_on=stats.figures_on, statistics=stats.statistics, charts=charts,
                       rate=stats.rate, DATA_TABLES=opendata.TABLES, data_downloads=opendata.downloads,
                       ITEM_JSON_DOC=opendata.ITEM_JSON_DOC)

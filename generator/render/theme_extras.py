"""What the templates need from Python: QR codes, statistics, charts, open-data tables.

Installed into Pelican's Jinja2 environment by :func:`generator.render.pages.install_filters`.
"""

from __future__ import annotations

import re
from typing import Any

import zxingcpp
from markupsafe import Markup, escape

from generator.derive import stats
from generator.render import charts, opendata

QR_BORDER = 2  # modules of quiet zone around the code
_DARK_RUN = re.compile(rb"\x00+")


def qr_svg(url: str, label: str = "") -> Markup:
    """A QR code (error correction M) of ``url`` as inline SVG, "" without a URL: deterministic, no JavaScript.

    zxing-cpp encodes (about 0.3 ms a code; segno, pure Python, took 11 ms, which was most of the
    render time of a large site); each row's dark runs become one path of rectangles, one unit a module."""
    if not url:
        return Markup("")
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    # 0x00 dark, 0xff light, one byte a module; zxingcpp.Image has the buffer protocol, which its stub does not declare
    view = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    size = len(view)  # the rows of the (square) code: shape[0]
    data = view.tobytes()
    path = _path(data, size)
    full = size + 2 * QR_BORDER
    title = escape(label or f"二维码：{url}")
    return Markup(f'<svg role="img" aria-label="{title}" class="qr-code" viewBox="0 0 {full} {full}" '
                  f'xmlns="http://www.w3.org/2000/svg"><rect width="{full}" height="{full}" fill="#fff"/>'
                  f'<path class="qr-line" fill="#000" shape-rendering="crispEdges" d="{path}"/></svg>')


def _path(data: bytes, size: int) -> str:
    parts = []
    for y in range(size):
        row = data[y * size:(y + 1) * size]
        for m in _DARK_RUN.finditer(row):
            width = m.end() - m.start()
            parts.append(f"M{m.start() + QR_BORDER} {y + QR_BORDER}h{width}v1h-{width}z")
    return "".join(parts)


def install(env: Any) -> None:
    env.globals.update(qr_svg=qr_svg, figures_on=stats.figures_on, statistics=stats.statistics, charts=charts,
                       rate=stats.rate, data_tables=opendata.tables_of, data_downloads=opendata.downloads,
                       data_link_tables=opendata.LINK_TABLES, ITEM_JSON_DOC=opendata.ITEM_JSON_DOC)

"""A local web server for a published site (``portal serve``), answering as a configured web server does.

Plain ``http.server`` answers a missing address with its own English error page. A web server set up for
the portal (nginx ``error_page 404 /404.html``, Apache ``ErrorDocument``) answers with the site's
``404.html``, which offers the look-up by reference number; the 繁體 copy ``zh-hant/404.html`` for an
address under ``zh-hant/`` when the site has one. The page is read from the folder at each request, so a
rebuild (the folder exchanged) is served at once.
"""

from __future__ import annotations

import http.server
from pathlib import Path

from generator import urls

NOT_FOUND_HANT = urls.HANT + urls.NOT_FOUND


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` (given as for :class:`SimpleHTTPRequestHandler`); 404 with the site's page."""

    def not_found_page(self) -> bytes | None:
        root = Path(self.directory)
        under_hant = self.path.lstrip("/").startswith(urls.HANT)
        for name in ([NOT_FOUND_HANT] if under_hant else []) + [urls.NOT_FOUND]:
            try:
                return (root / name).read_bytes()
            except OSError:
                continue
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.not_found_page() if code == 404 and self.command in ("GET", "HEAD") else None
        if page is None:
            super().send_error(code, message, explain)
            return
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(page)

"""Crawl the sample site served under a sub-path by a real HTTP server: no broken internal link."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_no_broken_internal_link_under_a_sub_path(sample_site: Path, tmp_path: Path) -> None:
    prefix = "/gov/zhenggai/"
    root = tmp_path / "www"
    shutil.copytree(sample_site, root / prefix.strip("/"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        seen: set[str] = set()
        queue = [base + prefix]
        broken: list[str] = []
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    body = response.read()
                    kind = response.headers.get_content_type()
            except urllib.error.HTTPError as exc:
                broken.append(f"{url} ({exc.code})")
                continue
            if kind != "text/html":
                continue
            parser = _Links()
            parser.feed(body.decode("utf-8"))
            for link in parser.links:
                target = urljoin(url, link)
                parts = urlsplit(target)
                if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(base).netloc:
                    continue  # mailto:, tel:, and links to other sites
                assert parts.path.startswith(prefix), f"{url} links outside the site: {link}"
                queue.append(target.split("#")[0])
        assert not broken, broken[:20]
        pages = sum(1 for p in sample_site.rglob("index.html"))
        assert len([u for u in seen if u.endswith("/")]) == pages  # every page is reachable by links
    finally:
        server.shutdown()
        server.server_close()

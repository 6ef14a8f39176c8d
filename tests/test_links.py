"""Crawl the sample site served under a sub-path by a real HTTP server: no broken internal link."""

from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from conftest import serve


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_no_broken_internal_link_under_a_sub_path(sample_site: Path) -> None:
    prefix = "/gov/zhenggai/"
    with serve(sample_site, prefix.strip("/")) as site_url:
        base = site_url[: -len(prefix)]
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

#!/usr/bin/env python3
"""Search benchmarks: index build times, and the bytes a browser downloads for a first query.

    .venv/bin/python bench/search.py [--content content] [--as-of 2026-11-01] [--query 垃圾填埋场] [--runs 3]

Measures, on a temporary build of the content:
- Pagefind indexing of every shard (stub pages, and the portal's stabilising rewrite), best of --runs;
- whoosh (jieba) index: a fresh build, and an incremental update with nothing changed;
- in Debian's Chromium (Playwright): every byte transferred while opening search/?q=QUERY and
  waiting for the results, split into the page itself and Pagefind's files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import pipeline
from generator.config import Config
from generator.index import pagefind
from generator.index import whoosh_index as search_index


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def first_query_bytes(site: Path, query: str, scope: str = "") -> tuple[int, int, int, int]:
    """Bytes a fresh browser downloads to open search/?q=QUERY (in ``scope``, if given) and show the first
    results: (page bytes, Pagefind bytes, results shown, all bytes gzipped). The first two are bodies as
    this plain server sends them, uncompressed; the last is what a server with gzip for text would send
    (Pagefind's index files and WebAssembly are gzipped already and count as they are)."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: dict[str, int] = {}
    zipped: dict[str, int] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"])
            page = browser.new_page()

            def record(response) -> None:  # type: ignore[no-untyped-def]
                try:
                    body = response.body()
                except Exception:  # noqa: BLE001 - redirects have no body (Playwright raises its own Error)
                    body = b""
                sizes[response.url] = len(body)
                text = response.url.split("?")[0].endswith((".js", ".css", ".json", ".html", "/", ".svg"))
                zipped[response.url] = len(gzip.compress(body, 6)) if text and body else len(body)

            page.on("response", record)
            where = f"scope={quote(scope)}&" if scope else ""
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?{where}q={quote(query)}")
            page.wait_for_selector(".search-result-link", timeout=30000)
            page.wait_for_load_state("networkidle")
            results = page.locator(".search-result-link").count()
            browser.close()
    finally:
        server.shutdown()
    bundle = sum(size for url, size in sizes.items() if "/pagefind/" in url)
    return sum(sizes.values()) - bundle, bundle, results, sum(zipped.values())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--content", default="content")
    ap.add_argument("--as-of", default="2026-11-01")
    ap.add_argument("--query", default="垃圾填埋场")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    portal = pipeline.prepare(Path(args.content), dt.date.fromisoformat(args.as_of))
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        pipeline.render(portal, site)
        pages = sum(1 for _ in site.rglob("*.html"))
        shards = pagefind.plan(portal, Config().search_shard_max)
        times = []
        for _ in range(args.runs):
            shutil.rmtree(site / pagefind.BUNDLE)
            started = time.perf_counter()
            pagefind.index_site(site, portal, shards)
            times.append(time.perf_counter() - started)
        bundle_files = [p for p in (site / pagefind.BUNDLE).rglob("*") if p.is_file()]
        bundle_size = sum(p.stat().st_size for p in bundle_files)
        started = time.perf_counter()
        search_index.update(Path(tmp) / "whoosh", portal)
        fresh = time.perf_counter() - started
        started = time.perf_counter()
        search_index.update(Path(tmp) / "whoosh", portal)
        again = time.perf_counter() - started
        page_bytes, bundle_bytes, results, gz_bytes = first_query_bytes(site, args.query)
    docs = sum(1 for _ in search_index.documents(portal))
    print(f"{args.content}: {docs} searchable items, {pages} HTML files in the site")
    print(f"  pagefind index        best {min(times):6.2f} s  ({len(bundle_files)} files, "
          f"{bundle_size / 1024:.0f} KiB on disk)")
    print(f"  whoosh index, fresh        {fresh:6.2f} s")
    print(f"  whoosh index, unchanged    {again:6.2f} s")
    print(f"  first query '{args.query}': {results} results; downloaded {page_bytes / 1024:.1f} KiB of page "
          f"(HTML, CSS, JS) + {bundle_bytes / 1024:.1f} KiB of Pagefind files = {(page_bytes + bundle_bytes) / 1024:.1f} KiB; "
          f"{gz_bytes / 1024:.1f} KiB with gzip")


if __name__ == "__main__":
    main()

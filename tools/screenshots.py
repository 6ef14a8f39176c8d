"""Make the README's screenshots (docs/*.png) with Debian's headless Chromium against a local build.

    .venv/bin/python tools/screenshots.py            # builds the sample as of 2026-11-01 into a temp folder

Needs the test extra (Playwright) and /usr/bin/chromium; never downloads a browser.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, SAMPLE, build, serve  # noqa: E402

SHOTS = [
    # file, page, viewport, full page
    ("screenshot-task-phone.png", "tasks/R2-07/", {"width": 390, "height": 844}, False),
    ("screenshot-stats.png", "stats/", {"width": 1100, "height": 1400}, False),
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        result = build(SAMPLE, output)
        if result.code:
            sys.exit(result.err)
        with serve(output) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, page_url, viewport, full in SHOTS:
                page = browser.new_page(viewport=viewport, device_scale_factor=2 if viewport["width"] < 500 else 1)
                page.goto(url + page_url)
                page.screenshot(path=str(REPO / "docs" / name), full_page=full)
                page.close()
                print(f"docs/{name}")
            browser.close()


if __name__ == "__main__":
    main()

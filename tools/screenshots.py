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

PHONE = {"width": 390, "height": 844}
REF = "D3JC202505260009"  # a round-3 complaint of the sample, typed into the home page's look-up

SHOTS = [
    # file, page, viewport, 长者模式, typed into the look-up (then the page it lands on is taken)
    ("screenshot.png", "", PHONE, False, ""),
    ("screenshot-lookup-phone.png", "", PHONE, False, REF.lower()),
    ("screenshot-task-phone.png", "tasks/R2-07/", PHONE, True, ""),
    ("screenshot-stats-phone.png", "stats/", PHONE, False, ""),
    ("screenshot-stats.png", "stats/", {"width": 1100, "height": 1400}, False, ""),
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
            for name, page_url, viewport, elder, typed in SHOTS:
                page = browser.new_page(viewport=viewport, device_scale_factor=2 if viewport["width"] < 500 else 1)
                if elder:  # what theme/static/js/prefs.js remembers when a reader switches 长者模式 on
                    page.add_init_script("localStorage.setItem('portal-elder', '1')")
                page.goto(url + page_url)
                if typed:
                    box = page.locator("main input[name=ref]").first
                    box.fill(typed)
                    box.press("Enter")
                    page.wait_for_url(f"**/complaints/{REF}/")
                page.screenshot(path=str(REPO / "docs" / name))
                page.close()
                print(f"docs/{name}")
            browser.close()


if __name__ == "__main__":
    main()

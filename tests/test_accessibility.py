"""Everyone can use it (issue 8): axe-core finds no serious or critical WCAG 2.1 A/AA violation on any kind
of page (one page of each, tests/test_html_valid.PAGE_KINDS), in normal and in 长者模式, in 简体 and in 繁體;
the mode is a keyboard-usable toggle remembered by the browser; the skip link works; pages stay usable at
200% zoom."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, serve
from test_html_valid import PAGE_KINDS

AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
# the search page with a query, so that Pagefind's results are checked too
PAGES = {**PAGE_KINDS, "search.html": "search/?q=%E5%9E%83%E5%9C%BE"}


@pytest.fixture(scope="module")
def served_at_site_path(sample_site: Path) -> Iterator[str]:
    """The sample served under the path of its site_url (/zhenggai/): 404.html's links start with it."""
    with serve(sample_site, "zhenggai") as url:
        yield url


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: .ci/run must run 'npm ci' in tests/js")
        pytest.skip("axe-core is not installed: (cd tests/js && npm ci)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def context(browser):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def violations(page, axe_source: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(content=axe_source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                           resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")
    return list(result)


@pytest.mark.parametrize("script", ["", "zh-hant/"])
@pytest.mark.parametrize("mode", ["normal", "elder"])
def test_axe_finds_no_serious_violation(served_at_site_path: str, context, axe_source: str, mode: str,  # type: ignore[no-untyped-def]
                                        script: str) -> None:
    page = context.new_page()
    try:
        page.goto(served_at_site_path)
        page.evaluate(f"localStorage.setItem('portal-elder', '{'1' if mode == 'elder' else '0'}')")
        found = {}
        for name, url in PAGES.items():
            page.goto(served_at_site_path + script + url)
            assert page.evaluate("document.documentElement.classList.contains('elder')") == (mode == "elder"), name
            assert page.evaluate("document.documentElement.lang") == ("zh-Hant" if script else "zh-CN"), name
            bad = violations(page, axe_source)
            if bad:
                found[name] = bad
        assert found == {}
    finally:
        page.close()


def test_elder_mode_by_keyboard_is_remembered_and_enlarges_text(served: str, context) -> None:  # type: ignore[no-untyped-def]
    page = context.new_page()
    try:
        page.goto(served + "tasks/R2-07/")
        page.evaluate("localStorage.removeItem('portal-elder')")
        page.reload()
        base = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        toggle = page.get_by_role("button", name="长者模式", exact=True)
        assert toggle.get_attribute("aria-pressed") == "false"
        # keyboard only: Tab from the top until the toggle has focus, then press Enter
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.hasAttribute('data-elder-toggle')"):
                break
        else:
            pytest.fail("the 长者模式 toggle cannot be reached with Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= base * 1.2
        button = page.locator("header [data-elder-toggle]")
        assert button.get_attribute("aria-pressed") == "true" and button.inner_text() == "退出长者模式"
        page.goto(served + "stats/")  # another page: still on
        assert page.evaluate("document.documentElement.classList.contains('elder')")
        page.locator("footer [data-elder-toggle]").press("Space")  # off again, by keyboard, with the 无障碍 switch
        page.goto(served)
        assert not page.evaluate("document.documentElement.classList.contains('elder')")
    finally:
        page.close()


def test_skip_link_is_first_and_moves_focus_to_main(served: str, context) -> None:  # type: ignore[no-untyped-def]
    page = context.new_page()
    try:
        page.goto(served + "complaints/D2JC202106020020/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "跳到正文"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
    finally:
        page.close()


@pytest.mark.parametrize("url", ["tasks/R2-07/", "stats/"])
def test_readable_at_200_percent_zoom_in_elder_mode(served: str, browser, url: str) -> None:  # type: ignore[no-untyped-def]
    """200% zoom of a 1280px window is a 640 CSS px viewport: nothing may need sideways scrolling."""
    ctx = browser.new_context(viewport={"width": 640, "height": 800}, device_scale_factor=2)
    page = ctx.new_page()
    try:
        for elder in ("0", "1"):
            page.goto(served + url)
            page.evaluate(f"localStorage.setItem('portal-elder', '{elder}')")
            page.reload()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (url, elder)
    finally:
        ctx.close()

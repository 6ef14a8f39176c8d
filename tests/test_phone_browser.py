"""The site on a phone (390 × 844) and a desktop (1280 × 800), normal and 长者模式, and on paper: what a person
sees, measured in Chromium on the served sample (sizes in px from bounding boxes and computed styles).

Thresholds, and why:

- Header share of the first screen (the site header: title, search, data date, reading tools, the menu
  bar; the sample's own banner is not part of it): at most 25% normal, 40% in 长者模式, whose text is 22 px
  instead of 17. With that the home page's look-up (its box and its 查询 button) is on the first screen in
  both modes, banner included, which is the point.
- 长者模式 text: no visible text below 18 px. MIIT's 适老化 design rules ask for main text of at least
  18 pt/dp in a senior mode; the portal's smallest text in it (.85rem of 22 px) is 18.7 px.
- Chart text: at least 12 px normal (the smallest text a phone user is expected to read) and 18 px in
  长者模式, like the other text, and every label inside its chart.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from conftest import local_page

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TASK = "tasks/R3-04/"  # a task with related complaints (a table under 相关信访举报)
COMPLAINT = "complaints/D1JC201708140007/"

HEADER = """() => {
  const h = document.querySelector('.site-header').getBoundingClientRect();
  const box = document.querySelector('#ref-home').getBoundingClientRect();
  const button = document.querySelector('#ref-home').form.querySelector('button').getBoundingClientRect();
  return {header: h.height, viewport: innerHeight, box: box.bottom, button: button.bottom, width: box.width};
}"""

PLACEHOLDER_FITS = """() => {
  const i = document.getElementById('site-search-q'), s = getComputedStyle(i);
  const c = document.createElement('canvas').getContext('2d');
  c.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  return c.measureText(i.placeholder).width <= i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
}"""

# every visible text node's element, and every visible form control: its computed font size
SMALLEST_TEXT = """() => {
  const seen = [];
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&
    getComputedStyle(e).visibility !== 'hidden' && !e.closest('.visually-hidden'); };
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walk.nextNode());) {
    const e = n.parentElement;
    if (!n.textContent.trim() || e.closest('script, style, noscript') || !visible(e)) continue;
    seen.push([parseFloat(getComputedStyle(e).fontSize), e.tagName + '.' + (e.getAttribute('class') || ''),
               n.textContent.trim().slice(0, 20)]);
  }
  for (const e of document.querySelectorAll('input:not([type=checkbox]):not([type=radio]), select, button, textarea')) {
    if (visible(e)) seen.push([parseFloat(getComputedStyle(e).fontSize), e.tagName + '#' + e.id, e.value || e.placeholder]);
  }
  seen.sort((a, b) => a[0] - b[0]);
  return {count: seen.length, smallest: seen.slice(0, 5),
          results: document.querySelectorAll('.search-result').length,
          filters: document.querySelectorAll('.search-filter-value').length};
}"""

CHARTS = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const s = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize), height: r.height,
            inside: r.left >= s.left - .5 && r.right <= s.right + .5 && r.top >= s.top - .5 && r.bottom <= s.bottom + .5,
            box: [r.left, r.top, r.right, r.bottom]};
  });
  return {id: svg.id, width: s.width, texts};
})"""

TABLES = """() => [...document.querySelectorAll('.table-wrap')].filter(w => w.checkVisibility()).map(w => {
  const hint = getComputedStyle(w, '::before');
  const cells = [...w.querySelectorAll('tbody th, tbody td')];
  return {label: w.getAttribute('aria-label'), scrolls: w.scrollWidth > w.clientWidth + 1,
          hint: hint.content, hintShown: hint.content !== 'none' && hint.display !== 'none',
          mask: getComputedStyle(w).maskImage, tabindex: w.getAttribute('tabindex'),
          narrowest: Math.min(...cells.map(c => c.getBoundingClientRect().width)),
          font: parseFloat(getComputedStyle(cells[0]).fontSize)};
})"""


@pytest.fixture(scope="module")
def phone(browser, served: str) -> Iterator:  # type: ignore[no-untyped-def]
    context, page, errors, foreign = local_page(browser, served, locale="zh-CN", viewport=PHONE)
    yield page
    context.close()
    assert not errors and not foreign, (errors, foreign)


def mode(page, served: str, elder: bool, path: str = "") -> None:  # type: ignore[no-untyped-def]
    """Open ``path`` with 长者模式 switched as prefs.js stores it (localStorage)."""
    page.goto(served)
    page.evaluate(f"localStorage.setItem('portal-elder', '{'1' if elder else '0'}')")
    page.goto(served + path)
    assert page.evaluate("document.documentElement.classList.contains('elder')") == elder


@pytest.mark.parametrize("elder, limit", [(False, 0.25), (True, 0.40)], ids=["normal", "elder"])
def test_phone_header_is_small_and_the_look_up_is_on_the_first_screen(phone, served: str, elder: bool,
                                                                      limit: float) -> None:  # type: ignore[no-untyped-def]
    mode(phone, served, elder)
    m = phone.evaluate(HEADER)
    share = m["header"] / m["viewport"]
    print(f"390×844 {'长者模式' if elder else 'normal'}: header {m['header']:.0f}px = {share:.1%} of the first screen; "
          f"look-up box ends at {m['box']:.0f}px, its button at {m['button']:.0f}px")
    assert share <= limit, m
    assert m["box"] <= m["viewport"] and m["button"] <= m["viewport"], m  # the look-up, typed and sent, on screen
    assert m["width"] >= 200, m  # wide enough to show a whole reference number
    assert not phone.locator(".site-nav li a").first.is_visible()  # the menu is folded …
    assert phone.locator(".nav-menu > summary").is_visible()  # … under 栏目菜单
    assert phone.locator("#site-search-q").is_visible()
    assert phone.evaluate(PLACEHOLDER_FITS)  # the search box's hint is not cut off
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_desktop_keeps_the_full_menu(browser, served: str, elder: bool) -> None:  # type: ignore[no-untyped-def]
    context, page, errors, _ = local_page(browser, served, locale="zh-CN", viewport=DESKTOP)
    mode(page, served, elder)
    links = page.locator(".site-nav li a")
    assert links.count() >= 10 and all(links.nth(i).is_visible() for i in range(links.count()))
    assert not page.locator(".nav-menu > summary").is_visible()
    share = page.evaluate(HEADER)["header"] / DESKTOP["height"]
    print(f"1280×800 {'长者模式' if elder else 'normal'}: header {share:.1%} of the first screen")
    context.close()
    assert not errors


def test_phone_menu_opens_and_its_links_work_without_javascript(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    context, page, _, foreign = local_page(browser, served, locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    page.goto(served)
    stats = page.locator(".site-nav a", has_text="统计")
    assert not stats.is_visible()
    page.locator(".nav-menu > summary").click()
    assert stats.is_visible()
    box = stats.bounding_box()
    assert box and box["height"] >= 40 and box["x"] + box["width"] <= PHONE["width"]  # a finger-sized target on screen
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/stats/")
    assert page.locator("h1").inner_text() == "统计"
    assert page.locator(".site-nav a[aria-current=page]").text_content() == "统计"  # folded again, marked current
    context.close()
    assert not foreign


@pytest.mark.parametrize("path", ["", "search/?q=垃圾填埋场", TASK, COMPLAINT, "stats/"],
                         ids=["home", "search", "task", "complaint", "stats"])
def test_elder_mode_has_no_text_below_18px(phone, served: str, path: str) -> None:  # type: ignore[no-untyped-def]
    mode(phone, served, True, path)
    if path.startswith("search"):
        phone.wait_for_selector(".search-result")
        phone.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        phone.wait_for_selector(".search-filter-value")
    else:
        phone.locator(".nav-menu > summary").click()  # the opened menu too
    m = phone.evaluate(SMALLEST_TEXT)
    print(f"长者模式 {path or 'home'}: {m['count']} visible texts, smallest {m['smallest'][0]}")
    assert m["count"] > 50, m
    if path.startswith("search"):
        assert m["results"] and m["filters"], m  # results and filter choices were measured
    assert m["smallest"][0][0] >= 18, m["smallest"]


@pytest.mark.parametrize("elder, limit", [(False, 12), (True, 18)], ids=["normal", "elder"])
def test_chart_labels_are_legible_and_inside_their_chart_on_a_phone(phone, served: str, elder: bool,
                                                                   limit: float) -> None:  # type: ignore[no-untyped-def]
    mode(phone, served, elder, "stats/")
    charts = phone.evaluate(CHARTS)
    assert len(charts) >= 5
    for chart in charts:
        assert chart["width"] <= PHONE["width"], chart["id"]
        texts = chart["texts"]
        assert texts, chart["id"]
        for t in texts:
            assert t["size"] >= limit and t["height"] >= limit, (chart["id"], t)  # drawn at that size, not scaled down
            assert t["inside"], (chart["id"], t)  # nothing cut off
        for i, a in enumerate(texts):  # and no label over another
            for b in texts[i + 1:]:
                overlap = min(a["box"][2], b["box"][2]) - max(a["box"][0], b["box"][0]) > 1 and \
                    min(a["box"][3], b["box"][3]) - max(a["box"][1], b["box"][1]) > 1
                assert not overlap, (chart["id"], a["text"], b["text"])
    smallest = min(t["height"] for c in charts for t in c["texts"])
    print(f"390 px {'长者模式' if elder else 'normal'}: smallest chart text box {smallest:.1f}px high")


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_wide_tables_show_that_they_scroll(phone, served: str, elder: bool) -> None:  # type: ignore[no-untyped-def]
    mode(phone, served, elder, "stats/")
    tables = phone.evaluate(TABLES)
    wide = [t for t in tables if t["scrolls"]]
    narrow = [t for t in tables if not t["scrolls"]]
    assert wide and narrow, tables  # the batch table scrolls on a phone; the status table fits
    for t in wide:
        assert t["hintShown"] and "滑动" in t["hint"], t
        assert "gradient" in t["mask"], t  # the cut edge fades
        assert t["tabindex"] == "0", t
    for t in tables:
        assert t["narrowest"] >= 2.5 * t["font"], t  # no column crushed to a character or two
    for t in narrow:
        assert not t["hintShown"], t
    region = phone.locator(".table-wrap[aria-label='信访举报按批次的数据']")
    region.focus()
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function("document.activeElement.scrollLeft > 0")  # the keyboard scrolls it
    # a row header stays on one line
    th = region.locator("tbody th").first
    assert th.bounding_box()["height"] < 2.5 * tables[0]["font"] * 1.7  # type: ignore[index]


def test_print_hides_the_forms_and_keeps_references_and_headings_whole(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    context, page, errors, _ = local_page(browser, served, locale="zh-CN", viewport={"width": 673, "height": 986})
    page.goto(served + TASK)
    page.emulate_media(media="print")
    assert not page.locator(".site-search").is_visible()
    assert not page.locator(".subscribe").is_visible()
    assert page.locator(".print-only").is_visible()
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    printed = page.locator(".print-only").inner_text()
    # the task's last change, the data date (from data/as-of.js: the page does not carry it), when it was printed
    assert re.search(r"信息更新于 \d{4}年\d{1,2}月\d{1,2}日，网站数据截至 2026年11月1日，打印于 ", printed), printed
    assert f"打印于 {today.year}年{today.month}月{today.day}日。" in printed and "生成时" not in printed, printed
    refs = page.locator("main a.ref")
    assert refs.count() >= 2
    for i in range(refs.count()):  # one line box each, at the width of A4
        assert refs.nth(i).evaluate("e => e.getClientRects().length") == 1
        assert refs.nth(i).evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    # put 相关信访举报 and its line at the foot of the first sheet: they must move to the next sheet with the table
    page.evaluate("""() => {
      const h = document.getElementById('complaints-heading'), section = h.closest('section');
      for (const e of document.querySelectorAll('main > *, main article > *')) {
        if (!e.contains(section) && section.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_PRECEDING) e.remove();
      }
      const pad = document.createElement('div');
      section.before(pad);
      const sheet = (297 - 36) * 96 / 25.4;  // A4 less the @page margins, in CSS px
      const table = section.querySelector('.table-wrap');  // the heading and its line fit, the table would not
      pad.style.height = (sheet - 30 - table.previousElementSibling.getBoundingClientRect().bottom - scrollY) + 'px';
    }""")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages]
    ref = refs.first.inner_text()
    heading_page = next(i for i, text in enumerate(pages) if "相关信访举报" in text)
    assert ref in pages[heading_page].replace("\n", ""), (heading_page, pages[heading_page][-200:])
    context.close()
    assert not errors

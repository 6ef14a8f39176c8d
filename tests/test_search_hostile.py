"""The search page over a hostile corpus, in Chromium: every string the portal hands Pagefind (titles,
filter values such as region names, the text excerpts come from, scope labels) stays inert text when
real searches return it, and is shown as the publisher wrote it.

Pagefind's bundled UI rendered filter values as HTML, so a region named ``乙市<img src=x onerror=…>``
ran script on search/ as soon as a query returned results. The site now has its own search interface
(theme/static/js/search.js) that builds the page from text nodes only, and does not publish Pagefind's UI.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import yaml
from conftest import MINI, build, serve
from test_hostile import HOSTILE
from test_search_browser import settled

AS_OF = "2026-11-01"
MARK = "恶意测试"  # every hostile item carries this word, so one search finds them all
# Markup payloads that can be a one-line name (region names and titles are single-line text).
ONE_LINE = [p for p in HOSTILE if "\n" not in p and not any(unicodedata.category(c) == "Cf" for c in p)]
EXTRA = [
    '<img src=x onerror="window.__pwned=1">',
    "</label><img src=x onerror=window.__pwned=1>",
    '" onmouseover="window.__pwned=1" x="',
    "' autofocus onfocus='window.__pwned=1' x='",
    "<mark>假的高亮</mark><img src=x onerror=window.__pwned=1>",
    "&lt;img src=x onerror=window.__pwned=1&gt;",
    "&amp;lt;b&amp;gt;",
    "<template><img src=x onerror=window.__pwned=1></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned=1>\">",
    "javascript:window.__pwned=1",
    '反斜杠\\"引号"%22%25&#34;',
]
PAYLOADS = ONE_LINE + EXTRA
# "template": the page's own word and filter-order lists (theme/templates/search.html); a <template>'s content is an
# inert fragment outside the document, so nothing in it is selected by "#search *" or can run
ALLOWED_TAGS = {"form", "label", "input", "button", "div", "fieldset", "legend", "details", "summary", "p", "ol",
                "li", "a", "mark", "template"}


def _write(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def make_content(target: Path) -> Path:
    """The mini fixture plus, for each payload, a region named by it (a filter value), a task whose title and
    text carry it, and a complaint in that region whose findings carry it."""
    shutil.copytree(MINI, target)
    regions = yaml.safe_load((target / "regions.yaml").read_text(encoding="utf-8"))
    complaints = []
    for i, payload in enumerate(PAYLOADS, 1):
        code = f"99{3 + i // 90:02d}{i % 90 + 10:02d}"
        regions.append({"code": code, "name": f"丙{i}区{payload}", "parent": "990000"})
        _write(target / "tasks" / f"S-{i:02d}.yaml", {
            "id": f"S-{i:02d}", "number": 200 + i, "title": f"{MARK} {payload}", "problem": f"{MARK} {payload}",
            "target": payload, "measures": [payload], "responsible_units": [payload], "supervising_units": ["测试省生态环境厅"],
            "acceptance_unit": "测试省生态环境厅", "regions": [code], "deadline": "立行立改",
            "history": [{"date": "2022-01-10", "status": "in_progress", "note": payload}],
        })
        complaints.append({"ref": f"S2CS20210601{i:04d}", "channel": "phone", "region": code, "types": ["水"],
                           "summary": f"{MARK} {payload}", "findings": payload, "handling": payload, "status": "handling"})
    _write(target / "regions.yaml", regions)
    _write(target / "complaints" / "3.yaml", {"batch": 3, "forwarded_on": "2021-06-01", "complaints": complaints})
    return target


EXPECTED_TITLES = {f"第{200 + i}项 {MARK} {p}" for i, p in enumerate(PAYLOADS, 1)}


@pytest.fixture(scope="module")
def hostile_search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile-search")
    content = make_content(root / "content")
    result = build(content, root / "output")
    assert result.code == 0, result.err
    assert not list((root / "output" / "pagefind").rglob("pagefind-ui.js"))  # Pagefind's own UI is not published
    with serve(root / "output", "hs") as url:
        yield url


@pytest.fixture(scope="module")
def hostile_sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same corpus split into one index per region, so scope labels are hostile region names too."""
    root = tmp_path_factory.mktemp("hostile-sharded")
    content = make_content(root / "content")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PORTAL_SEARCH_SHARD_MAX", "10")
        result = build(content, root / "output")
    assert result.code == 0, result.err
    with serve(root / "output", "hss") as url:
        yield url


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN")
    p = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    pwned = p.evaluate("window.__pwned")
    context.close()
    assert pwned is None
    assert dialogs == []
    assert errors == []


def _wait_for_results(page, query: str) -> None:  # type: ignore[no-untyped-def]
    settled(page, query)


def _show_everything(page) -> None:  # type: ignore[no-untyped-def]
    """Load every result and open every filter group, so that every string the index holds is on screen."""
    for _ in range(20):
        more = page.locator(".search-more")
        if not more.is_visible():
            break
        n = page.locator(".search-result").count()
        more.click()
        page.wait_for_function(f"() => document.querySelectorAll('.search-result').length > {n}", timeout=10000)
    names = page.locator(".search-filter-name")
    if names.count():  # opening one loads the filter indexes; then every filter with options is listed
        names.first.click()
        page.locator(".search-filter-label").first.wait_for()
        page.wait_for_function("() => document.getElementById('search').getAttribute('aria-busy') === 'false'")
        for details in page.locator(".search-filter").all():
            if not details.evaluate("d => d.open"):
                details.locator(".search-filter-name").click()
    page.wait_for_timeout(100)


def _assert_inert(page, root_url: str) -> None:  # type: ignore[no-untyped-def]
    tags = set(page.eval_on_selector_all("#search *", "els => els.map(e => e.tagName.toLowerCase())"))
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    attrs = page.eval_on_selector_all("#search *", "els => els.flatMap(e => Array.from(e.attributes, a => a.name))")
    assert not [a for a in attrs if a.lower().startswith("on")]
    site = urlsplit(root_url)
    for href in page.eval_on_selector_all("#search a", "els => els.map(e => e.getAttribute('href'))"):
        target = urlsplit(href)
        assert (target.scheme, target.netloc) == (site.scheme, site.netloc) and target.path.startswith(site.path), href
    assert page.evaluate("window.__pwned") is None


def test_results_and_filters_over_a_hostile_corpus_stay_text(page, hostile_search: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(hostile_search + "search/?q=" + quote(MARK))
    _wait_for_results(page, MARK)
    _show_everything(page)
    _assert_inert(page, hostile_search)
    titles = set(page.locator(".search-result-link").all_inner_texts())
    assert EXPECTED_TITLES <= titles, sorted(EXPECTED_TITLES - titles)[:5]  # shown as written, nothing lost
    labels = page.locator(".search-filter-label").all_inner_texts()
    for i, payload in enumerate(PAYLOADS, 1):
        assert any(label.startswith(f"丙{i}区{payload}（") for label in labels), payload
    # an excerpt is decoded text: a payload without '&' never shows an entity such as &lt;
    pairs = page.eval_on_selector_all(".search-result", "els => els.map(e => [e.querySelector('a').textContent,"
                                      " e.querySelector('.search-result-excerpt').textContent])")
    by_title = {f"第{200 + i}项 {MARK} {p}": p for i, p in enumerate(PAYLOADS, 1)}
    checked = 0
    for title, text in pairs:
        if title in by_title and "&" not in by_title[title]:
            assert not any(e in text for e in ("&lt;", "&gt;", "&amp;", "&quot;")), (title, text)
            checked += 1
    assert checked > 20


def test_choosing_a_hostile_filter_value_finds_its_items(page, hostile_search: str) -> None:  # type: ignore[no-untyped-def]
    """Filter values with quotes, backslashes, '%' and character references are listed as written and,
    when chosen, find exactly the items of that region (one task and one complaint each)."""
    page.goto(hostile_search + "search/?q=" + quote(MARK))
    _wait_for_results(page, MARK)
    page.locator(".search-filter-name", has_text="地区").click()
    chosen = [i for i, p in enumerate(PAYLOADS, 1) if any(c in p for c in '"\\%&')]
    assert len(chosen) >= 10
    for i in chosen:
        _toggle(page, i)
        assert page.locator(".search-message").inner_text() == f"找到 2 条与「{MARK}」相关的结果", PAYLOADS[i - 1]
        _assert_inert(page, hostile_search)
        assert f"第{200 + i}项 {MARK} {PAYLOADS[i - 1]}" in page.locator(".search-result-link").all_inner_texts()
        _toggle(page, i)  # unchoose it again


def _toggle(page, i: int) -> None:  # type: ignore[no-untyped-def]
    before = page.locator(".search-message").inner_text()
    page.locator(".search-filter-label", has_text=re.compile(f"^丙{i}区")).click()
    page.wait_for_function("b => document.querySelector('.search-message').textContent !== b", arg=before, timeout=10000)
    settled(page, MARK)


@pytest.mark.parametrize("query", ['<img src=x onerror="window.__pwned=1">', "</p><script>window.__pwned=1</script>",
                                   "「」<svg onload=window.__pwned=1>"])
def test_a_hostile_query_is_shown_as_text(page, hostile_search: str, query: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(hostile_search + "search/?q=" + quote(query) + "&scope=" + quote('"><img src=x onerror=window.__pwned=1>'))
    _wait_for_results(page, query.strip())
    _show_everything(page)
    _assert_inert(page, hostile_search)
    assert query.strip() in page.locator(".search-message").inner_text()
    assert page.locator("#search-input").input_value() == query


def test_every_scope_of_a_sharded_hostile_site_stays_inert(page, hostile_sharded: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(hostile_sharded + "search/")
    options = page.locator("#search-scope option").all()
    values = [o.get_attribute("value") for o in options]
    labels = [o.inner_text() for o in options]
    assert len(values) > 3
    assert any("onerror" in label for label in labels)  # region names became scope labels, as text
    for value in values:
        page.goto(hostile_sharded + f"search/?scope={quote(value)}&q={quote(MARK)}")
        _wait_for_results(page, MARK)
        _show_everything(page)
        _assert_inert(page, hostile_sharded)

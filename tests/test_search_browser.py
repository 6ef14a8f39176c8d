"""Search in a real browser (Debian's Chromium via Playwright) against the sample served on localhost."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import AS_OF, SAMPLE, local_page

from generator.derive.state import derive
from generator.load.reader import load

PORTAL = derive(load(SAMPLE), dt.date.fromisoformat(AS_OF))
LANDFILL_TASKS = {t.task.id for t in PORTAL.tasks if "垃圾填埋场" in t.task.title}


@pytest.fixture
def page(browser, served):  # type: ignore[no-untyped-def]
    context, p, errors, foreign = local_page(browser, served, locale="zh-CN", viewport={"width": 390, "height": 844})
    yield p
    context.close()
    assert not errors, errors
    assert not foreign, foreign  # everything is served from the site itself


def settled(page, query: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the search for ``query`` is done: the page says so (aria-busy) and the count names the query;
    the count is shown only once the first results are on screen."""
    page.wait_for_function("q => { const box = document.getElementById('search'), m = document.querySelector('.search-message');"
                           " return box && box.getAttribute('aria-busy') === 'false' && m && m.textContent.includes('「' + q + '」'); }",
                           arg=query, timeout=20000)


def result_links(page, query: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    if query:
        settled(page, query)
    page.wait_for_selector(".search-result-link", timeout=15000)
    return [a.get_attribute("href") for a in page.locator(".search-result-link").all()]


def result_count(page) -> int:  # type: ignore[no-untyped-def]
    message = page.locator(".search-message").inner_text()
    match = re.search(r"(\d+)", message)
    assert match, message
    return int(match.group(1))


def test_header_search_finds_the_landfill_task_on_the_first_page(page, served) -> None:  # type: ignore[no-untyped-def]
    assert LANDFILL_TASKS
    task = PORTAL.tasks[5]
    page.goto(served + task.url)
    page.fill("#site-search-q", "垃圾填埋场")
    page.press("#site-search-q", "Enter")  # the header form submits to search/?q=…
    page.wait_for_url(re.compile(r"/site/search/\?q="))
    links = result_links(page, "垃圾填埋场")
    assert 0 < len(links) <= 10
    found = {m.group(1) for link in links if (m := re.search(r"/site/tasks/([^/]+)/$", link))}
    assert found & LANDFILL_TASKS, links
    titles = page.locator(".search-result-title").all_inner_texts()
    assert any("垃圾填埋场" in t for t in titles) and not any(t.startswith(PORTAL.content.site.title) for t in titles)
    # results open the right page, under the sub-path
    page.locator(".search-result-link").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(served) and "垃圾填埋场" in page.locator("h1").inner_text() + page.content()


def test_region_filter_narrows_results(page, served) -> None:  # type: ignore[no-untyped-def]
    page.goto(served + "search/?q=" + "整改")
    result_links(page, "整改")
    before = result_count(page)
    city = next(r for r in PORTAL.regions if r.depth == 1 and r.children)
    group = page.locator("fieldset.search-filter-group", has_text="地区")
    if not group.is_visible():
        page.locator(".search-filter-name", has_text="地区").first.click()
    page.locator("label.search-filter-label", has_text=city.region.name).first.click()
    page.wait_for_function(f"() => !document.querySelector('.search-message').innerText.includes('{before}')")
    settled(page, "整改")
    after = result_count(page)
    assert 0 < after < before
    for link in result_links(page):
        assert "/site/" in link


def test_filter_indexes_load_only_when_a_filter_is_wanted(page, served) -> None:  # type: ignore[no-untyped-def]
    """A first search downloads no filter index (a city's are a sixth of its bytes); opening a filter loads them
    and lists its options with counts; an address that chooses a filter loads them at once."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(served + "search/?q=整改")
    result_links(page, "整改")
    total = result_count(page)
    assert any(".pf_index" in url for url in fetched) and not [url for url in fetched if ".pf_filter" in url]
    assert not [url for url in fetched if "order.json" in url]  # nor the filters' values
    names = page.locator(".search-filter-name").all_inner_texts()
    assert "地区" in names and "状态" in names  # the filters are offered before their indexes are loaded
    page.locator(".search-filter-name", has_text="状态").click()
    labels = page.locator(".search-filter[data-name='状态'] label.search-filter-label")
    labels.first.wait_for()
    assert [url for url in fetched if ".pf_filter" in url] and [url for url in fetched if url.endswith("search/order.json")]
    counts = [int(m.group(1)) for text in labels.all_inner_texts() if (m := re.search(r"（(\d+)）$", text))]
    assert counts and len(counts) == labels.count() and all(n > 0 for n in counts)
    assert sum(counts) == total  # every result has exactly one status
    assert result_count(page) == total  # the results shown did not change

    fetched.clear()
    status = re.sub(r"（\d+）$", "", labels.first.inner_text())
    page.goto(served + "search/?q=整改&状态=" + status)
    settled(page, "整改")
    assert [url for url in fetched if ".pf_filter" in url]
    assert page.get_by_role("checkbox", name=re.compile(f"^{status}（")).is_checked()
    assert result_count(page) == counts[0]


def test_the_filter_values_are_a_file_of_their_own_and_its_hant_copy_converts_only_labels(sample_site) -> None:  # type: ignore[no-untyped-def]
    import json
    from urllib.parse import unquote

    page = (sample_site / "search" / "index.html").read_text(encoding="utf-8")
    regions = [r.region.name for r in PORTAL.regions if r.tasks or r.complaints]
    assert regions and not any(f">{name}<" in page for name in regions)  # the page names no region as a filter value
    names = [unquote(name) for name in re.findall(r'<ul data-name="([^"]+)"', page.split('<template id="search-order">')[1])]
    order = json.loads((sample_site / "search" / "order.json").read_text(encoding="utf-8"))
    hant = json.loads((sample_site / "zh-hant" / "search" / "order.json").read_text(encoding="utf-8"))
    assert [unquote(name) for name, _ in order] == names and "地区" in names
    values = {unquote(name): [(unquote(v), label) for v, label in pairs] for name, pairs in order}
    assert all(value == label for pairs in values.values() for value, label in pairs)
    assert sorted(v for v, _ in values["地区"]) == sorted(set(regions))
    # the 繁體 copy: the same names and values (as the index holds them), the labels in 繁體
    assert [[name, [v for v, _ in pairs]] for name, pairs in hant] == [[name, [v for v, _ in pairs]] for name, pairs in order]
    hant_labels = [label for _, pairs in hant for _, label in pairs]
    assert "已銷號" in hant_labels and "已销号" not in hant_labels


@pytest.mark.parametrize("where, field", [("search/", "#ref-search"), ("", "#ref-home")])
def test_reference_number_lookup_goes_to_the_complaint(page, served, where: str, field: str) -> None:  # type: ignore[no-untyped-def]
    c = PORTAL.complaints[12]
    page.goto(served + where)
    typed = "  " + "".join(chr(ord(ch) + 0xFEE0) for ch in c.complaint.ref.lower()) + " "  # full-width, lower case
    page.fill(field, typed)
    page.press(field, "Enter")
    page.wait_for_url(served + c.url)
    assert c.complaint.ref in page.locator("h1").inner_text()


def test_unknown_reference_number_says_so(page, served) -> None:  # type: ignore[no-untyped-def]
    page.goto(served + "search/")
    page.fill("#ref-search", "D2JC209912310000")
    page.click("form.ref-lookup button")
    message = page.locator(".lookup-message")
    message.wait_for(state="visible")
    # the look-up says 正在查询 first, then its answer: wait for the answer, not the first words
    page.wait_for_function("() => !/正在/.test(document.querySelector('.lookup-message').innerText)")
    text = message.inner_text()
    assert "没有找到受理编号为「D2JC209912310000」的信访举报" in text and "回执" in text
    assert page.url == served + "search/"


def test_without_javascript_the_search_page_points_to_the_listings(browser, served) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "search/?q=垃圾")
    body = page.locator("main").inner_text()
    assert "需要浏览器启用 JavaScript" in body
    for label in ("整改任务（按状态）", "整改任务（按地区）", "信访举报（按批次、按地区）"):
        assert page.locator("main a", has_text=label).count() == 1
    context.close()


# -- a site too big for one index: shards and scopes (generator/index/pagefind.py) ---------------------

SHARD_MAX = "100"  # the sample's 393 items then make an overview shard and one shard per city


@pytest.fixture(scope="session")
def sharded(tmp_path_factory):  # type: ignore[no-untyped-def]
    from conftest import build, serve

    output = tmp_path_factory.mktemp("sharded") / "output"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PORTAL_SEARCH_SHARD_MAX", SHARD_MAX)
        result = build(SAMPLE, output)
    assert result.code == 0, result.err
    with serve(output) as url:
        yield url


def _city_of(c):  # type: ignore[no-untyped-def]
    view = PORTAL.region_by_code[c.complaint.region[0]]
    while view.depth > 1:
        view = view.parent
    return view


def _search(page, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.locator("#search-input").fill(query)
    page.locator("#search-input").press("Enter")
    settled(page, query)
    if page.locator(".search-message").inner_text().startswith("没有找到"):
        return []
    return [a.get_attribute("href") for a in page.locator(".search-result-link").all()]


def test_a_sharded_site_searches_one_scope_at_a_time(browser, sharded) -> None:  # type: ignore[no-untyped-def]
    context, page, errors, foreign = local_page(browser, sharded, locale="zh-CN", viewport={"width": 390, "height": 844})
    complaints = [c for c in PORTAL.complaints if c.complaint.region and _city_of(c).depth == 1]
    first = complaints[0]
    other = next(c for c in complaints if _city_of(c).region.code != _city_of(first).region.code)
    scope = f"r-{_city_of(first).region.code}"

    page.goto(sharded + "search/?q=垃圾填埋场")
    options = page.locator("#search-scope option").all_inner_texts()
    assert options[0].startswith("整改任务和销号公示") and options[-1].startswith("全部地区")
    assert any(o.startswith(_city_of(first).region.name) or _city_of(first).region.name in o for o in options)
    # the default scope: tasks and notices of every region, no complaints
    links = result_links(page, "垃圾填埋场")
    assert links and all("/complaints/" not in link for link in links), links
    assert not _search(page, first.complaint.ref)

    # the complaint's city: found; it opens the complaint's page
    page.select_option("#search-scope", scope)
    assert page.url.endswith(f"scope={scope}") or f"scope={scope}" in page.url
    assert [link for link in _search(page, first.complaint.ref) if link.endswith(first.url)]
    assert not _search(page, other.complaint.ref)  # another city's complaint is not in this scope

    # 全部地区 merges every region's index; ?scope= opens it directly
    page.goto(sharded + f"search/?scope=everything&q={first.complaint.ref}")
    assert page.locator("#search-scope").input_value() == "everything"
    assert [link for link in result_links(page, first.complaint.ref) if link.endswith(first.url)]
    assert [link for link in _search(page, other.complaint.ref) if link.endswith(other.url)]
    context.close()
    assert not errors, errors
    assert not foreign, foreign


def test_a_search_that_never_answers_says_so_and_what_works_instead(page, served) -> None:  # type: ignore[no-untyped-def]
    """Pagefind's bundle stalled (a request that is never answered): after the page's data-timeout (15 s as
    published; 1 s here, set on the page as a publisher could) the page stops saying 正在搜索, says the search did
    not answer, and offers the look-up by number and the lists; once the bundle answers again, a new search
    finds results."""
    page.goto(served + "search/")
    assert page.locator("#search").get_attribute("data-timeout") == "15"
    stalled: list[str] = []
    page.route("**/pagefind/**", lambda route: stalled.append(route.request.url))  # never fulfilled
    try:
        page.evaluate("document.getElementById('search').setAttribute('data-timeout', '1')")
        page.fill("#search-input", "垃圾填埋场")
        page.press("#search-input", "Enter")
        page.wait_for_function("() => !document.querySelector('.search-message').textContent.includes('正在搜索')",
                               timeout=10000)
        assert stalled, "the search did not ask for its bundle"
        text = page.locator(".search-message").inner_text()
        assert "搜索没有响应（等待了 1 秒）" in text and "按受理编号查询信访举报" in text, text
        assert page.locator("#search").get_attribute("aria-busy") == "false"
        assert not page.locator(".search-result").count()
        fallback = page.locator(".search-fallback")
        assert fallback.is_visible()
        hrefs = {a.inner_text(): a.evaluate("a => a.href") for a in fallback.locator("a").all()}
        assert hrefs["整改任务（按状态）"] == served + "tasks/" and hrefs["信访举报（按批次、按地区）"] == served + "complaints/"
        assert hrefs["销号公示"] == served + "announcements/"
        fallback.get_by_text("按受理编号查询信访举报").click()
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'ref-search'")
        page.keyboard.type(PORTAL.complaints[0].complaint.ref)  # the link leads to the number's box
        assert page.locator("#ref-search").input_value() == PORTAL.complaints[0].complaint.ref
    finally:
        page.unroute("**/pagefind/**")
    page.evaluate("document.getElementById('search').setAttribute('data-timeout', '15')")
    page.fill("#search-input", "垃圾")
    page.press("#search-input", "Enter")
    assert result_links(page, "垃圾")
    assert not page.locator(".search-fallback").is_visible()

"""The search page in a real browser (Debian's Chromium via Playwright), on the sample served on localhost:
the 繁體 reading searches the Simplified index with the query converted (zh-hant/t2s.json) and links to 繁體
pages; excerpts carry no Markdown; filter options are in a reader's order and each finds something; a
filtered search lives in the address; the search box has a name.

Expected values come from the content (regions.yaml, the labels of generator/models.py) and from the search
documents' own filters (generator/index/whoosh_index.documents), not from search.js."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from urllib.parse import unquote

import pytest
import yaml
from conftest import AS_OF, REPO, SAMPLE, local_page

from generator.derive.state import derive
from generator.index.whoosh_index import documents
from generator.load.reader import load
from generator.models import COMPLAINT_STATUS_LABELS, NOTICE_STATE_LABELS, TASK_STATUS_LABELS

PORTAL = derive(load(SAMPLE), dt.date.fromisoformat(AS_OF))
FILTERS_BY_PAGE = {d.path: d.filters for d in documents(PORTAL)}
BOLD = "焦化企业"  # in the bold first line of a notice's summary: "**第29项：北岭市岭北区焦化企业无组织排放问题突出**"
BOLD_NOTICE = next(n for n in PORTAL.notices if n.ann.summary.lstrip().startswith("**")
                   and BOLD in n.ann.summary.splitlines()[0])
AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"


def _regions_in_order() -> list[str]:
    """regions.yaml's regions by level (the province, the cities, the counties), each level in file order."""
    rows = yaml.safe_load((SAMPLE / "regions.yaml").read_text(encoding="utf-8"))
    parent = {str(r["code"]): str(r.get("parent") or "") for r in rows}

    def depth(code: str) -> int:
        return 0 if not parent[code] else 1 + depth(parent[code])

    return [r["name"] for _, r in sorted(enumerate(rows), key=lambda ir: (depth(str(ir[1]["code"])), ir[0]))]


@pytest.fixture(scope="module")
def page(browser, served):  # type: ignore[no-untyped-def]
    context, p, errors, foreign = local_page(browser, served, locale="zh-CN", viewport={"width": 390, "height": 844})
    yield p
    context.close()
    assert not errors, errors
    assert not foreign, foreign


def settled(page, query: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function("q => { const box = document.getElementById('search'), m = document.querySelector('.search-message');"
                           " return box && box.getAttribute('aria-busy') === 'false' && m && m.textContent.includes('「' + q + '」'); }",
                           arg=query, timeout=20000)


def search(page, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type ``query`` into the page's search box and press Enter; the result links (site-relative)."""
    page.get_by_role("searchbox", name=re.compile("搜索关键词|搜索關鍵詞")).fill(query)
    page.keyboard.press("Enter")
    settled(page, query)
    return links(page)


def links(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.get_attribute("href") for a in page.locator(".search-result-link").all()]


def open_filter(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Open one filter (its options load then, with their counts) and wait until they are listed."""
    details = page.locator(f".search-filter[data-name='{name}']")
    if not details.evaluate("d => d.open"):
        details.locator(".search-filter-name").click()
    details.locator("label.search-filter-label").first.wait_for()
    page.wait_for_function("() => document.getElementById('search').getAttribute('aria-busy') === 'false'")


def options(page, name: str) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    """(label, count) of every option of one filter, as listed (opened first: its options load then)."""
    open_filter(page, name)
    out = []
    for text in page.locator(f".search-filter[data-name='{name}'] label.search-filter-label").all_text_contents():
        m = re.fullmatch(r"(.*)（(\d+)）", text)
        assert m, text
        out.append((m.group(1), int(m.group(2))))
    return out


def test_the_hant_search_converts_the_query_and_links_to_hant_pages(page, served: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(served + "search/")
    simplified = search(page, "污水处理厂")
    assert len(simplified) == 6, simplified  # the figure of the report: 6 items name it
    assert all(link.startswith(served) and "/zh-hant/" not in link for link in simplified)

    page.goto(served + "zh-hant/search/")
    traditional = search(page, "汙水處理廠")  # 汙 is Taiwan's 污: converted by OpenCC's tw2s, not by s2t's inverse
    assert traditional == [link.replace(served, served + "zh-hant/", 1) for link in simplified]
    assert page.locator(".search-message").inner_text() == "找到 6 條與「汙水處理廠」相關的結果"
    assert page.locator(".search-filter-panel legend").first.inner_text() == "篩選"
    page.locator(".search-result-link").first.click()
    page.wait_for_url(traditional[0])
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"


def test_the_hant_look_up_lands_on_the_hant_complaint_page(page, served: str) -> None:  # type: ignore[no-untyped-def]
    c = PORTAL.complaints[12]
    page.goto(served + "zh-hant/search/")
    page.fill("#ref-search", c.complaint.ref.lower())
    page.press("#ref-search", "Enter")
    page.wait_for_url(served + "zh-hant/" + c.url)
    assert c.complaint.ref in page.locator("h1").inner_text()


def test_excerpts_carry_no_markdown(page, served: str) -> None:  # type: ignore[no-untyped-def]
    heading = BOLD_NOTICE.ann.summary.strip().splitlines()[0].strip("*")  # the bold first line, as a reader sees it
    page.goto(served + "search/")
    found = search(page, BOLD)
    assert served + BOLD_NOTICE.url in found
    excerpt = page.locator(".search-result").nth(found.index(served + BOLD_NOTICE.url)).locator(".search-result-excerpt")
    assert heading[heading.index(BOLD):] in excerpt.inner_text()  # the excerpt is the summary's first line
    assert not [text for text in page.locator(".search-result-excerpt").all_inner_texts() if "**" in text]


def test_filter_options_in_a_readers_order_each_finding_something(page, served: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(served + "search/?q=整改")
    settled(page, "整改")
    regions = [label for label, _ in options(page, "地区")]
    order = _regions_in_order()
    assert len(regions) > 5 and regions == sorted(regions, key=order.index), regions
    assert regions[0] == order[0]  # the province first, then its cities, then their counties
    statuses = [label for label, _ in options(page, "状态")]
    labels = [*TASK_STATUS_LABELS.values(), *COMPLAINT_STATUS_LABELS.values(), *NOTICE_STATE_LABELS.values()]
    assert len(statuses) > 3 and statuses == sorted(statuses, key=labels.index), statuses

    # one status chosen: each region's count is what choosing it gives, so no option finds nothing
    open_filter(page, "状态")
    page.locator("label.search-filter-label", has_text="已销号").click()
    page.wait_for_url(re.compile("%E5%B7%B2%E9%94%80%E5%8F%B7"))  # 已销号 in the address
    settled(page, "整改")
    page.wait_for_function("() => /找到 \\d+ 条/.test(document.querySelector('.search-message').textContent)")
    shown = links(page)
    expected = Counter(value for link in shown for name, value in FILTERS_BY_PAGE[link.removeprefix(served)]
                       if name == "地区")
    assert shown and dict(options(page, "地区")) == dict(expected)
    assert all(count > 0 for _, count in options(page, "地区"))
    # the chosen filter's own options still offer the other statuses
    assert len(options(page, "状态")) > 1


def showing(page, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Wait until the results on screen are ``expected`` (the first page of them) and the search is done."""
    page.wait_for_function("want => document.getElementById('search').getAttribute('aria-busy') === 'false' &&"
                           " JSON.stringify([...document.querySelectorAll('.search-result-link')].map(a => a.href))"
                           " === JSON.stringify(want)", arg=expected[:10], timeout=20000)


def test_a_filtered_search_is_kept_in_the_address(page, served: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(served + "search/?q=整改")
    settled(page, "整改")
    unfiltered = links(page)
    city = next(label for label, _ in options(page, "地区") if label.endswith("市"))
    open_filter(page, "地区")
    page.locator("label.search-filter-label", has_text=city).first.click()
    page.wait_for_url(re.compile(r"%E5%9C%B0%E5%8C%BA="))  # 地区=
    page.wait_for_function("n => document.querySelectorAll('.search-result').length !== n", arg=len(unfiltered))
    settled(page, "整改")
    filtered, url = links(page), page.url
    assert unquote(url).endswith(f"?q=整改&地区={city}") and filtered and filtered != unfiltered

    page.go_back()  # the search before the filter was chosen
    showing(page, unfiltered)
    assert page.url == served + "search/?q=%E6%95%B4%E6%94%B9" and not page.locator(".search-filter input:checked").count()
    page.go_forward()
    showing(page, filtered)

    page.reload()  # the address alone gives the same search
    showing(page, filtered)
    assert page.get_by_role("checkbox", name=re.compile(f"^{city}（")).is_checked()


def test_the_search_box_has_a_name_of_its_own(page, served: str) -> None:  # type: ignore[no-untyped-def]
    for where, name in (("search/", "搜索关键词"), ("zh-hant/search/", "搜索關鍵詞")):
        page.goto(served + where)
        box = page.get_by_label(name, exact=True)
        assert box.count() == 1 and box.is_visible() and box.get_attribute("id") == "search-input"
        label = page.locator("label[for='search-input']")
        assert label.is_visible() and label.bounding_box()["height"] >= 12  # a label one can see, not a title
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: (cd tests/js && npm ci)")
    page.goto(served + "search/?q=整改")
    settled(page, "整改")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'rule', values: ['label', 'label-title-only',
        'landmark-unique', 'duplicate-id']}})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
    assert found == []


def test_the_t2s_table_is_compact(sample_site) -> None:  # type: ignore[no-untyped-def]
    import gzip

    raw = (sample_site / "zh-hant" / "t2s.json").read_bytes()
    table = json.loads(raw)
    assert table["config"] == "tw2s" and len(table["phrases"]) > 100
    assert len(gzip.compress(raw, 9)) < 20_000  # measured 16.6 kB; Pagefind itself loads about 85 kB (js + wasm)


def test_the_hant_look_up_speaks_hant(page, served: str) -> None:  # type: ignore[no-untyped-def]
    """Every message of the look-up on a 繁體 page is in 繁體: the Simplified words these messages are made of
    (没有 编号 为 信访举报 请核对 来电 来信 网络) do not appear, their Traditional forms do."""
    missing = PORTAL.complaints[0].complaint.ref[:-4] + "9999"
    assert all(c.complaint.ref != missing for c in PORTAL.complaints)
    page.goto(served + "zh-hant/complaints/")
    out = page.locator("#ref-complaints ~ .lookup-message")
    page.fill("#ref-complaints", missing)
    page.press("#ref-complaints", "Enter")
    page.wait_for_function("() => document.querySelector('.lookup-message').innerText.includes('信訪舉報。')")
    text = out.inner_text()
    assert f"沒有找到受理編號為「{missing}」的信訪舉報。" in text
    assert "請核對編號" in text and "D（來電）、X（來信）或 W（網絡）" in text and "刚交办" not in text
    assert not re.search("[没编为访举报请对来电网络]", text), text

    page.fill("#ref-complaints", "第3号")  # not a number at all
    page.press("#ref-complaints", "Enter")
    page.wait_for_function("() => document.querySelector('.lookup-message').innerText.includes('不是受理編號')")
    text = out.inner_text()
    assert "「第3号」不是受理編號。" in text  # the typed text is shown as typed, the words around it in 繁體
    assert not re.search("[没编为访举报请对来电网络]", text.replace("第3号", "")), text


def test_the_hant_search_says_in_hant_when_it_did_not_answer(page, served: str) -> None:  # type: ignore[no-untyped-def]
    """The timeout message and what works instead, on zh-hant/search/: 繁體, and links to the 繁體 lists."""
    page.route("**/pagefind/**", lambda route: None)  # the bundle never answers
    try:
        page.goto(served + "zh-hant/search/")
        page.evaluate("document.getElementById('search').setAttribute('data-timeout', '1')")
        page.get_by_role("searchbox", name="搜索關鍵詞").fill("汙水")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('.search-message').textContent.includes('沒有響應')",
                               timeout=10000)
        text = page.locator(".search-message").inner_text()
        assert "搜索沒有響應（等待了 1 秒）" in text and "按受理編號查詢信訪舉報" in text
        assert not re.search("[没响应编询访举报栏]", text), text
        fallback = page.locator(".search-fallback")
        assert fallback.is_visible()
        hrefs = [a.evaluate("a => a.href") for a in fallback.locator("a").all()]
        assert served + "zh-hant/tasks/" in hrefs and served + "zh-hant/complaints/" in hrefs, hrefs
        assert all(h.startswith(served + "zh-hant/") for h in hrefs), hrefs
    finally:
        page.unroute("**/pagefind/**")

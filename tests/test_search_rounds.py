"""Search across rounds (version-2 content, tests/fixtures/rounds): the browser search's 轮次 filter,
`portal search --inspection`, and the reference look-up of complaints of every round.

Expected values come from tests/fixtures/rounds/README.md and its files: 渗滤液 is in the titles of T-1 (第二轮)
and R3-1 (第三轮), in the summary of complaint D3CS202506010001 (第三轮, batch 1 of r3), and in the text of
notice N-1 (第二轮), which carries its task T-1's title. Both rounds have a batch 1.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import AS_OF, MINI, ROUNDS, local_page, portal, serve

from generator.derive.state import derive
from generator.index.whoosh_index import documents
from generator.load.reader import load

pytestmark = pytest.mark.slow  # builds the rounds site and whoosh indexes

LEACHATE = {"T-1", "R3-1", "D3CS202506010001", "N-1"}  # every item that mentions 渗滤液
LEACHATE_R3 = {"R3-1", "D3CS202506010001"}
LEACHATE_R2 = {"T-1", "N-1"}
ROUND_OF = {"T-1": "第二轮", "T-2": "第二轮", "N-1": "第二轮", "D2CS202105110001": "第二轮", "X2CS202105100002": "第二轮",
            "R3-1": "第三轮", "R3-2": "第三轮", "D3CS202506010001": "第三轮", "D3CS202506010002": "第三轮"}
PAGES = {"T-1": "tasks/T-1/", "R3-1": "tasks/R3-1/", "N-1": "announcements/N-1/",
         "D3CS202506010001": "complaints/D3CS202506010001/", "D2CS202105110001": "complaints/D2CS202105110001/"}


@pytest.fixture(scope="module")
def site(rounds_site: Path) -> Iterator[str]:
    with serve(rounds_site) as url:
        yield url


# -- what the browser search files each item under ------------------------------------------------------


def _round_filters(content: Path) -> dict[str, list[str]]:
    portal_ = derive(load(content), dt.date.fromisoformat(AS_OF))
    return {d.item_id: [value for name, value in d.filters if name == "轮次"] for d in documents(portal_)}


def test_every_item_of_two_rounds_names_its_round() -> None:
    assert _round_filters(ROUNDS) == {item: [label] for item, label in ROUND_OF.items()}


def test_one_inspection_has_no_round_filter() -> None:
    found = _round_filters(MINI)  # version 1: the one inspection of site.yaml
    assert found and all(values == [] for values in found.values()), found


# -- the browser: the 轮次 filter, and the look-up of both rounds' batch 1 --------------------------------


def _settled(page, query: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function("q => { const box = document.getElementById('search'), m = document.querySelector('.search-message');"
                           " return box && box.getAttribute('aria-busy') === 'false' && m && m.textContent.includes('「' + q + '」'); }",
                           arg=query, timeout=20000)


def _found(page, site: str) -> set[str]:  # type: ignore[no-untyped-def]
    """The items of the results on screen, by the page each links to."""
    by_page = {page_: item for item, page_ in PAGES.items()}
    links = [a.get_attribute("href") for a in page.locator(".search-result-link").all()]
    return {by_page.get(link.removeprefix(site), link) for link in links}


def test_round_filter_keeps_one_round(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    context, page, errors, foreign = local_page(browser, site, locale="zh-CN", viewport={"width": 390, "height": 844})
    page.goto(site + "search/?q=渗滤液")
    _settled(page, "渗滤液")
    assert _found(page, site) == LEACHATE
    page.locator(".search-filter-name", has_text="轮次").click()  # the filter indexes load when a filter is opened
    page.locator(".search-filter[data-name='轮次'] label.search-filter-label").first.wait_for()
    labels = page.locator(".search-filter[data-name='轮次'] label.search-filter-label").all_inner_texts()
    assert labels == ["第三轮（2）", "第二轮（2）"]  # sorted by code point: 三 (U+4E09) before 二 (U+4E8C)
    page.locator(".search-filter[data-name='轮次'] label.search-filter-label", has_text="第三轮").click()
    page.wait_for_function("() => document.querySelectorAll('.search-result-link').length === 2")
    _settled(page, "渗滤液")
    assert _found(page, site) == LEACHATE_R3
    assert re.search(r"找到 2 条", page.locator(".search-message").inner_text())
    context.close()
    assert not errors, errors
    assert not foreign, foreign


def test_reference_look_up_finds_batch_1_of_both_rounds(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    context, page, errors, foreign = local_page(browser, site, locale="zh-CN")
    for ref in ("D3CS202506010001", "D2CS202105110001"):  # batch 1 of r3 and batch 1 of r2
        page.goto(site)
        page.fill("#ref-home", ref.lower())
        page.press("#ref-home", "Enter")
        page.wait_for_url(site + PAGES[ref])
        assert ref in page.locator("h1").inner_text()
    context.close()
    assert not errors, errors
    assert not foreign, foreign


# -- portal search --inspection ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("search-rounds") / "index"


def _search(index_dir: Path, *args: str, content: Path = ROUNDS) -> set[str]:
    result = portal("search", "--content", content, "--as-of", AS_OF, "--index", index_dir, *args)
    assert result.code == 0, result.err
    return {line.split("\t")[0] for line in result.out.splitlines()}


def test_search_without_inspection_finds_both_rounds(index_dir: Path) -> None:
    assert _search(index_dir, "渗滤液") == LEACHATE


@pytest.mark.parametrize("inspection, expected", [("r3", LEACHATE_R3), ("第三轮", LEACHATE_R3), ("r2", LEACHATE_R2),
                                                  ("第二轮", LEACHATE_R2)])
def test_inspection_by_id_or_label_keeps_one_round(index_dir: Path, inspection: str, expected: set[str]) -> None:
    assert _search(index_dir, "渗滤液", "--inspection", inspection) == expected


def test_reference_number_within_another_round_finds_nothing(index_dir: Path) -> None:
    assert _search(index_dir, "D3CS202506010001", "--inspection", "r3") == {"D3CS202506010001"}
    assert _search(index_dir, "D3CS202506010001", "--inspection", "r2") == set()


def test_unknown_inspection_names_the_known_ones(index_dir: Path) -> None:
    result = portal("search", "--content", ROUNDS, "--as-of", AS_OF, "--index", index_dir, "渗滤液", "--inspection", "r9")
    assert result.code != 0 and not result.out
    assert "“r9”" in result.err and "r2（第二轮）" in result.err and "r3（第三轮）" in result.err


def test_version_1_content_has_one_inspection_to_name(tmp_path: Path) -> None:
    result = portal("search", "--content", MINI, "--as-of", AS_OF, "--index", tmp_path / "index", "渗滤液", "--inspection", "r3")
    assert result.code != 0
    assert "main（第二轮中央生态环境保护督察）" in result.err  # the id and the title of site.yaml's inspection

"""Several inspections in one portal (content format version 2), as a reader of the built site sees them:
a page per inspection and their list, latest first; a problem closed out in round 2 and pointed out again
in round 3 flagged on both tasks and on the 数据核查 page; two rounds that both have a batch 1; a repeated
complaint linked both ways. Version-1 content builds as before (tests/test_sample.py and the rest)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.slow  # one real build of the content below


@pytest.fixture
def site(rounds_site: Path) -> Path:
    """tests/fixtures/rounds built: the mini content moved to version 2 (round 2 in inspections/r2.yaml), with
    a round 3 of two plans (测试省 and 邻省) whose task R3-1 takes up round 2's closed T-1 again and whose
    batch 1 repeats a round-2 complaint."""
    return rounds_site


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def links(soup: BeautifulSoup, where: str = "main") -> list[str]:
    area = soup.select_one(where)
    assert area is not None
    return [a["href"] for a in area.find_all("a", href=True)]


def test_every_inspection_has_a_page_and_the_list_puts_the_latest_first(site: Path) -> None:
    listing = page(site, "inspections")
    titles = [h.get_text(strip=True) for h in listing.select(".inspection-item h2")]
    assert titles == ["第三轮中央生态环境保护督察", "第二轮中央生态环境保护督察"]
    r3 = page(site, "inspections/r3")
    assert r3.h1 is not None and r3.h1.get_text(strip=True) == "第三轮中央生态环境保护督察"
    facts = r3.select_one(".inspection-facts")
    assert facts is not None and "中央第五生态环境保护督察组" in facts.get_text() and "2025年9月1日" in facts.get_text()
    assert "../../tasks/R3-1/" in links(r3) and "../../tasks/T-1/" not in links(r3)  # its own tasks only
    assert "../../complaints/batch/r3/1/" in links(r3)
    # its figures: two tasks (R3-1 in progress, R3-2 completed), one of them done
    figures = [d.get_text(" ", strip=True) for d in r3.select("#progress-heading ~ dl .figure dd")]
    assert figures[0].startswith("2") and figures[1].startswith("1")


def test_the_home_page_and_the_navigation_show_every_round(site: Path) -> None:
    home = page(site, ".")
    assert [h.get_text(strip=True) for h in home.select(".rounds h3")] == ["第三轮中央生态环境保护督察",
                                                                          "第二轮中央生态环境保护督察"]
    nav = [a.get_text(strip=True) for a in home.select("nav a")]
    assert "督察轮次" in nav


def test_a_problem_pointed_out_again_is_flagged_on_both_tasks_and_listed_with_its_dates(site: Path) -> None:
    earlier = page(site, "tasks/T-1")
    alert = earlier.select_one(".alert-again")
    assert alert is not None
    text = alert.get_text("", strip=True)
    assert "第三轮中央生态环境保护督察（2025年9月1日反馈）又指出了这一问题" in text
    assert "../../tasks/R3-1/" in [a["href"] for a in alert.find_all("a")]
    assert any(f.get_text(strip=True) == "再次被督察指出" for f in earlier.select(".flag-again"))
    later = page(site, "tasks/R3-1")
    follows = later.select_one("ul.follows")
    assert follows is not None and [a["href"] for a in follows.find_all("a")] == ["../../tasks/T-1/"]
    assert "第二轮·第1项" in follows.get_text()
    checks = page(site, "checks")
    group = checks.find(id="again")
    assert group is not None
    section = group.find_parent("section") or group.parent
    row = section.get_text(" ", strip=True)
    # T-1 was closed out on 2024-01-20 (its history); round 3 fed back on 2025-09-01
    assert "2024年1月20日销号" in row and "第三轮（2025年9月1日反馈）再次指出" in row
    # every round numbers its tasks from 1 (T-1 and R3-1 and R3-2 are all 第1项): names carry the round
    assert "见第三轮·第1项 甲市某垃圾填埋场渗滤液问题整改不彻底" in row
    assert later.h1 is not None and later.h1.get_text(strip=True) == "第三轮·第1项 甲市某垃圾填埋场渗滤液问题整改不彻底"
    assert earlier.title is not None and earlier.title.get_text().startswith("第二轮·第1项 ")
    changes = [li.get_text(" ", strip=True) for li in page(site, ".").select("main li")]
    assert any("第三轮·第1项" in c for c in changes) and not any(re.search(r"(?<![·题])第1项", c) for c in changes)  # 反馈问题第1项: a notice's own title


def test_two_rounds_each_have_their_own_batch_1(site: Path) -> None:
    # a batch that names its inspection lives under it, wherever its file is (complaints/1.yaml names r2)
    assert (site / "complaints" / "batch" / "r2" / "1" / "index.html").is_file()
    assert not (site / "complaints" / "batch" / "1").exists()
    r3_batch = page(site, "complaints/batch/r3/1")
    assert "../../../../complaints/D3CS202506010001/" in links(r3_batch)
    listing = page(site, "complaints")
    names = [a.get_text(strip=True) for a in listing.select("#batches-heading ~ div a")]
    assert "第三轮·第1批" in names and "第二轮·第1批" in names


def test_a_repeated_complaint_is_linked_both_ways(site: Path) -> None:
    later = page(site, "complaints/D3CS202506010001")
    assert "../../complaints/D2CS202105110001/" in links(later)
    assert re.search(r"重复件", later.get_text())
    earlier = page(site, "complaints/D2CS202105110001")
    assert "../../complaints/D3CS202506010001/" in links(earlier)


def test_listings_that_mix_rounds_name_each_row_s_round(site: Path) -> None:
    def column(soup: BeautifulSoup, label: str) -> list[str]:
        return [td.get_text(strip=True) for td in soup.select(f'main td[data-label="{label}"]')]

    # the task list holds both rounds: T-1 and T-2 answer round 2, R3-1 and R3-2 round 3 (the fixture's tasks)
    assert sorted(column(page(site, "tasks"), "轮次")) == ["第三轮", "第三轮", "第二轮", "第二轮"]
    # a region's complaints come from both rounds' batches 1 (甲市东区: D2CS…0001 in round 2, D3CS…0001 in round 3)
    region = page(site, "complaints/region/990102")
    assert sorted(column(region, "批次")) == ["第三轮·第1批", "第二轮·第1批"]
    # a table of one round or one batch does not repeat it on every row
    assert column(page(site, "inspections/r3"), "轮次") == []
    assert column(page(site, "complaints/batch/r3/1"), "批次") == []

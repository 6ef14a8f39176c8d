"""An acceptance of several steps (验收链: 县级验收 → 市级验收 → 行业审查 → 省级销号) on a close-out notice: it is
loaded and checked (steps in date order; the notice starts on or after the last step, the deciding one), and
the notice's page and the page of each task it covers show it as a timeline, earliest first.

The content is the mini fixture (tests/fixtures/mini) with notice N-1's one acceptance
``{unit: 测试省生态环境厅, date: 2023-12-01, opinion: 同意验收}`` (line 6; the notice period, line 4, runs from
2024-01-02 to 2024-01-10; T-1 was accepted on 2023-12-01 and closed on 2024-01-20 after it) replaced by
:data:`CHAIN`, whose steps are on lines 7 to 10 and whose last step keeps that unit and date. A one-step
acceptance renders exactly as before: /work/notes/samecheck.sh compares the sample site byte for byte.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import MINI, build, check, edit

from generator.load.reader import load

pytestmark = pytest.mark.slow  # one real build of the content below (the checks alone are quick)

ONE = "acceptance: {unit: 测试省生态环境厅, date: 2023-12-01, opinion: 同意验收}\n"
STEPS = [  # (stage, unit, date, opinion), earliest first
    ("县级验收", "甲市东区生态环境分局", "2023-11-10", "同意通过县级验收"),
    ("市级验收", "甲市生态环境局", "2023-11-20", "同意通过市级验收"),
    ("行业审查", "测试省住房和城乡建设厅", "2023-11-25", "审查通过"),
    ("省级销号", "测试省生态环境厅", "2023-12-01", "同意验收，予以销号"),
]
CHAIN = "acceptance:\n" + "".join(
    f"  - {{stage: {stage}, unit: {unit}, date: {date}, opinion: {opinion}}}\n" for stage, unit, date, opinion in STEPS)


def chained(content: Path) -> Path:
    edit(content, "announcements/N-1.yaml", ONE, CHAIN)
    return content


# -- load and check ------------------------------------------------------------------------------

def test_a_chain_of_four_steps_is_read_in_order_and_passes(mini: Path) -> None:
    result = check(chained(mini))
    assert result.code == 0, result.err
    (n1,) = load(mini).announcements
    assert [(s.stage, s.unit, s.date.isoformat(), s.opinion) for s in n1.acceptance_steps] == STEPS
    last = n1.final_acceptance
    assert last is not None and (last.stage, last.unit, last.date.isoformat()) == STEPS[3][:3]


def test_the_one_mapping_form_is_one_step(mini: Path) -> None:
    (n1,) = load(mini).announcements
    assert [(s.stage, s.unit, s.date.isoformat()) for s in n1.acceptance_steps] == [("", "测试省生态环境厅", "2023-12-01")]
    assert n1.final_acceptance is n1.acceptance


def test_steps_out_of_order_are_refused_with_file_line_field_and_hint(mini: Path) -> None:
    # 市级验收 (the second step, line 8) dated before 县级验收 (2023-11-10)
    edit(chained(mini), "announcements/N-1.yaml", "date: 2023-11-20", "date: 2023-11-05")
    result = check(mini)
    assert result.code == 2
    assert ("content/announcements/N-1.yaml:8: acceptance[1].date: 验收第 2 步（市级验收）的日期 2023-11-05 "
            "早于上一步（县级验收）的日期 2023-11-10") in result.err, result.err
    assert "提示：验收的各个步骤按时间从早到晚排列" in result.err


def test_a_notice_may_not_start_before_the_last_step_even_after_the_first(mini: Path) -> None:
    # the period starts on 2023-11-28: after 县级验收 (11-10), 市级验收 (11-20) and 行业审查 (11-25), but before
    # 省级销号 (12-01), the step the notice rests on
    edit(chained(mini), "announcements/N-1.yaml", "start: 2024-01-02", "start: 2023-11-28")
    result = check(mini)
    assert result.code == 2
    assert ("content/announcements/N-1.yaml:4: period.start: 公示期从 2023-11-28 开始，早于验收最后一步（省级销号）"
            "的日期 2023-12-01") in result.err, result.err
    assert "提示：公示的是已经通过的验收" in result.err


def test_a_notice_may_start_on_the_day_of_the_last_step(mini: Path) -> None:
    edit(chained(mini), "announcements/N-1.yaml", "start: 2024-01-02", "start: 2023-12-01")
    result = check(mini)
    assert result.code == 0, result.err


def test_the_rule_holds_for_the_one_mapping_form_too(mini: Path) -> None:
    edit(mini, "announcements/N-1.yaml", "start: 2024-01-02", "start: 2023-11-30")
    result = check(mini)
    assert "content/announcements/N-1.yaml:4: period.start: 公示期从 2023-11-30 开始，早于验收的日期 2023-12-01" in result.err


def test_a_step_that_is_not_a_mapping_is_refused(mini: Path) -> None:
    edit(mini, "announcements/N-1.yaml", ONE, "acceptance:\n  - 县级验收\n" + CHAIN.removeprefix("acceptance:\n"))
    result = check(mini)
    assert "content/announcements/N-1.yaml:7: acceptance[0]: 应为字段的映射" in result.err, result.err


# -- the pages -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini content with :data:`CHAIN` on N-1, and a second notice N-2 for T-2 (upcoming) whose acceptance is
    one step written as a list of one, with a stage."""
    content = tmp_path_factory.mktemp("chain") / "content"
    shutil.copytree(MINI, content)
    chained(content)
    n2 = (content / "announcements" / "N-1.yaml").read_text(encoding="utf-8")
    n2 = n2.split("documents:")[0].replace("id: N-1", "id: N-2").replace("tasks: [T-1]", "tasks: [T-2]")
    n2 = n2.replace("第1项", "第2项").replace("start: 2024-01-02, end: 2024-01-10", "start: 2026-12-01, end: 2026-12-10")
    n2 = n2.split("acceptance:")[0] + "acceptance: [{stage: 市级验收, unit: 乙市生态环境局, date: 2026-10-20}]\n"
    (content / "announcements" / "N-2.yaml").write_text(n2, encoding="utf-8")
    output = content.parent / "output"
    result = build(content, output)
    assert result.code == 0, result.err
    return output


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def section(soup: BeautifulSoup) -> Tag:
    heading = soup.find("h2", id="acceptance-heading")
    assert isinstance(heading, Tag), "no 验收情况 section"
    assert heading.get_text(strip=True) == "验收情况"
    area = heading.find_parent("section")
    assert isinstance(area, Tag)
    return area


def shown_steps(area: Tag) -> list[tuple[str, str, str, str]]:
    """(stage, unit, date, opinion) of each step of the timeline, in the order of the page."""
    chain = area.select_one("ol.acceptance-chain")
    assert chain is not None, "no timeline"
    out = []
    for li in chain.find_all("li", recursive=False):
        time = li.find("time")
        stage = li.select_one(".step-stage")
        values = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True) for dt in li.find_all("dt")}
        assert time is not None and stage is not None
        out.append((stage.get_text(strip=True), values["验收单位"], str(time["datetime"]), values["验收意见"]))
    return out


def test_the_notice_page_shows_the_four_steps_in_order(site: Path) -> None:
    area = section(page(site, "announcements/N-1"))
    assert shown_steps(area) == STEPS
    # the date as readers see it: the second step's
    times = [t.get_text(strip=True) for t in area.select("ol.acceptance-chain time")]
    assert times[1] == "2023年11月20日"
    assert area.find("dl", recursive=False) is None  # no list of one acceptance's fields beside the timeline


def test_the_task_page_shows_its_notices_chain_in_order(site: Path) -> None:
    area = section(page(site, "tasks/T-1"))
    assert shown_steps(area) == STEPS
    link = area.select_one(".acceptance-of a")
    assert link is not None and link["href"] == "../../announcements/N-1/"


def test_one_step_stays_the_list_of_fields_with_its_stage(site: Path) -> None:
    area = section(page(site, "announcements/N-2"))
    assert area.select_one("ol") is None
    fields = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True) for dt in area.find_all("dt")}
    assert fields == {"验收环节": "市级验收", "验收单位": "乙市生态环境局", "验收日期": "2026年10月20日", "验收意见": "—"}
    # and a task whose only notice has one step gets no acceptance section
    assert page(site, "tasks/T-2").find("h2", id="acceptance-heading") is None

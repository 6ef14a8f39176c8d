"""Statistics per round and per province, repeated complaints counted once, and a report's figures for the
inspection it names, on tests/fixtures/rounds (its README.md) as of conftest.AS_OF (2026-11-01).

The facts the expected values come from (tests/fixtures/rounds/README.md and its files):

- round 2 (r2, one plan): T-1 closed 2024-01-20; T-2 in progress, due 2024-06-30, so overdue on 2026-11-01.
  Batch 1 (2021-05-12): D2CS202105110001 (partly done, done from 2021-09-30) and X2CS202105100002 (done).
- round 3 (r3, plans p99 测试省 990000 and p98 邻省 980000): R3-1 (p99, in progress since 2025-12-01, due
  2026-12-31: not overdue); R3-2 (p98, in progress 2025-12-10, completed 2026-05-20, due 2026-06-30). Batch 1
  (2025-06-01): D3CS202506010001 in 甲市东区 (测试省), handling, repeats D2CS202105110001; D3CS202506010002 in
  丙市 (邻省), done.

The counting rule (docs/open-data.md, "Statistics"): a complaint repeating a complaint of the same scope is
counted once, as its latest complaint. So the whole portal counts 4 − 1 = 3 complaints (D2CS…0001 left out:
D3CS…0001 repeats it and is still being handled, so 2 are done and 1 handling), while round 3 counts both of
its own (the complaint it repeats is in round 2, outside it).
"Done" is completed, accepted or closed; the complaints' done rate is (done + partly done) ÷ complaints.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, MINI, ROUNDS, build, check

from generator.derive.stats import figures_on, statistics
from generator.derive.views import InspectionView, Portal
from generator.pipeline import prepare

D = dt.date.fromisoformat
REPORT = """\
---
title: 第三轮督察整改进展情况（2026年3月）
date: 2026-03-31
inspection: r3
---
第三轮督察整改工作稳步推进。
"""


def rounds_portal() -> Portal:
    return prepare(ROUNDS, D(AS_OF))


def round_of(portal: Portal, inspection: str) -> InspectionView:
    return next(iv for iv in portal.inspections if iv.inspection.id == inspection)


def counts(f) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    """(tasks, done, closed, overdue, complaints, complaints done, repeats left out) of a Figures."""
    return (f.tasks_total, f.tasks_done, f.tasks_closed, f.tasks_overdue, f.complaints_total, f.complaints_done,
            f.complaints_repeats)


def test_each_round_and_each_plan_has_its_own_figures() -> None:
    portal = rounds_portal()
    day = D(AS_OF)
    # r2: T-1 closed (done), T-2 overdue; both complaints done, nothing repeated inside r2
    assert counts(figures_on(round_of(portal, "r2"), day)) == (2, 1, 1, 1, 2, 2, 0)
    # r3: R3-2 done; both complaints count (the repeated one is in r2), one done
    r3 = round_of(portal, "r3")
    assert counts(figures_on(r3, day)) == (2, 1, 0, 0, 2, 1, 0)
    # its plans: 测试省 has R3-1 and the complaint in 甲市东区 (handling); 邻省 has R3-2 and the one in 丙市 (done)
    assert [(pv.label, counts(figures_on(pv, day))) for pv in r3.plans] == [
        ("测试省", (1, 0, 0, 0, 1, 0, 0)), ("邻省", (1, 1, 0, 0, 1, 1, 0))]
    # the whole portal: 4 tasks (2 done, 1 closed, 1 overdue); 3 complaints once the repeated D2CS…0001 is left
    # out (its matter counts as D3CS…0001, handling): X2CS…0002 and D3CS…0002 done
    assert counts(figures_on(portal, day)) == (4, 2, 1, 1, 3, 2, 1)


def test_the_headline_and_round_figures_count_a_repeat_once_within_their_scope() -> None:
    portal = rounds_portal()
    s = portal.stats
    assert (s.complaints_total, s.complaints_done, s.complaints_repeats) == (3, 2, 1)
    # by status: X2CS…0002 and D3CS…0002 done, D3CS…0001 handling; D2CS…0001 (done) is the one it repeats
    assert {k: n for k, _, n in s.complaints_by_status} == {"done": 2, "partly_done": 0, "handling": 1}
    r3 = round_of(portal, "r3").stats
    assert (r3.complaints_total, r3.complaints_done, r3.complaints_repeats) == (2, 1, 0)
    # the statistics page's tables of types and 是否属实 count the same 3 complaints
    st = statistics(portal)
    assert sum(n for _, n in st.substantiation) == 3
    assert dict(st.types)["水"] == 3  # X2CS…0002, D3CS…0001 and D3CS…0002 (all 水)
    assert dict(st.types)["噪声"] == 0  # only D2CS…0001 (大气, 噪声), left out: D3CS…0001 repeats it


def test_figures_as_of_an_earlier_day_for_one_round() -> None:
    portal = rounds_portal()
    # 2026-03-31: R3-1 and R3-2 both in progress (R3-2 completed only on 2026-05-20); batch 1 of r3 was forwarded
    # 2025-06-01 with D3CS…0001 handling and D3CS…0002 done
    assert counts(figures_on(round_of(portal, "r3"), D("2026-03-31"))) == (2, 0, 0, 0, 2, 1, 0)
    # 2021-06-30: only r2's batch was forwarded, D2CS…0001 still partly done (done from 2021-09-30)
    f = figures_on(portal, D("2021-06-30"))
    assert (f.complaints_total, f.complaints_done, f.complaints_partly_done, f.complaints_repeats) == (2, 1, 1, 0)


def test_version_1_content_has_no_table_of_rounds() -> None:
    portal = prepare(MINI, D(AS_OF))
    assert statistics(portal).rounds == []
    assert all(b.round_label == "" for b in statistics(portal).batches)


def test_a_report_naming_an_unknown_inspection_is_reported_with_file_line_and_field(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROUNDS, content)
    (content / "reports" / "2026-03.md").write_text(REPORT.replace("inspection: r3", "inspection: r4"),
                                                     encoding="utf-8")
    result = check(content)
    assert result.code == 2
    assert "reports/2026-03.md:4: inspection: 督察 'r4' 在 inspections/ 中不存在" in result.err
    assert "提示：添加 inspections/r4.yaml" in result.err


def test_a_version_1_report_may_not_name_an_inspection(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    (content / "reports" / "r3.md").write_text(REPORT, encoding="utf-8")
    result = check(content)
    assert result.code == 2
    assert "reports/r3.md:4: inspection: 写了督察 'r3'，但内容中没有 inspections/ 文件夹" in result.err


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/rounds with reports/2026-03.md (dated 2026-03-31, about r3), built."""
    root = tmp_path_factory.mktemp("stats-rounds")
    content = root / "content"
    shutil.copytree(ROUNDS, content)
    (content / "reports" / "2026-03.md").write_text(REPORT, encoding="utf-8")
    assert check(content).code == 0
    result = build(content, root / "output")
    assert result.code == 0, result.err
    return root / "output"


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def rows(soup: BeautifulSoup, heading: str) -> list[list[str]]:
    section = soup.select_one(f"section[aria-labelledby={heading}]")
    assert section is not None, heading
    return [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in section.select("tbody tr")]


@pytest.mark.slow
def test_the_stats_page_has_a_row_per_round_and_per_province(site: Path) -> None:
    stats = page(site, "stats")
    # columns: round, tasks, done, closed, overdue, done rate, complaints, complaints' done rate
    assert rows(stats, "by-round") == [
        ["第二轮", "2", "1", "1", "1", "50%", "2", "100%"],  # both complaints done
        ["第三轮", "2", "1", "0", "0", "50%", "2", "50%"],  # one of two complaints done
        ["第三轮·测试省", "1", "0", "0", "0", "0%", "1", "0%"],  # R3-1; the complaint in 甲市东区, handling
        ["第三轮·邻省", "1", "1", "0", "0", "100%", "1", "100%"],  # R3-2; the complaint in 丙市, done
    ]
    links = [a["href"] for a in stats.select("section[aria-labelledby=by-round] tbody a")]
    assert links == ["../inspections/r2/", "../inspections/r3/", "../regions/990000/", "../regions/980000/"]


@pytest.mark.slow
def test_the_stats_page_counts_the_repeat_once_and_says_so(site: Path) -> None:
    stats = page(site, "stats")
    lead = stats.select_one("p.lead")
    assert lead is not None
    assert "交办信访举报3件（另有重复件1件，只计一次），已办结2件、阶段性办结0件、正在办理1件" in lead.get_text()
    # the complaints page lists all 4 but counts 3, and says why
    figure = page(site, "complaints").select_one(".figures .figure dd")
    assert figure is not None and figure.get_text(strip=True) == "3件（另有重复件 1 件，只计一次）"
    # each batch is named with its round (both rounds have a batch 1) and counts all it forwarded
    assert [r[:3] for r in rows(stats, "by-batch")] == [["第二轮·第1批", "2021-05-12", "2"],
                                                        ["第三轮·第1批", "2025-06-01", "2"]]


@pytest.mark.slow
def test_a_report_about_a_round_shows_that_rounds_figures_as_of_its_date(site: Path) -> None:
    report = page(site, "reports/2026-03")
    box = report.select_one(".figures-box")
    assert box is not None
    text = box.get_text("", strip=True)
    # as of 2026-03-31, r3 only: 2 tasks, none done yet; 2 complaints, 1 done (50%), 1 handling
    assert "截至2026年3月31日的第三轮整改数据" in text
    assert "2项整改任务中已完成0项（0%），其中已销号0项；逾期未完成0项。" in text
    assert "交办信访举报2件，已办结1件、阶段性办结0件（合计50%），正在办理1件。" in text
    # the list of reports names the round; the older report names none and keeps the whole portal's box
    listing = page(site, "reports")
    metas = [p.get_text("", strip=True) for p in listing.select(".item-list .meta")]
    assert metas == ["2026年3月31日·第三轮", "2022年6月30日"]
    older = page(site, "reports/2022-06").select_one(".figures-box h2")
    assert older is not None and older.get_text(strip=True) == "截至2022年6月30日的整改数据"

"""The domain rules that each have one home, with expected values worked out by hand from the mini content.

The mini content (tests/fixtures/mini): task T-1 (deadline 2023-12-31, region 990102 甲市东区) went in_progress
2022-01-10, completed 2023-11-01, accepted 2023-12-01, closed 2024-01-20 after notice N-1 (2024-01-02 to
2024-01-10, no objection, decided 2024-01-15); task T-2 (deadline 2024-06-30, region 990200 乙市) is in
progress since 2022-03-01. Regions: 测试省 990000 ⊃ 甲市 990100 ⊃ 甲市东区 990102, and 测试省 ⊃ 乙市 990200.
Complaint X2CS202105100002 is a joint case of 甲市 and 乙市.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import MINI, SAMPLE, edit

from generator import dates
from generator.check.rules import check
from generator.derive.events import is_overdue
from generator.derive.state import derive
from generator.derive.stats import figures_on, rate
from generator.derive.views import Portal, RegionView, enclosing
from generator.index.whoosh_index import documents
from generator.load.reader import load
from generator.models import Region
from generator.render import feeds, ics, opendata
from generator.render.mailto import error_subject

AS_OF = dt.date(2026, 11, 1)
CLOSED = "  - {date: 2024-01-20, status: closed, announcement: N-1}\n"


def _portal(content: Path, as_of: dt.date = AS_OF) -> Portal:
    loaded = load(content)
    problems = check(loaded, as_of)
    assert not problems.items, problems.items
    return derive(loaded, as_of)


def _messages(content: Path, as_of: dt.date = AS_OF) -> list[str]:
    return [p.message for p in check(load(content), as_of).items]


# -- since the last reopening -------------------------------------------------------------------

def test_completion_counts_from_the_last_reopening(mini: Path) -> None:
    # closed 2024-01-20, reopened 2025-07-18, completed again 2025-09-30: the current round of work began
    # on 2025-07-18, so it was completed on 2025-09-30 (not 2023-11-01), which is after the deadline 2023-12-31
    edit(mini, "tasks/T-1.yaml", CLOSED, CLOSED + "  - {date: 2025-07-18, status: reopened, note: 问题反弹}\n"
         "  - {date: 2025-09-30, status: completed, note: 再次完成}\n")
    t1 = _portal(mini).task_by_id["T-1"]
    assert t1.task.round_start() == 5  # entries 0-4 belong to the first round; the reopening is entry 4
    assert t1.completed_on == dt.date(2025, 9, 30)
    assert t1.late and not t1.overdue


def test_completion_without_a_reopening_is_the_first_done_entry(mini: Path) -> None:
    t1 = _portal(mini).task_by_id["T-1"]
    assert t1.task.round_start() == 0
    assert t1.completed_on == dt.date(2023, 11, 1)  # completed before the deadline 2023-12-31: not late
    assert not t1.late


def test_a_close_out_needs_an_acceptance_since_the_last_reopening(mini: Path) -> None:
    # the acceptance of 2023-12-01 belongs to the round that ended with the reopening of 2025-07-18
    edit(mini, "tasks/T-1.yaml", CLOSED, CLOSED + "  - {date: 2025-07-18, status: reopened, note: 问题反弹}\n"
         "  - {date: 2025-09-30, status: completed, note: 再次完成}\n"
         "  - {date: 2025-12-01, status: closed, announcement: N-1}\n")
    messages = _messages(mini)
    assert "销号之前没有 'accepted'（已验收）记录（自 2025-07-18 重新整改以来）" in messages
    # N-1 began on 2024-01-02, before the reopening: it cannot stand for the new round of work
    assert any("公示期从 2024-01-02 开始，早于任务重新整改的日期 2025-07-18" in m for m in messages), messages


def test_an_acceptance_after_the_reopening_counts(mini: Path) -> None:
    edit(mini, "tasks/T-1.yaml", CLOSED, CLOSED + "  - {date: 2025-07-18, status: reopened, note: 问题反弹}\n"
         "  - {date: 2025-09-30, status: completed, note: 再次完成}\n"
         "  - {date: 2025-10-15, status: accepted, note: 再次验收}\n"
         "  - {date: 2025-12-01, status: closed, announcement: N-1}\n")
    messages = _messages(mini)
    assert not any("没有 'accepted'" in m for m in messages), messages
    assert any("早于任务重新整改的日期 2025-07-18" in m for m in messages), messages


# -- objection upheld → reopened ----------------------------------------------------------------

def _upheld(mini: Path, reopenings: str) -> None:
    """N-1 upheld an objection on 2024-01-15; T-1 is not closed but has ``reopenings`` after its acceptance."""
    edit(mini, "tasks/T-1.yaml", CLOSED, reopenings)
    edit(mini, "announcements/N-1.yaml", "result: no_objection", "result: objection_upheld")


def test_an_upheld_objection_without_a_reopening_is_an_error(mini: Path) -> None:
    # a reopening on 2024-01-12 came before the decision of 2024-01-15: it does not answer it
    _upheld(mini, "  - {date: 2024-01-12, status: reopened, note: 自查发现问题}\n")
    assert "异议成立，但任务 T-1 在 2024-01-15 当天或之后没有 'reopened' 记录" in _messages(mini)


def test_an_upheld_objection_lists_the_first_reopening_on_or_after_the_decision(mini: Path) -> None:
    _upheld(mini, "  - {date: 2024-01-12, status: reopened, note: 自查发现问题}\n"
                  "  - {date: 2024-01-15, status: reopened, note: 异议成立，重新整改}\n"
                  "  - {date: 2024-02-01, status: reopened, note: 继续整改}\n")
    portal = _portal(mini)
    n1 = next(n for n in portal.notices if n.ann.id == "N-1")
    assert [(t.task.id, day) for t, day in n1.reopened] == [("T-1", dt.date(2024, 1, 15))]
    assert n1.ann.objection_upheld


def test_a_notice_without_an_upheld_objection_reopens_nothing(mini: Path) -> None:
    n1 = next(n for n in _portal(mini).notices if n.ann.id == "N-1")
    assert n1.reopened == [] and not n1.ann.objection_upheld


# -- the walk up the region tree ----------------------------------------------------------------

@pytest.fixture(scope="module")
def mini_portal() -> Portal:
    return _portal(MINI)


def test_lineage_is_the_region_and_its_enclosing_regions_nearest_first(mini_portal: Portal) -> None:
    east = mini_portal.region_by_code["990102"]
    assert [v.region.code for v in east.lineage()] == ["990102", "990100", "990000"]
    assert [v.region.name for v in east.ancestors()] == ["测试省", "甲市"]  # breadcrumbs: outermost first
    assert east.depth == 2 and mini_portal.region_by_code["990000"].depth == 0


def test_enclosing_names_each_region_once(mini_portal: Portal) -> None:
    views = enclosing(mini_portal.region_by_code, ["990102", "990200", "990100", "999999"])
    assert [v.region.code for v in views] == ["990102", "990100", "990000", "990200"]


def test_the_walk_stops_at_a_cycle() -> None:
    a = RegionView(Region(code="990001", name="甲", parent="990002"), "regions/990001/")
    b = RegionView(Region(code="990002", name="乙", parent="990001"), "regions/990002/")
    a.parent, b.parent = b, a
    assert [v.region.code for v in a.lineage()] == ["990001", "990002"]


def test_regions_roll_up_tasks_complaints_search_documents_and_feeds(mini_portal: Portal) -> None:
    by_code = mini_portal.region_by_code
    assert [t.task.id for t in by_code["990000"].tasks] == ["T-1", "T-2"]
    assert [t.task.id for t in by_code["990100"].tasks] == ["T-1"]
    # the joint case of 甲市 and 乙市 is in both and, once, in the province
    joint = "X2CS202105100002"
    assert [c.complaint.ref for c in by_code["990000"].complaints].count(joint) == 1
    doc = next(d for d in documents(mini_portal) if d.item_id == joint)
    assert doc.regions == ("990000", "990100", "990200") and doc.region_names == ("测试省", "甲市", "乙市")
    plan = feeds.plan(mini_portal)
    assert [e.item_id for e in plan.regions["990000"].events].count(joint) == 1  # its one event: forwarded
    assert [e.item_id for e in plan.regions["990102"].events].count(joint) == 0


# -- the percentage ------------------------------------------------------------------------------

@pytest.mark.parametrize("part, whole, shown", [(1, 3, "33%"), (2, 3, "67%"), (1, 2, "50%"), (0, 5, "0%"), (0, 0, "—")])
def test_one_percentage_rule(part: int, whole: int, shown: str) -> None:
    assert rate(part, whole) == shown


# -- the overdue rule ----------------------------------------------------------------------------

def test_overdue_from_the_day_after_the_deadline(mini_portal: Portal) -> None:
    t2 = mini_portal.task_by_id["T-2"].task  # deadline 2024-06-30
    assert not is_overdue(t2, "in_progress", dt.date(2024, 6, 30))
    assert is_overdue(t2, "in_progress", dt.date(2024, 7, 1))
    assert not is_overdue(t2, "completed", dt.date(2024, 7, 1))
    # the figures as of a day: T-1 was completed (2023-11-01) before its deadline, T-2 is late from 2024-07-01
    assert figures_on(mini_portal, dt.date(2024, 6, 30)).tasks_overdue == 0
    assert figures_on(mini_portal, dt.date(2024, 7, 1)).tasks_overdue == 1
    assert mini_portal.task_by_id["T-2"].overdue_days == (AS_OF - dt.date(2024, 6, 30)).days == 854


# -- labels --------------------------------------------------------------------------------------

@pytest.mark.parametrize("as_of, label", [(dt.date(2024, 1, 1), "即将公示"), (dt.date(2024, 1, 10), "正在公示"),
                                          (dt.date(2024, 1, 11), "公示已结束")])
def test_notice_state_labels(as_of: dt.date, label: str) -> None:
    portal = derive(load(MINI), as_of)
    n1 = portal.notices[0]
    assert n1.state_label == label
    doc = next(d for d in documents(portal) if d.item_id == "N-1")
    assert doc.status_label == label and ("状态", label) in doc.filters and ("类型", "销号公示") in doc.filters


def test_notice_events_name_the_states(mini_portal: Portal) -> None:
    events = {e.key: e for e in mini_portal.events if e.item_id == "N-1"}
    opened = events["notice/N-1/opened/2024-01-02"]
    assert (opened.from_label, opened.tag) == ("即将公示", "开始公示")
    closed = events["notice/N-1/closed/2024-01-11"]
    assert (closed.from_label, closed.tag) == ("正在公示", "公示已结束")
    assert events["notice/N-1/outcome/2024-01-15"].from_label == "公示已结束"


def test_item_kind_and_open_data_labels() -> None:
    assert error_subject("notice", "N-1") == "报告数据错误：销号公示 N-1"
    assert error_subject("task", "T-1") == "报告数据错误：整改任务 T-1"
    docs = {c.name: c.doc for c in opendata.TABLE["notices"].columns}
    assert docs["state"] == "截至数据日期的状态代码（upcoming、open、closed）"
    assert docs["state_label"] == "公示状态（即将公示、正在公示、公示已结束）"
    assert docs["outcome"] == "公示结果代码（no_objection、objections_rejected、objection_upheld；空为尚未作出）"
    complaint_docs = {c.name: c.doc for c in opendata.TABLE["complaints"].columns}
    assert complaint_docs["channel_label"] == "受理方式（来电、来信、网络）"
    assert complaint_docs["status_label"] == "当前办结状态（已办结、阶段性办结、正在办理）"


# -- the time zone -------------------------------------------------------------------------------

def test_one_time_zone() -> None:
    assert dates.start_of(dt.date(2024, 1, 20)).isoformat() == "2024-01-20T00:00:00+08:00"
    # 00:00 in Shanghai is 16:00 UTC of the day before
    assert dates.start_of(dt.date(2024, 1, 2)).astimezone(dt.UTC) == dt.datetime(2024, 1, 1, 16, tzinfo=dt.UTC)
    before = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()
    today = dates.today()
    after = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()
    assert today in (before, after)


def test_calendar_stamp_is_the_first_day_at_midnight_in_shanghai() -> None:
    portal = derive(load(MINI), dt.date(2024, 1, 1))
    n1 = portal.notices[0]  # upcoming: it offers a calendar
    text = ics.calendar(n1, portal.content.site, "https://zhenggai.example.gov.cn").decode("utf-8")
    assert "DTSTAMP:20240101T160000Z" in text  # 2024-01-02 00:00 +08:00, the first day of the period
    # as the build writes it: never later than the data date (2024-01-01 00:00 +08:00), for a notice not yet open
    text = ics.calendar(n1, portal.content.site, "https://zhenggai.example.gov.cn", portal.as_of).decode("utf-8")
    assert "DTSTAMP:20231231T160000Z" in text and "SEQUENCE:0" in text
    assert "DTSTART;VALUE=DATE:20240110" in text and "DTEND;VALUE=DATE:20240111" in text


# -- paths ---------------------------------------------------------------------------------------

def test_published_paths(sample_site: Path) -> None:
    """Every path that urls.py now holds, written out by hand, exists in the build of the sample."""
    site = sample_site
    portal = derive(load(SAMPLE), AS_OF)
    task = portal.tasks[0].task.id
    ref = portal.complaints[0].complaint.ref
    code = portal.regions[0].region.code
    expected = ["feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/all.opml", "feeds/main.opml", "feeds/announcements.atom.xml",
                "feeds/closed.rss.xml", "feeds/overdue.atom.xml", f"feeds/regions/{code}.atom.xml",
                f"feeds/tasks/{task}.rss.xml", f"feeds/complaints/{ref}.atom.xml",
                "data/events.json", "data/events.csv", "data/tasks.csv", "data/zh/tasks.csv", "data/portal.json",
                "data/portal.sqlite",
                f"data/tasks/{task}.json", f"data/complaints/{ref}.json"]
    expected += [f"announcements/{n.ann.id}/{n.ann.id}.ics" for n in portal.notices if n.state != "closed"]
    assert [p for p in expected if not (site / p).is_file()] == []
    assert any(n.state != "closed" for n in portal.notices)  # the sample has a calendar to check
    labels = {url: label for url, label, _ in opendata.downloads(portal)}
    assert labels["data/events.json"] == "events.json" and labels["data/events.csv"] == "events.csv"

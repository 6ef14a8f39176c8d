"""The derive rules of docs/content-format.md ("Derived values") and docs/feeds.md ("Events"), checked on
small content written here by hand, with every expected value worked out in the comments from those rules.

The content is written as it stood on each as-of date: a history entry, an update, a batch or an outcome
dated after the as-of date is left out (nothing may be dated after it), so each as-of date is a real
content folder that passes `portal check` and is derived by the real load → check → derive stages.

The rules used (quoted from the docs):

- Notice state: ``upcoming`` before ``start`` (days until it opens = start − as-of); ``open`` from ``start``
  to ``end`` inclusive (days left = end − as-of + 1, so 1 on the last day); ``closed`` after ``end``. Open
  notices are listed by their last day, soonest first. Notice length = end − start + 1.
- Overdue: a dated deadline (a date, or a bare year = 31 December), before the as-of date (due today is
  not yet overdue), and a current status other than completed, accepted or closed. 长期坚持 / 立行立改: never
  overdue. Days overdue count from the day the task became overdue, as day 1: the day after the deadline if
  the work was not done by then (days = as-of − deadline), or the day work done before was taken up again
  after the deadline (days = as-of − that day + 1).
- Progress report (进展): an entry (or complaint update) repeating the status before it; it changes no status.
  The status date is the date of the entry that began the current status: the last one that is not progress.
- Completion date: the first completed/accepted/closed entry after the last ``reopened`` one. Late:
  completion date after the deadline.
- "Task becomes overdue" event: the day after the deadline if the task was not done by then; or the day
  it was reopened after the deadline. An event exists once its date has come.
- Figures as of a day: the headline numbers as they were at the end of that day, from the dated
  histories (tasks done, closed, overdue, due that year; complaints forwarded by then, their status then).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import check

from generator.derive.stats import figures_on
from generator.pipeline import prepare

D = dt.date.fromisoformat

SITE = """\
title: 手算省整改公开（测试数据）
publisher: 手算省督察整改办公室
plan: {title: 手算省整改方案, approved_on: 2021-10-20}
notice_min_days: 5
sample: true
"""
REGIONS = '- {code: "990000", name: 手算省}\n'

# (id, deadline, [(date, history entry)]): the whole history; each as-of date sees the entries up to it.
TASKS: list[tuple[str, str, list[tuple[str, str]]]] = [
    # the subject of notice N-1: accepted before the notice opens, never closed out
    ("T-1", "2024-12-31", [("2022-01-10", "status: in_progress"), ("2023-11-01", "status: completed"),
                           ("2023-12-01", "status: accepted")]),
    ("T-2", "2024-06-30", [("2022-03-01", "status: in_progress")]),
    ("T-3", "2024", [("2022-03-01", "status: in_progress")]),  # a bare year: due 2024-12-31
    ("T-4", "长期坚持", [("2022-03-01", "status: ongoing")]),
    # closed out before its deadline (2024-06-30), reopened after it, completed again later
    ("T-5", "2024-06-30", [("2022-03-01", "status: in_progress"), ("2023-11-01", "status: completed"),
                           ("2023-12-01", "status: accepted"), ("2024-01-20", "status: closed, announcement: N-5"),
                           ("2024-09-10", "status: reopened, note: 问题反弹"), ("2024-10-01", "status: completed")]),
    # closed out, reopened before its deadline (2024-12-31) and still at work when it passes
    ("T-6", "2024-12-31", [("2022-03-01", "status: in_progress"), ("2023-11-01", "status: completed"),
                           ("2023-12-01", "status: accepted"), ("2024-01-20", "status: closed, announcement: N-5"),
                           ("2024-03-01", "status: reopened, note: 问题反弹"), ("2024-04-01", "status: in_progress")]),
    # closed out, reopened on the day of its deadline (2024-06-30) itself
    ("T-7", "2024-06-30", [("2022-03-01", "status: in_progress"), ("2023-11-01", "status: completed"),
                           ("2023-12-01", "status: accepted"), ("2024-01-20", "status: closed, announcement: N-5"),
                           ("2024-06-30", "status: reopened, note: 问题反弹")]),
    ("T-8", "2024-06-30", []),  # no history: 未启动 (planned), which can be overdue too
]

# N-1: 2024-01-02 … 2024-01-10 (9 days), undecided. N-5: 2024-01-03 … 2024-01-09 (7 days), no objection on
# 2024-01-15: it lets T-5, T-6 and T-7 close out on 2024-01-20.
NOTICES = [
    ("N-1", "[T-1]", "2024-01-02", "2024-01-10", None),
    ("N-5", "[T-5, T-6, T-7]", "2024-01-03", "2024-01-09", "2024-01-15"),
]

# batch → (forwarded_on, [(ref, status when forwarded, substantiated, [(date, status)])])
BATCHES = {
    1: ("2021-05-12", [("D2SS202105120001", "handling", "属实", [("2021-09-30", "done")]),
                       ("D2SS202105120002", "partly_done", "部分属实", [("2024-10-15", "done")]),
                       ("D2SS202105120003", "done", "不属实", [])]),
    2: ("2024-09-10", [("D2SS202409100004", "handling", None, [])]),
}


def write_content(root: Path, as_of: str) -> Path:
    """The content as it stood on ``as_of``."""
    root.mkdir(parents=True)
    (root / "site.yaml").write_text(SITE, encoding="utf-8")
    (root / "regions.yaml").write_text(REGIONS, encoding="utf-8")
    (root / "tasks").mkdir()
    for number, (task_id, deadline, history) in enumerate(TASKS, start=1):
        lines = [f"id: {task_id}", f"number: {number}", f"title: 第{number}项手算任务", "problem: 手算问题。",
                 "responsible_units: [手算市人民政府]", 'regions: ["990000"]', f"deadline: {deadline}"]
        seen = [f"  - {{date: {day}, {entry}}}" for day, entry in history if day <= as_of]
        lines += ["history:", *seen] if seen else []
        (root / "tasks" / f"{task_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "announcements").mkdir()
    for notice_id, tasks, start, end, decided in NOTICES:
        text = f"id: {notice_id}\ntitle: 第{notice_id}号公示\ntasks: {tasks}\nperiod: {{start: {start}, end: {end}}}\n"
        if decided is not None and decided <= as_of:
            text += f"outcome: {{decided_on: {decided}, result: no_objection}}\n"
        (root / "announcements" / f"{notice_id}.yaml").write_text(text, encoding="utf-8")
    (root / "complaints").mkdir()
    for batch, (forwarded, complaints) in BATCHES.items():
        if forwarded > as_of:
            continue
        lines = [f"batch: {batch}", f"forwarded_on: {forwarded}", "complaints:"]
        for ref, status, substantiated, updates in complaints:
            lines += [f"  - ref: {ref}", "    channel: phone", '    region: "990000"', "    types: [水]",
                      "    summary: 反映某河道有污水直排。", f"    status: {status}"]
            lines += [f"    substantiated: {substantiated}"] if substantiated else []
            seen = [f"      - {{date: {day}, status: {s}}}" for day, s in updates if day <= as_of]
            lines += ["    updates:", *seen] if seen else []
        (root / "complaints" / f"{batch}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def portal_on(tmp_path: Path, as_of: str):  # type: ignore[no-untyped-def]
    """The derived portal as of ``as_of`` (load, check and derive of the content as it stood then)."""
    return prepare(write_content(tmp_path / f"content-{as_of}", as_of), D(as_of))


def overdue_days_of(portal, task_id: str) -> list[dt.date]:  # type: ignore[no-untyped-def]
    """The dates of the task's "becomes overdue" events."""
    return sorted(e.date for e in portal.events if e.kind == "overdue" and e.item_id == task_id)


def test_every_as_of_date_used_here_is_content_that_passes_the_check(tmp_path: Path) -> None:
    for as_of in ("2023-12-20", "2024-01-15", "2024-06-30", "2024-09-10", "2025-01-01"):
        result = check(write_content(tmp_path / as_of, as_of), as_of)
        assert result.code == 0, (as_of, result.err)


# --- notice state: N-1 is 2024-01-02 … 2024-01-10, both days counted ----------------------------------------

@pytest.mark.parametrize("as_of, state, until, left", [
    ("2023-12-20", "upcoming", 13, 0),  # start − as-of = 2024-01-02 − 2023-12-20 = 12 (rest of Dec) + 1 = 13
    ("2024-01-01", "upcoming", 1, 0),  # the eve: 2024-01-02 − 2024-01-01 = 1
    ("2024-01-02", "open", 0, 9),  # the first day: end − as-of + 1 = 10 − 2 + 1 = 9, the whole period
    ("2024-01-09", "open", 0, 2),  # 10 − 9 + 1 = 2
    ("2024-01-10", "open", 0, 1),  # the last day still counts: 10 − 10 + 1 = 1
    ("2024-01-11", "closed", 0, 0),  # the day after the last day
])
def test_notice_state_before_during_and_after_its_period(tmp_path: Path, as_of: str, state: str, until: int,
                                                           left: int) -> None:
    portal = portal_on(tmp_path, as_of)
    notice = next(n for n in portal.notices if n.ann.id == "N-1")
    assert (notice.state, notice.days_until_open, notice.days_left) == (state, until, left)
    assert notice.length_days == 9  # 2024-01-10 − 2024-01-02 + 1
    assert (notice in portal.open_notices) == (state == "open")


def test_open_notices_are_listed_by_their_last_day(tmp_path: Path) -> None:
    # On 2024-01-05 both are open: N-5 (ends 01-09, started later) comes before N-1 (ends 01-10).
    portal = portal_on(tmp_path, "2024-01-05")
    assert [n.ann.id for n in portal.open_notices] == ["N-5", "N-1"]
    n5 = next(n for n in portal.notices if n.ann.id == "N-5")
    assert (n5.days_left, n5.length_days) == (5, 7)  # 9 − 5 + 1 = 5; 9 − 3 + 1 = 7


@pytest.mark.parametrize("end, code", [
    ("2024-01-06", 0),  # 2024-01-02 … 01-06: 6 − 2 + 1 = 5 days, exactly notice_min_days
    ("2024-01-05", 2),  # 4 days: too short
])
def test_a_period_of_notice_min_days_counts_both_days(tmp_path: Path, end: str, code: int) -> None:
    content = write_content(tmp_path / "content", "2024-01-01")
    path = content / "announcements" / "N-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("end: 2024-01-10", f"end: {end}"), encoding="utf-8")
    assert check(content, "2024-01-01").code == code


# --- overdue ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("as_of, expected", [
    # T-2 (due 2024-06-30, at work); T-7 (due 2024-06-30, reopened on 06-30); T-8 (due 2024-06-30, planned);
    # T-3 (bare year 2024); T-4 (长期坚持) never; T-6 (due 2024-12-31, at work again since 2024-03-01)
    ("2024-06-30", {"T-2": 0, "T-7": 0, "T-8": 0, "T-3": 0, "T-4": 0, "T-6": 0}),  # due today: not yet
    ("2024-07-01", {"T-2": 1, "T-7": 1, "T-8": 1, "T-3": 0, "T-4": 0, "T-6": 0}),  # 07-01 − 06-30 = 1
    ("2024-12-31", {"T-2": 184, "T-7": 184, "T-8": 184, "T-3": 0, "T-4": 0, "T-6": 0}),  # 31+31+30+31+30+31
    ("2025-01-01", {"T-2": 185, "T-7": 185, "T-8": 185, "T-3": 1, "T-4": 0, "T-6": 1}),  # 2024-12-31 passed
])
def test_overdue_flag_and_days(tmp_path: Path, as_of: str, expected: dict[str, int]) -> None:
    portal = portal_on(tmp_path, as_of)
    got = {task_id: portal.task_by_id[task_id].overdue_days for task_id in expected}
    assert got == expected
    assert {t: portal.task_by_id[t].overdue for t in expected} == {t: days > 0 for t, days in expected.items()}


def test_overdue_since_the_day_after_the_deadline_or_a_later_reopening(tmp_path: Path) -> None:
    portal = portal_on(tmp_path, "2025-01-01")
    # T-2: not done on its deadline 2024-06-30 → overdue since 2024-07-01
    assert overdue_days_of(portal, "T-2") == [D("2024-07-01")]
    # T-3: due 2024-12-31 (bare year), not done → since 2025-01-01
    assert overdue_days_of(portal, "T-3") == [D("2025-01-01")]
    # T-4: 长期坚持 → never
    assert overdue_days_of(portal, "T-4") == []
    # T-1: accepted (2023-12-01) before its deadline and still so → never
    assert overdue_days_of(portal, "T-1") == []
    # T-5: still closed (since 2024-01-20) on its deadline 2024-06-30, so not overdue then; reopened
    # 2024-09-10, after the deadline → overdue since that day (only that one: completed again 2024-10-01)
    assert overdue_days_of(portal, "T-5") == [D("2024-09-10")]
    # T-6: reopened (2024-03-01) before its deadline 2024-12-31 and at work on it → since 2025-01-01
    assert overdue_days_of(portal, "T-6") == [D("2025-01-01")]
    # T-7: reopened on its deadline day: not done at the end of 2024-06-30 → since 2024-07-01
    assert overdue_days_of(portal, "T-7") == [D("2024-07-01")]
    # T-8: never started (no history): not done on its deadline → since 2024-07-01
    assert overdue_days_of(portal, "T-8") == [D("2024-07-01")]


def test_an_overdue_event_exists_once_its_date_has_come(tmp_path: Path) -> None:
    assert overdue_days_of(portal_on(tmp_path, "2024-06-30"), "T-2") == []  # the day after has not come
    assert overdue_days_of(portal_on(tmp_path, "2024-07-01"), "T-2") == [D("2024-07-01")]
    assert overdue_days_of(portal_on(tmp_path, "2024-12-31"), "T-3") == []
    assert overdue_days_of(portal_on(tmp_path, "2024-09-09"), "T-5") == []  # still closed
    assert overdue_days_of(portal_on(tmp_path, "2024-09-10"), "T-5") == [D("2024-09-10")]


@pytest.mark.parametrize("as_of, status, overdue_days, completed_on, late", [
    # closed out (2024-01-20) before the deadline 2024-06-30: done, not overdue, completed 2023-11-01 (the
    # first done entry; no reopening yet) which is before the deadline: not late
    ("2024-06-30", "closed", 0, "2023-11-01", False),
    ("2024-09-09", "closed", 0, "2023-11-01", False),
    # reopened 2024-09-10: at work after the deadline → overdue. The days count from the day it became
    # overdue (the "becomes overdue" event, 2024-09-10), not from the deadline: it was done on its deadline,
    # so 2024-07-01 … 2024-09-09 were not overdue days. 2024-09-10 is day 1 (this expectation was 72, the
    # days since the deadline, before the rule was stated this way); no completion date, not late
    ("2024-09-10", "reopened", 1, None, False),
    # 2024-09-30: 30 − 10 + 1 = 21
    ("2024-09-30", "reopened", 21, None, False),
    # completed again 2024-10-01: done, not overdue; completion date = the first done entry after the last
    # reopening = 2024-10-01, after the deadline → late (逾期完成)
    ("2024-10-01", "completed", 0, "2024-10-01", True),
])
def test_a_task_closed_before_its_deadline_and_reopened_after_it(tmp_path: Path, as_of: str, status: str,
                                                                  overdue_days: int, completed_on: str | None,
                                                                  late: bool) -> None:
    t5 = portal_on(tmp_path, as_of).task_by_id["T-5"]
    assert (t5.status, t5.overdue, t5.overdue_days) == (status, overdue_days > 0, overdue_days)
    assert t5.completed_on == (D(completed_on) if completed_on else None)
    assert t5.late is late


# --- figures as of a date -----------------------------------------------------------------------------------

# As of the end of 2024-09-09 (T-5's reopening and batch 2 are still to come):
#   tasks: T-1 accepted, T-2 in_progress, T-3 in_progress, T-4 ongoing, T-5 closed, T-6 in_progress,
#          T-7 reopened, T-8 planned → done (completed/accepted/closed) = T-1, T-5 = 2; closed = T-5 = 1;
#          overdue = T-2, T-7, T-8 (due 2024-06-30, not done) = 3 (T-3, T-6 are due 2024-12-31, T-4 never);
#          due in 2024 = every dated task (T-3's year is 2024) = 7, of them done = T-1, T-5 = 2
#   complaints: batch 1 only = 3; D…0001 done (since 2021-09-30), D…0002 partly_done (done only from
#          2024-10-15), 0003 done → done 2, partly done 1, handling 0
SEPT_9 = {"tasks_total": 8, "tasks_done": 2, "tasks_closed": 1, "tasks_overdue": 3, "tasks_due_this_year": 7,
          "tasks_due_this_year_done": 2, "complaints_total": 3, "complaints_done": 2, "complaints_partly_done": 1,
          "complaints_handling": 0}
# As of the end of 2025-01-01:
#   tasks: T-1 accepted, T-5 completed (2024-10-01) → done 2; closed 0 (T-5 was reopened);
#          overdue = T-2, T-7, T-8 (due 2024-06-30) and T-3, T-6 (due 2024-12-31), none done = 5;
#          due in 2025: none → 0, 0
#   complaints: batch 2 forwarded 2024-09-10 → 4; done = 0001, 0002 (2024-10-15), 0003 = 3; handling = 0004
JAN_1 = {"tasks_total": 8, "tasks_done": 2, "tasks_closed": 0, "tasks_overdue": 5, "tasks_due_this_year": 0,
         "tasks_due_this_year_done": 0, "complaints_total": 4, "complaints_done": 3, "complaints_partly_done": 0,
         "complaints_handling": 1}


def _figures(f) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {name: getattr(f, name) for name in SEPT_9}


@pytest.mark.parametrize("as_of, expected", [("2024-09-09", SEPT_9), ("2025-01-01", JAN_1)])
def test_figures_as_of_the_build_date(tmp_path: Path, as_of: str, expected: dict[str, int]) -> None:
    portal = portal_on(tmp_path, as_of)
    assert _figures(figures_on(portal, D(as_of))) == expected
    s = portal.stats  # the headline numbers of the home page, as of the build date
    assert (s.tasks_total, s.tasks_completed, s.tasks_closed, s.tasks_overdue) == (
        expected["tasks_total"], expected["tasks_done"], expected["tasks_closed"], expected["tasks_overdue"])
    assert (s.complaints_total, s.complaints_done) == (expected["complaints_total"], expected["complaints_done"])
    # substantiated (属实, 基本属实, 部分属实): 0001 属实 and 0002 部分属实; 0003 不属实, 0004 not stated
    assert s.complaints_substantiated == 2


def test_figures_of_an_earlier_day_are_those_of_that_day(tmp_path: Path) -> None:
    # A report dated 2024-09-09 in a site built on 2025-01-01 shows the numbers of 2024-09-09: the same as
    # a build on 2024-09-09 (histories are append-only and dated).
    assert _figures(figures_on(portal_on(tmp_path, "2025-01-01"), D("2024-09-09"))) == SEPT_9


# --- progress reports (进展), status dates, overdue days after a reopening ----------------------------------

# T-9 is like the sample's R2-16: done and closed out before its deadline (2024-06-30), reopened after it, then
# two progress reports that repeat 重新整改. Batch 3 holds a complaint with a progress update at each status.
T9 = """\
id: T-9
number: 9
title: 第9项手算任务
problem: 手算问题。
responsible_units: [手算市人民政府]
regions: ["990000"]
deadline: 2024-06-30
history:
  - {date: 2022-03-01, status: in_progress}
  - {date: 2022-06-01, status: in_progress, note: 完成方案}
  - {date: 2023-11-01, status: completed}
  - {date: 2023-12-01, status: accepted}
  - {date: 2024-01-20, status: closed, closeout_exception: 经批准免于公示}
  - {date: 2024-09-10, status: reopened, note: 问题反弹}
  - {date: 2024-10-08, status: reopened, note: 印发整改方案}
  - {date: 2024-12-31, status: reopened, note: 完成一半, on_schedule: false}
"""
BATCH3 = """\
batch: 3
forwarded_on: 2024-10-08
complaints:
  - ref: D2SS202410080005
    channel: phone
    region: "990000"
    types: [水]
    summary: 反映某河道有污水直排。
    status: handling
    updates:
      - {date: 2024-11-01, status: handling, note: 已立案调查}
      - {date: 2024-12-01, status: done, note: 已办结}
      - {date: 2024-12-20, status: done, note: 回头看未反弹}
"""


def portal_with_progress(tmp_path: Path, as_of: str):  # type: ignore[no-untyped-def]
    """The content as of ``as_of`` with T-9 and batch 3 added (entries after ``as_of`` left out)."""
    content = write_content(tmp_path / f"progress-{as_of}", as_of)
    t9 = "".join(line + "\n" for line in T9.splitlines() if "date: " not in line or line.split("date: ")[1][:10] <= as_of)
    (content / "tasks" / "T-9.yaml").write_text(t9, encoding="utf-8")
    if as_of >= "2024-10-08":
        batch3 = "".join(line + "\n" for line in BATCH3.splitlines()
                         if "{date: " not in line or line.split("date: ")[1][:10] <= as_of)
        (content / "complaints" / "3.yaml").write_text(batch3, encoding="utf-8")
    return prepare(content, D(as_of))


def test_progress_content_passes_the_check(tmp_path: Path) -> None:
    for as_of in ("2024-09-09", "2025-01-01"):
        portal_with_progress(tmp_path, as_of)  # prepare raises ContentError on any problem


@pytest.mark.parametrize("as_of, status, since, overdue_since, days, progress", [
    # 2022-06-01 repeats in_progress: a progress report; the status date stays 2022-03-01
    ("2022-06-01", "in_progress", "2022-03-01", None, 0, [False, True]),
    # closed 2024-01-20, still so on the deadline 2024-06-30 and on 2024-09-09: done, never overdue yet
    ("2024-09-09", "closed", "2024-01-20", None, 0, [False, True, False, False, False]),
    # reopened 2024-09-10 after the deadline: overdue from that day, day 1 (not 2024-09-10 − 2024-06-30 = 72)
    ("2024-09-10", "reopened", "2024-09-10", "2024-09-10", 1, [False, True, False, False, False, False]),
    # 2025-01-01: the last entry is 2024-12-31 but it (and 2024-10-08) repeats 重新整改: the status date stays
    # 2024-09-10 (the entry that began 重新整改). Days: 2025-01-01 − 2024-09-10 + 1 = 113 + 1 = 114
    # (Sep 10–30: 21, Oct 31, Nov 30, Dec 31, Jan 1: 21 + 31 + 30 + 31 + 1 = 114)
    ("2025-01-01", "reopened", "2024-09-10", "2024-09-10", 114, [False, True, False, False, False, False, True, True]),
])
def test_status_date_and_overdue_days_of_a_reopened_task(tmp_path: Path, as_of: str, status: str, since: str,
                                                         overdue_since: str | None, days: int,
                                                         progress: list[bool]) -> None:
    t9 = portal_with_progress(tmp_path, as_of).task_by_id["T-9"]
    assert (t9.status, t9.status_date) == (status, D(since))
    assert (t9.overdue_since, t9.overdue_days, t9.overdue) == (D(overdue_since) if overdue_since else None, days,
                                                               days > 0)
    assert t9.overdue_since_reopening is (overdue_since is not None)  # 2024-09-10 is after 2024-07-01
    assert [e.progress for e in t9.timeline] == progress
    assert [e.tag for e in t9.timeline][1] == "进展"


def test_a_task_overdue_from_its_deadline_counts_from_the_day_after_it(tmp_path: Path) -> None:
    # T-2 (due 2024-06-30, in_progress since 2022-03-01): overdue since 2024-07-01, not "since a reopening";
    # as of 2025-01-01: 2025-01-01 − 2024-07-01 + 1 = 185 = 2025-01-01 − 2024-06-30, as before
    t2 = portal_with_progress(tmp_path, "2025-01-01").task_by_id["T-2"]
    assert (t2.overdue_since, t2.overdue_days, t2.overdue_since_reopening) == (D("2024-07-01"), 185, False)


def test_progress_events_never_read_x_to_x(tmp_path: Path) -> None:
    portal = portal_with_progress(tmp_path, "2025-01-01")
    t9 = sorted((e for e in portal.events if e.item_id == "T-9" and e.kind == "task"), key=lambda e: e.key)
    # history entries 0 … 7: 整改中, 进展 (still 整改中), 已完成（待验收）, 已验收, 已销号, 重新整改, 进展, 进展
    assert [e.tag for e in t9] == ["整改中", "进展", "已完成（待验收）", "已验收", "已销号", "重新整改", "进展", "进展"]
    assert [e.change for e in t9] == ["整改中", "进展（状态仍为整改中）", "整改中 → 已完成（待验收）",
                                      "已完成（待验收） → 已验收", "已验收 → 已销号", "已销号 → 重新整改",
                                      "进展（状态仍为重新整改）", "进展（状态仍为重新整改）"]
    # the "becomes overdue" event is the reopening day, the day the days count from
    assert overdue_days_of(portal, "T-9") == [D("2024-09-10")]
    c = sorted((e for e in portal.events if e.item_id == "D2SS202410080005"), key=lambda e: e.date)
    # disclosed 2024-10-08 at handling (its status when the batch was reported), then: handling again (进展),
    # done (a change), done again (进展)
    assert [(e.date, e.tag, e.change) for e in c] == [
        (D("2024-10-08"), "第3批交办", "正在办理"), (D("2024-11-01"), "进展", "进展（状态仍为正在办理）"),
        (D("2024-12-01"), "已办结", "正在办理 → 已办结"), (D("2024-12-20"), "进展", "进展（状态仍为已办结）")]
    assert not [e for e in portal.events if "→" in e.change and e.from_label == e.to_label]


def test_a_complaints_timeline_starts_at_its_status_when_reported(tmp_path: Path) -> None:
    portal = portal_with_progress(tmp_path, "2025-01-01")
    by_ref = {c.complaint.ref: c for c in portal.complaints}
    c = by_ref["D2SS202410080005"]
    assert [(e.status, e.progress) for e in c.timeline] == [("handling", False), ("handling", True), ("done", False),
                                                            ("done", True)]
    # current status: the last entry's (done); its date: the entry that began it, 2024-12-01 (not 12-20)
    assert (c.status, c.status_date) == ("done", D("2024-12-01"))
    # D…0001: handling when reported 2021-05-12, done 2021-09-30 → since 2021-09-30; D…0003: done when
    # reported, no update → since the batch's forwarded_on 2021-05-12
    assert by_ref["D2SS202105120001"].status_date == D("2021-09-30")
    assert (by_ref["D2SS202105120003"].status, by_ref["D2SS202105120003"].status_date) == ("done", D("2021-05-12"))

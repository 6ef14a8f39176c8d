"""The public flags of the 数据核查 and 更正记录 pages, derived from the :class:`Portal` as of the build date.

Takes the derived :class:`generator.derive.views.Portal`; gives

- :func:`findings`: the flagged tasks in groups (:class:`FindingGroup` of :class:`FlaggedTask`), each
  with its detail line: overdue (逾期未完成), completed after the deadline (逾期完成), no update for more
  than :data:`generator.derive.state.STALE_DAYS` days while not finished (长期未更新) and, for reading
  alongside them, behind schedule (未达到序时进度), close-outs without the notice rule (例外销号) and
  reopened (反弹) tasks;
- :func:`corrections`: every corrected history entry (:class:`CorrectionView`), newest first.

The content errors of the same signs of faked rectification (a deadline before its plan, a reopening
without a reason, …) are the check stage's (:mod:`generator.check.integrity`, :mod:`generator.check.rules`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.derive.state import STALE_DAYS
from generator.derive.views import Portal, TaskView
from generator.markup import cn_date
from generator.models import TASK_STATUS_LABELS, Task


@dataclass(frozen=True)
class FlaggedTask:
    """One flagged task on the 数据核查 page."""

    task: TaskView
    detail: str


@dataclass(frozen=True)
class FindingGroup:
    key: str  # overdue, late, stale, behind, exception, reopened
    label: str
    explanation: str
    items: tuple[FlaggedTask, ...]


@dataclass(frozen=True)
class CorrectionView:
    task: TaskView
    index: int
    date: dt.date
    status_label: str
    reason: str
    note: str


def findings(portal: Portal) -> list[FindingGroup]:
    """Every flagged task, by kind, in task order. Deterministic."""
    tasks = portal.tasks
    groups = [
        FindingGroup("overdue", "逾期未完成",
                     "整改时限已过，截至数据日期仍未完成的任务。",
                     tuple(FlaggedTask(t, f"整改时限{cn_date(t.task.due)}，自{cn_date(t.overdue_since)}起已逾期{t.overdue_days}天")
                           for t in tasks if t.overdue)),
        FindingGroup("late", "逾期完成",
                     "完成日期晚于整改时限的任务。",
                     tuple(FlaggedTask(t, f"整改时限{cn_date(t.task.due)}，{cn_date(t.completed_on)}完成")
                           for t in tasks if t.late and t.completed_on)),
        FindingGroup("stale", "长期未更新",
                     f"尚未完成，且超过{STALE_DAYS}天没有任何进展记录的任务。",
                     tuple(FlaggedTask(t, f"最近一次记录：{cn_date(t.last_update)}，已{t.stale_days}天未更新")
                           for t in tasks if t.stale_days)),
        FindingGroup("behind", "未达到序时进度",
                     "最近一次进展报告认定未达到序时进度的任务。",
                     tuple(FlaggedTask(t, f"{cn_date(t.last_update)}报告") for t in tasks if t.behind_schedule)),
        FindingGroup("exception", "例外销号",
                     "未按“验收、公示期满且无异议成立后销号”的一般程序销号的任务，附公开理由。",
                     tuple(FlaggedTask(t, t.closeout_exception) for t in tasks if t.closeout_exception)),
        FindingGroup("reopened", "重新整改（反弹）",
                     "已完成、已验收或已销号后又重新整改的任务。",
                     tuple(FlaggedTask(t, "、".join(cn_date(d) for d in _reopened_dates(t.task)) + "重新整改")
                           for t in tasks if _reopened_dates(t.task))),
    ]
    if portal.content.version == 2:
        groups.append(FindingGroup("again", "再次被督察指出（跨轮次反弹）",
                                   "以往督察的整改任务，在之后的督察中又被指出同一问题：较早的任务及其后续任务、日期。",
                                   tuple(FlaggedTask(r.earlier, r.detail) for r in recurrences(portal))))
    return groups


@dataclass(frozen=True)
class Recurrence:
    """A problem of an earlier inspection pointed out again by a later one (the later task ``follows`` it)."""

    earlier: TaskView
    later: TaskView
    finished_on: dt.date | None  # when the earlier task was closed out (else completed), if it was
    pointed_out_on: dt.date | None  # the later inspection's feedback (反馈), as the task page says it

    @property
    def detail(self) -> str:
        done = f"{cn_date(self.finished_on)}{'销号' if self.earlier.status == 'closed' else '完成'}" \
            if self.finished_on else f"当时状态：{self.earlier.status_label}"
        later = self.later.inspection.label if self.later.inspection else "之后的督察"
        when = f"（{cn_date(self.pointed_out_on)}反馈）" if self.pointed_out_on else ""
        return f"{done}；{later}{when}再次指出，见{self.later.name}"


def recurrences(portal: Portal) -> list[Recurrence]:
    """Every (earlier, later) pair of tasks across inspections, in the earlier task's order."""
    out = []
    for t in portal.tasks:
        for later in t.followed_by:
            out.append(Recurrence(t, later, finished_on(t), later.inspection.feedback_on if later.inspection else None))
    return out


def finished_on(t: TaskView) -> dt.date | None:
    """The last close-out of a task, else when its current round of work was completed."""
    closed = [e.date for e in t.task.history if e.status == "closed"]
    return closed[-1] if closed else t.completed_on


def _reopened_dates(task: Task) -> list[dt.date]:
    out, prev = [], ""
    for e in task.history:
        if e.status == "reopened" and prev != "reopened":
            out.append(e.date)
        prev = e.status
    return out


def corrections(portal: Portal) -> list[CorrectionView]:
    """Every history entry with a correction, newest first (then by task number)."""
    out = [CorrectionView(t, i, e.date, TASK_STATUS_LABELS[e.status], e.correction, e.note)
           for t in portal.tasks for i, e in enumerate(t.task.history) if e.correction.strip()]
    out.sort(key=lambda c: (-c.date.toordinal(), c.task.task.number, c.task.task.id, c.index))
    return out

"""Integrity findings: the signs of faked rectification the source article names.

Two kinds of findings:

- **errors** (:func:`check`), reported by ``portal check`` and stopping the build with the other
  content problems: a deadline earlier than the plan that set it, a ``reopened`` entry without a
  reason. (The other error findings live in :mod:`generator.check.rules`: one 文号 for two documents, a
  document dated after the entry that cites it, a step back from finished work without ``reopened``
  (反弹), a correction without a reason.)
- **public flags** (:func:`findings`), derived as of the build date and shown on each task page and
  on the 数据核查 page: overdue (逾期), completed after the deadline (逾期完成), no update for more
  than :data:`STALE_DAYS` days while not finished (长期未更新), and, for reading alongside them,
  behind schedule, close-outs without the notice rule, reopened (反弹) tasks and corrections.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.errors import Problems
from generator.models import DONE_STATUSES, Content, Document, Plan, Task

if TYPE_CHECKING:
    from generator.derive.state import Portal, TaskView

STALE_DAYS = 180

_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "［": "(", "］": ")", "[": "(", "]": ")", "【": "(", "】": ")",
                           "（": "(", "）": ")", "﹝": "(", "﹞": ")"})


def normalize_number(number: str) -> str:
    """A 文号 as compared: full-width forms folded (NFKC), every bracket style the same, no spaces.
    〔2021〕, [2021], （2021） and ［2021］ are the same year bracket in practice."""
    text = unicodedata.normalize("NFKC", number).translate(_BRACKETS)
    return re.sub(r"\s+", "", text)


def document_differences(a: Document, b: Document) -> list[str]:
    """The fields that differ between two documents registered under one 文号."""
    out = []
    if a.title.strip() != b.title.strip():
        out.append("title")
    if a.issuer.strip() != b.issuer.strip():
        out.append("issuer")
    if a.issued_on != b.issued_on:
        out.append("issued_on")
    if a.sha256.lower() != b.sha256.lower():
        out.append("sha256")
    return out


# -- errors ------------------------------------------------------------------------------------

def check(content: Content, problems: Problems) -> None:
    """Add the integrity errors of ``content`` that :mod:`generator.check.rules` does not already report."""
    plan = content.site.plan if content.site else None
    documents = {d.id: d for d in content.documents}
    for task in content.tasks:
        _deadline_before_plan(task, plan, documents, problems)
        _reopened_reason(task, problems)


def _deadline_before_plan(task: Task, plan: Plan | None, documents: dict[str, Document], problems: Problems) -> None:
    deadline = task.deadline.date if task.deadline.kind == "date" else None
    if deadline is None or plan is None:
        return
    if deadline < plan.approved_on:
        problems.add(task.at("deadline"), "deadline",
                     f"整改时限 {deadline} 早于规定它的整改方案的批准日期（{plan.approved_on}）",
                     "方案不能要求在它批准之前就完成整改；改正 deadline 或 plan.approved_on")
        return
    doc = documents.get(plan.document)
    if doc is not None and doc.issued_on and deadline < doc.issued_on:
        problems.add(task.at("deadline"), "deadline",
                     f"整改时限 {deadline} 早于整改方案文件 {doc.id}（{doc.number}，{doc.issued_on} 印发）",
                     "方案不能要求在它印发之前就完成整改；改正 deadline 或这份文件的 issued_on")


def _reopened_reason(task: Task, problems: Problems) -> None:
    """Finished work that comes back (反弹) is recorded as 'reopened' with the reason."""
    prev = ""
    for i, entry in enumerate(task.history):
        if entry.status == "reopened" and prev in DONE_STATUSES and not entry.note.strip() and not entry.correction.strip():
            problems.add(entry.at("status"), f"history[{i}].note",
                         f"'{prev}' 之后重新整改（反弹），却没有写明原因",
                         "在 'note:' 中写明原因，例如 note: 汛期后再次出现黑臭，问题反弹，重新整改")
        prev = entry.status


# -- public flags ------------------------------------------------------------------------------

def last_update(task: Task, plan: Plan | None) -> dt.date | None:
    """The date of the task's latest history entry (a progress report counts), or of the plan's
    approval when the task has no history yet."""
    if task.history:
        return task.history[-1].date
    return plan.approved_on if plan else None


def stale_days(task: Task, status: str, as_of: dt.date, plan: Plan | None) -> int:
    """Days without any update, when more than STALE_DAYS and the work is not finished; else 0."""
    if status in DONE_STATUSES:
        return 0
    since = last_update(task, plan)
    if since is None:
        return 0
    days = (as_of - since).days
    return days if days > STALE_DAYS else 0


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
    from generator.markup import cn_date

    tasks = portal.tasks
    groups = [
        FindingGroup("overdue", "逾期未完成",
                     "整改时限已过，截至数据日期仍未完成的任务。",
                     tuple(FlaggedTask(t, f"整改时限{cn_date(t.task.deadline.date)}，已逾期{t.overdue_days}天") for t in tasks if t.overdue)),
        FindingGroup("late", "逾期完成",
                     "完成日期晚于整改时限的任务。",
                     tuple(FlaggedTask(t, f"整改时限{cn_date(t.task.deadline.date)}，{cn_date(t.completed_on)}完成")
                           for t in tasks if t.late and t.completed_on)),
        FindingGroup("stale", "长期未更新",
                     f"尚未完成，且超过{STALE_DAYS}天没有任何进展记录的任务。",
                     tuple(FlaggedTask(t, f"最近一次记录：{cn_date(t.last_update)}，已{t.stale_days}天未更新")
                           for t in tasks if t.stale_days)),
        FindingGroup("behind", "未达到序时进度",
                     "最近一次进展报告认定未达到序时进度的任务。",
                     tuple(FlaggedTask(t, f"{cn_date(t.status_date)}报告") for t in tasks if t.behind_schedule)),
        FindingGroup("exception", "例外销号",
                     "未按“验收、公示期满且无异议成立后销号”的一般程序销号的任务，附公开理由。",
                     tuple(FlaggedTask(t, t.closeout_exception) for t in tasks if t.closeout_exception)),
        FindingGroup("reopened", "重新整改（反弹）",
                     "已完成、已验收或已销号后又重新整改的任务。",
                     tuple(FlaggedTask(t, "、".join(cn_date(d) for d in _reopened_dates(t.task)) + "重新整改")
                           for t in tasks if _reopened_dates(t.task))),
    ]
    return groups


def _reopened_dates(task: Task) -> list[dt.date]:
    out, prev = [], ""
    for e in task.history:
        if e.status == "reopened" and prev != "reopened":
            out.append(e.date)
        prev = e.status
    return out


def corrections(portal: Portal) -> list[CorrectionView]:
    """Every history entry with a correction, newest first (then by task number)."""
    from generator.models import TASK_STATUS_LABELS

    out = [CorrectionView(t, i, e.date, TASK_STATUS_LABELS[e.status], e.correction, e.note)
           for t in portal.tasks for i, e in enumerate(t.task.history) if e.correction.strip()]
    out.sort(key=lambda c: (-c.date.toordinal(), c.task.task.number, c.task.task.id, c.index))
    return out

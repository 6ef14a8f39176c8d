"""Stage 3, derive (events): every status change as an :class:`Event` with an identity that never changes.

An event's ``key`` is built only from what the event is — the item, its position in the item's
history and the date — never from the build date, the template or other content, so rebuilding or
adding content never changes an existing event, and one new status change adds exactly one event.
Its content (labels, note) also depends only on the content of that item, so a feed entry is
byte-identical across rebuilds.

Events:
- ``task/<id>/history/<i>/<date>``: each task history entry (corrections and reopenings included); one that
  repeats the status before it is a progress report (进展: ``progress``, tag 进展, from and to the same status);
- ``task/<id>/overdue/<day>``: a task with a dated deadline becomes overdue: the day after the
  deadline if it was not done by then, or the day it was reopened after the deadline;
- ``complaint/<ref>/forwarded/<date>`` and ``complaint/<ref>/update/<i>/<date>``: a complaint's
  disclosure with its batch (at its status when the batch was reported), and each later update (进展 when it
  repeats the status before it);
- ``notice/<id>/opened|closing|closed/<date>`` and ``notice/<id>/outcome/<date>``: a close-out notice
  opens, has 3 days left, has ended, and its outcome is decided.
Events dated after the as-of date do not exist yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from generator.derive.views import ComplaintView, Event, NoticeView, TaskView
from generator.markup import cn_date, shorten
from generator.models import (
    COMPLAINT_STATUS_LABELS,
    DONE_STATUSES,
    NOTICE_STATE_LABELS,
    OUTCOME_LABELS,
    PROGRESS_LABEL,
    TASK_STATUS_LABELS,
    Complaint,
    Task,
)

CLOSING_SOON_DAYS = 3

def status_on(task: Task, day: dt.date) -> str:
    """A task's status at the end of ``day``."""
    status = "planned"
    for entry in task.history:
        if entry.date > day:
            break
        status = entry.status
    return status


def is_overdue(task: Task, status: str, day: dt.date) -> bool:
    """The overdue rule (逾期未完成), written once: at the end of ``day`` the task's dated deadline has passed
    and its work, in ``status`` then, is not done. The day after the deadline is the first overdue day."""
    due = task.due
    return due is not None and due < day and status not in DONE_STATUSES


def overdue_since(task: Task, deadline: dt.date) -> list[tuple[dt.date, str]]:
    """The days a task became overdue, with its status then: the day after the deadline if it was not
    done by then, and each later day on which it stopped being done (reopened)."""
    out = []
    status = status_on(task, deadline)
    if status not in DONE_STATUSES:
        out.append((deadline + dt.timedelta(days=1), status))
    for entry in task.history:
        if entry.date > deadline:
            if status in DONE_STATUSES and entry.status not in DONE_STATUSES:
                out.append((entry.date, entry.status))
            status = entry.status
    return out


def overdue_from(task: Task, as_of: dt.date) -> dt.date | None:
    """The first day of the task's current overdue stretch as of ``as_of`` (the day its latest "becomes
    overdue" event is dated), or None when it is not overdue then. Days overdue count from it, as day 1: from
    the day after the deadline, or, for work finished and taken up again after the deadline, from that day."""
    due = task.due
    if due is None or not is_overdue(task, status_on(task, as_of), as_of):
        return None
    return max((day for day, _ in overdue_since(task, due) if day <= as_of), default=None)


def task_events(t: TaskView, as_of: dt.date) -> list[Event]:
    task = t.task
    title = t.name
    regions = tuple(task.regions)
    out = []
    prev = ""
    for i, e in enumerate(task.history):
        notes = [e.note]
        if e.correction:
            notes.append(f"更正：{e.correction}")
        if e.closeout_exception:
            notes.append(f"未经公示销号的原因：{e.closeout_exception}")
        if e.on_schedule is False:
            notes.append("未达到序时进度")
        label = TASK_STATUS_LABELS[e.status]
        progress = e.status == prev  # "repeating the current status is a progress report"
        out.append(Event(
            key=f"task/{task.id}/history/{i}/{e.date.isoformat()}", date=e.date, kind="task", item_id=task.id,
            title=title, url=t.url, tag=PROGRESS_LABEL if progress else label,
            from_label=TASK_STATUS_LABELS.get(prev, ""), to_label=label, note="；".join(n for n in notes if n),
            tasks=(task.id,), regions=regions, closed_out=e.status == "closed", progress=progress,
        ))
        prev = e.status
    deadline = task.due
    if deadline is not None:
        for day, status in overdue_since(task, deadline):
            if day <= as_of:
                out.append(Event(
                    key=f"task/{task.id}/overdue/{day.isoformat()}", date=day, kind="overdue", item_id=task.id,
                    title=title, url=t.url, tag="逾期未完成", from_label=TASK_STATUS_LABELS[status], to_label="逾期未完成",
                    note=f"整改时限{cn_date(deadline)}已过，任务尚未完成。", tasks=(task.id,), regions=regions,
                ))
    return out


def complaint_title(m: Complaint) -> str:
    """How a complaint is named in feeds and search results: its reference and the start of its summary."""
    return f"{m.ref} {shorten(m.summary)}"


def complaint_events(c: ComplaintView) -> list[Event]:
    m = c.complaint
    title = complaint_title(m)
    regions = tuple(m.region)
    tasks = tuple(m.tasks)
    label = COMPLAINT_STATUS_LABELS[m.status]
    out = [Event(
        key=f"complaint/{m.ref}/forwarded/{c.batch.forwarded_on.isoformat()}", date=c.batch.forwarded_on,
        kind="complaint", item_id=m.ref, title=title, url=c.url, tag=f"{c.batch_name}交办", from_label="",
        to_label=label, note=f"{c.batch_name}交办，{m.substantiated or '核实情况未公布'}。", tasks=tasks, regions=regions,
    )]
    prev = m.status
    for i, u in enumerate(m.updates):
        label = COMPLAINT_STATUS_LABELS[u.status]
        progress = u.status == prev
        out.append(Event(
            key=f"complaint/{m.ref}/update/{i}/{u.date.isoformat()}", date=u.date, kind="complaint", item_id=m.ref,
            title=title, url=c.url, tag=PROGRESS_LABEL if progress else label, from_label=COMPLAINT_STATUS_LABELS[prev],
            to_label=label, note=u.note, tasks=tasks, regions=regions, progress=progress,
        ))
        prev = u.status
    return out


def notice_events(n: NoticeView, as_of: dt.date) -> list[Event]:
    a = n.ann
    start, end = a.period.start, a.period.end
    tasks = tuple(a.tasks)
    regions = tuple(sorted({code for t in n.tasks for code in t.task.regions}))
    period = f"公示期{cn_date(start)}至{cn_date(end)}（共{a.period.days}天）"

    def event(what: str, day: dt.date, tag: str, from_label: str, note: str) -> Event:
        return Event(key=f"notice/{a.id}/{what}/{day.isoformat()}", date=day, kind="notice", item_id=a.id,
                     title=a.title, url=n.url, tag=tag, from_label=from_label, to_label=tag, note=note,
                     tasks=tasks, regions=regions)

    upcoming, open_, closed = (NOTICE_STATE_LABELS[s] for s in ("upcoming", "open", "closed"))
    out = [event("opened", start, "开始公示", upcoming, f"{period}。公示期内可以对整改情况提出异议。")]
    closing = end - dt.timedelta(days=CLOSING_SOON_DAYS - 1)
    if closing > start:
        out.append(event("closing", closing, "公示即将结束", open_,
                         f"还剩{CLOSING_SOON_DAYS}天（含当天），{cn_date(end)}是提出异议的最后一天。"))
    out.append(event("closed", end + dt.timedelta(days=1), closed, open_, f"{period}，已结束。"))
    if a.outcome:
        result = OUTCOME_LABELS[a.outcome.result]
        out.append(event("outcome", a.outcome.decided_on, result, closed, a.outcome.note))
    return [e for e in out if e.date <= as_of]


def collect(tasks: Iterable[TaskView], complaints: Iterable[ComplaintView], notices: Iterable[NoticeView],
            as_of: dt.date) -> list[Event]:
    """Every event up to ``as_of``, newest first."""
    out: list[Event] = []
    for t in tasks:
        out.extend(task_events(t, as_of))
    for c in complaints:
        out.extend(complaint_events(c))
    for n in notices:
        out.extend(notice_events(n, as_of))
    out.sort(key=lambda e: e.sort_key, reverse=True)
    return out


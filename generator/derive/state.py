"""Stage 3, derive: what the checked content means as of a date.

Current status, overdue and late flags, notice state, timelines, per-region roll-ups, headline
numbers and the list of status-change events. Pure functions of (content, as_of): no I/O, and
every list is in a defined order so that output is deterministic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from generator import urls
from generator.check import integrity
from generator.derive.events import Event, collect
from generator.models import (
    COMPLAINT_STATUS_LABELS,
    DONE_STATUSES,
    TASK_STATUS_LABELS,
    Announcement,
    Batch,
    Complaint,
    Contact,
    Content,
    Document,
    HistoryEntry,
    Region,
    Task,
)

SUBSTANTIATED = frozenset({"属实", "基本属实", "部分属实"})
NoticeState = Literal["upcoming", "open", "closed"]


@dataclass
class TimelineEntry:
    date: dt.date
    status: str
    label: str
    note: str = ""
    correction: str = ""
    closeout_exception: str = ""
    on_schedule: bool | None = None
    documents: list[Document] = field(default_factory=list)
    announcement: NoticeView | None = None


@dataclass
class NoticeView:
    ann: Announcement
    url: str
    state: NoticeState
    days_until_open: int  # upcoming: days until the first day
    days_left: int  # open: days left counting today (1 on the last day)
    length_days: int
    tasks: list[TaskView] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    contact: Contact | None = None  # where to object: the notice's own contact, else site.yaml's
    # objection upheld: each task sent back to work, with the date of its 'reopened' entry
    reopened: list[tuple[TaskView, dt.date]] = field(default_factory=list)

    @property
    def offers_calendar(self) -> bool:
        """Open and upcoming notices offer a calendar file with the last day to object."""
        return self.state != "closed"

    @property
    def ics_url(self) -> str:
        return f"{self.url}{self.ann.id}.ics"

    @property
    def state_label(self) -> str:
        if self.state == "upcoming":
            return "即将公示"
        if self.state == "open":
            return "正在公示"
        return "公示已结束"


@dataclass
class TaskView:
    task: Task
    url: str
    status: str
    status_label: str
    status_date: dt.date | None
    overdue: bool
    overdue_days: int
    late: bool
    completed_on: dt.date | None
    behind_schedule: bool
    stale_days: int = 0  # 长期未更新: days without any update, when over integrity.STALE_DAYS
    last_update: dt.date | None = None
    regions: list[Region] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    complaints: list[ComplaintView] = field(default_factory=list)
    notices: list[NoticeView] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def closeout_exception(self) -> str:
        """The reason given for closing out without the notice rule, while the task is closed that way."""
        return self.task.history[-1].closeout_exception if self.status == "closed" and self.task.history else ""


@dataclass
class ComplaintView:
    complaint: Complaint
    batch: Batch
    url: str
    status: str
    status_label: str
    substantiated: bool
    regions: list[Region] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)


@dataclass
class RegionView:
    region: Region
    url: str
    parent: RegionView | None = None
    children: list[RegionView] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)  # this region and everything inside it
    complaints: list[ComplaintView] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    def ancestors(self) -> list[RegionView]:
        out, cur = [], self.parent
        while cur is not None:
            out.append(cur)
            cur = cur.parent
        return list(reversed(out))


@dataclass
class Stats:
    tasks_total: int
    tasks_completed: int  # completed, accepted or closed
    tasks_closed: int
    tasks_overdue: int
    tasks_by_status: list[tuple[str, str, int]]
    complaints_total: int
    complaints_done: int
    complaints_substantiated: int
    complaints_by_status: list[tuple[str, str, int]]

    @staticmethod
    def percent(part: int, whole: int) -> str:
        return f"{(100 * part / whole):.0f}%" if whole else "—"


@dataclass
class Portal:
    """The derived view of the whole site as of one date: what the templates render."""

    content: Content
    as_of: dt.date
    tasks: list[TaskView]
    complaints: list[ComplaintView]
    notices: list[NoticeView]
    regions: list[RegionView]
    batches: list[tuple[Batch, list[ComplaintView]]]
    documents: list[Document]
    events: list[Event]
    stats: Stats
    task_by_id: dict[str, TaskView]
    region_by_code: dict[str, RegionView]

    @property
    def open_notices(self) -> list[NoticeView]:
        return sorted((n for n in self.notices if n.state == "open"), key=lambda n: (n.ann.period.end, n.ann.id))


def notice_state(ann: Announcement, as_of: dt.date) -> tuple[NoticeState, int, int]:
    """(state, days until it opens, days left counting today) of a notice as of a date."""
    start, end = ann.period.start, ann.period.end
    if as_of < start:
        return "upcoming", (start - as_of).days, 0
    if as_of <= end:
        return "open", 0, (end - as_of).days + 1
    return "closed", 0, 0


def task_status(task: Task) -> tuple[str, dt.date | None]:
    if not task.history:
        return "planned", None
    last = task.history[-1]
    return last.status, last.date


def completion_date(task: Task) -> dt.date | None:
    """When the current round of work was completed: the first done entry after the last reopening."""
    status, _ = task_status(task)
    if status not in DONE_STATUSES:
        return None
    since = 0
    for i, e in enumerate(task.history):
        if e.status == "reopened":
            since = i + 1
    for e in task.history[since:]:
        if e.status in DONE_STATUSES:
            return e.date
    return None


def derive(content: Content, as_of: dt.date) -> Portal:
    documents = {d.id: d for d in content.documents}
    regions = {r.code: r for r in content.regions}

    notices = {}
    for ann in sorted(content.announcements, key=lambda a: (a.period.start, a.id)):
        state, until, left = notice_state(ann, as_of)
        notices[ann.id] = NoticeView(
            ann=ann, url=urls.announcement(ann.id), state=state, days_until_open=until, days_left=left,
            length_days=ann.period.days,
            documents=[documents[d] for d in ann.documents if d in documents],
            contact=ann.contact or content.site.contact,
        )

    tasks: dict[str, TaskView] = {}
    for task in sorted(content.tasks, key=lambda t: (t.number, t.id)):
        status, status_date = task_status(task)
        done_on = completion_date(task)
        deadline = task.deadline.date if task.deadline.kind == "date" else None
        overdue = bool(deadline and deadline < as_of and status not in DONE_STATUSES)
        view = TaskView(
            task=task, url=urls.task(task.id), status=status, status_label=TASK_STATUS_LABELS[status],
            status_date=status_date, overdue=overdue, overdue_days=(as_of - deadline).days if overdue and deadline else 0,
            late=bool(deadline and done_on and done_on > deadline), completed_on=done_on,
            behind_schedule=bool(task.history and task.history[-1].on_schedule is False),
            regions=[regions[c] for c in task.regions if c in regions],
            timeline=[_task_entry(e, documents, notices) for e in task.history],
            stale_days=integrity.stale_days(task, status, as_of, content.site.plan),
            last_update=integrity.last_update(task, content.site.plan),
        )
        cited = {d for e in task.history for d in e.documents}
        view.documents = [documents[d] for d in sorted(cited) if d in documents]
        tasks[task.id] = view
    for notice in notices.values():
        notice.tasks = [tasks[t] for t in notice.ann.tasks if t in tasks]
        for t in notice.tasks:
            t.notices.append(notice)
        outcome = notice.ann.outcome
        if outcome and outcome.result == "objection_upheld":
            for t in notice.tasks:
                again = [e.date for e in t.task.history if e.status == "reopened" and e.date >= outcome.decided_on]
                if again:
                    notice.reopened.append((t, again[0]))

    complaints: list[ComplaintView] = []
    batches: list[tuple[Batch, list[ComplaintView]]] = []
    for batch in sorted(content.batches, key=lambda b: b.batch):
        in_batch: list[ComplaintView] = []
        for c in batch.complaints:
            c_status = c.updates[-1].status if c.updates else c.status
            c_view = ComplaintView(
                complaint=c, batch=batch, url=urls.complaint(c.ref), status=c_status,
                status_label=COMPLAINT_STATUS_LABELS[c_status], substantiated=c.substantiated in SUBSTANTIATED,
                regions=[regions[r] for r in c.region if r in regions],
                timeline=[TimelineEntry(batch.forwarded_on, c.status, COMPLAINT_STATUS_LABELS[c.status],
                                        f"第{batch.batch}批交办")]
                + [TimelineEntry(u.date, u.status, COMPLAINT_STATUS_LABELS[u.status], u.note) for u in c.updates],
                tasks=[tasks[t] for t in c.tasks if t in tasks],
            )
            for t in c_view.tasks:
                t.complaints.append(c_view)
            in_batch.append(c_view)
        in_batch.sort(key=lambda v: v.complaint.ref)
        complaints.extend(in_batch)
        batches.append((batch, in_batch))

    region_views = _regions(content.regions, list(tasks.values()), complaints)
    task_list = list(tasks.values())
    return Portal(
        content=content, as_of=as_of, tasks=task_list, complaints=complaints, notices=list(notices.values()),
        regions=region_views, batches=batches,
        documents=sorted(content.documents, key=lambda d: (d.issued_on or dt.date.min, d.id), reverse=True),
        events=collect(task_list, complaints, list(notices.values()), as_of), stats=_stats(task_list, complaints),
        task_by_id=tasks, region_by_code={r.region.code: r for r in region_views},
    )


def _task_entry(e: HistoryEntry, documents: dict[str, Document], notices: dict[str, NoticeView]) -> TimelineEntry:
    return TimelineEntry(
        date=e.date, status=e.status, label=TASK_STATUS_LABELS[e.status], note=e.note, correction=e.correction,
        closeout_exception=e.closeout_exception, on_schedule=e.on_schedule,
        documents=[documents[d] for d in e.documents if d in documents], announcement=notices.get(e.announcement),
    )


def _regions(regions: list[Region], tasks: list[TaskView], complaints: list[ComplaintView]) -> list[RegionView]:
    views = {r.code: RegionView(region=r, url=urls.region(r.code)) for r in sorted(regions, key=lambda r: r.code)}
    for view in views.values():
        parent = views.get(view.region.parent) if view.region.parent else None
        if parent is not None and parent is not view:
            view.parent = parent
            parent.children.append(view)

    def within(code: str) -> list[RegionView]:
        """The region and all that enclose it (guarding against cycles the checker reports)."""
        out, cur, seen = [], views.get(code), set()
        while cur is not None and cur.region.code not in seen:
            seen.add(cur.region.code)
            out.append(cur)
            cur = cur.parent
        return out

    for t in tasks:
        for view in {v.region.code: v for code in t.task.regions for v in within(code)}.values():
            view.tasks.append(t)
    for c in complaints:
        for view in {v.region.code: v for code in c.complaint.region for v in within(code)}.values():
            view.complaints.append(c)
    # depth-first order: province, then each city followed by its counties
    ordered: list[RegionView] = []

    def walk(v: RegionView) -> None:
        ordered.append(v)
        for child in v.children:
            walk(child)

    for v in views.values():
        if v.parent is None:
            walk(v)
    return ordered


def _stats(tasks: list[TaskView], complaints: list[ComplaintView]) -> Stats:
    def count(statuses: list[str], labels: dict[str, str]) -> list[tuple[str, str, int]]:
        return [(s, label, statuses.count(s)) for s, label in labels.items()]

    return Stats(
        tasks_total=len(tasks),
        tasks_completed=sum(t.status in DONE_STATUSES for t in tasks),
        tasks_closed=sum(t.status == "closed" for t in tasks),
        tasks_overdue=sum(t.overdue for t in tasks),
        tasks_by_status=count([t.status for t in tasks], TASK_STATUS_LABELS),
        complaints_total=len(complaints),
        complaints_done=sum(c.status == "done" for c in complaints),
        complaints_substantiated=sum(c.substantiated for c in complaints),
        complaints_by_status=count([c.status for c in complaints], COMPLAINT_STATUS_LABELS),
    )

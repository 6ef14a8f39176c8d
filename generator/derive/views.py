"""Stage 3, derive (views): the derived views the later stages read — what each item means as of a date.

Plain dataclasses over the content models (:mod:`generator.models`): :class:`Portal` (the whole site as
of one date) holds a :class:`TaskView`, :class:`ComplaintView`, :class:`NoticeView` and
:class:`RegionView` per item, the :class:`Event` list (every status change), an :class:`InspectionView`
per round (with a :class:`PlanView` per plan) and the headline :class:`Stats`, whose complaint figures
count a repeated complaint once (:func:`counted_once`). They depend only on the shared modules;
:mod:`generator.derive.state` and :mod:`generator.derive.events` compute them, and render and index read them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from generator import urls
from generator.models import (
    NOTICE_STATE_LABELS,
    PROGRESS_LABEL,
    Announcement,
    Batch,
    Complaint,
    Contact,
    Content,
    Document,
    Inspection,
    Plan,
    Region,
    Task,
)

EventKind = Literal["task", "overdue", "complaint", "notice"]
# Within one day, events are listed in this order (newest first means reversed).
_KIND_ORDER = {"complaint": 0, "task": 1, "overdue": 2, "notice": 3}


@dataclass(frozen=True)
class Event:
    key: str  # stable identity, e.g. "task/R2-07/history/3/2024-01-20"
    date: dt.date
    kind: EventKind
    item_id: str  # task id, complaint ref or notice id
    title: str  # the item, e.g. "第7项 某垃圾填埋场渗滤液处理能力不足"
    url: str  # the item's page, relative to the site root
    tag: str  # what it became, short, for entry titles: 已验收, 逾期未完成, 公示即将结束, 进展 …
    from_label: str  # the status before ("" for the first); equal to to_label for a progress report
    to_label: str
    note: str = ""
    tasks: tuple[str, ...] = ()  # ids of the tasks it concerns
    regions: tuple[str, ...] = ()  # codes of the regions it concerns (before roll-up)
    closed_out: bool = False  # a task was closed out (销号)
    progress: bool = False  # 进展: an entry or update repeating the status before it, which changes no status

    @property
    def sort_key(self) -> tuple[dt.date, int, str]:
        return (self.date, _KIND_ORDER[self.kind], self.key)

    @property
    def change(self) -> str:
        """What the event did to the status, as feeds and pages say it: 原状态 → 新状态, the status alone for an
        item's first, and for a progress report 进展 with the status that did not change (never 「X → X」)."""
        if self.progress:
            return f"{PROGRESS_LABEL}（状态仍为{self.to_label}）"
        return f"{self.from_label} → {self.to_label}" if self.from_label else self.to_label


NoticeState = Literal["upcoming", "open", "closed"]


@dataclass
class TimelineEntry:
    date: dt.date
    status: str
    label: str  # the label of ``status``
    note: str = ""
    progress: bool = False  # 进展: the status is the one of the entry before (a progress report, not a change)
    correction: str = ""
    closeout_exception: str = ""
    on_schedule: bool | None = None
    documents: list[Document] = field(default_factory=list)
    announcement: NoticeView | None = None

    @property
    def tag(self) -> str:
        """What the entry shows as its tag: its status, or 进展 for a progress report."""
        return PROGRESS_LABEL if self.progress else self.label


def status_began(timeline: list[TimelineEntry]) -> dt.date | None:
    """The rule for the date of a current status (状态起始日期), written once: the date of the entry that began
    the current status, i.e. the last entry that is not a progress report; None for an empty timeline."""
    return next((e.date for e in reversed(timeline) if not e.progress), None)


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
        return urls.notice_calendar(self.ann.id)

    @property
    def state_label(self) -> str:
        return NOTICE_STATE_LABELS[self.state]


@dataclass
class TaskView:
    task: Task
    url: str
    status: str
    status_label: str
    status_date: dt.date | None  # when the current status began (status_began): progress reports do not move it
    overdue: bool
    overdue_days: int  # counted from overdue_since, which is day 1
    late: bool
    completed_on: dt.date | None
    behind_schedule: bool
    stale_days: int = 0  # 长期未更新: days without any update, when over STALE_DAYS
    last_update: dt.date | None = None
    regions: list[Region] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    complaints: list[ComplaintView] = field(default_factory=list)
    notices: list[NoticeView] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    inspection: Inspection | None = None  # the inspection whose feedback it answers
    follows: list[TaskView] = field(default_factory=list)  # tasks of earlier inspections it takes up again
    followed_by: list[TaskView] = field(default_factory=list)  # later tasks that take it up again (反弹)
    number_label: str = ""  # 第7项, or 第三轮·第7项 in a portal of several inspections (Content.task_number)
    # the first day of the current overdue stretch (events.overdue_from): the day after the deadline, or the
    # day the finished work was reopened after it; None when not overdue
    overdue_since: dt.date | None = None

    @property
    def overdue_since_reopening(self) -> bool:
        """Overdue since work finished before was taken up again after the deadline (not since the deadline)."""
        due = self.task.due
        return self.overdue_since is not None and due is not None and self.overdue_since > due + dt.timedelta(days=1)

    @property
    def name(self) -> str:
        """The task as readers see it named: its number and title."""
        return f"{self.number_label} {self.task.title}"

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
    timeline: list[TimelineEntry] = field(default_factory=list)  # the disclosure (the status when reported), updates
    status_date: dt.date | None = None  # when the current status began (status_began)
    tasks: list[TaskView] = field(default_factory=list)
    repeats: list[ComplaintView] = field(default_factory=list)  # earlier complaints it repeats (重复件)
    repeated_by: list[ComplaintView] = field(default_factory=list)
    batch_name: str = ""  # 第3批, or 第三轮·第3批 in a portal of several inspections (Content.batch_name)


@dataclass
class RegionView:
    region: Region
    url: str
    parent: RegionView | None = None
    children: list[RegionView] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)  # this region and everything inside it
    complaints: list[ComplaintView] = field(default_factory=list)
    # the plans that bind this region (version 2), earliest inspection first, each with its figures
    plans: list[tuple[InspectionView, PlanView, Stats]] = field(default_factory=list)

    def lineage(self) -> list[RegionView]:
        """This region and every region enclosing it, nearest first (a county, its city, the province): the
        one walk up the region tree. It stops where the parents would go round in a cycle (the checker
        reports those)."""
        out: list[RegionView] = []
        seen: set[str] = set()
        cur: RegionView | None = self
        while cur is not None and cur.region.code not in seen:
            seen.add(cur.region.code)
            out.append(cur)
            cur = cur.parent
        return out

    def ancestors(self) -> list[RegionView]:
        """The regions enclosing this one, outermost first (for breadcrumbs: the province, then the city)."""
        return self.lineage()[:0:-1]

    @property
    def depth(self) -> int:
        return len(self.lineage()) - 1


def enclosing(views: Mapping[str, RegionView], codes: Iterable[str]) -> list[RegionView]:
    """The regions of ``codes`` and every region enclosing them, each once, in the order first met (each
    named region followed by those around it); codes without a view are left out."""
    found: dict[str, RegionView] = {}
    for code in codes:
        view = views.get(code)
        for v in view.lineage() if view is not None else ():
            found.setdefault(v.region.code, v)
    return list(found.values())


def enclosing_of(views: Mapping[str, RegionView]) -> Callable[[Iterable[str]], list[RegionView]]:
    """:func:`enclosing` over ``views``, worked out once for each list of codes met (a national site's 175,000
    events and 150,000 complaints name a few thousand); the lists it returns are shared: not to be changed."""
    memo: dict[tuple[str, ...], list[RegionView]] = {}

    def of(codes: Iterable[str]) -> list[RegionView]:
        key = tuple(codes)
        found = memo.get(key)
        if found is None:
            found = memo[key] = enclosing(views, key)
        return found
    return of


@dataclass
class Stats:
    tasks_total: int
    tasks_completed: int  # completed, accepted or closed
    tasks_closed: int
    tasks_overdue: int
    tasks_by_status: list[tuple[str, str, int]]
    complaints_total: int  # the complaint figures count each once (counted_once)
    complaints_done: int
    complaints_substantiated: int
    complaints_by_status: list[tuple[str, str, int]]
    complaints_repeats: int  # repeats (重复件) of a complaint counted already, left out of the complaint figures


def batch_runs(complaints: Iterable[ComplaintView]) -> Iterator[list[ComplaintView]]:
    """``complaints`` (as a Portal lists them: batch by batch) in runs of one batch each: the grain at which the
    build keeps whole-site parts between builds (open data, search plan)."""
    run: list[ComplaintView] = []
    for c in complaints:
        if run and c.batch is not run[0].batch:
            yield run
            run = []
        run.append(c)
    if run:
        yield run


def counted_once(complaints: list[ComplaintView]) -> list[ComplaintView]:
    """The complaints a scope (the portal, an inspection, a plan) counts: each matter once (重复件). A complaint
    that another complaint of the same scope repeats is left out (``repeats`` names earlier ones, or ones of the
    same day), so a chain of repeats counts as its latest complaint, with that one's status: a matter complained
    of again and still being handled is not counted as done because its first complaint was. Two complaints of
    one day that name each other count as the later of the two in ``complaints``. A round-3 complaint
    repeating a round-2 one counts in round 3, where it is new."""
    repeating = [(i, c) for i, c in enumerate(complaints) if c.repeats]  # few: the others supersede nothing
    if not repeating:
        return list(complaints)
    targets = {r.complaint.ref for _, c in repeating for r in c.repeats}
    position = {c.complaint.ref: i for i, c in enumerate(complaints) if c.complaint.ref in targets}
    superseded = set()
    for i, c in repeating:
        for r in c.repeats:
            j = position.get(r.complaint.ref)
            mutual = any(back.complaint.ref == c.complaint.ref for back in r.repeats)
            if j is not None and j != i and not (mutual and j > i):
                superseded.add(r.complaint.ref)
    return [c for c in complaints if c.complaint.ref not in superseded] if superseded else list(complaints)


@dataclass
class PlanView:
    """One plan of an inspection with its tasks (``Content.plan_of``) and the inspection's complaints in the
    plan's region (none when the plan names no region)."""

    plan: Plan
    region: RegionView | None
    tasks: list[TaskView]
    complaints: list[ComplaintView]

    @property
    def label(self) -> str:
        """The province it binds, else the plan's title."""
        return self.region.region.name if self.region is not None else self.plan.title


@dataclass
class InspectionView:
    """One inspection (a round) with what answers it: its tasks, complaint batches and notices, and its figures."""

    inspection: Inspection
    url: str
    tasks: list[TaskView]
    batches: list[tuple[Batch, list[ComplaintView]]]
    notices: list[NoticeView]
    stats: Stats
    complaints: list[ComplaintView] = field(default_factory=list)  # of every batch, in batch order
    plans: list[PlanView] = field(default_factory=list)  # one per plan, in the inspection's order


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
    inspections: list[InspectionView] = field(default_factory=list)  # earliest first; one for version-1 content

    @property
    def open_notices(self) -> list[NoticeView]:
        return sorted((n for n in self.notices if n.state == "open"), key=lambda n: (n.ann.period.end, n.ann.id))

"""Stage 3, derive (statistics): the figures of the 统计 page and of each report's figures box.

Pure functions of the derived :class:`~generator.derive.Portal` and a date: no I/O, fixed order.
:func:`figures_on` recomputes the headline numbers of a :class:`Scope` (the whole portal, an inspection, a
plan) *as they were* at the end of a given day from the dated histories (a task's status then, complaints
forwarded by then and their status then), so a report dated 2024-12-31 shows the numbers of 2024-12-31,
however much happened since. A complaint repeating (重复件) another of the same scope is counted once.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, get_args

from generator.derive.events import is_overdue, status_on
from generator.derive.views import ComplaintView, Portal, RegionView, TaskView, counted_once
from generator.models import COMPLAINT_STATUS_LABELS, DONE_STATUSES, TASK_STATUS_LABELS, PollutionType, Substantiated


def rate(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage ("33%"), "—" when ``whole`` is 0: the one percentage rule
    (the templates call it as ``rate``)."""
    return f"{100 * part / whole:.0f}%" if whole else "—"


@dataclass(frozen=True)
class RegionRow:
    region: RegionView
    total: int
    done: int
    closed: int
    overdue: int

    @property
    def rate(self) -> str:
        return rate(self.done, self.total)


@dataclass(frozen=True)
class BatchRow:
    batch: int
    forwarded_on: dt.date
    total: int
    by_status: tuple[int, ...]  # in COMPLAINT_STATUS_LABELS order
    substantiated: int
    inspection: str = ""  # the inspection's id when the batch names one (version 2)
    round_label: str = ""  # that inspection's short name (轮次), for version-2 content


@dataclass(frozen=True)
class ProgressPoint:
    day: dt.date
    done: int  # tasks whose work was finished (completed, accepted or closed) at the end of the day
    closed: int
    overdue: int


@dataclass(frozen=True)
class Figures:
    """Headline numbers as of the end of one day."""

    day: dt.date
    tasks_total: int
    tasks_done: int
    tasks_closed: int
    tasks_overdue: int
    tasks_due_this_year: int  # dated deadline within the day's calendar year
    tasks_due_this_year_done: int
    complaints_total: int  # forwarded by the day, each once: a repeat of a complaint of the scope left out
    complaints_done: int
    complaints_partly_done: int
    complaints_handling: int
    complaints_repeats: int  # the repeats left out

    @property
    def done_rate(self) -> str:
        return rate(self.tasks_done, self.tasks_total)

    @property
    def complaints_done_rate(self) -> str:
        return rate(self.complaints_done + self.complaints_partly_done, self.complaints_total)


@dataclass(frozen=True)
class ScopeRow:
    """A row of the table of rounds: an inspection, or one of its plans (a province), and its figures."""

    label: str
    url: str  # the inspection's (or the plan's region's) page; "" when it has none
    figures: Figures
    plans: tuple[ScopeRow, ...] = ()  # an inspection's plans, when it has several


@dataclass(frozen=True)
class Statistics:
    as_of: dt.date
    tasks_by_status: list[tuple[str, str, int]]
    regions: list[RegionRow]
    types: list[tuple[str, int]]
    substantiation: list[tuple[str, int]]
    batches: list[BatchRow]
    progress: list[ProgressPoint]
    figures: Figures
    rounds: list[ScopeRow] = field(default_factory=list)  # every inspection, earliest first (version 2 only)


class Scope(Protocol):
    """What figures are computed for: the whole portal, an inspection (InspectionView) or a plan (PlanView)."""

    @property
    def tasks(self) -> Sequence[TaskView]: ...

    @property
    def complaints(self) -> list[ComplaintView]: ...


def complaint_status_on(c: ComplaintView, day: dt.date) -> str | None:
    """A complaint's status at the end of ``day`` (None before it was forwarded)."""
    if c.batch.forwarded_on > day:
        return None
    status = c.complaint.status
    for u in c.complaint.updates:
        if u.date <= day:
            status = u.status
    return status


def figures_on(scope: Scope, day: dt.date, complaints: bool = True) -> Figures:
    """The figures of ``scope`` at the end of ``day``; ``complaints=False`` leaves the complaint counts at 0
    (they cost a pass over every complaint, which the monthly progress chart does not need)."""
    tasks = scope.tasks
    done = closed = overdue = due = due_done = 0
    for t in tasks:
        s = status_on(t.task, day)
        deadline = t.task.due
        done += s in DONE_STATUSES
        closed += s == "closed"
        overdue += is_overdue(t.task, s, day)
        if deadline and deadline.year == day.year:
            due += 1
            due_done += s in DONE_STATUSES
    forwarded = [c for c in scope.complaints if c.batch.forwarded_on <= day] if complaints else []
    once = counted_once(forwarded)
    statuses = [complaint_status_on(c, day) for c in once]
    return Figures(day, len(tasks), done, closed, overdue, due, due_done, len(once), statuses.count("done"),
                   statuses.count("partly_done"), statuses.count("handling"), len(forwarded) - len(once))


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    y, m = first.year, first.month
    while True:
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end >= last:
            out.append(last)
            return out
        out.append(end)
        y, m = nxt.year, nxt.month


def progress(portal: Portal) -> list[ProgressPoint]:
    """Month by month, from the plan's approval (or the first history entry) to the data date."""
    days = [e.date for t in portal.tasks for e in t.task.history]
    plan = portal.content.site.plan
    if plan is not None:
        days.append(plan.approved_on)
    if not days:
        return []
    first = min(days)
    out = []
    for day in _month_ends(first, portal.as_of) if first <= portal.as_of else []:
        f = figures_on(portal, day, complaints=False)
        out.append(ProgressPoint(day, f.tasks_done, f.tasks_closed, f.tasks_overdue))
    return out


def rounds(portal: Portal) -> list[ScopeRow]:
    """Every inspection's figures as of the data date, with a row per plan under an inspection of several;
    empty for version-1 content."""
    if portal.content.version != 2:
        return []
    out = []
    for iv in portal.inspections:
        plans = tuple(ScopeRow(pv.label, pv.region.url if pv.region else "", figures_on(pv, portal.as_of))
                      for pv in iv.plans) if len(iv.plans) >= 2 else ()
        out.append(ScopeRow(iv.inspection.label, iv.url, figures_on(iv, portal.as_of), plans))
    return out


def statistics(portal: Portal) -> Statistics:
    s = portal.stats
    complaints = counted_once(portal.complaints)
    labels = {iv.inspection.id: iv.inspection.label for iv in portal.inspections} if portal.content.version == 2 \
        else {}
    regions = []
    for r in portal.regions:
        if r.depth <= 1:
            regions.append(RegionRow(r, len(r.tasks), sum(t.status in DONE_STATUSES for t in r.tasks),
                                     sum(t.status == "closed" for t in r.tasks), sum(t.overdue for t in r.tasks)))
    # one pass over the complaints for both counts (a pass per type and per answer took seconds nationally)
    typed: collections.Counter[str] = collections.Counter()
    answered: collections.Counter[str | None] = collections.Counter()
    for c in complaints:
        typed.update(set(c.complaint.types))  # a type written twice in one complaint counts once
        answered[c.complaint.substantiated] += 1
    types = [(name, typed[name]) for name in get_args(PollutionType)]
    subst = [(name, answered[name]) for name in get_args(Substantiated)]
    subst.append(("未说明", answered[None]))
    batches = [BatchRow(b.batch, b.forwarded_on, len(items),
                        tuple(sum(c.status == k for c in items) for k in COMPLAINT_STATUS_LABELS),
                        sum(c.substantiated for c in items), b.inspection, labels.get(b.inspection, ""))
               for b, items in portal.batches]
    return Statistics(portal.as_of, [(k, label, n) for k, label, n in s.tasks_by_status], regions, types, subst,
                      batches, progress(portal), figures_on(portal, portal.as_of), rounds(portal))


__all__ = ["TASK_STATUS_LABELS", "Figures", "Scope", "ScopeRow", "Statistics", "figures_on", "rate", "statistics"]

"""Stage 3, derive: what the checked content means as of a date.

Current status, overdue and late flags, notice state, timelines, per-region roll-ups, headline
numbers and the list of status-change events. Pure functions of (content, as_of): no I/O, and
every list is in a defined order so that output is deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from generator import urls
from generator.derive.events import collect, overdue_from
from generator.derive.views import (
    ComplaintView,
    InspectionView,
    NoticeState,
    NoticeView,
    PlanView,
    Portal,
    RegionView,
    Stats,
    TaskView,
    TimelineEntry,
    counted_once,
    enclosing_of,
    status_began,
)
from generator.models import (
    COMPLAINT_STATUS_LABELS,
    DONE_STATUSES,
    TASK_STATUS_LABELS,
    Announcement,
    Batch,
    Complaint,
    Content,
    Document,
    HistoryEntry,
    Inspection,
    Plan,
    Region,
    Task,
)

SUBSTANTIATED = frozenset({"属实", "基本属实", "部分属实"})
STALE_DAYS = 180  # 长期未更新: an unfinished task with no history entry for longer than this
def notice_state(ann: Announcement, as_of: dt.date) -> tuple[NoticeState, int, int]:
    """(state, days until it opens, days left counting today) of a notice as of a date."""
    start, end = ann.period.start, ann.period.end
    if as_of < start:
        return "upcoming", (start - as_of).days, 0
    if as_of <= end:
        return "open", 0, (end - as_of).days + 1
    return "closed", 0, 0


def task_status(task: Task) -> str:
    """The current status: the last history entry's (``planned`` with no history)."""
    return task.history[-1].status if task.history else "planned"


def completion_date(task: Task) -> dt.date | None:
    """When the current round of work was completed: the first done entry since the last reopening."""
    if task_status(task) not in DONE_STATUSES:
        return None
    return next((e.date for e in task.history[task.round_start():] if e.status in DONE_STATUSES), None)


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


def derive(content: Content, as_of: dt.date) -> Portal:
    """The derived view of ``content`` as of ``as_of``: notices, then tasks (which cite notices), the
    links between them, complaints (which cite tasks), regions (which gather both), events and figures."""
    documents = {d.id: d for d in content.documents}
    regions = {r.code: r for r in content.regions}
    notices = _notices(content, documents, as_of)
    order = {i.id: n for n, i in enumerate(content.rounds)}  # tasks and batches of earlier rounds first
    tasks = {task.id: _task(task, content, documents, regions, notices, as_of)
             for task in sorted(content.tasks, key=lambda t: (order.get(t.inspection, 0), t.number, t.id))}
    _link_notices(notices.values(), tasks)
    _link_rounds(tasks)
    batches = _batches(sorted(content.batches, key=lambda b: (order.get(b.inspection, 0), b.batch)), regions, tasks,
                       content.batch_name)
    complaints = [c for _, in_batch in batches for c in in_batch]
    _link_repeats(complaints)
    task_list, notice_list = list(tasks.values()), list(notices.values())
    region_views = _regions(content.regions, task_list, complaints)
    return Portal(
        content=content, as_of=as_of, tasks=task_list, complaints=complaints, notices=notice_list,
        regions=region_views, batches=batches,
        documents=sorted(content.documents, key=lambda d: (d.issued_on or dt.date.min, d.id), reverse=True),
        events=collect(task_list, complaints, notice_list, as_of), stats=_stats(task_list, complaints),
        task_by_id=tasks, region_by_code={r.region.code: r for r in region_views},
        inspections=_plans_in_regions(
            _inspections(content, task_list, batches, notice_list, {r.region.code: r for r in region_views})),
    )


def _notices(content: Content, documents: dict[str, Document], as_of: dt.date) -> dict[str, NoticeView]:
    """Each notice's view by id, in the order of their first days (tasks are linked later)."""
    out: dict[str, NoticeView] = {}
    for ann in sorted(content.announcements, key=lambda a: (a.period.start, a.id)):
        state, until, left = notice_state(ann, as_of)
        out[ann.id] = NoticeView(
            ann=ann, url=urls.announcement(ann.id), state=state, days_until_open=until, days_left=left,
            length_days=ann.period.days,
            documents=[documents[d] for d in ann.documents if d in documents],
            contact=ann.contact or content.site.contact,
        )
    return out


def _task(task: Task, content: Content, documents: dict[str, Document], regions: dict[str, Region],
          notices: dict[str, NoticeView], as_of: dt.date) -> TaskView:
    """One task's view: its status, flags and timeline as of ``as_of`` (complaints and notices linked later)."""
    status = task_status(task)
    done_on = completion_date(task)
    due = task.due
    overdue_since = overdue_from(task, as_of)
    cited = {d for e in task.history for d in e.documents}
    timeline = [_task_entry(e, i > 0 and task.history[i - 1].status == e.status, documents, notices)
                for i, e in enumerate(task.history)]
    return TaskView(
        task=task, url=urls.task(task.id), status=status, status_label=TASK_STATUS_LABELS[status],
        status_date=status_began(timeline), overdue=overdue_since is not None,
        overdue_days=(as_of - overdue_since).days + 1 if overdue_since else 0, overdue_since=overdue_since,
        late=bool(due and done_on and done_on > due), completed_on=done_on,
        behind_schedule=bool(task.history and task.history[-1].on_schedule is False),
        regions=[regions[c] for c in task.regions if c in regions],
        timeline=timeline,
        stale_days=stale_days(task, status, as_of, content.plan_of(task)),
        last_update=last_update(task, content.plan_of(task)),
        documents=[documents[d] for d in sorted(cited) if d in documents],
        inspection=content.inspection_of(task),
        number_label=content.task_number(task),
    )


def _link_notices(notices: Iterable[NoticeView], tasks: dict[str, TaskView]) -> None:
    """Each notice with its tasks and each task with its notices; a notice that upheld an objection also
    lists each task it sent back to work, with the day of the reopening."""
    for notice in notices:
        notice.tasks = [tasks[t] for t in notice.ann.tasks if t in tasks]
        for t in notice.tasks:
            t.notices.append(notice)
            reopened_on = notice.ann.reopening(t.task)
            if reopened_on is not None:
                notice.reopened.append((t, reopened_on))


def _link_rounds(tasks: dict[str, TaskView]) -> None:
    """Each task with the earlier tasks it takes up again (``follows``) and each earlier task with the later
    ones that take it up (the problem was pointed out again: 反弹)."""
    for t in tasks.values():
        for earlier in (tasks[i] for i in t.task.follows if i in tasks and i != t.task.id):
            t.follows.append(earlier)
            earlier.followed_by.append(t)


def _link_repeats(complaints: list[ComplaintView]) -> None:
    """Each complaint with the earlier ones it repeats (重复件), and those with the ones that repeat them."""
    by_ref = {c.complaint.ref: c for c in complaints}
    for c in complaints:
        for earlier in (by_ref[r] for r in c.complaint.repeats if r in by_ref and r != c.complaint.ref):
            c.repeats.append(earlier)
            earlier.repeated_by.append(c)


def _inspections(content: Content, tasks: list[TaskView], batches: list[tuple[Batch, list[ComplaintView]]],
                 notices: list[NoticeView], regions: dict[str, RegionView]) -> list[InspectionView]:
    """Every inspection, earliest first, with its tasks, batches, the notices of its tasks, its figures and its
    plans (each with its tasks and the inspection's complaints in the plan's region)."""
    out = []
    for inspection in content.rounds:
        mine = [t for t in tasks if _same(t.inspection, inspection)]
        ids = {t.task.id for t in mine}
        own = [(b, items) for b, items in batches if _same(content.inspection_of(b), inspection)]
        complaints = [c for _, items in own for c in items]
        position = {id(c): n for n, c in enumerate(complaints)}  # the inspection's complaints, in its order
        plans = []
        for plan in inspection.plans:
            region = regions.get(plan.region) if plan.region else None
            # the inspection's complaints in the plan's region, once each, in the inspection's order (found from the
            # region's complaints: a pass over all the inspection's complaints per plan took seconds nationally)
            inside = {position[id(c)]: c for c in (region.complaints if region is not None else ()) if id(c) in position}
            plans.append(PlanView(plan, region, [t for t in mine if content.plan_of(t.task) is plan],
                                  [inside[n] for n in sorted(inside)]))
        out.append(InspectionView(inspection, urls.inspection(inspection.id), mine, own,
                                  [n for n in notices if ids & set(n.ann.tasks)], _stats(mine, complaints),
                                  complaints, plans))
    return out


def _plans_in_regions(inspections: list[InspectionView]) -> list[InspectionView]:
    """Give each region the plans that bind it, with their figures (in ``inspections``' order); return them."""
    for iv in inspections:
        for pv in iv.plans:
            if pv.region is not None:
                pv.region.plans.append((iv, pv, _stats(pv.tasks, pv.complaints)))
    return inspections


def _same(a: Inspection | None, b: Inspection) -> bool:
    return a is not None and a.id == b.id


def _batches(batches: list[Batch], regions: dict[str, Region], tasks: dict[str, TaskView],
             name: Callable[[Batch], str]) -> list[tuple[Batch, list[ComplaintView]]]:
    """Each batch with its complaints' views (by reference), in the given order, ``name`` naming the batch for
    readers; each task gets its complaints."""
    out: list[tuple[Batch, list[ComplaintView]]] = []
    for batch in batches:
        views = [_complaint(c, batch, name(batch), regions, tasks) for c in batch.complaints]
        out.append((batch, sorted(views, key=lambda v: v.complaint.ref)))
    return out


def _complaint(c: Complaint, batch: Batch, batch_name: str, regions: dict[str, Region],
               tasks: dict[str, TaskView]) -> ComplaintView:
    timeline = [TimelineEntry(batch.forwarded_on, c.status, COMPLAINT_STATUS_LABELS[c.status], f"{batch_name}交办")]
    for u in c.updates:  # an update repeating the status before it is a progress report (进展)
        timeline.append(TimelineEntry(u.date, u.status, COMPLAINT_STATUS_LABELS[u.status], u.note,
                                      progress=u.status == timeline[-1].status))
    status = timeline[-1].status
    view = ComplaintView(
        complaint=c, batch=batch, url=urls.complaint(c.ref), status=status,
        status_label=COMPLAINT_STATUS_LABELS[status], substantiated=c.substantiated in SUBSTANTIATED,
        regions=[regions[r] for r in c.region if r in regions], timeline=timeline, status_date=status_began(timeline),
        tasks=[tasks[t] for t in c.tasks if t in tasks],
        batch_name=batch_name,
    )
    for t in view.tasks:
        t.complaints.append(view)
    return view


def _task_entry(e: HistoryEntry, progress: bool, documents: dict[str, Document],
                notices: dict[str, NoticeView]) -> TimelineEntry:
    """A history entry as the page shows it; ``progress`` when it repeats the status before it (进展)."""
    return TimelineEntry(
        date=e.date, status=e.status, label=TASK_STATUS_LABELS[e.status], note=e.note, progress=progress,
        correction=e.correction,
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
    around = enclosing_of(views)
    for t in tasks:
        for view in around(t.task.regions):
            view.tasks.append(t)
    for c in complaints:
        for view in around(c.complaint.region):
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


def _stats(tasks: list[TaskView], forwarded: list[ComplaintView]) -> Stats:
    """The figures of a scope: its tasks, and its complaints each counted once (a repeat within it left out)."""
    complaints = counted_once(forwarded)

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
        complaints_repeats=len(forwarded) - len(complaints),
    )

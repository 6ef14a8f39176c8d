"""The rules of content format version 2: several inspections (rounds), their plans, and links across rounds.

Takes the :class:`generator.check.rules.Checker` of the check (its content, as-of date, problems and
reference helpers, seen through :class:`Checking`) and adds to its problems: the version-1 and version-2
fields not mixed, every task and batch (and a report that names one) naming an inspection that exists
(required of tasks and batches when there are several), a task's plan one of its inspection's (required
when it has several), each inspection's dates and plans, ``follows`` naming a task of an earlier inspection,
and ``repeats`` naming an earlier complaint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

from generator.errors import Problems
from generator.load.schema import did_you_mean
from generator.models import Batch, Complaint, Content, Inspection, Node, Report, Task

_V2 = "按 docs/content-format.md 的“第 2 版”一节建立 inspections/，每次督察一个文件"


class Checking(Protocol):
    """What the round rules use of the checker."""

    c: Content
    p: Problems

    @property
    def tasks(self) -> Mapping[str, Task]: ...

    @property
    def regions(self) -> Mapping[str, object]: ...

    @property
    def documents(self) -> Mapping[str, object]: ...

    def ref(self, item: Node, field_name: str, value: str, known: Mapping[str, object], where: str,
            shown: str = "") -> None: ...

    def not_future(self, item: Node, field_name: str, value: dt.date | None, shown: str = "") -> None: ...


def check(ck: Checking) -> None:
    """Add every problem of the version-2 rules to ``ck.p``."""
    c = ck.c
    # a report need not name an inspection; one that does is checked like a task
    items: list[Task | Batch | Report] = [*c.tasks, *c.batches, *(r for r in c.reports if r.inspection)]
    if c.inspections:
        _no_v1_fields(ck)
        for inspection in c.inspections:
            _inspection(ck, inspection)
        for item in items:
            _names_inspection(ck, item)
        for task in c.tasks:
            _plan_of_task(ck, task)
    else:
        for item in items:
            _no_v2_fields(ck, item)
    for task in c.tasks:
        _follows(ck, task)
    _repeats(ck)


def _no_v1_fields(ck: Checking) -> None:
    site = ck.c.site
    ids = "、".join(sorted(i.id for i in ck.c.inspections))
    if site.inspection:
        ck.p.add(site.at("inspection"), "inspection", "已有 inspections/ 文件夹，site.yaml 中不能再写 inspection",
                 f"把督察的名称移到 inspections/<督察编号>.yaml 的 title 中（现有：{ids}），并从 site.yaml 中删除它")
    if site.plan is not None:
        ck.p.add(site.at("plan"), "plan", "已有 inspections/ 文件夹，site.yaml 中不能再写 plan",
                 f"把整改方案移到 inspections/<督察编号>.yaml 的 plans 中（现有：{ids}），并从 site.yaml 中删除它")


def _no_v2_fields(ck: Checking, item: Task | Batch | Report) -> None:
    """Version 1: one inspection, in site.yaml; nothing may name another."""
    if item.inspection and item.inspection not in ck.c.unbuilt:
        folder = isinstance(item, Batch) and "inspection" not in item.lines
        where = f"文件夹 complaints/{item.inspection}/ 表示督察 '{item.inspection}'" if folder else \
            f"写了督察 '{item.inspection}'"
        hint = "把文件直接放在 complaints/ 中" if folder else "删除 inspection"
        ck.p.add(item.at("inspection"), "inspection", f"{where}，但内容中没有 inspections/ 文件夹",
                 f"第 1 版内容只有 site.yaml 中的一次督察：{hint}；要公开几次督察，{_V2}")
    if isinstance(item, Task) and item.plan:
        ck.p.add(item.at("plan"), "plan", f"写了整改方案 '{item.plan}'，但内容中没有 inspections/ 文件夹",
                 f"第 1 版内容只有 site.yaml 中的一个方案：删除 plan；要公开几个方案，{_V2}")


def _names_inspection(ck: Checking, item: Task | Batch | Report) -> None:
    known = {i.id: i for i in ck.c.inspections}
    batch = isinstance(item, Batch)
    if item.inspection:
        if item.inspection in known or item.inspection in ck.c.unbuilt:
            return
        folder = batch and "inspection" not in item.lines
        where = f"文件夹 complaints/{item.inspection}/ 表示的督察" if folder else "督察"
        hint = did_you_mean(item.inspection, known) or \
            f"添加 inspections/{item.inspection}.yaml，或改正{'文件夹名' if folder else ' inspection'}"
        ck.p.add(item.at("inspection"), "inspection", f"{where} '{item.inspection}' 在 inspections/ 中不存在", hint)
    elif len(known) >= 2:
        ids = "、".join(sorted(known))
        hint = f"把文件放到 complaints/<督察编号>/ 中，或写 inspection: <督察编号>（可选：{ids}）" if batch else \
            f"写 inspection: <督察编号>（可选：{ids}）"
        what = "批次" if batch else "任务"
        ck.p.add(item.at("inspection"), "inspection", f"有 {len(known)} 次督察时，每个{what}都要写明属于哪一次",
                 hint)


def _plan_of_task(ck: Checking, task: Task) -> None:
    inspection = ck.c.inspection_of(task)
    if inspection is None:
        return  # no inspection, or a missing one: reported above
    ids = [p.id for p in inspection.plans if p.id]
    if task.plan:
        if task.plan not in ids:
            file = f"inspections/{inspection.id}.yaml"
            hint = did_you_mean(task.plan, ids) or (
                f"写督察 '{inspection.id}' 的一个方案编号（可选：{'、'.join(ids)}），或在 {file} 的 plans 中添加它" if ids
                else f"督察 '{inspection.id}' 的方案没有编号：删除 plan，或在 {file} 中给方案写 id")
            ck.p.add(task.at("plan"), "plan", f"督察 '{inspection.id}' 没有编号为 '{task.plan}' 的整改方案", hint)
    elif len(inspection.plans) >= 2:
        ck.p.add(task.at("plan"), "plan",
                 f"督察 '{inspection.id}' 有 {len(inspection.plans)} 个整改方案，任务必须写明属于哪一个",
                 f"写 plan: <方案编号>（可选：{'、'.join(ids)}）")


def _inspection(ck: Checking, inspection: Inspection) -> None:
    stay = inspection.stay
    if stay is not None and stay.end < stay.start:
        ck.p.add(stay.at("end"), "stay.end", f"进驻结束日期（{stay.end}）早于开始日期（{stay.start}）",
                 "检查 start 和 end 是否写反")
    elif stay is not None and inspection.feedback_on is not None and inspection.feedback_on < stay.end:
        ck.p.add(inspection.at("feedback_on"), "feedback_on",
                 f"反馈日期 {inspection.feedback_on} 早于进驻结束日期（{stay.end}）",
                 "督察组进驻结束之后才反馈督察意见：检查 feedback_on 和 stay.end")
    seen: dict[str, int] = {}
    several = len(inspection.plans) >= 2
    for i, plan in enumerate(inspection.plans):
        name = f"plans[{i}]"
        if plan.id in seen:
            ck.p.add(plan.at("id"), f"{name}.id",
                     f"方案编号 '{plan.id}' 用了两次（第一次在 {inspection.plans[seen[plan.id]].at('id')}）",
                     "同一次督察的方案编号不能重复；修改其中一个")
        elif plan.id:
            seen[plan.id] = i
        elif several:
            ck.p.add(plan.at("id"), f"{name}.id", f"督察有 {len(inspection.plans)} 个整改方案时，每个方案都要写 id",
                     "写 id: <方案编号>，例如所属省份的拼音缩写；任务用 plan: <方案编号> 指向它")
        ck.ref(plan, "region", plan.region, ck.regions, "regions.yaml", f"{name}.region")
        ck.ref(plan, "document", plan.document, ck.documents, "documents.yaml", f"{name}.document")
        ck.not_future(plan, "approved_on", plan.approved_on, f"{name}.approved_on")
        if inspection.feedback_on is not None and plan.approved_on < inspection.feedback_on:
            ck.p.add(plan.at("approved_on"), f"{name}.approved_on",
                     f"方案批准日期 {plan.approved_on} 早于督察反馈日期（{inspection.feedback_on}）",
                     "整改方案是针对反馈的问题编制报批的，不能早于反馈：检查 approved_on 和 feedback_on")


def _follows(ck: Checking, task: Task) -> None:
    mine = ck.c.inspection_of(task)
    for i, target_id in enumerate(task.follows):
        name = f"follows[{i}]"
        if target_id == task.id:
            ck.p.add(task.at("follows"), name, "任务不能接续它自己", "follows 写更早一次督察中指出同一问题的任务编号")
            continue
        ck.ref(task, "follows", target_id, ck.tasks, "tasks/", name)
        target = ck.tasks.get(target_id)
        earlier = None if target is None else ck.c.inspection_of(target)
        if mine is None or earlier is None:
            continue  # a missing task or inspection: reported on its own
        if earlier.id == mine.id:
            ck.p.add(task.at("follows"), name, f"任务 '{target_id}' 与本任务属于同一次督察（'{mine.id}'）",
                     "follows 只写更早一次督察中的任务" + ("" if ck.c.inspections else f"；{_V2}"))
        elif earlier.started_on is None or mine.started_on is None:
            ck.p.add(task.at("follows"), name,
                     f"无法判断督察 '{earlier.id}' 与 '{mine.id}' 的先后：两次督察都要有日期",
                     "在 inspections/<督察编号>.yaml 中写 stay（进驻）或 feedback_on（反馈）")
        elif not earlier.started_on < mine.started_on:
            ck.p.add(task.at("follows"), name,
                     f"任务 '{target_id}' 属于督察 '{earlier.id}'（{earlier.started_on} 开始），"
                     f"不早于本任务的督察 '{mine.id}'（{mine.started_on} 开始）",
                     "follows 只写更早一次督察中的任务：检查任务编号，或两次督察的日期")


def _repeats(ck: Checking) -> None:
    where: dict[str, tuple[Complaint, Batch]] = {}
    for batch in ck.c.batches:
        for complaint in batch.complaints:
            where.setdefault(complaint.ref.upper(), (complaint, batch))
    unbuilt = {u.upper() for u in ck.c.unbuilt}
    for batch in ck.c.batches:
        for j, complaint in enumerate(batch.complaints):
            for i, ref in enumerate(complaint.repeats):
                name = f"complaints[{j}].repeats[{i}]"
                found = where.get(ref.upper())
                if ref.upper() == complaint.ref.upper():
                    ck.p.add(complaint.at("repeats"), name, "信访件不能与它自己重复",
                             "repeats 写本件所重复的、更早交办的信访件的受理编号")
                elif found is None:
                    if ref.upper() not in unbuilt:
                        ck.p.add(complaint.at("repeats"), name, f"'{ref}' 在 complaints/ 中不存在",
                                 did_you_mean(ref, [k for k in where]) or "改正受理编号，或添加那一件所在的批次")
                elif found[1].forwarded_on > batch.forwarded_on:
                    ck.p.add(complaint.at("repeats"), name,
                             f"'{ref}' 于 {found[1].forwarded_on} 交办（{found[1].loc.file}），"
                             f"晚于本件所在批次的交办日期 {batch.forwarded_on}",
                             "repeats 只写在本件之前（或同一天）交办的信访件；后交办的那一件可以写 repeats 指向本件")

"""Which inspection (round) and plan ``portal import`` writes into, and where a batch of it lives.

Takes the content folder and the ``--inspection`` and ``--plan`` values; gives a :class:`Target`
(:func:`target`): the inspection's id, the plan's id, and whether the files must name them (content of
several inspections). With one inspection (version 1, or version 2 with one) nothing is named and the
files are those of version 1. :func:`batch_file` is the one place that says which file holds batch N of
an inspection: ``complaints/N.yaml`` with one inspection; with several, ``complaints/<inspection>/N.yaml``,
or a ``complaints/N.yaml`` that names the inspection (``inspection: r2``) and exists already.
A value that names no inspection or plan, or a missing one where several exist, is refused as a
:class:`~generator.errors.UsageError` listing the choices; nothing has been written then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.commands.import_items import Item, q
from generator.errors import PortalError, UsageError
from generator.load.reader import Loader
from generator.load.text import shown
from generator.models import V1_INSPECTION, Content, Inspection, Plan

_NAMES = re.compile(r"^inspection:[ \t]*(['\"]?)([A-Za-z0-9_-]+)\1[ \t]*(?:#.*)?$", re.MULTILINE)


@dataclass(frozen=True)
class Target:
    """Where an import writes: ``inspection`` (an id; ``main`` in version 1) and ``plan`` (an id, or "" when
    the tasks need not name one); ``named``: the content has several inspections, so files name theirs."""

    inspection: str
    plan: str = ""
    named: bool = False


def target(content: Path, kind: str, inspection: str | None, plan: str | None) -> Target:
    """The inspection and plan of this import, from ``--inspection`` and ``--plan`` (ids; an inspection
    also by its short name or title)."""
    rounds = _rounds(content)
    several = len(rounds) >= 2
    chosen = _inspection(rounds, inspection) if inspection is not None else None
    if chosen is None:
        if several:
            raise UsageError(f"内容中有 {len(rounds)} 次督察，不知道导入到哪一次；未写入任何文件\n"
                             f"    提示：加上 --inspection <督察编号或简称>（可选：{_choices(rounds)}）")
        chosen = rounds[0]
    if plan is not None and kind != "tasks":
        raise UsageError(f"--plan {shown(plan)} 只用于 --kind tasks；未写入任何文件\n"
                         "    提示：导入投诉时去掉 --plan（投诉批次只属于督察，不属于整改方案）")
    return Target(chosen.id, _plan(chosen, plan) if kind == "tasks" else "", several)


def _rounds(content: Path) -> list[Inspection]:
    """The inspections of the content (version 1: the one of site.yaml), read without the rest of it."""
    loader = Loader(content)
    site = loader.site()
    if site is None:
        raise PortalError(f"{content}/site.yaml 无法读取，未写入任何文件\n    提示：先运行 portal check 查看原因")
    inspections: list[Inspection] = loader.items("inspections", Inspection)
    return Content(str(content), site, [], [], [], [], [], [], [], inspections=inspections).rounds


def _inspection(rounds: list[Inspection], value: str) -> Inspection:
    wanted = value.strip()
    by_id = [i for i in rounds if wanted == i.id]
    found = by_id or [i for i in rounds if wanted and wanted in (i.short, i.title)]
    if len(found) == 1:
        return found[0]
    raise UsageError(f"--inspection {shown(value)}：内容中没有这次督察（编号或简称）；未写入任何文件\n"
                     f"    提示：写其中一次督察的编号或简称（可选：{_choices(rounds)}）")


def _plan(inspection: Inspection, value: str | None) -> str:
    """The plan id the tasks name: "" when the inspection has one plan (and ``value`` is that one or none)."""
    plans = inspection.plans
    if value is None:
        if len(plans) >= 2:
            raise UsageError(f"督察 {inspection.id}（{inspection.label}）有 {len(plans)} 个整改方案，不知道任务属于哪一个；"
                             f"未写入任何文件\n    提示：加上 --plan <方案编号>（可选：{_plan_choices(plans)}）")
        return ""
    found = [p for p in plans if value.strip() and value.strip() in (p.id, p.region)]
    if len(found) != 1:
        raise UsageError(f"--plan {shown(value)}：督察 {inspection.id}（{inspection.label}）没有这个整改方案；未写入任何文件\n"
                         "    提示：" + (f"写其中一个方案的编号（可选：{_plan_choices(plans)}）" if len(plans) >= 2 else
                                     "这次督察不分几个整改方案：去掉 --plan"))
    return found[0].id if len(plans) >= 2 else ""


def _choices(rounds: list[Inspection]) -> str:
    """Each inspection as a clerk chooses it: id and short name (version 1: site.yaml's, without an id)."""
    if len(rounds) == 1 and rounds[0].id == V1_INSPECTION:
        return f"site.yaml 中的{rounds[0].label or '督察'}；只有一次督察时可以不写 --inspection"
    return "、".join(f"{i.id}（{i.label}）" for i in rounds)


def _plan_choices(plans: list[Plan]) -> str:
    return "、".join(f"{p.id}（{p.title}）" for p in plans)


def batch_file(content: Path, to: Target, number: int) -> Path:
    """The file of batch ``number`` of the target inspection, relative to the content folder."""
    flat = Path("complaints") / f"{number}.yaml"
    if not to.named:
        return flat
    folder = Path("complaints") / to.inspection / f"{number}.yaml"
    if not (content / folder).is_file() and (content / flat).is_file() and _names(content / flat) == to.inspection:
        return flat
    return folder


def _names(path: Path) -> str:
    """The inspection a batch file names in a top-level ``inspection:`` line ("" when none)."""
    try:
        found = _NAMES.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ""
    return found[2] if found else ""


def name_tasks(items: list[Item], to: Target) -> None:
    """Add ``inspection`` (several inspections) and ``plan`` (several plans) after each task's id."""
    named = ([("inspection", q(to.inspection))] if to.named else []) + ([("plan", q(to.plan))] if to.plan else [])
    for item in items:
        at = next((i + 1 for i, (k, _) in enumerate(item.fields) if k == "id"), 0)
        item.fields[at:at] = named


def task_home(loaded: Content) -> dict[str, tuple[str, str]]:
    """Each task id → (its inspection's id, its plan's id or "")."""
    out = {}
    for task in loaded.tasks:
        inspection, plan = loaded.inspection_of(task), loaded.plan_of(task)
        out[task.id] = (inspection.id if inspection else task.inspection, plan.id if plan else task.plan)
    return out

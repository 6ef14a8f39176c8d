"""Stage 4, render (open data): the site's data as files under data/, for journalists and spreadsheets.

- ``data/tasks.csv``, ``data/complaints.csv``, ``data/notices.csv``, ``data/regions.csv``,
  ``data/events.csv``: one row per item (per status change for events, oldest first), UTF-8 with a
  byte-order mark so that Excel shows Chinese correctly; ``data/events.json``: the event history alone.
  Every CSV is written by :func:`csv_bytes`, which keeps spreadsheets from running a text as a formula
  (OWASP "CSV injection"): a text cell that starts with = + - @ (also after spaces, and in their
  full-width and small forms) or with a tab, CR or LF gets a leading ``'`` (:func:`spreadsheet_text`);
  every text cell is quoted; numbers are written bare, so they stay numbers (-3 is the number -3);
- ``data/zh/<table>.csv``: the same files with the Chinese column labels (:attr:`Column.label`) as their
  header row, for journalists' spreadsheets; the English-header files stay as they are, for programs;
- ``data/portal.json``: every table in one JSON file, with the site, the data date and the licence
  (JSON and SQLite are not opened as spreadsheets: they keep every text exactly as written);
- ``data/portal.sqlite``: the same tables in one SQLite database (ready for Datasette), built in
  memory with a fixed row order and copied out with ``VACUUM INTO`` so the bytes are the same for the
  same content and as-of date; besides the tables, ``meta``, ``columns`` and the link tables of
  :data:`LINK_TABLES` (one row per pollution type, region or responsible unit of an item, for GROUP BY);
- ``data/tasks/<id>.json``, ``data/complaints/<ref>.json``, ``data/notices/<id>.json``: one item with
  its full history, linked from the item's page; a task's and a complaint's file also carries ``extra``
  (其他信息, label → text) when it has any (the tables and CSV files leave it out).

:data:`TABLES` names and describes every column once; the files, the database schema and the 数据下载
page (``data/index.html``) are all made from it. They are the tables of version-1 content, unchanged;
version-2 content (several inspections) publishes :func:`tables_for` (2): every item table gains the
columns of :data:`ROUND_COLUMNS` after its key (``inspection`` …), and there are two more tables,
:data:`ROUND_TABLES` (``data/inspections.csv``, ``data/plans.csv``).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import os
import sqlite3
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self

from generator import urls
from generator.derive.views import batch_runs
from generator.incremental import KeptValues, code_digest, fingerprint
from generator.models import (
    CHANNEL_LABELS,
    COMPLAINT_STATUS_LABELS,
    INSPECTION_KIND_LABELS,
    NOTICE_STATE_LABELS,
    OUTCOME_LABELS,
    TASK_STATUS_LABELS,
)
from generator.render.feeds import EVENT_COLUMNS, event_rows

if TYPE_CHECKING:
    from generator.derive.views import ComplaintView, InspectionView, NoticeView, Portal, TaskView
    from generator.incremental import Jobs
    from generator.models import Inspection, Plan


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "text", "integer", "real", "date" (text YYYY-MM-DD in SQLite), "boolean" (0/1)
    label: str  # the short Chinese header of the column in data/zh/<table>.csv (unique in its table)
    doc: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    doc: str
    columns: tuple[Column, ...]

    @property
    def csv_url(self) -> str:
        return urls.data_table(self.name)

    @property
    def zh_csv_url(self) -> str:
        """The same table with the Chinese column labels as its header row (data/zh/<table>.csv)."""
        return urls.data_table_zh(self.name)


def _c(name: str, type_: str, label: str, doc: str) -> Column:
    return Column(name, type_, label, doc)


LIST_SEP = ";"  # several values in one cell (codes, units, types)


def _codes(labels: dict[str, str]) -> str:
    """The codes of a label table as the column docs list them: "done、partly_done、handling"."""
    return "、".join(labels)


def _names(labels: dict[str, str]) -> str:
    return "、".join(labels.values())


TABLES: tuple[Table, ...] = (
    Table("tasks", "整改任务", "one row per rectification task, with its derived status as of the data date", (
        _c("id", "text", "任务编号", "任务编号（网址中使用，不会改变）"),
        _c("number", "integer", "序号", "序号"),
        _c("title", "text", "任务名称", "任务名称"),
        _c("problem", "text", "督察反馈问题", "督察反馈问题（Markdown）"),
        _c("target", "text", "整改目标", "整改目标"),
        _c("measures", "text", "整改措施", "整改措施，多项以换行分隔"),
        _c("responsible_units", "text", "责任单位", f"责任单位，多个以 {LIST_SEP} 分隔"),
        _c("supervising_units", "text", "督导单位", f"督导单位，多个以 {LIST_SEP} 分隔"),
        _c("acceptance_unit", "text", "验收销号单位", "验收销号单位"),
        _c("regions", "text", "涉及地区代码", f"涉及地区的6位代码，多个以 {LIST_SEP} 分隔"),
        _c("region_names", "text", "涉及地区", f"涉及地区名称，多个以 {LIST_SEP} 分隔"),
        _c("deadline", "text", "整改时限", "整改时限，原文（2023-12-31、2023年底、长期坚持、立行立改）"),
        _c("deadline_date", "date", "整改时限日期", "整改时限折算的日期（长期坚持、立行立改为空）"),
        _c("status", "text", "状态代码", f"当前状态代码（{_codes(TASK_STATUS_LABELS)}）"),
        _c("status_label", "text", "当前状态", "当前状态（中文）"),
        _c("status_date", "date", "状态起始日期", "当前状态的起始日期"),
        _c("completed_on", "date", "完成日期", "完成日期（本轮整改首次完成的日期）"),
        _c("overdue", "boolean", "逾期未完成", "逾期未完成：1 是，0 否"),
        _c("overdue_since", "date", "逾期起始日期", "进入逾期之日（整改时限次日，或时限后重新整改之日）；未逾期为空"),
        _c("overdue_days", "integer", "逾期天数", "已逾期天数（从进入逾期之日算起，当天为第1天：整改时限次日，或时限后重新整改之日）"),
        _c("late", "boolean", "逾期完成", "逾期完成：1 是，0 否"),
        _c("behind_schedule", "boolean", "未达到序时进度", "最近一次进展未达到序时进度：1 是，0 否"),
        _c("history_count", "integer", "进展记录条数", "进展记录条数（每条见 events 表或本任务的 JSON 文件）"),
        _c("url", "text", "页面地址", "任务页面地址"),
    )),
    Table("complaints", "信访举报", "one row per complaint forwarded by the inspectors", (
        _c("ref", "text", "受理编号", "受理编号"),
        _c("batch", "integer", "交办批次", "交办批次"),
        _c("forwarded_on", "date", "交办日期", "交办日期"),
        _c("channel", "text", "受理方式代码", f"受理方式代码（{_codes(CHANNEL_LABELS)}）"),
        _c("channel_label", "text", "受理方式", f"受理方式（{_names(CHANNEL_LABELS)}）"),
        _c("regions", "text", "行政区域代码", f"行政区域的6位代码，合办件多个以 {LIST_SEP} 分隔"),
        _c("region_names", "text", "行政区域", f"行政区域名称，多个以 {LIST_SEP} 分隔"),
        _c("types", "text", "污染类型", f"污染类型，多个以 {LIST_SEP} 分隔"),
        _c("priority", "boolean", "重点关注", "重点关注：1 是，0 否"),
        _c("summary", "text", "交办问题基本情况", "交办问题基本情况"),
        _c("findings", "text", "调查核实情况", "调查核实情况"),
        _c("substantiated", "text", "是否属实", "是否属实（属实、基本属实、部分属实、不属实；空为未说明）"),
        _c("handling", "text", "处理和整改情况", "处理和整改情况"),
        _c("accountability", "text", "责任追究情况", "责任追究情况"),
        _c("orders", "integer", "责令整改（家次）", "责令整改（家次）"),
        _c("fines_wan_yuan", "real", "罚款金额（万元）", "罚款金额（万元）"),
        _c("cases", "integer", "立案处罚（件）", "立案处罚（件）"),
        _c("interviews", "integer", "约谈（人次）", "约谈（人次）"),
        _c("accountable_persons", "integer", "问责（人次）", "问责（人次）"),
        _c("reported_status", "text", "交办时办结状态代码", "交办时报告的办结状态代码"),
        _c("status", "text", "办结状态代码", f"当前办结状态代码（{_codes(COMPLAINT_STATUS_LABELS)}）"),
        _c("status_label", "text", "办结状态", f"当前办结状态（{_names(COMPLAINT_STATUS_LABELS)}）"),
        _c("tasks", "text", "相关整改任务编号", f"相关整改任务编号，多个以 {LIST_SEP} 分隔"),
        _c("url", "text", "页面地址", "信访举报页面地址"),
    )),
    Table("notices", "销号公示", "one row per close-out notice (公示)", (
        _c("id", "text", "公示编号", "公示编号"),
        _c("title", "text", "公示标题", "公示标题"),
        _c("tasks", "text", "公示任务编号", f"公示的整改任务编号，多个以 {LIST_SEP} 分隔"),
        _c("start", "date", "公示开始日期", "公示期第一天"),
        _c("end", "date", "公示结束日期", "公示期最后一天（含）"),
        _c("length_days", "integer", "公示天数", "公示期天数"),
        _c("state", "text", "公示状态代码", f"截至数据日期的状态代码（{_codes(NOTICE_STATE_LABELS)}）"),
        _c("state_label", "text", "公示状态", f"公示状态（{_names(NOTICE_STATE_LABELS)}）"),
        _c("acceptance_unit", "text", "验收单位", "验收单位"),
        _c("acceptance_date", "date", "验收日期", "验收日期"),
        _c("outcome", "text", "公示结果代码", f"公示结果代码（{_codes(OUTCOME_LABELS)}；空为尚未作出）"),
        _c("outcome_label", "text", "公示结果", "公示结果（中文）"),
        _c("outcome_date", "date", "公示结果日期", "公示结果作出日期"),
        _c("url", "text", "页面地址", "公示页面地址"),
    )),
    Table("regions", "地区", "the regions used by tasks and complaints", (
        _c("code", "text", "地区代码", "6位行政区划代码"),
        _c("name", "text", "地区名称", "名称"),
        _c("parent", "text", "上级地区代码", "上级地区代码（省为空）"),
        _c("tasks", "integer", "整改任务数", "涉及本地区（含下级地区）的整改任务数"),
        _c("complaints", "integer", "信访举报数", "涉及本地区（含下级地区）的信访举报数"),
        _c("url", "text", "页面地址", "地区页面地址"),
    )),
    Table("events", "变化记录", f"every status change, oldest first (also {urls.data_table('events')} and {urls.DATA_EVENTS_JSON})", (
        _c("id", "text", "记录编号", "变化记录的固定编号"),
        _c("date", "date", "日期", "日期"),
        _c("kind", "text", "类别", "类别（task 任务进展、overdue 逾期、complaint 信访举报、notice 公示）"),
        _c("item", "text", "条目编号", "所属条目的编号（任务编号、受理编号或公示编号）"),
        _c("title", "text", "所属条目", "所属条目"),
        _c("from", "text", "原状态", "原状态"),
        _c("to", "text", "新状态", "新状态（与原状态相同的是进展记录，状态未变）"),
        _c("note", "text", "说明", "说明"),
        _c("url", "text", "页面地址", "所属条目的页面地址"),
    )),
)
TABLE = {t.name: t for t in TABLES}
assert [c.name for c in TABLE["events"].columns] == EVENT_COLUMNS

# Version-2 content only: the columns each item table gains after its key column, and two more tables. A
# version-1 portal keeps the schema its users know (docs/open-data.md).
_ROUND = "督察编号（inspections 表的 id）"
ROUND_COLUMNS: dict[str, tuple[Column, ...]] = {
    "tasks": (
        _c("inspection", "text", "督察编号", f"本任务所整改的反馈问题来自的{_ROUND}"),
        _c("plan", "text", "整改方案编号", "所属整改方案的编号（与 inspection 一起对应 plans 表的一行；该督察只有一个未编号的方案时为空）"),
        _c("follows", "text", "再次整改的往轮任务编号", f"本任务再次整改的往轮督察任务编号（问题反弹），多个以 {LIST_SEP} 分隔"),
    ),
    "complaints": (
        _c("inspection", "text", "督察编号", f"交办本件的{_ROUND}；交办批次在每个督察内分别编号"),
        _c("repeats", "text", "所重复的受理编号", f"本件重复的往期信访举报受理编号（重复件），多个以 {LIST_SEP} 分隔"),
    ),
    "notices": (
        _c("inspection", "text", "督察编号", f"公示的整改任务所属的{_ROUND}，多个以 {LIST_SEP} 分隔"),
    ),
    "events": (
        _c("inspection", "text", "督察编号", f"所属条目的{_ROUND}；公示涉及多个督察时多个以 {LIST_SEP} 分隔"),
    ),
}
ROUND_TABLES: tuple[Table, ...] = (
    Table("inspections", "督察轮次", "one row per inspection (a round, a 回头看, a provincial inspection …)", (
        _c("id", "text", "督察编号", "督察编号（网址中使用，不会改变；其他各表的 inspection 列即此编号）"),
        _c("kind", "text", "类别代码", f"类别代码（{_codes(INSPECTION_KIND_LABELS)}）"),
        _c("kind_label", "text", "类别", f"类别（{_names(INSPECTION_KIND_LABELS)}）"),
        _c("title", "text", "督察名称", "督察名称"),
        _c("short", "text", "简称", "简称（轮次，列表和检索中使用；未设简称时同督察名称）"),
        _c("team", "text", "督察组", "督察组"),
        _c("stay_start", "date", "进驻日期", "进驻日期"),
        _c("stay_end", "date", "进驻结束日期", "进驻结束日期"),
        _c("feedback_on", "date", "反馈日期", "反馈日期"),
        _c("plans", "integer", "整改方案数", "整改方案数（每个方案见 plans 表）"),
        _c("tasks", "integer", "整改任务数", "整改任务数"),
        _c("complaints", "integer", "交办信访举报数", "交办信访举报数"),
        _c("url", "text", "页面地址", "督察页面地址"),
    )),
    Table("plans", "整改方案", "one row per rectification plan, one per province an inspection binds", (
        _c("inspection", "text", "督察编号", f"方案所属的{_ROUND}"),
        _c("id", "text", "方案编号", "方案编号（督察只有一个方案时可为空；与 inspection 一起对应 tasks 表的 plan 列）"),
        _c("region", "text", "适用地区代码", "方案适用的省（地区）的6位代码（只涉及一个省的网站可为空）"),
        _c("region_name", "text", "适用地区", "方案适用的省（地区）名称"),
        _c("title", "text", "方案名称", "方案名称"),
        _c("approved_on", "date", "批准日期", "方案批准日期"),
        _c("document", "text", "方案文件编号", "方案文件的编号（见文件页面；未登记为空）"),
        _c("document_number", "text", "文号", "方案文件的文号"),
        _c("tasks", "integer", "整改任务数", "依据本方案的整改任务数"),
    )),
)


def _with_rounds(table: Table) -> Table:
    extra = ROUND_COLUMNS.get(table.name, ())
    return Table(table.name, table.title, table.doc, table.columns[:1] + extra + table.columns[1:])


_V2_TABLES = tuple(_with_rounds(t) for t in TABLES) + ROUND_TABLES
V2_TABLE = {t.name: t for t in _V2_TABLES}


def tables_for(version: int) -> tuple[Table, ...]:
    """The tables a portal of content ``version`` publishes: version 1 exactly :data:`TABLES`; version 2 those
    with the columns of :data:`ROUND_COLUMNS` after their key, then :data:`ROUND_TABLES`."""
    return _V2_TABLES if version >= 2 else TABLES


def tables_of(portal: Portal) -> tuple[Table, ...]:
    """The tables ``portal`` publishes (for the 数据下载 page)."""
    return tables_for(portal.content.version)


# portal.sqlite only: one row per value of a list column (what a CSV cell holds as "a;b"), so that a query can
# GROUP BY or JOIN on a type, region or unit without LIKE. Rows in the order of the items (as in their table),
# then of the values as written; a value written twice in one item is one row. Same for both content versions.
LINK_TABLES: tuple[Table, ...] = (
    Table("complaint_types", "信访举报的污染类型", "one row per pollution type of a complaint (complaints.types)", (
        _c("ref", "text", "受理编号", "受理编号（complaints 表的 ref）"),
        _c("type", "text", "污染类型", "污染类型，一行一个"),
    )),
    Table("complaint_regions", "信访举报的行政区域", "one row per region of a complaint (complaints.regions)", (
        _c("ref", "text", "受理编号", "受理编号（complaints 表的 ref）"),
        _c("region", "text", "行政区域代码", "行政区域的6位代码（regions 表的 code），合办件一个地区一行"),
        _c("region_name", "text", "行政区域", "行政区域名称"),
    )),
    Table("task_regions", "整改任务的涉及地区", "one row per region of a task (tasks.regions)", (
        _c("task_id", "text", "任务编号", "任务编号（tasks 表的 id）"),
        _c("region", "text", "涉及地区代码", "涉及地区的6位代码（regions 表的 code），一个地区一行"),
        _c("region_name", "text", "涉及地区", "涉及地区名称"),
    )),
    Table("task_responsible_units", "整改任务的责任单位", "one row per responsible unit of a task (tasks.responsible_units)", (
        _c("task_id", "text", "任务编号", "任务编号（tasks 表的 id）"),
        _c("unit", "text", "责任单位", "责任单位，一行一个"),
    )),
)
ITEM_JSON_DOC = "每个整改任务、信访举报和销号公示页面都链接其自身的 JSON 文件（含完整的进展记录）。"


def _join(values: Any) -> str:
    return LIST_SEP.join(str(v) for v in values)


def _d(day: Any) -> str:
    return day.isoformat() if day else ""


def _id(inspection: Inspection | None) -> str:
    return inspection.id if inspection else ""


def _once(values: Any) -> list[str]:
    """The values in their written order, each once."""
    return list(dict.fromkeys(str(v) for v in values))


class Rows:
    """The rows of every table, as dicts keyed by column name, in a fixed order (the columns' order)."""

    def __init__(self, portal: Portal, base: str):
        self.portal = portal
        self.base = base
        self.rounds = portal.content.version >= 2  # the columns and tables of ROUND_COLUMNS, ROUND_TABLES
        self.notice_rounds: dict[str, list[str]] = {}  # notice id → the inspections of its tasks, earliest first
        for view in portal.inspections if self.rounds else ():
            for n in view.notices:
                self.notice_rounds.setdefault(n.ann.id, []).append(view.inspection.id)

    def ordered(self, table: str, row: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        """A version-1 row with the version-2 columns ``extra``, in the order of the version-2 columns."""
        both = {**row, **extra}
        return {c.name: both[c.name] for c in V2_TABLE[table].columns}

    def link(self, url: str) -> str:
        return f"{self.base}/{url}" if self.base else url

    def task(self, t: TaskView) -> dict[str, Any]:
        task = t.task
        dl = task.deadline
        row = {
            "id": task.id, "number": task.number, "title": task.title, "problem": task.problem, "target": task.target,
            "measures": "\n".join(task.measures), "responsible_units": _join(task.responsible_units),
            "supervising_units": _join(task.supervising_units), "acceptance_unit": task.acceptance_unit,
            "regions": _join(task.regions), "region_names": _join(r.name for r in t.regions),
            "deadline": dl.text or _d(dl.date),  # only a dated deadline has no text (load.schema.Builder.deadline)
            "deadline_date": _d(task.due),
            "status": t.status, "status_label": t.status_label, "status_date": _d(t.status_date),
            "completed_on": _d(t.completed_on), "overdue": int(t.overdue),
            "overdue_since": _d(t.overdue_since), "overdue_days": t.overdue_days,
            "late": int(t.late), "behind_schedule": int(t.behind_schedule), "history_count": len(task.history),
            "url": self.link(t.url),
        }
        if not self.rounds:
            return row
        plan = self.portal.content.plan_of(task)
        return self.ordered("tasks", row, {"inspection": _id(t.inspection), "plan": plan.id if plan else task.plan,
                                           "follows": _join(task.follows)})

    def complaint(self, c: ComplaintView) -> dict[str, Any]:
        """The complaint's row (the table and the complaint's own file each make it: a national table is not
        kept in memory for the files)."""
        m = c.complaint
        p = m.penalties
        row = {
            "ref": m.ref, "batch": c.batch.batch, "forwarded_on": _d(c.batch.forwarded_on), "channel": m.channel,
            "channel_label": CHANNEL_LABELS[m.channel], "regions": _join(m.region), "region_names": _join(r.name for r in c.regions),
            "types": _join(m.types), "priority": int(m.priority), "summary": m.summary, "findings": m.findings,
            "substantiated": m.substantiated or "", "handling": m.handling, "accountability": m.accountability,
            "orders": p.orders if p else 0, "fines_wan_yuan": float(p.fines_wan_yuan) if p else 0.0,
            "cases": p.cases if p else 0, "interviews": p.interviews if p else 0,
            "accountable_persons": p.accountable_persons if p else 0,
            "reported_status": m.status, "status": c.status, "status_label": COMPLAINT_STATUS_LABELS[c.status],
            "tasks": _join(m.tasks), "url": self.link(c.url),
        }
        if not self.rounds:
            return row
        return self.ordered("complaints", row, {"inspection": _id(self.portal.content.inspection_of(c.batch)),
                                                "repeats": _join(m.repeats)})

    def notice(self, n: NoticeView) -> dict[str, Any]:
        a = n.ann
        row = {
            "id": a.id, "title": a.title, "tasks": _join(a.tasks), "start": _d(a.period.start), "end": _d(a.period.end),
            "length_days": n.length_days, "state": n.state, "state_label": n.state_label,
            "acceptance_unit": a.final_acceptance.unit if a.final_acceptance else "",
            "acceptance_date": _d(a.final_acceptance.date) if a.final_acceptance else "",
            "outcome": a.outcome.result if a.outcome else "", "outcome_label": OUTCOME_LABELS[a.outcome.result] if a.outcome else "",
            "outcome_date": _d(a.outcome.decided_on) if a.outcome else "", "url": self.link(n.url),
        }
        return self.ordered("notices", row, {"inspection": _join(self.notice_rounds.get(a.id, []))}) if self.rounds else row

    def events(self) -> list[dict[str, Any]]:
        rows = event_rows(reversed(self.portal.events), self.base)
        if not self.rounds:
            return rows
        p = self.portal
        of = {"task": {t.task.id: _id(t.inspection) for t in p.tasks},
              "complaint": {c.complaint.ref: _id(p.content.inspection_of(c.batch)) for c in p.complaints},
              "notice": {key: _join(ids) for key, ids in self.notice_rounds.items()}}
        of["overdue"] = of["task"]
        return [self.ordered("events", row, {"inspection": of[row["kind"]].get(row["item"], "")}) for row in rows]

    def inspection(self, v: InspectionView) -> dict[str, Any]:
        i = v.inspection
        return {
            "id": i.id, "kind": i.kind, "kind_label": INSPECTION_KIND_LABELS[i.kind], "title": i.title, "short": i.label,
            "team": i.team, "stay_start": _d(i.stay.start) if i.stay else "", "stay_end": _d(i.stay.end) if i.stay else "",
            "feedback_on": _d(i.feedback_on), "plans": len(i.plans), "tasks": len(v.tasks),
            "complaints": sum(len(items) for _, items in v.batches), "url": self.link(v.url),
        }

    def plan(self, v: InspectionView, plan: Plan) -> dict[str, Any]:
        p = self.portal
        region = p.region_by_code.get(plan.region)
        document = next((d for d in p.content.documents if d.id == plan.document), None) if plan.document else None
        return {
            "inspection": v.inspection.id, "id": plan.id, "region": plan.region,
            "region_name": region.region.name if region else "", "title": plan.title, "approved_on": _d(plan.approved_on),
            "document": plan.document, "document_number": document.number if document else "",
            "tasks": sum(1 for t in v.tasks if p.content.plan_of(t.task) is plan),
        }

    def region_name(self, code: str) -> str:
        region = self.portal.region_by_code.get(code)
        return region.region.name if region else ""

    def links(self) -> dict[str, Iterable[dict[str, Any]]]:
        """The rows of the tasks' tables of :data:`LINK_TABLES`, from the items' own lists (not by splitting the
        joined cells); the complaints' come with their parts (:class:`ComplaintPart`)."""
        p = self.portal
        name = self.region_name
        return {  # each made only as it is read
            "task_regions": ({"task_id": t.task.id, "region": v, "region_name": name(v)} for t in p.tasks for v in _once(t.task.regions)),
            "task_responsible_units": ({"task_id": t.task.id, "unit": v} for t in p.tasks for v in _once(t.task.responsible_units)),
        }

    def tables(self) -> dict[str, Iterable[dict[str, Any]]]:
        """The rows of each published table but the complaints' (:class:`ComplaintParts`), in the tables' order, each
        table made only as it is read."""
        p = self.portal
        return {
            "tasks": (self.task(t) for t in p.tasks),
            "notices": (self.notice(n) for n in sorted(p.notices, key=lambda n: n.ann.id)),
            "regions": ({"code": r.region.code, "name": r.region.name, "parent": r.region.parent, "tasks": len(r.tasks),
                         "complaints": len(r.complaints), "url": self.link(r.url)} for r in p.regions),
            "events": _made_when_read(self.events),
        } | ({
            "inspections": (self.inspection(v) for v in p.inspections),
            "plans": (self.plan(v, plan) for v in p.inspections for plan in v.inspection.plans),
        } if self.rounds else {})


def _made_when_read(make: Callable[[], list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    yield from make()


def meta(portal: Portal, base: str) -> dict[str, str]:
    site = portal.content.site
    return {"title": site.title, "publisher": site.publisher, "as_of": portal.as_of.isoformat(),
            "licence": site.licence, "site_url": base + "/" if base else "", "sample": "1" if site.sample else "0"}


FORMULA_STARTS = frozenset("=+-@\u2212")  # after NFKC also ＝＋－＠ ﹦﹢﹣﹫ ⁼⁺₌₊; U+2212 − (and ⁻ ₋, NFKC −) for safety
CELL_BREAKS = frozenset("\t\r\n")  # OWASP: a leading tab or CR (and LF) can also start a formula or a cell


def formula_like(value: str) -> bool:
    """Would Excel, LibreOffice or Google Sheets take this text as a formula? It starts with a tab, CR or LF,
    or its first character after spaces and invisible format characters is = + - @ in any width."""
    if value[:1] in CELL_BREAKS:
        return True
    for ch in value:
        if ch.isspace() or unicodedata.category(ch) == "Cf":
            continue
        return unicodedata.normalize("NFKC", ch)[:1] in FORMULA_STARTS
    return False


def spreadsheet_text(value: str) -> str:
    """A text as a CSV cell: with a leading ``'`` when a spreadsheet would run it as a formula (OWASP's
    advice: the cell is then text; a spreadsheet may show the mark), any other text unchanged."""
    if not value or value[0].isalnum():  # letters, digits, Chinese: the usual case, decided at once
        return value
    return "'" + value if formula_like(value) else value


def csv_bytes(table: Table, rows: list[dict[str, Any]], labels: bool = False) -> bytes:
    """The one CSV writer of the portal: every text cell through :func:`spreadsheet_text` and quoted (so a
    spreadsheet that splits on ';' never starts a cell inside a text), numbers bare. The header row holds the
    column names, or with ``labels`` their Chinese labels (data/zh/); the rows are the same."""
    named, labelled = io.BytesIO(), io.BytesIO()
    write_csv(table, rows, named, labelled)
    return (labelled if labels else named).getvalue()


CSV_ROWS_AT_ONCE = 2000  # rows turned into text at a time: a national table is never one string in memory


def write_csv(table: Table, rows: Iterable[dict[str, Any]], named: IO[bytes], labelled: IO[bytes]) -> None:
    """The table as CSV (:func:`csv_bytes`) into two files at once, headed by its column names and by their
    Chinese labels: each run of rows is written once, for both."""
    write_csv_head(table, named, labelled)
    for run in _runs(rows):
        write_csv_rows(table, run, named, labelled)


def _runs(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """``rows`` in runs of :data:`CSV_ROWS_AT_ONCE`."""
    it = iter(rows)
    while run := list(islice(it, CSV_ROWS_AT_ONCE)):
        yield run


def write_csv_head(table: Table, named: IO[bytes], labelled: IO[bytes]) -> None:
    for target, heads in ((named, [c.name for c in table.columns]), (labelled, [c.label for c in table.columns])):
        target.write("\ufeff".encode())  # BOM: Excel then reads UTF-8
        target.write(_csv_text([[spreadsheet_text(h) for h in heads]]).encode("utf-8"))


def write_csv_rows(table: Table, rows: Iterable[dict[str, Any]], named: IO[bytes], labelled: IO[bytes]) -> None:
    text = csv_lines(table, rows)
    named.write(text)
    labelled.write(text)


def csv_lines(table: Table, rows: Iterable[dict[str, Any]]) -> bytes:
    """The rows as CSV lines in the columns' order (no header), every text cell through :func:`spreadsheet_text`."""
    names = [c.name for c in table.columns]
    return _csv_text([spreadsheet_text(v) if isinstance(v, str) else v for v in (row[n] for n in names)]
                     for row in rows).encode("utf-8")


def _csv_text(rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    return buffer.getvalue()


_SQLITE_IOERR = 10  # SQLite's primary result code for a failed read or write
_SQL_TYPES = {"text": "TEXT", "date": "TEXT", "integer": "INTEGER", "boolean": "INTEGER", "real": "REAL"}
_KEYS: dict[str, str | tuple[str, ...]] = {"tasks": "id", "complaints": "ref", "notices": "id", "regions": "code",
                                           "events": "id", "inspections": "id", "plans": ("inspection", "id"),
                                           "complaint_types": ("ref", "type"), "complaint_regions": ("ref", "region"),
                                           "task_regions": ("task_id", "region"), "task_responsible_units": ("task_id", "unit")}


class SqliteFile:
    """One SQLite database of tables added one at a time (:meth:`add`, each as its rows are made): built in a
    scratch file in a fixed order, then written with VACUUM INTO, which lays the pages out afresh, so the same data
    gives the same bytes. A table of :data:`LINK_TABLES` gets an index on its value column."""

    def __init__(self, target: Path, info: dict[str, str]):
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        # made in a scratch file beside the target, not in memory (a national database is hundreds of MB)
        self.scratch = target.with_name(f".{target.name}.building")
        self.scratch.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.scratch)
        with self._disk():
            self._start(info)

    def _start(self, info: dict[str, str]) -> None:
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(info.items()))
        self.db.execute("CREATE TABLE columns (\"table\" TEXT, position INTEGER, name TEXT, type TEXT, description TEXT, "
                        "label TEXT, PRIMARY KEY (\"table\", name))")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                with self._disk():
                    self.db.commit()
                    self.db.execute("VACUUM INTO ?", (str(self.target),))
        finally:
            self.db.close()
            self.scratch.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _disk(self) -> Iterator[None]:
        """SQLite says only "disk I/O error" when a write fails: the system's reason (a full disk, a file size
        limit, a failing device) is found by writing where it was writing, and raised as that OSError."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != _SQLITE_IOERR:
                raise
            try:
                with self.scratch.open("ab") as probe:
                    probe.write(bytes(1 << 16))
                    probe.flush()
                    os.fsync(probe.fileno())
            except OSError as reason:
                raise reason from exc
            raise

    def add(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        """Add ``table`` with ``rows`` (dicts by column name)."""
        with self._disk():
            self.create(table)
            self.insert(table, (sql_values(table, row) for row in rows))
            self.finish_table(table)

    def create(self, table: Table) -> None:
        """The table, empty, and its columns in ``columns``; then :meth:`insert` its rows, then :meth:`finish_table`."""
        with self._disk():
            self.db.executemany("INSERT INTO columns VALUES (?, ?, ?, ?, ?, ?)",
                                [(table.name, i, c.name, c.type, c.doc, c.label) for i, c in enumerate(table.columns)])
            key = _KEYS[table.name]
            cols = ", ".join(f'"{c.name}" {_SQL_TYPES[c.type]}' + (" PRIMARY KEY" if c.name == key else "")
                             for c in table.columns)
            if isinstance(key, tuple):  # a key of several columns
                cols += ", PRIMARY KEY (" + ", ".join(f'"{k}"' for k in key) + ")"
            self.db.execute(f'CREATE TABLE "{table.name}" ({cols})')

    def insert(self, table: Table, values: Iterable[tuple[Any, ...]], into: str = "") -> None:
        """Rows of ``table`` as :func:`sql_values` made them, in order (into the table, or the table ``into``)."""
        with self._disk():
            self.db.executemany(f'INSERT INTO "{into or table.name}" VALUES ({", ".join("?" * len(table.columns))})',
                                values)

    def finish_table(self, table: Table) -> None:
        if table in LINK_TABLES:  # key (item, value): an index on the value column too
            value = _KEYS[table.name][1]
            with self._disk():
                self.db.execute(f'CREATE INDEX "{table.name}_{value}" ON "{table.name}" ("{value}")')

    def stash(self, table: Table, values: Iterable[tuple[Any, ...]]) -> None:
        """Rows of ``table`` set aside, in order, while other tables are written (a batch's link rows come with its
        complaints' rows); :meth:`add_stashed` adds the table with them. The stash is dropped before the copy."""
        with self._disk():
            self.db.execute(f'CREATE TABLE IF NOT EXISTS "{_stash(table)}" ({", ".join(f"c{i}" for i in range(len(table.columns)))})')
        self.insert(table, values, into=_stash(table))

    def add_stashed(self, table: Table) -> None:
        """Add ``table`` with the rows :meth:`stash` set aside (none if it set none), in the order they came."""
        self.create(table)
        with self._disk():
            if self.db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (_stash(table),)).fetchone():
                self.db.execute(f'INSERT INTO "{table.name}" SELECT * FROM "{_stash(table)}" ORDER BY rowid')
                self.db.execute(f'DROP TABLE "{_stash(table)}"')
        self.finish_table(table)


def _stash(table: Table) -> str:
    return f"stash_{table.name}"


def sql_values(table: Table, row: dict[str, Any]) -> tuple[Any, ...]:
    """A row as the database takes it: an empty cell of a column that is not text is NULL."""
    return tuple(row[c.name] if row[c.name] != "" or c.type == "text" else None for c in table.columns)


@dataclass(frozen=True)
class Chunk:
    """A run of one table's rows as its files take them: the CSV lines (no header; the same in both CSV files),
    the JSON objects joined by commas, and the values for the database (:func:`sql_values`)."""

    csv: bytes
    json: bytes
    sql: list[tuple[Any, ...]]


def chunk_of(table: Table, rows: list[dict[str, Any]]) -> Chunk:
    # the rows as one JSON list without its brackets: the same bytes as each row's _json_compact joined by commas
    return Chunk(csv_lines(table, rows), _COMPACT.encode(rows)[1:-1].encode("utf-8"),
                 [sql_values(table, row) for row in rows])


def _write_table(table: Table, chunks: Iterable[Chunk], named: IO[bytes], labelled: IO[bytes],
                 json_lists: list[IO[bytes]], db: SqliteFile) -> None:
    """The rows of ``table``, a chunk at a time, into its two CSV files, into each open JSON list of ``json_lists``
    and into ``db``."""
    write_csv_head(table, named, labelled)
    for target in json_lists[1:]:
        target.write(b"[")
    db.create(table)
    first = True
    for chunk in chunks:
        named.write(chunk.csv)
        labelled.write(chunk.csv)
        if chunk.json:
            for target in json_lists:
                target.write(chunk.json if first else b"," + chunk.json)
            first = False
        db.insert(table, chunk.sql)
    db.finish_table(table)


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one encoder: json.dumps makes one a call


def _json_compact(data: Any) -> bytes:
    """JSON as UTF-8 on one line, without its line end: Python's C encoder (which cannot indent) is what makes
    writing every item's own file on every build cheap (a browser or ``jq`` shows it indented)."""
    return _COMPACT.encode(data).encode("utf-8")


def _json_bytes(data: Any) -> bytes:
    """A JSON file's bytes: :func:`_json_compact` and a line end."""
    return _json_compact(data) + b"\n"


def _complaint_record(row: dict[str, Any], c: ComplaintView, licence: dict[str, str]) -> bytes:
    """A complaint's own JSON file: its row, its updates, its 其他信息 and the licence."""
    return _json_bytes({**row, "updates": [{"date": _d(u.date), "status": u.status, "status_label": COMPLAINT_STATUS_LABELS[u.status],
                                            "note": u.note} for u in c.complaint.updates],
                        **({"extra": dict(c.complaint.extra)} if c.complaint.extra else {}), **licence})


def item_records(portal: Portal, rows: Rows) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    """(file, record maker) of every task's and notice's own JSON file (complaints': :class:`ComplaintParts`)."""
    out: list[tuple[str, Callable[[], dict[str, Any]]]] = []
    for t in portal.tasks:
        def task_record(t: TaskView = t) -> dict[str, Any]:
            row = {k: v for k, v in rows.task(t).items() if k != "overdue_days"}  # a count as of the data date
            return {**row, "measures": list(t.task.measures), "history": [
                {"date": _d(e.date), "status": e.status, "status_label": e.label, "note": e.note,
                 "on_schedule": e.on_schedule, "correction": e.correction, "closeout_exception": e.closeout_exception,
                 "documents": [d.id for d in e.documents], "announcement": e.announcement.ann.id if e.announcement else ""}
                for e in t.timeline], "complaints": [c.complaint.ref for c in t.complaints], "notices": [n.ann.id for n in t.notices],
                **({"extra": dict(t.task.extra)} if t.task.extra else {})}
        out.append((urls.task_json(t.task.id), task_record))
    for n in portal.notices:
        def notice_record(n: NoticeView = n) -> dict[str, Any]:
            a = n.ann
            return {**rows.notice(n), "summary": a.summary,
                    "acceptance_opinion": a.final_acceptance.opinion if a.final_acceptance else "",
                    "outcome_note": a.outcome.note if a.outcome else "", "documents": list(a.documents)}
        out.append((urls.notice_json(n.ann.id), notice_record))
    return out


def _file_job(output: Path, path: str, make: Callable[[], bytes]) -> Callable[[], Callable[[], None]]:
    """The run of the job that writes an item's own file, made only for a job that is not reused: the file's bytes
    are made at once and held packed until the job runs (memory)."""
    def writer() -> Callable[[], None]:
        packed = zlib.compress(make(), 1)

        def run() -> None:
            target = output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zlib.decompress(packed))
        return run
    return writer


@dataclass(frozen=True)
class ComplaintPart:
    """What the whole-site files hold of one batch's complaints: their rows of the complaints table, their rows of
    the link tables, the SHA-256 of each one's own JSON file and of its manifest record (in the batch's order).
    Kept between builds (issue 18) under a digest of everything it is made from (:meth:`ComplaintParts.key`), so
    that a rebuild assembles the complaints table, the link tables and the manifest from kept parts and makes
    again only the parts of batches whose complaints changed."""

    rows: Chunk
    types: list[tuple[Any, ...]]
    regions: list[tuple[Any, ...]]
    files: list[str]
    records: list[str]


class ComplaintParts:
    """The complaints' share of the data files, batch by batch (:class:`ComplaintPart`), each taken from ``kept``
    when its key is there and made (and kept) otherwise. ``complaint_fp``: a complaint → the digest of everything
    its page shows (pages.Renderer.complaint_fp), which covers everything its rows and its own file are made of but
    the site, the inspection and the code, which the key adds."""

    def __init__(self, portal: Portal, rows: Rows, kept: KeptValues | None, complaint_fp: Callable[[ComplaintView], str],
                 record_hash: Callable[[ComplaintView], str]):
        self.portal, self.rows, self.kept = portal, rows, kept
        self.record_hash = record_hash  # the manifest's hash of a complaint's record (manifest.complaint_record)
        self.complaint_fp = complaint_fp
        self.table = next(t for t in tables_of(portal) if t.name == "complaints")
        self.links = {t.name: t for t in LINK_TABLES}
        self.context = fingerprint("complaint part", code_digest(), portal.content.version, rows.base,
                                   repr(portal.content.site))
        self.licence = {"licence": portal.content.site.licence}
        self.file_hashes: dict[str, str] = {}  # each complaint's own JSON file → its SHA-256
        self.records: dict[str, str] = {}  # each complaint's reference → the SHA-256 of its manifest record
        self.keys: list[str] = []  # each batch's part's key, in the batches' order (:meth:`queue_files`)

    def key(self, run: list[ComplaintView]) -> str:
        return fingerprint(self.context, self._inspection(run[0]), [self.complaint_fp(c) for c in run])

    def _inspection(self, c: ComplaintView) -> str:
        return _id(self.portal.content.inspection_of(c.batch))

    def queue_files(self, output: Path, jobs: Jobs) -> None:
        """Queue each complaint's own JSON file on ``jobs``, keyed by what it is made from (what its part's key
        covers of it), so that it is reused without its part being read; the parts' keys are noted as used in
        ``kept`` (the parts themselves may be read and made in another process: :meth:`chunks`, which takes the keys
        worked out here)."""
        for run in batch_runs(self.portal.complaints):
            self.keys.append(self.key(run))
            inspection = self._inspection(run[0])
            for c in run:
                path = urls.complaint_json(c.complaint.ref)
                jobs.add_made([path], fingerprint(self.context, inspection, self.complaint_fp(c)),  # context: the code too
                              _file_job(output, path, functools.partial(self._record, c)))
        if self.kept is not None:
            self.kept.used.update(self.keys)

    def _record(self, c: ComplaintView) -> bytes:
        return _complaint_record(self.rows.complaint(c), c, self.licence)

    def chunks(self, db: SqliteFile) -> Iterator[Chunk]:
        """The complaints table's chunks, a batch each; meanwhile the batch's link rows are stashed in ``db`` and the
        hashes of each complaint's own file and manifest record noted (after :meth:`queue_files`: its keys)."""
        for run, key in zip(batch_runs(self.portal.complaints), self.keys, strict=True):
            part = self.kept.get(key, ComplaintPart) if self.kept is not None else None
            if part is None or len(part.files) != len(run):
                part = self._make(run)
                if self.kept is not None:
                    self.kept.put(key, part)
            db.stash(self.links["complaint_types"], part.types)
            db.stash(self.links["complaint_regions"], part.regions)
            for c, sha, record in zip(run, part.files, part.records):
                self.file_hashes[urls.complaint_json(c.complaint.ref)] = sha
                self.records[c.complaint.ref] = record
            yield part.rows

    def _make(self, run: list[ComplaintView]) -> ComplaintPart:
        rows = [self.rows.complaint(c) for c in run]
        name = self.rows.region_name
        return ComplaintPart(
            chunk_of(self.table, rows),
            [(c.complaint.ref, v) for c in run for v in _once(c.complaint.types)],
            [(c.complaint.ref, v, name(v)) for c in run for v in _once(c.complaint.region)],
            [hashlib.sha256(_complaint_record(row, c, self.licence)).hexdigest() for row, c in zip(rows, run)],
            [self.record_hash(c) for c in run])


class DataFiles:
    """The open data of ``portal``: each item's own JSON file, queued on the build's jobs (:meth:`queue`, reused when
    unchanged), and the tables (CSV, JSON, SQLite), written at once (:meth:`write`, which may run in another process
    than :meth:`queue`: incremental.Jobs.beside). With ``kept``, the complaints' share of the tables is assembled from
    the parts kept there (:class:`ComplaintParts`, keyed with ``complaint_fp``). ``record_hash``: the manifest's hash
    of a complaint's record (manifest.complaint_record: the manifest reads the data files, so the data files do not
    import it)."""

    def __init__(self, portal: Portal, base: str, output: Path, kept: KeptValues | None,
                 complaint_fp: Callable[[ComplaintView], str], record_hash: Callable[[ComplaintView], str]):
        self.portal, self.base, self.output = portal, base, output
        self.rows = Rows(portal, base)
        self.complaints = ComplaintParts(portal, self.rows, kept, complaint_fp, record_hash)
        self.item_hashes: dict[str, str] = {}  # each task's and notice's own JSON file → its SHA-256 (:meth:`queue`)

    def queue(self, jobs: Jobs) -> None:
        """Queue every item's own JSON file on ``jobs``. An item's own file holds nothing that moves with the data
        date alone (a task's has when it became overdue, not for how many days; a notice's state changes on two
        dates), so it is the same from one day's build to the next until the item changes (issue 18); the data date
        is in portal.json and data/as-of.js."""
        self.complaints.queue_files(self.output, jobs)
        licence = {"licence": self.portal.content.site.licence}
        code = code_digest()
        for path, make in item_records(self.portal, self.rows):
            data = _json_bytes({**make(), **licence})
            self.item_hashes[path] = hashlib.sha256(data).hexdigest()
            jobs.add_made([path], fingerprint(code, self.item_hashes[path]),
                          _file_job(self.output, path, functools.partial(bytes, data)))

    def write(self) -> Written:
        """Write the tables into data/: every table as its rows are made, in runs, into its CSV files, portal.json
        and the database at once: a national table is never held whole (issue 18: memory). portal.json is
        {"meta": …, "tables": {name: rows}}. Returns what the integrity manifest needs of them (after
        :meth:`queue`, whose hashes of the tasks' and notices' own files it includes)."""
        portal, output, rows, complaints = self.portal, self.output, self.rows, self.complaints
        info = meta(portal, self.base)
        (output / urls.DATA).mkdir(parents=True, exist_ok=True)
        (output / urls.DATA_ZH).mkdir(parents=True, exist_ok=True)
        with (output / urls.DATA_JSON).open("wb") as whole, SqliteFile(output / urls.DATA_SQLITE, info) as db:
            whole.write(b'{"meta":' + _json_compact(info) + b',"tables":{')
            made_of = rows.tables()
            for n, table in enumerate(tables_of(portal)):
                whole.write((("," if n else "") + json.dumps(table.name) + ":[").encode("utf-8"))
                with (output / table.csv_url).open("wb") as named, (output / table.zh_csv_url).open("wb") as labelled, \
                        contextlib.ExitStack() as more:
                    events = more.enter_context((output / urls.DATA_EVENTS_JSON).open("wb")) if table.name == "events" else None
                    chunks = complaints.chunks(db) if table.name == "complaints" else \
                        (chunk_of(table, run) for run in _runs(made_of[table.name]))
                    _write_table(table, chunks, named, labelled, [whole, *([events] if events else [])], db)
                    if events:
                        events.write(b"]\n")  # the event history alone, too
                whole.write(b"]")
            whole.write(b"}}\n")
            links = rows.links()
            for table in LINK_TABLES:
                if table.name in links:
                    db.add(table, links[table.name])
                else:
                    db.add_stashed(table)
        return Written({**complaints.file_hashes, **self.item_hashes}, complaints.records)


@dataclass(frozen=True)
class Written:
    """What :meth:`DataFiles.write` tells the manifest."""

    files: dict[str, str]  # each item's own JSON file → its SHA-256
    complaint_records: dict[str, str]  # each complaint's reference → the SHA-256 of its manifest record


def downloads(portal: Portal) -> list[tuple[str, str, str]]:
    """(url, label, description) of every download, for the 数据下载 page: each table's CSV file, then the same
    with Chinese column labels (data/zh/), then the files of all tables."""
    out = [(t.csv_url, f"{t.title}，{len(_count(portal, t.name))} 行") for t in tables_of(portal)]
    out += [(t.zh_csv_url, f"{t.title}，表头为中文列名（内容与 {t.name}.csv 相同）") for t in tables_of(portal)]
    out += [
        (urls.DATA_EVENTS_JSON, "变化记录（JSON）"),
        (urls.DATA_JSON, "以上全部表格（JSON，含数据日期和许可）"),
        (urls.DATA_SQLITE, "以上全部表格（SQLite 数据库，可直接用 Datasette 等工具打开），另含按污染类型、地区、责任单位拆分的关联表"),
    ]
    return [(url, url.removeprefix(urls.DATA), description) for url, description in out]  # labelled by path in data/


def _count(portal: Portal, name: str) -> list[Any]:
    lists: dict[str, list[Any]] = {"tasks": portal.tasks, "complaints": portal.complaints, "notices": portal.notices,
                                   "regions": portal.regions, "events": portal.events, "inspections": portal.inspections,
                                   "plans": [p for v in portal.inspections for p in v.inspection.plans]}
    return lists[name]

"""Stage 4, render (open data): the site's data as files under data/, for journalists and spreadsheets.

- ``data/tasks.csv``, ``data/complaints.csv``, ``data/notices.csv``, ``data/regions.csv``,
  ``data/events.csv``: one row per item (per status change for events, oldest first), UTF-8 with a
  byte-order mark so that Excel shows Chinese correctly; ``data/events.json``: the event history alone.
  Every CSV is written by :func:`csv_bytes`, which keeps spreadsheets from running a text as a formula
  (OWASP "CSV injection"): a text cell that starts with = + - @ (also after spaces, and in their
  full-width and small forms) or with a tab, CR or LF gets a leading ``'`` (:func:`spreadsheet_text`);
  every text cell is quoted; numbers are written bare, so they stay numbers (-3 is the number -3);
- ``data/portal.json``: every table in one JSON file, with the site, the data date and the licence
  (JSON and SQLite are not opened as spreadsheets: they keep every text exactly as written);
- ``data/portal.sqlite``: the same tables in one SQLite database (ready for Datasette), built in
  memory with a fixed row order and copied out with ``VACUUM INTO`` so the bytes are the same for the
  same content and as-of date;
- ``data/tasks/<id>.json``, ``data/complaints/<ref>.json``, ``data/notices/<id>.json``: one item with
  its full history, linked from the item's page; a task's and a complaint's file also carries ``extra``
  (其他信息, label → text) when it has any (the tables and CSV files leave it out).

:data:`TABLES` names and describes every column once; the files, the database schema and the 数据下载
page (``data/index.html``) are all made from it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import urls
from generator.incremental import code_digest, fingerprint
from generator.models import (
    CHANNEL_LABELS,
    COMPLAINT_STATUS_LABELS,
    NOTICE_STATE_LABELS,
    OUTCOME_LABELS,
    TASK_STATUS_LABELS,
)
from generator.render.feeds import EVENT_COLUMNS, event_rows

if TYPE_CHECKING:
    from generator.derive.views import ComplaintView, NoticeView, Portal, TaskView
    from generator.incremental import Jobs


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "text", "integer", "real", "date" (text YYYY-MM-DD in SQLite), "boolean" (0/1)
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


def _c(name: str, type_: str, doc: str) -> Column:
    return Column(name, type_, doc)


LIST_SEP = ";"  # several values in one cell (codes, units, types)


def _codes(labels: dict[str, str]) -> str:
    """The codes of a label table as the column docs list them: "done、partly_done、handling"."""
    return "、".join(labels)


def _names(labels: dict[str, str]) -> str:
    return "、".join(labels.values())


TABLES: tuple[Table, ...] = (
    Table("tasks", "整改任务", "one row per rectification task, with its derived status as of the data date", (
        _c("id", "text", "任务编号（网址中使用，不会改变）"),
        _c("number", "integer", "序号"),
        _c("title", "text", "任务名称"),
        _c("problem", "text", "督察反馈问题（Markdown）"),
        _c("target", "text", "整改目标"),
        _c("measures", "text", "整改措施，多项以换行分隔"),
        _c("responsible_units", "text", f"责任单位，多个以 {LIST_SEP} 分隔"),
        _c("supervising_units", "text", f"督导单位，多个以 {LIST_SEP} 分隔"),
        _c("acceptance_unit", "text", "验收销号单位"),
        _c("regions", "text", f"涉及地区的6位代码，多个以 {LIST_SEP} 分隔"),
        _c("region_names", "text", f"涉及地区名称，多个以 {LIST_SEP} 分隔"),
        _c("deadline", "text", "整改时限，原文（2023-12-31、2023年底、长期坚持、立行立改）"),
        _c("deadline_date", "date", "整改时限折算的日期（长期坚持、立行立改为空）"),
        _c("status", "text", f"当前状态代码（{_codes(TASK_STATUS_LABELS)}）"),
        _c("status_label", "text", "当前状态（中文）"),
        _c("status_date", "date", "当前状态的起始日期"),
        _c("completed_on", "date", "完成日期（本轮整改首次完成的日期）"),
        _c("overdue", "boolean", "逾期未完成：1 是，0 否"),
        _c("overdue_days", "integer", "已逾期天数"),
        _c("late", "boolean", "逾期完成：1 是，0 否"),
        _c("behind_schedule", "boolean", "最近一次进展未达到序时进度：1 是，0 否"),
        _c("history_count", "integer", "进展记录条数（每条见 events 表或本任务的 JSON 文件）"),
        _c("url", "text", "任务页面地址"),
    )),
    Table("complaints", "信访举报", "one row per complaint forwarded by the inspectors", (
        _c("ref", "text", "受理编号"),
        _c("batch", "integer", "交办批次"),
        _c("forwarded_on", "date", "交办日期"),
        _c("channel", "text", f"受理方式代码（{_codes(CHANNEL_LABELS)}）"),
        _c("channel_label", "text", f"受理方式（{_names(CHANNEL_LABELS)}）"),
        _c("regions", "text", f"行政区域的6位代码，合办件多个以 {LIST_SEP} 分隔"),
        _c("region_names", "text", f"行政区域名称，多个以 {LIST_SEP} 分隔"),
        _c("types", "text", f"污染类型，多个以 {LIST_SEP} 分隔"),
        _c("priority", "boolean", "重点关注：1 是，0 否"),
        _c("summary", "text", "交办问题基本情况"),
        _c("findings", "text", "调查核实情况"),
        _c("substantiated", "text", "是否属实（属实、基本属实、部分属实、不属实；空为未说明）"),
        _c("handling", "text", "处理和整改情况"),
        _c("accountability", "text", "责任追究情况"),
        _c("orders", "integer", "责令整改（家次）"),
        _c("fines_wan_yuan", "real", "罚款金额（万元）"),
        _c("cases", "integer", "立案处罚（件）"),
        _c("interviews", "integer", "约谈（人次）"),
        _c("accountable_persons", "integer", "问责（人次）"),
        _c("reported_status", "text", "交办时报告的办结状态代码"),
        _c("status", "text", f"当前办结状态代码（{_codes(COMPLAINT_STATUS_LABELS)}）"),
        _c("status_label", "text", f"当前办结状态（{_names(COMPLAINT_STATUS_LABELS)}）"),
        _c("tasks", "text", f"相关整改任务编号，多个以 {LIST_SEP} 分隔"),
        _c("url", "text", "信访举报页面地址"),
    )),
    Table("notices", "销号公示", "one row per close-out notice (公示)", (
        _c("id", "text", "公示编号"),
        _c("title", "text", "公示标题"),
        _c("tasks", "text", f"公示的整改任务编号，多个以 {LIST_SEP} 分隔"),
        _c("start", "date", "公示期第一天"),
        _c("end", "date", "公示期最后一天（含）"),
        _c("length_days", "integer", "公示期天数"),
        _c("state", "text", f"截至数据日期的状态代码（{_codes(NOTICE_STATE_LABELS)}）"),
        _c("state_label", "text", f"公示状态（{_names(NOTICE_STATE_LABELS)}）"),
        _c("acceptance_unit", "text", "验收单位"),
        _c("acceptance_date", "date", "验收日期"),
        _c("outcome", "text", f"公示结果代码（{_codes(OUTCOME_LABELS)}；空为尚未作出）"),
        _c("outcome_label", "text", "公示结果（中文）"),
        _c("outcome_date", "date", "公示结果作出日期"),
        _c("url", "text", "公示页面地址"),
    )),
    Table("regions", "地区", "the regions used by tasks and complaints", (
        _c("code", "text", "6位行政区划代码"),
        _c("name", "text", "名称"),
        _c("parent", "text", "上级地区代码（省为空）"),
        _c("tasks", "integer", "涉及本地区（含下级地区）的整改任务数"),
        _c("complaints", "integer", "涉及本地区（含下级地区）的信访举报数"),
        _c("url", "text", "地区页面地址"),
    )),
    Table("events", "变化记录", f"every status change, oldest first (also {urls.data_table('events')} and {urls.DATA_EVENTS_JSON})", (
        _c("id", "text", "变化记录的固定编号"),
        _c("date", "date", "日期"),
        _c("kind", "text", "类别（task 任务进展、overdue 逾期、complaint 信访举报、notice 公示）"),
        _c("item", "text", "所属条目的编号（任务编号、受理编号或公示编号）"),
        _c("title", "text", "所属条目"),
        _c("from", "text", "原状态"),
        _c("to", "text", "新状态"),
        _c("note", "text", "说明"),
        _c("url", "text", "所属条目的页面地址"),
    )),
)
TABLE = {t.name: t for t in TABLES}
assert [c.name for c in TABLE["events"].columns] == EVENT_COLUMNS
ITEM_JSON_DOC = "每个整改任务、信访举报和销号公示页面都链接其自身的 JSON 文件（含完整的进展记录）。"


def _join(values: Any) -> str:
    return LIST_SEP.join(str(v) for v in values)


def _d(day: Any) -> str:
    return day.isoformat() if day else ""


class Rows:
    """The rows of every table, as dicts keyed by column name, in a fixed order."""

    def __init__(self, portal: Portal, base: str):
        self.portal = portal
        self.base = base

    def link(self, url: str) -> str:
        return f"{self.base}/{url}" if self.base else url

    def task(self, t: TaskView) -> dict[str, Any]:
        task = t.task
        dl = task.deadline
        return {
            "id": task.id, "number": task.number, "title": task.title, "problem": task.problem, "target": task.target,
            "measures": "\n".join(task.measures), "responsible_units": _join(task.responsible_units),
            "supervising_units": _join(task.supervising_units), "acceptance_unit": task.acceptance_unit,
            "regions": _join(task.regions), "region_names": _join(r.name for r in t.regions),
            "deadline": dl.text or _d(dl.date),  # only a dated deadline has no text (load.schema.Builder.deadline)
            "deadline_date": _d(task.due),
            "status": t.status, "status_label": t.status_label, "status_date": _d(t.status_date),
            "completed_on": _d(t.completed_on), "overdue": int(t.overdue), "overdue_days": t.overdue_days,
            "late": int(t.late), "behind_schedule": int(t.behind_schedule), "history_count": len(task.history),
            "url": self.link(t.url),
        }

    def complaint(self, c: ComplaintView) -> dict[str, Any]:
        m = c.complaint
        p = m.penalties
        return {
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

    def notice(self, n: NoticeView) -> dict[str, Any]:
        a = n.ann
        return {
            "id": a.id, "title": a.title, "tasks": _join(a.tasks), "start": _d(a.period.start), "end": _d(a.period.end),
            "length_days": n.length_days, "state": n.state, "state_label": n.state_label,
            "acceptance_unit": a.acceptance.unit if a.acceptance else "", "acceptance_date": _d(a.acceptance.date) if a.acceptance else "",
            "outcome": a.outcome.result if a.outcome else "", "outcome_label": OUTCOME_LABELS[a.outcome.result] if a.outcome else "",
            "outcome_date": _d(a.outcome.decided_on) if a.outcome else "", "url": self.link(n.url),
        }

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        p = self.portal
        return {
            "tasks": [self.task(t) for t in p.tasks],
            "complaints": [self.complaint(c) for c in p.complaints],
            "notices": [self.notice(n) for n in sorted(p.notices, key=lambda n: n.ann.id)],
            "regions": [{"code": r.region.code, "name": r.region.name, "parent": r.region.parent, "tasks": len(r.tasks),
                         "complaints": len(r.complaints), "url": self.link(r.url)} for r in p.regions],
            "events": event_rows(reversed(p.events), self.base),
        }


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


def csv_bytes(table: Table, rows: list[dict[str, Any]]) -> bytes:
    """The one CSV writer of the portal: every text cell through :func:`spreadsheet_text` and quoted (so a
    spreadsheet that splits on ';' never starts a cell inside a text), numbers bare."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c.name for c in table.columns], lineterminator="\r\n",
                            quoting=csv.QUOTE_NONNUMERIC)
    writer.writeheader()
    writer.writerows({k: spreadsheet_text(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8


_SQL_TYPES = {"text": "TEXT", "date": "TEXT", "integer": "INTEGER", "boolean": "INTEGER", "real": "REAL"}
_KEYS = {"tasks": "id", "complaints": "ref", "notices": "id", "regions": "code", "events": "id"}


def sqlite_file(tables: dict[str, list[dict[str, Any]]], info: dict[str, str], target: Path) -> None:
    """The tables as one SQLite database: built in memory in a fixed order, then written with VACUUM INTO,
    which lays the pages out afresh, so the same data gives the same bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(info.items()))
        db.execute("CREATE TABLE columns (\"table\" TEXT, position INTEGER, name TEXT, type TEXT, description TEXT, "
                   "PRIMARY KEY (\"table\", name))")
        for table in TABLES:
            db.executemany("INSERT INTO columns VALUES (?, ?, ?, ?, ?)",
                           [(table.name, i, c.name, c.type, c.doc) for i, c in enumerate(table.columns)])
            cols = ", ".join(f'"{c.name}" {_SQL_TYPES[c.type]}' + (" PRIMARY KEY" if c.name == _KEYS[table.name] else "")
                             for c in table.columns)
            db.execute(f'CREATE TABLE "{table.name}" ({cols})')
            names = [c.name for c in table.columns]
            db.executemany(f'INSERT INTO "{table.name}" VALUES ({", ".join("?" * len(names))})',
                           [[(row[n] if row[n] != "" or table.columns[i].type == "text" else None) for i, n in enumerate(names)]
                            for row in tables[table.name]])
        db.commit()
        db.execute("VACUUM INTO ?", (str(target),))
    finally:
        db.close()


def _json_bytes(data: Any, compact: bool = False) -> bytes:
    """JSON as UTF-8; ``compact`` (one line) for the big files: Python's fast C encoder cannot indent."""
    if compact:
        return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def item_records(portal: Portal, rows: Rows) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    """(file, record maker) of every item's own JSON file."""
    out: list[tuple[str, Callable[[], dict[str, Any]]]] = []
    for t in portal.tasks:
        def task_record(t: TaskView = t) -> dict[str, Any]:
            return {**rows.task(t), "measures": list(t.task.measures), "history": [
                {"date": _d(e.date), "status": e.status, "status_label": e.label, "note": e.note,
                 "on_schedule": e.on_schedule, "correction": e.correction, "closeout_exception": e.closeout_exception,
                 "documents": [d.id for d in e.documents], "announcement": e.announcement.ann.id if e.announcement else ""}
                for e in t.timeline], "complaints": [c.complaint.ref for c in t.complaints], "notices": [n.ann.id for n in t.notices],
                **({"extra": dict(t.task.extra)} if t.task.extra else {})}
        out.append((urls.task_json(t.task.id), task_record))
    for c in portal.complaints:
        def complaint_record(c: ComplaintView = c) -> dict[str, Any]:
            return {**rows.complaint(c), "updates": [{"date": _d(u.date), "status": u.status, "status_label": COMPLAINT_STATUS_LABELS[u.status],
                                                      "note": u.note} for u in c.complaint.updates],
                    **({"extra": dict(c.complaint.extra)} if c.complaint.extra else {})}
        out.append((urls.complaint_json(c.complaint.ref), complaint_record))
    for n in portal.notices:
        def notice_record(n: NoticeView = n) -> dict[str, Any]:
            a = n.ann
            return {**rows.notice(n), "summary": a.summary, "acceptance_opinion": a.acceptance.opinion if a.acceptance else "",
                    "outcome_note": a.outcome.note if a.outcome else "", "documents": list(a.documents)}
        out.append((urls.notice_json(n.ann.id), notice_record))
    return out


def write_all(portal: Portal, base: str, output: Path, jobs: Jobs) -> dict[str, str]:
    """Write the tables (CSV, JSON, SQLite) now, and queue each item's JSON file on ``jobs`` (reused when
    unchanged). Returns the SHA-256 of each item's JSON file by its path (for the integrity manifest)."""
    rows = Rows(portal, base)
    tables = rows.tables()
    info = meta(portal, base)
    (output / urls.DATA).mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        (output / table.csv_url).write_bytes(csv_bytes(table, tables[table.name]))
    (output / urls.DATA_EVENTS_JSON).write_bytes(_json_bytes(tables["events"], compact=True))  # the event history alone, too
    (output / urls.DATA_JSON).write_bytes(_json_bytes({"meta": info, "tables": tables}, compact=True))
    sqlite_file(tables, info, output / urls.DATA_SQLITE)
    stamp = {"as_of": info["as_of"], "licence": info["licence"]}
    code = code_digest()
    hashes: dict[str, str] = {}
    for path, make in item_records(portal, rows):
        data = _json_bytes({**make(), **stamp})
        hashes[path] = hashlib.sha256(data).hexdigest()

        def run(path: str = path, data: bytes = data) -> None:
            target = output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

        jobs.add([path], fingerprint(code, hashes[path]), run)
    return hashes


def downloads(portal: Portal) -> list[tuple[str, str, str]]:
    """(url, label, description) of every download, for the 数据下载 page."""
    out = [(t.csv_url, f"{t.title}，{len(_count(portal, t.name))} 行") for t in TABLES]
    out += [
        (urls.DATA_EVENTS_JSON, "变化记录（JSON）"),
        (urls.DATA_JSON, "以上全部表格（JSON，含数据日期和许可）"),
        (urls.DATA_SQLITE, "以上全部表格（SQLite 数据库，可直接用 Datasette 等工具打开）"),
    ]
    return [(url, url.rsplit("/", 1)[-1], description) for url, description in out]  # labelled by file name


def _count(portal: Portal, name: str) -> list[Any]:
    lists: dict[str, list[Any]] = {"tasks": portal.tasks, "complaints": portal.complaints, "notices": portal.notices,
                                   "regions": portal.regions, "events": portal.events}
    return lists[name]

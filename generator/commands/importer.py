"""``portal import``: complaint tables and task lists, as provinces keep them in spreadsheets, into content files.

Takes a spreadsheet (.xlsx or .csv), its kind (complaints or tasks) and the content folder; gives the
content files it writes (:func:`run`, a :class:`Result`), or refuses with every problem at its row and
column (``file.xlsx:5: E列 行政区域: …``) and writes nothing. With ``--force`` the rows without problems
are written and the rows with problems are left out (and listed). An existing file is replaced only with
``--overwrite``; ``--dry-run`` returns the plan of every row (:class:`~generator.commands.import_write.RowPlan`)
and writes nothing.

The steps, each a module of its own:

1. :mod:`~generator.commands.import_sheet` reads the file into a Sheet (bounded: a spreadsheet is untrusted input);
2. :mod:`~generator.commands.import_layout` finds the header, which column is which field (built-in
   knowledge, :mod:`generator.load.import_vocab`, or an import profile), the data rows, and the batch
   and date the title names;
3. :mod:`~generator.commands.import_items` makes one item per complaint or task from the rows, with the
   cell parsers of :mod:`~generator.commands.import_values`;
4. an existing batch file or task file gains history instead of being replaced
   (:mod:`~generator.commands.batch_reimport`, :mod:`~generator.commands.task_reimport`);
5. :mod:`~generator.commands.import_write` checks the result like ``portal check`` and writes it.

:func:`run` joins the steps; a multi-batch file gives each batch its own date from a 交办日期 column (its
rows must agree, and agree with the flag or title: :func:`_batch_dates`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.commands import import_profile, import_rounds
from generator.commands.batch_reimport import Reimport
from generator.commands.import_items import Item, complaint_items, complaints_yaml, task_items
from generator.commands.import_layout import (
    COMPLAINT_COLUMNS,
    TASK_COLUMNS,
    Header,
    cell_issues,
    columns_of,
    data_rows,
    file_batch,
    header_map,
    missing_columns,
    named_batches,
    refs_of,
)
from generator.commands.import_sheet import ImportProblems, Issue, Sheet, read_sheet
from generator.commands.import_values import MAX_NUMBER, RegionNames
from generator.commands.import_write import Located, RowPlan, check_result, inside, write_files
from generator.commands.task_reimport import plan_tasks
from generator.errors import PortalError, UsageError
from generator.load.reader import read
from generator.load.text import shown
from generator.models import Content

MAX_PREFIX = 16  # --id-prefix
NEEDS_BATCH = ("--kind complaints 需要知道批次和交办日期；未写入任何文件\n"
               "    提示：给 --batch N 和 --forwarded-on YYYY-MM-DD（交办这一批的日期），或在表格标题中写明（第19批 2022年10月9日）")


def tail(name: str, count: int, hint: str = "") -> str:
    """The last line of a refused import."""
    return f"{name} 中有 {count} 处问题；未写入任何文件。" + (f"（{hint}）" if hint else "")


def not_content(content: Path) -> str:
    return (f"{content} 不是内容文件夹（没有可读的 site.yaml 和 regions.yaml），未写入任何文件\n"
            "    提示：用 --content 指向内容文件夹，或先运行 portal check 查看原因")


@dataclass
class Result:
    written: list[Path]
    skipped_rows: list[int]
    encoding: str
    warnings: list[str]
    plans: list[RowPlan] = field(default_factory=list)  # what happens to each row (shown by --dry-run)
    problems: bool = False  # --dry-run: something would be refused


PREFIX_RE = re.compile(rf"(?:[A-Za-z0-9][A-Za-z0-9-]{{0,{MAX_PREFIX - 1}}})?")


def check_arguments(kind: str, batch: int | None, id_prefix: str) -> None:
    """The command-line values that become file names: refused before anything is read."""
    if kind == "tasks" and not PREFIX_RE.fullmatch(id_prefix):
        raise UsageError(f"--id-prefix '{shown(id_prefix)}': 任务编号前缀只能由字母 A-Z a-z、数字 0-9 和 - 组成，"
                         f"以字母或数字开头，最多 {MAX_PREFIX} 个字符；未写入任何文件\n"
                         "    提示：例如 --id-prefix T-（任务编号为 T-07）")
    if kind == "complaints" and batch is not None and not 1 <= batch <= MAX_NUMBER:
        raise UsageError(f"--batch {shown(str(batch))}: 批次须是 1–{MAX_NUMBER} 之间的整数；未写入任何文件\n"
                         "    提示：例如 --batch 3（写入 complaints/3.yaml）")


def run(path: Path, kind: str, content: Path, as_of: dt.date, batch: int | None = None,
        forwarded_on: dt.date | None = None, id_prefix: str = "T-", force: bool = False,
        overwrite: bool = False, date: dt.date | None = None, dry_run: bool = False,
        profile: str | None = None, inspection: str | None = None, plan: str | None = None) -> Result:
    """Import one table. For complaints, ``batch`` and ``forwarded_on`` may be None when the file names
    them (a title row 「（第19批 2022年10月9日）」, 第31批 in the 受理编号 cells, a 批次 column); given, they
    must agree with the file (a disagreement is a problem naming both; with ``force`` the flags win).

    A batch file that exists already (and no ``overwrite``) is re-imported (:class:`Reimport`): a changed
    办结状态 or 处理和整改情况 becomes an ``updates`` entry dated ``date`` (default ``as_of``), new refs are
    appended, refs the table no longer has are reported and kept; an existing task file gains a history
    entry for a changed 整改进展 (:func:`generator.commands.task_reimport.plan_tasks`). ``dry_run`` writes nothing and returns
    the plan of every row (``Result.plans``); ``Result.problems`` then says whether anything was refused.

    ``inspection`` (an id or short name) and ``plan`` (tasks) say which round the table belongs to: needed
    when the content has several inspections (or the inspection several plans), see :mod:`import_rounds`."""
    date = _check_call(kind, batch, id_prefix, content, as_of, date)
    to = import_rounds.target(content, kind, inspection, plan)
    table = _read_table(path, kind, content, profile)
    loaded = _read_content(content, table, kind, batch, overwrite, to)
    regions = RegionNames(loaded.regions)
    if kind == "complaints":
        batch, forwarded_on = file_batch(table.sheet, table.header, batch, forwarded_on, table.issues, table.notes)
        items = complaint_items(table.sheet.name, table.data, table.header, regions, loaded, batch, overwrite,
                                table.issues, table.notes, table.bad_rows, to.inspection)
    else:
        items = task_items(table.sheet, table.data, table.header, regions, id_prefix, date, table.issues, table.notes,
                           table.bad_rows)
        import_rounds.name_tasks(items, to)
    if table.issues and not force and not dry_run:
        raise table.refused("给 --force 时只写入没有问题的行")
    before = len(table.issues)
    again: set[int] = set()  # the batches re-imported into their files
    if kind == "complaints":
        files, plans, again = _plan_batches(table, items, content, batch, forwarded_on, date, force, overwrite, to)
    else:  # an existing task file is re-imported as history (task_reimport), unless --overwrite
        files, plans = plan_tasks(content, items, table.header, table.data, id_prefix, date, force, overwrite,
                                  table.source, table.bad_rows, table.issues, table.notes,
                                  (to, import_rounds.task_home(loaded)))
    if len(table.issues) > before and not force and not dry_run:
        raise table.refused("给 --force 时跳过被拒绝的改动")
    plans = [RowPlan(row, "", "refused", "此行有问题（见问题列表）") for row in sorted(table.bad_rows)] + plans
    targets = {rel: inside(content, rel) for rel in files}
    # a batch file that is not re-imported is replaced, with --overwrite (an existing task file is re-imported)
    taken = [content / f for f in files if kind == "complaints" and (content / f).exists() and int(f.stem) not in again]
    located = Located(kind, table.header.mapping)
    if dry_run:
        return _dry_run(table, content, files, plans, as_of, located, refused=(bool(table.issues) and not force)
                        or (bool(taken) and not overwrite))  # what the import itself would refuse
    if taken and not overwrite:
        raise PortalError("这些文件已经存在，未作改动：" + "、".join(str(t) for t in taken)
                          + "；未写入任何文件\n    提示：确要用表格替换它们时给 --overwrite（已公开的内容会被覆盖）")
    if files:
        check_result(content, files, as_of, table.sheet.name, located)
    return _result(table, write_files(content, targets, files), plans)


@dataclass
class _Table:
    """The table as the first steps read it: the sheet, its header and data rows, and what they found
    (problems, notes, the rows left out for their problems)."""

    sheet: Sheet
    header: Header
    data: list[tuple[int, list[Any], str | None]]
    issues: list[Issue]
    notes: list[Issue]
    bad_rows: set[int]

    @property
    def source(self) -> str:
        """The file's name as a YAML comment names it (one line)."""
        return "".join(ch if ch.isprintable() else "?" for ch in self.sheet.name)

    def refused(self, hint: str = "") -> ImportProblems:
        return ImportProblems(self.sheet.name, self.issues, tail(self.sheet.name, len(self.issues), hint))


def _check_call(kind: str, batch: int | None, id_prefix: str, content: Path, as_of: dt.date,
                date: dt.date | None) -> dt.date:
    """The arguments and the content folder, checked before the table is read; the date of updates."""
    check_arguments(kind, batch, id_prefix)
    date = date or as_of
    if date > as_of:
        raise UsageError(f"--date {date.isoformat()} 晚于数据日期 --as-of {as_of.isoformat()}；未写入任何文件\n"
                         "    提示：更新日期不能在数据日期之后")
    if not (content / "site.yaml").is_file():
        raise PortalError(not_content(content))
    return date


def _read_table(path: Path, kind: str, content: Path, profile: str | None) -> _Table:
    """Read the sheet and recognise its layout (with ``profile``, or the import profile whose columns fit
    the header); refused when the header lacks a column the kind needs."""
    sheet = read_sheet(path)
    chosen = import_profile.choose(sheet, kind, content, profile)
    issues: list[Issue] = list(sheet.issues)
    columns = COMPLAINT_COLUMNS if kind == "complaints" else TASK_COLUMNS
    header = header_map(sheet, kind, columns, issues, chosen)
    if not header.mapping or missing_columns(kind, columns, header):
        raise ImportProblems(sheet.name, issues, tail(sheet.name, len(issues)))
    notes = list(header.notes)
    bad_rows = {i.row for i in issues if i.row > header.row} | cell_issues(sheet, header.row, header.mapping, issues)
    return _Table(sheet, header, data_rows(sheet, header), issues, notes, bad_rows)


def _read_content(content: Path, table: _Table, kind: str, batch: int | None, overwrite: bool,
                  to: import_rounds.Target) -> Content:
    """The content as it is, less the batch files this table re-imports (Reimport reads those itself)."""
    again = [] if kind != "complaints" or overwrite else named_batches(table.sheet, table.header, table.data, batch)
    loaded, _ = read(content, skip=[import_rounds.batch_file(content, to, n).as_posix() for n in again])
    if loaded is None:
        raise PortalError(not_content(content))
    return loaded


def _plan_batches(table: _Table, items: list[Item], content: Path, batch: int | None, forwarded_on: dt.date | None,
                  date: dt.date, force: bool, overwrite: bool,
                  to: import_rounds.Target) -> tuple[dict[Path, str], list[RowPlan], set[int]]:
    """The batch files the complaints make (relative path → text), what happens to each row, and the
    batches re-imported: an existing batch file (of the target inspection) gains history (:class:`Reimport`)
    unless ``overwrite``."""
    batches = sorted({i.batch for i in items if i.batch is not None} or ({batch} if batch is not None else set()))
    if not batches:
        raise UsageError(NEEDS_BATCH)
    again = {n for n in batches if not overwrite and (content / import_rounds.batch_file(content, to, n)).is_file()}
    table_keys = columns_of(table.header.mapping)
    days = _batch_dates(items, forwarded_on, force, table.issues, table_keys)
    dated = {n: day for n, day in days.items() if day is not None}
    undated = [n for n in batches if n not in dated and n not in again]
    if undated:
        raise UsageError(f"不知道第{'、'.join(map(str, undated))}批的交办日期：{table.sheet.name} 的标题行中没有日期（例如 2022年10月9日），"
                         "也没有“交办日期”列；未写入任何文件\n    提示：给 --forwarded-on YYYY-MM-DD（交办这一批的日期），"
                         "或在表格中加一列“交办日期”")
    files: dict[Path, str] = {}
    plans: list[RowPlan] = []
    for number in batches:
        rel = import_rounds.batch_file(content, to, number)
        batch_items = [i for i in items if i.batch == number]
        if number in again:
            re_ = Reimport(rel, inside(content, rel).read_text(encoding="utf-8"), date, force, days.get(number))
            body = re_.run(batch_items, table_keys, table.issues, table.notes, refs_of(table.data, table.header, table.bad_rows))
            plans += re_.plans
            if body is not None:
                files[rel] = body
        else:
            files[rel] = complaints_yaml(batch_items, number, dated[number], table.source)
            action = "replace" if (content / rel).exists() else "create"  # --overwrite
            plans += [RowPlan(i.row, i.key, action) for i in batch_items]
    return files, plans, again


def _dry_run(table: _Table, content: Path, files: dict[Path, str], plans: list[RowPlan], as_of: dt.date,
             located: Located, refused: bool) -> Result:
    """What the import would do, nothing written: unless it is ``refused`` anyway, its files are checked
    like ``portal check`` and what that finds is the last warning."""
    if not refused and files:
        try:
            check_result(content, files, as_of, table.sheet.name, located)
        except PortalError as exc:
            return _result(table, [], plans, problems=True, more=[str(exc)])
    return _result(table, [], plans, problems=refused)


def _result(table: _Table, written: list[Path], plans: list[RowPlan], problems: bool = False,
            more: list[str] | None = None) -> Result:
    """The result: every problem and note of the table in the order of its rows, then ``more``."""
    shown_ = sorted([*table.issues, *table.notes], key=lambda i: (i.row, i.column, i.message))
    return Result(written, sorted(table.bad_rows), table.sheet.encoding,
                  [i.format(table.sheet.name) for i in shown_] + (more or []), sorted(plans, key=_plan_order), problems)


def _batch_dates(items: list[Item], file_day: dt.date | None, force: bool, issues: list[Issue],
                 columns: dict[str, str]) -> dict[int, dt.date | None]:
    """The date of each batch: its rows' 交办日期 (which must agree), else the file's (--forwarded-on or the
    title). A row date that differs from the file's is a problem at its cell; with ``force`` the file's wins."""
    rows: dict[int, list[tuple[Item, dt.date]]] = {}  # each batch's rows that have a 交办日期, with it
    for item in items:
        if item.batch is not None:
            rows.setdefault(item.batch, [])
            if item.forwarded is not None:
                rows[item.batch].append((item, item.forwarded))
    out: dict[int, dt.date | None] = {}
    for number, dated in rows.items():
        out[number] = file_day
        if not dated:
            continue
        first, first_day = dated[0]
        for item, day in dated[1:]:
            if day != first_day:
                issues.append(Issue(item.row, columns.get("forwarded_on", ""),
                                    f"第{number}批的交办日期应当相同：第 {first.row} 行是 {first_day.isoformat()}，"
                                    f"此行是 {day.isoformat()}", "一批只有一个交办日期；改正其中一处"))
        if file_day is not None and first_day != file_day:
            if not force:
                issues.append(Issue(first.row, columns.get("forwarded_on", ""),
                                    f"交办日期列写第{number}批是 {first_day.isoformat()}，--forwarded-on 或表格标题却是 "
                                    f"{file_day.isoformat()}", "改正其中一处；给 --force 时以 --forwarded-on 或表格标题为准"))
        else:
            out[number] = first_day
    return out


def _plan_order(plan: RowPlan) -> tuple[int, int, str]:
    return (plan.row == 0, plan.row, plan.key)


__all__ = ["Result", "run"]

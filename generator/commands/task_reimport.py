"""Re-import of a task list: a task file that exists already gains history, never an edit.

Agencies re-export the same task list every week with a new 整改进展. :func:`plan_tasks` matches each
task of the table to ``tasks/<id>.yaml`` by its id (as the import makes ids: ``--id-prefix`` + 序号):

- a task without a file is created (:func:`generator.commands.import_items.task_yaml`);
- a task whose progress changed — the status its phrase reads as (达到序时进度, 未达到序时进度, 完成整改 …, see
  :func:`generator.commands.import_values.parse_progress`, ``on_schedule`` included) or the progress text — gains ONE
  history entry dated ``--date``, appended to the file's text (to its ``history`` list as written,
  block or flow, or a new ``history:`` block), so comments and every other byte stay;
- an unchanged task leaves its file untouched;
- a status change that the content rules forbid (:data:`generator.check.rules.TRANSITIONS`: after 已销号
  only 重新整改, finished work does not go back to 整改中 …) is refused at the row and column of 整改进展;
  the table cannot say 已验收 or 已销号, so 完成交账销号 on an accepted or closed task whose text is
  published already is no change;
- a changed published field (title, problem, target, measures, units, regions, deadline …, each only
  when the table has its column) is refused at its row and column, naming the file's and the table's
  value; with ``--force`` the change is skipped and the progress is still recorded;
- tasks of the same id prefix that the table no longer has are reported, never deleted.

Every edit is checked by reading the new text back: it must hold exactly the old document plus the
new entry, else the file is refused (nothing is guessed). Each task's outcome is a
:class:`generator.commands.import_write.RowPlan`, as ``--dry-run`` prints it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.check.rules import FIRST_STATUSES, TRANSITIONS
from generator.commands.import_items import (
    Item,
    history_entry,
    item_values,
    last_content_line_end,
    task_yaml,
    yaml_loader,
)
from generator.commands.import_layout import Header, columns_of
from generator.commands.import_rounds import Target
from generator.commands.import_sheet import Issue, text
from generator.commands.import_values import ascii_digits, parse_progress, unique
from generator.commands.import_write import RowPlan, inside
from generator.load.schema import label_synonyms
from generator.load.text import shown
from generator.models import TASK_STATUS_LABELS

# the published fields of a task, as the clerk knows them; compared only when the table has their column
FIELD_LABELS = {"number": "序号", "title": "任务名称", "problem": "督察反馈问题", "target": "整改目标", "measures": "整改措施",
                "responsible_units": "责任单位", "supervising_units": "督导单位", "acceptance_unit": "验收销号单位",
                "regions": "涉及地区", "deadline": "整改时限", "extra": "其他信息"}
# a field → the table columns it is read from (the first one present names it in a message)
FIELD_COLUMNS = {"number": ("number",), "title": ("title",), "problem": ("problem",), "target": ("target",),
                 "measures": ("measures",), "responsible_units": ("responsible_units", "lead_units"),
                 "supervising_units": ("supervising_units",), "acceptance_unit": ("acceptance_unit",),
                 "regions": ("regions",), "deadline": ("deadline",), "extra": ("extra",)}
FINISHED = ("completed", "accepted", "closed")  # the table can say 完成 but not 已验收 or 已销号


@dataclass(frozen=True)
class Progress:
    """What the table says of a task's progress: the status its phrase reads as, and the text."""

    status: str
    on_schedule: bool | None
    note: str
    row: int  # the first row of the task with a 整改进展 cell


def plan_tasks(content: Path, items: list[Item], header: Header, data: list[tuple[int, list[Any], str | None]],
               prefix: str, date: dt.date, force: bool, overwrite: bool, source: str, bad_rows: set[int],
               issues: list[Issue], notes: list[Issue],
               rounds: tuple[Target, dict[str, tuple[str, str]]] | None = None) -> tuple[dict[Path, str], list[RowPlan]]:
    """The files to write (relative to ``content``) and the plan of every task. Without ``overwrite`` an
    existing task file is re-imported (:class:`TaskReimport`); with it, it is replaced as written by the
    import. Refusals go to ``issues``, tasks the table no longer has to ``notes``. ``rounds``: the target
    inspection and plan, and each existing task's (:func:`generator.commands.import_rounds.task_home`): a task
    file of another inspection or plan is refused, and only the target's tasks can be missing."""
    files: dict[Path, str] = {}
    plans: list[RowPlan] = []
    to, home = rounds if rounds is not None else (None, {})
    columns = columns_of(header.mapping)
    progress_col = next((i for i, c in header.mapping.items() if c.key == "progress"), None)
    cells = {row: row_cells for row, row_cells, _ in data}
    for item in items:
        rel = Path("tasks") / f"{item.key}.yaml"
        if to is not None and item.key in home and not _of(to, home[item.key]):
            where = "、".join(f"{k} {v}" for k, v in zip(("督察", "整改方案"), home[item.key]) if v)
            issues.append(Issue(item.row, columns.get("number", ""),
                                f"任务编号 {item.key} 已被另一次督察或另一个方案的任务使用（{rel.as_posix()}：{where}）",
                                "每次督察的任务用自己的编号前缀：给 --id-prefix，例如 --id-prefix R3-"))
            plans.append(RowPlan(item.row, item.key, "refused", f"编号已属于 {where}"))
            continue
        if overwrite or not (content / rel).is_file():
            files[rel] = task_yaml(item, source)
            plans.append(RowPlan(item.row, item.key, "create"))
            continue
        target = inside(content, rel)
        job = TaskReimport(rel, target.read_bytes(), date, force, columns, "number" in columns)
        body = job.run(item, _progress(item, cells, progress_col), issues)
        plans.append(job.plan)
        if body is not None:
            files[rel] = body
    if not overwrite:
        for key in _missing(content, prefix, items, header, data, bad_rows):
            if to is not None and key in home and not _of(to, home[key]):
                continue  # a task of another inspection or plan
            plans.append(RowPlan(0, key, "missing", "表格中已没有这一项，文件中的任务原样保留"))
            notes.append(Issue(0, "", f"任务 {key} 在 tasks/{key}.yaml 中，但表格中已没有这一项：未删除，原样保留",
                               "若确属误删，在表格中补回该项；已公开的任务不会因再次导入而删除"))
    return files, plans


def _of(to: Target, home: tuple[str, str]) -> bool:
    """A task of ``home`` (inspection, plan) belongs to the target of the import."""
    return home[0] == to.inspection and (not to.plan or home[1] == to.plan)


def _progress(item: Item, cells: dict[int, list[Any]], col: int | None) -> Progress | None:
    """The task's progress as :func:`generator.commands.import_items.task_item` reads it (the texts of all its rows), or
    None when the table says nothing of it."""
    if col is None:
        return None
    texts = [(row, text(cells[row][col])) for row in item.rows if row in cells and col < len(cells[row])]
    found = [(row, t) for row, t in texts if t]
    if not found:
        return None
    note = "\n".join(unique([t for _, t in found]))
    parsed, _ = parse_progress(note)
    if not parsed or not parsed[0]:
        return None
    return Progress(parsed[0], parsed[1], note, found[0][0])


def _missing(content: Path, prefix: str, items: list[Item], header: Header,
             data: list[tuple[int, list[Any], str | None]], bad_rows: set[int]) -> list[str]:
    """Ids of the task files made by an import with this prefix (``prefix`` + two to four digits) that
    the table no longer has; a task left out for its problems (``--force``, ``--dry-run``) is not gone."""
    folder = content / "tasks"
    if not folder.is_dir():
        return []
    pattern = re.compile(rf"{re.escape(prefix)}([0-9]{{2,4}})")
    have = {i.key for i in items}
    skipped = _skipped_numbers(items, header, data, bad_rows)
    out = []
    for path in sorted(folder.glob("*.yaml")):
        m = pattern.fullmatch(path.stem)
        if m and f"{prefix}{int(m[1]):02d}" == path.stem and path.stem not in have and int(m[1]) not in skipped:
            out.append(path.stem)
    return out


class _Every:
    """Every number (a task list numbered by order whose last rows were left out: any id may be theirs)."""

    def __contains__(self, number: object) -> bool:
        return True


def _skipped_numbers(items: list[Item], header: Header, data: list[tuple[int, list[Any], str | None]],
                     bad_rows: set[int]) -> Any:
    """The task numbers of the rows left out for their problems."""
    if not bad_rows:
        return set()
    col = next((i for i, c in header.mapping.items() if c.key == "number"), None)
    if col is None:  # numbered by order: the gaps, and anything after the last task written
        numbers = sorted(int(v) for i in items for k, v in i.fields if k == "number" and v.isdigit())
        last_row = max((r for i in items for r in i.rows), default=0)
        if any(row > last_row for row in bad_rows):
            return _Every()
        return set(range(1, numbers[-1] + 1)) - set(numbers) if numbers else set()
    out = set()
    for row, cells, _ in data:
        if row in bad_rows and col < len(cells):
            value = ascii_digits(cells[col])
            if value.isdigit():
                out.add(int(value))
    return out


@dataclass
class TaskReimport:
    """One existing task file and the task of the table imported into it again."""

    rel: Path
    raw: bytes
    date: dt.date  # of the new history entry (--date)
    force: bool  # skip refused field changes, still record the progress
    columns: dict[str, str]  # the table's fields → their column, 「B列 督察反馈问题」
    numbered: bool  # the table has a 序号 column (else tasks are numbered by their order)
    plan: RowPlan = field(default_factory=lambda: RowPlan(0, "", "unchanged"))

    def run(self, item: Item, progress: Progress | None, issues: list[Issue]) -> str | None:
        """The file's new text, or None when it stays as it is (unchanged, or refused: see ``issues``)."""
        import yaml

        self.plan = RowPlan(item.row, item.key, "unchanged")
        name = self.rel.as_posix()
        try:
            body = self.raw.decode("utf-8")
            loader = yaml_loader()(body)
            try:
                root = loader.get_single_node()
                old = loader.construct_document(root) if root is not None else None
            finally:
                loader.dispose()
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            self._refuse(issues, Issue(item.row, "", f"{name} 无法读取（{shown(str(exc), 80)}），不能再次导入",
                                       "先运行 portal check 并改正该文件"), "文件无法读取")
            return None
        if not isinstance(root, yaml.MappingNode) or root.flow_style or not isinstance(old, dict):
            self._refuse(issues, Issue(item.row, "", f"{name} 不是逐行书写的任务（字段: 值），不能再次导入",
                                       "把任务文件写成每行一个字段"), "文件不是逐行书写的任务")
            return None
        new = item_values([item])[0]
        refused = self._fields(item, old, new, issues)
        change = self._change(item, old, progress, issues)
        if change is None:
            if refused:
                self.plan = RowPlan(item.row, item.key, "refused", "改写已公开的字段：" + "、".join(refused))
            return None
        entry, detail = change
        if refused and not self.force:
            self.plan = RowPlan(item.row, item.key, "refused", "改写已公开的字段：" + "、".join(refused) + f"（另有 {detail}）")
            return None
        edited = self._append(body, root, old, entry, item.row, issues)
        if edited is not None:
            skipped = "（--force：跳过改写已公开的字段：" + "、".join(refused) + "）" if refused else ""
            self.plan = RowPlan(item.row, item.key, "update", detail + skipped)
        return edited

    def _refuse(self, issues: list[Issue], issue: Issue, detail: str) -> None:
        issues.append(issue)
        self.plan = RowPlan(self.plan.row, self.plan.key, "refused", detail)

    # --- published fields ------------------------------------------------------------------------

    def _fields(self, item: Item, old: dict[str, Any], new: dict[str, Any], issues: list[Issue]) -> list[str]:
        """The labels of the published fields the table rewrites (each one an issue at its column)."""
        refused = []
        for key, label in FIELD_LABELS.items():
            column = next((self.columns[c] for c in FIELD_COLUMNS[key] if c in self.columns), None)
            if column is None or _same(old.get(key), new.get(key)):
                continue
            refused.append(label)
            hint = (f"如需更正请直接编辑 {self.rel.as_posix()}，或把表格中的这一格改回已公开的值；"
                    "给 --force 时跳过这项改动，只记录整改进展的变化")
            if not self.numbered:
                hint += "；表格没有“序号”列，任务按顺序编号：删除或插入一项会改变其后各项的编号，请加上“序号”列"
            issues.append(Issue(item.row, column, f"已公开的字段不能改写：{self.rel.as_posix()} 中任务 {item.key} 的“{label}”"
                                                  f"与表格不同（文件中：{shown(_plain(old.get(key)))}；"
                                                  f"表格中：{shown(_plain(new.get(key)))}）", hint))
        return refused

    # --- progress ----------------------------------------------------------------------------------

    def _change(self, item: Item, old: dict[str, Any], progress: Progress | None,
                issues: list[Issue]) -> tuple[dict[str, Any], str] | None:
        """The new history entry and its description, or None (no change, or a refused one)."""
        if progress is None:
            return None
        history = [h for h in (old.get("history") or []) if isinstance(h, dict)] if isinstance(old.get("history"), list) else []
        last = history[-1] if history else None
        current = _status(last.get("status")) if last else None
        before = (current, last.get("on_schedule") if last else None, str(last.get("note") or "") if last else "")
        status, on, note = progress.status, progress.on_schedule, progress.note
        published = {str(h.get("note") or "") for h in history}
        if current is None and status == "planned":
            return None  # an empty history is 未启动
        if current in FINISHED[1:] and status == "completed" and note in published:
            return None  # 完成交账销号 again: the table cannot say 已验收 or 已销号
        if current is not None and status == current and note == before[2] and (on is None or on == before[1]):
            return None
        allowed = FIRST_STATUSES if current is None else TRANSITIONS.get(str(current), set())
        column = self.columns.get("progress", "")
        if status not in allowed:
            issues.append(Issue(progress.row, column,
                                f"整改进展“{shown(note)}”读作“{_label(status, on)}”，但 {self.rel.as_posix()} 中任务 {item.key} "
                                f"现为“{_label(str(current), None)}”：内容规则不允许由“{_label(str(current), None)}”改为"
                                f"“{_label(status, None)}”", _transition_hint(str(current), self.rel)))
            self.plan = RowPlan(item.row, item.key, "refused", f"不允许的状态变化：{_label(str(current), None)} → "
                                                               f"{_label(status, None)}")
            return None
        dates = [d for h in history if isinstance(d := h.get("date"), dt.date)]
        if dates and self.date < max(dates):
            issues.append(Issue(progress.row, column, f"更新日期 {self.date.isoformat()} 早于任务 {item.key} 的上一条记录的日期 "
                                                      f"{max(dates).isoformat()}", "用 --date 给出不早于该日期的更新日期"))
            self.plan = RowPlan(item.row, item.key, "refused", "更新日期早于上一条记录")
            return None
        entry: dict[str, Any] = {"date": self.date, "status": status}
        if on is not None:
            entry["on_schedule"] = on
        entry["note"] = note
        details = []
        if current is None or status != current or (on is not None and on != before[1]):
            details.append(f"整改状态 {_label(str(current or 'planned'), before[1] if current else None)} → {_label(status, on)}")
        if note != before[2]:
            details.append(f"整改进展改为“{shown(note)}”")
        return entry, "；".join(details)

    # --- the text edit ----------------------------------------------------------------------------

    def _append(self, body: str, root: Any, old: dict[str, Any], entry: dict[str, Any], row: int,
                issues: list[Issue]) -> str | None:
        """``body`` with ``entry`` appended to its history, checked by reading it back."""
        import yaml

        nl = "\r\n" if "\r\n" in body else "\n"
        if not body.endswith("\n"):
            body += nl
        flow = history_entry(entry["date"], entry["status"], entry.get("on_schedule"), entry["note"])
        pair = next(((k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "history"), None)
        ups = pair[1] if pair else None
        if ups is None:
            at = last_content_line_end(body, root.end_mark.index)
            indent = " " * root.start_mark.column
            new = body[:at] + f"{indent}history:{nl}{indent}  - {flow}  # row {row}{nl}" + body[at:]
        elif isinstance(ups, yaml.SequenceNode) and ups.flow_style:
            close = ups.end_mark.index - 1
            tail = body[ups.start_mark.index + 1:close].rstrip()
            comma = ", " if ups.value and not tail.endswith(",") else ""
            new = body[:close] + comma + flow + body[close:]
        elif isinstance(ups, yaml.SequenceNode) and ups.value:
            at = last_content_line_end(body, ups.value[-1].end_mark.index)
            new = body[:at] + " " * ups.start_mark.column + f"- {flow}  # row {row}{nl}" + body[at:]
        elif pair and isinstance(ups, yaml.ScalarNode) and ups.value == "" and not ups.style:  # "history:" and nothing
            at = last_content_line_end(body, pair[0].end_mark.index)
            new = body[:at] + " " * (pair[0].start_mark.column + 2) + f"- {flow}  # row {row}{nl}" + body[at:]
        else:
            new = ""
        expected = dict(old, history=[*(old.get("history") or []), entry])
        try:
            ok = bool(new) and yaml.load(new, Loader=yaml_loader()) == expected
        except yaml.YAMLError:
            ok = False
        if not ok:
            issues.append(Issue(row, self.columns.get("progress", ""),
                                f"无法在 {self.rel.as_posix()} 的 history 末尾自动追加一条记录（该文件的写法不常见）",
                                f"在 {self.rel.as_posix()} 的 history 末尾手工追加：- {flow}"))
            self.plan = RowPlan(self.plan.row, self.plan.key, "refused", "无法自动追加 history 记录")
            return None
        return new


def _status(value: Any) -> str:
    """A status as written in a content file (整改中 is a synonym of in_progress)."""
    s = str(value)
    return label_synonyms(tuple(TASK_STATUS_LABELS)).get(s, s)


def _label(status: str, on_schedule: bool | None) -> str:
    label = TASK_STATUS_LABELS.get(status, status)
    if on_schedule is None:
        return label
    return label + ("（达到序时进度）" if on_schedule else "（未达到序时进度）")


def _transition_hint(current: str, rel: Path) -> str:
    name = rel.as_posix()
    allowed = "、".join(TASK_STATUS_LABELS[s] for s in sorted(TRANSITIONS.get(current, set())))
    if current == "closed":
        return (f"已销号的任务之后只能记为“重新整改”：如问题反弹，在 {name} 的 history 末尾手工追加一条 status: reopened 的记录"
                "并写明原因；否则把表格中的这一格改回")
    if current in ("completed", "accepted"):
        return (f"已完成的整改出现反弹时，先在 {name} 的 history 末尾追加一条 status: reopened 的记录（写明原因）再导入；"
                f"若是表格填错，改正这一格（此后允许的状态：{allowed}）")
    return f"此后允许的状态：{allowed}；若之前的记录有误，在 {name} 中追加一条带 correction: 理由 的记录"


def _same(old: Any, new: Any) -> bool:
    return bool(_norm(old) == _norm(new))


def _norm(value: Any) -> Any:
    if value in (None, "", [], {}):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [str(x).strip() for x in value]
    return value


def _plain(value: Any) -> str:
    """A value as a clerk reads it in a message."""
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value).strip()

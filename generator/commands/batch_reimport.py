"""Re-import of a complaint batch: a batch file that exists already gains history, never an edit.

The file is ``complaints/<batch>.yaml``, or ``complaints/<inspection>/<batch>.yaml`` in content of several
inspections (:func:`generator.commands.import_rounds.batch_file` says which).

Takes the file's text and the :class:`~generator.commands.import_items.Item`\\ s the table has for that
batch; gives the file's new text (:meth:`Reimport.run`), each row's
:class:`~generator.commands.import_write.RowPlan`, and refusals as
:class:`~generator.commands.import_sheet.Issue`\\ s. Each row whose 受理编号 is in the file is compared
with the complaint's current state: a changed 办结状态, or a 处理和整改情况 text not published yet,
becomes an ``updates`` entry dated ``--date``; the entry is added to the file's text (appended to its
``updates:`` list, or a new ``updates:`` block at the end of the item), so unchanged complaints and
comments stay byte-identical. New refs are appended; refs the table no longer has are reported and
kept; a changed published field is refused (``--force`` skips it). Tasks are re-imported likewise by
:mod:`generator.commands.task_reimport`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.commands.import_items import Item, item_values, last_content_line_end, q, yaml_loader
from generator.commands.import_layout import PENALTY_LABELS
from generator.commands.import_sheet import Issue
from generator.commands.import_write import RowPlan
from generator.errors import PortalError
from generator.load.text import shown
from generator.models import COMPLAINT_STATUS_LABELS

# the published fields of a complaint, as the clerk knows them: a re-import refuses to change them (only
# 办结状态 and 处理和整改情况 become an update entry)
FIELD_LABELS = {"channel": "受理方式", "region": "行政区域", "types": "污染类型", "summary": "交办问题基本情况",
                "priority": "是否重点件", "findings": "调查核实情况", "substantiated": "是否属实",
                "accountability": "责任追究情况", "penalties": "处理处罚", "extra": "其他信息"}


def _same(key: str, old: Any, new: Any) -> bool:
    if key == "region":
        old, new = ([x] if isinstance(x, str) else x for x in (old, new))
    if key == "priority":
        old, new = bool(old), bool(new)
    if key == "penalties":
        old, new = ({k: v for k, v in (x or {}).items() if v not in (None, 0)} for x in (old, new))
    empty: tuple[object, ...] = (None, "", [], {})  # an empty cell and a field not written are the same (0 is a value)
    return old == new or (any(old is e or old == e and type(old) is type(e) for e in empty)
                          and any(new is e or new == e and type(new) is type(e) for e in empty))


def _plain(value: Any) -> str:
    """A value as a clerk reads it in a message."""
    if value in (None, ""):
        return "（空）"
    if isinstance(value, list):
        return "、".join(map(str, value))
    if isinstance(value, dict):
        return "，".join(f"{PENALTY_LABELS.get(k, k)} {v}" for k, v in value.items())
    return str(value)


def _status_label(status: str) -> str:
    return COMPLAINT_STATUS_LABELS.get(status, status)


def _entry(day: dt.date, status: str, note: str, row: int) -> str:
    return f"{{date: {day.isoformat()}, status: {status}, note: {q(note)}}}  # row {row}"


@dataclass
class Reimport:
    """One existing batch file and the rows of a table imported into it again."""

    rel: Path
    body: str
    date: dt.date  # of the update entries (--date)
    force: bool  # skip refused field changes, still record the updates
    forwarded_on: dt.date | None = None  # the table's date (title or --forwarded-on), which must be the file's
    plans: list[RowPlan] = field(default_factory=list)
    inserts: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end of the text replaced or -1, new text)

    def run(self, items: list[Item], columns: dict[str, str], issues: list[Issue], notes: list[Issue],
            skipped: set[str] | None = None) -> str | None:
        """The file's new text (None when nothing changes); refusals go to ``issues``, missing refs to ``notes``
        (a ref in ``skipped``, a row left out for its problems, is not missing)."""
        import yaml

        if not self.body.endswith("\n"):
            self.body += "\n"
        try:
            loader = yaml_loader()(self.body)
            try:
                root = loader.get_single_node()
                raw = loader.construct_document(root) if root is not None else None
            finally:
                loader.dispose()
        except yaml.YAMLError as exc:
            issues.append(Issue(0, "", f"{self.rel.as_posix()} 无法读取（{shown(str(exc), 80)}），不能再次导入",
                                "先运行 portal check 并改正该文件"))
            return None
        seq = next((v for k, v in root.value if k.value == "complaints"), None) if isinstance(root, yaml.MappingNode) else None
        if not isinstance(raw, dict) or not isinstance(seq, yaml.SequenceNode) or (seq.flow_style and seq.value):
            issues.append(Issue(0, "", f"{self.rel.as_posix()} 的 complaints 不是逐行书写的列表，不能再次导入",
                                "把 complaints 写成每件一个 - 开头的块"))
            return None
        forwarded = raw.get("forwarded_on") if isinstance(raw.get("forwarded_on"), dt.date) else None
        if self.forwarded_on is not None and forwarded is not None and self.forwarded_on != forwarded:
            issues.append(Issue(0, "", f"表格的交办日期是 {self.forwarded_on.isoformat()}，{self.rel.as_posix()} 中却是 "
                                       f"{forwarded.isoformat()}", "已公开的交办日期不能改写；改正 --forwarded-on 或表格标题"))
        nodes = {str(c.get("ref", "")).lower(): (node, c) for node, c in zip(seq.value, raw.get("complaints") or [])
                 if isinstance(c, dict)}
        seen: set[str] = set()
        slow = [i for i in items if not (i.key.lower() in nodes and self._as_written(i, nodes[i.key.lower()][0], columns))]
        values = dict(zip((id(i) for i in slow), item_values(slow)))
        for item in items:
            key = item.key.lower()
            seen.add(key)
            if id(item) not in values:
                self.plans.append(RowPlan(item.row, item.key, "unchanged"))
            elif key in nodes:
                self._compare(item, values[id(item)], *nodes[key], forwarded, columns, issues)
            else:
                self.plans.append(RowPlan(item.row, item.key, "create"))
                self._append(seq, item)
        for key, (_, c) in nodes.items():
            if key not in seen and key not in (skipped or set()):
                ref = str(c.get("ref", ""))
                self.plans.append(RowPlan(0, ref, "missing", "表格中已没有这一件，文件中的记录原样保留"))
                notes.append(Issue(0, "", f"受理编号 {shown(ref)} 在 {self.rel.as_posix()} 中，但表格中已没有这一行：未删除，原样保留",
                                   "若确属误删，在表格中补回该行；已公开的投诉不会因再次导入而删除"))
        return self._apply() if self.inserts else None

    def _as_written(self, item: Item, node: Any, columns: dict[str, str]) -> bool:
        """The item's every line is in the file's text of that complaint, which has no updates and no field
        of the table's columns that the item lacks: unchanged (the common case of a weekly re-import; it
        needs no YAML reading)."""
        lines = {x.strip().removeprefix("- ") for x in self.body[node.start_mark.index:node.end_mark.index].splitlines()}
        keys = {x.split(":")[0] for x in lines}
        lacking = (keys & columns.keys() & set(FIELD_LABELS)) - {k for k, _ in item.fields}
        return "updates" not in keys and not lacking and all(f"{k}: {v}" in lines for k, v in item.fields)

    def _compare(self, item: Item, new: dict[str, Any], node: Any, old: dict[str, Any], forwarded: dt.date | None,
                 columns: dict[str, str], issues: list[Issue]) -> None:
        """Refuse changed published fields; record a changed status or handling text as an update entry
        (``columns``: the table's fields → their column, 「F列 调查核实情况」)."""
        import yaml

        refused: list[str] = []
        for key, label in FIELD_LABELS.items():
            if key in columns and not _same(key, old.get(key), new.get(key)):
                refused.append(label)
                issues.append(Issue(item.row, columns[key],
                                    f"已公开的字段不能改写：{self.rel.as_posix()} 中受理编号 {shown(item.key)} 的"
                                    f"“{label}”与表格不同（文件中：{shown(_plain(old.get(key)))}；"
                                    f"表格中：{shown(_plain(new.get(key)))}）",
                                    f"如需更正请直接编辑 {self.rel.as_posix()} 中的这一件，或把表格中的这一格改回已公开的值；"
                                    "给 --force 时跳过这项改动，只记录办结状态和处理情况的变化"))
        updates = [u for u in (old.get("updates") or []) if isinstance(u, dict)]
        last = updates[-1] if updates else {}
        status = last.get("status", old.get("status"))
        note = last.get("note", old.get("handling", "")) if updates else old.get("handling", "")
        changes = []
        if new.get("status") and new.get("status") != status:
            changes.append(f"办结状态 {_status_label(str(status))} → {_status_label(str(new['status']))}")
        recorded = {old.get("handling") or "", *(str(u.get("note") or "") for u in updates)}  # texts published already
        if "handling" in columns and new.get("handling") and new["handling"] not in recorded:
            changes.append(f"处理和整改情况改为“{shown(str(new['handling']))}”")
        if not changes:
            self.plans.append(RowPlan(item.row, item.key, "refused" if refused else "unchanged",
                                      "改写已公开的字段：" + "、".join(refused) if refused else ""))
            return
        dates = [d for d in (forwarded, *(u.get("date") for u in updates)) if isinstance(d, dt.date)]
        if dates and self.date < max(dates):
            issues.append(Issue(item.row, "", f"更新日期 {self.date.isoformat()} 早于受理编号 {shown(item.key)} 的上一日期 "
                                              f"{max(dates).isoformat()}", "用 --date 给出不早于该日期的更新日期"))
            self.plans.append(RowPlan(item.row, item.key, "refused", "更新日期早于上一日期"))
            return
        if refused and not self.force:
            self.plans.append(RowPlan(item.row, item.key, "refused", "改写已公开的字段：" + "、".join(refused)
                                      + "（另有 " + "；".join(changes) + "）"))
            return
        value = str(new.get("status") or status)
        self._update(node, _entry(self.date, value, str(new.get("handling") or note or ""), item.row), yaml)
        self.plans.append(RowPlan(item.row, item.key, "update", "；".join(changes)))

    def _update(self, node: Any, entry: str, yaml: Any) -> None:
        if node.flow_style:
            raise PortalError(f"{self.rel.as_posix()}:{node.start_mark.line + 1}: 这一件写在一行 {{…}} 中，不能自动追加 updates"
                              "\n    hint: 把它改写成逐行的字段后再导入")
        ups = next((v for k, v in node.value if k.value == "updates"), None)
        if isinstance(ups, yaml.SequenceNode) and ups.flow_style:
            close = ups.end_mark.index - 1
            self.inserts.append((close, -1, (", " if ups.value else "") + entry.split("  # row")[0]))
        elif isinstance(ups, yaml.SequenceNode) and ups.value:
            at = last_content_line_end(self.body, ups.value[-1].end_mark.index)
            self.inserts.append((at, -1, " " * ups.start_mark.column + "- " + entry + "\n"))
        else:
            at = last_content_line_end(self.body, node.end_mark.index)
            indent = " " * node.start_mark.column
            self.inserts.append((at, -1, f"{indent}updates:\n{indent}  - {entry}\n"))

    def _append(self, seq: Any, item: Item) -> None:
        dash = seq.start_mark.column if seq.value else 2
        lines = [" " * dash + f"# row {item.row}"]
        for i, (k, v) in enumerate(item.fields):
            lines.append(" " * dash + ("- " if i == 0 else "  ") + f"{k}: {v}")
        if seq.value:
            self.inserts.append((last_content_line_end(self.body, seq.end_mark.index), -1, "\n".join(lines) + "\n"))
            return
        if not any(end > 0 for _, end, _ in self.inserts if end == seq.end_mark.index):  # complaints: [] → a block list
            self.inserts.append((seq.start_mark.index, seq.end_mark.index, ""))
        eol = self.body.find("\n", seq.end_mark.index)  # after a comment on the line of `complaints: []`
        self.inserts.append((len(self.body) if eol < 0 else eol + 1, -1, "\n".join(lines) + "\n"))

    def _apply(self) -> str:
        body = self.body if self.body.endswith("\n") else self.body + "\n"
        out, pos = [], 0
        for start, end, piece in sorted(self.inserts, key=lambda x: x[0]):
            out.append(body[pos:max(pos, start)])
            out.append(piece)
            pos = max(pos, start, end)
        out.append(body[pos:])
        return "".join(out)

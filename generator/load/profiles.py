"""Import profiles (导入配置), read and checked: ``content/import-profiles/<name>.yaml`` → :class:`Profile`.

A profile tells ``portal import`` what the columns of a table layout its built-in knowledge
(:mod:`generator.load.import_vocab`) does not know are (docs/content-format.md): ``kind`` (complaints
or tasks), ``columns`` (table header → a built-in column name or field key, ``保留``/``keep``,
``不导入``/``ignore``, or ``待定``, not settled yet) and optionally ``values`` (column → cell text →
value). It is never published.

- :func:`check_profiles` takes the content folder's :class:`generator.load.reader.Loader` and checks
  every profile in it; the loader calls it, so ``portal check`` reports a broken profile like any
  content file (file:line, field, message, hint).
- :func:`read_profile` takes one file and gives its :class:`Profile`, or None when it has problems
  (added to the loader's collector). A column holding personal data
  (:data:`generator.load.import_vocab.PERSONAL`) may only be ``不导入``; a ``待定`` column is read as a
  rule of action "pending" (the import refuses it, the check does not).

Choosing the profile of an import, applying it to a table and drafting one are ``portal import``'s
part (:mod:`generator.commands.import_profile`, :func:`generator.commands.import_layout.header_map`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from generator.errors import Location, Problems
from generator.load import import_vocab as vocab
from generator.load.text import shown
from generator.models import CHANNEL_LABELS, COMPLAINT_STATUS_LABELS, TASK_STATUS_LABELS


class Loader(Protocol):
    """What reading a profile needs of the content loader (:class:`generator.load.reader.Loader`, which
    calls :func:`check_profiles`; a protocol, so that this module need not import the reader)."""

    problems: Problems

    def files(self, folder: str, suffix: str) -> list[Path]: ...
    def name(self, path: Path) -> str: ...
    def stem_id(self, path: Path) -> str | None: ...
    def read_yaml(self, path: Path, text: str | None = None) -> Any: ...


FOLDER = "import-profiles"
KINDS = ("complaints", "tasks")
KEEP = ("保留", "keep")
IGNORE = ("不导入", "ignore")
PENDING = "待定"
MAX_RULES = 200  # columns (a table has at most import_sheet.MAX_COLUMNS) and values of one column
MAX_LABEL = 100  # a column header kept as the label of an extra field
_TOP = ("kind", "columns", "values")
_ACTION_HINT = "写一个字段名（如 summary）或内置列名（如 交办问题基本情况）、“保留”（在页面“其他信息”下列出）或“不导入”"
_PERSONAL_HINT = ("含个人信息的列（联系人、电话、举报人等）只能写“不导入”：个人信息不得进入公开内容，"
                  "也不能“保留”到页面的“其他信息”中")


@dataclass(frozen=True)
class Rule:
    """What one column of the table is, by the profile."""

    column: str  # the header as the profile writes it
    action: str  # "field", "keep", "ignore" or "pending"
    key: str = ""  # the field ("field"); "number" is the 序号 column
    line: int = 0


@dataclass
class Profile:
    name: str  # as in messages: content/import-profiles/x.yaml
    kind: str
    rules: dict[str, Rule] = field(default_factory=dict)  # normalised header → rule
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # normalised column → cell text → value
    value_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # field key → cell text → value

    def values_for(self, header: str, key: str) -> dict[str, str]:
        """The value mapping of a table column (its normalised header, and the field it was mapped to)."""
        return self.values.get(header) or self.value_fields.get(key or "number") or {}


def norm(value: Any) -> str:
    return vocab.norm_header(value)


def label(value: Any) -> str:
    """A header as written, without line breaks (the label of a kept column): 「是否\\n回访」 → 是否回访."""
    return re.sub(r"\s*[\r\n]+\s*", "", "" if value is None else str(value)).strip()


def builtin_names(kind: str) -> dict[str, str]:
    """Every built-in header spelling and every field key of ``kind`` (normalised) → the field key."""
    out: dict[str, str] = {}
    for key, spellings in vocab.COLUMNS[kind].items():
        out.setdefault(norm(key), key)
        for s in spellings:
            out.setdefault(norm(s), key)
    return out


def _field_list(kind: str) -> str:
    return "、".join(f"{key}（{spellings[0]}）" for key, spellings in vocab.COLUMNS[kind].items())


def check_profiles(loader: Loader) -> None:
    """Check every profile under ``content/import-profiles/`` (called by the content loader)."""
    for path in loader.files(FOLDER, ".yaml"):
        read_profile(loader, path)


def read_profile(loader: Loader, path: Path, in_content: bool = True) -> Profile | None:
    """One profile file, checked; None when it has problems (they are added to ``loader.problems``).
    A file in the content folder is named like any content file (``in_content``)."""
    before = len(loader.problems.items)
    stem_ok = not in_content or loader.stem_id(path) is not None
    data = loader.read_yaml(path)
    if data is None and len(loader.problems.items) > before:
        return None
    profile = _build(loader.name(path), data, loader.problems)
    return profile if stem_ok and len(loader.problems.items) == before else None


def _build(name: str, data: Any, problems: Problems) -> Profile | None:
    def error(line: int, where: str, message: str, hint: str = "") -> None:
        problems.add(Location(name, line), where, message, hint)

    if not isinstance(data, dict):
        error(1, "", "导入配置应当是一个映射，含 kind、columns（和可选的 values）",
              "参照 docs/content-format.md 的“导入配置”一节，或用 portal import 文件 --kind complaints --draft-profile 生成")
        return None
    lines = getattr(data, "key_lines", {})
    for key, line in getattr(data, "duplicates", []):
        error(line, shown(key), "这一项写了两次", "只保留一个")
    for key in data:
        if key not in _TOP:
            error(lines.get(key, 1), shown(key), "导入配置没有这一项", "导入配置只有 kind、columns、values 三项")
    kind = data.get("kind")
    if kind not in KINDS:
        error(lines.get("kind", 1), "kind", f"'{shown(kind)}' 不是表格的种类" if "kind" in data else "缺少 kind",
              "写 kind: complaints（信访举报表）或 kind: tasks（整改任务清单），与 portal import 的 --kind 相同")
        return None
    profile = Profile(name, str(kind))
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        error(lines.get("columns", 1), "columns", "缺少 columns，或它不是“表头: 它是什么”的映射",
              "每列写一行，例如  信访件编号: 受理编号")
        return None
    _columns(profile, columns, error)
    values = data.get("values")
    if values is not None:
        _values(profile, values, lines.get("values", 1), error)
    return profile


def _columns(profile: Profile, columns: dict[Any, Any], error: Any) -> None:
    builtin = builtin_names(profile.kind)
    lines = getattr(columns, "key_lines", {})
    for key, line in getattr(columns, "duplicates", []):
        error(line, f"columns.{shown(key)}", "这一列写了两次", "只保留一个")
    if len(columns) > MAX_RULES:
        error(lines.get(next(iter(columns)), 1), "columns", f"导入配置最多写 {MAX_RULES} 列", "删除多余的列")
        return
    by_field: dict[str, str] = {}
    for column, action in columns.items():
        line = lines.get(column, 1)
        written = label(column) if isinstance(column, str) else str(column)
        where = f"columns.{shown(written)}"
        name = norm(written)
        if not name or len(written) > MAX_LABEL:
            error(line, where, "列名为空或过长" if not name else f"列名超过 {MAX_LABEL} 个字符", "照表格中的写法写出表头")
            continue
        if name in profile.rules:
            error(line, where, f"与第 {profile.rules[name].line} 行的“{shown(profile.rules[name].column)}”是同一列"
                               "（空格、换行、括号和单位不计）", "只保留一个")
            continue
        rule = _rule(written, action, line, builtin, where, error, profile.kind)
        if rule is None:
            continue
        if rule.action in ("field", "keep") and vocab.is_personal(name) and name not in builtin:
            error(line, where, f"此列含个人信息，不能{'导入为字段' if rule.action == 'field' else '“保留”'}",
                  _PERSONAL_HINT)
            continue
        if rule.action == "field":
            if rule.key in by_field:
                error(line, where, f"与“{shown(by_field[rule.key])}”对应同一个字段 {rule.key}",
                      "一个字段只能来自一列；另一列改为“保留”或“不导入”")
                continue
            by_field[rule.key] = written
        profile.rules[name] = rule


def _rule(written: str, action: Any, line: int, builtin: dict[str, str], where: str, error: Any, kind: str) -> Rule | None:
    if not isinstance(action, str) or not action.strip():
        error(line, where, f"没有写明此列是什么（写的是 {shown(action)}）" if action is not None else "没有写明此列是什么",
              _ACTION_HINT)
        return None
    text = action.strip()
    if text == PENDING:
        return Rule(written, "pending", "", line)
    if text.lower() in KEEP:
        return Rule(written, "keep", "", line)
    if text.lower() in IGNORE:
        return Rule(written, "ignore", "", line)
    key = builtin.get(norm(text))
    if key is None:
        error(line, where, f"“{shown(text)}”不是字段名或内置列名，也不是“保留”“不导入”", f"{_ACTION_HINT}；{kind} 的字段：{_field_list(kind)}")
        return None
    return Rule(written, "field", key, line)


# value targets checked when the profile is read (other fields are checked cell by cell by the import)
def _value_choices(kind: str) -> dict[str, tuple[dict[str, str], set[str]]]:
    """field → (internal value → label written instead, the values the import reads)."""
    if kind == "tasks":
        labels = {k: re.sub(r"（[^）]*）$", "", v) for k, v in TASK_STATUS_LABELS.items()}
        return {"progress": (labels, set())}
    return {
        "status": ({}, {*vocab.COMPLAINT_STATUS, *COMPLAINT_STATUS_LABELS}),
        "substantiated": ({}, set(vocab.SUBSTANTIATED)),
        "channel": (CHANNEL_LABELS, {*vocab.CHANNELS}),
        "priority": ({}, {k for k in vocab.PRIORITY if k}),
    }


def _values(profile: Profile, values: Any, line: int, error: Any) -> None:
    if not isinstance(values, dict):
        error(line, "values", "values 应当是“列: {表格中的写法: 门户的取值}”的映射", "例如  办结状态: {已结案: 已办结}")
        return
    builtin = builtin_names(profile.kind)
    choices = _value_choices(profile.kind)
    lines = getattr(values, "key_lines", {})
    for column, mapping in values.items():
        at = lines.get(column, line)
        written = label(column) if isinstance(column, str) else str(column)
        where = f"values.{shown(written)}"
        name = norm(written)
        rule = profile.rules.get(name)
        key = rule.key if rule is not None and rule.action == "field" else builtin.get(name, "")
        if rule is None and not key:
            error(at, where, f"“{shown(written)}”既不是 columns 中的列，也不是内置列名或字段名",
                  "values 的每一项以列名开头：写 columns 中的表头，或内置列名（如 办结状态）")
            continue
        if not isinstance(mapping, dict) or not mapping or len(mapping) > MAX_RULES:
            error(at, where, f"应当是“表格中的写法: 门户的取值”的映射（1–{MAX_RULES} 项）", "例如  已结案: 已办结")
            continue
        internal, allowed = choices.get(key, ({}, set()))
        table: dict[str, str] = {}
        item_lines = getattr(mapping, "key_lines", {})
        for cell, value in mapping.items():
            vline = item_lines.get(cell, at)
            cell_text = _scalar(cell)
            target = _scalar(value)
            if cell_text is None or target is None or not re.sub(r"\s", "", cell_text):
                error(vline, f"{where}.{shown(cell)}", "表格中的写法和门户的取值都应当是一段文字",
                      "例如  已结案: 已办结（是/否 等写法加引号也可以）")
                continue
            target = internal.get(target, target)
            if allowed and re.sub(r"\s", "", target) not in allowed:
                error(vline, f"{where}.{shown(cell_text)}", f"“{shown(target)}”不是此列可以取的值",
                      "可以写：" + "、".join(sorted(allowed, key=len)[:20]))
                continue
            table[re.sub(r"\s", "", cell_text)] = target
        if rule is not None:
            profile.values[name] = table
        else:
            profile.value_fields[key] = table


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    return None

"""Import profiles (导入配置): what ``portal import`` reads from a table layout its built-in
knowledge (:mod:`generator.commands.import_vocab`) does not know.

A profile is ``content/import-profiles/<name>.yaml`` (docs/content-format.md): ``kind`` (complaints or
tasks), ``columns`` (table header → a built-in column name or field key, ``保留``/``keep``,
``不导入``/``ignore``, or ``待定``, not settled yet) and optionally ``values`` (column → cell text → value).
It is never published; :func:`check_profiles` is called by the content loader, so ``portal check``
reports a broken profile like any content file (file:line, field, message, hint).

- :func:`read_profile` validates one file and returns a :class:`Profile` (problems go to the loader's
  collector). A column holding personal data (:data:`generator.commands.import_vocab.PERSONAL`) may only be
  ``不导入``.
- :func:`choose` picks the profile of an import: the one ``--profile`` names, else the profile of the
  same kind whose columns all appear in the table's header and that names the most columns (a tie is
  refused). An import with a ``待定`` column is refused, naming the profile, its line and the column.
- :func:`draft` (``portal import FILE --draft-profile``) writes a starting profile from the header:
  every column listed, each one the import could not place marked ``待定``.

How a profile is applied to the table is :func:`generator.commands.importer.header_map`'s part: a profile rule
wins over the built-in knowledge for the columns it names; ``values`` reach the row readers through
:attr:`generator.commands.importer.Col.values`; kept columns become the ``extra`` field of each item.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.commands import import_vocab as vocab
from generator.errors import Location, PortalError, Problem, Problems
from generator.load.reader import Loader
from generator.load.schema import ID_RE, path_name_problem, shown
from generator.models import CHANNEL_LABELS, COMPLAINT_STATUS_LABELS, TASK_STATUS_LABELS

if TYPE_CHECKING:
    from generator.commands.importer import Sheet

FOLDER = "import-profiles"
KINDS = ("complaints", "tasks")
KEEP = ("保留", "keep")
IGNORE = ("不导入", "ignore")
PENDING = "待定"
MAX_RULES = 200  # columns (a table has at most importer.MAX_COLUMNS) and values of one column
MAX_LABEL = 100  # a column header kept as the label of an extra field
PENDING_COMMENT = "# ← 未能识别：改为字段名、“保留”或“不导入”"
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


class ProfileProblems(PortalError):
    """Problems of an import profile, reported like content problems (file:line, field, message, hint)."""

    exit_code = 2

    def __init__(self, problems: list[Problem], tail: str = "未写入任何文件。"):
        self.problems = sorted(set(problems), key=Problem.sort_key)
        lines = [p.format() for p in self.problems]
        super().__init__("\n".join([*lines, f"导入配置有 {len(lines)} 处问题；{tail}"]))


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


# --- reading and checking ----------------------------------------------------------------------

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


# --- choosing the profile of an import ----------------------------------------------------------

def header_names(sheet: Sheet) -> list[set[str]]:
    """For each of the first ten rows, the normalised names in it and in the row below (a two-row header)."""
    rows = [{norm(x) for x in cells if norm(x)} for _, cells in sheet.rows[:11]]
    return [rows[k] | (rows[k + 1] if k + 1 < len(rows) else set()) for k in range(min(10, len(rows)))]


def _loader_for(content: Path, path: Path) -> tuple[Loader, bool]:
    """A loader whose messages name ``path`` under the content folder when it is there, else as given;
    and whether it is there."""
    try:
        if path.resolve().is_relative_to(content.resolve()):
            return Loader(content), True
    except OSError:
        pass
    return Loader(path.parent), False


def choose(sheet: Sheet, kind: str, content: Path, explicit: str | None = None) -> Profile | None:
    """The profile of this import (see the module docstring), or None; raise :class:`ProfileProblems`
    when the profile named, or any profile of the content folder, has problems, on a tie, and when the
    chosen profile has a column 待定."""
    if explicit:
        path = profile_path(content, explicit)
        loader, in_content = _loader_for(content, path)
        profile = read_profile(loader, path, in_content)
        if profile is None:
            raise ProfileProblems(loader.problems.items)
        if profile.kind != kind:
            raise ProfileProblems([Problem(Location(profile.name, 1), "kind", f"这是 {profile.kind} 的导入配置，本次导入的是 --kind {kind}",
                                           "用同一种表格的导入配置，或改正 --kind")])
        return _settled(profile)
    loader = Loader(content)
    profiles = [read_profile(loader, path) for path in loader.files(FOLDER, ".yaml")]
    if loader.problems:
        raise ProfileProblems(loader.problems.items, "先改正导入配置（portal check 也会列出这些问题）；未写入任何文件。")
    rows = header_names(sheet)
    fits = [p for p in profiles if p is not None and p.kind == kind and any(set(p.rules) <= names for names in rows)]
    if not fits:
        return None
    most = max(len(p.rules) for p in fits)
    best = [p for p in fits if len(p.rules) == most]
    if len(best) > 1:
        raise ProfileProblems([Problem(Location(p.name, 1), "columns",
                                       f"与 {' 和 '.join(q.name for q in best if q is not p)} 同样适用于 {sheet.name}（都写了 {most} 列，"
                                       "且这些列都在表头中），无法决定用哪一个",
                                       "用 --profile 指定其中一个，或删除、合并重复的导入配置") for p in best])
    return _settled(best[0])


def _settled(profile: Profile) -> Profile:
    pending = [Problem(Location(profile.name, r.line), f"columns.{shown(r.column)}", "此列尚未确定（待定），不能导入",
                       "把“待定”改为字段名或内置列名（如 ref 或 受理编号）、“保留”或“不导入”后再导入；"
                       "字段名见 docs/content-format.md 的 import-profiles 一节")
               for r in profile.rules.values() if r.action == "pending"]
    if pending:
        raise ProfileProblems(pending)
    return profile


def profile_path(content: Path, given: str) -> Path:
    """``--profile``: a path, or a name in content/import-profiles/ (with or without .yaml)."""
    candidates = [Path(given)]
    if "/" not in given and os.sep not in given:
        stem = given.removesuffix(".yaml")
        candidates.append(content / FOLDER / f"{stem}.yaml")
    for path in candidates:
        if path.is_file():
            return path
    raise ProfileProblems([Problem(Location(given), "--profile", "找不到这个导入配置文件",
                                   f"写导入配置的路径，或 {content.as_posix()}/{FOLDER}/ 中的文件名（不带 .yaml 也可以）；"
                                   "没有时可用 --draft-profile 生成")])


# --- drafting ----------------------------------------------------------------------------------

@dataclass
class Draft:
    path: Path
    columns: int
    pending: int


def draft_name(source: Path, kind: str) -> str:
    """The file name of a draft: the table's stem when it is a valid id, else its ASCII part (or the
    kind) and a short digest of the stem, so that different tables get different drafts."""
    stem = source.stem
    if ID_RE.fullmatch(stem) and path_name_problem(stem) is None:
        return stem
    ascii_part = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9-]", "-", stem)).strip("-")[:40] or kind
    return f"{ascii_part}-{hashlib.sha256(stem.encode('utf-8')).hexdigest()[:8]}"


def _key(text: str) -> str:
    """A header as a YAML key: plain when it is safe to be, else double-quoted."""
    import json

    if re.fullmatch(r"[\u3400-\u9fff\uf900-\ufaff][^:#'\"\\{}\[\],&*!|>%@`]*", text) and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def draft(source: Path, kind: str, content: Path, name: str | None = None) -> Draft:
    """Write ``content/import-profiles/<name>.yaml`` from the header of ``source`` (see the module
    docstring); refuse, writing nothing, when that file exists."""
    from generator.commands import importer

    if name is not None:
        stem = name.removesuffix(".yaml")
        if not ID_RE.fullmatch(stem) or path_name_problem(stem) is not None:
            raise ProfileProblems([Problem(Location(name), "--profile", "导入配置的文件名只能由字母 A-Z a-z、数字 0-9 和 - 组成",
                                           "例如 --profile shi-laixin（写入 import-profiles/shi-laixin.yaml）")])
    else:
        stem = draft_name(source, kind)
    rel = Path(FOLDER) / f"{stem}.yaml"
    target = importer.inside(content, rel)
    if os.path.lexists(target):
        raise PortalError(f"{content.as_posix()}/{rel.as_posix()} 已存在，未写入任何文件\n"
                          "    hint: 导入配置已经有了：改好其中的“待定”后直接导入即可；要重新生成，先删除或改名该文件，"
                          "或用 --profile 名称 写到另一个文件")
    sheet = importer.read_sheet(source)
    columns = importer.COMPLAINT_COLUMNS if kind == "complaints" else importer.TASK_COLUMNS
    header = importer.header_map(sheet, kind, columns, [])
    labels = header.labels or _fallback_labels(sheet)
    if not labels:
        raise PortalError(f"{sheet.name}: 前 10 行中找不到表头，未写入任何文件\n"
                          "    hint: 表头行应当有至少两个不同的列名")
    known = {norm(n): c for c in columns for n in (c.header, *c.aliases)}
    ignored = {norm(n): why for n, why in vocab.IGNORED[kind].items()}
    lines = [f"# {sheet.name} 的导入配置（portal import --draft-profile 生成）",
             "# 每一列写明它是什么：字段名或内置列名、“保留”（在该件页面的“其他信息”下列出）或“不导入”。",
             f"# 改完全部“{PENDING}”后再导入；以后导入同样表头的表格时自动使用本配置。说明见 docs/import.md 第六步。",
             f"kind: {kind}", "columns:"]
    seen: set[str] = set()
    pending = 0
    for _, text in sorted(labels.items()):
        n = norm(text)
        if not n or n in seen:
            continue
        seen.add(n)
        if n in known:
            line = f"{known[n].header}  # 已识别"
        elif vocab.is_personal(n):
            line = "不导入  # 含个人信息，只能“不导入”"
        elif n in ignored:
            line = f"不导入  # 按规则不导入：{ignored[n]}"
        else:
            line = f"{PENDING}  {PENDING_COMMENT}"
            pending += 1
        lines.append(f"  {_key(text)}: {line}")
    body = "\n".join(lines) + "\n"
    importer.write_files(content, {rel: target}, {rel: body})
    return Draft(content / rel, len(seen), pending)


def _fallback_labels(sheet: Sheet) -> dict[int, str]:
    """The header of a table naming fewer than two known columns: the row among the first ten with the
    most distinct names (a title merged across all columns has one)."""
    best: dict[int, str] = {}
    for _, cells in sheet.rows[:10]:
        found = {i: label(x) for i, x in enumerate(cells) if norm(x)}
        if len({norm(x) for x in found.values()}) > len({norm(x) for x in best.values()}):
            best = found
    return best if len({norm(x) for x in best.values()}) >= 2 else {}

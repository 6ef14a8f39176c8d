"""Import profiles (导入配置) in ``portal import``: choosing the profile of an import, and drafting one.

Reading and checking a profile file is the load stage's part (:mod:`generator.load.profiles`, which
also documents the format); this module takes the table being imported (a
:class:`generator.commands.import_sheet.Sheet`) and the content folder, and gives the :class:`Profile` to
apply, or writes a draft:

- :func:`choose` picks the profile of an import: the one ``--profile`` names, else the profile of the
  same kind whose columns all appear in the table's header and that names the most columns (a tie is
  refused). An import with a ``待定`` column is refused, naming the profile, its line and the column.
  Problems are raised as :class:`ProfileProblems`.
- :func:`draft` (``portal import FILE --draft-profile``) writes a starting profile from the header:
  every column listed, each one the import could not place marked ``待定``.

How a profile is applied to the table is :func:`generator.commands.import_layout.header_map`'s part: a profile rule
wins over the built-in knowledge for the columns it names; ``values`` reach the row readers through
:attr:`generator.commands.import_layout.Col.values`; kept columns become the ``extra`` field of each item.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from generator.commands.import_layout import COMPLAINT_COLUMNS, TASK_COLUMNS, header_map
from generator.commands.import_sheet import Sheet, read_sheet
from generator.commands.import_write import inside, write_files
from generator.errors import Location, PortalError, Problem
from generator.load import import_vocab as vocab
from generator.load.profiles import FOLDER, PENDING, Profile, label, norm, read_profile
from generator.load.reader import Loader
from generator.load.schema import ID_RE, path_name_problem
from generator.load.text import shown

PENDING_COMMENT = "# ← 未能识别：改为字段名、“保留”或“不导入”"


class ProfileProblems(PortalError):
    """Problems of an import profile, reported like content problems (file:line, field, message, hint)."""

    exit_code = 2

    def __init__(self, problems: list[Problem], tail: str = "未写入任何文件。"):
        self.problems = sorted(set(problems), key=Problem.sort_key)
        lines = [p.format() for p in self.problems]
        super().__init__("\n".join([*lines, f"导入配置有 {len(lines)} 处问题；{tail}"]))


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
    if name is not None:
        stem = name.removesuffix(".yaml")
        if not ID_RE.fullmatch(stem) or path_name_problem(stem) is not None:
            raise ProfileProblems([Problem(Location(name), "--profile", "导入配置的文件名只能由字母 A-Z a-z、数字 0-9 和 - 组成",
                                           "例如 --profile shi-laixin（写入 import-profiles/shi-laixin.yaml）")])
    else:
        stem = draft_name(source, kind)
    rel = Path(FOLDER) / f"{stem}.yaml"
    target = inside(content, rel)
    if os.path.lexists(target):
        raise PortalError(f"{content.as_posix()}/{rel.as_posix()} 已存在，未写入任何文件\n"
                          "    hint: 导入配置已经有了：改好其中的“待定”后直接导入即可；要重新生成，先删除或改名该文件，"
                          "或用 --profile 名称 写到另一个文件")
    sheet = read_sheet(source)
    columns = COMPLAINT_COLUMNS if kind == "complaints" else TASK_COLUMNS
    header = header_map(sheet, kind, columns, [])
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
    write_files(content, {rel: target}, {rel: body})
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

"""Checking and writing the result of ``portal import``: the files an import makes → checked, then written.

Takes the content folder and the files (path relative to it → text); :func:`check_result` checks the
content exactly like ``portal check`` as it would be with them: read with the new files in their place
(``load.read(overrides=…)``, no copy), and only when that adds problems checked again in a temporary
copy, where each problem in an imported file is reported at the item's row and column of the sheet
(:class:`Located`, from the ``# row N`` comments the import writes); it raises and nothing is written.
:func:`write_files` writes them all or none (each next to its target, then renamed into place), every
path checked by :func:`inside` to resolve inside the content folder. :class:`RowPlan` is what happens
to one row, as ``--dry-run`` prints it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.check.rules import check
from generator.commands.import_layout import Col, columns_of
from generator.commands.import_sheet import Issue
from generator.errors import PortalError, Problem, Problems
from generator.load.reader import read


@dataclass
class RowPlan:
    """What an import does (or a --dry-run would do) with one row or one item."""

    row: int
    key: str
    action: str  # "create", "replace" (--overwrite), "update", "unchanged", "refused", "missing"
    detail: str = ""

    def format(self, name: str) -> str:
        label = {"create": "新建", "replace": "替换（--overwrite）", "update": "更新", "unchanged": "不变", "refused": "拒绝", "missing": "表中已无"}[self.action]
        where = f"{name}:{self.row}" if self.row else name
        return f"{where}: {label}" + (f" {self.key}" if self.key else "") + (f"：{self.detail}" if self.detail else "")


def inside(content: Path, rel: Path) -> Path:
    """``content / rel``, which must stay inside the content folder however its folders are linked."""
    root = content.resolve()
    target = (content / rel).resolve()
    if rel.is_absolute() or ".." in rel.parts or not target.is_relative_to(root) or target == root:
        raise PortalError(f"{content / rel} 不在内容文件夹 {content} 之内（经由 .. 或符号链接指向别处）；未写入任何文件\n"
                          f"    hint: 让 {content}/{rel.parts[0] if rel.parts else ''} 成为内容文件夹中的普通文件夹")
    return target


def write_files(content: Path, targets: dict[Path, Path], files: dict[Path, str]) -> list[Path]:
    """Write every file next to its target first, then rename them all into place, so that a full disk
    leaves no half-written file; on an OS error remove what was made and let the error reach the CLI,
    which names the path."""
    made: list[Path] = []
    try:
        staged = []
        for rel, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.import-tmp")
            made.append(tmp)
            tmp.write_text(files[rel], encoding="utf-8")
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError:
        for tmp in made:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
        raise
    return [content / rel for rel in targets]


@dataclass(frozen=True)
class Located:
    """Leads a problem that ``portal check`` finds in an imported file back to the sheet's row and column."""

    kind: str
    mapping: dict[int, Col]

    def row(self, body: str, line: int) -> int:
        """The row noted in the comment (``# row N`` or ``…, row N``) at or above ``line`` of the file."""
        found = 0
        for number, text_line in enumerate(body.splitlines()[:max(line, 1)], start=1):
            m = re.search(r"# (?:imported .*, )?row ([0-9]+)$", text_line)
            if m:
                found = int(m[1])
        return found

    def column(self, field_path: str) -> str:
        names = re.findall(r"[A-Za-z_]+", re.sub(r"^complaints\[[0-9]+\]\.?", "", field_path))
        if not names:
            return ""
        key = names[1] if names[0] == "penalties" and len(names) > 1 else names[0]
        if key == "updates":  # an update entry is made of the 办结状态 and the handling text
            key = "status" if names[1:2] == ["status"] else "handling"
        where = columns_of(self.mapping)
        alias = {"id": "number", "history": "progress"}.get(key, key)
        for candidate in (alias, {"title": "problem", "regions": "responsible_units", "channel": "ref"}.get(alias, "")):
            if candidate in where:
                return where[candidate]
        return ""


def check_result(content: Path, files: dict[Path, str], as_of: dt.date, name: str, located: Located) -> None:
    """Check the content as it would be with the new files, read in their place (nothing is written or
    copied); when that adds problems to those the content has now, :func:`_check_in_copy` finds them again
    in a copy of the content and reports them at their rows. A clean import costs one more reading of the
    content, not two and a copy."""
    after = _problem_texts(*read(content, overrides={rel.as_posix(): body for rel, body in files.items()}), as_of)
    if after and not after.keys() <= _problem_texts(*read(content), as_of).keys():
        _check_in_copy(content, files, as_of, name, located)


def _problem_texts(loaded: Any, found: Problems, as_of: dt.date) -> dict[str, Problem]:
    """Every problem of loaded content (what ``read`` found, and the checks), by its text."""
    items = list(found.items)
    if loaded is not None:
        items += check(loaded, as_of).items
    return {p.format(): p for p in items}


def _check_in_copy(content: Path, files: dict[Path, str], as_of: dt.date, name: str, located: Located) -> None:
    """Run the content checks on a copy of the content with the new files; report only problems that the
    import adds (problems the content already had are not the import's), those in the imported files at
    their row and column. The copy has the content folder's name, so a problem reads the same in both."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / content.name
        shutil.copytree(content, copy, symlinks=True, copy_function=_copy_regular)
        before = _problem_texts(*read(copy), as_of)
        for rel, body in files.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_text(body, encoding="utf-8")
        after = _problem_texts(*read(copy), as_of)
        prefix = len(copy.parent.as_posix()) + 1
        by_file = {(Path(content.name) / rel).as_posix(): (rel, body) for rel, body in files.items()}
        issues: list[Issue] = []
        elsewhere: list[str] = []
        for text_, problem in sorted(after.items()):
            if text_ in before:
                continue
            file = problem.location.file
            file = file[prefix:] if file.startswith(copy.parent.as_posix() + "/") else file
            if file in by_file:
                rel, body = by_file[file]
                row = located.row(body, problem.location.line)
                issues.append(Issue(row, located.column(problem.field),
                                    f"导入后 portal check 发现：{problem.message}（{content.as_posix()}/{rel.as_posix()}:"
                                    f"{problem.location.line} {problem.field}）", problem.hint))
            else:
                elsewhere.append(text_.replace(f"{content.name}/", f"{content.as_posix()}/", 1))
    if issues or elsewhere:
        lines = [*(i.format(name) for i in sorted(issues, key=lambda i: (i.row, i.column, i.message))), *elsewhere]
        raise PortalError("\n".join([*lines, (f"导入后的内容中有 {len(lines)} 处问题（行号见文件中的注释）；"
                                                f"{name} 的内容未写入任何文件。")]))


def _copy_regular(source: str, target: str) -> None:
    """Copy a regular file; anything else (a FIFO, a device) is left out of the copy, never opened."""
    if stat.S_ISREG(os.lstat(source).st_mode):
        shutil.copy2(source, target)

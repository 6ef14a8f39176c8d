"""``portal import``: complaint tables and task lists, as provinces keep them in spreadsheets, into content files.

Reads .xlsx (openpyxl, the first sheet) and .csv (UTF-8, with or without BOM, else GBK/GB18030,
detected). The header row is the first of the first ten rows that names the key column (受理编号 for
complaints, 序号 for tasks); rows above it (a table title) and empty rows are skipped. Column names
are compared without spaces and brackets (罚款金额（万元） = 罚款金额万元).

Every problem — an unknown or missing column, a region name not in regions.yaml, a bad value — is
reported with its row and column (``file.xlsx:5: E列 行政区域: …``), and nothing is written. With
``--force`` the rows without problems are written and the rows with problems are left out (and listed).
The result is then checked exactly like ``portal check`` (in a temporary copy of the content folder)
before anything is written; an existing file is never replaced unless ``--overwrite`` is given.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, get_args

from .errors import ContentError, PortalError
from .models import COMPLAINT_STATUS_LABELS, PollutionType, Region, Substantiated

SEPARATORS = re.compile(r"[、，,；;/／\n]+")


@dataclass(frozen=True)
class Issue:
    row: int  # 1-based row of the sheet (0: the file as a whole)
    column: str  # "E列 行政区域", or ""
    message: str
    hint: str = ""

    def format(self, name: str) -> str:
        where = f"{name}:{self.row}" if self.row else name
        text = f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        return text + (f"\n    hint: {self.hint}" if self.hint else "")


class ImportProblems(PortalError):
    exit_code = 2

    def __init__(self, name: str, issues: list[Issue], tail: str):
        self.lines = [i.format(name) for i in sorted(issues, key=lambda i: (i.row, i.column, i.message))]
        super().__init__("\n".join([*self.lines, tail]))


@dataclass
class Sheet:
    name: str
    encoding: str  # "xlsx", "utf-8", "gb18030"
    rows: list[tuple[int, list[Any]]]  # (row number, cells)


def read_sheet(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise PortalError(f"{path}: cannot read this .xlsx file ({type(exc).__name__}: {exc})") from None
        try:
            sheet = book.worksheets[0]
            rows = [(i, list(r)) for i, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
        finally:
            book.close()
        return Sheet(path.name, "xlsx", rows)
    if suffix == ".csv":
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            text, encoding = raw[3:].decode("utf-8", errors="strict"), "utf-8"
        else:
            try:
                text, encoding = raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                try:
                    text, encoding = raw.decode("gb18030"), "gb18030"
                except UnicodeDecodeError:
                    raise PortalError(f"{path}: neither UTF-8 nor GBK text; save it as CSV UTF-8") from None
        rows = [(i, list(r)) for i, r in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
        return Sheet(path.name, encoding, rows)
    raise PortalError(f"{path}: import reads .xlsx and .csv files (save an .xls as .xlsx first)")


def norm_header(value: Any) -> str:
    return re.sub(r"[\s()（）\[\]【】]", "", str(value or ""))


def col_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- region names ----------------------------------------------------------------------------

class RegionNames:
    def __init__(self, regions: list[Region]):
        self.regions = regions
        by_code = {r.code: r for r in regions}
        self.names: dict[str, list[str]] = {}
        for r in regions:
            keys = {r.name}
            parent = by_code.get(r.parent)
            if parent and r.name.startswith(parent.name) and len(r.name) > len(parent.name):
                keys.add(r.name[len(parent.name):])  # 江川市河口县 is also written 河口县
            for k in keys:
                self.names.setdefault(k, []).append(r.code)
        self.roots = [r.code for r in regions if not r.parent]

    def lookup(self, name: str) -> tuple[Optional[str], str]:
        """(code, "") or (None, why)."""
        name = re.sub(r"\s", "", name)
        if re.fullmatch(r"\d{6}", name) and any(r.code == name for r in self.regions):
            return name, ""
        codes = self.names.get(name)
        if not codes:  # 江川省江川市河口县: the longest known name it ends with
            ends = sorted((k for k in self.names if name.endswith(k)), key=len, reverse=True)
            codes = self.names[ends[0]] if ends else None
        if not codes:
            return None, f"'{name}' is not a region in regions.yaml"
        if len(codes) > 1:
            return None, f"'{name}' matches several regions ({', '.join(sorted(codes))}); write the full name or the code"
        return codes[0], ""

    def within(self, units: list[str]) -> list[str]:
        """Regions named inside unit names (南溪市溪口县人民政府 → 溪口县), the most specific ones."""
        found: dict[str, int] = {}
        for unit in units:
            for key, codes in self.names.items():
                if len(codes) == 1 and key in unit:
                    found[codes[0]] = max(found.get(codes[0], 0), len(key))
        by_code = {r.code: r for r in self.regions}
        parents = {by_code[c].parent for c in found if c in by_code}
        return sorted(c for c in found if c not in parents)


# --- value parsers: (value, "") or (None, message) --------------------------------------------

def parse_date(value: Any) -> tuple[Optional[dt.date], str]:
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    s = text(value)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?前?", s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), ""
        except ValueError:
            return None, f"'{s}' is not a real date"
    return None, f"'{s}' is not a date (write 2023-12-31)"


def parse_deadline(value: Any) -> tuple[Any, str]:
    """A date, a year (int), 长期坚持 or 立行立改, as the content format writes them."""
    s = re.sub(r"\s", "", text(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return parse_date(value)
    if s in ("长期坚持", "立行立改"):
        return s, ""
    m = re.fullmatch(r"(\d{4})年?(?:年底|底|12月底)?前?", s)
    if m and (s.endswith(("底", "底前", "年", "年前")) or s.isdigit()):
        return int(m[1]), ""
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月底?前?", s)
    if m and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        return dt.date(y, mo, calendar.monthrange(y, mo)[1]), ""
    day, _ = parse_date(s)
    if day:
        return day, ""
    return None, f"'{s}' is not a deadline"


PROGRESS = [  # (words in 整改进展, status, on_schedule); first match wins
    ("未达到序时进度", "in_progress", False),
    ("达到序时进度", "in_progress", True),
    ("长期坚持", "ongoing", None),
    ("未完成", "in_progress", None),
    ("已完成", "completed", None),
    ("完成整改", "completed", None),
    ("整改中", "in_progress", None),
    ("推进中", "in_progress", None),
    ("正在整改", "in_progress", None),
    ("序时推进", "in_progress", True),
    ("未启动", "planned", None),
]


def parse_progress(value: Any) -> tuple[Any, str]:
    s = text(value)
    if not s:
        return ("", None), ""
    if "销号" in s or "已验收" in s:
        return None, f"'{s}': acceptance and close-out are recorded in the task file after import (they need a notice)"
    for words, status, on_schedule in PROGRESS:
        if words in s:
            return (status, on_schedule), ""
    return None, f"'{s}' does not say the task's progress (已完成, 达到序时进度, 未达到序时进度, 整改中, 长期坚持, 未启动)"


# --- columns -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    header: str
    key: str
    required: bool = False
    aliases: tuple[str, ...] = ()


COMPLAINT_COLUMNS = [
    Col("受理编号", "ref", True),
    Col("交办问题基本情况", "summary", True, ("问题基本情况", "举报内容")),
    Col("行政区域", "region", True, ("所属区域", "所在地区")),
    Col("污染类型", "types", True),
    Col("调查核实情况", "findings"),
    Col("是否属实", "substantiated"),
    Col("处理和整改情况", "handling", aliases=("处理整改情况",)),
    Col("责任追究情况", "accountability"),
    Col("办结状态", "status", True),
    Col("序号", "", aliases=("编号",)),
    Col("受理方式", "channel", aliases=("来源", "举报方式")),
    Col("重点关注", "priority"),
    Col("责令整改家次", "orders", aliases=("责令整改",)),
    Col("罚款金额万元", "fines_wan_yuan", aliases=("罚款金额", "罚款万元")),
    Col("立案处罚件", "cases", aliases=("立案处罚", "立案处罚家")),
    Col("约谈人次", "interviews", aliases=("约谈",)),
    Col("问责人次", "accountable_persons", aliases=("问责", "问责人数")),
]
TASK_COLUMNS = [
    Col("序号", "number", True),
    Col("督察反馈问题", "problem", True, ("反馈问题", "问题")),
    Col("整改目标", "target"),
    Col("整改措施", "measures"),
    Col("责任单位", "responsible_units", True),
    Col("督导单位", "supervising_units"),
    Col("验收销号单位", "acceptance_unit", aliases=("验收单位",)),
    Col("整改时限", "deadline", True),
    Col("整改进展", "progress", aliases=("整改进展情况", "进展情况")),
    Col("任务名称", "title", aliases=("标题",)),
    Col("涉及地区", "regions", aliases=("行政区域",)),
]
CHANNELS = {"来电": "phone", "电话": "phone", "来信": "letter", "信件": "letter", "网络": "online", "网上": "online"}
REF_CHANNEL = {"D": "phone", "X": "letter", "W": "online"}
STATUS_BY_LABEL = {label: key for key, label in COMPLAINT_STATUS_LABELS.items()}


def header_map(sheet: Sheet, columns: list[Col], issues: list[Issue]) -> tuple[int, dict[int, Col]]:
    """(header row number, column position → Col)."""
    known = {norm_header(n): c for c in columns for n in (c.header, *c.aliases)}
    key_col = next(c for c in columns if c.required)
    for row, cells in sheet.rows[:10]:
        if norm_header(key_col.header) in [norm_header(x) for x in cells]:
            mapping: dict[int, Col] = {}
            for i, cell in enumerate(cells):
                name = norm_header(cell)
                if not name:
                    continue
                col = known.get(name)
                if col is None:
                    issues.append(Issue(row, f"{col_letter(i)}列", f"unknown column '{text(cell)}'",
                                        "known columns: " + "、".join(c.header for c in columns)))
                elif col in mapping.values():
                    issues.append(Issue(row, f"{col_letter(i)}列", f"column '{col.header}' appears twice"))
                else:
                    mapping[i] = col
            for c in columns:
                if c.required and c not in mapping.values():
                    issues.append(Issue(row, "", f"missing column '{c.header}'"))
            return row, mapping
    issues.append(Issue(0, "", f"no header row with '{key_col.header}' in the first 10 rows"))
    return 0, {}


@dataclass
class Item:
    row: int
    key: str  # complaint ref or task id
    fields: list[tuple[str, str]] = field(default_factory=list)  # (YAML key, YAML value text)


def q(value: str) -> str:
    """A YAML scalar: JSON's double-quoted strings are valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def qlist(values: list[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


class RowReader:
    def __init__(self, row: int, cells: list[Any], mapping: dict[int, Col], issues: list[Issue]):
        self.row, self.issues = row, issues
        self.values = {c.key: (i, cells[i] if i < len(cells) else None) for i, c in mapping.items() if c.key}
        self.cols = {c.key: (i, c) for i, c in mapping.items()}
        self.ok = True

    def raw(self, key: str) -> Any:
        return self.values.get(key, (0, None))[1]

    def get(self, key: str) -> str:
        return text(self.raw(key))

    def bad(self, key: str, message: str, hint: str = "") -> None:
        i, c = self.cols[key]
        self.issues.append(Issue(self.row, f"{col_letter(i)}列 {c.header}", message, hint))
        self.ok = False

    def parse(self, key: str, parser: Callable[[Any], tuple[Any, str]], hint: str = "") -> Any:
        value, why = parser(self.raw(key))
        if why:
            self.bad(key, why, hint)
        return value

    def require(self, key: str) -> str:
        value = self.get(key)
        if not value and key in self.cols:
            self.bad(key, "empty, but required")
        return value


def complaint_item(r: RowReader, regions: RegionNames) -> Item:
    ref = r.require("ref")
    if ref and not re.fullmatch(r"[A-Za-z0-9-]+", ref):
        r.bad("ref", f"'{ref}' is not a valid reference number (letters, digits and - only)")
    item = Item(r.row, ref)
    channel = ""
    if r.get("channel"):
        channel = CHANNELS.get(r.get("channel"), "")
        if not channel:
            r.bad("channel", f"'{r.get('channel')}' is not 来电, 来信 or 网络")
    elif ref:
        channel = REF_CHANNEL.get(ref[0].upper(), "")
        if not channel:
            r.bad("ref", f"cannot tell from '{ref}' whether it came by phone (D…), letter (X…) or online (W…)",
                  "add a column 受理方式 with 来电, 来信 or 网络")
    codes = []
    for name in SEPARATORS.split(r.require("region")):
        if name.strip():
            code, why = regions.lookup(name)
            if why:
                r.bad("region", why, "add the region to regions.yaml or correct the name")
            elif code not in codes:
                codes.append(code)
    types = [t.strip() for t in SEPARATORS.split(r.require("types")) if t.strip()]
    for t in types:
        if t not in get_args(PollutionType):
            r.bad("types", f"'{t}' is not a pollution type", "one or more of: " + "、".join(get_args(PollutionType)))
    summary = r.require("summary")
    status_text = r.require("status")
    status = STATUS_BY_LABEL.get(status_text, status_text if status_text in COMPLAINT_STATUS_LABELS else "")
    if status_text and not status:
        r.bad("status", f"'{status_text}' is not 已办结, 阶段性办结 or 正在办理")
    subst = r.get("substantiated")
    if subst and subst not in get_args(Substantiated):
        r.bad("substantiated", f"'{subst}' is not 属实, 基本属实, 部分属实 or 不属实")
    item.fields += [("ref", ref), ("channel", channel), ("region", qlist(codes)), ("types", qlist(types)),
                    ("summary", q(summary)), ("status", status)]
    if r.get("priority"):
        flag = {"是": "true", "否": "false", "": "false"}.get(r.get("priority"))
        if flag is None:
            r.bad("priority", f"'{r.get('priority')}' is not 是 or 否")
        item.fields.append(("priority", flag or "false"))
    for key in ("findings", "handling", "accountability"):
        if r.get(key):
            item.fields.append((key, q(r.get(key))))
    if subst:
        item.fields.append(("substantiated", subst))
    penalties = []
    for key in ("orders", "fines_wan_yuan", "cases", "interviews", "accountable_persons"):
        value = r.get(key)
        if value:
            pattern = r"\d+(\.\d+)?" if key == "fines_wan_yuan" else r"\d+"
            if not re.fullmatch(pattern, value):
                r.bad(key, f"'{value}' is not a {'number' if key == 'fines_wan_yuan' else 'whole number'}")
            else:
                penalties.append(f"{key}: {value}")
    if penalties:
        item.fields.append(("penalties", "{" + ", ".join(penalties) + "}"))
    return item


def task_item(r: RowReader, regions: RegionNames, prefix: str, day: dt.date) -> Item:
    number_text = r.require("number")
    number = int(number_text) if number_text.isdigit() else None
    if number_text and number is None:
        r.bad("number", f"'{number_text}' is not a whole number")
    task_id = f"{prefix}{number:02d}" if number is not None else ""
    item = Item(r.row, task_id)
    problem = r.require("problem")
    title = r.get("title") or _title(problem)
    units = [u.strip() for u in SEPARATORS.split(r.require("responsible_units")) if u.strip()]
    if "regions" in r.cols and r.get("regions"):
        codes = []
        for name in SEPARATORS.split(r.get("regions")):
            code, why = regions.lookup(name) if name.strip() else (None, "")
            if why:
                r.bad("regions", why, "add the region to regions.yaml or correct the name")
            elif code and code not in codes:
                codes.append(code)
    else:
        codes = regions.within(units) or regions.roots[:1]
    deadline = r.parse("deadline", parse_deadline, "write 2023-12-31, 2023年底前, 2023年6月底前, 长期坚持 or 立行立改")
    progress = r.parse("progress", parse_progress) if "progress" in r.cols else ("", None)
    item.fields += [("id", task_id), ("number", str(number)), ("title", q(title)), ("problem", q(problem))]
    if r.get("target"):
        item.fields.append(("target", q(r.get("target"))))
    measures = [m for m in (re.sub(r"^\s*(?:\d+[.、．)）]|[（(]\d+[)）])\s*", "", x).strip()
                            for x in re.split(r"[\n；;]+", r.get("measures"))) if m]
    if measures:
        item.fields.append(("measures", qlist(measures)))
    item.fields += [("responsible_units", qlist(units))]
    sup = [u.strip() for u in SEPARATORS.split(r.get("supervising_units")) if u.strip()]
    if sup:
        item.fields.append(("supervising_units", qlist(sup)))
    if r.get("acceptance_unit"):
        item.fields.append(("acceptance_unit", q(r.get("acceptance_unit"))))
    item.fields.append(("regions", qlist(codes)))
    if deadline is not None:
        item.fields.append(("deadline", deadline.isoformat() if isinstance(deadline, dt.date) else str(deadline)))
    if progress and progress[0] and progress[0] != "planned":
        status, on_schedule = progress
        entry = f"{{date: {day.isoformat()}, status: {status}"
        if on_schedule is not None:
            entry += f", on_schedule: {'true' if on_schedule else 'false'}"
        entry += f", note: {q(r.get('progress'))}}}"
        item.fields.append(("history", f"\n  - {entry}"))
    return item


def _title(problem: str) -> str:
    first = re.split(r"[。；;\n]", problem.strip(), maxsplit=1)[0]
    return first if len(first) <= 40 else first[:39] + "…"


def complaints_yaml(items: list[Item], batch: int, forwarded_on: dt.date, source: str) -> str:
    out = [f"# imported by 'portal import' from {source}; each item notes its row", f"batch: {batch}",
           f"forwarded_on: {forwarded_on.isoformat()}", "complaints:"]
    for item in items:
        out.append(f"  # row {item.row}")
        for i, (k, v) in enumerate(item.fields):
            out.append(f"  {'- ' if i == 0 else '  '}{k}: {v}")
    if not items:
        out[-1] = "complaints: []"
    return "\n".join(out) + "\n"


def task_yaml(item: Item, source: str) -> str:
    return "\n".join([f"# imported by 'portal import' from {source}, row {item.row}",
                      *(f"{k}:{'' if v.startswith(chr(10)) else ' '}{v}" for k, v in item.fields)]) + "\n"


@dataclass
class Result:
    written: list[Path]
    skipped_rows: list[int]
    encoding: str
    warnings: list[str]


def run(path: Path, kind: str, content: Path, as_of: dt.date, batch: Optional[int] = None,
        forwarded_on: Optional[dt.date] = None, id_prefix: str = "T-", force: bool = False,
        overwrite: bool = False) -> Result:
    from .load import read

    loaded, _ = read(content)
    if loaded is None:
        raise PortalError(f"{content}: not a content folder (no readable site.yaml and regions.yaml); run portal check")
    regions = RegionNames(loaded.regions)
    target = content / "complaints" / f"{batch}.yaml"
    if kind == "complaints" and target.exists() and not overwrite:
        raise PortalError(f"{target} exists already and was not changed; nothing was written (give --overwrite to replace it)")
    sheet = read_sheet(path)
    issues: list[Issue] = []
    columns = COMPLAINT_COLUMNS if kind == "complaints" else TASK_COLUMNS
    header_row, mapping = header_map(sheet, columns, issues)
    if not mapping or any(i.message.startswith("missing column") for i in issues):
        raise ImportProblems(sheet.name, issues, f"{len(issues)} problem{'s' if len(issues) != 1 else ''} in "
                             f"{sheet.name}; nothing was written.")
    items: list[Item] = []
    bad_rows: set[int] = set()
    existing_refs = {c.ref.lower() for b in loaded.batches for c in b.complaints if b.batch != batch or not overwrite}
    seen: dict[str, int] = {}
    for row, cells in sheet.rows:
        if row <= header_row or all(text(c) == "" for c in cells):
            continue
        before = len(issues)
        r = RowReader(row, cells, mapping, issues)
        item = complaint_item(r, regions) if kind == "complaints" else task_item(r, regions, id_prefix, as_of)
        key = item.key.lower()
        if key and key in seen:
            r.bad("ref" if kind == "complaints" else "number", f"'{item.key}' is also in row {seen[key]}")
        elif key and kind == "complaints" and key in existing_refs:
            r.bad("ref", f"'{item.key}' is already in the content (another batch)")
        if key:
            seen.setdefault(key, row)
        if len(issues) > before:
            bad_rows.add(row)
        else:
            items.append(item)
    if issues and not force:
        raise ImportProblems(sheet.name, issues, f"{len(issues)} problem{'s' if len(issues) != 1 else ''} in "
                             f"{sheet.name}; nothing was written (--force writes the rows without problems).")
    # files to write
    files: dict[Path, str] = {}
    source = f"{sheet.name}"
    if kind == "complaints":
        assert batch is not None and forwarded_on is not None
        files[Path("complaints") / f"{batch}.yaml"] = complaints_yaml(items, batch, forwarded_on, source)
    else:
        for item in items:
            files[Path("tasks") / f"{item.key}.yaml"] = task_yaml(item, source)
    taken = [content / f for f in files if (content / f).exists()]
    if taken and not overwrite:
        raise PortalError("these files exist already and were not changed: " + ", ".join(str(t) for t in taken)
                          + "; nothing was written (give --overwrite to replace them)")
    _check_in_copy(content, files, as_of, sheet.name)
    written = []
    for rel, body in files.items():
        target = content / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    warnings = [i.format(sheet.name) for i in sorted(issues, key=lambda i: (i.row, i.column, i.message))]
    return Result(written, sorted(bad_rows), sheet.encoding, warnings)


def _check_in_copy(content: Path, files: dict[Path, str], as_of: dt.date, name: str) -> None:
    """Run the content checks on a copy of the content with the new files; report only problems that the
    import adds (problems the content already had are not the import's)."""
    from .check import check
    from .load import read

    def problems(root: Path) -> set[str]:
        loaded, found = read(root)
        if loaded is not None:
            found.extend(check(loaded, as_of))
        return {p.format().replace(str(root.name), "content", 1) for p in found.items}

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / content.name
        shutil.copytree(content, copy)
        before = problems(copy)
        for rel, body in files.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_text(body, encoding="utf-8")
        added = sorted(problems(copy) - before)
    if added:
        raise PortalError("\n".join([*(a.replace("content/", f"{content.as_posix()}/", 1) for a in added),
                                     f"{len(added)} problem(s) in the imported content (rows are noted in the file's "
                                     f"comments); nothing was written from {name}."]))


__all__ = ["run", "read_sheet", "ContentError"]

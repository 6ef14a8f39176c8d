"""Building the items of ``portal import``: the data rows of a table → :class:`Item`\\ s, and their YAML.

Takes the data rows and the :class:`~generator.commands.import_layout.Header` (which column is which
field), the regions of the content (:class:`~generator.commands.import_values.RegionNames`) and the
batch or id prefix; gives one :class:`Item` per complaint (:func:`complaint_items`) or task
(:func:`task_items`), each with its fields as the YAML text to write, and adds every problem as an
:class:`~generator.commands.import_sheet.Issue` at its row and column; rows with problems are left out
(``bad_rows``). :func:`complaints_yaml` and :func:`task_yaml` give the text of the files;
:func:`item_values` reads items back as the loader will.

A 受理编号 cell may name its batch (「第31批 D3GS…」) or hold several numbers joined by 、 (the first is the
ref; the others are added to the summary, as the content format has no field for them); a file with
several batches (in the ref cells or a 批次 column) gives items of several batches; a table without
受理编号 gets ids made from batch and row order (``B19-0001``), and says so. In a task list a 反馈问题
merged over several rows (or left blank in a CSV's continuation rows) is one task with the measures and
units of all of them; without a 序号 column tasks are numbered by their order.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args

from generator.commands.import_layout import EXTRA, Col, Header, category_heading
from generator.commands.import_sheet import Issue, Sheet, col_letter, text
from generator.commands.import_values import (
    MAX_NUMBER,
    SEPARATORS,
    RegionNames,
    ascii_digits,
    batch_cell,
    parse_count,
    parse_date,
    parse_deadline,
    parse_fines,
    parse_progress,
    parse_whole,
    split_ref,
    split_units,
    unique,
)
from generator.errors import UsageError
from generator.load import import_vocab as vocab
from generator.load.schema import ID_RE, MAX_ID, MAX_LINE
from generator.load.text import shown
from generator.models import COMPLAINT_STATUS_LABELS, PollutionType


@dataclass
class Item:
    row: int
    key: str  # complaint ref or task id
    fields: list[tuple[str, str]] = field(default_factory=list)  # (YAML key, YAML value text)
    batch: int | None = None  # a complaint's batch, when its row names one
    forwarded: dt.date | None = None  # its batch's date, when its row names one (a 交办日期 column)
    rows: list[int] = field(default_factory=list)  # all rows of a task (a 反馈问题 merged over several)


class RowReader:
    def __init__(self, row: int, cells: list[Any], mapping: dict[int, Col], issues: list[Issue],
                 units: dict[int, str] | None = None):
        self.row, self.issues = row, issues
        self.values = {c.key: (i, cells[i] if i < len(cells) else None) for i, c in mapping.items() if c.key}
        self.cols = {c.key: (i, c) for i, c in mapping.items()}
        self.units = {c.key: (units or {}).get(i, "") for i, c in mapping.items()}
        self.maps = {c.key: c.values for c in mapping.values() if c.values}  # an import profile's values
        self.ok = True

    def raw(self, key: str) -> Any:
        """The cell of field ``key``; as an import profile's ``values`` map its text (spaces not counted)."""
        value = self.values.get(key, (0, None))[1]
        if key in self.maps:
            cell = re.sub(r"\s", "", text(value))
            value = next((to for written, to in self.maps[key] if written == cell), value)
        return value

    def kept(self) -> list[tuple[str, str]]:
        """(label, text on one line) of each non-empty cell of the columns an import profile keeps (保留)."""
        out = []
        for key in self.cols:
            if key.startswith(EXTRA):
                value = _EXTRA_BREAKS.sub(" ", self.get(key)).strip()
                if len(value) > MAX_LINE:
                    self.bad(key, f"单元格有 {len(value):,} 个字符，作为“其他信息”最多 {MAX_LINE:,} 个字符",
                             "缩短该单元格，或在导入配置中把此列改为“不导入”")
                elif value:
                    out.append((key[len(EXTRA):], value))
        return out

    def get(self, key: str) -> str:
        return text(self.raw(key))

    def bad(self, key: str, message: str, hint: str = "") -> None:
        """A problem of this row at the column of ``key``; the message quotes the cell as written."""
        if key in self.cols:
            i, c = self.cols[key]
            cell = text(self.values.get(key, (0, None))[1])
            if cell and shown(cell) not in message:
                message += f"（单元格内容：“{shown(cell)}”）"
            self.issues.append(Issue(self.row, f"{col_letter(i)}列 {c.shown}", message, hint))
        else:
            self.issues.append(Issue(self.row, "", message, hint))
        self.ok = False

    def parse(self, key: str, parser: Callable[[Any], tuple[Any, str]], hint: str = "") -> Any:
        value, why = parser(self.raw(key))
        if why:
            self.bad(key, why, hint)
        return value

    def require(self, key: str) -> str:
        value = self.get(key)
        if not value and key in self.cols:
            self.bad(key, "此格是必填项，却是空的", "填写后再导入；给 --force 时跳过这一行")
        return value


_EXTRA_BREAKS = re.compile(r"[ \t\u3000]*[\r\n\t\u2028\u2029\x85\x0b\x0c]+[ \t\u3000]*")


def region_codes(r: RowReader, key: str, regions: RegionNames) -> list[str]:
    """The regions a cell names: 九江市浔阳区, 福建省漳州市芗城区, a bare district, several joined by 、, a name
    broken by a line break, or a list of bodies (城固县、市生态环境局: a body naming no region is left out)."""
    codes: list[str] = []
    for piece in re.split(r"[、，,；;/／]+", r.get(key)):
        joined = re.sub(r"\s", "", piece)
        if not joined:
            continue
        lines = [x for x in piece.split("\n") if x.strip()]
        found: list[str | None] = []
        if len(lines) > 1 and joined not in regions.names:
            found = [regions.lookup(x)[0] for x in lines]
        if found and all(found):
            codes += [c for c in found if c]
            continue
        code, why = regions.lookup(joined)
        if code:
            codes.append(code)
        elif joined.endswith(vocab.BODY_SUFFIXES):
            codes += regions.within([joined])
        else:
            r.bad(key, why, "改正名称，或先把该区域加入 regions.yaml")
    codes = unique(codes)
    by_code = {x.code: x for x in regions.regions}
    ancestors = set()
    for c in codes:  # 福建省、漳州市芗城区 (or a name broken after the province): the most specific
        p = by_code[c].parent if c in by_code else ""
        while p:
            ancestors.add(p)
            p = by_code[p].parent if p in by_code else ""
    return [c for c in codes if c not in ancestors]


def pollution_types(r: RowReader) -> list[str]:
    """污染类型 as the content types (大气污染 → 大气, 扬尘 → 大气 …, see generator.load.import_vocab)."""
    out: list[str] = []
    for t in (re.sub(r"\s", "", x) for x in SEPARATORS.split(r.require("types"))):
        if not t:
            continue
        base = t
        for suffix in vocab.POLLUTION_SUFFIXES:
            if base not in vocab.POLLUTION_TYPES and base.endswith(suffix) and base[:-len(suffix)] in vocab.POLLUTION_TYPES:
                base = base[:-len(suffix)]
        if base in vocab.POLLUTION_TYPES:
            out.append(vocab.POLLUTION_TYPES[base])
        else:
            r.bad("types", f"“{shown(t)}”不是污染类型", "写其中一种或几种（用 、 分隔）：" + "、".join(get_args(PollutionType)))
    return unique(out)


def complaint_item(r: RowReader, regions: RegionNames, section: str | None = None) -> Item:
    """One complaint; its ref is "" when the table has no 受理编号 column (made by :func:`complaint_items`)."""
    cell_batch, refs = split_ref(r.require("ref"))
    ref = refs[0] if refs else ""
    for x in refs:
        if not re.fullmatch(r"[A-Za-z0-9-]+", x):
            r.bad("ref", f"“{shown(x)}”不是有效的受理编号", "受理编号只能由字母、数字和 - 组成，例如 D3JC202306010001")
        elif len(x) > MAX_ID:
            r.bad("ref", f"受理编号有 {len(x)} 个字符，超过上限 {MAX_ID}", "检查是否把几个单元格合在了一起")
    item = Item(r.row, ref, batch=cell_batch, rows=[r.row])
    if r.get("batch"):
        number = batch_cell(r.get("batch"))
        if number is None or not 1 <= number <= MAX_NUMBER:
            r.bad("batch", f"'{shown(r.get('batch'))}' 不是批次", f"写 19 或 第19批（1–{MAX_NUMBER}）")
        elif cell_batch is not None and number != cell_batch:
            r.bad("batch", f"批次列写第{number}批，受理编号单元格写第{cell_batch}批", "改正其中一处")
        else:
            item.batch = number
    if r.get("forwarded_on"):
        item.forwarded = r.parse("forwarded_on", parse_date, "写 2023-12-20 或 2023年12月20日")
    channel = ""
    if r.get("channel"):
        channel = vocab.CHANNELS.get(re.sub(r"\s", "", r.get("channel")), "")
        if not channel:
            r.bad("channel", f"“{shown(r.get('channel'))}”不是受理方式", "写 来电、来信 或 网络")
    elif section:
        channel = section
    elif ref:
        channel = vocab.REF_CHANNEL.get(ref[0].upper(), "")
        if not channel:
            r.bad("ref", f"从“{shown(ref)}”看不出是来电（D…）、来信（X…）还是网络举报（W…）",
                  "加一列“受理方式”，填 来电、来信 或 网络；或在这些行上方加一行“来电”/“来信”")
    elif "ref" not in r.cols:
        r.bad("channel", "无法判断此件是来电、来信还是网络举报（表格没有受理编号和受理方式列）",
              "加一列 受理方式（来电、来信或网络），或在各组行上方加一行 来电 / 来信")
    before = len(r.issues)
    codes = region_codes(r, "region", regions) if r.require("region") else []
    if r.get("region") and not codes and len(r.issues) == before:
        r.bad("region", f"“{shown(r.get('region'))}”中没有 regions.yaml 里的地区", "写出地区名称，例如 甲市东区")
    types = pollution_types(r)
    summary = r.require("summary")
    if len(refs) > 1:  # the content format has no field for related refs: they stay readable in the text
        summary += f"（本件与受理编号 {'、'.join(refs[1:])} 合并办理）"
    status_text = re.sub(r"\s", "", r.require("status"))
    status = vocab.COMPLAINT_STATUS.get(status_text, status_text if status_text in COMPLAINT_STATUS_LABELS else "")
    if status_text and not status:
        r.bad("status", f"“{shown(status_text)}”不是办结状态", "写 已办结、阶段性办结 或 正在办理（未办结、已销号 也可）")
    subst_text = re.sub(r"\s", "", r.get("substantiated"))
    subst = vocab.SUBSTANTIATED.get(subst_text, "")
    if subst_text and not subst:
        r.bad("substantiated", f"“{shown(subst_text)}”不是核实结论", "写 属实、基本属实、部分属实 或 不属实（是/否 也可）")
    item.fields += [("ref", q(ref)), ("channel", channel), ("region", qlist(codes)), ("types", qlist(types)),
                    ("summary", q(summary)), ("status", status)]
    if r.get("priority"):
        flag = vocab.PRIORITY.get(re.sub(r"\s", "", r.get("priority")))
        if flag is None:
            r.bad("priority", f"“{shown(r.get('priority'))}”不是 是 或 否", "写 是 或 否（空着表示否）")
        item.fields.append(("priority", "true" if flag else "false"))
    for key in ("findings", "handling", "accountability"):
        if r.get(key):
            item.fields.append((key, q(r.get(key))))
    if subst:
        item.fields.append(("substantiated", subst))
    penalties = []
    for key in ("orders", "fines_wan_yuan", "cases", "interviews", "accountable_persons"):
        if r.get(key) and ascii_digits(r.raw(key)) not in vocab.EMPTY_NUMBERS:
            unit = r.units.get(key, "")
            value = r.parse(key, functools.partial(parse_fines, unit=unit or "万元") if key == "fines_wan_yuan" else parse_count)
            if value is not None:
                penalties.append(f"{key}: {value}")
    if penalties:
        item.fields.append(("penalties", "{" + ", ".join(penalties) + "}"))
    extra = r.kept()
    if extra:
        item.fields.append(("extra", extra_yaml(extra)))
    return item


def complaint_items(name: str, data: list[tuple[int, list[Any], str | None]], header: Header, regions: RegionNames,
                    loaded: Any, batch: int | None, overwrite: bool, issues: list[Issue], notes: list[Issue],
                    bad_rows: set[int], inspection: str = "") -> list[Item]:
    """The complaints of a table's data rows, rows with problems left out (added to ``bad_rows``): a row's
    batch must agree with ``batch`` (the flag or the title), a ref may appear once in the table and in no
    other published batch (another batch number, or a batch of another inspection than ``inspection``'s id);
    a table without 受理编号 gets refs made from batch and order (B19-0001)."""
    has_ref = any(c.key == "ref" for c in header.mapping.values())
    existing = {c.ref.lower(): (_inspection_id(loaded, b), b.batch) for b in loaded.batches for c in b.complaints}
    items: list[Item] = []
    seen: dict[str, int] = {}
    made: dict[int, int] = {}  # batch → ids made so far (tables without 受理编号)
    unknown: list[RowReader] = []  # rows of no known batch
    for row, cells, section in data:
        before = len(issues)
        r = RowReader(row, cells, header.mapping, issues, header.units)
        item = complaint_item(r, regions, section)
        if item.batch is not None and batch is not None and item.batch != batch:
            r.bad("batch" if "batch" in r.cols and r.get("batch") else "ref",
                  f"此行是第{item.batch}批，与 --batch 或表格标题的第{batch}批不一致", "一个文件可以含几批，此时不要给 --batch")
        elif item.batch is None:
            item.batch = batch
            if batch is None:
                unknown.append(r)
        if not has_ref and item.batch is not None:
            made[item.batch] = made.get(item.batch, 0) + 1
            item.key = f"B{item.batch}-{made[item.batch]:04d}"
            item.fields[0] = ("ref", q(item.key))
        key = item.key.lower()
        if key and key in seen:
            r.bad("ref", f"受理编号 {shown(item.key)} 在第 {seen[key]} 行已出现过", "删去重复的一行，或改正其中一个编号")
        elif key and key in existing and existing[key] != (inspection or existing[key][0], item.batch):
            r.bad("ref", f"受理编号 {shown(item.key)} 已在另一批中公开", "同一件只公开一次：检查编号，或在原批次中更新它")
        if key:
            seen.setdefault(key, row)
        if len(issues) > before:
            bad_rows.add(row)
        if row not in bad_rows:
            items.append(item)
    if unknown and len(unknown) == len(data):
        raise UsageError(f"{name} 中没有写明批次（表格标题、受理编号单元格如“第19批 D…”或“批次”列都没有）；未写入任何文件\n"
                         "    提示：给 --batch N 和 --forwarded-on YYYY-MM-DD（交办这一批的日期）")
    for r in unknown:
        r.bad("batch" if "batch" in r.cols else "ref", "不知道此行属于第几批",
              "给 --batch，或在表格标题、受理编号单元格（第19批 D…）或 批次 列中写明")
        bad_rows.add(r.row)
    items = [i for i in items if i.row not in bad_rows]
    if not has_ref:
        notes.append(Issue(header.row, "", "表格没有“受理编号”列：按批次和行的顺序生成编号（B<批次>-0001 起）",
                           "表格的行序改变后再导入，编号会随之改变；有受理编号时请加上这一列"))
    return items


def _inspection_id(loaded: Any, batch: Any) -> str:
    found = loaded.inspection_of(batch)
    return str(found.id if found is not None else batch.inspection)


def _due(deadline: Any) -> dt.date:
    return deadline if isinstance(deadline, dt.date) else dt.date(deadline, 12, 31)


def task_item(rs: list[RowReader], regions: RegionNames, prefix: str, day: dt.date, order: int) -> Item:
    """One task from its rows: a 反馈问题 merged (or left blank in a CSV) over several measure rows is one
    task whose measures, units and progress are those of all its rows, and whose deadline is the latest
    date or year among them (长期坚持 when no row has one, 立行立改 when every row says so)."""
    r = rs[0]
    number: int | None = order
    if "number" in r.cols:
        number = None
        if r.require("number"):
            number = r.parse("number", lambda v: parse_whole(v, 1, MAX_NUMBER), f"序号是 1–{MAX_NUMBER} 之间的整数，只用数字 0-9 书写，例如 7")
    elif order > MAX_NUMBER:
        r.bad("problem", f"超过 {MAX_NUMBER} 项任务")
        number = None
    task_id = f"{prefix}{number:02d}" if number is not None else ""
    if task_id and (not ID_RE.match(task_id) or len(task_id) > MAX_ID):
        r.bad("number", f"任务编号 '{shown(task_id)}' 无效", "检查 --id-prefix")
        task_id = ""
    item = Item(r.row, task_id, rows=[x.row for x in rs])
    problem = r.require("problem")
    title = next((x.get("title") for x in rs if x.get("title")), "") or _title(problem)
    units = unique([u for x in rs for key in ("lead_units", "responsible_units") for u in split_units(x.get(key))])
    if not units:
        r.bad("responsible_units" if "responsible_units" in r.cols else "lead_units", "此格是必填项，却是空的", "填写责任单位后再导入")
    if "regions" in r.cols and any(x.get("regions") for x in rs):
        codes = unique([c for x in rs if x.get("regions") for c in region_codes(x, "regions", regions)])
    else:
        codes = regions.within(units) or regions.roots[:1]
    deadlines = []
    for x in rs:
        if x.get("deadline") or x is r:
            value = x.parse("deadline", parse_deadline, "写 2023-12-31、2023年底前、2023年6月底前、长期坚持 或 立行立改")
            if value is not None:
                deadlines.append(value)
    dated = [d for d in deadlines if not isinstance(d, str)]
    deadline = max(dated, key=_due) if dated else ("长期坚持" if "长期坚持" in deadlines else deadlines[0] if deadlines else None)
    for x in rs:
        if x.get("progress"):
            x.parse("progress", parse_progress)
    notes = unique([x.get("progress") for x in rs if x.get("progress")])
    progress = parse_progress("\n".join(notes))[0] if notes else ("", None)
    item.fields += [("id", q(task_id)), ("number", str(number)), ("title", q(title)), ("problem", q(problem))]
    targets = unique([x.get("target") for x in rs if x.get("target")])
    if targets:
        item.fields.append(("target", q("\n".join(targets))))
    measures = unique([m for x in rs for m in (re.sub(r"^\s*(?:\d+[.、．)）]|[（(]\d+[)）])\s*", "", y).strip()
                                                for y in re.split(r"[\n；;]+", x.get("measures"))) if m])
    if measures:
        item.fields.append(("measures", qlist(measures)))
    item.fields += [("responsible_units", qlist(units))]
    sup = unique([u for x in rs for u in split_units(x.get("supervising_units"))])
    if sup:
        item.fields.append(("supervising_units", qlist(sup)))
    if r.get("acceptance_unit"):
        item.fields.append(("acceptance_unit", q(r.get("acceptance_unit"))))
    item.fields.append(("regions", qlist(codes)))
    if deadline is not None:
        item.fields.append(("deadline", deadline.isoformat() if isinstance(deadline, dt.date) else str(deadline)))
    kept: dict[str, list[str]] = {}  # the kept columns of all the task's rows, each text once
    for x in rs:
        for k, v in x.kept():
            if v not in kept.setdefault(k, []):
                kept[k].append(v)
    extra = [(k, "；".join(v)) for k, v in kept.items()]
    for k, v in extra:
        if len(v) > MAX_LINE:
            r.bad(EXTRA + k, f"此列各行合起来有 {len(v):,} 个字符，作为“其他信息”最多 {MAX_LINE:,} 个字符",
                  "缩短这些单元格，或在导入配置中把此列改为“不导入”")
    if extra:
        item.fields.append(("extra", extra_yaml(extra)))
    if progress and progress[0] and progress[0] != "planned":
        status, on_schedule = progress
        entry = history_entry(day, status, on_schedule, "\n".join(notes))
        item.fields.append(("history", f"\n  - {entry}"))
    return item


def _title(problem: str) -> str:
    first = re.split(r"[。；;\n]", problem.strip(), maxsplit=1)[0]
    return first if len(first) <= 40 else first[:39] + "…"


def task_items(sheet: Sheet, data: list[tuple[int, list[Any], str | None]], header: Header, regions: RegionNames,
               id_prefix: str, as_of: dt.date, issues: list[Issue], notes: list[Issue], bad_rows: set[int]) -> list[Item]:
    """The tasks of a task list's data rows, rows with problems left out (added to ``bad_rows``): a row whose
    反馈问题 is merged from above or blank continues the task above; a category row is noted, not read."""
    cols = {c.key: i for i, c in header.mapping.items()}
    problem, number = cols.get("problem"), cols.get("number")

    def continues(row: int, cells: list[Any]) -> bool:
        """The row holds more measures of the task above: its 反馈问题 is merged from above, or blank (CSV)."""
        if problem is None:
            return False
        top = sheet.merged.get((row, problem))
        if top is not None and top < row:
            return True
        blank = problem >= len(cells) or text(cells[problem]) == ""
        return blank and (number is None or number >= len(cells) or text(cells[number]) == ""
                          or sheet.merged.get((row, number), row) < row)

    groups: list[list[tuple[int, list[Any]]]] = []
    for row, cells, _ in data:
        heading = category_heading(cells)
        if heading:
            notes.append(Issue(row, "", f"分类标题行“{shown(heading)}”：不是任务，未导入"))
            continue
        if groups and continues(row, cells):
            groups[-1].append((row, cells))
        else:
            groups.append([(row, cells)])
    items: list[Item] = []
    seen: dict[str, int] = {}
    for order, group in enumerate(groups, start=1):
        before = len(issues)
        rs = [RowReader(row, cells, header.mapping, issues, header.units) for row, cells in group]
        item = task_item(rs, regions, id_prefix, as_of, order)
        key = item.key.lower()
        if key and key in seen:
            rs[0].bad("number", f"'{shown(item.key)}' is also in row {seen[key]}")
        if key:
            seen.setdefault(key, item.row)
        rows = {row for row, _ in group}
        if len(issues) > before or rows & bad_rows:
            bad_rows.update(rows)
        else:
            items.append(item)
    if number is None:
        notes.append(Issue(header.row, "", f"表格没有“序号”列：按任务的顺序编号 1–{len(groups)}（{id_prefix}01 起）"))
    return items


# --- YAML text ---------------------------------------------------------------------------------

_YAML_UNSAFE = re.compile(r'[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|["\\]')
_YAML_ESCAPES = {"\"": '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _yaml_escape(m: re.Match[str]) -> str:
    ch = m[0]
    if ch in _YAML_ESCAPES:
        return _YAML_ESCAPES[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def q(value: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly ``value``: every character a YAML stream may
    not carry raw (controls, U+FFFE …) or would fold (line breaks, U+0085, U+2028, U+2029) and the BOM
    are written as escapes. Whether the content format accepts such a character is for ``portal check``."""
    return '"' + _YAML_UNSAFE.sub(_yaml_escape, value) + '"'


def qlist(values: list[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def extra_yaml(extra: list[tuple[str, str]]) -> str:
    """The ``extra`` field of an item: label → text, as a YAML flow mapping on one line."""
    return "{" + ", ".join(f"{q(k)}: {q(v)}" for k, v in extra) + "}"


def history_entry(day: dt.date, status: str, on_schedule: bool | None, note: str) -> str:
    """A task's history entry as the import writes it, on one line: {date: …, status: …, note: …}."""
    schedule = "" if on_schedule is None else f", on_schedule: {'true' if on_schedule else 'false'}"
    return f"{{date: {day.isoformat()}, status: {status}{schedule}, note: {q(note)}}}"


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


def item_values(items: list[Item]) -> list[dict[str, Any]]:
    """The values of imported items, as the YAML they would be written as reads back (one document: fast)."""
    import yaml

    body = "\n".join("- " + "\n  ".join(f"{k}: {v}" for k, v in item.fields if not v.startswith("\n")) for item in items)
    return (yaml.load(body, Loader=yaml_loader()) or []) if items else []


def yaml_loader() -> Any:
    """libyaml's safe loader when PyYAML has it (a 5,000-complaint file re-imports in seconds), else PyYAML's."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def last_content_line_end(body: str, index: int) -> int:
    """The index just after the last line, at or before ``index``, that holds more than blanks or a comment."""
    pos = min(index, len(body))
    while pos > 0:
        start = body.rfind("\n", 0, pos - 1) + 1 if pos > 1 else 0
        line = body[start:pos].strip()
        if line and not line.startswith("#"):
            end = body.find("\n", start)
            return len(body) if end < 0 else end + 1
        pos = start
    return 0

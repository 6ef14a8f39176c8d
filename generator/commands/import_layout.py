"""Recognising the layout of a table for ``portal import``: a :class:`~generator.commands.import_sheet.Sheet`
→ its :class:`Header` (which column is which field), its data rows, and what its title rows say.

Takes the sheet, the kind (``complaints`` or ``tasks``, whose columns are :data:`COMPLAINT_COLUMNS` and
:data:`TASK_COLUMNS`) and, when one fits, an import profile (:mod:`generator.load.profiles`); gives
the :class:`Header` (:func:`header_map`), the rows below it that are items (:func:`data_rows`), the
batch and date the file names (:func:`file_batch`, :func:`named_batches`), and problems as
:class:`~generator.commands.import_sheet.Issue`\\ s. What the import knows about real layouts is data,
in :mod:`generator.load.import_vocab`: the header spellings of every field, the columns left out on
purpose (each with its reason, printed as a warning), the words that mark a personal-data column
(refused by name; ``--force`` drops it with a warning; never read). Header cells are compared without
spaces, line breaks, brackets and units (「罚款金额（万元）」 = 「罚款金额」; the unit goes with the column,
:attr:`Header.units`). A layout the built-in knowledge does not know is read with an import profile:
:func:`header_map` applies its column rules (a field, 保留 → the item's ``extra`` field, 不导入), and its
``values`` go with each :class:`Col`.

The header is the row among the first ten that names the most known columns (title rows above it,
「附件1」, are skipped; they may carry the batch and date, 「（第19批 2022年10月9日）」 or 第十七批, which
``--batch``/``--forwarded-on`` then only confirm — a disagreement is a problem naming both, and with
``--force`` the flags win). A second row of sub-columns under a group cell (处理处罚和问责情况 over
责令整改, 罚款金额 …) is part of the header. Section rows 「来电」/「来信」 are not items: they set the
channel of the rows below; a header repeated further down (a table printed over several pages) is
skipped; a category row of a task list (「一、大气污染防治」) is no task (:func:`category_heading`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from generator.commands.import_sheet import Issue, Sheet, col_letter, text
from generator.commands.import_values import ASCII_DIGITS, BATCH_RE, MAX_NUMBER, batch_cell, chinese_number, split_ref
from generator.load import import_vocab as vocab
from generator.load import profiles
from generator.load.schema import MAX_TEXT
from generator.load.text import shown


@dataclass(frozen=True)
class Col:
    header: str
    key: str  # the field; "extra:<label>" for a column an import profile keeps (保留)
    required: bool = False
    aliases: tuple[str, ...] = ()
    values: tuple[tuple[str, str], ...] = ()  # an import profile's ``values`` for this column: cell text → value
    label: str = ""  # the header as the table writes it (a message names the column so: 「K列 责令整改（家次）」)

    @property
    def shown(self) -> str:
        return self.label or self.header


def _columns(kind: str, spec: list[tuple[str, str, bool]]) -> list[Col]:
    """Cols whose aliases are the header spellings :data:`generator.load.import_vocab.COLUMNS` lists."""
    return [Col(header, key, required, tuple(vocab.COLUMNS[kind].get(key or "number", ()))) for header, key, required in spec]


COMPLAINT_COLUMNS = _columns("complaints", [
    ("受理编号", "ref", False),  # absent in older rounds: ids are made from batch and row
    ("交办问题基本情况", "summary", True),
    ("行政区域", "region", True),
    ("污染类型", "types", True),
    ("调查核实情况", "findings", False),
    ("是否属实", "substantiated", False),
    ("处理和整改情况", "handling", False),
    ("责任追究情况", "accountability", False),
    ("办结状态", "status", True),
    ("序号", "", False),
    ("受理方式", "channel", False),
    ("重点关注", "priority", False),
    ("责令整改家次", "orders", False),
    ("罚款金额万元", "fines_wan_yuan", False),
    ("立案处罚件", "cases", False),
    ("约谈人次", "interviews", False),
    ("问责人次", "accountable_persons", False),
    ("批次", "batch", False),
    ("交办日期", "forwarded_on", False),  # the batch's date, when a file of several batches gives each its own
])
TASK_COLUMNS = _columns("tasks", [
    ("序号", "number", False),  # absent: tasks are numbered by their order
    ("督察反馈问题", "problem", True),
    ("整改目标", "target", False),
    ("整改措施", "measures", False),
    ("牵头责任单位", "lead_units", False),
    ("责任单位", "responsible_units", False),  # this or 牵头责任单位 (see header_map)
    ("督导单位", "supervising_units", False),
    ("验收销号单位", "acceptance_unit", False),
    ("整改时限", "deadline", True),
    ("整改进展", "progress", False),
    ("任务名称", "title", False),
    ("涉及地区", "regions", False),
])
PENALTY_LABELS = {"orders": "责令整改", "fines_wan_yuan": "罚款（万元）", "cases": "立案处罚", "interviews": "约谈",
                  "accountable_persons": "问责"}
PENALTY_KEYS = tuple(PENALTY_LABELS)
EXTRA = "extra:"  # the key of a Col an import profile keeps, before its label


@dataclass
class Header:
    row: int  # the last header row: data rows follow
    first: int  # the first header row: rows above are titles
    mapping: dict[int, Col]
    units: dict[int, str] = field(default_factory=dict)  # column index → unit its header names (元, 万元 …)
    notes: list[Issue] = field(default_factory=list)  # columns left out on purpose (printed as warnings)
    cells: tuple[str, ...] = ()  # the header as compared, to skip a header repeated further down
    labels: dict[int, str] = field(default_factory=dict)  # column index → header as written, without line breaks


def norm_header(value: Any) -> str:
    return vocab.norm_header(value)


def header_map(sheet: Sheet, kind: str, columns: list[Col], issues: list[Issue],
               profile: profiles.Profile | None = None) -> Header:
    """Find the header (the row among the first ten naming the most known columns, and a second row of
    sub-columns under a group cell such as 处理处罚和问责情况) and map each column to a Col. With an import
    ``profile`` (:mod:`generator.commands.import_profile`) the columns it names are read as it says — mapped to a
    field, kept as an ``extra`` field (保留: a Col whose key is ``extra:<label>``) or left out (不导入, said
    as a warning) — and its ``values`` go with each Col; the other columns are read with the built-in knowledge."""
    known = {norm_header(n): c for c in columns for n in (c.header, *c.aliases)}
    ignored = {norm_header(n): why for n, why in vocab.IGNORED[kind].items()}
    rules = profile.rules if profile is not None else {}

    def names(cells: list[Any]) -> set[str]:
        return {n for n in (norm_header(x) for x in cells) if n in known or n in ignored or n in rules}

    rows = sheet.rows[:10]
    best = max(range(len(rows)), key=lambda k: (len(names(rows[k][1])), -k), default=None)
    if best is None or len(names(rows[best][1])) < 2:
        issues.append(Issue(0, "", f"前 10 行中找不到表头（表头行至少有两个已知列名，例如 {columns[0].header}、{columns[1].header}）",
                            f"{_known_columns(columns)}；{_draft_hint(kind)}"))
        return Header(0, 0, {})
    first, top = rows[best]
    row, combined, where = first, list(top), [first] * len(top)
    if best + 1 < len(sheet.rows):
        below_row, below = sheet.rows[best + 1]
        filled = [(i, norm_header(x)) for i, x in enumerate(below) if norm_header(x)]
        if filled and all(n in known or n in ignored or n in rules or vocab.is_personal(n) for _, n in filled) \
                and any(i >= len(top) or norm_header(top[i]) != n for i, n in filled):
            row = below_row  # a two-row header: the sub-column names under a group cell win
            combined += [None] * (len(below) - len(combined))
            where += [first] * (len(below) - len(where))
            for i, _ in filled:
                combined[i], where[i] = below[i], below_row
    header = Header(row, first, {}, cells=tuple(norm_header(x) for x in combined),
                    labels={i: profiles.label(x) for i, x in enumerate(combined) if norm_header(x)})
    if profile is not None:
        header.notes.append(Issue(0, "", f"使用导入配置 {profile.name}（其中写明 {len(rules)} 列）"))
    by_key = {c.key or "number": c for c in columns}
    for i, cell in enumerate(combined):
        name = norm_header(cell)
        at = f"{col_letter(i)}列"
        if not name:
            continue
        rule = rules.get(name)
        if rule is not None and profile is not None:  # (a rule comes from the profile)
            if rule.action == "field":
                col = by_key[rule.key]
            elif rule.action == "keep":
                col = Col(header.labels[i], f"extra:{header.labels[i]}")
            else:  # 不导入 (a 待定 column is refused when the profile is chosen)
                header.notes.append(Issue(where[i], f"{at} {text(cell)}", f"此列按导入配置 {profile.name} 第 {rule.line} 行不导入"
                                          if rule.action == "ignore" else f"导入配置 {profile.name} 第 {rule.line} 行：此列待定，未导入"))
                continue
        elif vocab.is_personal(name) and name not in known:
            issues.append(Issue(where[i], f"{at} {text(cell)}", "此列含个人信息（联系人、电话、举报人等），不得导入公开内容",
                                "删除此列后再导入；给 --force 时此列被丢弃，不导入"))
            continue
        elif name in known:
            col = known[name]
        elif name in ignored:
            header.notes.append(Issue(where[i], f"{at} {text(cell)}", f"此列按规则不导入：{ignored[name]}"))
            continue
        else:
            hint = (f"在导入配置 {profile.name} 的 columns 中加上此列：字段名或内置列名、“保留”或“不导入”" if profile is not None
                    else f"把表头改成已知列名，{_draft_hint(kind)}")
            issues.append(Issue(where[i], f"{at} {header.labels[i]}", f"未知的列“{shown(header.labels[i])}”：导入不知道此列是什么，"
                                "不会不声不响地丢掉它", f"{hint}；{_known_columns(columns)}"))
            continue
        values = profile.values_for(name, col.key) if profile is not None else {}
        if values:
            col = dataclasses.replace(col, values=tuple(sorted(values.items())))
        twin = next((j for j, c in header.mapping.items() if c.key == col.key), None)
        if twin is not None:
            issues.append(Issue(where[i], f"{at} {header.labels[i]}", f"“{col.header}”列出现了两次（另一列是 {col_letter(twin)}列 "
                                f"{header.labels.get(twin, '')}）", "删除其中一列，或在导入配置中把其中一列写为“保留”或“不导入”"))
        else:
            header.mapping[i] = dataclasses.replace(col, label=header.labels[i])
            header.units[i] = vocab.header_unit(cell)
    mapped = {c.key for c in header.mapping.values()}
    for c in columns:
        if c.required and c.key not in mapped:
            issues.append(Issue(row, "", f"缺少必需的列“{c.header}”", _spellings(kind, c.key)))
    if kind == "tasks" and not mapped & {"responsible_units", "lead_units"}:
        issues.append(Issue(row, "", "缺少必需的列“责任单位”", _spellings(kind, "responsible_units")))
    return header


def _known_columns(columns: list[Col]) -> str:
    return "已知列名：" + "、".join(c.header for c in columns if c.key)


def _draft_hint(kind: str) -> str:
    return (f"或用 portal import 文件 --kind {kind} --draft-profile 生成导入配置（content/import-profiles/），"
            "在其中写明此列对应的字段，或“保留”（在页面“其他信息”下列出）、“不导入”")


def _spellings(kind: str, key: str) -> str:
    return (f"此列在表头中可以写作：{'、'.join(vocab.COLUMNS[kind].get(key, ())[:8])}；表格用别的名称时，"
            f"用 --draft-profile 生成导入配置并在其中写明哪一列是它")


def missing_columns(kind: str, columns: list[Col], header: Header) -> bool:
    """The header lacks a required column (header_map has said which)."""
    mapped = {c.key for c in header.mapping.values()}
    return any(c.required and c.key not in mapped for c in columns) or \
        (kind == "tasks" and not mapped & {"responsible_units", "lead_units"})


def columns_of(mapping: dict[int, Col]) -> dict[str, str]:
    """Each field the table has → its column as a message names it (「F列 调查核实情况」); the penalty columns
    together are the field ``penalties`` and the columns a profile keeps (保留) the field ``extra``, each
    named by the first of them."""
    out = {c.key: f"{col_letter(i)}列 {c.shown}" for i, c in sorted(mapping.items()) if c.key}
    for group, members in (("penalties", [k for k in PENALTY_KEYS if k in out]),
                           ("extra", [k for k in out if k.startswith(EXTRA)])):
        if members:
            out.setdefault(group, out[members[0]])
    return out


def cell_issues(sheet: Sheet, header_row: int, mapping: dict[int, Col], issues: list[Issue]) -> set[int]:
    """Problems of single cells of the columns read: too long, or a formula without a saved result, or an
    error value. Returns the rows concerned."""
    rows: set[int] = set()

    def where(i: int) -> str:
        return f"{col_letter(i)}列 {mapping[i].shown}" if i in mapping else f"{col_letter(i)}列"

    for row, cells in sheet.rows:
        if row < header_row:
            continue
        for i, cell in enumerate(cells):
            if i in mapping and isinstance(cell, str) and len(cell) > MAX_TEXT:
                issues.append(Issue(row, where(i), f"单元格有 {len(cell):,} 个字符，超过上限 {MAX_TEXT:,}",
                                    "缩短该单元格；很长的材料可作为文件列入 documents.yaml"))
                rows.add(row)
    for (row, i), (message, hint) in sorted(sheet.formulas.items()):
        if row >= header_row and (i in mapping or row == header_row):
            issues.append(Issue(row, where(i), message, hint))
            rows.add(row)
    return rows


# --- data rows -------------------------------------------------------------------------------------

def data_rows(sheet: Sheet, header: Header) -> list[tuple[int, list[Any], str | None]]:
    """(row, cells, channel of its section) for every row below the header that is an item: empty rows,
    section rows 「来电」/「来信」 and a repeated header (a table printed over several pages) are not."""
    out = []
    section: str | None = None
    for row, cells in sheet.rows:
        if row <= header.row or all(text(c) == "" for c in cells):
            continue
        channel = section_channel(cells)
        if channel:
            section = channel
            continue
        if len(cells) > 1 and header.cells and norm_header(cells[0]) == header.cells[0] \
                and tuple(norm_header(x) for x in cells) == header.cells[:len(cells)]:  # the first cell decides most rows
            continue
        out.append((row, cells, section))
    return out


def section_channel(cells: list[Any]) -> str | None:
    """The channel a section row 「来电」/「来信」 sets for the rows below it, or None for any other row."""
    values = {re.sub(r"\s", "", text(c)) for c in cells if text(c)}
    if len(values) != 1:
        return None
    m = vocab.SECTION_RE.match(values.pop())
    return vocab.CHANNELS[m[1]] if m else None


CATEGORY_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]|"
                         r"第\s*[一二三四五六七八九十]{1,3}\s*(?:部分|类|方面))\s*\S")


def category_heading(cells: list[Any]) -> str:
    """The text of a category row of a task list (「一、大气污染防治」, 「（二）水环境」, merged across the
    row or alone in its first cell), else "". A measure alone on a continuation row is not in the first cell."""
    values = {text(c).strip() for c in cells if text(c).strip()}
    if len(values) != 1 or not cells or not text(cells[0]).strip():
        return ""
    (value,) = values
    return value if CATEGORY_RE.match(value) and "\n" not in value and len(value) <= 60 else ""


# --- what the title rows and the cells say of the batch -------------------------------------------

TITLE_DATE_RE = re.compile(r"([0-9]{4})\s*(?:年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日|[-./]([0-9]{1,2})[-./]([0-9]{1,2}))")


def title_facts(sheet: Sheet, first_header_row: int) -> tuple[tuple[int, int] | None, tuple[int, dt.date] | None]:
    """The batch (第19批, 第十七批) and the date (2022年10月9日) the title rows above the header name, each
    with its row: ((row, batch) or None, (row, date) or None)."""
    batch = day = None
    for row, cells in sheet.rows:
        if row >= first_header_row:
            break
        for cell in dict.fromkeys(text(c) for c in cells if text(c)):
            line = cell.translate(ASCII_DIGITS)
            m = BATCH_RE.search(line)
            number = chinese_number(m[1]) if m else None
            if batch is None and number is not None:
                batch = (row, number)
            m = TITLE_DATE_RE.search(line)
            if day is None and m:
                try:
                    day = (row, dt.date(int(m[1]), int(m[2] or m[4]), int(m[3] or m[5])))
                except ValueError:
                    pass
    return batch, day


def file_batch(sheet: Sheet, header: Header, batch: int | None, forwarded_on: dt.date | None,
               issues: list[Issue], notes: list[Issue]) -> tuple[int | None, dt.date | None]:
    """The batch and date of the whole file: the flags', confirmed by the title rows, else the title's."""
    title_batch, title_day = title_facts(sheet, header.first)
    if title_batch:
        row, number = title_batch
        if batch is not None and number != batch:
            issues.append(Issue(row, "", f"表格标题写的是第{number}批，--batch 却是 {batch}",
                                "改正 --batch 或表格标题；给 --force 时以 --batch 为准"))
        elif batch is None:
            if not 1 <= number <= MAX_NUMBER:
                issues.append(Issue(row, "", f"表格标题写的第{number}批不在 1–{MAX_NUMBER} 之间", "用 --batch 给出批次"))
            else:
                batch = number
                notes.append(Issue(row, "", f"批次取自表格标题：第{number}批"))
    if title_day:
        row, day = title_day
        if forwarded_on is not None and day != forwarded_on:
            issues.append(Issue(row, "", f"表格标题写的交办日期是 {day.isoformat()}，--forwarded-on 却是 {forwarded_on.isoformat()}",
                                "改正 --forwarded-on 或表格标题；给 --force 时以 --forwarded-on 为准"))
        elif forwarded_on is None:
            forwarded_on = day
            notes.append(Issue(row, "", f"交办日期取自表格标题：{day.isoformat()}"))
    return batch, forwarded_on


def named_batches(sheet: Sheet, header: Header, data: list[tuple[int, list[Any], str | None]],
                  batch: int | None) -> list[int]:
    """Every batch the table may name (--batch, the title, 第N批 in the 受理编号 or 批次 cells): a superset
    of the batches it imports, cheap to find before the rows are read."""
    found = {batch} if batch is not None else set()
    title_batch, _ = title_facts(sheet, header.first)
    if title_batch:
        found.add(title_batch[1])
    readers = {i: (lambda v: split_ref(v)[0]) if c.key == "ref" else batch_cell
               for i, c in header.mapping.items() if c.key in ("ref", "batch")}
    for _, cells, _ in data:
        for i, batch_of in readers.items():
            number = batch_of(text(cells[i])) if i < len(cells) else None
            if number is not None:
                found.add(number)
    return sorted(n for n in found if 0 < n <= MAX_NUMBER)


def refs_of(data: list[tuple[int, list[Any], str | None]], header: Header, rows: set[int]) -> set[str]:
    """The refs (lower case) written in the given rows: rows left out for their problems are not gone."""
    col = next((i for i, c in header.mapping.items() if c.key == "ref"), None)
    if col is None:
        return set()
    return {x.lower() for row, cells, _ in data if row in rows and col < len(cells) for x in split_ref(text(cells[col]))[1]}

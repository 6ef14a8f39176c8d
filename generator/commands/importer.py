"""``portal import``: complaint tables and task lists, as provinces keep them in spreadsheets, into content files.

Reads .xlsx (openpyxl, the first sheet) and .csv (UTF-8, with or without BOM, else GBK/GB18030,
detected). What the import knows about real layouts is data, in :mod:`generator.commands.import_vocab`: the
header spellings of every field, the columns left out on purpose (each with its reason, printed as a
warning), the words that mark a personal-data column (refused by name; ``--force`` drops it with a
warning; never read), and the value synonyms (是/否, 大气污染, 扬尘 …, 已销号, 未办结, deadline words, progress
phrases). Header cells are compared without spaces, line breaks, brackets and units (「罚款金额（万元）」 =
「罚款金额」; a fine column in 元 is converted to 万元). A layout the built-in knowledge does not know is read
with an import profile (:mod:`generator.commands.import_profile`, ``content/import-profiles/``): :func:`header_map`
applies its column rules (a field, 保留 → the item's ``extra`` field, 不导入), the row readers its ``values``.

Layout (:func:`header_map`, :func:`_data_rows`): the header is the row among the first ten that names the
most known columns (title rows above it, 「附件1」, are skipped; they may carry the batch and date,
「（第19批 2022年10月9日）」 or 第十七批, which ``--batch``/``--forwarded-on`` then only confirm — a disagreement is
a problem naming both, and with ``--force`` the flags win). A second row of sub-columns under a group
cell (处理处罚和问责情况 over 责令整改, 罚款金额 …) is part of the header. In an .xlsx every cell of a merged
range reads as the range's first cell. Section rows 「来电」/「来信」 are not items: they set the channel of
the rows below. A 受理编号 cell may name its batch (「第31批 D3GS…」) or hold several numbers joined by 、 (the
first is the ref; the others are added to the summary, as the content format has no field for them); a
file with several batches (in the ref cells or a 批次 column) writes several batch files; a table
without 受理编号 gets ids made from batch and row order (``B19-0001``), and says so. In a task list a
反馈问题 merged over several rows (or left blank in a CSV's continuation rows) is one task with the
measures and units of all of them; without a 序号 column tasks are numbered by their order; a category
row (「一、大气污染防治」, merged across or alone in the first cell) is no task and is noted. A 交办日期 column
gives each batch of a multi-batch file its own date (its rows must agree, and agree with the flag or title).

A spreadsheet is untrusted input. Before openpyxl opens an .xlsx, :func:`read_xlsx` checks it as a zip
(sizes from its directory: a "zip bomb" is refused before anything is unpacked) and reads every XML part
once with expat, refusing DTDs and entity declarations (entity bombs, external entities: Excel never
writes them) and measuring the first sheet itself, so a false ``<dimension>`` cannot make openpyxl pad
millions of empty cells; merged ranges are bounded in number (:data:`MAX_MERGES`), clipped to the cells with
values, and refused when they overlap. Sizes are bounded (:data:`MAX_FILE_BYTES`, :data:`MAX_ROWS`, :data:`MAX_COLUMNS`,
a cell at most ``schema.MAX_TEXT`` characters), and so is every number written (序号, penalty counts,
fines, years). A formula is imported as the result Excel saved with it (a formula without a saved result
is refused); a text that merely starts with ``=`` stays that text (``data/*.csv`` neutralises it on
output, see :func:`generator.render.opendata.spreadsheet_text`).

Every problem — an unknown or missing column, a region name not in regions.yaml, a bad value — is
reported with its row and column (``file.xlsx:5: E列 行政区域: …``), and nothing is written. With
``--force`` the rows without problems are written and the rows with problems are left out (and listed).
The result is then checked exactly like ``portal check`` before anything is written: the content is read
with the new files in their place (``load.read(overrides=…)``, no copy), and only when that adds problems
is it checked again in a temporary copy, where each problem in an imported item is reported at the item's
row and column (:func:`_check_result`). An existing file is replaced only with ``--overwrite``, and every
file written must resolve inside the content folder.

Re-import (:class:`Reimport`): a ``complaints/<batch>.yaml`` that exists already is not replaced but gains
history. Each row whose 受理编号 is in the file is compared with the complaint's current state: a changed
办结状态, or a 处理和整改情况 text not published yet, becomes an ``updates`` entry dated ``--date``; the entry
is added to the file's text (appended to its ``updates:`` list, or a new ``updates:`` block at the end of
the item), so unchanged complaints and comments stay byte-identical. New refs are appended; refs the
table no longer has are reported and kept; a changed published field is refused (``--force`` skips it).
An existing ``tasks/<id>.yaml`` likewise gains history (:mod:`generator.commands.task_reimport`): a changed 整改进展
appends one ``history`` entry dated ``--date``; published fields are guarded the same way.
``--dry-run`` returns the plan of every row (:class:`RowPlan`) and writes nothing.
"""

from __future__ import annotations

import calendar
import csv
import dataclasses
import datetime as dt
import decimal
import functools
import io
import os
import re
import shutil
import stat
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args
from xml.parsers import expat

from generator.commands import import_profile
from generator.commands import import_vocab as vocab
from generator.errors import ContentError, PortalError, Problem, Problems, UsageError
from generator.load.schema import (  # MAX_ID: a task id or 受理编号 becomes a file or folder name
    ID_RE,
    MAX_ID,
    MAX_LINE,
    MAX_TEXT,
)
from generator.models import COMPLAINT_STATUS_LABELS, PollutionType, Region

SEPARATORS = re.compile(r"[、，,；;/／\n]+")

# bounds on what is read (a spreadsheet is untrusted input) and on every value written
MAX_FILE_BYTES = 64 * 2**20  # the .xlsx or .csv file
MAX_UNPACKED_BYTES = 256 * 2**20  # all parts of an .xlsx, as its zip directory declares them (zipfile never unpacks more)
MAX_PARTS = 2000  # files inside an .xlsx
MAX_XML_DEPTH = 64  # element nesting in an .xlsx part (a sheet needs 5)
MAX_SHARED_STRINGS = 1_000_000
MAX_ROWS = 50_000  # rows of the sheet, the title and header rows included
MAX_COLUMNS = 100
MAX_MERGES = 100_000  # merged ranges in the first sheet
MAX_PREFIX = 16  # --id-prefix
MAX_NUMBER = 9999  # 序号, and --batch
MAX_COUNT = 1_000_000  # 责令整改, 立案处罚, 约谈, 问责
MAX_FINES = decimal.Decimal(10_000_000)  # 罚款金额 in 万元 (1,000 亿元)
FINE_PLACES = 6  # decimals of 万元 kept (0.01 元)
YEARS = (1990, 2100)  # years of a 整改时限, as the content format accepts them
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RESAVE = "在 Excel 或 WPS 中打开此文件，另存为“Excel 工作簿 (*.xlsx)”后再导入"
ASCII_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")  # full-width digits, as a Chinese IME types them


@dataclass(frozen=True)
class Issue:
    row: int  # 1-based row of the sheet (0: the file as a whole)
    column: str  # "E列 行政区域", or ""
    message: str
    hint: str = ""

    def format(self, name: str) -> str:
        where = f"{name}:{self.row}" if self.row else name
        text = f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        return text + (f"\n    提示：{self.hint}" if self.hint else "")


class ImportProblems(PortalError):
    exit_code = 2

    def __init__(self, name: str, issues: list[Issue], tail: str, exit_code: int = 2):
        self.exit_code = exit_code
        self.lines = [i.format(name) for i in sorted(issues, key=lambda i: (i.row, i.column, i.message))]
        super().__init__("\n".join([*self.lines, tail]))


NEEDS_BATCH = ("--kind complaints 需要知道批次和交办日期；未写入任何文件\n"
               "    提示：给 --batch N 和 --forwarded-on YYYY-MM-DD（交办这一批的日期），或在表格标题中写明（第19批 2022年10月9日）")


def tail(name: str, count: int, hint: str = "") -> str:
    """The last line of a refused import."""
    return f"{name} 中有 {count} 处问题；未写入任何文件。" + (f"（{hint}）" if hint else "")


def not_content(content: Path) -> str:
    return (f"{content} 不是内容文件夹（没有可读的 site.yaml 和 regions.yaml），未写入任何文件\n"
            "    提示：用 --content 指向内容文件夹，或先运行 portal check 查看原因")


def unreadable(name: str, message: str, hint: str = RESAVE) -> ImportProblems:
    """The file as a whole cannot be imported (nothing was read from it)."""
    return ImportProblems(name, [Issue(0, "", message, hint)], f"{name}: 无法导入，未写入任何文件。", exit_code=1)


@dataclass
class Sheet:
    name: str
    encoding: str  # "xlsx", "utf-8", "gb18030"
    rows: list[tuple[int, list[Any]]]  # (row number, cells)
    formulas: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # (row, column index) → (message, hint)
    issues: list[Issue] = field(default_factory=list)  # found while reading (too many columns …)
    merged: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, column index) in a merged range → its first row


def read_sheet(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise PortalError(f"{path}: import reads .xlsx and .csv files (save an .xls as .xlsx first)")
    raw = _read_file(path)
    return read_xlsx(path.name, raw) if suffix == ".xlsx" else read_csv(path.name, raw)


def _read_file(path: Path) -> bytes:
    """The bytes of a regular file of bounded size (never a device, FIFO or folder)."""
    try:
        with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK)) as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise unreadable(path.name, "不是普通文件（设备、管道或文件夹）", "导入保存在磁盘上的 .xlsx 或 .csv 文件")
            if info.st_size > MAX_FILE_BYTES:
                raise unreadable(path.name, f"文件有 {info.st_size:,} 字节，超过导入上限 {MAX_FILE_BYTES:,} 字节",
                                 "把表格分成几个文件分别导入")
            return fh.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]
    except OSError as exc:
        raise unreadable(path.name, f"无法读取文件（{exc.strerror or exc}）", "检查文件路径和读取权限") from None


def read_csv(name: str, raw: bytes) -> Sheet:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            body, encoding = raw[3:].decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            raise unreadable(name, f"文件以 UTF-8 标记开头，但第 {exc.start + 3} 字节起不是 UTF-8 文本",
                             "在 Excel 中另存为“CSV UTF-8（逗号分隔）”") from None
    else:
        try:
            body, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                body, encoding = raw.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                raise unreadable(name, "既不是 UTF-8 也不是 GBK 编码的文本", "在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入") from None
    sheet = Sheet(name, encoding, [])
    # a cell may be as long as the file (the cell check then names its row and column, see cell_issues);
    # csv's own limit (131,072) would end the reading with no row or column
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(body) + 1))
    try:
        for i, cells in enumerate(csv.reader(io.StringIO(body, newline="")), start=1):
            if i > MAX_ROWS:
                raise unreadable(name, f"表格超过 {MAX_ROWS:,} 行", "把表格分成几个文件分别导入")
            sheet.rows.append((i, _bounded_row(sheet, i, cells)))
    except csv.Error as exc:
        raise unreadable(name, f"第 {len(sheet.rows) + 1} 行无法按 CSV 读取（{exc}）",
                         "检查该行的引号是否成对；在 Excel 中另存为“CSV UTF-8（逗号分隔）”") from None
    finally:
        csv.field_size_limit(limit)
    return sheet


def _bounded_row(sheet: Sheet, row: int, cells: list[Any]) -> list[Any]:
    """The row without trailing empty cells, and at most MAX_COLUMNS cells (an issue names the first beyond)."""
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        beyond = next((i for i in range(MAX_COLUMNS, len(cells)) if text(cells[i]) != ""), None)
        if beyond is not None:
            sheet.issues.append(_too_wide(row, beyond))
        del cells[MAX_COLUMNS:]
    return cells


def _too_wide(row: int, i: int) -> Issue:
    return Issue(row, f"{col_letter(i)}列", f"导入最多读取 {MAX_COLUMNS} 列（到 {col_letter(MAX_COLUMNS - 1)} 列），此处还有内容",
                 "删除表格右侧多余的列")


# --- .xlsx -------------------------------------------------------------------------------------

class _Refused(Exception):
    """An .xlsx part that must not be parsed further (message in Chinese)."""


@dataclass
class _SheetScan:
    """What the first sheet really holds, measured from its XML (its <dimension> is not trusted)."""

    max_row: int = 0  # last row and column with a value (or a formula)
    max_col: int = 0
    beyond_rows: int = 0  # the first row with a value beyond MAX_ROWS
    wide: dict[int, int] = field(default_factory=dict)  # row → first column index with a value beyond MAX_COLUMNS
    formulas: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first row, first col, last row, last col), 1-based


class _PartReader:
    """Parse one XML part of an .xlsx with expat: refuse DTDs and entities, bound the nesting, and (for a
    sheet) record the cells with a value, formulas without a saved result and error values, counting rows
    and columns as openpyxl does."""

    def __init__(self) -> None:
        self.depth = 0
        self.shared_strings = 0
        self.scan = _SheetScan()
        self.row = self.col = 0
        self.cell: dict[str, Any] | None = None
        self.capture: str | None = None  # "f" or "v" while inside one
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.ExternalEntityRefHandler = self._external
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        self.parser = parser

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)

    def _doctype(self, *args: Any) -> None:
        raise _Refused("含有 DTD（<!DOCTYPE …>），Excel 从不写入，可能是“实体炸弹”或读取外部文件的恶意表格")

    def _entity(self, *args: Any) -> None:
        raise _Refused("含有实体声明（<!ENTITY …>），Excel 从不写入，可能是“实体炸弹”或读取外部文件的恶意表格")

    def _external(self, *args: Any) -> int:
        raise _Refused("引用了外部实体，Excel 从不写入，可能是读取外部文件的恶意表格")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _Refused(f"XML 嵌套超过 {MAX_XML_DEPTH} 层，不是 Excel 写出的表格")
        if name == f"{MAIN_NS} si":
            self.shared_strings += 1
            if self.shared_strings > MAX_SHARED_STRINGS:
                raise _Refused(f"共享字符串超过 {MAX_SHARED_STRINGS:,} 个")
        if name == f"{MAIN_NS} row":
            self.row = _number(attrs["r"], "行号") if "r" in attrs else self.row + 1
            self.col = 0
        elif name == f"{MAIN_NS} c":
            ref = attrs.get("r")
            if ref:
                m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})", ref)
                if not m:
                    raise _Refused(f"单元格位置 '{ref[:20]}' 无效")
                self.col, row = _col_number(m[1]), int(m[2])
            else:
                self.col, row = self.col + 1, self.row
            self.cell = {"row": row, "col": self.col, "t": attrs.get("t", "n"), "f": None, "v": None, "value": False}
        elif self.cell is not None and name in (f"{MAIN_NS} f", f"{MAIN_NS} v"):
            self.capture = name[-1]
            self.cell[self.capture] = ""
        elif self.cell is not None and name == f"{MAIN_NS} is":
            self.cell["value"] = True
        elif name == f"{MAIN_NS} mergeCell":
            self._merge(attrs.get("ref", ""))

    def _merge(self, ref: str) -> None:
        """A merged range (<mergeCell ref="A1:L1"/>): its cells are read as the value of its first cell."""
        if len(self.scan.merges) >= MAX_MERGES:
            raise _Refused(f"合并单元格超过 {MAX_MERGES:,} 处")
        m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9}):\$?([A-Za-z]{1,3})\$?([0-9]{1,9})", ref)
        if not m:
            if re.fullmatch(r"\$?[A-Za-z]{1,3}\$?[0-9]{1,9}", ref):
                return  # a range of one cell merges nothing
            raise _Refused(f"合并单元格范围 '{ref[:20]}' 无效")
        r1, r2 = sorted((int(m[2]), int(m[4])))
        c1, c2 = sorted((_col_number(m[1]), _col_number(m[3])))
        if r1 >= 1 and c1 >= 1 and (r1, c1) != (r2, c2):
            self.scan.merges.append((r1, c1, r2, c2))

    def _chars(self, data: str) -> None:
        if self.capture and self.cell is not None and len(self.cell[self.capture]) < 200:
            self.cell[self.capture] += data

    def _end(self, name: str) -> None:
        self.depth -= 1
        if name in (f"{MAIN_NS} f", f"{MAIN_NS} v"):
            self.capture = None
        elif name == f"{MAIN_NS} c" and self.cell is not None:
            cell, self.cell = self.cell, None
            formula, value = cell["f"], cell["v"]
            if not (cell["value"] or formula is not None or value):
                return  # an empty (formatted) cell
            if cell["row"] > MAX_ROWS:
                self.scan.beyond_rows = self.scan.beyond_rows or cell["row"]
                return
            key = (cell["row"], cell["col"] - 1)
            if cell["col"] > MAX_COLUMNS:
                self.scan.wide.setdefault(cell["row"], cell["col"] - 1)
                return
            self.scan.max_row = max(self.scan.max_row, cell["row"])
            self.scan.max_col = max(self.scan.max_col, cell["col"])
            if cell["t"] == "e":
                self.scan.formulas[key] = (f"单元格是 Excel 错误值 {(value or '').strip()[:20]}", "修正公式，或填写数值或文字")
            elif formula is not None and value is None and cell["t"] != "inlineStr":  # <v/> is a saved empty result
                shown = formula.strip()[:40] or "共享公式"
                self.scan.formulas[key] = (f"单元格是公式（={shown}），但文件中没有保存公式的计算结果",
                                           "在 Excel 或 WPS 中打开此文件并保存（会保存计算结果），或把这些单元格复制后“选择性粘贴为数值”")


def _number(value: str, what: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise _Refused(f"{what} '{value[:20]}' 无效")
    return int(value)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _check_zip(name: str, raw: bytes) -> dict[str, _SheetScan]:
    """Open the .xlsx as a zip and read every XML part once (see :class:`_PartReader`); what each part
    holds as a sheet, by part name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise unreadable(name, "不是有效的 .xlsx 文件（不是 zip 压缩包，或文件不完整）") from None
    with archive:
        return _scan_parts(name, archive)


def _scan_parts(name: str, archive: zipfile.ZipFile) -> dict[str, _SheetScan]:
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise unreadable(name, f"压缩包内有 {len(members):,} 个文件，超过上限 {MAX_PARTS:,}")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise unreadable(name, f"解压后共 {unpacked:,} 字节，超过上限 {MAX_UNPACKED_BYTES:,} 字节（可能是“压缩炸弹”）",
                         "把表格分成几个文件分别导入；" + RESAVE)
    scans: dict[str, _SheetScan] = {}
    for member in members:
        if member.is_dir() or not member.filename.lower().endswith((".xml", ".rels")):
            continue
        if member.flag_bits & 0x1:
            raise unreadable(name, "工作簿已加密", "在 Excel 中取消密码后另存为 .xlsx")
        reader = _PartReader()
        try:
            with archive.open(member) as part:
                while chunk := part.read(1 << 16):
                    reader.feed(chunk)
                reader.feed(b"", final=True)
        except _Refused as exc:
            raise unreadable(name, f"内部文件 {member.filename[:80]} {exc}") from None
        except expat.ExpatError as exc:
            raise unreadable(name, f"文件已损坏：内部文件 {member.filename[:80]} 不是有效的 XML（{exc}）") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError) as exc:
            raise unreadable(name, f"文件不完整或已损坏：内部文件 {member.filename[:80]} 无法解压（{exc}）") from None
        scans[member.filename] = reader.scan
    return scans


def read_xlsx(name: str, raw: bytes) -> Sheet:
    import openpyxl

    scans = _check_zip(name, raw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
            raise unreadable(name, f"无法读取此 .xlsx 文件（{type(exc).__name__}: {str(exc)[:200]}）") from None
        try:
            if not book.worksheets:
                raise unreadable(name, "工作簿中没有工作表", "导入的是第一个工作表")
            ws = book.worksheets[0]
            scan = scans.get(str(getattr(ws, "_worksheet_path", "")).lstrip("/"))
            if scan is None:
                raise unreadable(name, "找不到第一个工作表的内容")
            if scan.beyond_rows:
                raise unreadable(name, f"工作表超过 {MAX_ROWS:,} 行（第 {scan.beyond_rows:,} 行有内容）",
                                 "把表格分成几个文件分别导入")
            rows: list[tuple[int, list[Any]]] = []
            if scan.max_row and scan.max_col:
                ws.reset_dimensions()  # the sheet's own <dimension> may claim a million rows and columns
                cells = ws.iter_rows(min_row=1, max_row=scan.max_row, min_col=1, max_col=scan.max_col, values_only=True)
                rows = [(i, list(r)) for i, r in enumerate(cells, start=1)]
        except ImportProblems:
            raise
        except Exception as exc:  # noqa: BLE001 - as above, reading the rows of a damaged sheet
            raise unreadable(name, f"无法读取第一个工作表（{type(exc).__name__}: {str(exc)[:200]}）") from None
        finally:
            book.close()
    sheet = Sheet(name, "xlsx", rows, dict(scan.formulas), [_too_wide(row, i) for row, i in sorted(scan.wide.items())])
    _fill_merges(sheet, scan)
    for warning in caught:  # openpyxl turns a date cell it cannot convert into #VALUE! and only warns
        m = re.match(r"Cell \$?([A-Z]{1,3})\$?([0-9]+) is marked as a date", str(warning.message))
        if m:
            sheet.formulas[(int(m[2]), _col_number(m[1]) - 1)] = ("日期超出 Excel 能表示的范围", "填写 2023-12-31 这样的日期")
    return sheet


def _fill_merges(sheet: Sheet, scan: _SheetScan) -> None:
    """Every cell of a merged range holds the value of the range's first cell (a title merged across the
    columns, a 反馈问题 merged over its measure rows); ``sheet.merged`` records where each came from.
    Ranges are clipped to the cells with values; overlapping ranges (Excel never writes them) cannot make
    more cells than the sheet has."""
    if not sheet.rows:
        return
    budget = scan.max_row * scan.max_col
    for r1, c1, r2, c2 in scan.merges:
        if r1 > scan.max_row or c1 > scan.max_col:
            continue
        r2, c2 = min(r2, scan.max_row), min(c2, scan.max_col)
        budget -= (r2 - r1 + 1) * (c2 - c1 + 1)
        if budget < 0:
            raise unreadable(sheet.name, "合并单元格互相重叠（Excel 从不写入），无法读取")
        value = sheet.rows[r1 - 1][1][c1 - 1] if c1 - 1 < len(sheet.rows[r1 - 1][1]) else None
        for r in range(r1, r2 + 1):
            cells = sheet.rows[r - 1][1]
            for c in range(c1 - 1, c2):
                if (r, c) == (r1, c1 - 1):
                    continue
                while len(cells) <= c:
                    cells.append(None)
                cells[c] = value
                sheet.merged[(r, c)] = r1


def norm_header(value: Any) -> str:
    return vocab.norm_header(value)


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


def shown(value: str, limit: int = 40) -> str:
    """A cell's text as quoted in a message (a cell may hold 100,000 characters)."""
    return value if len(value) <= limit else value[:limit] + "…"


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


def ascii_digits(value: Any) -> str:
    """The cell's text without spaces, full-width digits as ASCII (other Unicode digits stay, and fail)."""
    return re.sub(r"\s", "", text(value)).translate(ASCII_DIGITS)


def parse_whole(value: Any, low: int, high: int) -> tuple[int | None, str]:
    s = ascii_digits(value)
    if not re.fullmatch(r"[0-9]+", s):
        return None, f"“{shown(s)}”不是整数（整数只能用数字 0-9 书写）"
    if len(s) > 15 or not low <= int(s) <= high:
        return None, f"{shown(s)} 超出允许的范围（{low}–{high:,}）"
    return int(s), ""


def parse_count(value: Any) -> tuple[int | None, str]:
    """A penalty count; a unit after the number (3家, 2人次) is allowed."""
    s = ascii_digits(value)
    m = re.fullmatch(rf"([0-9]+)(?:{'|'.join(vocab.UNITS[2:])})", s)
    return parse_whole(m[1] if m else value, 0, MAX_COUNT)


def parse_fines(value: Any, unit: str = "万元") -> tuple[str | None, str]:
    """罚款金额 as the YAML number in 万元 to write; ``unit`` is the column's (元 or 万元), a unit written
    after the number in the cell wins."""
    if isinstance(value, float):
        value = round(value, FINE_PLACES + (4 if unit == "元" else 0))  # a computed cell: 0.30000000000000004
    s = ascii_digits(value)
    m = re.fullmatch(r"(.*?)(万元|元)", s)
    if m and m[1]:
        s, unit = m[1], m[2]
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", s):
        return None, f"“{shown(s)}”不是数字（只能用数字 0-9 和小数点书写，单位{unit or '万元'}）"
    amount = decimal.Decimal(s) if len(s) <= 40 else MAX_FINES * 10_000 + 1
    if unit == "元":
        amount = amount / 10_000
    if amount > MAX_FINES:
        return None, f"{shown(s)} {unit or '万元'}超出允许的范围（0–{MAX_FINES:,} 万元）"
    if amount != round(amount, FINE_PLACES):
        return None, f"{shown(s)} 的小数超过 {FINE_PLACES} 位（万元保留到 6 位小数，即 0.01 元）"
    return f"{amount.normalize():f}", ""


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(s: str) -> int | None:
    """17 from 17, １７ or 十七 (一百零二 = 102); None when it is not such a number."""
    s = s.translate(ASCII_DIGITS)
    if re.fullmatch(r"[0-9]{1,6}", s):
        return int(s)
    if not s or len(s) > 8 or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in s):
        return None
    total = digit = 0
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
    return total + digit


BATCH_RE = re.compile(r"第\s*([0-9０-９零〇一二两三四五六七八九十百千]{1,8})\s*批")
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


def split_units(value: str) -> list[str]:
    """A cell of units or regions split on 、，,；; and line breaks, but not inside brackets:
    「各县（市、区）人民政府、市生态环境局」 is two units."""
    out, depth, current = [], 0, ""
    for ch in value:
        if ch in "（(【[〔":
            depth += 1
        elif ch in "）)】]〕":
            depth = max(depth - 1, 0)
        if depth == 0 and ch in "、，,；;/／\n":
            out.append(current)
            current = ""
        else:
            current += ch
    out.append(current)
    return [u.strip() for u in out if u.strip()]


def unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


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

    def lookup(self, name: str) -> tuple[str | None, str]:
        """(code, "") or (None, why)."""
        name = re.sub(r"\s", "", name)
        if re.fullmatch(r"\d{6}", name) and any(r.code == name for r in self.regions):
            return name, ""
        codes = self.names.get(name)
        if not codes:  # 江川省江川市河口县: the longest known name it ends with
            ends = sorted((k for k in self.names if name.endswith(k)), key=len, reverse=True)
            codes = self.names[ends[0]] if ends else None
        if not codes:
            return None, f"“{shown(name)}”不是 regions.yaml 中的行政区域"
        if len(codes) > 1:
            return None, f"“{shown(name)}”对应几个行政区域（{'、'.join(sorted(codes))}）：请写全称或区域代码"
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

def parse_date(value: Any) -> tuple[dt.date | None, str]:
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    s = ascii_digits(value)
    m = re.fullmatch(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?前?", s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), ""
        except ValueError:
            return None, f"“{shown(s)}”不是存在的日期"
    return None, f"“{shown(s)}”不是日期（写作 2023-12-31）"


def parse_deadline(value: Any) -> tuple[Any, str]:
    """A date, a year (int), 长期坚持 or 立行立改, as the content format writes them."""
    deadline, why = _deadline(value)
    if why or deadline is None or isinstance(deadline, str):
        return deadline, why
    year = deadline if isinstance(deadline, int) else deadline.year
    if not YEARS[0] <= year <= YEARS[1]:
        return None, f"{year} 年不在 {YEARS[0]}–{YEARS[1]} 年之间"
    return deadline, ""


def _deadline(value: Any) -> tuple[Any, str]:
    s = ascii_digits(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return parse_date(value)
    word = vocab.DEADLINE_WORDS.get(re.sub(r"[，,、；;。]", "", s))
    if word:
        return word, ""
    m = re.fullmatch(r"([0-9]{4})年?(?:年底|底|12月底)?前?", s)
    if m and (s.endswith(("底", "底前", "年", "年前")) or s == m[1]):
        return int(m[1]), ""
    m = re.fullmatch(r"([0-9]{4})年([0-9]{1,2})月底?前?", s)
    if m and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        if not 1 <= y:
            return None, f"“{shown(s)}”不是整改时限"
        return dt.date(y, mo, calendar.monthrange(y, mo)[1]), ""
    day, _ = parse_date(s)
    if day:
        return day, ""
    return None, f"“{shown(s)}”不是整改时限"


def parse_progress(value: Any) -> tuple[Any, str]:
    """(status, on_schedule) from the phrases of :data:`generator.commands.import_vocab.PROGRESS` in 整改进展. A
    close-out (销号, 已验收) needs a notice and is recorded in the task file after import; 完成交账销号 is
    read as 已完成 (待验收), its close-out likewise recorded later."""
    s = text(value)
    if not s:
        return ("", None), ""
    compact = re.sub(r"\s", "", s)
    hit = next(((status, on) for words, status, on in vocab.PROGRESS if words in compact), None)
    if ("销号" in compact or "已验收" in compact) and "完成交账销号" not in compact:
        return None, f"“{shown(s)}”：验收和销号须经公示，导入后在任务文件中另行记录，不能由导入写入"
    if hit:
        return hit, ""
    return None, f"“{shown(s)}”看不出整改进展（应含 已完成、达到序时进度、未达到序时进度、整改中、长期坚持、未启动 等说法）"


# --- columns -----------------------------------------------------------------------------------

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
    """Cols whose aliases are the header spellings :data:`generator.commands.import_vocab.COLUMNS` lists."""
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
STATUS_BY_LABEL = {label: key for key, label in COMPLAINT_STATUS_LABELS.items()}


@dataclass
class Header:
    row: int  # the last header row: data rows follow
    first: int  # the first header row: rows above are titles
    mapping: dict[int, Col]
    units: dict[int, str] = field(default_factory=dict)  # column index → unit its header names (元, 万元 …)
    notes: list[Issue] = field(default_factory=list)  # columns left out on purpose (printed as warnings)
    cells: tuple[str, ...] = ()  # the header as compared, to skip a header repeated further down
    labels: dict[int, str] = field(default_factory=dict)  # column index → header as written, without line breaks


def header_map(sheet: Sheet, kind: str, columns: list[Col], issues: list[Issue],
               profile: import_profile.Profile | None = None) -> Header:
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
                    labels={i: import_profile.label(x) for i, x in enumerate(combined) if norm_header(x)})
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


def section_channel(cells: list[Any]) -> str | None:
    """The channel a section row 「来电」/「来信」 sets for the rows below it, or None for any other row."""
    values = {re.sub(r"\s", "", text(c)) for c in cells if text(c)}
    if len(values) != 1:
        return None
    m = vocab.SECTION_RE.match(values.pop())
    return vocab.CHANNELS[m[1]] if m else None


@dataclass
class Item:
    row: int
    key: str  # complaint ref or task id
    fields: list[tuple[str, str]] = field(default_factory=list)  # (YAML key, YAML value text)
    batch: int | None = None  # a complaint's batch, when its row names one
    forwarded: dt.date | None = None  # its batch's date, when its row names one (a 交办日期 column)
    rows: list[int] = field(default_factory=list)  # all rows of a task (a 反馈问题 merged over several)


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


EXTRA = "extra:"  # the key of a Col an import profile keeps, before its label
_EXTRA_BREAKS = re.compile(r"[ \t\u3000]*[\r\n\t\u2028\u2029\x85\x0b\x0c]+[ \t\u3000]*")


def extra_yaml(extra: list[tuple[str, str]]) -> str:
    """The ``extra`` field of an item: label → text, as a YAML flow mapping on one line."""
    return "{" + ", ".join(f"{q(k)}: {q(v)}" for k, v in extra) + "}"


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


REF_BATCH_RE = re.compile(r"^\s*第\s*([0-9０-９零〇一二两三四五六七八九十百千]{1,8})\s*批[\s:：,，、]*")


def batch_cell(value: str) -> int | None:
    """The batch a 批次 cell names: 19, 第19批, 第十九批; None when it names none."""
    s = ascii_digits(value)
    m = BATCH_RE.fullmatch(s)
    return chinese_number(m[1] if m else s)


def split_ref(value: str) -> tuple[int | None, list[str]]:
    """「第31批 D3GS202312200043」 → (31, [ref]); 「D1、D2」 → (None, [D1, D2]): the batch a 受理编号 cell
    names in front, and the numbers it holds (several are joined by 、 , ， ; or spaces)."""
    batch = None
    m = REF_BATCH_RE.match(value)
    if m:
        batch = chinese_number(m[1])
        value = value[m.end():]
    return batch, [p for p in re.split(r"[、，,；;\s]+", value) if p]


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
    """污染类型 as the content types (大气污染 → 大气, 扬尘 → 大气 …, see generator.import_vocab)."""
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
    """One complaint; its ref is "" when the table has no 受理编号 column (made by :func:`run`)."""
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
        profile: str | None = None) -> Result:
    """Import one table. For complaints, ``batch`` and ``forwarded_on`` may be None when the file names
    them (a title row 「（第19批 2022年10月9日）」, 第31批 in the 受理编号 cells, a 批次 column); given, they
    must agree with the file (a disagreement is a problem naming both; with ``force`` the flags win).

    A batch file that exists already (and no ``overwrite``) is re-imported (:class:`Reimport`): a changed
    办结状态 or 处理和整改情况 becomes an ``updates`` entry dated ``date`` (default ``as_of``), new refs are
    appended, refs the table no longer has are reported and kept; an existing task file gains a history
    entry for a changed 整改进展 (:func:`generator.commands.task_reimport.plan_tasks`). ``dry_run`` writes nothing and returns
    the plan of every row (``Result.plans``); ``Result.problems`` then says whether anything was refused."""
    from generator.load.reader import read

    check_arguments(kind, batch, id_prefix)
    date = date or as_of
    if date > as_of:
        raise UsageError(f"--date {date.isoformat()} 晚于数据日期 --as-of {as_of.isoformat()}；未写入任何文件\n"
                         "    提示：更新日期不能在数据日期之后")
    if not (content / "site.yaml").is_file():
        raise PortalError(not_content(content))
    sheet = read_sheet(path)
    chosen = import_profile.choose(sheet, kind, content, profile)  # --profile, or the one whose columns fit the header
    issues: list[Issue] = list(sheet.issues)
    columns = COMPLAINT_COLUMNS if kind == "complaints" else TASK_COLUMNS
    header = header_map(sheet, kind, columns, issues, chosen)
    header_row, mapping = header.row, header.mapping
    if not mapping or _missing_columns(kind, columns, header):
        raise ImportProblems(sheet.name, issues, tail(sheet.name, len(issues)))
    notes = list(header.notes)
    bad_rows: set[int] = {i.row for i in issues if i.row > header_row} | cell_issues(sheet, header_row, mapping, issues)
    data = _data_rows(sheet, header)
    # the content as it is, less the batch files this table re-imports (Reimport reads those itself)
    again_ = [] if kind != "complaints" or overwrite else _named_batches(sheet, header, data, batch)
    loaded, _ = read(content, skip=[f"complaints/{n}.yaml" for n in again_])
    if loaded is None:
        raise PortalError(not_content(content))
    regions = RegionNames(loaded.regions)
    if kind == "complaints":
        batch, forwarded_on = _file_batch(sheet, header, batch, forwarded_on, issues, notes)
        items = _complaint_items(sheet.name, data, header, regions, loaded, batch, overwrite, issues, notes, bad_rows)
    else:
        items = _task_items(sheet, data, header, regions, id_prefix, date, issues, notes, bad_rows)
    if issues and not force and not dry_run:
        raise ImportProblems(sheet.name, issues, tail(sheet.name, len(issues), "给 --force 时只写入没有问题的行"))
    # files to write
    files: dict[Path, str] = {}
    plans: list[RowPlan] = [RowPlan(row, "", "refused", "此行有问题（见问题列表）") for row in sorted(bad_rows)]
    source = "".join(ch if ch.isprintable() else "?" for ch in sheet.name)  # a YAML comment: one line
    if kind == "complaints":
        batches = sorted({i.batch for i in items if i.batch is not None} or ({batch} if batch is not None else set()))
        if not batches:
            raise UsageError(NEEDS_BATCH)
        again = {n for n in batches if not overwrite and (content / "complaints" / f"{n}.yaml").is_file()}
        before = len(issues)
        table_keys = columns_of(mapping)
        days = _batch_dates(items, forwarded_on, force, issues, table_keys)
        dated = {n: day for n, day in days.items() if day is not None}
        undated = [n for n in batches if n not in dated and n not in again]
        if undated:
            raise UsageError(f"不知道第{'、'.join(map(str, undated))}批的交办日期：{sheet.name} 的标题行中没有日期（例如 2022年10月9日），"
                             "也没有“交办日期”列；未写入任何文件\n    提示：给 --forwarded-on YYYY-MM-DD（交办这一批的日期），"
                             "或在表格中加一列“交办日期”")
        for number in batches:
            rel = Path("complaints") / f"{number}.yaml"
            batch_items = [i for i in items if i.batch == number]
            if number in again:
                target = inside(content, rel)
                re_ = Reimport(rel, target.read_text(encoding="utf-8"), date, force, days.get(number))
                body = re_.run(batch_items, table_keys, issues, notes, _refs_of(data, header, bad_rows))
                plans += re_.plans
                if body is not None:
                    files[rel] = body
            else:
                files[rel] = complaints_yaml(batch_items, number, dated[number], source)
                action = "replace" if (content / rel).exists() else "create"  # --overwrite
                plans += [RowPlan(i.row, i.key, action) for i in batch_items]
        if len(issues) > before and not force and not dry_run:
            raise ImportProblems(sheet.name, issues, tail(sheet.name, len(issues), "给 --force 时跳过被拒绝的改动"))
    else:  # an existing task file is re-imported as history (generator.task_reimport), unless --overwrite
        from generator.commands.task_reimport import plan_tasks

        before = len(issues)
        files, task_plans = plan_tasks(content, items, header, data, id_prefix, date, force, overwrite, source, bad_rows,
                                       issues, notes)
        plans += task_plans
        if len(issues) > before and not force and not dry_run:
            raise ImportProblems(sheet.name, issues, tail(sheet.name, len(issues), "给 --force 时跳过被拒绝的改动"))
    targets = {rel: inside(content, rel) for rel in files}
    taken = [content / f for f in files if (content / f).exists() and not (kind == "complaints" and int(f.stem) in again)
             and kind == "complaints"]  # an existing task file is re-imported, or replaced with --overwrite
    if dry_run:
        shown_ = sorted([*issues, *notes], key=lambda i: (i.row, i.column, i.message))
        refused = (bool(issues) and not force) or (bool(taken) and not overwrite)  # what the import itself would refuse
        if not refused and files:
            try:
                _check_result(content, files, as_of, sheet.name, Located(kind, mapping))
            except PortalError as exc:
                shown_lines = [i.format(sheet.name) for i in shown_] + [str(exc)]
                return Result([], sorted(bad_rows), sheet.encoding, shown_lines, sorted(plans, key=_plan_order), True)
        return Result([], sorted(bad_rows), sheet.encoding, [i.format(sheet.name) for i in shown_],
                      sorted(plans, key=_plan_order), refused)
    if taken and not overwrite:
        raise PortalError("这些文件已经存在，未作改动：" + "、".join(str(t) for t in taken)
                          + "；未写入任何文件\n    提示：确要用表格替换它们时给 --overwrite（已公开的内容会被覆盖）")
    if files:
        _check_result(content, files, as_of, sheet.name, Located(kind, mapping))
    written = write_files(content, targets, files)
    shown_ = sorted([*issues, *notes], key=lambda i: (i.row, i.column, i.message))
    return Result(written, sorted(bad_rows), sheet.encoding, [i.format(sheet.name) for i in shown_],
                  sorted(plans, key=_plan_order))


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


def _missing_columns(kind: str, columns: list[Col], header: Header) -> bool:
    """The header lacks a required column (header_map has said which)."""
    mapped = {c.key for c in header.mapping.values()}
    return any(c.required and c.key not in mapped for c in columns) or \
        (kind == "tasks" and not mapped & {"responsible_units", "lead_units"})


def _named_batches(sheet: Sheet, header: Header, data: list[tuple[int, list[Any], str | None]],
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


def _refs_of(data: list[tuple[int, list[Any], str | None]], header: Header, rows: set[int]) -> set[str]:
    """The refs (lower case) written in the given rows: rows left out for their problems are not gone."""
    col = next((i for i, c in header.mapping.items() if c.key == "ref"), None)
    if col is None:
        return set()
    return {x.lower() for row, cells, _ in data if row in rows and col < len(cells) for x in split_ref(text(cells[col]))[1]}


def _plan_order(plan: RowPlan) -> tuple[int, int, str]:
    return (plan.row == 0, plan.row, plan.key)


def _data_rows(sheet: Sheet, header: Header) -> list[tuple[int, list[Any], str | None]]:
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
        if tuple(norm_header(x) for x in cells) == header.cells[:len(cells)] and len(cells) > 1:
            continue
        out.append((row, cells, section))
    return out


def _file_batch(sheet: Sheet, header: Header, batch: int | None, forwarded_on: dt.date | None,
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


def _complaint_items(name: str, data: list[tuple[int, list[Any], str | None]], header: Header, regions: RegionNames,
                     loaded: Any, batch: int | None, overwrite: bool, issues: list[Issue], notes: list[Issue],
                     bad_rows: set[int]) -> list[Item]:
    has_ref = any(c.key == "ref" for c in header.mapping.values())
    existing = {c.ref.lower(): b.batch for b in loaded.batches for c in b.complaints}
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
        elif key and key in existing and existing[key] != item.batch:
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


def _task_items(sheet: Sheet, data: list[tuple[int, list[Any], str | None]], header: Header, regions: RegionNames,
                id_prefix: str, as_of: dt.date, issues: list[Issue], notes: list[Issue], bad_rows: set[int]) -> list[Item]:
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



# --- re-import: a batch file that exists already gains history, never an edit --------------------

# the fields a re-import may turn into an update entry; every other field of a published complaint stays
HISTORY_FIELDS = ("status", "handling")
PENALTY_LABELS = {"orders": "责令整改", "fines_wan_yuan": "罚款（万元）", "cases": "立案处罚", "interviews": "约谈",
                  "accountable_persons": "问责"}
PENALTY_KEYS = tuple(PENALTY_LABELS)
FIELD_LABELS = {"channel": "受理方式", "region": "行政区域", "types": "污染类型", "summary": "交办问题基本情况",
                "priority": "是否重点件", "findings": "调查核实情况", "substantiated": "是否属实",
                "accountability": "责任追究情况", "penalties": "处理处罚", "extra": "其他信息"}


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


def _item_values(items: list[Item]) -> list[dict[str, Any]]:
    """The values of imported items, as the YAML they would be written as reads back (one document: fast)."""
    import yaml

    body = "\n".join("- " + "\n  ".join(f"{k}: {v}" for k, v in item.fields if not v.startswith("\n")) for item in items)
    return (yaml.load(body, Loader=_yaml_loader()) or []) if items else []


def _yaml_loader() -> Any:
    """libyaml's safe loader when PyYAML has it (a 5,000-complaint file re-imports in seconds), else PyYAML's."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def _last_content_line_end(body: str, index: int) -> int:
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


def history_entry(day: dt.date, status: str, on_schedule: bool | None, note: str) -> str:
    """A task's history entry as the import writes it, on one line: {date: …, status: …, note: …}."""
    schedule = "" if on_schedule is None else f", on_schedule: {'true' if on_schedule else 'false'}"
    return f"{{date: {day.isoformat()}, status: {status}{schedule}, note: {q(note)}}}"


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
            loader = _yaml_loader()(self.body)
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
        values = dict(zip((id(i) for i in slow), _item_values(slow)))
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
            at = _last_content_line_end(self.body, ups.value[-1].end_mark.index)
            self.inserts.append((at, -1, " " * ups.start_mark.column + "- " + entry + "\n"))
        else:
            at = _last_content_line_end(self.body, node.end_mark.index)
            indent = " " * node.start_mark.column
            self.inserts.append((at, -1, f"{indent}updates:\n{indent}  - {entry}\n"))

    def _append(self, seq: Any, item: Item) -> None:
        dash = seq.start_mark.column if seq.value else 2
        lines = [" " * dash + f"# row {item.row}"]
        for i, (k, v) in enumerate(item.fields):
            lines.append(" " * dash + ("- " if i == 0 else "  ") + f"{k}: {v}")
        if seq.value:
            self.inserts.append((_last_content_line_end(self.body, seq.end_mark.index), -1, "\n".join(lines) + "\n"))
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


def _check_result(content: Path, files: dict[Path, str], as_of: dt.date, name: str, located: Located) -> None:
    """Check the content as it would be with the new files, read in their place (nothing is written or
    copied); when that adds problems to those the content has now, :func:`_check_in_copy` finds them again
    in a copy of the content and reports them at their rows. A clean import costs one more reading of the
    content, not two and a copy."""
    from generator.load.reader import read

    after = _problem_texts(*read(content, overrides={rel.as_posix(): body for rel, body in files.items()}), as_of)
    if after and not after.keys() <= _problem_texts(*read(content), as_of).keys():
        _check_in_copy(content, files, as_of, name, located)


def _problem_texts(loaded: Any, found: Problems, as_of: dt.date) -> dict[str, Problem]:
    """Every problem of loaded content (what ``read`` found, and the checks), by its text."""
    from generator.check.rules import check

    items = list(found.items)
    if loaded is not None:
        items += check(loaded, as_of).items
    return {p.format(): p for p in items}


def _check_in_copy(content: Path, files: dict[Path, str], as_of: dt.date, name: str, located: Located) -> None:
    """Run the content checks on a copy of the content with the new files; report only problems that the
    import adds (problems the content already had are not the import's), those in the imported files at
    their row and column. The copy has the content folder's name, so a problem reads the same in both."""
    from generator.load.reader import read

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


__all__ = ["ContentError", "read_sheet", "run"]

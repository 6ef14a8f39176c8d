"""``portal import``: complaint tables and task lists, as provinces keep them in spreadsheets, into content files.

Reads .xlsx (openpyxl, the first sheet) and .csv (UTF-8, with or without BOM, else GBK/GB18030,
detected). The header row is the first of the first ten rows that names the key column (受理编号 for
complaints, 序号 for tasks); rows above it (a table title) and empty rows are skipped. Column names
are compared without spaces and brackets (罚款金额（万元） = 罚款金额万元).

A spreadsheet is untrusted input. Before openpyxl opens an .xlsx, :func:`read_xlsx` checks it as a zip
(sizes from its directory: a "zip bomb" is refused before anything is unpacked) and reads every XML part
once with expat, refusing DTDs and entity declarations (entity bombs, external entities: Excel never
writes them) and measuring the first sheet itself, so a false ``<dimension>`` cannot make openpyxl pad
millions of empty cells. Sizes are bounded (:data:`MAX_FILE_BYTES`, :data:`MAX_ROWS`, :data:`MAX_COLUMNS`,
a cell at most ``schema.MAX_TEXT`` characters), and so is every number written (序号, penalty counts,
fines, years). A formula is imported as the result Excel saved with it (a formula without a saved result
is refused); a text that merely starts with ``=`` stays that text (``data/*.csv`` neutralises it on
output, see :func:`generator.opendata.spreadsheet_text`).

Every problem — an unknown or missing column, a region name not in regions.yaml, a bad value — is
reported with its row and column (``file.xlsx:5: E列 行政区域: …``), and nothing is written. With
``--force`` the rows without problems are written and the rows with problems are left out (and listed).
The result is then checked exactly like ``portal check`` (in a temporary copy of the content folder)
before anything is written; a problem it finds in an imported item is reported at the item's row and
column. An existing file is never replaced unless ``--overwrite`` is given, and every file written must
resolve inside the content folder.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import decimal
import io
import os
import re
import shutil
import stat
import tempfile
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, get_args
from xml.parsers import expat

from .errors import ContentError, PortalError, Problem, UsageError
from .models import COMPLAINT_STATUS_LABELS, PollutionType, Region, Substantiated
from .schema import ID_RE, MAX_TEXT

SEPARATORS = re.compile(r"[、，,；;/／\n]+")

# bounds on what is read (a spreadsheet is untrusted input) and on every value written
MAX_FILE_BYTES = 64 * 2**20  # the .xlsx or .csv file
MAX_UNPACKED_BYTES = 256 * 2**20  # all parts of an .xlsx, as its zip directory declares them (zipfile never unpacks more)
MAX_PARTS = 2000  # files inside an .xlsx
MAX_XML_DEPTH = 64  # element nesting in an .xlsx part (a sheet needs 5)
MAX_SHARED_STRINGS = 1_000_000
MAX_ROWS = 50_000  # rows of the sheet, the title and header rows included
MAX_COLUMNS = 100
MAX_PREFIX = 16  # --id-prefix
MAX_ID = 64  # a task id or 受理编号: file and folder names on every host
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
        return text + (f"\n    hint: {self.hint}" if self.hint else "")


class ImportProblems(PortalError):
    exit_code = 2

    def __init__(self, name: str, issues: list[Issue], tail: str, exit_code: int = 2):
        self.exit_code = exit_code
        self.lines = [i.format(name) for i in sorted(issues, key=lambda i: (i.row, i.column, i.message))]
        super().__init__("\n".join([*self.lines, tail]))


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
                raise PortalError(f"{name}: neither UTF-8 nor GBK text; save it as CSV UTF-8") from None
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


class _PartReader:
    """Parse one XML part of an .xlsx with expat: refuse DTDs and entities, bound the nesting, and (for a
    sheet) record the cells with a value, formulas without a saved result and error values, counting rows
    and columns as openpyxl does."""

    def __init__(self) -> None:
        self.depth = 0
        self.shared_strings = 0
        self.scan = _SheetScan()
        self.row = self.col = 0
        self.cell: Optional[dict[str, Any]] = None
        self.capture: Optional[str] = None  # "f" or "v" while inside one
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
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise unreadable(name, f"不是有效的 .xlsx 文件（不是 zip 压缩包，或文件不完整：{exc}）") from None
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
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
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
        except Exception as exc:
            raise unreadable(name, f"无法读取第一个工作表（{type(exc).__name__}: {str(exc)[:200]}）") from None
        finally:
            book.close()
    sheet = Sheet(name, "xlsx", rows, dict(scan.formulas), [_too_wide(row, i) for row, i in sorted(scan.wide.items())])
    for warning in caught:  # openpyxl turns a date cell it cannot convert into #VALUE! and only warns
        m = re.match(r"Cell \$?([A-Z]{1,3})\$?([0-9]+) is marked as a date", str(warning.message))
        if m:
            sheet.formulas[(int(m[2]), _col_number(m[1]) - 1)] = ("日期超出 Excel 能表示的范围", "填写 2023-12-31 这样的日期")
    return sheet


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


def shown(value: str, limit: int = 40) -> str:
    """A cell's text as quoted in a message (a cell may hold 100,000 characters)."""
    return value if len(value) <= limit else value[:limit] + "…"


def cell_issues(sheet: Sheet, header_row: int, mapping: dict[int, "Col"], issues: list[Issue]) -> set[int]:
    """Problems of single cells of the columns read: too long, or a formula without a saved result, or an
    error value. Returns the rows concerned."""
    rows: set[int] = set()

    def where(i: int) -> str:
        return f"{col_letter(i)}列 {mapping[i].header}" if i in mapping else f"{col_letter(i)}列"

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


def parse_whole(value: Any, low: int, high: int) -> tuple[Optional[int], str]:
    s = ascii_digits(value)
    if not re.fullmatch(r"[0-9]+", s):
        return None, f"'{shown(s)}' is not a whole number（整数只能用数字 0-9 书写）"
    if len(s) > 15 or not low <= int(s) <= high:
        return None, f"{shown(s)} 超出允许的范围（{low}–{high:,}）"
    return int(s), ""


def parse_fines(value: Any) -> tuple[Optional[str], str]:
    """罚款金额 in 万元 as the YAML number to write."""
    if isinstance(value, float):
        value = round(value, FINE_PLACES)  # a computed cell: 0.30000000000000004
    s = ascii_digits(value)
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", s):
        return None, f"'{shown(s)}' is not a number（只能用数字 0-9 和小数点书写，单位万元）"
    amount = decimal.Decimal(s) if len(s) <= 40 else MAX_FINES + 1
    if amount > MAX_FINES:
        return None, f"{shown(s)} 万元超出允许的范围（0–{MAX_FINES:,} 万元）"
    if amount != round(amount, FINE_PLACES):
        return None, f"{shown(s)} 的小数超过 {FINE_PLACES} 位（万元保留到 6 位小数，即 0.01 元）"
    return f"{amount.normalize():f}", ""


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
    s = ascii_digits(value)
    m = re.fullmatch(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?前?", s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), ""
        except ValueError:
            return None, f"'{shown(s)}' is not a real date"
    return None, f"'{shown(s)}' is not a date (write 2023-12-31)"


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
    if s in ("长期坚持", "立行立改"):
        return s, ""
    m = re.fullmatch(r"([0-9]{4})年?(?:年底|底|12月底)?前?", s)
    if m and (s.endswith(("底", "底前", "年", "年前")) or s == m[1]):
        return int(m[1]), ""
    m = re.fullmatch(r"([0-9]{4})年([0-9]{1,2})月底?前?", s)
    if m and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        if not 1 <= y:
            return None, f"'{shown(s)}' is not a deadline"
        return dt.date(y, mo, calendar.monthrange(y, mo)[1]), ""
    day, _ = parse_date(s)
    if day:
        return day, ""
    return None, f"'{shown(s)}' is not a deadline"


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
        return None, f"'{shown(s)}': acceptance and close-out are recorded in the task file after import (they need a notice)"
    for words, status, on_schedule in PROGRESS:
        if words in s:
            return (status, on_schedule), ""
    return None, f"'{shown(s)}' does not say the task's progress (已完成, 达到序时进度, 未达到序时进度, 整改中, 长期坚持, 未启动)"


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
        r.bad("ref", f"'{shown(ref)}' is not a valid reference number (letters, digits and - only)")
    elif len(ref) > MAX_ID:
        r.bad("ref", f"受理编号有 {len(ref)} 个字符，超过上限 {MAX_ID}", "检查是否把几个单元格合在了一起")
    item = Item(r.row, ref)
    channel = ""
    if r.get("channel"):
        channel = CHANNELS.get(r.get("channel"), "")
        if not channel:
            r.bad("channel", f"'{shown(r.get('channel'))}' is not 来电, 来信 or 网络")
    elif ref:
        channel = REF_CHANNEL.get(ref[0].upper(), "")
        if not channel:
            r.bad("ref", f"cannot tell from '{shown(ref)}' whether it came by phone (D…), letter (X…) or online (W…)",
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
            r.bad("types", f"'{shown(t)}' is not a pollution type", "one or more of: " + "、".join(get_args(PollutionType)))
    summary = r.require("summary")
    status_text = r.require("status")
    status = STATUS_BY_LABEL.get(status_text, status_text if status_text in COMPLAINT_STATUS_LABELS else "")
    if status_text and not status:
        r.bad("status", f"'{shown(status_text)}' is not 已办结, 阶段性办结 or 正在办理")
    subst = r.get("substantiated")
    if subst and subst not in get_args(Substantiated):
        r.bad("substantiated", f"'{shown(subst)}' is not 属实, 基本属实, 部分属实 or 不属实")
    item.fields += [("ref", q(ref)), ("channel", channel), ("region", qlist(codes)), ("types", qlist(types)),
                    ("summary", q(summary)), ("status", status)]
    if r.get("priority"):
        flag = {"是": "true", "否": "false", "": "false"}.get(r.get("priority"))
        if flag is None:
            r.bad("priority", f"'{shown(r.get('priority'))}' is not 是 or 否")
        item.fields.append(("priority", flag or "false"))
    for key in ("findings", "handling", "accountability"):
        if r.get(key):
            item.fields.append((key, q(r.get(key))))
    if subst:
        item.fields.append(("substantiated", subst))
    penalties = []
    for key in ("orders", "fines_wan_yuan", "cases", "interviews", "accountable_persons"):
        if r.get(key):
            value = r.parse(key, parse_fines if key == "fines_wan_yuan" else lambda v: parse_whole(v, 0, MAX_COUNT))
            if value is not None:
                penalties.append(f"{key}: {value}")
    if penalties:
        item.fields.append(("penalties", "{" + ", ".join(penalties) + "}"))
    return item


def task_item(r: RowReader, regions: RegionNames, prefix: str, day: dt.date) -> Item:
    number = None
    if r.require("number"):
        number = r.parse("number", lambda v: parse_whole(v, 1, MAX_NUMBER), f"序号是 1–{MAX_NUMBER} 之间的整数，只用数字 0-9 书写，例如 7")
    task_id = f"{prefix}{number:02d}" if number is not None else ""
    if task_id and (not ID_RE.match(task_id) or len(task_id) > MAX_ID):
        r.bad("number", f"任务编号 '{shown(task_id)}' 无效", "检查 --id-prefix")
        task_id = ""
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
    item.fields += [("id", q(task_id)), ("number", str(number)), ("title", q(title)), ("problem", q(problem))]
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


PREFIX_RE = re.compile(rf"(?:[A-Za-z0-9][A-Za-z0-9-]{{0,{MAX_PREFIX - 1}}})?")


def check_arguments(kind: str, batch: Optional[int], id_prefix: str) -> None:
    """The command-line values that become file names: refused before anything is read."""
    if kind == "tasks" and not PREFIX_RE.fullmatch(id_prefix):
        raise UsageError(f"--id-prefix '{shown(id_prefix)}': 任务编号前缀只能由字母 A-Z a-z、数字 0-9 和 - 组成，"
                         f"以字母或数字开头，最多 {MAX_PREFIX} 个字符；未写入任何文件\n"
                         "    hint: 例如 --id-prefix T-（任务编号为 T-07）")
    if kind == "complaints" and batch is not None and not 1 <= batch <= MAX_NUMBER:
        raise UsageError(f"--batch {shown(str(batch))}: 批次须是 1–{MAX_NUMBER} 之间的整数；未写入任何文件\n"
                         "    hint: 例如 --batch 3（写入 complaints/3.yaml）")


def run(path: Path, kind: str, content: Path, as_of: dt.date, batch: Optional[int] = None,
        forwarded_on: Optional[dt.date] = None, id_prefix: str = "T-", force: bool = False,
        overwrite: bool = False) -> Result:
    from .load import read

    check_arguments(kind, batch, id_prefix)
    loaded, _ = read(content)
    if loaded is None:
        raise PortalError(f"{content}: not a content folder (no readable site.yaml and regions.yaml); run portal check")
    regions = RegionNames(loaded.regions)
    target = content / "complaints" / f"{batch}.yaml"
    if kind == "complaints" and target.exists() and not overwrite:
        raise PortalError(f"{target} exists already and was not changed; nothing was written (give --overwrite to replace it)")
    sheet = read_sheet(path)
    issues: list[Issue] = list(sheet.issues)
    columns = COMPLAINT_COLUMNS if kind == "complaints" else TASK_COLUMNS
    header_row, mapping = header_map(sheet, columns, issues)
    if not mapping or any(i.message.startswith("missing column") for i in issues):
        raise ImportProblems(sheet.name, issues, f"{len(issues)} problem{'s' if len(issues) != 1 else ''} in "
                             f"{sheet.name}; nothing was written.")
    bad_rows: set[int] = {i.row for i in issues if i.row > header_row} | cell_issues(sheet, header_row, mapping, issues)
    items: list[Item] = []
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
            r.bad("ref" if kind == "complaints" else "number", f"'{shown(item.key)}' is also in row {seen[key]}")
        elif key and kind == "complaints" and key in existing_refs:
            r.bad("ref", f"'{shown(item.key)}' is already in the content (another batch)")
        if key:
            seen.setdefault(key, row)
        if len(issues) > before:
            bad_rows.add(row)
        if row not in bad_rows:
            items.append(item)
    if issues and not force:
        raise ImportProblems(sheet.name, issues, f"{len(issues)} problem{'s' if len(issues) != 1 else ''} in "
                             f"{sheet.name}; nothing was written (--force writes the rows without problems).")
    # files to write
    files: dict[Path, str] = {}
    source = "".join(ch if ch.isprintable() else "?" for ch in sheet.name)  # a YAML comment: one line
    if kind == "complaints":
        assert batch is not None and forwarded_on is not None
        rel = Path("complaints") / f"{batch}.yaml"
        files[rel] = complaints_yaml(items, batch, forwarded_on, source)
    else:
        for item in items:
            files[Path("tasks") / f"{item.key}.yaml"] = task_yaml(item, source)
    targets = {rel: inside(content, rel) for rel in files}
    taken = [content / f for f in files if (content / f).exists()]
    if taken and not overwrite:
        raise PortalError("these files exist already and were not changed: " + ", ".join(str(t) for t in taken)
                          + "; nothing was written (give --overwrite to replace them)")
    _check_in_copy(content, files, as_of, sheet.name, Located(kind, mapping))
    written = write_files(content, targets, files)
    warnings = [i.format(sheet.name) for i in sorted(issues, key=lambda i: (i.row, i.column, i.message))]
    return Result(written, sorted(bad_rows), sheet.encoding, warnings)


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
        keys = {c.key: (i, c) for i, c in self.mapping.items()}
        alias = {"id": "number", "history": "progress"}.get(key, key)
        for candidate in (alias, {"title": "problem", "regions": "responsible_units", "channel": "ref"}.get(alias, "")):
            if candidate in keys:
                i, c = keys[candidate]
                return f"{col_letter(i)}列 {c.header}"
        return ""


def _check_in_copy(content: Path, files: dict[Path, str], as_of: dt.date, name: str, located: Located) -> None:
    """Run the content checks on a copy of the content with the new files; report only problems that the
    import adds (problems the content already had are not the import's), those in the imported files at
    their row and column."""
    from .check import check
    from .load import read

    def problems(root: Path) -> dict[str, Problem]:
        loaded, found = read(root)
        if loaded is not None:
            found.extend(check(loaded, as_of))
        return {p.format().replace(str(root.name), "content", 1): p for p in found.items}

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / content.name
        shutil.copytree(content, copy, symlinks=True, copy_function=_copy_regular)
        before = problems(copy)
        for rel, body in files.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_text(body, encoding="utf-8")
        after = problems(copy)
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
                elsewhere.append(text_.replace("content/", f"{content.as_posix()}/", 1))
    if issues or elsewhere:
        lines = [*(i.format(name) for i in sorted(issues, key=lambda i: (i.row, i.column, i.message))), *elsewhere]
        raise PortalError("\n".join([*lines, f"{len(lines)} problem(s) in the imported content (rows are noted in the file's "
                                                f"comments); nothing was written from {name}."]))


def _copy_regular(source: str, target: str) -> None:
    """Copy a regular file; anything else (a FIFO, a device) is left out of the copy, never opened."""
    if stat.S_ISREG(os.lstat(source).st_mode):
        shutil.copy2(source, target)


__all__ = ["run", "read_sheet", "ContentError"]

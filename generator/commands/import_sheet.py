"""Reading the table of ``portal import``: a spreadsheet file → a :class:`Sheet`.

Takes the path of an .xlsx (openpyxl, the first sheet) or .csv file (UTF-8, with or without BOM, else
GBK/GB18030, detected); gives a :class:`Sheet`: the rows as numbered lists of cell values, where each
cell of a merged range holds the range's first cell (``Sheet.merged`` says where it came from), the
cells that hold a formula without a saved result or an error value (``Sheet.formulas``), and the
problems of its size (``Sheet.issues``). A file that cannot be read at all raises
:class:`ImportProblems` with exit status 1 (:func:`unreadable`).

A spreadsheet is untrusted input. Before openpyxl opens an .xlsx, :func:`read_xlsx` checks it as a zip
(sizes from its directory: a "zip bomb" is refused before anything is unpacked) and reads every XML part
once with expat, refusing DTDs and entity declarations (entity bombs, external entities: Excel never
writes them) and measuring the first sheet itself, so a false ``<dimension>`` cannot make openpyxl pad
millions of empty cells; merged ranges are bounded in number (:data:`MAX_MERGES`), clipped to the cells with
values, and refused when they overlap. Sizes are bounded (:data:`MAX_FILE_BYTES`, :data:`MAX_ROWS`,
:data:`MAX_COLUMNS`; a cell's length is checked by :func:`generator.commands.import_layout.cell_issues`). A
formula is imported as the result Excel saved with it (a formula without a saved result is refused); a
text that merely starts with ``=`` stays that text (``data/*.csv`` neutralises it on output, see
:func:`generator.render.opendata.spreadsheet_text`).

Also here, as every step of the import uses them: :class:`Issue` (a problem at a row and column of the
sheet, ``file.xlsx:5: E列 行政区域: …``), :class:`ImportProblems`, and :func:`col_letter` and :func:`text`,
which name and read cells in messages (cells are quoted with :func:`generator.load.text.shown`, which escapes
the characters no message should carry).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from generator.errors import PortalError
from generator.load.text import shown

# bounds on what is read (a spreadsheet is untrusted input) and on every value written
MAX_FILE_BYTES = 64 * 2**20  # the .xlsx or .csv file


MAX_UNPACKED_BYTES = 256 * 2**20  # all parts of an .xlsx, as its zip directory declares them (zipfile never unpacks more)
MAX_PARTS = 2000  # files inside an .xlsx
MAX_XML_DEPTH = 64  # element nesting in an .xlsx part (a sheet needs 5)
MAX_SHARED_STRINGS = 1_000_000
MAX_ROWS = 50_000  # rows of the sheet, the title and header rows included
MAX_COLUMNS = 100
MAX_MERGES = 100_000  # merged ranges in the first sheet
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RESAVE = "在 Excel 或 WPS 中打开此文件，另存为“Excel 工作簿 (*.xlsx)”后再导入"


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
    # a cell may be as long as the file (the cell check then names its row and column, see import_layout.cell_issues);
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
                self.scan.formulas[key] = (f"单元格是 Excel 错误值 {shown((value or '').strip(), 20)}", "修正公式，或填写数值或文字")
            elif formula is not None and value is None and cell["t"] != "inlineStr":  # <v/> is a saved empty result
                written = shown(formula.strip()) or "共享公式"
                self.scan.formulas[key] = (f"单元格是公式（={written}），但文件中没有保存公式的计算结果",
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


# --- cells as messages name and quote them -------------------------------------------------------

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

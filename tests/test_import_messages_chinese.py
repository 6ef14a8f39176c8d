"""Every message `portal import` gives a clerk is in Chinese (issue 14, "For clerks"), and a refused cell is
named by its row as the spreadsheet shows it, its column letter and header, and the value written in it.

Many bad tables go through the real CLI: bad values of every kind of column, a duplicate ref, an unknown
and a missing column, a personal-data column, no header, no batch, no date, a file that is no
spreadsheet, a CSV in neither UTF-8 nor GBK, a missing file, a re-import that rewrites a published field,
a task list with bad deadlines and progress. Each printed line is checked with the same English-word
finder as the content messages (tests/test_messages_chinese.py), with the names a clerk sees on screen
allowed (Excel, WPS, CSV, xlsx)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import AS_OF, portal
from importing import csv_file
from test_messages_chinese import english_words

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
# names of programs, formats and file types as the clerk sees them, and the command typed (portal import)
SCREEN = {"Excel", "WPS", "CSV", "xlsx", "csv", "zip", "import"}
HEAD = ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "调查核实情况", "是否属实", "处理和整改情况",
        "责任追究情况", "办结状态", "责令整改（家次）", "罚款金额（万元）", "受理方式", "是否重点件"]
GOOD = ["1", "D2CS202106100001", "反映某厂噪声。", "甲市东区", "噪声", "经查属实。", "属实", "责令整改。", "", "已办结",
        "1", "0.5", "来电", "否"]
# one bad cell per row: (column index, value)
BAD_CELLS = [(1, "D2CS#2021"), (2, ""), (3, "丙市"), (3, "市生态环境局"), (4, "噪音"),
             (6, "大概属实"), (9, "办完了"), (10, "两家"), (11, "五千元"), (11, "1e30"), (12, "当面"), (13, "也许")]


def run(content: Path, sheet: Path, *args: str):  # type: ignore[no-untyped-def]
    return portal("import", sheet, "--content", content, "--as-of", AS_OF, *args)


LINE = re.compile(r"^(?P<name>[^:\s]+\.(?:csv|xlsx)|--[a-z-]+|[^:]*?)(?::(?P<row>\d+))?: (?P<rest>.*)$")


def assert_chinese(output: str) -> None:
    """Every message and hint line holds no English word beyond values, names and the screen's names."""
    lines = [x for x in output.splitlines() if x.strip()]
    assert lines
    for line in lines:
        text = line.removeprefix("portal: ")
        text = re.sub(r"^\S+?\.(?:csv|xlsx)(?::\d+)?: ", "", text)  # the file and row
        text = re.sub(r"^[A-Z]{1,3}列(?: [^:]*)?: ", "", text)  # the column letter and header
        text = text.removeprefix("    提示：")
        text = re.sub(r"“[^”]*”", " ", text)  # a cell's value as quoted
        text = re.sub(r"\S+\.(?:csv|xlsx)\b", " ", text)  # the table's file name elsewhere in the line
        found = [w for w in english_words(text) if w not in SCREEN]
        assert found == [], (line, found)
    assert any(re.search(r"[\u4e00-\u9fff]", x) for x in lines)


def test_every_bad_cell_is_named_in_chinese_with_row_column_and_value(mini: Path, tmp_path: Path) -> None:
    rows = [HEAD]
    for n, (col, value) in enumerate(BAD_CELLS, start=1):
        row = list(GOOD)
        row[0], row[1] = str(n), f"D2CS2021061000{n:02d}"
        row[col] = value
        rows.append(row)
    rows.append([str(len(rows)), "D2CS202106100001", *GOOD[2:]])  # the ref of row 2 again
    r = run(mini, csv_file(tmp_path / "bad.csv", rows), "--kind", "complaints", "--batch", "4", "--forwarded-on", "2021-06-15")
    assert r.code == 2 and "Traceback" not in r.err
    assert_chinese(r.err)
    for n, (col, value) in enumerate(BAD_CELLS, start=2):
        letter = "ABCDEFGHIJKLMN"[col]
        header = re.sub(r"[（）]", "", HEAD[col]) if col in (10, 11) else HEAD[col]
        line = next((x.removeprefix("portal: ") for x in r.err.splitlines()
                     if x.removeprefix("portal: ").startswith(f"bad.csv:{n}: {letter}列 ")), None)
        assert line is not None, (n, col, value, r.err)
        assert line.split(": ", 2)[1].startswith(f"{letter}列 {header[:2]}"), line
        if value:
            assert value in line, (value, line)  # the cell as written is quoted
    assert "bad.csv 中有" in r.err.splitlines()[-1] and "未写入任何文件" in r.err.splitlines()[-1]


@pytest.mark.parametrize("case", ["unknown-column", "missing-column", "personal", "no-header", "no-batch", "no-date",
                                  "not-a-sheet", "neither-encoding", "missing-file", "bad-tasks", "republished"])
def test_whole_file_problems_are_in_chinese(mini: Path, tmp_path: Path, case: str) -> None:
    args = ["--kind", "complaints", "--batch", "4", "--forwarded-on", "2021-06-15"]
    if case == "unknown-column":
        sheet = csv_file(tmp_path / "t.csv", [[*HEAD, "自定义栏目"], [*GOOD, "x"]])
    elif case == "missing-column":
        sheet = csv_file(tmp_path / "t.csv", [HEAD[:3] + HEAD[4:], GOOD[:3] + GOOD[4:]])
    elif case == "personal":
        sheet = csv_file(tmp_path / "t.csv", [[*HEAD, "联系电话"], [*GOOD, "13812345678"]])
    elif case == "no-header":
        sheet = csv_file(tmp_path / "t.csv", [["甲", "乙"], ["1", "2"]])
    elif case == "no-batch":
        sheet, args = csv_file(tmp_path / "t.csv", [HEAD, GOOD]), ["--kind", "complaints"]
    elif case == "no-date":
        sheet, args = csv_file(tmp_path / "t.csv", [HEAD, GOOD]), ["--kind", "complaints", "--batch", "4"]
    elif case == "not-a-sheet":
        sheet = tmp_path / "t.xlsx"
        sheet.write_bytes(b"this is not a spreadsheet\n" * 20)
    elif case == "neither-encoding":
        sheet = tmp_path / "t.csv"
        sheet.write_bytes(",".join(HEAD).encode("utf-8") + b"\r\n\xff\xfe\x81\x30\x81\xff,x\r\n")
    elif case == "missing-file":
        sheet = tmp_path / "absent.csv"
    elif case == "bad-tasks":
        sheet, args = FIXTURES / "tasks-bad.xlsx", ["--kind", "tasks"]
    else:  # a re-import that rewrites a published field
        first = csv_file(tmp_path / "t.csv", [HEAD, GOOD])
        assert run(mini, first, *args).code == 0
        changed = list(GOOD)
        changed[5] = "经查不属实。"
        sheet = csv_file(tmp_path / "t2.csv", [HEAD, changed])
    r = run(mini, sheet, *args)
    assert r.code != 0 and "Traceback" not in r.err, r.err
    assert_chinese(r.err)


def test_the_success_lines_are_chinese(mini: Path, tmp_path: Path) -> None:
    sheet = csv_file(tmp_path / "t.csv", [HEAD, GOOD], "gbk")
    r = run(mini, sheet, "--kind", "complaints", "--batch", "4", "--forwarded-on", "2021-06-15", "--dry-run")
    assert r.code == 0, r.err
    assert_chinese(r.out)
    r = run(mini, sheet, "--kind", "complaints", "--batch", "4", "--forwarded-on", "2021-06-15")
    assert r.code == 0, r.err
    assert_chinese(r.out)
    assert "已导入 t.csv（CSV，GBK）：写入 " in r.out


def test_a_preview_refused_for_the_whole_table_says_so(mini: Path, tmp_path: Path) -> None:
    """A personal-data column refuses the whole table, not a row: the preview's summary must still say
    that the import would be refused (its row counts alone show 拒绝 0)."""
    sheet = csv_file(tmp_path / "t.csv", [[*HEAD, "联系电话"], [*GOOD, "13812345678"]])
    r = run(mini, sheet, "--kind", "complaints", "--batch", "4", "--forwarded-on", "2021-06-15", "--dry-run")
    assert r.code == 2
    assert r.out.splitlines()[-1].endswith("；导入会被拒绝：先改正上面列出的问题"), r.out
    ok = run(mini, csv_file(tmp_path / "ok.csv", [HEAD, GOOD]), "--kind", "complaints", "--batch", "4",
             "--forwarded-on", "2021-06-15", "--dry-run")
    assert ok.code == 0 and "导入会被拒绝" not in ok.out

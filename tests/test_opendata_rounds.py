"""Open data of version-2 content (tests/fixtures/rounds, built once): every item row names its inspection, as
the content files say; the inspections and plans tables hold the facts of inspections/*.yaml; tasks carry their
plan and the earlier tasks they follow, complaints the earlier complaints they repeat; the 数据下载 page
documents the new table and columns. (Version-1 content publishes the tables unchanged: tests/test_opendata.py
on the sample, and the byte-for-byte comparison of the sample build.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROUNDS

pytestmark = pytest.mark.slow  # one real build of tests/fixtures/rounds


@pytest.fixture(scope="module")
def site(rounds_site: Path) -> Path:
    return rounds_site


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def read_csv(site: Path, name: str) -> list[dict[str, str]]:
    raw = (site / "data" / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name}.csv has no BOM"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def tables(site: Path) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = json.loads((site / "data" / "portal.json").read_text(encoding="utf-8"))["tables"]
    return tables


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


# What the content says, read from the fixture's files by the rules of docs/content-format.md: a task names its
# inspection; a batch names it, or its folder complaints/<inspection>/ does.

def task_rounds() -> dict[str, str]:
    return {t["id"]: t["inspection"] for t in map(load, sorted((ROUNDS / "tasks").glob("*.yaml")))}


def complaint_rounds() -> dict[str, str]:
    out = {}
    for path in sorted((ROUNDS / "complaints").rglob("*.yaml")):
        batch = load(path)
        inspection = batch.get("inspection") or path.parent.name
        out.update({c["ref"]: inspection for c in batch["complaints"]})
    return out


def inspections() -> list[dict[str, Any]]:
    return [load(p) for p in sorted((ROUNDS / "inspections").glob("*.yaml"))]


def test_the_fixture_is_what_these_tests_expect() -> None:
    """The cases the tests below rely on (tests/fixtures/rounds/README.md)."""
    assert task_rounds()["R3-1"] == "r3" and task_rounds()["T-1"] == "r2"
    assert load(ROUNDS / "complaints" / "1.yaml")["inspection"] == "r2"
    assert "inspection" not in load(ROUNDS / "complaints" / "r3" / "1.yaml")  # named by its folder
    assert set(complaint_rounds().values()) == {"r2", "r3"}


def test_every_task_and_complaint_row_names_its_inspection(site: Path) -> None:
    expected_tasks, expected_complaints = task_rounds(), complaint_rounds()
    for rows in (read_csv(site, "tasks"), tables(site)["tasks"]):
        assert {r["id"]: r["inspection"] for r in rows} == expected_tasks
    for rows in (read_csv(site, "complaints"), tables(site)["complaints"]):
        assert {r["ref"]: r["inspection"] for r in rows} == expected_complaints
    by_ref = {r["ref"]: r for r in read_csv(site, "complaints")}
    assert by_ref["D2CS202105110001"]["inspection"] == "r2" and by_ref["D3CS202506010001"]["inspection"] == "r3"
    assert by_ref["D2CS202105110001"]["batch"] == by_ref["D3CS202506010001"]["batch"] == "1"  # the column tells them apart
    for task_id, inspection in expected_tasks.items():  # the item's own JSON file too
        assert json.loads((site / "data" / "tasks" / f"{task_id}.json").read_text(encoding="utf-8"))["inspection"] == inspection


def test_notices_and_events_name_the_inspection_of_their_item(site: Path) -> None:
    rounds = task_rounds()
    notices = {a["id"]: ";".join(sorted({rounds[t] for t in a["tasks"]}))
               for a in map(load, sorted((ROUNDS / "announcements").glob("*.yaml")))}
    assert notices == {"N-1": "r2"}  # N-1 covers T-1 of round 2
    assert {r["id"]: r["inspection"] for r in read_csv(site, "notices")} == notices
    of = {"task": rounds, "overdue": rounds, "complaint": complaint_rounds(), "notice": notices}
    events = read_csv(site, "events")
    assert {r["kind"] for r in events} >= {"task", "complaint", "notice"}
    for row in events:
        assert row["inspection"] == of[row["kind"]][row["item"]], row["id"]
    assert [r["inspection"] for r in json.loads((site / "data" / "events.json").read_text(encoding="utf-8"))] == \
        [r["inspection"] for r in events]


def test_the_inspections_table_holds_the_facts_of_each_inspection_file(site: Path) -> None:
    expected = {i["id"]: {"kind": i["kind"], "title": i["title"], "short": i["short"], "team": i["team"],
                          "stay_start": day(i["stay"]["start"]), "stay_end": day(i["stay"]["end"]),
                          "feedback_on": day(i["feedback_on"]), "plans": str(len(i["plans"]))} for i in inspections()}
    rows = read_csv(site, "inspections")
    assert [r["id"] for r in rows] == ["r2", "r3"]  # earliest first
    assert {r["id"]: {k: r[k] for k in expected["r2"]} for r in rows} == expected
    assert rows[1]["stay_start"] == "2025-05-20" and rows[1]["team"] == "中央第五生态环境保护督察组"
    # each round's own tasks and complaints, counted from the content files
    for row in rows:
        assert int(row["tasks"]) == sum(1 for r in task_rounds().values() if r == row["id"])
        assert int(row["complaints"]) == sum(1 for r in complaint_rounds().values() if r == row["id"])
        assert row["url"] == f"inspections/{row['id']}/" and (site / row["url"] / "index.html").is_file()
    assert [r["id"] for r in tables(site)["inspections"]] == ["r2", "r3"]


def test_the_plans_table_has_every_plan_and_tasks_find_theirs(site: Path) -> None:
    expected = [{"inspection": i["id"], "id": p.get("id", ""), "region": p.get("region", ""), "title": p["title"],
                 "approved_on": day(p["approved_on"]), "document": p.get("document", "")}
                for i in inspections() for p in i["plans"]]
    rows = read_csv(site, "plans")
    assert [{k: r[k] for k in expected[0]} for r in rows] == expected
    assert [(r["id"], r["region"], r["region_name"]) for r in rows if r["inspection"] == "r3"] == \
        [("p99", "990000", "测试省"), ("p98", "980000", "邻省")]
    assert [r["document_number"] for r in rows if r["document"] == "doc-plan"] == ["测环〔2021〕1号"]  # documents.yaml
    tasks = {r["id"]: r for r in read_csv(site, "tasks")}
    assert {i: t["plan"] for i, t in tasks.items()} == {"T-1": "", "T-2": "", "R3-1": "p99", "R3-2": "p98"}
    # (inspection, plan) is the key of plans: in SQLite every task joins exactly one plan, the province's
    db = sqlite3.connect(f"file:{site / 'data' / 'portal.sqlite'}?mode=ro", uri=True)
    try:
        joined = db.execute("SELECT t.id, p.region FROM tasks t JOIN plans p ON p.inspection = t.inspection AND p.id = t.plan "
                            "ORDER BY t.id").fetchall()
        assert joined == [("R3-1", "990000"), ("R3-2", "980000"), ("T-1", ""), ("T-2", "")]
        assert [n for (n,) in db.execute("SELECT name FROM pragma_table_info('plans') WHERE pk > 0 ORDER BY pk")] == \
            ["inspection", "id"]
        assert db.execute("SELECT description FROM columns WHERE \"table\" = 'plans' AND name = 'approved_on'").fetchone()[0]
    finally:
        db.close()
    assert {r["id"]: r["tasks"] for r in rows} == {"": "2", "p99": "1", "p98": "1"}


def test_follows_and_repeats_are_list_columns(site: Path) -> None:
    tasks = {r["id"]: r for r in read_csv(site, "tasks")}
    assert tasks["R3-1"]["follows"] == "T-1" and tasks["T-1"]["follows"] == ""
    complaints = {r["ref"]: r for r in read_csv(site, "complaints")}
    assert complaints["D3CS202506010001"]["repeats"] == "D2CS202105110001"
    assert [ref for ref, r in complaints.items() if r["repeats"]] == ["D3CS202506010001"]
    # written like the other list columns ("a;b" in every format), e.g. the complaint's tasks
    data = tables(site)
    assert {t["id"]: t["follows"] for t in data["tasks"]}["R3-1"] == "T-1"
    assert {c["ref"]: (c["repeats"], c["types"]) for c in data["complaints"]}["D2CS202105110001"] == ("", "大气;噪声")


def test_new_cells_are_written_by_the_safe_writer(site: Path) -> None:
    """The one CSV writer quotes every text cell and leaves numbers bare (test_csv_injection.py shows what it
    does with formulas): in every table, new ones included, a cell is bare exactly when portal.json has a number."""
    data = tables(site)
    for name in ("tasks", "complaints", "notices", "events", "inspections", "plans"):
        text = (site / "data" / f"{name}.csv").read_bytes()[3:].decode("utf-8")
        header, *rows = csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC)
        assert len(rows) == len(data[name]) > 0, name
        for row, record in zip(rows, data[name]):
            assert header == list(record), name
            for column, value in zip(header, row):
                assert isinstance(value, float) == isinstance(record[column], (int, float)), (name, column, value)


def test_a_formula_in_a_plan_or_team_becomes_text() -> None:
    from generator.render.opendata import V2_TABLE, csv_bytes

    row = {"inspection": "r3", "id": "p1", "region": "", "region_name": "", "title": "=HYPERLINK(\"http://x\")",
           "approved_on": "2025-11-01", "document": "", "document_number": "+1", "tasks": -3}
    header, cells = csv.reader(io.StringIO(csv_bytes(V2_TABLE["plans"], [row])[3:].decode("utf-8"), newline=""))
    written = dict(zip(header, cells))
    assert written["title"] == "'=HYPERLINK(\"http://x\")" and written["document_number"] == "'+1"
    assert written["tasks"] == "-3" and written["inspection"] == "r3"


def test_the_data_page_documents_the_new_tables_and_columns(site: Path) -> None:
    soup = BeautifulSoup((site / "data" / "index.html").read_text(encoding="utf-8"), "html.parser")
    for name in ("inspections", "plans"):
        heading = soup.select_one(f"h2#table-{name}")
        assert heading is not None and name in heading.get_text(), name
        assert soup.select_one(f'a[href$="data/{name}.csv"]') is not None, name
    assert "督察轮次" in soup.select_one("h2#table-inspections").get_text()
    for name in ("tasks", "complaints", "notices", "events", "inspections", "plans"):
        section = soup.select_one(f'section[aria-labelledby="table-{name}"]')
        assert section is not None, name
        described = {row.select_one("code").get_text(): row.find_all("td")[-1].get_text() for row in section.select("tbody tr")}
        header = list(read_csv(site, name)[0])
        assert list(described) == header, name  # every column of the file, in its order
        for column in header:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in described[column]), (name, column)  # a Chinese description
    tasks = soup.select_one('section[aria-labelledby="table-tasks"]').get_text()
    assert "follows" in tasks and "plan" in tasks

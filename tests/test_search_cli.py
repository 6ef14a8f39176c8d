"""`portal search`: Chinese full text over a whoosh index, filters, and incremental updates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import AS_OF, SAMPLE, portal

from generator.derive.state import derive
from generator.load.reader import load

PORTAL = derive(load(SAMPLE), dt.date.fromisoformat(AS_OF))
pytestmark = pytest.mark.slow  # the first search writes a whoosh index of the whole sample


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("search") / "index"


def search(index_dir: Path, *args: str, content: Path = SAMPLE) -> tuple[list[list[str]], str]:
    result = portal("search", "--content", content, "--as-of", AS_OF, "--index", index_dir, *args)
    assert result.code == 0, result.err
    return [line.split("\t") for line in result.out.splitlines()], result.err


def test_chinese_query_finds_the_task_about_it(index_dir: Path) -> None:
    rows, _ = search(index_dir, "垃圾填埋场", "--kind", "task")
    landfill = {t.task.id for t in PORTAL.tasks if "垃圾填埋场" in t.task.title}
    assert landfill and rows
    assert rows[0][0] in landfill
    assert {r[0] for r in rows} >= landfill
    first = PORTAL.task_by_id[rows[0][0]]
    assert first.inspection is not None  # the sample holds three rounds: a task's number names its round
    assert rows[0] == [first.task.id, f"{first.inspection.label}·第{first.task.number}项 {first.task.title}",
                       first.status_label, first.url]


def test_town_name_and_words_across_fields(index_dir: Path) -> None:
    c = next(c for c in PORTAL.complaints if "河口县" in c.complaint.summary and "噪声" in c.complaint.types)
    rows, _ = search(index_dir, "河口县", "噪声", "--kind", "complaint", "--limit", "200")
    assert c.complaint.ref in {r[0] for r in rows}
    assert all(r[3].startswith("complaints/") for r in rows)


@pytest.mark.parametrize("typed", ["{ref}", "{lower}", " {ref} ", "{fullwidth}"])
def test_reference_number_in_any_case_or_width_comes_first(index_dir: Path, typed: str) -> None:
    ref = PORTAL.complaints[7].complaint.ref
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) for ch in ref)
    rows, _ = search(index_dir, typed.format(ref=ref, lower=ref.lower(), fullwidth=fullwidth))
    assert rows[0][0] == ref


def test_region_filter_includes_regions_inside(index_dir: Path) -> None:
    city = next(r for r in PORTAL.regions if r.depth == 1 and r.children)
    inside = {city.region.code} | {c.region.code for c in city.children}
    unfiltered, _ = search(index_dir, "整改", "--limit", "500")
    rows, _ = search(index_dir, "整改", "--region", city.region.name, "--limit", "500")
    assert 0 < len(rows) < len(unfiltered)
    for item_id, _title, _status, path in rows:
        if path.startswith("tasks/"):
            codes = set(PORTAL.task_by_id[item_id].task.regions)
        elif path.startswith("complaints/"):
            codes = set(next(c for c in PORTAL.complaints if c.complaint.ref == item_id).complaint.region)
        else:
            n = next(n for n in PORTAL.notices if n.ann.id == item_id)
            codes = {code for t in n.tasks for code in t.task.regions}
        assert codes & inside, (item_id, codes)
    same, _ = search(index_dir, "整改", "--region", city.region.code, "--limit", "500")
    assert same == rows


def test_status_filter_by_key_or_label(index_dir: Path) -> None:
    rows, _ = search(index_dir, "整改", "--kind", "task", "--status", "closed", "--limit", "100")
    assert rows and all(r[2] == "已销号" for r in rows)
    by_label, _ = search(index_dir, "整改", "--kind", "task", "--status", "已销号", "--limit", "100")
    assert by_label == rows


def test_bad_filters_are_usage_errors(index_dir: Path) -> None:
    result = portal("search", "--content", SAMPLE, "--as-of", AS_OF, "--index", index_dir, "x", "--region", "火星市")
    assert result.code == 64 and "--region" in result.err
    result = portal("search", "--content", SAMPLE, "--as-of", AS_OF, "--index", index_dir, "x", "--kind", "people")
    assert result.code == 64 and "--kind" in result.err


def test_index_is_updated_incrementally(mini: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    rows, err = search(index, "渗滤液", content=mini)
    assert "search index: 5 added or changed, 0 removed, 0 unchanged" in err  # 2 tasks, 2 complaints, 1 notice
    assert [r[0] for r in rows][:1] == ["T-1"]
    _, err = search(index, "渗滤液", content=mini)
    assert "0 added or changed, 0 removed, 5 unchanged" in err

    task = mini / "tasks" / "T-2.yaml"
    task.write_text(task.read_text(encoding="utf-8").replace("挥发性有机物治理不到位", "挥发性有机物和恶臭治理不到位"), encoding="utf-8")
    rows, err = search(index, "恶臭", content=mini)
    assert "1 added or changed, 0 removed, 4 unchanged" in err
    assert [r[0] for r in rows] == ["T-2"]

    (mini / "complaints" / "1.yaml").unlink()
    _, err = search(index, "恶臭", content=mini)
    assert "0 added or changed, 2 removed, 3 unchanged" in err
    rows, _ = search(index, "噪声", "--kind", "complaint", content=mini)
    assert rows == []

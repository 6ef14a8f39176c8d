"""portal import into content of several inspections (content format version 2): ``--inspection`` (id or short
name) chooses the round, a batch goes to complaints/<inspection>/N.yaml and is numbered and re-imported per
inspection, tasks name their inspection and (``--plan``) their plan; without ``--inspection``, or with one that
names no inspection, the import refuses in Chinese, listing the inspections, and writes nothing.

Content: a copy of tests/fixtures/rounds (its README: r2 第二轮 with batch 1 in complaints/1.yaml, which names
r2; r3 第三轮 with plans p99 and p98 and batch 1 in complaints/r3/1.yaml). No site is built."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, MINI, ROUNDS, check, portal, tree_digest
from importing import xlsx
from test_import_messages_chinese import assert_chinese

HEAD = ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "办结状态"]
# batch 2 of whichever round: two complaints in 甲市东区 (990102) and 丙市 (980100)
BATCH2 = [["第2批 2025年7月1日"], HEAD,
          ["1", "D3CS202507010001", "某厂夜间噪声扰民。", "甲市东区", "噪声", "正在办理"],
          ["2", "D3CS202507010002", "园区河道发黑发臭。", "丙市", "水", "已办结"]]
TASKS = [["序号", "督察反馈问题", "责任单位", "涉及地区", "整改时限", "整改进展"],
         ["2", "丙市某矿山生态修复滞后。", "丙市人民政府", "丙市", "2026年底前", "达到序时进度"]]


@pytest.fixture
def rounds(tmp_path: Path) -> Path:
    """A writable copy of the version-2 fixture content."""
    target = tmp_path / "content"
    shutil.copytree(ROUNDS, target)
    return target


def imp(content: Path, sheet: Path, *args: str):  # type: ignore[no-untyped-def]
    return portal("import", sheet, "--content", content, "--as-of", AS_OF, *args)


def batch_of(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def refs(path: Path) -> dict[str, dict[str, Any]]:
    return {c["ref"]: c for c in batch_of(path)["complaints"]}


def test_a_batch_goes_to_the_folder_of_its_inspection(rounds: Path, tmp_path: Path) -> None:
    r = imp(rounds, xlsx(tmp_path / "b2.xlsx", BATCH2), "--kind", "complaints", "--inspection", "r3")
    assert r.code == 0, r.err
    written = rounds / "complaints" / "r3" / "2.yaml"
    data = batch_of(written)
    assert data["batch"] == 2 and str(data["forwarded_on"]) == "2025-07-01"
    by_ref = refs(written)
    assert set(by_ref) == {"D3CS202507010001", "D3CS202507010002"}
    assert by_ref["D3CS202507010001"]["region"] == ["990102"] and by_ref["D3CS202507010001"]["status"] == "handling"
    assert by_ref["D3CS202507010002"]["region"] == ["980100"] and by_ref["D3CS202507010002"]["status"] == "done"
    assert not (rounds / "complaints" / "2.yaml").exists()
    assert check(rounds).code == 0


def test_the_short_name_chooses_the_inspection(rounds: Path, tmp_path: Path) -> None:
    r = imp(rounds, xlsx(tmp_path / "b2.xlsx", BATCH2), "--kind", "complaints", "--inspection", "第二轮")
    assert r.code == 0, r.err
    assert set(refs(rounds / "complaints" / "r2" / "2.yaml")) == {"D3CS202507010001", "D3CS202507010002"}
    assert not (rounds / "complaints" / "r3" / "2.yaml").exists()
    assert check(rounds).code == 0


@pytest.mark.parametrize("args", [(), ("--inspection", "第四轮"), ("--inspection", "r3", "--plan", "p98")])
def test_no_inspection_or_an_unknown_one_is_refused_and_nothing_written(rounds: Path, tmp_path: Path,
                                                                         args: tuple[str, ...]) -> None:
    sheet = xlsx(tmp_path / "b2.xlsx", BATCH2)
    before = tree_digest(rounds)
    r = imp(rounds, sheet, "--kind", "complaints", *args)
    assert r.code != 0
    assert "Traceback" not in r.err and "未写入任何文件" in r.err
    if "--plan" in args:  # a batch belongs to an inspection, not to a plan
        assert "--plan" in r.err
    else:
        assert "r2（第二轮）" in r.err and "r3（第三轮）" in r.err and "--inspection" in r.err
    if "第四轮" in args:
        assert "第四轮" in r.err
    assert_chinese(r.err)
    assert tree_digest(rounds) == before


def test_reimporting_a_batch_of_round_3_adds_an_update(rounds: Path, tmp_path: Path) -> None:
    assert imp(rounds, xlsx(tmp_path / "b2.xlsx", BATCH2), "--kind", "complaints", "--inspection", "r3").code == 0
    week2 = [row[:] for row in BATCH2]
    week2[2][5] = "已办结"  # D3CS202507010001: 正在办理 → 已办结
    r = imp(rounds, xlsx(tmp_path / "b2-week2.xlsx", week2), "--kind", "complaints", "--inspection", "第三轮",
            "--date", "2026-10-01")
    assert r.code == 0, r.err
    by_ref = refs(rounds / "complaints" / "r3" / "2.yaml")
    first = by_ref["D3CS202507010001"]
    assert first["status"] == "handling"  # as published; the change is history
    assert [(str(u["date"]), u["status"]) for u in first["updates"]] == [("2026-10-01", "done")]
    assert "updates" not in by_ref["D3CS202507010002"]
    assert sorted(p.relative_to(rounds).as_posix() for p in (rounds / "complaints").rglob("*.yaml")) == [
        "complaints/1.yaml", "complaints/r3/1.yaml", "complaints/r3/2.yaml"]
    assert check(rounds).code == 0


def test_a_batch_in_complaints_that_names_its_inspection_is_reimported_where_it_is(rounds: Path, tmp_path: Path) -> None:
    # batch 1 of round 2 is complaints/1.yaml (inspection: r2); the table adds one complaint to it
    table = [["第1批 2021年5月12日"], HEAD,
             ["1", "D2CS202105110001", "某厂夜间生产噪声扰民，废气异味明显。", "甲市东区", "大气、噪声", "已办结"],
             ["2", "D2CS202105120003", "某工地夜间施工。", "乙市", "噪声", "正在办理"]]
    r = imp(rounds, xlsx(tmp_path / "b1.xlsx", table), "--kind", "complaints", "--inspection", "r2")
    assert r.code == 0, r.err
    assert not (rounds / "complaints" / "r2").exists()
    by_ref = refs(rounds / "complaints" / "1.yaml")
    assert set(by_ref) == {"D2CS202105110001", "X2CS202105100002", "D2CS202105120003"}  # the missing one kept
    assert by_ref["D2CS202105120003"]["region"] == ["990200"]
    assert set(refs(rounds / "complaints" / "r3" / "1.yaml")) == {"D3CS202506010001", "D3CS202506010002"}
    assert check(rounds).code == 0


def test_a_batch_number_of_round_2_only_is_a_new_batch_in_round_3(rounds: Path, tmp_path: Path) -> None:
    assert imp(rounds, xlsx(tmp_path / "r2.xlsx", BATCH2[:2] + [
        ["1", "D2CS202107010001", "某矿山扬尘。", "乙市", "大气", "已办结"]]), "--kind", "complaints",
        "--inspection", "r2", "--forwarded-on", "2021-07-01", "--force").code == 0
    round2 = (rounds / "complaints" / "r2" / "2.yaml").read_bytes()
    r = imp(rounds, xlsx(tmp_path / "b2.xlsx", BATCH2), "--kind", "complaints", "--inspection", "r3")
    assert r.code == 0, r.err
    assert set(refs(rounds / "complaints" / "r3" / "2.yaml")) == {"D3CS202507010001", "D3CS202507010002"}
    assert (rounds / "complaints" / "r2" / "2.yaml").read_bytes() == round2
    assert set(refs(rounds / "complaints" / "r2" / "2.yaml")) == {"D2CS202107010001"}
    assert check(rounds).code == 0


def test_tasks_name_their_inspection_and_plan(rounds: Path, tmp_path: Path) -> None:
    r = imp(rounds, xlsx(tmp_path / "t.xlsx", TASKS), "--kind", "tasks", "--inspection", "r3", "--plan", "p98",
            "--id-prefix", "R3-", "--date", "2026-10-01")
    assert r.code == 0, r.err
    task = yaml.safe_load((rounds / "tasks" / "R3-02.yaml").read_text(encoding="utf-8"))
    assert (task["inspection"], task["plan"], task["number"]) == ("r3", "p98", 2)
    assert task["regions"] == ["980100"] and task["history"][0]["status"] == "in_progress"
    assert check(rounds).code == 0
    # the same list again a week later: the task of round 3 gains a history entry
    later = [TASKS[0], TASKS[1][:5] + ["完成整改"]]
    r = imp(rounds, xlsx(tmp_path / "t2.xlsx", later), "--kind", "tasks", "--inspection", "第三轮", "--plan", "p98",
            "--id-prefix", "R3-", "--date", "2026-10-20")
    assert r.code == 0, r.err
    task = yaml.safe_load((rounds / "tasks" / "R3-02.yaml").read_text(encoding="utf-8"))
    assert [h["status"] for h in task["history"]] == ["in_progress", "completed"]
    assert str(task["history"][1]["date"]) == "2026-10-20"


def test_tasks_of_an_inspection_with_several_plans_need_the_plan(rounds: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "t.xlsx", TASKS)
    before = tree_digest(rounds)
    for args, named in [(("--inspection", "r3"), ["p99", "p98", "--plan"]), (("--inspection", "r3", "--plan", "p97"), ["p97", "p99"])]:
        r = imp(rounds, sheet, "--kind", "tasks", *args)
        assert r.code != 0 and all(n in r.err for n in named), r.err
        assert_chinese(r.err)
    assert tree_digest(rounds) == before


def test_a_task_id_of_another_inspection_is_refused(rounds: Path, tmp_path: Path) -> None:
    # 序号 3 with prefix T- is T-03; make T-03 a task of round 2 first (round 2 has numbers 1 and 2)
    first = [TASKS[0], ["3", "乙市某河道黑臭。", "乙市人民政府", "乙市", "2023年底前", "达到序时进度"]]
    assert imp(rounds, xlsx(tmp_path / "r2.xlsx", first), "--kind", "tasks", "--inspection", "r2").code == 0
    assert yaml.safe_load((rounds / "tasks" / "T-03.yaml").read_text(encoding="utf-8"))["inspection"] == "r2"
    before = tree_digest(rounds)
    r = imp(rounds, xlsx(tmp_path / "r3.xlsx", first), "--kind", "tasks", "--inspection", "r3", "--plan", "p99")
    assert r.code != 0 and "T-03" in r.err and "--id-prefix" in r.err
    assert_chinese(r.err)
    assert tree_digest(rounds) == before


def test_one_inspection_needs_no_flag_and_the_flag_changes_nothing(tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "b2.xlsx", [["第2批 2021年7月1日"], HEAD,
                                        ["1", "D2CS202107010001", "某厂夜间噪声扰民。", "甲市东区", "噪声", "正在办理"]])
    outcomes = []
    for name, args in [("plain", ()), ("flag", ("--inspection", "main"))]:
        content = tmp_path / name
        shutil.copytree(MINI, content)
        r = imp(content, sheet, "--kind", "complaints", *args)
        assert r.code == 0, r.err
        outcomes.append(tree_digest(content))
    assert outcomes[0] == outcomes[1] and "complaints/2.yaml" in outcomes[0]
    content = tmp_path / "other"
    shutil.copytree(MINI, content)
    before = tree_digest(content)
    r = imp(content, sheet, "--kind", "complaints", "--inspection", "r3")
    assert r.code != 0 and "r3" in r.err and "第二轮中央生态环境保护督察" in r.err
    assert_chinese(r.err)
    assert tree_digest(content) == before


def test_a_ref_of_another_rounds_batch_of_the_same_number_is_refused_at_its_row(rounds: Path, tmp_path: Path) -> None:
    # D2CS202105110001 is published in batch 1 of round 2; the table puts it into batch 1 of round 3
    table = [["第1批 2025年6月1日"], HEAD,
             ["1", "D3CS202506010001", "填埋场渗滤液又外溢。", "甲市东区", "水", "正在办理"],
             ["2", "D2CS202105110001", "某厂夜间生产噪声扰民。", "甲市东区", "噪声", "已办结"]]
    before = tree_digest(rounds)
    r = imp(rounds, xlsx(tmp_path / "b1.xlsx", table), "--kind", "complaints", "--inspection", "r3")
    assert r.code != 0
    assert "b1.xlsx:4: B列 受理编号: 受理编号 D2CS202105110001 已在另一批中公开" in r.err, r.err
    assert_chinese(r.err)
    assert tree_digest(rounds) == before

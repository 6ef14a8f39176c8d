"""Re-import is history (issue 14): importing a complaint table again into its existing batch file turns each
changed 办结状态 or 处理和整改情况 into an ``updates`` entry, leaves unchanged complaints byte-identical, appends
new refs, reports refs the table no longer has, refuses rewrites of published fields; ``--dry-run`` shows
all that per row and writes nothing; the feed then gains exactly the changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import AS_OF, check, portal, tree_digest
from importing import feed_across

HEADER = "序号,受理编号,交办问题基本情况,行政区域,污染类型,调查核实情况,是否属实,处理和整改情况,责任追究情况,办结状态"
ROWS = {
    "D5RI00000001": ["反映甲市东区某厂夜间噪声扰民。", "甲市东区", "噪声", "经查属实。", "属实", "责令限时整改。", "", "正在办理"],
    "D5RI00000002": ["反映乙市某河道有污水直排。", "乙市", "水", "经查部分属实。", "部分属实", "已封堵排污口。", "", "阶段性办结"],
    "D5RI00000003": ["反映甲市某餐馆油烟扰民。", "甲市", "大气", "经查属实。", "属实", "责令安装油烟净化器。", "", "正在办理"],
    "D5RI00000004": ["反映甲市东区某工地扬尘。", "甲市东区", "大气", "经查属实。", "属实", "已覆盖裸土。", "约谈项目负责人。", "已办结"],
    "D5RI00000005": ["反映乙市某养殖场臭味。", "乙市", "大气", "经查属实。", "属实", "责令清理粪污。", "", "正在办理"],
    "D5RI00000006": ["反映甲市某厂废水外排。", "甲市", "水", "经查属实。", "属实", "责令停产整改。", "", "正在办理"],
}
DATE = "2026-10-20"
BATCH = "5"


def table(rows: dict[str, list[str]]) -> str:
    lines = [HEADER] + [",".join([str(n), ref, *cells]) for n, (ref, cells) in enumerate(rows.items(), start=1)]
    return "\n".join(lines) + "\n"


def changed_rows() -> dict[str, list[str]]:
    rows = {ref: list(cells) for ref, cells in ROWS.items()}
    rows["D5RI00000001"][7] = "已办结"  # a status change
    rows["D5RI00000002"][7] = "已办结"  # a status change
    rows["D5RI00000003"][5] = "已安装油烟净化器，经监测达标。"  # a handling change
    del rows["D5RI00000005"]  # a row removed
    rows["D5RI00000006"][3] = "经查不属实。"  # a published field rewritten
    rows["D5RI00000007"] = ["反映乙市某砂场噪声。", "乙市", "噪声", "经查属实。", "属实", "责令停产。", "", "正在办理"]  # new
    return rows


def imp(content: Path, csv_path: Path, *args: str):  # type: ignore[no-untyped-def]
    return portal("import", csv_path, "--content", content, "--as-of", AS_OF, "--kind", "complaints",
                  "--batch", BATCH, "--forwarded-on", "2021-06-15", *args)


def items_text(body: str) -> dict[str, str]:
    """ref → the YAML text of that complaint (from its `- ref:` line up to the next item)."""
    parts = re.split(r"(?m)^(?=  # row |  - ref: )", body.split("complaints:\n", 1)[1])
    out: dict[str, str] = {}
    pending = ""
    for part in parts:
        if part.startswith("  # row ") and "- ref:" not in part:
            pending = part
            continue
        m = re.search(r'- ref: "?([A-Za-z0-9-]+)', part)
        if m:
            out[m[1]] = pending + part
        pending = ""
    return out


@pytest.fixture()
def imported(mini: Path, tmp_path: Path) -> tuple[Path, Path]:
    first = tmp_path / "batch5.csv"
    first.write_text(table(ROWS), encoding="utf-8")
    r = imp(mini, first)
    assert r.code == 0, r.err
    second = tmp_path / "batch5-week2.csv"
    second.write_text(table(changed_rows()), encoding="utf-8")
    return mini, second


def batch_file(content: Path) -> Path:
    return content / "complaints" / f"{BATCH}.yaml"


def test_a_rewritten_published_field_stops_the_reimport_and_nothing_is_written(imported: tuple[Path, Path]) -> None:
    content, second = imported
    before = batch_file(content).read_bytes()
    r = imp(content, second, "--date", DATE)
    assert r.code == 2, r.err
    assert "batch5-week2.csv:6: F列 调查核实情况: 已公开的字段不能改写" in r.err and "D5RI00000006" in r.err
    assert "（文件中：经查属实。；表格中：经查不属实。）" in r.err
    assert "如需更正请" in r.err and "--force" in r.err
    assert "Traceback" not in r.err
    assert batch_file(content).read_bytes() == before


def test_reimport_records_history_and_keeps_the_published_past(imported: tuple[Path, Path]) -> None:
    content, second = imported
    before = batch_file(content).read_text(encoding="utf-8")
    r = imp(content, second, "--date", DATE, "--force")
    assert r.code == 0, r.err
    after = batch_file(content).read_text(encoding="utf-8")
    data = {c["ref"]: c for c in yaml.safe_load(after)["complaints"]}
    import datetime as dt
    day = dt.date.fromisoformat(DATE)
    assert data["D5RI00000001"]["updates"] == [{"date": day, "status": "done", "note": "责令限时整改。"}]
    assert data["D5RI00000002"]["updates"] == [{"date": day, "status": "done", "note": "已封堵排污口。"}]
    assert data["D5RI00000003"]["updates"] == [{"date": day, "status": "handling", "note": "已安装油烟净化器，经监测达标。"}]
    # the published fields stay as they were published
    assert data["D5RI00000001"]["status"] == "handling" and data["D5RI00000003"]["handling"] == "责令安装油烟净化器。"
    assert data["D5RI00000006"]["findings"] == "经查属实。" and "updates" not in data["D5RI00000006"]
    # unchanged complaints, the removed one and the refused one: byte-identical text
    old_items, new_items = items_text(before), items_text(after)
    for ref in ("D5RI00000004", "D5RI00000005", "D5RI00000006"):
        assert new_items[ref] == old_items[ref], ref
    for ref in ("D5RI00000001", "D5RI00000002", "D5RI00000003"):  # changed ones only gain lines
        assert new_items[ref].startswith(old_items[ref].rstrip("\n")), ref
    assert after.startswith(before.split("  # row 2\n")[0])  # the file's head and comments stay
    assert list(data) == [f"D5RI0000000{i}" for i in range(1, 8)]  # the new ref appended, the removed one kept
    assert data["D5RI00000007"]["status"] == "handling" and data["D5RI00000007"]["region"] == ["990200"]
    assert "D5RI00000005" in r.err and "表格中已没有这一行" in r.err and "未删除" in r.err
    assert "已公开的字段不能改写" in r.err and "D5RI00000006" in r.err
    assert check(content).code == 0


def test_reimport_of_the_same_table_changes_nothing(imported: tuple[Path, Path], tmp_path: Path) -> None:
    content, _ = imported
    same = tmp_path / "same.csv"
    same.write_text(table(ROWS), encoding="utf-8")
    before = tree_digest(content)
    r = imp(content, same, "--date", DATE)
    assert r.code == 0, r.err
    assert tree_digest(content) == before


def test_an_update_dated_before_the_last_date_is_refused_at_its_row(imported: tuple[Path, Path], tmp_path: Path) -> None:
    content, second = imported
    r = imp(content, second, "--date", DATE, "--force")
    assert r.code == 0, r.err
    before = batch_file(content).read_bytes()
    rows = changed_rows()
    rows["D5RI00000001"][5] = "复查合格。"
    third = tmp_path / "week3.csv"
    third.write_text(table(rows), encoding="utf-8")
    r = imp(content, third, "--date", "2026-10-01")
    assert r.code == 2
    assert "week3.csv:2: 更新日期 2026-10-01 早于受理编号 D5RI00000001 的上一日期 2026-10-20" in r.err
    assert batch_file(content).read_bytes() == before
    r = imp(content, third, "--date", "2026-11-02")
    assert r.code != 0 and "晚于数据日期" in r.err


def test_dry_run_prints_every_row_and_writes_nothing(imported: tuple[Path, Path]) -> None:
    content, second = imported
    before = tree_digest(content)
    r = imp(content, second, "--date", DATE, "--dry-run")
    assert r.code == 2, r.err
    assert tree_digest(content) == before
    for line in ["batch5-week2.csv:2: 更新 D5RI00000001：办结状态 正在办理 → 已办结",
                 "batch5-week2.csv:3: 更新 D5RI00000002：办结状态 阶段性办结 → 已办结",
                 "batch5-week2.csv:4: 更新 D5RI00000003：处理和整改情况改为“已安装油烟净化器，经监测达标。”",
                 "batch5-week2.csv:5: 不变 D5RI00000004",
                 "batch5-week2.csv:6: 拒绝 D5RI00000006：改写已公开的字段：调查核实情况",
                 "batch5-week2.csv:7: 新建 D5RI00000007",
                 "batch5-week2.csv: 表中已无 D5RI00000005",
                 "预览（--dry-run，未写入任何文件）：新建 1 件，更新 3 件，不变 1 件，拒绝 1 件，表格中已没有 1 件"]:
        assert line in r.out, line
    ok = imp(content, second, "--date", DATE, "--dry-run", "--force")
    assert ok.code == 0, ok.err
    assert "更新 3 件" in ok.out and tree_digest(content) == before


def test_dry_run_of_a_new_batch_lists_the_rows_to_create(mini: Path, tmp_path: Path) -> None:
    first = tmp_path / "batch5.csv"
    first.write_text(table(ROWS), encoding="utf-8")
    before = tree_digest(mini)
    r = imp(mini, first, "--dry-run")
    assert r.code == 0, r.err
    assert "batch5.csv:2: 新建 D5RI00000001" in r.out and "新建 6 件，更新 0 件" in r.out
    assert tree_digest(mini) == before


def test_the_feed_gains_exactly_the_changes(imported: tuple[Path, Path], tmp_path: Path) -> None:
    content, second = imported

    def reimport() -> None:
        r = imp(content, second, "--date", DATE, "--force")
        assert r.code == 0, r.err

    old, parsed = feed_across(content, tmp_path, reimport)
    added = [e for e in parsed.entries if e.id not in old]
    refs = sorted(re.search(r"D5RI0000000[0-9]", e.link)[0] for e in added)
    # one entry per changed complaint, and the forwarding of the new one
    assert refs == ["D5RI00000001", "D5RI00000002", "D5RI00000003", "D5RI00000007"]
    updated = [e for e in added if "D5RI00000007" not in e.link]
    assert all(e.updated.startswith(DATE) for e in updated)


def test_a_hand_written_batch_file_gains_lines_only(mini: Path, tmp_path: Path) -> None:
    """The mini fixture's complaints/1.yaml, written by hand: an entry is appended to an existing updates
    list, an updates block is added to an item without one, and every other byte stays."""
    sheet = tmp_path / "batch1.csv"
    sheet.write_text("序号,受理编号,交办问题基本情况,行政区域,污染类型,调查核实情况,是否属实,处理和整改情况,办结状态\n"
                     "1,D2CS202105110001,某厂夜间生产噪声扰民，废气异味明显。,甲市东区,大气、噪声,经查，该厂未落实降噪措施。,属实,"
                     "复查未见反弹。,已办结\n"
                     "2,X2CS202105100002,某河道有污水直排。,甲市、乙市,水,经查，部分属实。,部分属实,已封堵排污口并完成截污。,已办结\n",
                     encoding="utf-8")
    before = (mini / "complaints" / "1.yaml").read_text(encoding="utf-8")
    r = portal("import", sheet, "--content", mini, "--as-of", AS_OF, "--kind", "complaints", "--batch", "1", "--date", DATE)
    assert r.code == 0, r.err
    after = (mini / "complaints" / "1.yaml").read_text(encoding="utf-8")
    first = "      - {date: 2021-09-30, status: done, note: 整改完成}\n"
    added_first = f'      - {{date: {DATE}, status: done, note: "复查未见反弹。"}}  # row 2\n'
    added_second = f'    updates:\n      - {{date: {DATE}, status: done, note: "已封堵排污口并完成截污。"}}  # row 3\n'
    assert after == before.replace(first, first + added_first) + added_second
    assert check(mini).code == 0


def test_a_row_left_out_by_force_is_not_reported_as_gone(imported: tuple[Path, Path], tmp_path: Path) -> None:
    content, _ = imported
    rows = {ref: list(cells) for ref, cells in ROWS.items()}
    rows["D5RI00000002"][1] = "丙市"  # not a region: the row has a problem
    rows["D5RI00000001"][7] = "已办结"
    sheet = tmp_path / "bad-row.csv"
    sheet.write_text(table(rows), encoding="utf-8")
    r = imp(content, sheet, "--date", DATE, "--force")
    assert r.code == 0, r.err
    assert "batch5-week2" not in r.err and "D5RI00000002 在" not in r.err and "--force：第 3 行有问题，未导入" in r.err
    data = {c["ref"]: c for c in yaml.safe_load(batch_file(content).read_text(encoding="utf-8"))["complaints"]}
    assert "updates" in data["D5RI00000001"] and "updates" not in data["D5RI00000002"]


def test_dry_run_names_the_rows_with_problems(mini: Path) -> None:
    fixture = Path(__file__).resolve().parent / "fixtures" / "import" / "complaints-bad.csv"
    before = tree_digest(mini)
    r = imp(mini, fixture, "--batch", "4", "--dry-run")
    assert r.code == 2
    for line in ["complaints-bad.csv:2: 新建 D2CS202106100001", "complaints-bad.csv:3: 拒绝：此行有问题",
                 "complaints-bad.csv:6: 新建 D2CS202106120005", "新建 2 件，更新 0 件，不变 0 件，拒绝 3 件"]:
        assert line in r.out, line
    assert "complaints-bad.csv:3: D列 行政区域: “丙市”" in r.err
    assert tree_digest(mini) == before


@pytest.mark.parametrize("column, value, label", [(3, "", "F列 调查核实情况"), (1, "乙市", "D列 行政区域"),
                                                  (2, "水、大气", "E列 污染类型"),
                                                  (0, "反映甲市东区某工地扬尘严重。", "C列 交办问题基本情况"),
                                                  (4, "基本属实", "G列 是否属实"), (6, "", "I列 责任追究情况")])
def test_every_published_field_is_guarded(imported: tuple[Path, Path], tmp_path: Path, column: int, value: str,
                                          label: str) -> None:
    """A cell emptied or rewritten in an otherwise unchanged row (D5RI00000004, row 5) is refused."""
    content, _ = imported
    rows = {ref: list(cells) for ref, cells in ROWS.items()}
    rows["D5RI00000004"][column] = value
    sheet = tmp_path / "edit.csv"
    sheet.write_text(table(rows), encoding="utf-8")
    before = batch_file(content).read_bytes()
    r = imp(content, sheet, "--date", DATE)
    assert r.code == 2
    assert f"edit.csv:5: {label}: 已公开的字段不能改写" in r.err
    assert batch_file(content).read_bytes() == before


def test_a_changed_penalty_is_guarded_and_an_equal_one_is_not(mini: Path, tmp_path: Path) -> None:
    head = HEADER + ",罚款金额（万元）\n"
    row = "1,D5RI00000001,反映某厂噪声。,甲市东区,噪声,经查属实。,属实,责令整改。,,正在办理,{}\n"
    first, same, changed = (tmp_path / f"{n}.csv" for n in ("first", "same", "changed"))
    first.write_text(head + row.format("5"), encoding="utf-8")
    same.write_text(head + row.format("5.0"), encoding="utf-8")
    changed.write_text(head + row.format("8"), encoding="utf-8")
    assert imp(mini, first).code == 0
    before = batch_file(mini).read_bytes()
    assert imp(mini, same, "--date", DATE).code == 0 and batch_file(mini).read_bytes() == before
    r = imp(mini, changed, "--date", DATE)
    assert r.code == 2 and "changed.csv:2: K列 罚款金额" in r.err and "已公开的字段不能改写" in r.err, r.err
    assert "文件中：罚款（万元） 5" in r.err and "表格中：罚款（万元） 8" in r.err
    assert batch_file(mini).read_bytes() == before


def test_problems_the_content_had_before_are_not_the_imports(imported: tuple[Path, Path]) -> None:
    """The import checks its result without copying the content (the new files are read in their place);
    problems the content had before are not blamed on the import (a guard for that shortcut)."""
    content, second = imported
    rows = changed_rows()
    rows["D5RI00000006"] = ROWS["D5RI00000006"]  # no published field rewritten
    second.write_text(table(rows), encoding="utf-8")
    task = content / "tasks" / "T-2.yaml"
    task.write_text(task.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    before = check(content)
    assert before.code == 2 and "colour" in before.err
    r = imp(content, second, "--date", DATE)
    assert r.code == 0, r.err
    assert "colour" not in r.err + r.out
    assert len(yaml.safe_load(batch_file(content).read_text(encoding="utf-8"))["complaints"][0]["updates"]) == 1
    assert check(content).err.count("colour") == before.err.count("colour")


def test_a_change_that_breaks_a_rule_is_refused_at_its_row_and_column(imported: tuple[Path, Path], tmp_path: Path) -> None:
    """An update note the personal-data guard refuses: the import names the row and the column, writes nothing."""
    content, _ = imported
    rows = {ref: list(cells) for ref, cells in ROWS.items()}
    rows["D5RI00000003"][5] = "已整改，联系电话13812345678。"
    again = tmp_path / "batch5-pii.csv"
    again.write_text(table(rows), encoding="utf-8")
    body = batch_file(content).read_bytes()
    r = imp(content, again, "--date", DATE)
    assert r.code != 0 and "Traceback" not in r.err
    assert "batch5-pii.csv:4: H列 处理和整改情况: 导入后 portal check 发现：" in r.err, r.err
    assert batch_file(content).read_bytes() == body


def test_an_empty_batch_keeps_its_comment_on_its_line(mini: Path, tmp_path: Path) -> None:
    """`complaints: []  # comment` gains its first items below the line; the comment stays where it was."""
    (mini / "complaints" / f"{BATCH}.yaml").write_text(
        f"batch: {BATCH}\nforwarded_on: 2021-06-15\ncomplaints: []  # 本批尚未公开\n# 文件末尾的说明\n", encoding="utf-8")
    sheet = tmp_path / "batch5.csv"
    sheet.write_text(table(dict(list(ROWS.items())[:2])), encoding="utf-8")
    r = imp(mini, sheet, "--date", DATE)
    assert r.code == 0, r.err
    body = batch_file(mini).read_text(encoding="utf-8")
    assert body.startswith(f"batch: {BATCH}\nforwarded_on: 2021-06-15\ncomplaints:   # 本批尚未公开\n  # row 2\n  - ref: ")
    assert body.endswith("# 文件末尾的说明\n")
    assert [c["ref"] for c in yaml.safe_load(body)["complaints"]] == ["D5RI00000001", "D5RI00000002"]
    assert check(mini).code == 0


def test_dry_run_with_overwrite_says_replace(imported: tuple[Path, Path]) -> None:
    content, second = imported
    r = imp(content, second, "--overwrite", "--dry-run")
    assert r.code == 0, r.err
    assert "batch5-week2.csv:2: 替换（--overwrite） D5RI00000001" in r.out
    assert "新建" not in r.out.replace("新建 0 件", "")


def test_a_title_naming_another_batch_than_the_flag_is_a_problem_at_the_title(imported: tuple[Path, Path], tmp_path: Path) -> None:
    """A table titled 第6批 given with --batch 5 (whose file exists): the disagreement is reported at the
    title row (not an 'exists already'); with --force the flag wins and batch 5 is re-imported as history."""
    content, _ = imported
    rows = changed_rows()
    rows["D5RI00000006"] = ROWS["D5RI00000006"]
    sheet = tmp_path / "titled.csv"
    sheet.write_text("测试省第6批信访件办理情况\n" + table(rows), encoding="utf-8")
    body = batch_file(content).read_bytes()
    r = imp(content, sheet, "--date", DATE)
    assert r.code == 2 and "titled.csv:1: 表格标题写的是第6批，--batch 却是 5" in r.err, r.err
    assert "已经存在" not in r.err and batch_file(content).read_bytes() == body
    r = imp(content, sheet, "--date", DATE, "--force")
    assert r.code == 0, r.err
    done = {c["ref"]: c for c in yaml.safe_load(batch_file(content).read_text(encoding="utf-8"))["complaints"]}
    assert done["D5RI00000001"]["updates"][-1] == {"date": __import__("datetime").date.fromisoformat(DATE), "status": "done",
                                                    "note": "责令限时整改。"}

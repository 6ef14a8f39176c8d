"""Re-import of a task list is history (issue 14): importing the same task list again (xlsx or GBK CSV)
turns each changed 整改进展 into ONE new ``history`` entry dated ``--date``, leaves unchanged task files
byte-identical, creates new tasks, reports tasks the table no longer has, refuses forbidden status changes
and rewrites of published fields at row and column; ``--dry-run`` shows all that per task and writes
nothing; the feed then gains exactly the new entries."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import importing
import openpyxl
import pytest
import yaml
from conftest import AS_OF, check, portal, tree_digest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from importing import feed_across, gbk_csv

FIRST_AS_OF = "2026-10-01"  # the first import: its history entries are dated then
DATE = "2026-10-20"  # the re-import's entries (--date)
DAY = dt.date.fromisoformat(DATE)
PREFIX = "W-"
HEADER = ["序号", "反馈问题", "整改目标", "整改措施", "责任单位", "完成时限", "整改进展"]
# 序号 → the task's rows (a continuation row has 序号 and 反馈问题 blank)
TASKS: dict[int, list[list[str]]] = {
    11: [["甲市东区污水处理能力不足。", "污水全部收集处理", "1.扩建污水处理厂", "甲市东区人民政府", "2025年底前", "达到序时进度"],
         ["", "", "2.完善配套管网", "乙市人民政府", "", ""]],
    12: [["乙市矿山生态修复滞后。", "完成修复", "开展复绿", "乙市人民政府", "2026年6月底前", "未达到序时进度"]],
    13: [["甲市扬尘管控不力。", "扬尘达标", "加强工地监管", "甲市人民政府", "长期坚持", "尚未启动"]],
    14: [["乙市黑臭水体反弹。", "消除黑臭", "开展整治", "乙市人民政府", "2026年12月底前", "达到序时进度"]],
    15: [["测试省责任落实不到位。", "压实责任", "健全责任体系", "测试省生态环境厅", "长期坚持", "长期坚持"]],
    16: [["甲市工业园区VOCs治理滞后。", "完成治理", "开展综合治理", "甲市人民政府", "2026年12月底前", "达到序时进度"]],
}
NEW = [["乙市饮用水源地保护不到位。", "完成整治", "清理违建", "乙市人民政府", "2026年12月底前", "达到序时进度"]]


def table(tasks: dict[int, list[list[str]]]) -> list[list[str]]:
    rows = [HEADER]
    for number, task_rows in tasks.items():
        rows += [[str(number) if i == 0 else "", *cells] for i, cells in enumerate(task_rows)]
    return rows


def changed() -> dict[int, list[list[str]]]:
    """Week 2: three progress changes (11, 12, 13), 14 unchanged, 15 gone, 16's deadline rewritten, 17 new."""
    tasks = {n: [list(r) for r in rows] for n, rows in TASKS.items()}
    tasks[11][0][5] = "未达到序时进度，管网建设滞后"  # the same status, behind schedule now, a new text
    tasks[12][0][5] = "完成整改"  # in_progress → completed
    tasks[13][0][5] = "达到序时进度"  # a task without history starts
    del tasks[15]
    tasks[16][0][4] = "2027年6月底前"  # a published field (and a new progress text)
    tasks[16][0][5] = "超过序时进度"
    tasks[17] = NEW
    return tasks


def xlsx(path: Path, rows: list[list[Any]]) -> Path:
    """An empty cell of the table is an empty cell of the sheet (not an empty string)."""
    return importing.xlsx(path, [[c if c != "" else None for c in row] for row in rows])


def sheet(path: Path, rows: list[list[Any]]) -> Path:
    return xlsx(path, rows) if path.suffix == ".xlsx" else gbk_csv(path, rows)


def imp(content: Path, path: Path, *args: str, as_of: str = AS_OF):  # type: ignore[no-untyped-def]
    return portal("import", path, "--kind", "tasks", "--content", content, "--as-of", as_of, "--id-prefix", PREFIX, *args)


def task_file(content: Path, number: int) -> Path:
    return content / "tasks" / f"{PREFIX}{number:02d}.yaml"


def history(content: Path, number: int) -> list[dict[str, Any]]:
    return yaml.safe_load(task_file(content, number).read_text(encoding="utf-8")).get("history") or []


@pytest.fixture(params=["csv", "xlsx"])
def imported(request: pytest.FixtureRequest, mini: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The mini content with the task list imported (as of FIRST_AS_OF), and week 2's copy of the list."""
    first = sheet(tmp_path / f"tasks.{request.param}", table(TASKS))
    r = imp(mini, first, as_of=FIRST_AS_OF)
    assert r.code == 0, r.err
    return mini, sheet(tmp_path / f"tasks-week2.{request.param}", table(changed()))


def test_reimport_appends_one_history_entry_per_changed_task(imported: tuple[Path, Path]) -> None:
    content, second = imported
    before = {n: task_file(content, n).read_text(encoding="utf-8") for n in TASKS}
    first_day = dt.date.fromisoformat(FIRST_AS_OF)
    r = imp(content, second, "--date", DATE, "--force")
    assert r.code == 0, r.err
    assert history(content, 11) == [
        {"date": first_day, "status": "in_progress", "on_schedule": True, "note": "达到序时进度"},
        {"date": DAY, "status": "in_progress", "on_schedule": False, "note": "未达到序时进度，管网建设滞后"}]
    assert history(content, 12) == [
        {"date": first_day, "status": "in_progress", "on_schedule": False, "note": "未达到序时进度"},
        {"date": DAY, "status": "completed", "note": "完成整改"}]
    assert history(content, 13) == [{"date": DAY, "status": "in_progress", "on_schedule": True, "note": "达到序时进度"}]
    # 16: the rewritten deadline is skipped (--force), its new progress still recorded
    assert history(content, 16)[-1] == {"date": DAY, "status": "in_progress", "on_schedule": True, "note": "超过序时进度"}
    assert yaml.safe_load(task_file(content, 16).read_text(encoding="utf-8"))["deadline"] == 2026
    # each changed file gained exactly one line; the others are byte-identical
    rows = {11: 2, 12: 4, 13: 5, 16: 7}
    for n, text in before.items():
        after = task_file(content, n).read_text(encoding="utf-8")
        if n in rows:
            added = after.removeprefix(text)
            assert after.startswith(text) and added.count("\n") == (2 if n == 13 else 1) and f"# row {rows[n]}\n" in added, n
        else:
            assert after == text, n
    # the new task is created, the gone one kept and reported
    new = yaml.safe_load(task_file(content, 17).read_text(encoding="utf-8"))
    assert new["number"] == 17 and new["problem"] == "乙市饮用水源地保护不到位。" and new["history"][0]["status"] == "in_progress"
    assert task_file(content, 15).read_text(encoding="utf-8") == before[15]
    assert f"任务 {PREFIX}15 在 tasks/{PREFIX}15.yaml 中，但表格中已没有这一项：未删除，原样保留" in r.err
    assert f"{second.name}:7: F列 完成时限: 已公开的字段不能改写" in r.err  # --force: a warning
    assert check(content).code == 0


def test_a_rewritten_published_field_stops_the_reimport_and_nothing_is_written(imported: tuple[Path, Path]) -> None:
    content, second = imported
    before = tree_digest(content)
    r = imp(content, second, "--date", DATE)
    assert r.code == 2, r.err
    assert (f"{second.name}:7: F列 完成时限: 已公开的字段不能改写：tasks/{PREFIX}16.yaml 中任务 {PREFIX}16 的“整改时限”与表格不同"
            "（文件中：2026；表格中：2027-06-30）") in r.err
    assert "如需更正请直接编辑 tasks/W-16.yaml" in r.err and "给 --force 时跳过这项改动" in r.err and "未写入任何文件" in r.err
    assert "Traceback" not in r.err and "已经存在" not in r.err
    assert tree_digest(content) == before


@pytest.mark.parametrize("column, value, label, old, new", [
    (0, "乙市矿山生态修复严重滞后。", "B列 反馈问题", "乙市矿山生态修复滞后。", "乙市矿山生态修复严重滞后。"),
    (1, "", "C列 整改目标", "完成修复", "（空）"),
    (2, "开展复绿；治理边坡", "D列 整改措施", "开展复绿", "开展复绿、治理边坡"),
    (3, "甲市人民政府", "E列 责任单位", "乙市人民政府", "甲市人民政府"),
    (4, "2026年9月", "F列 完成时限", "2026-06-30", "2026-09-30")])
def test_every_published_field_is_guarded(imported: tuple[Path, Path], tmp_path: Path, column: int, value: str,
                                          label: str, old: str, new: str) -> None:
    """A cell rewritten or emptied in an otherwise unchanged task (12, row 4) is refused, naming both values."""
    content, second = imported
    tasks = {n: [list(r) for r in rows] for n, rows in TASKS.items()}
    tasks[12][0][column] = value
    edit = sheet(tmp_path / f"edit{second.suffix}", table(tasks))
    before = tree_digest(content)
    r = imp(content, edit, "--date", DATE)
    assert r.code == 2, r.err
    assert f"{edit.name}:4: {label}: 已公开的字段不能改写" in r.err and f"（文件中：{old}；表格中：{new}）" in r.err
    assert tree_digest(content) == before


def test_reimport_of_the_same_table_changes_nothing(imported: tuple[Path, Path], tmp_path: Path) -> None:
    content, second = imported
    same = sheet(tmp_path / f"same{second.suffix}", table(TASKS))
    before = tree_digest(content)
    r = imp(content, same, "--date", DATE)
    assert r.code == 0, r.err
    assert tree_digest(content) == before


def test_dry_run_prints_every_task_and_writes_nothing(imported: tuple[Path, Path]) -> None:
    content, second = imported
    before = tree_digest(content)
    r = imp(content, second, "--date", DATE, "--dry-run")
    assert r.code == 2, r.err
    assert tree_digest(content) == before
    name = second.name
    for line in [f"{name}:2: 更新 W-11：整改状态 整改中（达到序时进度） → 整改中（未达到序时进度）；整改进展改为“未达到序时进度，管网建设滞后”",
                 f"{name}:4: 更新 W-12：整改状态 整改中（未达到序时进度） → 已完成（待验收）；整改进展改为“完成整改”",
                 f"{name}:5: 更新 W-13：整改状态 未启动 → 整改中（达到序时进度）；整改进展改为“达到序时进度”",
                 f"{name}:6: 不变 W-14",
                 f"{name}:7: 拒绝 W-16：改写已公开的字段：整改时限（另有 整改进展改为“超过序时进度”）",
                 f"{name}:8: 新建 W-17",
                 f"{name}: 表中已无 W-15",
                 "预览（--dry-run，未写入任何文件）：新建 1 项，更新 3 项，不变 1 项，拒绝 1 项，表格中已没有 1 项"]:
        assert line in r.out, line
    assert f"{name}:7: F列 完成时限: 已公开的字段不能改写" in r.err
    ok = imp(content, second, "--date", DATE, "--dry-run", "--force")
    assert ok.code == 0, ok.err
    assert "新建 1 项，更新 4 项，不变 1 项，拒绝 0 项" in ok.out
    assert f"{name}:7: 更新 W-16：整改进展改为“超过序时进度”（--force：跳过改写已公开的字段：整改时限）" in ok.out
    assert tree_digest(content) == before


CLOSED = "  - {date: 2026-10-25, status: closed, closeout_exception: 经领导小组批准，免于公示}\n"


@pytest.mark.parametrize("closed", [False, True], ids=["completed", "closed"])
def test_a_forbidden_status_change_is_refused_at_its_row_and_column(imported: tuple[Path, Path], tmp_path: Path,
                                                                     closed: bool) -> None:
    """Week 3 says 达到序时进度 again for task 12, which is 已完成 (or, written by hand, 已销号) now."""
    content, second = imported
    assert imp(content, second, "--date", DATE, "--force").code == 0
    if closed:
        with task_file(content, 12).open("a", encoding="utf-8") as fh:
            fh.write(CLOSED)
    tasks = changed()
    tasks[12][0][5] = "达到序时进度"
    tasks[16][0][4] = "2026年12月底前"
    third = sheet(tmp_path / f"week3{second.suffix}", table(tasks))
    before = tree_digest(content)
    r = imp(content, third, "--date", "2026-10-27")
    assert r.code == 2, r.err
    now = "已销号" if closed else "已完成（待验收）"
    assert (f"{third.name}:4: G列 整改进展: 整改进展“达到序时进度”读作“整改中（达到序时进度）”，但 tasks/W-12.yaml 中任务 W-12 "
            f"现为“{now}”：内容规则不允许由“{now}”改为“整改中”") in r.err
    assert ("已销号的任务之后只能记为“重新整改”" if closed else "已完成的整改出现反弹时") in r.err and "status: reopened" in r.err
    assert tree_digest(content) == before
    # 完成交账销号 on a closed task, a text published already, is no change; on a completed one it repeats the status
    tasks[12][0][5] = "完成整改"
    again = sheet(tmp_path / f"week4{second.suffix}", table(tasks))
    r = imp(content, again, "--date", "2026-10-27")
    assert r.code == 0, r.err
    assert tree_digest(content) == before


def test_an_entry_dated_before_the_last_is_refused(imported: tuple[Path, Path]) -> None:
    content, second = imported
    before = tree_digest(content)
    r = imp(content, second, "--date", "2026-09-30", "--force")
    assert r.code == 0, r.err
    assert f"{second.name}:2: G列 整改进展: 更新日期 2026-09-30 早于任务 W-11 的上一条记录的日期 2026-10-01" in r.err
    changed_files = {k for k, v in tree_digest(content).items() if before.get(k) != v}
    assert changed_files == {"tasks/W-13.yaml", "tasks/W-17.yaml"}  # 13 had no history; 17 is new


def test_a_task_left_out_for_its_problems_is_not_reported_as_gone(imported: tuple[Path, Path], tmp_path: Path) -> None:
    content, second = imported
    tasks = {n: [list(r) for r in rows] for n, rows in TASKS.items()}
    tasks[15][0][4] = "尽快"  # not a deadline: the row is left out with --force
    tasks[11][0][5] = "未达到序时进度"
    bad = sheet(tmp_path / f"bad{second.suffix}", table(tasks))
    r = imp(content, bad, "--date", DATE, "--force")
    assert r.code == 0, r.err
    assert f"{bad.name}:7: F列 完成时限: " in r.err and "尽快" in r.err and "W-15 在" not in r.err and "表中已无" not in r.out
    assert history(content, 11)[-1]["date"] == DAY


def test_the_feed_gains_exactly_the_new_entries(imported: tuple[Path, Path], tmp_path: Path) -> None:
    content, second = imported

    def reimport() -> None:
        r = imp(content, second, "--date", DATE, "--force")
        assert r.code == 0, r.err

    old, parsed = feed_across(content, tmp_path, reimport)
    added = sorted(re.search(r":task/([A-Z]-[0-9]+)/history/([0-9]+)/([0-9-]+)$", e.id).groups()
                   for e in parsed.entries if e.id not in old)
    assert added == [("W-11", "1", DATE), ("W-12", "1", DATE), ("W-13", "0", DATE), ("W-16", "1", DATE),
                     ("W-17", "0", DATE)]  # the new task's first progress is dated --date
    by_id = {e.id: e for e in parsed.entries}
    twelve = next(e for k, e in by_id.items() if k.endswith(f"task/W-12/history/1/{DATE}"))
    assert "已完成" in twelve.title + twelve.summary and twelve.updated.startswith(DATE)


# --- a task list without 序号 (numbered by order), 反馈问题 merged over several rows (xlsx) ---------------

MERGED_HEADER = ["督察反馈问题", "整改措施", "责任单位", "整改时限", "整改进展"]


def merged_list(path: Path, progress: tuple[str, str]) -> Path:
    """Task 1 over rows 3-5 (its progress in row 4), task 2 in row 6."""
    rows = [["测试省整改措施清单"], MERGED_HEADER,
            ["甲市东区污水直排。", "1.扩建污水处理厂", "甲市东区人民政府", "2026年底前", ""],
            [None, "2.完善配套管网", "乙市人民政府", None, progress[0]],
            [None, "3.建立长效机制", None, "长期坚持", None],
            ["乙市矿山修复滞后。", "开展复绿", "乙市人民政府", "2026年底前", progress[1]]]
    xlsx(path, rows)
    book = openpyxl.load_workbook(path)
    for ref in ("A1:E1", "A3:A5"):
        book.active.merge_cells(ref)
    book.save(path)
    return path


def test_a_list_numbered_by_order_is_matched_and_a_merged_task_refused_at_its_progress_row(mini: Path,
                                                                                            tmp_path: Path) -> None:
    for n in (1, 2):  # the fixture's tasks take 序号 1 and 2
        path = mini / "tasks" / f"T-{n}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(f"number: {n}\n", f"number: 10{n}\n"), encoding="utf-8")
    first = merged_list(tmp_path / "list.xlsx", ("完成整改", "达到序时进度"))
    assert imp(mini, first, as_of=FIRST_AS_OF).code == 0
    before = tree_digest(mini)
    second = merged_list(tmp_path / "list-week2.xlsx", ("未达到序时进度", "完成整改"))
    r = imp(mini, second, "--date", DATE)
    assert r.code == 2, r.err
    assert ("list-week2.xlsx:4: E列 整改进展: 整改进展“未达到序时进度”读作“整改中（未达到序时进度）”，但 tasks/W-01.yaml 中任务 W-01 "
            "现为“已完成（待验收）”") in r.err
    assert tree_digest(mini) == before
    r = imp(mini, second, "--date", DATE, "--force")
    assert r.code == 0, r.err
    assert history(mini, 1) == [{"date": dt.date.fromisoformat(FIRST_AS_OF), "status": "completed", "note": "完成整改"}]
    assert history(mini, 2)[-1] == {"date": DAY, "status": "completed", "note": "完成整改"}
    assert {k for k, v in tree_digest(mini).items() if before.get(k) != v} == {"tasks/W-02.yaml"}


# --- hand-written task files: the entry is appended as the file writes its history ------------------

HEAD = ("# 人工维护的任务文件\nid: W-21\nnumber: 21\ntitle: 乙市尾矿库整治滞后\nproblem: |\n  乙市尾矿库整治滞后。\n"
        "target: 完成整治\nmeasures:\n  - 开展整治\nresponsible_units: [乙市人民政府]\nregions: [\"990200\"]\n")
SHAPES = {
    "block items and comments, a key after": (
        HEAD + "history:\n  # 第一次报送\n  - date: 2026-09-01\n    status: in_progress\n    note: 开展排查  # 手写\n"
               "  # 以上为人工录入\ndeadline: 2026\n# 文件末尾的说明\n",
        HEAD + "history:\n  # 第一次报送\n  - date: 2026-09-01\n    status: in_progress\n    note: 开展排查  # 手写\n"
               "  - {entry}  # row 2\n  # 以上为人工录入\ndeadline: 2026\n# 文件末尾的说明\n"),
    "items at the key's indent": (
        HEAD + "deadline: 2026\nhistory:\n- {date: 2026-09-01, status: in_progress, note: 开展排查}\n",
        HEAD + "deadline: 2026\nhistory:\n- {date: 2026-09-01, status: in_progress, note: 开展排查}\n- {entry}  # row 2\n"),
    "a flow list": (
        HEAD + "deadline: 2026\nhistory: [{date: 2026-09-01, status: in_progress, note: 开展排查}]  # 一行\n",
        HEAD + "deadline: 2026\nhistory: [{date: 2026-09-01, status: in_progress, note: 开展排查}, {entry}]  # 一行\n"),
    "a flow list over lines, trailing comma": (
        HEAD + "deadline: 2026\nhistory: [\n  {date: 2026-09-01, status: in_progress, note: 开展排查},\n]\n",
        HEAD + "deadline: 2026\nhistory: [\n  {date: 2026-09-01, status: in_progress, note: 开展排查},\n{entry}]\n"),
    "an empty flow list": (HEAD + "deadline: 2026\nhistory: []\n", HEAD + "deadline: 2026\nhistory: [{entry}]\n"),
    "no history": (HEAD + "deadline: 2026\n# 尚无进展\n",
                   HEAD + "deadline: 2026\nhistory:\n  - {entry}  # row 2\n# 尚无进展\n"),
    "an empty history key": (HEAD + "history:\ndeadline: 2026\n",
                             HEAD + "history:\n  - {entry}  # row 2\ndeadline: 2026\n"),
    "CRLF line ends, no final line break": (
        (HEAD + "deadline: 2026\nhistory:\n  - {date: 2026-09-01, status: 整改中, note: 开展排查}").replace("\n", "\r\n"),
        (HEAD + "deadline: 2026\nhistory:\n  - {date: 2026-09-01, status: 整改中, note: 开展排查}\n"
                "  - {entry}  # row 2\n").replace("\n", "\r\n")),
}
ROW21 = ["21", "乙市尾矿库整治滞后。", "完成整治", "开展整治", "乙市人民政府", "2026年底前", "达到序时进度，已完成坝体加固"]
ENTRY = f'{{date: {DATE}, status: in_progress, on_schedule: true, note: "达到序时进度，已完成坝体加固"}}'


@pytest.mark.parametrize("shape", SHAPES)
def test_a_hand_written_task_file_gains_its_entry_only(mini: Path, tmp_path: Path, shape: str) -> None:
    written, expected = SHAPES[shape]
    task_file(mini, 21).write_bytes(written.encode("utf-8"))
    before = tree_digest(mini)
    list_ = gbk_csv(tmp_path / "tasks.csv", [HEADER, ROW21])
    r = imp(mini, list_, "--date", DATE)
    assert r.code == 0, r.err
    assert task_file(mini, 21).read_bytes() == expected.replace("{entry}", ENTRY).encode("utf-8")
    assert {k for k, v in tree_digest(mini).items() if before.get(k) != v} == {"tasks/W-21.yaml"}
    assert check(mini).code == 0
    assert imp(mini, list_, "--date", DATE).code == 0 and task_file(mini, 21).read_bytes() == expected.replace(
        "{entry}", ENTRY).encode("utf-8")  # imported again: no change


def test_a_file_the_import_cannot_edit_safely_is_refused_not_guessed(mini: Path, tmp_path: Path) -> None:
    body = HEAD + "deadline: 2026\nhistory: ~\n"
    task_file(mini, 21).write_text(body, encoding="utf-8")
    r = imp(mini, gbk_csv(tmp_path / "tasks.csv", [HEADER, ROW21]), "--date", DATE)
    assert r.code == 2
    assert "tasks.csv:2: G列 整改进展: 无法在 tasks/W-21.yaml 的 history 末尾自动追加一条记录" in r.err
    assert "在 tasks/W-21.yaml 的 history 末尾手工追加：- {date: 2026-10-20" in r.err
    assert task_file(mini, 21).read_text(encoding="utf-8") == body


# --- the text edit, for any progress text ----------------------------------------------------------

notes = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note=notes, shape=st.sampled_from(sorted(SHAPES)), on=st.sampled_from([None, True, False]))
def test_the_appended_entry_reads_back_as_exactly_the_old_file_plus_it(note: str, shape: str, on: Any) -> None:
    """Whatever the progress text (quotes, #, colons, line breaks, controls), the new text is the old
    document with one more entry, and the old text with one piece inserted."""
    from generator.commands.import_items import Item
    from generator.commands.task_reimport import Progress, TaskReimport

    assume(note != "开展排查")
    written = SHAPES[shape][0]
    old = yaml.safe_load(written)
    job = TaskReimport(Path("tasks/W-21.yaml"), written.encode("utf-8"), DAY, False, {"progress": "G列 整改进展"}, True)
    item = Item(2, "W-21", [("id", '"W-21"'), ("number", "21")], rows=[2])
    issues: list[Any] = []
    new = job.run(item, Progress("in_progress", on, note, 2), issues)
    assert not issues and new is not None and job.plan.action == "update"
    entry = {"date": DAY, "status": "in_progress", **({} if on is None else {"on_schedule": on}), "note": note}
    assert yaml.safe_load(new) == dict(old, history=[*(old.get("history") or []), entry])
    whole = written if written.endswith("\n") else written + ("\r\n" if "\r" in written else "\n")
    grown = len(new) - len(whole)
    same = next((i for i, (a, b) in enumerate(zip(whole, new)) if a != b), len(whole))
    assert grown > 0 and new[same + grown:] == whole[same:]  # one piece inserted, every other character kept

"""portal import (issue 8): the shipped spreadsheets become content that passes portal check; bad rows are
listed with row and column and nothing is written unless --force; existing files are never replaced silently."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import build, portal

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
AS_OF = "2026-11-01"


def imp(content: Path, name: str, *args: str):  # type: ignore[no-untyped-def]
    return portal("import", FIXTURES / name, "--content", content, "--as-of", AS_OF, *args)


def complaints(content: Path, name: str, batch: int, *args: str):  # type: ignore[no-untyped-def]
    return imp(content, name, "--kind", "complaints", "--batch", str(batch), "--forwarded-on", "2021-06-15", *args)


def test_xlsx_complaints_become_a_batch_that_builds(mini: Path, tmp_path: Path) -> None:
    r = complaints(mini, "complaints.xlsx", 2)
    assert r.code == 0, r.err
    data = yaml.safe_load((mini / "complaints" / "2.yaml").read_text(encoding="utf-8"))
    by_ref = {c["ref"]: c for c in data["complaints"]}
    assert set(by_ref) == {"D2CS202106100001", "X2CS202106090002", "D2CS202106110003"}
    first = by_ref["D2CS202106100001"]
    assert first["region"] == ["990102"] and first["channel"] == "phone" and first["status"] == "done"
    assert first["penalties"] == {"orders": 1, "fines_wan_yuan": 8.5} and first["substantiated"] == "属实"
    assert by_ref["X2CS202106090002"]["types"] == ["水", "其他"] and by_ref["X2CS202106090002"]["channel"] == "letter"
    assert by_ref["D2CS202106110003"]["region"] == ["990100", "990200"]  # 甲市、乙市: a joint case
    assert portal("check", "--content", mini, "--as-of", AS_OF).code == 0
    out = tmp_path / "out"
    assert build(mini, out).code == 0
    assert "反映甲市东区某化工厂夜间排放刺鼻气味" in (out / "complaints" / "D2CS202106100001" / "index.html").read_text(encoding="utf-8")


def test_gbk_csv_is_detected(mini: Path) -> None:
    r = complaints(mini, "complaints-gbk.csv", 3)
    assert r.code == 0, r.err
    assert "（CSV，GBK）" in r.out
    text = (mini / "complaints" / "3.yaml").read_text(encoding="utf-8")
    assert "反映乙市某河段有黑臭水体。" in text and "D2GB202106100001" in text


def test_bad_rows_are_listed_with_row_and_column_and_nothing_is_written(mini: Path) -> None:
    r = complaints(mini, "complaints-bad.csv", 4)
    assert r.code == 2
    assert not (mini / "complaints" / "4.yaml").exists()
    for line in ["complaints-bad.csv:1: M列 自定义栏目: 未知的列“自定义栏目”",
                 "complaints-bad.csv:3: D列 行政区域: “丙市”不是 regions.yaml 中的行政区域",
                 "complaints-bad.csv:4: E列 污染类型: “噪音”不是污染类型",
                 "complaints-bad.csv:4: G列 是否属实: “大概属实”不是核实结论",
                 "complaints-bad.csv:4: J列 办结状态: “办完了”不是办结状态",
                 "complaints-bad.csv:4: K列 责令整改（家次）: “两家”不是整数",
                 "complaints-bad.csv:5: B列 受理编号: 受理编号 D2CS202106100001 在第 2 行已出现过",
                 "complaints-bad.csv 中有 7 处问题；未写入任何文件。"]:
        assert line in r.err, line


def test_force_writes_only_the_good_rows_and_never_overwrites(mini: Path) -> None:
    r = complaints(mini, "complaints-bad.csv", 4, "--force")
    assert r.code == 0, r.err
    assert "--force：第 3、4、5 行有问题，未导入" in r.err
    refs = [c["ref"] for c in yaml.safe_load((mini / "complaints" / "4.yaml").read_text(encoding="utf-8"))["complaints"]]
    assert refs == ["D2CS202106100001", "D2CS202106120005"]
    before = (mini / "complaints" / "4.yaml").read_bytes()
    again = complaints(mini, "complaints.xlsx", 4)
    # a table titled 第2批 is no re-import of batch 4: the disagreement is named, nothing is written
    assert again.code == 2 and "表格标题写的是第2批，--batch 却是 4" in again.err
    assert (mini / "complaints" / "4.yaml").read_bytes() == before
    assert portal("check", "--content", mini, "--as-of", AS_OF).code == 0


def test_xlsx_tasks_map_deadlines_progress_and_regions(mini: Path) -> None:
    r = imp(mini, "tasks.xlsx", "--kind", "tasks", "--id-prefix", "T-")
    assert r.code == 0, r.err
    t11 = yaml.safe_load((mini / "tasks" / "T-11.yaml").read_text(encoding="utf-8"))
    assert t11["deadline"] == 2023 and t11["regions"] == ["990102"]  # 2023年底前; 甲市东区人民政府
    assert t11["measures"] == ["扩建污水处理厂", "完善配套管网"]
    assert t11["history"][0]["status"] == "in_progress" and t11["history"][0]["on_schedule"] is True
    assert t11["title"] == "甲市东区污水处理厂超负荷运行，部分污水溢流"
    t12 = yaml.safe_load((mini / "tasks" / "T-12.yaml").read_text(encoding="utf-8"))
    assert str(t12["deadline"]) == "2024-06-30" and t12["history"][0]["status"] == "completed"
    t13 = yaml.safe_load((mini / "tasks" / "T-13.yaml").read_text(encoding="utf-8"))
    assert t13["deadline"] == "长期坚持" and t13["regions"] == ["990000"] and t13["history"][0]["status"] == "ongoing"
    assert portal("check", "--content", mini, "--as-of", AS_OF).code == 0


def test_bad_task_values_are_refused(mini: Path) -> None:
    r = imp(mini, "tasks-bad.xlsx", "--kind", "tasks")
    assert r.code == 2
    assert "tasks-bad.xlsx:4: H列 整改时限: “尽快”不是整改时限" in r.err
    assert "tasks-bad.xlsx:4: I列 整改进展: “已销号”" in r.err
    assert not (mini / "tasks" / "T-11.yaml").exists()


def test_problems_found_by_portal_check_block_the_import(mini: Path) -> None:
    """Rows that look fine alone but break a content rule (here: task numbers already used) write nothing."""
    (mini / "tasks" / "T-1.yaml").write_text((mini / "tasks" / "T-1.yaml").read_text(encoding="utf-8")
                                             .replace("number: 1\n", "number: 11\n"), encoding="utf-8")
    r = imp(mini, "tasks.xlsx", "--kind", "tasks")
    assert r.code == 1 and "tasks.xlsx 的内容未写入任何文件" in r.err and "T-11.yaml" in r.err
    assert not (mini / "tasks" / "T-11.yaml").exists()


def test_complaints_need_batch_and_date(mini: Path) -> None:
    r = imp(mini, "complaints.xlsx", "--kind", "complaints")
    assert r.code == 64 and "--forwarded-on" in r.err and "交办日期" in r.err

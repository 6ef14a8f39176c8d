"""portal import of the table layouts provinces really keep (issue 14, sections 1–6): title rows merged across
the columns, 「附件1」, header cells with line breaks, two-row headers under a group cell, section rows 「来电」/
「来信」, drifting column names and extra columns, batch and date in the title, the batch in the 受理编号 cell and
two batches in one file, tables without 受理编号 or 序号, task lists whose 反馈问题 is merged over several
measure rows (or left blank in a CSV), as .xlsx and as GBK CSV. Each table is written here (tmp_path), imported
through the real CLI, checked with portal check, and every item written is compared with the table's own cells.
Columns holding personal data are refused by name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, check, edit, portal
from importing import gbk_csv, xlsx


def complaints(content: Path, sheet: Path, *args: str):  # type: ignore[no-untyped-def]
    return portal("import", sheet, "--kind", "complaints", "--content", content, "--as-of", AS_OF, *args)


def tasks(content: Path, sheet: Path, prefix: str, *args: str):  # type: ignore[no-untyped-def]
    return portal("import", sheet, "--kind", "tasks", "--content", content, "--as-of", AS_OF, "--id-prefix", prefix, *args)


def written(content: Path) -> list[str]:
    """The batch files an import wrote (the mini fixture has only complaints/1.yaml)."""
    return sorted(p.name for p in (content / "complaints").glob("*.yaml") if p.name != "1.yaml")


def batch_file(content: Path, batch: int) -> dict[str, Any]:
    return yaml.safe_load((content / "complaints" / f"{batch}.yaml").read_text(encoding="utf-8"))


def by_ref(content: Path, batch: int) -> dict[str, dict[str, Any]]:
    return {c["ref"]: c for c in batch_file(content, batch)["complaints"]}


def task(content: Path, task_id: str) -> dict[str, Any]:
    return yaml.safe_load((content / "tasks" / f"{task_id}.yaml").read_text(encoding="utf-8"))


def has(item: dict[str, Any], **expected: Any) -> None:
    for key, value in expected.items():
        assert item.get(key) == value, (item.get("ref") or item.get("id"), key, item.get(key), value)


def free_numbers(content: Path) -> None:
    """The fixture's tasks take 序号 1 and 2; a task list numbered by its order starts at 1 too."""
    edit(content, "tasks/T-1.yaml", "number: 1\n", "number: 101\n")
    edit(content, "tasks/T-2.yaml", "number: 2\n", "number: 102\n")


# --- layout 1: central round 3 (xlsx): two title rows merged across, line breaks in the header, 来电/来信 sections

LAYOUT1 = [
    ["测试省第二轮中央生态环境保护督察群众信访举报转办和边督边改公开情况一览表"],
    ["（第19批 2022年10月9日）"],
    ["序号", "受理编号", "交办问题基本情况", "行政区域", "问题\n类型", "调查核实情况", "是否\n属实", "处理和整改情况",
     "责任人被处理情况", "办结\n情况", "是否重点件"],
    ["来电"],
    [1, "D19GS202210080001", "反映甲市东区某厂夜间噪声扰民。", "甲市东区", "噪声污染", "经查，情况属实。", "是", "责令整改。",
     "无", "已办结", "是"],
    [2, "BCD2022092601", "反映乙市某餐馆油烟扰民。", "测试省乙市", "大气污染、噪声污染", "经查，部分属实。", "部分属实",
     "已安装油烟净化器。\n1.责令整改\n2.复查", "", "阶段性办结", "否"],
    ["来信"],
    [3, "D53250020230620035", "反映甲市某河道有垃圾。", "甲市", "水，固废", "经查，不属实。", "否", "加强巡查。", "",
     "正在办理", ""],
]
LAYOUT1_MERGES = ("A1:K1", "A2:K2", "A4:K4", "A7:K7")


def check_layout1(content: Path) -> None:
    data = batch_file(content, 19)
    assert data["batch"] == 19 and str(data["forwarded_on"]) == "2022-10-09"
    items = by_ref(content, 19)
    assert list(items) == ["D19GS202210080001", "BCD2022092601", "D53250020230620035"]
    has(items["D19GS202210080001"], channel="phone", region=["990102"], types=["噪声"], substantiated="属实", status="done",
        priority=True, summary="反映甲市东区某厂夜间噪声扰民。", findings="经查，情况属实。", handling="责令整改。", accountability="无")
    has(items["BCD2022092601"], channel="phone", region=["990200"], types=["大气", "噪声"], substantiated="部分属实",
        status="partly_done", priority=False, handling="已安装油烟净化器。\n1.责令整改\n2.复查")
    has(items["D53250020230620035"], channel="letter", region=["990100"], types=["水", "固废"], substantiated="不属实",
        status="handling")  # the section row 来信 says letter although the number starts with D
    assert "priority" not in items["D53250020230620035"]


def test_layout1_xlsx_title_rows_line_breaks_and_sections(mini: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "round3.xlsx", LAYOUT1, LAYOUT1_MERGES)
    r = complaints(mini, sheet, "--batch", "19", "--forwarded-on", "2022-10-09")
    assert r.code == 0, r.err
    check_layout1(mini)
    assert check(mini).code == 0


def test_layout1_as_gbk_csv(mini: Path, tmp_path: Path) -> None:
    sheet = gbk_csv(tmp_path / "round3.csv", LAYOUT1)
    r = complaints(mini, sheet, "--batch", "19", "--forwarded-on", "2022-10-09")
    assert r.code == 0, r.err
    assert "（CSV，GBK）" in r.out
    check_layout1(mini)
    assert check(mini).code == 0


def test_batch_and_date_come_from_the_title(mini: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "round3.xlsx", LAYOUT1, LAYOUT1_MERGES)
    result = complaints(mini, sheet)  # no --batch, no --forwarded-on: the title names both
    assert result.code == 0, result.err
    assert written(mini) == ["19.yaml"]
    assert "批次取自表格标题：第19批" in result.err
    assert "交办日期取自表格标题：2022-10-09" in result.err
    check_layout1(mini)
    assert check(mini).code == 0


def test_flags_that_disagree_with_the_title_are_a_problem_naming_both(mini: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "round3.xlsx", LAYOUT1, LAYOUT1_MERGES)
    r = complaints(mini, sheet, "--batch", "20", "--forwarded-on", "2022-10-10")
    assert r.code == 2 and not (mini / "complaints" / "20.yaml").exists()
    assert "round3.xlsx:2: 表格标题写的是第19批，--batch 却是 20" in r.err
    assert "round3.xlsx:2: 表格标题写的交办日期是 2022-10-09，--forwarded-on 却是 2022-10-10" in r.err
    r = complaints(mini, sheet, "--batch", "20", "--forwarded-on", "2022-10-10", "--force")  # the flags override
    assert r.code == 0, r.err
    assert batch_file(mini, 20)["batch"] == 20 and str(batch_file(mini, 20)["forwarded_on"]) == "2022-10-10"


def test_without_batch_anywhere_the_import_asks_for_it(mini: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "plain.xlsx", LAYOUT1[2:])
    result = complaints(mini, sheet)
    assert result.code == 64 and "--batch N 和 --forwarded-on" in result.err
    result = complaints(mini, sheet, "--batch", "19")
    assert result.code == 64 and "不知道第19批的交办日期" in result.err and "交办日期" in result.err
    assert not (mini / "complaints" / "19.yaml").exists()


# --- layout 2: a provincial inspection (GBK CSV): 附件1, 第十七批, a two-row header under 处理处罚和问责情况, fines in 元

LAYOUT2 = [
    ["附件1"],
    ["测试省第十七批生态环境保护督察信访件办理情况（2021年3月14日）"],
    ["序号", "受理编号", "交办问题基本情况", "所在地区", "污染类型", "督察期间调查核实情况", "是否属实", "督察期间处理情况",
     "处理处罚和问责情况", "", "", "", "", "", "", "办结状态"],
    ["", "", "", "", "", "", "", "", "责令整改（家次）", "罚款金额（元）", "立案处罚（家次）", "立案侦查（件次）",
     "行政拘留（人次）", "约谈（人次）", "问责（人次）", ""],
    ["1", "D20210314001", "反映甲市东区某工地扬尘。", "测试省甲市东区", "扬尘", "经查属实。", "属实", "已覆盖裸土。",
     "2", "85000", "1", "0", "/", "", "3", "已销号"],
    ["2", "X20210314002", "反映乙市某小区垃圾堆放、油烟扰民。", "乙市", "垃圾、油烟", "经查基本属实。", "基本属实", "已清运。",
     "0", "", "", "", "", "1", "", "未办结"],
    ["3", "W20210314003", "反映东区某企业的多种问题。", "东区", "综合类", "经查不属实。", "不属实", "无需处理。",
     "", "", "", "", "", "", "", "已办结"],
]


def check_layout2(content: Path) -> None:
    items = by_ref(content, 17)
    assert str(batch_file(content, 17)["forwarded_on"]) == "2021-03-14"
    has(items["D20210314001"], channel="phone", region=["990102"], types=["大气"], status="done", substantiated="属实",
        findings="经查属实。", handling="已覆盖裸土。",
        penalties={"orders": 2, "fines_wan_yuan": 8.5, "cases": 1, "accountable_persons": 3})  # 85000 元 = 8.5 万元
    has(items["X20210314002"], channel="letter", region=["990200"], types=["固废", "大气"], status="handling",
        substantiated="基本属实", penalties={"orders": 0, "interviews": 1})  # "0" is 0, an empty cell is nothing
    has(items["W20210314003"], channel="online", region=["990102"], types=["其他"], status="done", substantiated="不属实")
    assert "penalties" not in items["W20210314003"] and "accountability" not in items["W20210314003"]


def test_layout2_gbk_csv_two_row_header_and_fines_in_yuan(mini: Path, tmp_path: Path) -> None:
    sheet = gbk_csv(tmp_path / "province.csv", LAYOUT2)
    r = complaints(mini, sheet, "--batch", "17", "--forwarded-on", "2021-03-14")
    assert r.code == 0, r.err
    check_layout2(mini)
    assert "L列 立案侦查（件次）: 此列按规则不导入" in r.err and "M列 行政拘留（人次）: 此列按规则不导入" in r.err
    assert check(mini).code == 0


def test_layout2_as_xlsx_with_merged_header_cells(mini: Path, tmp_path: Path) -> None:
    rows = [list(r) for r in LAYOUT2]
    for row in rows[2:4]:  # in the workbook the blank header cells are merged ranges
        for i, v in enumerate(row):
            row[i] = v or None
    merges = ("A2:P2", "I3:O3", *(f"{c}3:{c}4" for c in "ABCDEFGHP"))
    sheet = xlsx(tmp_path / "province.xlsx", rows, merges)
    result = complaints(mini, sheet)  # 第十七批 and 2021年3月14日 from the title
    assert result.code == 0, result.err
    assert written(mini) == ["17.yaml"]
    check_layout2(mini)
    assert check(mini).code == 0


# --- layout 3: the batch inside the 受理编号 cell, two batches in one file, several numbers in one cell (xlsx)

LAYOUT3 = [
    ["受理编号", "交办问题基本情况", "行政区域", "污染类型", "办结状态"],
    ["第31批 D3GS202312200043", "反映甲市东区某厂排放异味。", "甲市东区", "大气", "已办结"],
    ["第31批 D3GS202312200044、D3GS202312200045", "反映乙市某河段污水。", "乙市", "水", "正在办理"],
    ["第32批 X3GS202312210001", "反映甲市某工地夜间施工。", "甲市", "噪声", "阶段性办结"],
]


def test_layout3_two_batches_in_one_file(mini: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "two-batches.xlsx", LAYOUT3)
    result = complaints(mini, sheet, "--forwarded-on", "2023-12-22")
    assert result.code == 0, result.err
    assert written(mini) == ["31.yaml", "32.yaml"]
    first, second = by_ref(mini, 31), by_ref(mini, 32)
    assert list(first) == ["D3GS202312200043", "D3GS202312200044"] and list(second) == ["X3GS202312210001"]
    has(first["D3GS202312200043"], channel="phone", region=["990102"], types=["大气"], status="done")
    has(first["D3GS202312200044"], region=["990200"], types=["水"], status="handling",
        summary="反映乙市某河段污水。（本件与受理编号 D3GS202312200045 合并办理）")
    has(second["X3GS202312210001"], channel="letter", region=["990100"], types=["噪声"], status="partly_done")
    assert check(mini).code == 0


def test_layout3_a_batch_in_the_cell_must_agree_with_the_flag(mini: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "two-batches.xlsx", LAYOUT3)
    r = complaints(mini, sheet, "--batch", "31", "--forwarded-on", "2023-12-22")
    assert r.code == 2 and not (mini / "complaints" / "31.yaml").exists()
    assert "two-batches.xlsx:4: A列 受理编号: 此行是第32批，与 --batch 或表格标题的第31批不一致" in r.err
    assert "two-batches.xlsx:2:" not in r.err and "two-batches.xlsx:3:" not in r.err


# --- layout 4: an older round without 受理编号 (GBK CSV): ids made from batch and row; regions as bodies

LAYOUT4 = [
    ["序号", "交办问题基本情况", "所在地区", "污染类型", "受理方式", "办结状态", "罚款金额（万元）"],
    ["1", "反映甲市东区某厂废水直排。", "甲市东区、市生态环境局", "水污染", "来电", "已办结", "1.5"],
    ["2", "反映甲市东区某处噪声。", "甲市\n东区", "噪声，大气", "来信", "阶段性办结", "0"],
    ["3", "反映乙市某矿区重金属超标。", "乙市人民政府、乙市生态环境局", "重金属", "网络", "正在办理", ""],
]


def test_layout4_without_ref_column_ids_are_made_and_said(mini: Path, tmp_path: Path) -> None:
    sheet = gbk_csv(tmp_path / "old-round.csv", LAYOUT4)
    r = complaints(mini, sheet, "--batch", "5", "--forwarded-on", "2021-06-20")
    assert r.code == 0, r.err
    assert "表格没有“受理编号”列：按批次和行的顺序生成编号" in r.err
    items = by_ref(mini, 5)
    assert list(items) == ["B5-0001", "B5-0002", "B5-0003"]
    has(items["B5-0001"], channel="phone", region=["990102"], types=["水"], status="done", penalties={"fines_wan_yuan": 1.5})
    has(items["B5-0002"], channel="letter", region=["990102"], types=["噪声", "大气"], status="partly_done",
        penalties={"fines_wan_yuan": 0})
    has(items["B5-0003"], channel="online", region=["990200"], types=["土壤"], status="handling")
    assert check(mini).code == 0
    again = gbk_csv(tmp_path / "old-round-again.csv", LAYOUT4)  # the same table gives the same ids
    before = (mini / "complaints" / "5.yaml").read_text(encoding="utf-8")
    r = complaints(mini, again, "--batch", "5", "--forwarded-on", "2021-06-20", "--overwrite")
    assert r.code == 0, r.err
    assert (mini / "complaints" / "5.yaml").read_text(encoding="utf-8") == before.replace("old-round.csv", "old-round-again.csv")


def test_a_region_cell_naming_no_region_is_a_problem(mini: Path, tmp_path: Path) -> None:
    rows = [LAYOUT4[0], ["1", "反映某处噪声。", "丙市", "噪声", "来电", "已办结", ""],
            ["2", "反映某处噪声。", "市生态环境局", "噪声", "来电", "已办结", ""]]
    r = complaints(mini, gbk_csv(tmp_path / "regions.csv", rows), "--batch", "5", "--forwarded-on", "2021-06-20")
    assert r.code == 2
    assert "regions.csv:2: C列 所在地区: “丙市”不是 regions.yaml 中的行政区域" in r.err
    assert "regions.csv:3: C列 所在地区: “市生态环境局”中没有 regions.yaml 里的地区" in r.err


# --- layout 5: a city's system export (xlsx): drifting names, many extra columns, 是否办结 是/否

LAYOUT5 = [
    ["原始排序编码", "轮次", "受理编号", "举报内容", "属地", "污染类型", "核查情况", "是否属实", "处理情况", "问责情况",
     "是否办结", "受理方式", "办结目标", "整改目标及整改措施", "是否重复", "重复关联件编号", "合并编号", "验收情况",
     "牵头责任单位", "罚款金额（万元）"],
    ["0001", "第三轮", "BCD2022092601、BCD2022092602", "反映甲市某厂废气扰民。", "甲市", "大气污染", "经查属实。", "是",
     "已立案处罚。", "对 2 名责任人诫勉谈话。", "是", "网络", "2022年底前办结", "完成废气治理", "否", "", "", "已验收",
     "甲市生态环境局", "2"],
    ["0002", "第三轮", "BCD2022092603", "反映乙市某处噪声扰民。", "乙市", "噪声污染", "经查不属实。", "否", "加强巡查。", "",
     "否", "来电", "", "", "是", "BCD2022092601", "H-7", "", "乙市生态环境局", ""],
]


def test_layout5_extra_columns_are_ignored_by_rule_and_said(mini: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "export.xlsx", LAYOUT5)
    r = complaints(mini, sheet, "--batch", "8", "--forwarded-on", "2022-09-26")
    assert r.code == 0, r.err
    items = by_ref(mini, 8)
    assert list(items) == ["BCD2022092601", "BCD2022092603"]
    has(items["BCD2022092601"], channel="online", region=["990100"], types=["大气"], status="done", substantiated="属实",
        findings="经查属实。", handling="已立案处罚。", accountability="对 2 名责任人诫勉谈话。",
        summary="反映甲市某厂废气扰民。（本件与受理编号 BCD2022092602 合并办理）", penalties={"fines_wan_yuan": 2})
    has(items["BCD2022092603"], channel="phone", region=["990200"], types=["噪声"], status="handling", substantiated="不属实")
    for column in ["A列 原始排序编码", "B列 轮次", "M列 办结目标", "N列 整改目标及整改措施", "O列 是否重复", "P列 重复关联件编号",
                   "Q列 合并编号", "R列 验收情况", "S列 牵头责任单位"]:
        assert f"export.xlsx:1: {column}: 此列按规则不导入：" in r.err, column
    text = (mini / "complaints" / "8.yaml").read_text(encoding="utf-8")
    assert "H-7" not in text and "2022年底前办结" not in text
    assert check(mini).code == 0


def test_an_unknown_column_still_stops_the_import(mini: Path, tmp_path: Path) -> None:
    """A guard for the rule above (it passed before the change too): what no rule names is never dropped."""
    rows = [[*LAYOUT5[0], "自定义栏目"], [*LAYOUT5[1], "x"]]
    r = complaints(mini, xlsx(tmp_path / "unknown.xlsx", rows), "--batch", "8", "--forwarded-on", "2022-09-26")
    assert r.code == 2 and "unknown.xlsx:1: U列 自定义栏目: 未知的列“自定义栏目”" in r.err
    assert not (mini / "complaints" / "8.yaml").exists()


# --- personal data ---------------------------------------------------------------------------------

PERSONAL = ["联络人", "联系人", "联系电话", "网格员手机号码", "举报人", "举报人身份证号"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_personal_data_columns_are_refused_by_name(mini: Path, tmp_path: Path, suffix: str) -> None:
    rows = [[*LAYOUT4[0], *PERSONAL],
            [*LAYOUT4[1], "王某某", "李某", "0999-87654321", "13912345678", "张某", "110101199001011234"]]
    path = tmp_path / f"personal{suffix}"
    sheet = xlsx(path, rows) if suffix == ".xlsx" else gbk_csv(path, rows)
    r = complaints(mini, sheet, "--batch", "6", "--forwarded-on", "2021-06-20")
    assert r.code == 2 and not (mini / "complaints" / "6.yaml").exists()
    for i, name in enumerate(PERSONAL):
        letter = chr(ord("H") + i)
        assert f"personal{suffix}:1: {letter}列 {name}: 此列含个人信息（联系人、电话、举报人等），不得导入公开内容" in r.err, name
    assert "13912345678" not in r.err and "王某某" not in r.err
    r = complaints(mini, sheet, "--batch", "6", "--forwarded-on", "2021-06-20", "--force")  # dropped, with the warning
    assert r.code == 0, r.err
    assert "此列含个人信息" in r.err
    text = (mini / "complaints" / "6.yaml").read_text(encoding="utf-8")
    for value in ["王某某", "李某", "87654321", "13912345678", "张某", "110101199001011234"]:
        assert value not in text
    assert check(mini).code == 0


# --- layout 6: a task list (xlsx): title merged, no 序号, 反馈问题 merged over three measure rows

LAYOUT6 = [
    ["测试省贯彻落实第二轮中央生态环境保护督察报告整改措施清单"],
    ["督察反馈问题", "整改目标", "整改措施", "牵头责任单位", "责任单位", "整改时限", "整改进展"],
    ["甲市东区污水处理能力不足，部分污水直排。", "污水全部收集处理", "1.扩建污水处理厂", "甲市人民政府",
     "甲市东区人民政府、各县（市、区）人民政府", "2024年12月底前", "达到序时进度"],
    [None, None, "2.完善配套管网", None, "乙市人民政府", dt.datetime(2025, 6, 30), "超过序时进度"],
    [None, None, "3.建立长效机制", None, "", "立行立改，长期坚持", ""],
    ["乙市矿山生态修复滞后。", "完成修复", "开展复绿", "乙市人民政府", "", "2024 年 6 月", "完成交账销号"],
    ["全省生态环境保护责任落实不到位。", "压实责任", "健全责任体系", "测试省生态环境厅", "", "长期坚持", "尚未启动"],
]


def test_layout6_xlsx_task_list_with_merged_problem_cells(mini: Path, tmp_path: Path) -> None:
    free_numbers(mini)
    sheet = xlsx(tmp_path / "tasks.xlsx", LAYOUT6, ("A1:G1", "A3:A5", "B3:B5", "D3:D5"))
    r = tasks(mini, sheet, "R-")
    assert r.code == 0, r.err
    assert "表格没有“序号”列：按任务的顺序编号 1–3" in r.err
    assert sorted(p.name for p in (mini / "tasks").glob("R-*.yaml")) == ["R-01.yaml", "R-02.yaml", "R-03.yaml"]
    one = task(mini, "R-01")
    has(one, number=1, problem="甲市东区污水处理能力不足，部分污水直排。", target="污水全部收集处理",
        measures=["扩建污水处理厂", "完善配套管网", "建立长效机制"],
        responsible_units=["甲市人民政府", "甲市东区人民政府", "各县（市、区）人民政府", "乙市人民政府"],
        regions=["990102", "990200"])
    assert one["deadline"] == dt.date(2025, 6, 30)  # the latest of 2024年12月底前, 2025-06-30 and 长期坚持
    assert one["history"][0]["status"] == "in_progress" and one["history"][0]["on_schedule"] is True
    two = task(mini, "R-02")
    assert two["deadline"] == dt.date(2024, 6, 30) and two["history"][0]["status"] == "completed"
    assert two["regions"] == ["990200"] and two["measures"] == ["开展复绿"]
    three = task(mini, "R-03")
    assert three["deadline"] == "长期坚持" and "history" not in three and three["regions"] == ["990000"]
    assert check(mini).code == 0


# --- layout 7: a task list (GBK CSV): blank continuation rows, 序号 on the first row only, 备注 ignored

LAYOUT7 = [
    ["序号", "反馈问题", "整改措施", "责任单位", "完成时限", "整改进展情况", "备注"],
    ["1", "乙市部分河段水质不达标。", "1.截污纳管", "乙市人民政府", "2025年底前", "未达到序时进度", ""],
    ["", "", "2.清淤疏浚", "测试省水利厅", "", "", ""],
    ["2", "甲市东区黑臭水体反弹。", "开展整治", "甲市东区人民政府", "2024 年 6 月", "完成整改", "已上报"],
]


def test_layout7_gbk_csv_task_list_with_continuation_rows(mini: Path, tmp_path: Path) -> None:
    free_numbers(mini)
    r = tasks(mini, gbk_csv(tmp_path / "tasks.csv", LAYOUT7), "S-")
    assert r.code == 0, r.err
    assert "G列 备注: 此列按规则不导入" in r.err
    one = task(mini, "S-01")
    has(one, number=1, measures=["截污纳管", "清淤疏浚"], responsible_units=["乙市人民政府", "测试省水利厅"],
        regions=["990200"], deadline=2025)
    assert one["history"][0]["status"] == "in_progress" and one["history"][0]["on_schedule"] is False
    two = task(mini, "S-02")
    has(two, number=2, measures=["开展整治"], regions=["990102"], deadline=dt.date(2024, 6, 30))
    assert two["history"][0]["status"] == "completed"
    assert check(mini).code == 0


# --- layout 8: a two-row header merged both ways, a 批次 column with two batches, the date in the title (xlsx)

LAYOUT8 = [
    ["测试省信访件办理情况（2022年10月9日）"],
    ["批次", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "处理处罚和问责情况", None, None, "办结状态"],
    [None, None, None, None, None, "责令整改（家次）", "罚款金额（万元）", "问责（人次）", None],
    ["第19批", "D19GS202210080011", "反映甲市东区某厂粉尘。", "甲市东区", "大气", "1", "0.5", "", "已办结"],
    [20, "D20GS202210090012", "反映乙市某河道漂浮物。", "乙市", "水", "", "", "2", "正在办理"],
]


def test_layout8_batch_column_and_two_row_merged_header(mini: Path, tmp_path: Path) -> None:
    merges = ("A1:I1", "F2:H2", *(f"{c}2:{c}3" for c in "ABCDEI"))
    sheet = xlsx(tmp_path / "batches.xlsx", LAYOUT8, merges)
    result = complaints(mini, sheet)
    assert result.code == 0, result.err
    assert written(mini) == ["19.yaml", "20.yaml"]
    assert str(batch_file(mini, 19)["forwarded_on"]) == str(batch_file(mini, 20)["forwarded_on"]) == "2022-10-09"
    has(by_ref(mini, 19)["D19GS202210080011"], region=["990102"], types=["大气"], status="done", channel="phone",
        penalties={"orders": 1, "fines_wan_yuan": 0.5})
    has(by_ref(mini, 20)["D20GS202210090012"], region=["990200"], types=["水"], status="handling",
        penalties={"accountable_persons": 2})
    assert check(mini).code == 0


# --- the vocabulary as data ---------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [("罚款金额（万元）", "罚款金额"), ("罚款金额(元)", "罚款金额"), ("问题\n类型", "问题类型"),
                                              ("责令整改（家次）", "责令整改"), (" 是否 属实 ", "是否属实"), ("【备注】", "备注")])
def test_header_spellings_compare_without_spaces_breaks_brackets_and_units(header: str, expected: str) -> None:
    from generator.load.import_vocab import norm_header

    assert norm_header(header) == expected


def test_every_old_pollution_label_maps_onto_a_content_type() -> None:
    from typing import get_args

    from generator.load.import_vocab import POLLUTION_TYPES
    from generator.models import PollutionType

    assert set(POLLUTION_TYPES.values()) <= set(get_args(PollutionType))
    assert set(get_args(PollutionType)) <= set(POLLUTION_TYPES)


def test_chinese_numerals_in_titles() -> None:
    from generator.commands.import_values import chinese_number, split_units

    assert [chinese_number(s) for s in ["十七", "19", "１９", "二十", "一百零二", "十", "批"]] == [17, 19, 19, 20, 102, 10, None]
    assert split_units("各县（市、区）人民政府、市生态环境局，乙市人民政府") == ["各县（市、区）人民政府", "市生态环境局", "乙市人民政府"]


@pytest.mark.parametrize("cell, expected", [("长期坚持", "长期坚持"), ("立行立改，长期坚持", "长期坚持"), ("立行立改", "立行立改"),
                                            ("2024年12月底前", 2024), ("2025年底前", 2025), ("2024 年 6 月", dt.date(2024, 6, 30)),
                                            (dt.datetime(2024, 3, 31, 0, 0), dt.date(2024, 3, 31)), (dt.date(2024, 5, 1), dt.date(2024, 5, 1))])
def test_deadlines_as_task_lists_write_them(cell: Any, expected: Any) -> None:
    from generator.commands.import_values import parse_deadline

    assert parse_deadline(cell) == (expected, "")


@pytest.mark.parametrize("cell, expected", [("达到序时进度", ("in_progress", True)), ("未达到序时进度", ("in_progress", False)),
                                            ("超过序时进度", ("in_progress", True)), ("已完成整改", ("completed", None)),
                                            ("完成交账销号", ("completed", None)), ("尚未启动", ("planned", None))])
def test_progress_phrases(cell: str, expected: Any) -> None:
    from generator.commands.import_values import parse_progress

    assert parse_progress(f"截至目前，{cell}。") == (expected, "")


# --- merged ranges are bounded ---------------------------------------------------------------------

def with_merges(path: Path, rows: list[list[Any]], refs: list[str]) -> Path:
    """An .xlsx whose sheet lists exactly ``refs`` as merged ranges (as a hostile file may)."""
    import zipfile

    plain = xlsx(path, rows)
    with zipfile.ZipFile(plain) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    merges = f'<mergeCells count="{len(refs)}">' + "".join(f'<mergeCell ref="{r}"/>' for r in refs) + "</mergeCells>"
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", "</sheetData>" + merges, 1).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_overlapping_merged_ranges_are_refused(mini: Path, tmp_path: Path) -> None:
    sheet = with_merges(tmp_path / "overlap.xlsx", LAYOUT3, ["A1:E4"] * 3000)
    r = complaints(mini, sheet, "--forwarded-on", "2023-12-22", "--batch", "31")
    assert r.code == 1 and "overlap.xlsx: 合并单元格互相重叠" in r.err and "Traceback" not in r.err
    assert not (mini / "complaints" / "31.yaml").exists()


def test_a_merged_range_far_beyond_the_values_is_clipped(mini: Path, tmp_path: Path) -> None:
    rows = [["测试省第31批信访件"], *LAYOUT3]
    sheet = with_merges(tmp_path / "wide-merge.xlsx", rows, ["A1:XFD1", "E4:E1048576"])  # E5 reads E4's 正在办理
    r = complaints(mini, sheet, "--forwarded-on", "2023-12-22", "--batch", "31", "--force")
    assert r.code == 0, r.err
    assert list(by_ref(mini, 31)) == ["D3GS202312200043", "D3GS202312200044"]
    assert "wide-merge.xlsx:5: A列 受理编号: 此行是第32批" in r.err  # left out by --force


# --- properties ------------------------------------------------------------------------------------

from hypothesis import given, settings
from hypothesis import strategies as st

DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """n (1–9999) in Chinese numerals, as titles write them (十七, 一百零二, 二千零二十)."""
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            out += ("零" if zero and out else "") + ("" if (unit == "十" and d == 1 and not out) else DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 9999))
def test_chinese_batch_numbers_read_back(n: int) -> None:
    from generator.commands.import_values import chinese_number

    assert chinese_number(numeral(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted({s for cols in __import__("generator.load.import_vocab", fromlist=["COLUMNS"]).COLUMNS.values()
                               for spellings in cols.values() for s in spellings})),
       st.lists(st.tuples(st.integers(0, 20), st.sampled_from([" ", "\n", "\u3000", "\r\n"])), max_size=4),
       st.sampled_from(["", "（万元）", "(元)", "（家次）", "【人次】"]))
def test_a_header_is_known_however_it_is_broken(spelling: str, breaks: list[tuple[int, str]], unit: str) -> None:
    from generator.load.import_vocab import norm_header

    broken = spelling
    for at, ch in breaks:
        at = min(at, len(broken))
        broken = broken[:at] + ch + broken[at:]
    assert norm_header(broken + unit) == norm_header(spelling)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["甲市人民政府", "各县（市、区）人民政府", "市生态环境局", "测试省水利厅（省河长办）", "乙市（含新区、园区）管委会"]),
                min_size=1, max_size=5), st.sampled_from(["、", "，", ",", "；", "\n"]))
def test_units_split_only_outside_brackets(units: list[str], sep: str) -> None:
    from generator.commands.import_values import split_units

    assert split_units(sep.join(units)) == units


# --- layout 9: several batches in one file, each with its own date in a 交办日期 column (GBK CSV)

LAYOUT9 = [
    ["批次", "受理编号", "交办日期", "交办问题基本情况", "行政区域", "污染类型", "办结状态"],
    ["第21批", "D21GS202210110001", "2022年10月11日", "反映甲市东区某厂粉尘。", "甲市东区", "大气", "已办结"],
    ["第21批", "D21GS202210110002", "2022-10-11", "反映乙市某河道漂浮物。", "乙市", "水", "正在办理"],
    ["第22批", "D22GS202210120001", "2022/10/12", "反映甲市某工地噪声。", "甲市", "噪声", "阶段性办结"],
]


def test_layout9_each_batch_takes_the_date_of_its_rows(mini: Path, tmp_path: Path) -> None:
    sheet = gbk_csv(tmp_path / "dated.csv", LAYOUT9)
    result = complaints(mini, sheet)
    assert result.code == 0, result.err
    assert written(mini) == ["21.yaml", "22.yaml"]
    assert str(batch_file(mini, 21)["forwarded_on"]) == "2022-10-11"
    assert str(batch_file(mini, 22)["forwarded_on"]) == "2022-10-12"
    assert list(by_ref(mini, 21)) == ["D21GS202210110001", "D21GS202210110002"]
    assert check(mini).code == 0


def test_layout9_dates_of_one_batch_must_agree_and_agree_with_the_flag(mini: Path, tmp_path: Path) -> None:
    rows = [list(r) for r in LAYOUT9]
    rows[2][2] = "2022-10-13"  # the second row of batch 21 names another day
    r = complaints(mini, gbk_csv(tmp_path / "split.csv", rows))
    assert r.code == 2 and not (mini / "complaints" / "21.yaml").exists()
    assert "split.csv:3: C列 交办日期: 第21批的交办日期应当相同：第 2 行是 2022-10-11，此行是 2022-10-13" in r.err, r.err
    r = complaints(mini, gbk_csv(tmp_path / "dated.csv", LAYOUT9), "--forwarded-on", "2022-10-11")
    assert r.code == 2 and "dated.csv:4: C列 交办日期: 交办日期列写第22批是 2022-10-12，--forwarded-on 或表格标题却是 2022-10-11" in r.err
    assert "dated.csv:2:" not in r.err  # batch 21 agrees with the flag
    r = complaints(mini, gbk_csv(tmp_path / "dated.csv", LAYOUT9), "--forwarded-on", "2022-10-11", "--force")
    assert r.code == 0, r.err
    assert str(batch_file(mini, 22)["forwarded_on"]) == "2022-10-11"  # with --force the flag wins


# --- layout 10: a task list with category rows 「一、大气污染防治」 (merged across in xlsx, first cell alone in CSV)

LAYOUT10 = [
    ["反馈问题", "整改措施", "责任单位", "整改时限", "整改进展"],
    ["一、大气污染防治", None, None, None, None],
    ["甲市东区燃煤锅炉淘汰滞后。", "1.淘汰燃煤锅炉", "甲市东区人民政府", "2024年底前", "达到序时进度"],
    [None, "2.开展执法检查", "甲市人民政府", None, None],
    ["（二）水环境", None, None, None, None],
    ["乙市黑臭水体整治不到位。", "开展整治", "乙市人民政府", "2025年底前", "未达到序时进度"],
]


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_layout10_category_rows_are_no_tasks(mini: Path, tmp_path: Path, form: str) -> None:
    free_numbers(mini)
    if form == "xlsx":  # the category rows merged across the table, 反馈问题 merged over its two rows
        sheet = xlsx(tmp_path / "cats.xlsx", LAYOUT10, ("A2:E2", "A5:E5", "A3:A4"))
    else:
        sheet = gbk_csv(tmp_path / "cats.csv", [[c if c is not None else "" for c in r] for r in LAYOUT10])
    r = tasks(mini, sheet, "C-")
    assert r.code == 0, r.err
    assert "分类标题行“一、大气污染防治”：不是任务，未导入" in r.err and "分类标题行“（二）水环境”" in r.err
    assert sorted(p.name for p in (mini / "tasks").glob("C-*.yaml")) == ["C-01.yaml", "C-02.yaml"]
    one, two = task(mini, "C-01"), task(mini, "C-02")
    has(one, number=1, problem="甲市东区燃煤锅炉淘汰滞后。", measures=["淘汰燃煤锅炉", "开展执法检查"],
        responsible_units=["甲市东区人民政府", "甲市人民政府"])
    has(two, number=2, problem="乙市黑臭水体整治不到位。", measures=["开展整治"], responsible_units=["乙市人民政府"])
    assert check(mini).code == 0


def test_a_measure_alone_on_a_continuation_row_is_no_category() -> None:
    from generator.commands.import_layout import category_heading

    assert category_heading(["", "一、加强监管", "", ""]) == ""  # a measure, not in the first cell
    assert category_heading(["一、大气污染防治", "", ""]) == "一、大气污染防治"
    assert category_heading(["三、", "", ""]) == ""  # no words after the number
    assert category_heading(["一、大气", "x", ""]) == ""  # more than one value: a task row

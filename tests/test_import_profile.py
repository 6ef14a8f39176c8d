"""Import profiles (导入配置, issue 14; docs/content-format.md "import-profiles/*.yaml"): a table layout the
built-in knowledge does not know is refused with a hint to --draft-profile; the draft lists every column and
marks those the import cannot place 待定; a 待定 profile is refused at its line; the clerk fills it in (as
YAML text, here) and the next import of the layout needs no flags. Kept columns (保留) become the ``extra``
field, shown on the item page under 其他信息 and carried by the item's JSON. Broken profiles are refused by
the import and by portal check, in Chinese with file and line. Everything runs through the real CLI on
real files (openpyxl, GBK CSV) and a real build."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, MINI, build, check, edit, portal
from hypothesis import given, settings
from hypothesis import strategies as st
from importing import gbk_csv, xlsx


def sheet_file(tmp_path: Path, name: str, rows: list[list[Any]], suffix: str) -> Path:
    path = tmp_path / f"{name}{suffix}"
    return xlsx(path, rows, (f"A1:{chr(64 + len(rows[1]))}1",)) if suffix == ".xlsx" else gbk_csv(path, rows)


def complaints(content: Path, sheet: Path, *args: str):  # type: ignore[no-untyped-def]
    return portal("import", sheet, "--kind", "complaints", "--content", content, "--as-of", AS_OF, *args)


def profiles(content: Path) -> list[Path]:
    folder = content / "import-profiles"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line)


def chinese_refusal(result: Any) -> None:
    """A refusal for a clerk: non-zero exit, no traceback, the message in Chinese."""
    assert result.code != 0, result.out
    assert "Traceback" not in result.err and "Error:" not in result.err, result.err
    assert re.search(r"[\u4e00-\u9fff]", result.err), result.err


# a city's own register: no built-in name for 信访件编号, 所属区县, 问题分类, 是否回访, 内部流水号; a phone column;
# 办结情况 is built in, its value 已结案 is not
PHONES = ("13812345678", "13987654321", "13700001111")
TABLE = [
    ["某市生态环境信访件登记表（第9批 2023年5月6日）"],
    ["信访件编号", "所属区县", "反映问题", "问题分类", "是否\n回访", "内部流水号", "联系人电话", "办结情况"],
    ["D9CS20230501001", "甲市东区", "反映某厂夜间噪声扰民。", "噪声", "已回访，群众满意", "LS-001", PHONES[0], "已结案"],
    ["X9CS20230502002", "乙市", "反映某河道有垃圾漂浮。", "水、固废", "未回访\n（电话未接通）", "LS-002", PHONES[1], "正在办理"],
    ["D9CS20230503003", "甲市", "反映某餐馆油烟扰民。", "油烟", "", "LS-003", PHONES[2], "阶段性办结"],
]
UNKNOWN = ["信访件编号", "所属区县", "问题分类", "是否回访", "内部流水号"]
FILLED = {"信访件编号": "受理编号", "所属区县": "region", "问题分类": "污染类型", "是否回访": "保留", "内部流水号": "不导入"}


def fill(profile: Path, values: str = "values:\n  办结状态:\n    已结案: 已办结\n") -> None:
    """What a clerk does with the draft: each 待定 replaced, a values block added."""
    text = profile.read_text(encoding="utf-8")
    for column, action in FILLED.items():
        text, n = re.subn(rf"^(  {column}: )待定(  #.*)?$", rf"\g<1>{action}", text, flags=re.MULTILINE)
        assert n == 1, column
    profile.write_text(text + values, encoding="utf-8")


def drafted(content: Path, sheet: Path) -> Path:
    r = complaints(content, sheet, "--draft-profile")
    assert r.code == 0, r.err
    (profile,) = profiles(content)
    return profile


class Fields(HTMLParser):
    """The <dt>/<dd> pairs of the section headed by ``heading``."""

    def __init__(self, heading: str):
        super().__init__()
        self.heading, self.inside, self.tag, self.key = heading, False, "", ""
        self.pairs: list[tuple[str, str]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tag, self.text = tag, ""
        if tag == "section":
            self.inside = False

    def handle_data(self, data: str) -> None:
        self.text += data
        if self.tag == "h2" and data.strip() == self.heading:
            self.inside = True

    def handle_endtag(self, tag: str) -> None:
        if self.inside and tag == "dt":
            self.key = self.text.strip()
        elif self.inside and tag == "dd":
            self.pairs.append((self.key, self.text.strip()))
        self.tag = ""


def extra_on_page(page: Path) -> list[tuple[str, str]]:
    parser = Fields("其他信息")
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.pairs


# --- the clerk's way: refused, drafted, filled, imported, built ---------------------------------------------

@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_unknown_layout_is_drafted_filled_imported_and_built(mini: Path, tmp_path: Path, suffix: str) -> None:
    sheet = sheet_file(tmp_path, "某市信访件登记表", TABLE, suffix)
    r = complaints(mini, sheet)
    chinese_refusal(r)
    for letter, column in zip("ABDEF", UNKNOWN):
        assert f"{sheet.name}:2: {letter}列 {column}: 未知的列“{column}”" in r.err, column
    assert "--draft-profile" in r.err
    assert not (mini / "complaints" / "9.yaml").exists()

    r = complaints(mini, sheet, "--draft-profile")
    assert r.code == 0, r.err
    (profile,) = profiles(mini)
    assert f"{profile}" in r.out and "其中 5 列“待定”" in r.out
    draft = yaml.safe_load(profile.read_text(encoding="utf-8"))
    assert draft["kind"] == "complaints"
    assert draft["columns"] == {**{c: "待定" for c in UNKNOWN}, "反映问题": "交办问题基本情况", "联系人电话": "不导入",
                                "办结情况": "办结状态"}
    text = profile.read_text(encoding="utf-8")
    assert "反映问题: 交办问题基本情况  # 已识别" in text and "# ← 未能识别：改为字段名、“保留”或“不导入”" in text
    assert check(mini).code == 0  # a draft in progress is no content problem

    r = complaints(mini, sheet)  # chosen automatically, and refused: 待定 at its line
    chinese_refusal(r)
    for column in UNKNOWN:
        assert f"{profile.relative_to(mini.parent).as_posix()}:{line_of(profile, column)}: columns.{column}: 此列尚未确定（待定）" in r.err
    assert not (mini / "complaints" / "9.yaml").exists()

    fill(profile)
    r = complaints(mini, sheet)  # no flags: the batch and date from the title, the profile by the header
    assert r.code == 0, r.err
    assert f"使用导入配置 {profile.relative_to(mini.parent).as_posix()}" in r.err
    assert "F列 内部流水号: 此列按导入配置" in r.err and "G列 联系人电话: 此列按导入配置" in r.err
    data = yaml.safe_load((mini / "complaints" / "9.yaml").read_text(encoding="utf-8"))
    assert data["batch"] == 9 and str(data["forwarded_on"]) == "2023-05-06"
    items = {c["ref"]: c for c in data["complaints"]}
    assert list(items) == ["D9CS20230501001", "X9CS20230502002", "D9CS20230503003"]
    expected = [("phone", ["990102"], ["噪声"], "done", {"是否回访": "已回访，群众满意"}),
                ("letter", ["990200"], ["水", "固废"], "handling", {"是否回访": "未回访 （电话未接通）"}),
                ("phone", ["990100"], ["大气"], "partly_done", None)]
    for row, (ref, item), (channel, region, types, status, extra) in zip(TABLE[2:], items.items(), expected):
        assert item["summary"] == row[2]
        assert (item["channel"], item["region"], item["types"], item["status"], item.get("extra")) == \
            (channel, region, types, status, extra), ref
    assert check(mini).code == 0

    out = tmp_path / "site"
    r = build(mini, out)
    assert r.code == 0, r.err
    for phone in PHONES:
        for root in (mini, out):
            leaked = [p for p in root.rglob("*") if p.is_file() and phone.encode() in p.read_bytes()]
            assert leaked == [], (phone, leaked)
    assert extra_on_page(out / "complaints" / "D9CS20230501001" / "index.html") == [("是否回访", "已回访，群众满意")]
    assert extra_on_page(out / "complaints" / "D9CS20230503003" / "index.html") == []
    record = json.loads((out / "data" / "complaints" / "X9CS20230502002.json").read_text(encoding="utf-8"))
    assert record["extra"] == {"是否回访": "未回访 （电话未接通）"}
    assert "extra" not in (out / "data" / "complaints.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "未回访" not in (out / "data" / "complaints.csv").read_text(encoding="utf-8-sig")


def test_a_reimport_applies_the_profile_again_and_leaves_unchanged_rows_alone(mini: Path, tmp_path: Path) -> None:
    sheet = sheet_file(tmp_path, "register", TABLE, ".xlsx")
    fill(drafted(mini, sheet))
    assert complaints(mini, sheet).code == 0
    target = mini / "complaints" / "9.yaml"
    before = target.read_text(encoding="utf-8")
    r = complaints(mini, sheet, "--date", "2023-06-01")  # the same table again: nothing changes
    assert r.code == 0, r.err
    assert target.read_text(encoding="utf-8") == before
    week2 = [list(row) for row in TABLE]
    week2[3][7] = "已结案"  # mapped by the profile's values to 已办结
    r = complaints(mini, sheet_file(tmp_path, "register-week2", week2, ".xlsx"), "--date", "2023-06-01")
    assert r.code == 0, r.err
    after = target.read_text(encoding="utf-8")
    items = {c["ref"]: c for c in yaml.safe_load(after)["complaints"]}
    assert items["X9CS20230502002"]["updates"] == [{"date": dt.date(2023, 6, 1), "status": "done", "note": ""}]
    assert "updates" not in items["D9CS20230501001"] and "updates" not in items["D9CS20230503003"]
    first = before.split("  # row 4")[0]
    assert after.startswith(first)  # the rows before the changed one are byte-identical
    assert after.split("  # row 5")[1] == before.split("  # row 5")[1]
    assert check(mini).code == 0


def test_a_reimport_refuses_a_changed_kept_column_at_its_cell(mini: Path, tmp_path: Path) -> None:
    """A kept column (保留) is published as 其他信息: a re-import may not rewrite it, like any published field."""
    sheet = sheet_file(tmp_path, "register", TABLE, ".xlsx")
    fill(drafted(mini, sheet))
    assert complaints(mini, sheet).code == 0
    target = mini / "complaints" / "9.yaml"
    before = target.read_bytes()
    week2 = [list(row) for row in TABLE]
    week2[2][4] = "已回访，群众不满意"
    r = complaints(mini, sheet_file(tmp_path, "register-week2", week2, ".xlsx"), "--date", "2023-06-01")
    assert r.code == 2 and target.read_bytes() == before
    assert "register-week2.xlsx:3: E列 是否回访: 已公开的字段不能改写" in r.err and "“其他信息”与表格不同" in r.err, r.err


def test_a_task_list_keeps_a_column_over_its_continuation_rows(mini: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "number: 1\n", "number: 101\n")
    edit(mini, "tasks/T-2.yaml", "number: 2\n", "number: 102\n")
    rows = [["序号", "问题描述", "具体工作", "责任单位", "完成时限", "对接科室"],
            ["1", "甲市某工业园区废水直排。", "1.排查排污口", "甲市人民政府", "2024年12月底前", "水科"],
            ["", "", "2.建设污水管网", "甲市东区人民政府", "2025年底前", "水科、执法支队"],
            ["2", "乙市扬尘管控不力。", "落实扬尘管控", "乙市人民政府", "长期坚持", ""]]
    sheet = gbk_csv(tmp_path / "tasks.csv", rows)
    r = portal("import", sheet, "--kind", "tasks", "--content", mini, "--as-of", AS_OF, "--draft-profile")
    assert r.code == 0, r.err
    (profile,) = profiles(mini)
    assert profile.name == "tasks.yaml" and "其中 3 列“待定”" in r.out
    text = profile.read_text(encoding="utf-8")
    text = text.replace("问题描述: 待定", "问题描述: problem").replace("具体工作: 待定", "具体工作: 整改措施") \
        .replace("对接科室: 待定", "对接科室: keep")
    profile.write_text(text, encoding="utf-8")
    r = portal("import", sheet, "--kind", "tasks", "--content", mini, "--as-of", AS_OF, "--id-prefix", "S-")
    assert r.code == 0, r.err
    one = yaml.safe_load((mini / "tasks" / "S-01.yaml").read_text(encoding="utf-8"))
    assert one["problem"] == "甲市某工业园区废水直排。" and one["measures"] == ["排查排污口", "建设污水管网"]
    assert one["extra"] == {"对接科室": "水科；水科、执法支队"}
    two = yaml.safe_load((mini / "tasks" / "S-02.yaml").read_text(encoding="utf-8"))
    assert "extra" not in two
    out = tmp_path / "site"
    assert build(mini, out).code == 0
    assert extra_on_page(out / "tasks" / "S-01" / "index.html") == [("对接科室", "水科；水科、执法支队")]
    assert json.loads((out / "data" / "tasks" / "S-01.json").read_text(encoding="utf-8"))["extra"] == {"对接科室": "水科；水科、执法支队"}
    # a re-import may not rewrite the published 其他信息 of a task either
    rows[3][5] = "大气科"
    before = (mini / "tasks" / "S-02.yaml").read_bytes()
    r = portal("import", gbk_csv(tmp_path / "tasks-week2.csv", rows), "--kind", "tasks", "--content", mini,
               "--as-of", AS_OF, "--id-prefix", "S-")
    assert r.code == 2 and "tasks-week2.csv:4: F列 对接科室: 已公开的字段不能改写" in r.err and "“其他信息”" in r.err, r.err
    assert (mini / "tasks" / "S-02.yaml").read_bytes() == before


def test_values_take_labels_or_internal_values_and_explicit_profile_by_name(mini: Path, tmp_path: Path) -> None:
    rows = [["编码", "地方", "内容", "类别", "进度", "渠道"],
            ["A1", "甲市", "反映某厂废气。", "气", "结", "热线"],
            ["A2", "乙市", "反映某厂废水。", "水", "办", "信"]]
    sheet = xlsx(tmp_path / "t.xlsx", rows)
    folder = mini / "import-profiles"
    folder.mkdir()
    (folder / "hotline.yaml").write_text(
        "kind: complaints\ncolumns:\n  编码: ref\n  地方: 行政区域\n  内容: summary\n  类别: types\n  进度: status\n  渠道: channel\n"
        "values:\n  进度: {结: done, 办: 正在办理}\n  类别: {气: 大气}\n  受理方式: {热线: phone, 信: 来信}\n", encoding="utf-8")
    (folder / "other.yaml").write_text("kind: complaints\ncolumns:\n  编码: ref\n  地方: 行政区域\n", encoding="utf-8")
    r = complaints(mini, sheet, "--batch", "12", "--forwarded-on", "2023-01-01", "--profile", "hotline")
    assert r.code == 0, r.err
    items = {c["ref"]: c for c in yaml.safe_load((mini / "complaints" / "12.yaml").read_text(encoding="utf-8"))["complaints"]}
    assert (items["A1"]["status"], items["A1"]["channel"], items["A1"]["types"]) == ("done", "phone", ["大气"])
    assert (items["A2"]["status"], items["A2"]["channel"], items["A2"]["types"]) == ("handling", "letter", ["水"])


# --- refusals --------------------------------------------------------------------------------------------------

PROFILE_HEAD = "kind: complaints\ncolumns:\n  信访件编号: 受理编号\n  所属区县: 行政区域\n  问题分类: 污染类型\n  内部流水号: 不导入\n"
BROKEN = {  # profile text → (the line named, words of the message)
    "personal-as-field": (PROFILE_HEAD + "  是否回访: 保留\n  联系人电话: summary\n", 8, "columns.联系人电话: 此列含个人信息，不能导入为字段"),
    "personal-kept": (PROFILE_HEAD + "  是否回访: 保留\n  联系人电话: 保留\n", 8, "columns.联系人电话: 此列含个人信息，不能“保留”"),
    "unknown-field": (PROFILE_HEAD + "  是否回访: revisit\n  联系人电话: 不导入\n", 7, "columns.是否回访: “revisit”不是字段名或内置列名"),
    "unknown-action": (PROFILE_HEAD + "  是否回访: 删掉\n  联系人电话: 不导入\n", 7, "columns.是否回访: “删掉”不是字段名或内置列名"),
    "same-field": (PROFILE_HEAD + "  是否回访: 行政区域\n  联系人电话: 不导入\n", 7, "columns.是否回访: 与“所属区县”对应同一个字段 region"),
    "bad-value": (PROFILE_HEAD + "  是否回访: 保留\n  联系人电话: 不导入\nvalues:\n  办结情况:\n    已结案: 结了\n", 11,
                  "values.办结情况.已结案: “结了”不是此列可以取的值"),
    "values-of-nothing": (PROFILE_HEAD + "  是否回访: 保留\n  联系人电话: 不导入\nvalues:\n  回访结果: {是: 否}\n", 10,
                          "values.回访结果: “回访结果”既不是 columns 中的列"),
    "bad-kind": (PROFILE_HEAD.replace("kind: complaints", "kind: complaint"), 1, "kind: 'complaint' 不是表格的种类"),
    "bad-yaml": (PROFILE_HEAD + "  是否回访: [保留\n", 8, ""),
    "no-columns": ("kind: complaints\ncolumn:\n  信访件编号: 受理编号\n", 2, "column: 导入配置没有这一项"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_profile_is_refused_by_import_and_check_at_its_line(mini: Path, tmp_path: Path, case: str) -> None:
    body, line, words = BROKEN[case]
    (mini / "import-profiles").mkdir()
    (mini / "import-profiles" / "city.yaml").write_text(body, encoding="utf-8")
    where = f"content/import-profiles/city.yaml:{line}: "
    sheet = sheet_file(tmp_path, "register", TABLE, ".xlsx")
    for r in (complaints(mini, sheet), check(mini)):
        chinese_refusal(r)
        assert where + words in r.err, (case, r.err)
    assert not (mini / "complaints" / "9.yaml").exists()


def test_a_tie_between_two_profiles_is_refused_naming_both(mini: Path, tmp_path: Path) -> None:
    sheet = sheet_file(tmp_path, "register", TABLE, ".xlsx")
    fill(drafted(mini, sheet))
    (profile,) = profiles(mini)
    twin = mini / "import-profiles" / "twin.yaml"
    twin.write_text(profile.read_text(encoding="utf-8"), encoding="utf-8")
    r = complaints(mini, sheet)
    chinese_refusal(r)
    assert f"content/import-profiles/twin.yaml:1: columns: 与 content/import-profiles/{profile.name} 同样适用于" in r.err
    assert f"content/import-profiles/{profile.name}:1: columns: 与 content/import-profiles/twin.yaml 同样适用于" in r.err
    assert not (mini / "complaints" / "9.yaml").exists()
    r = complaints(mini, sheet, "--profile", "twin")  # --profile decides
    assert r.code == 0, r.err
    assert "使用导入配置 content/import-profiles/twin.yaml" in r.err


def test_the_profile_naming_more_columns_wins(mini: Path, tmp_path: Path) -> None:
    sheet = sheet_file(tmp_path, "register", TABLE, ".xlsx")
    fill(drafted(mini, sheet))
    (mini / "import-profiles" / "smaller.yaml").write_text("kind: complaints\ncolumns:\n  信访件编号: 不导入\n  所属区县: 不导入\n",
                                                            encoding="utf-8")
    (mini / "import-profiles" / "tasks.yaml").write_text("kind: tasks\ncolumns:\n" + "".join(
        f"  {c}: 保留\n" for c in [*UNKNOWN, "反映问题", "办结情况", "其他一列"]), encoding="utf-8")
    r = complaints(mini, sheet)
    assert r.code == 0, r.err
    assert "smaller.yaml" not in r.err and "tasks.yaml" not in r.err


def test_profile_naming_a_missing_file_is_refused(mini: Path, tmp_path: Path) -> None:
    sheet = sheet_file(tmp_path, "register", TABLE, ".xlsx")
    for name in ("nosuch", str(tmp_path / "nosuch.yaml")):
        r = complaints(mini, sheet, "--profile", name)
        chinese_refusal(r)
        assert f"{name}: --profile: 找不到这个导入配置文件" in r.err
    assert not (mini / "complaints" / "9.yaml").exists()


def test_a_profile_of_the_other_kind_is_refused(mini: Path, tmp_path: Path) -> None:
    sheet = sheet_file(tmp_path, "register", TABLE, ".xlsx")
    outside = tmp_path / "tasks-profile.yaml"
    outside.write_text("kind: tasks\ncolumns:\n  问题描述: problem\n", encoding="utf-8")
    r = complaints(mini, sheet, "--profile", str(outside))
    chinese_refusal(r)
    assert "tasks-profile.yaml:1: kind: 这是 tasks 的导入配置，本次导入的是 --kind complaints" in r.err


def test_a_draft_is_refused_when_the_profile_exists(mini: Path, tmp_path: Path) -> None:
    sheet = sheet_file(tmp_path, "register", TABLE, ".xlsx")
    profile = drafted(mini, sheet)
    assert profile.name == "register.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("信访件编号: 待定", "信访件编号: ref"), encoding="utf-8")
    before = profile.read_bytes()
    r = complaints(mini, sheet, "--draft-profile")
    chinese_refusal(r)
    assert f"{mini.as_posix()}/import-profiles/register.yaml 已存在，未写入任何文件" in r.err
    assert profile.read_bytes() == before and profiles(mini) == [profile]


def test_a_draft_of_a_file_whose_name_is_no_id_gets_a_plain_name(mini: Path, tmp_path: Path) -> None:
    one = drafted(mini, sheet_file(tmp_path, "某市登记表", TABLE, ".xlsx"))
    assert re.fullmatch(r"complaints-[0-9a-f]{8}\.yaml", one.name)
    r = complaints(mini, sheet_file(tmp_path, "另一个表", TABLE, ".xlsx"), "--draft-profile", "--profile", "city-2")
    assert r.code == 0, r.err
    assert (mini / "import-profiles" / "city-2.yaml").is_file()
    assert check(mini).code == 0


# --- extra as content: checked like other single-line text, scanned for personal data ----------------------

def with_extra(content: Path, extra: str) -> None:
    edit(content, "complaints/1.yaml", "    status: partly_done\n", f"    status: partly_done\n    extra: {extra}\n")


@pytest.mark.parametrize("extra, words", [
    ('{备注: "第一行\\n第二行"}', "extra.备注: 这个字段只能写一行"),
    ('{备注: "第一行\\t第二行"}', "extra.备注: 这个字段只能写一行"),
    ("{备注: " + "长" * 1001 + "}", "extra.备注: "),
    ("{备注: }", "extra.备注: 内容为空"),
    ("{备注: [a, b]}", "extra.备注: "),
    ("[备注]", "extra: 应当是“名称: 内容”的映射"),
    ("{" + ", ".join(f"k{i}: v" for i in range(51)) + "}", "extra: 有 51 项，最多 50 项"),
    ('{"' + "名" * 101 + '": v}', "超过 100 个字符"),
    ('{备注: "a\\u202eb"}', "U+202E"),
    ('{"a\\u200bb": v}', "U+200B"),
])
def test_extra_is_checked_like_single_line_text(mini: Path, extra: str, words: str) -> None:
    with_extra(mini, extra)
    r = check(mini)
    assert r.code == 2 and "Traceback" not in r.err, r.err
    assert re.search(r"content/complaints/1\.yaml:[0-9]+: .*" + re.escape(words), r.err), r.err


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.text(st.characters(codec="utf-8", categories=("L", "N", "P")), min_size=1, max_size=20),
                       st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=60)
                       .filter(lambda s: s.strip()), min_size=1, max_size=5))
def test_any_clean_extra_reads_back_as_written(tmp_path_factory: pytest.TempPathFactory, extra: dict[str, str]) -> None:
    """What the importer writes for kept columns (import_items.extra_yaml) is read back by the loader as the same mapping."""
    from generator.commands import import_items
    from generator.load import reader as load

    content = tmp_path_factory.mktemp("c") / "content"
    shutil.copytree(MINI, content)
    written = import_items.extra_yaml(list(extra.items()))
    with_extra(content, written)
    loaded, problems = load.read(content)
    expect = {k.strip(): v.strip() for k, v in extra.items()}
    assert loaded is not None
    complaint = next(c for b in loaded.batches for c in b.complaints if c.ref == "D2CS202105110001")
    assert [p for p in problems.items if "extra" in p.field] == [] and complaint.extra == expect, written


@pytest.mark.parametrize("value", ["联系电话13812345678", "家住幸福小区3栋2单元501室", "邮箱 zhangsan@example.com"])
def test_extra_is_scanned_by_the_personal_data_guard(mini: Path, value: str) -> None:
    with_extra(mini, f"{{回访记录: {value}}}")
    r = check(mini)
    chinese_refusal(r)
    assert re.search(r"content/complaints/1\.yaml:[0-9]+: complaints\[0\]\.extra\.回访记录: 疑似", r.err), r.err
    assert "13812345678" not in r.err and "zhangsan@" not in r.err


def test_a_column_the_profile_does_not_name_still_stops_the_import(mini: Path, tmp_path: Path) -> None:
    """A later export with one more column: the profile still applies (its columns are all there), and the new
    column is refused by name with a hint to add it to that profile, never dropped."""
    fill(drafted(mini, sheet_file(tmp_path, "register", TABLE, ".xlsx")))
    (profile,) = profiles(mini)
    wider = [TABLE[0], [*TABLE[1], "督办人意见"], *([*row, "尽快"] for row in TABLE[2:])]
    r = complaints(mini, sheet_file(tmp_path, "register-wider", wider, ".xlsx"))
    chinese_refusal(r)
    name = profile.relative_to(mini.parent).as_posix()
    assert "register-wider.xlsx:2: I列 督办人意见: 未知的列“督办人意见”" in r.err
    assert f"在导入配置 {name} 的 columns 中加上此列" in r.err
    assert not (mini / "complaints" / "9.yaml").exists()

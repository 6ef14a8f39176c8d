"""Content format version 2, loaded and checked: inspections/<id>.yaml, batches in complaints/<inspection>/,
the plan of each inspection, ``follows`` and ``repeats``; and version-1 content (the sample, the mini
fixture) loading and checking as before.

The version-2 content below is written by hand: three rounds of one province (round 1 with a task closed
out after its notice, its 回头看, round 3 with two plans, one per city, and two complaint batches), with
batch 1 of round 1 and batch 1 of round 3 in their own sub-folders, and task 1 in each plan. Every failing case changes one thing
and expects the message at the file, line and field worked out from the text here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINI, ROUNDS, SAMPLE, check, edit

from generator.load.reader import read

AS_OF = "2026-11-01"

V2: dict[str, str] = {
    "site.yaml": """\
title: 测试省督察整改公开（测试数据）
publisher: 测试省督察整改办公室
contact: {phone: 0999-12345678}
sample: true
""",
    "regions.yaml": """\
- {code: "990000", name: 测试省}
- {code: "990100", name: 甲市, parent: "990000"}
- {code: "990200", name: 乙市, parent: "990000"}
""",
    "documents.yaml": """\
- {id: plan-r1, number: 测政〔2017〕5号, title: 测试省第一轮督察整改方案, issued_on: 2017-03-01}
- {id: plan-r3, number: 甲政〔2024〕2号, title: 甲市第三轮督察整改方案, issued_on: 2024-03-01}
""",
    "inspections/r1.yaml": """\
id: r1
kind: central
title: 第一轮中央生态环境保护督察
short: 第一轮
team: 中央第一环境保护督察组
stay: {start: 2016-07-12, end: 2016-08-12}
feedback_on: 2016-11-20
plans:
  - title: 测试省第一轮督察整改方案
    approved_on: 2017-03-01
    document: plan-r1
""",
    "inspections/lb.yaml": """\
id: lb
kind: lookback
title: 第一轮中央生态环境保护督察“回头看”
short: 回头看
stay: {start: 2018-06-01, end: 2018-07-01}
feedback_on: 2018-10-15
plans:
  - {title: 测试省回头看整改方案, approved_on: 2019-01-10}
""",
    "inspections/r3.yaml": """\
id: r3
kind: central
title: 第三轮中央生态环境保护督察
short: 第三轮
stay: {start: 2023-11-20, end: 2023-12-20}
feedback_on: 2024-02-01
plans:
  - id: jia
    title: 甲市整改方案
    region: "990100"
    approved_on: 2024-03-01
    document: plan-r3
  - id: yi
    title: 乙市整改方案
    region: "990200"
    approved_on: 2024-03-05
""",
    "tasks/R1-1.yaml": """\
id: R1-1
inspection: r1
number: 1
title: 甲市某河道黑臭
problem: 河道黑臭，群众反映强烈。
responsible_units: [甲市人民政府]
regions: ["990100"]
deadline: 2017-12-31
history:
  - {date: 2017-04-01, status: in_progress, note: 开展截污}
  - {date: 2017-10-01, status: completed, note: 消除黑臭}
  - {date: 2017-11-01, status: accepted, note: 验收通过}
  - {date: 2017-12-20, status: closed, announcement: N-R1-1}
""",
    "announcements/N-R1-1.yaml": """\
id: N-R1-1
title: 第一轮督察反馈问题第1项整改任务完成情况公示
tasks: [R1-1]
period: {start: 2017-11-10, end: 2017-11-20}
outcome: {decided_on: 2017-11-25, result: no_objection}
""",
    "tasks/LB-1.yaml": """\
id: LB-1
inspection: lb
number: 1
title: 乙市某工业园区环境风险隐患
problem: 园区环境风险防控不到位。
responsible_units: [乙市人民政府]
regions: ["990200"]
deadline: 长期坚持
history:
  - {date: 2019-02-01, status: ongoing, note: 建立长效机制}
""",
    "tasks/R3-1.yaml": """\
id: R3-1
inspection: r3
plan: jia
follows: [R1-1]
number: 1
title: 甲市某河道黑臭反弹
problem: 第一轮督察指出的河道黑臭问题再次出现。
responsible_units: [甲市人民政府]
regions: ["990100"]
deadline: 2025-12-31
history:
  - {date: 2024-04-01, status: in_progress, note: 重新开展整治}
""",
    "tasks/R3-2.yaml": """\
id: R3-2
inspection: r3
plan: yi
number: 1
title: 乙市某矿山生态修复滞后
problem: 矿山生态修复进度滞后。
responsible_units: [乙市人民政府]
regions: ["990200"]
deadline: 2025-06-30
""",
    "complaints/r1/1.yaml": """\
batch: 1
forwarded_on: 2016-07-20
complaints:
  - ref: D1CS201607200001
    channel: phone
    region: "990100"
    types: [水]
    summary: 某河道黑臭。
    status: done
""",
    "complaints/r3/1.yaml": """\
batch: 1
forwarded_on: 2023-11-25
complaints:
  - ref: D3CS202311250001
    channel: phone
    region: "990100"
    types: [水]
    summary: 某河道又出现黑臭。
    status: handling
    repeats: [D1CS201607200001]
    tasks: [R3-1]
""",
    "complaints/r3/2.yaml": """\
batch: 2
forwarded_on: 2023-12-01
complaints:
  - ref: X3CS202312010001
    channel: letter
    region: "990200"
    types: [生态破坏]
    summary: 某矿山开采后未修复。
    status: handling
""",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def v2(tmp_path: Path) -> Path:
    return write(tmp_path / "content", V2)


def move(content: Path, old: str, new: str) -> None:
    (content / new).parent.mkdir(parents=True, exist_ok=True)
    (content / old).rename(content / new)


def failing(content: Path) -> str:
    result = check(content, AS_OF)
    assert result.code == 2, result.out
    assert "Traceback" not in result.err
    return result.err


# -- loading ---------------------------------------------------------------------------------------

def test_version_2_loads_every_round_and_checks_clean(v2: Path) -> None:
    content, problems = read(v2)
    assert not problems.items, problems.items
    assert content is not None and content.version == 2
    assert [i.id for i in content.rounds] == ["r1", "lb", "r3"]  # by the first day of the stay
    # two batches numbered 1, one per inspection; the folder names the inspection
    assert sorted((b.inspection, b.batch) for b in content.batches) == [("r1", 1), ("r3", 1), ("r3", 2)]
    tasks = {t.id: t for t in content.tasks}
    assert content.plan_of(tasks["R3-2"]).region == "990200"  # type: ignore[union-attr]
    assert content.plan_of(tasks["R1-1"]).approved_on.isoformat() == "2017-03-01"  # type: ignore[union-attr]
    assert tasks["R3-1"].follows == ["R1-1"]
    repeats = [c.repeats for b in content.batches for c in b.complaints if c.ref == "D3CS202311250001"]
    assert repeats == [["D1CS201607200001"]]

    result = check(v2, AS_OF)
    assert result.code == 0, result.err
    assert "4 项任务，3 个批次共 3 件投诉" in result.out
    assert "第 2 版格式：3 次督察（第一轮、回头看、第三轮）" in result.out


def test_the_mini_fixture_is_version_1_and_the_sample_and_rounds_fixture_version_2_and_all_check_clean() -> None:
    content, problems = read(MINI)
    assert not problems.items and content is not None
    assert content.version == 1 and content.inspections == []
    assert all(b.inspection == "" for b in content.batches)
    assert len(content.rounds) == 1
    assert all(content.plan_of(t) is content.site.plan for t in content.tasks)
    # the sample holds rounds 1, 2 and 3 (tools/sample/inspections.yaml), its tasks numbered R<round>-NN
    sample, problems = read(SAMPLE)
    assert not problems.items and sample is not None
    assert sample.version == 2 and [i.id for i in sample.rounds] == ["r1", "r2", "r3"]
    assert all(t.inspection == t.id.split("-")[0].lower() for t in sample.tasks)
    assert all(sample.plan_of(t) is not None for t in sample.tasks)  # one plan per round
    for root in (SAMPLE, MINI, ROUNDS):
        result = check(root, AS_OF)
        assert result.code == 0, result.err


def test_a_version_1_batch_numbered_like_another_is_still_a_duplicate(tmp_path: Path) -> None:
    mini = tmp_path / "content"
    shutil.copytree(MINI, mini)
    shutil.copy(mini / "complaints" / "1.yaml", mini / "complaints" / "01.yaml")
    edit(mini, "complaints/01.yaml", "ref: D2CS202105110001", "ref: D2CS202105110009")
    edit(mini, "complaints/01.yaml", "ref: X2CS202105100002", "ref: X2CS202105100009")
    # files are read in name order: 01.yaml first
    assert "content/complaints/1.yaml:1: batch: 批次号 '1' 用了两次（第一次在 content/complaints/01.yaml:1）" in failing(mini)


# -- version 1 must not name what only version 2 has -------------------------------------------------

V1_CASES = [
    ("task-inspection", "tasks/T-2.yaml", "number: 2\n", "number: 2\ninspection: r2\n",
     "content/tasks/T-2.yaml:3: inspection: 写了督察 'r2'，但内容中没有 inspections/ 文件夹"),
    ("task-plan", "tasks/T-2.yaml", "number: 2\n", "number: 2\nplan: jia\n",
     "content/tasks/T-2.yaml:3: plan: 写了整改方案 'jia'，但内容中没有 inspections/ 文件夹"),
    ("batch-inspection", "complaints/1.yaml", "batch: 1\n", "batch: 1\ninspection: r2\n",
     "content/complaints/1.yaml:2: inspection: 写了督察 'r2'，但内容中没有 inspections/ 文件夹"),
]


@pytest.mark.parametrize("file, old, new, expected", [c[1:] for c in V1_CASES], ids=[c[0] for c in V1_CASES])
def test_version_1_names_no_inspection(tmp_path: Path, file: str, old: str, new: str, expected: str) -> None:
    mini = tmp_path / "content"
    shutil.copytree(MINI, mini)
    edit(mini, file, old, new)
    err = failing(mini)
    assert expected in err
    assert "第 1 版内容只有 site.yaml 中的" in err and "inspections/" in err  # the hint says how to move on


def test_version_1_batch_in_a_sub_folder_is_refused(tmp_path: Path) -> None:
    mini = tmp_path / "content"
    shutil.copytree(MINI, mini)
    move(mini, "complaints/1.yaml", "complaints/r2/1.yaml")
    err = failing(mini)
    assert ("content/complaints/r2/1.yaml:1: inspection: 文件夹 complaints/r2/ 表示督察 'r2'，"
            "但内容中没有 inspections/ 文件夹") in err
    assert "把文件直接放在 complaints/ 中" in err


def test_version_1_follows_within_its_one_inspection_is_refused(tmp_path: Path) -> None:
    mini = tmp_path / "content"
    shutil.copytree(MINI, mini)
    edit(mini, "tasks/T-2.yaml", "number: 2\n", "number: 2\nfollows: [T-1]\n")
    assert "content/tasks/T-2.yaml:3: follows[0]: 任务 'T-1' 与本任务属于同一次督察（'main'）" in failing(mini)


# -- version 2 rules ---------------------------------------------------------------------------------

# (id, file, text to replace, replacement, expected fragments)
CASES = [
    ("site-inspection", "site.yaml", "publisher: 测试省督察整改办公室\n",
     "publisher: 测试省督察整改办公室\ninspection: 第三轮中央生态环境保护督察\n",
     ["content/site.yaml:3: inspection: 已有 inspections/ 文件夹，site.yaml 中不能再写 inspection",
      "inspections/<督察编号>.yaml 的 title"]),
    ("site-plan", "site.yaml", "publisher: 测试省督察整改办公室\n",
     "publisher: 测试省督察整改办公室\nplan: {title: 测试省整改方案, approved_on: 2024-03-01}\n",
     ["content/site.yaml:3: plan: 已有 inspections/ 文件夹，site.yaml 中不能再写 plan",
      "inspections/<督察编号>.yaml 的 plans"]),
    ("unknown-inspection", "tasks/R3-2.yaml", "inspection: r3", "inspection: r4",
     ["content/tasks/R3-2.yaml:2: inspection: 督察 'r4' 在 inspections/ 中不存在", "添加 inspections/r4.yaml"]),
    ("misspelt-inspection", "tasks/R3-2.yaml", "inspection: r3", "inspection: r33",
     ["content/tasks/R3-2.yaml:2: inspection: 督察 'r33' 在 inspections/ 中不存在", "是不是要写 'r3'？"]),
    ("task-names-no-inspection", "tasks/LB-1.yaml", "inspection: lb\n", "",
     ["content/tasks/LB-1.yaml:1: inspection: 有 3 次督察时，每个任务都要写明属于哪一次", "可选：lb、r1、r3"]),
    ("batch-folder-differs", "complaints/r3/2.yaml", "batch: 2\n", "batch: 2\ninspection: r1\n",
     ["content/complaints/r3/2.yaml:2: inspection: 批次写的督察 'r1' 与所在的文件夹 complaints/r3/ 不一致"]),
    ("number-twice-in-a-plan", "tasks/R3-2.yaml", "plan: yi", "plan: jia",
     ["content/tasks/R3-2.yaml:4: number: 督察 'r3' 的方案 'jia' 中的任务序号 '1' 用了两次（第一次在 content/tasks/R3-1.yaml:5）"]),
    ("unknown-plan", "tasks/R3-1.yaml", "plan: jia", "plan: bing",
     ["content/tasks/R3-1.yaml:3: plan: 督察 'r3' 没有编号为 'bing' 的整改方案"]),
    ("plan-of-another-inspection", "tasks/LB-1.yaml", "inspection: lb\n", "inspection: lb\nplan: jia\n",
     ["content/tasks/LB-1.yaml:3: plan: 督察 'lb' 没有编号为 'jia' 的整改方案", "督察 'lb' 的方案没有编号：删除 plan"]),
    ("plan-required", "tasks/R3-2.yaml", "plan: yi\n", "",
     ["content/tasks/R3-2.yaml:1: plan: 督察 'r3' 有 2 个整改方案，任务必须写明属于哪一个", "可选：jia、yi"]),
    ("plan-id-twice", "inspections/r3.yaml", "id: yi", "id: jia",
     ["content/inspections/r3.yaml:13: plans[1].id: 方案编号 'jia' 用了两次（第一次在 content/inspections/r3.yaml:8）"]),
    ("plan-id-required", "inspections/r3.yaml", "  - id: yi\n    title: 乙市整改方案", "  - title: 乙市整改方案",
     ["content/inspections/r3.yaml:13: plans[1].id: 督察有 2 个整改方案时，每个方案都要写 id"]),
    ("plan-region", "inspections/r3.yaml", 'region: "990200"', 'region: "990300"',
     ["content/inspections/r3.yaml:15: plans[1].region: '990300' 在 regions.yaml 中不存在"]),
    ("plan-document", "inspections/r3.yaml", "document: plan-r3", "document: plan-r4",
     ["content/inspections/r3.yaml:12: plans[0].document: 'plan-r4' 在 documents.yaml 中不存在"]),
    ("plan-before-feedback", "inspections/r3.yaml", "approved_on: 2024-03-05", "approved_on: 2024-01-05",
     ["content/inspections/r3.yaml:16: plans[1].approved_on: 方案批准日期 2024-01-05 早于督察反馈日期（2024-02-01）"]),
    # a plan approved after the as-of date; R3-2's deadline (2025-06-30) is then before its own plan
    ("plan-after-as-of", "inspections/r3.yaml", "approved_on: 2024-03-05", "approved_on: 2027-01-05",
     ["content/inspections/r3.yaml:16: plans[1].approved_on: 2027-01-05 晚于数据日期 2026-11-01",
      "content/tasks/R3-2.yaml:9: deadline: 整改时限 2025-06-30 早于规定它的整改方案的批准日期（2027-01-05）",
      "改正 deadline 或 inspections/r3.yaml 中方案的 approved_on"]),
    # round 1's plan (2017-03-01) binds R1-1, not round 3's: a deadline before it is reported
    ("deadline-before-own-plan", "tasks/R1-1.yaml", "deadline: 2017-12-31", "deadline: 2016-12-31",
     ["content/tasks/R1-1.yaml:8: deadline: 整改时限 2016-12-31 早于规定它的整改方案的批准日期（2017-03-01）"]),
    ("stay-reversed", "inspections/r1.yaml", "end: 2016-08-12", "end: 2016-07-01",
     ["content/inspections/r1.yaml:6: stay.end: 进驻结束日期（2016-07-01）早于开始日期（2016-07-12）"]),
    ("feedback-before-stay-end", "inspections/r1.yaml", "feedback_on: 2016-11-20", "feedback_on: 2016-08-01",
     ["content/inspections/r1.yaml:7: feedback_on: 反馈日期 2016-08-01 早于进驻结束日期（2016-08-12）"]),
    ("inspection-id-not-file-name", "inspections/lb.yaml", "id: lb", "id: lb2",
     ["content/inspections/lb.yaml:1: id: 编号 'lb2' 与文件名 'lb.yaml' 不一致"]),
    ("follows-unknown", "tasks/R3-1.yaml", "follows: [R1-1]", "follows: [R1-9]",
     ["content/tasks/R3-1.yaml:4: follows[0]: 'R1-9' 在 tasks/ 中不存在"]),
    ("follows-itself", "tasks/R3-1.yaml", "follows: [R1-1]", "follows: [R3-1]",
     ["content/tasks/R3-1.yaml:4: follows[0]: 任务不能接续它自己"]),
    ("follows-same-inspection", "tasks/R3-1.yaml", "follows: [R1-1]", "follows: [R3-2]",
     ["content/tasks/R3-1.yaml:4: follows[0]: 任务 'R3-2' 与本任务属于同一次督察（'r3'）"]),
    ("follows-later-inspection", "tasks/LB-1.yaml", "inspection: lb\n", "inspection: lb\nfollows: [R3-1]\n",
     [("content/tasks/LB-1.yaml:3: follows[0]: 任务 'R3-1' 属于督察 'r3'（2023-11-20 开始），"
      "不早于本任务的督察 'lb'（2018-06-01 开始）")]),
    ("follows-undated", "inspections/r1.yaml", "stay: {start: 2016-07-12, end: 2016-08-12}\nfeedback_on: 2016-11-20\n", "",
     ["content/tasks/R3-1.yaml:4: follows[0]: 无法判断督察 'r1' 与 'r3' 的先后：两次督察都要有日期",
      "stay（进驻）或 feedback_on（反馈）"]),
    ("repeats-unknown", "complaints/r3/1.yaml", "repeats: [D1CS201607200001]", "repeats: [D1CS201607200009]",
     ["content/complaints/r3/1.yaml:10: complaints[0].repeats[0]: 'D1CS201607200009' 在 complaints/ 中不存在"]),
    ("repeats-itself", "complaints/r3/1.yaml", "repeats: [D1CS201607200001]", "repeats: [D3CS202311250001]",
     ["content/complaints/r3/1.yaml:10: complaints[0].repeats[0]: 信访件不能与它自己重复"]),
    ("repeats-later", "complaints/r3/1.yaml", "repeats: [D1CS201607200001]", "repeats: [X3CS202312010001]",
     [("content/complaints/r3/1.yaml:10: complaints[0].repeats[0]: 'X3CS202312010001' 于 2023-12-01 交办"
      "（content/complaints/r3/2.yaml），晚于本件所在批次的交办日期 2023-11-25")]),
    ("ref-twice-across-rounds", "complaints/r3/2.yaml", "ref: X3CS202312010001", "ref: d1cs201607200001",
     ["content/complaints/r3/2.yaml:4: ref: 受理编号 'd1cs201607200001' 用了两次（第一次在 content/complaints/r1/1.yaml:4；"]),
]


@pytest.mark.parametrize("file, old, new, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_version_2_rule(v2: Path, file: str, old: str, new: str, expected: list[str]) -> None:
    edit(v2, file, old, new)
    err = failing(v2)
    for fragment in expected:
        assert fragment in err, err
    assert "提示：" in err


def test_task_numbers_are_unique_per_plan(v2: Path) -> None:
    # LB-1 (task 1 of the 回头看) copied into round 1, beside round 1's task 1
    write(v2, {"tasks/R1-2.yaml": V2["tasks/LB-1.yaml"].replace("id: LB-1", "id: R1-2").replace("inspection: lb", "inspection: r1")})
    err = failing(v2)
    assert "content/tasks/R1-2.yaml:3: number: 督察 'r1' 的任务序号 '1' 用了两次（第一次在 content/tasks/R1-1.yaml:3）" in err
    assert err.count("提示：") == 1, err


def test_a_batch_in_the_folder_of_a_missing_inspection(v2: Path) -> None:
    move(v2, "complaints/r3/2.yaml", "complaints/r4/2.yaml")
    err = failing(v2)
    assert "content/complaints/r4/2.yaml:1: inspection: 文件夹 complaints/r4/ 表示的督察 'r4' 在 inspections/ 中不存在" in err
    assert err.count("提示：") == 1, err


def test_a_batch_directly_in_complaints_must_name_one_of_several_inspections(v2: Path) -> None:
    move(v2, "complaints/r1/1.yaml", "complaints/1.yaml")
    err = failing(v2)
    assert "content/complaints/1.yaml:1: inspection: 有 3 次督察时，每个批次都要写明属于哪一次" in err
    assert "complaints/<督察编号>/" in err


def test_batch_numbers_are_unique_per_inspection(v2: Path) -> None:
    # batch 1 of round 3 written directly in complaints/ with inspection: r3, beside complaints/r3/1.yaml;
    # complaints/ itself is read before its sub-folders, so the second one is r3/1.yaml
    write(v2, {"complaints/1.yaml": V2["complaints/r3/2.yaml"].replace("batch: 2\n", "batch: 1\ninspection: r3\n")
               .replace("X3CS202312010001", "X3CS202312010002")})
    err = failing(v2)
    assert "content/complaints/r3/1.yaml:1: batch: 督察 'r3' 的批次号 '1' 用了两次（第一次在 content/complaints/1.yaml:1）" in err
    assert err.count("提示：") == 1, err


def test_an_inspection_folder_name_must_be_an_id(v2: Path) -> None:
    move(v2, "complaints/r3/2.yaml", "complaints/r_3/2.yaml")
    assert "content/complaints/r_3: 文件夹名 'r_3' 不是有效的编号" in failing(v2)


def test_an_inspection_that_cannot_be_read_is_reported_once(v2: Path) -> None:
    # without its id, r3.yaml is not built: the tasks and batches that name r3 are not reported again
    edit(v2, "inspections/r3.yaml", "id: r3\n", "")
    err = failing(v2)
    assert "content/inspections/r3.yaml:1: id: 缺少必填字段" in err
    assert err.count("提示：") == 1, err


def test_with_one_inspection_naming_it_is_optional(v2: Path) -> None:
    for name in ("inspections/lb.yaml", "inspections/r3.yaml", "tasks/LB-1.yaml", "tasks/R3-1.yaml", "tasks/R3-2.yaml",
                 "complaints/r3/1.yaml", "complaints/r3/2.yaml"):
        (v2 / name).unlink()
    edit(v2, "tasks/R1-1.yaml", "inspection: r1\n", "")
    move(v2, "complaints/r1/1.yaml", "complaints/1.yaml")
    result = check(v2, AS_OF)
    assert result.code == 0, result.err
    content, _ = read(v2)
    assert content is not None
    task = content.tasks[0]
    assert content.inspection_of(task) is content.inspections[0]
    assert content.plan_of(task) is content.inspections[0].plans[0]

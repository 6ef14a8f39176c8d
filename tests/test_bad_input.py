"""Each kind of bad input: a clear message naming file, line and field, exit status 2, and the
previously published output left exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build, edit, portal, tree_digest

# (id, file under content/, text to replace, replacement, expected fragments of the message)
CASES = [
    ("yaml-syntax", "tasks/T-2.yaml", "target: 完成园区VOCs综合治理", "target: 完成: 园区", ["content/tasks/T-2.yaml:5:", "YAML 语法错误：这里不能出现 ': '", "提示："]),
    ("unknown-field", "tasks/T-2.yaml", "target:", "targte:", ["content/tasks/T-2.yaml:5: targte: 未知的字段", "是不是要写 'target'？"]),
    ("missing-required", "tasks/T-2.yaml", "title: 乙市某化工园区挥发性有机物治理不到位\n", "", ["content/tasks/T-2.yaml:1: title: 缺少必填字段", "提示：添加 'title: …'"]),
    ("wrong-type-int", "tasks/T-2.yaml", "number: 2", "number: 第二", ["content/tasks/T-2.yaml:2: number: 应为整数"]),
    ("wrong-type-list", "tasks/T-1.yaml", "measures:\n  - 新建渗滤液处理站一座", "measures: {a: 1}", ["content/tasks/T-1.yaml:7: measures: 应为列表，实际是一个映射"]),
    ("impossible-date", "tasks/T-2.yaml", "deadline: 2024-06-30", "deadline: 2023-02-30", ["content/tasks/T-2.yaml:8: deadline: '2023-02-30' 不是真实存在的日期（2023 年 2 月没有 30 日）"]),
    ("not-a-date", "complaints/1.yaml", "forwarded_on: 2021-05-12", "forwarded_on: 5月12日", ["content/complaints/1.yaml:2: forwarded_on: '5月12日' 不是日期", "YYYY-MM-DD"]),
    ("unknown-status", "tasks/T-2.yaml", "status: in_progress, note: 开展排查", "status: inprogress, note: 开展排查", ["content/tasks/T-2.yaml:10: history[0].status: 'inprogress' 不是允许的值", "是不是要写 'in_progress'？"]),
    ("unknown-complaint-status", "complaints/1.yaml", "    status: done\n", "    status: finished\n", ["content/complaints/1.yaml:", "complaints[1].status: 'finished' 不是允许的值"]),
    ("duplicate-task-id", "tasks/T-2.yaml", "id: T-2", "id: T-1", ["content/tasks/T-2.yaml:1: id: 编号 'T-1' 与文件名 'T-2.yaml' 不一致", "任务编号 'T-1' 用了两次"]),
    ("duplicate-ref", "complaints/1.yaml", "ref: X2CS202105100002", "ref: D2CS202105110001", ["content/complaints/1.yaml:17: ref: 受理编号 'D2CS202105110001' 用了两次"]),
    ("dangling-region", "tasks/T-2.yaml", 'regions: ["990200"]', 'regions: ["990300"]', ["content/tasks/T-2.yaml:7: regions[0]: '990300' 在 regions.yaml 中不存在"]),
    ("dangling-document", "announcements/N-1.yaml", "documents: [doc-accept]", "documents: [doc-acept]", ["content/announcements/N-1.yaml:7: documents[0]: 'doc-acept' 在 documents.yaml 中不存在", "是不是要写 'doc-accept'？"]),
    ("dangling-task", "complaints/1.yaml", "tasks: [T-1]", "tasks: [T-9]", ["content/complaints/1.yaml:14: tasks[0]: 'T-9' 在 tasks/ 中不存在"]),
    ("dangling-announcement", "tasks/T-1.yaml", "announcement: N-1}", "announcement: N-2}", ["content/tasks/T-1.yaml:18: history[3].announcement: 'N-2' 在 announcements/ 中不存在"]),
    ("invalid-id", "tasks/T-2.yaml", "id: T-2", "id: T/2", ["content/tasks/T-2.yaml:1: id: 'T/2' 不是有效的编号", "字母 A-Z"]),
    ("id-not-file-name", "tasks/T-2.yaml", "id: T-2", "id: T-3", ["content/tasks/T-2.yaml:1: id: 编号 'T-3' 与文件名 'T-2.yaml' 不一致"]),
    ("history-out-of-order", "tasks/T-2.yaml", "date: 2024-05-01", "date: 2021-05-01", ["content/tasks/T-2.yaml:11: history[1].date: 2021-05-01 早于前一条记录的日期（2022-03-01）", "correction"]),
    ("history-after-as-of", "tasks/T-2.yaml", "date: 2024-05-01", "date: 2027-05-01", ["content/tasks/T-2.yaml:11: history[1].date: 2027-05-01 晚于数据日期 2026-11-01"]),
    ("transition", "tasks/T-2.yaml", "status: in_progress, note: 进度滞后", "status: accepted, note: 进度滞后", ["content/tasks/T-2.yaml:11: history[1].status: 'in_progress' 不能变为 'accepted'", "之后只能是："]),
    ("after-closed", "tasks/T-1.yaml", "  - {date: 2024-01-20, status: closed, announcement: N-1}", "  - {date: 2024-01-20, status: closed, announcement: N-1}\n  - {date: 2024-02-01, status: in_progress}", ["content/tasks/T-1.yaml:19: history[4].status: 'closed' 之后是 'in_progress'", "只能是 'reopened'"]),
    ("closed-without-accepted", "tasks/T-1.yaml", "status: accepted, note: 验收通过", "status: completed, note: 验收通过", ["content/tasks/T-1.yaml:18: history[3].status: 'completed' 不能变为 'closed'"]),
    ("closed-during-notice", "tasks/T-1.yaml", "date: 2024-01-20, status: closed", "date: 2024-01-08, status: closed", ["content/tasks/T-1.yaml:18: history[3].announcement: 已销号，但没有一份公示符合销号规则", "公示期到 2024-01-10 结束，不早于销号日期 2024-01-08"]),
    ("closed-after-upheld", "announcements/N-1.yaml", "result: no_objection", "result: objection_upheld", ["content/tasks/T-1.yaml:18: history[3].announcement:", "有异议成立", "content/announcements/N-1.yaml:10: outcome.result: 异议成立，但任务 T-1 在 2024-01-15 当天或之后没有 'reopened' 记录"]),
    ("closed-notice-for-other-task", "announcements/N-1.yaml", "tasks: [T-1]", "tasks: [T-2]", ["content/tasks/T-1.yaml:18: history[3].announcement: 已销号，但没有一份公示符合销号规则（N-1：没有列出任务 T-1）"]),
    ("notice-too-short", "announcements/N-1.yaml", "end: 2024-01-10", "end: 2024-01-04", ["content/announcements/N-1.yaml:4: period.end: 公示期为 3 天；至少需要 5 天"]),
    ("revisions-out-of-order", "announcements/N-1.yaml", "documents: [doc-accept]\n", "documents: [doc-accept]\nrevisions:\n  - {date: 2024-01-05, note: 更正验收意见}\n  - {date: 2024-01-03, note: 更正联系电话}\n", ["content/announcements/N-1.yaml:10: revisions[1].date: 2024-01-03 早于上一条更正记录的日期（2024-01-05）", "从早到晚"]),
    ("outcome-before-end", "announcements/N-1.yaml", "decided_on: 2024-01-15", "decided_on: 2024-01-09", ["content/announcements/N-1.yaml:9: outcome.decided_on: 认定日期 2024-01-09 不晚于公示期的最后一天（2024-01-10）"]),
    ("same-document-number", "documents.yaml", "number: 测环函〔2023〕9号", "number: 测环〔2021〕1号", ["content/documents.yaml:9: number: 文号 '测环〔2021〕1号' 也是文件 'doc-plan'（content/documents.yaml:2）的文号"]),
    ("document-hash", "documents.yaml", "sha256: 2d29", "sha256: 1d29", ["content/documents.yaml:7: sha256: 与文件不符"]),
    ("front-matter", "reports/2022-06.md", "date: 2022-06-30", "date: 2022-13-01", ["content/reports/2022-06.md:3: date: '2022-13-01' 不是真实存在的日期（没有 13 月）"]),
    ("missing-front-matter", "pages/about.md", "---\ntitle: 关于本站", "title: 关于本站", ["content/pages/about.md:1: 文件开头缺少 YAML 信息块"]),
    ("empty-list-item", "tasks/T-1.yaml", "  - 新建渗滤液处理站一座\n", "  - 新建渗滤液处理站一座\n  -\n", ["content/tasks/T-1.yaml:9: measures[1]: 列表中有一项是空的"]),
    ("leading-zeros-kept", "documents.yaml", "sha256: 2d29", "sha256: 0000000000000000000000000000000000000000000000000000000000000000 #", ["content/documents.yaml:7: sha256: 与文件不符"]),
    ("duplicate-key", "tasks/T-2.yaml", "number: 2\n", "number: 2\nnumber: 3\n", ["content/tasks/T-2.yaml:3: number: 字段写了两次"]),
]


@pytest.mark.parametrize("file, old, new, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_output_kept(mini: Path, tmp_path: Path, file: str, old: str, new: str, expected: list[str]) -> None:
    output = tmp_path / "output"
    assert build(mini, output).code == 0
    before = tree_digest(output)

    edit(mini, file, old, new)
    result = build(mini, output)

    assert result.code == 2, result.err
    for fragment in expected:
        assert fragment in result.err, result.err
    assert "未发布任何内容" in result.err
    assert "Traceback" not in result.err
    assert tree_digest(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.state", "content", "output"]  # no temporary folder left (the build state is kept beside output/)

    checked = portal("check", "--content", mini, "--as-of", "2026-11-01")
    assert checked.code == 2 and checked.err == result.err


def test_closeout_exception_allows_closing_without_notice(mini: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "status: closed, announcement: N-1}", "status: closed, closeout_exception: 已并入第2项统一验收}")
    edit(mini, "tasks/T-1.yaml", "status: accepted, note: 验收通过", "status: completed, note: 验收通过")
    result = portal("check", "--content", mini, "--as-of", "2026-11-01")
    assert result.code == 0, result.err


def test_closing_without_any_notice_is_refused(mini: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "status: closed, announcement: N-1}", "status: closed}")
    assert portal("check", "--content", mini, "--as-of", "2026-11-01").code == 0  # N-1 covers T-1: naming it is optional
    edit(mini, "announcements/N-1.yaml", "tasks: [T-1]", "tasks: [T-2]")
    result = portal("check", "--content", mini, "--as-of", "2026-11-01")
    assert result.code == 2
    assert "content/tasks/T-1.yaml:18: history[3].status: 销号时没有涵盖这项任务的销号公示" in result.err
    assert "closeout_exception" in result.err


def test_all_problems_are_reported_at_once(mini: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-2.yaml", "target:", "targte:")
    edit(mini, "complaints/1.yaml", "forwarded_on: 2021-05-12", "forwarded_on: 2021-02-30")
    edit(mini, "announcements/N-1.yaml", "end: 2024-01-10", "end: 2024-01-04")
    result = build(mini, tmp_path / "output")
    assert result.code == 2
    assert "content/tasks/T-2.yaml:5: targte" in result.err
    assert "content/complaints/1.yaml:2: forwarded_on" in result.err
    assert "content/announcements/N-1.yaml:4: period.end" in result.err
    # the short notice also breaks T-1's close-out: a consequence, reported at the entry that depends on it
    assert "content/tasks/T-1.yaml:18: history[3].announcement: 已销号，但没有一份公示符合销号规则" in result.err
    assert result.err.strip().endswith("content 中有 4 处问题；未发布任何内容。")
    assert not (tmp_path / "output").exists()


def test_encoding_problems(mini: Path) -> None:
    (mini / "tasks" / "T-2.yaml").write_bytes("title: 乙市\n".encode("gbk"))
    (mini / "tasks" / "T-1.yaml").write_bytes(b"\x89PNG\x00\x00binary")
    result = portal("check", "--content", mini, "--as-of", "2026-11-01")
    assert result.code == 2
    assert "content/tasks/T-2.yaml:1: 文件不是有效的 UTF-8 编码" in result.err
    assert "GBK" in result.err
    assert "content/tasks/T-1.yaml: 文件是二进制数据，不是文本" in result.err


def test_bom_and_crlf_are_accepted(mini: Path) -> None:
    path = mini / "tasks" / "T-2.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert portal("check", "--content", mini, "--as-of", "2026-11-01").code == 0


def test_yaml_alias_bomb_is_refused(mini: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 30)]
    (mini / "tasks" / "T-2.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = portal("check", "--content", mini, "--as-of", "2026-11-01")
    assert result.code == 2
    assert "content/tasks/T-2.yaml:" in result.err and "YAML 别名（*…）展开后超过" in result.err


def test_bad_as_of_and_missing_content(tmp_path: Path) -> None:
    result = portal("check", "--content", tmp_path, "--as-of", "2026-02-30")
    assert result.code == 64 and "--as-of" in result.err
    result = portal("check", "--content", tmp_path / "nope", "--as-of", "2026-11-01")
    assert result.code == 2 and "找不到内容文件夹" in result.err
    result = portal("check", "--content", tmp_path, "--as-of", "2026-11-01")
    assert result.code == 2 and "缺少 site.yaml" in result.err and "缺少 regions.yaml" in result.err

"""Content written the way clerks write it: the site's Chinese labels for fixed values, a full-width
colon after a field name, and one broken file that must not set off follow-on errors (issue 14, "For clerks")."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check, edit

from generator.load.reader import load


@pytest.mark.parametrize("file, old, new, read", [
    ("tasks/T-2.yaml", "status: in_progress", "status: 整改中", lambda c: c.tasks[1].history[0].status == "in_progress"),
    ("tasks/T-1.yaml", "status: completed", "status: 已完成", lambda c: c.tasks[0].history[1].status == "completed"),
    ("tasks/T-1.yaml", "status: completed", "status: 已完成（待验收）", lambda c: c.tasks[0].history[1].status == "completed"),
    ("tasks/T-1.yaml", "status: closed", "status: 已销号", lambda c: c.tasks[0].history[-1].status == "closed"),
    ("complaints/1.yaml", "status: partly_done", "status: 阶段性办结", lambda c: c.batches[0].complaints[0].status == "partly_done"),
    ("complaints/1.yaml", "status: done, note: 整改完成}", "status: 已办结, note: 整改完成}", lambda c: c.batches[0].complaints[0].updates[0].status == "done"),
    ("complaints/1.yaml", "channel: phone", "channel: 来电", lambda c: c.batches[0].complaints[0].channel == "phone"),
    ("announcements/N-1.yaml", "result: no_objection", "result: 公示期内未收到异议", lambda c: c.announcements[0].outcome.result == "no_objection"),
])
def test_the_sites_chinese_labels_are_accepted_for_fixed_values(mini: Path, file: str, old: str, new: str, read) -> None:  # type: ignore[no-untyped-def]
    edit(mini, file, old, new)
    result = check(mini)
    assert result.code == 0, result.err
    assert read(load(mini))


def test_a_label_of_another_field_is_still_refused(mini: Path) -> None:
    edit(mini, "tasks/T-2.yaml", "status: in_progress", "status: 已办结")  # a complaint's label, not a task's
    result = check(mini)
    assert result.code == 2 and "'已办结' 不是允许的值" in result.err


@pytest.mark.parametrize("file, old, new, line", [
    ("tasks/T-2.yaml", "title: 乙市某化工园区挥发性有机物治理不到位", "title：乙市某化工园区挥发性有机物治理不到位", 3),
    ("complaints/1.yaml", "    summary: 某河道有污水直排。", "    summary：某河道有污水直排。", 21),
])
def test_a_full_width_colon_after_a_field_name_is_named(mini: Path, file: str, old: str, new: str, line: int) -> None:
    edit(mini, file, old, new)
    assert (mini / file).read_text(encoding="utf-8").split("\n")[line - 1].strip().startswith(new.strip()[:8])
    result = check(mini)
    assert result.code == 2
    assert f"content/{file}:{line}: 字段名后面用了全角冒号「：」" in result.err, result.err
    assert "把「：」改成「: 」" in result.err


def test_a_file_that_is_one_full_width_key_is_named(mini: Path) -> None:
    (mini / "tasks" / "T-2.yaml").write_text("id：T-2\n", encoding="utf-8")
    result = check(mini)
    assert result.code == 2 and "全角冒号" in result.err


def test_a_broken_file_sets_off_no_follow_on_errors(mini: Path) -> None:
    """T-1's file cannot be parsed; the notice, the complaint and T-2 that name T-1 (and the complaint refs
    written in a broken batch file) are not reported as dangling references: one problem, one message."""
    edit(mini, "tasks/T-1.yaml", "title: 甲市某垃圾填埋场渗滤液处理能力不足", "title: [甲市某垃圾填埋场")
    result = check(mini)
    assert result.code == 2
    assert "content/tasks/T-1.yaml:" in result.err
    assert "中不存在" not in result.err, result.err
    assert result.err.strip().endswith("content 中有 1 处问题；未发布任何内容。")

"""Derived values as a reader sees them: notice state and days left, overdue and late flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build, edit


@pytest.fixture
def pending(mini: Path) -> Path:
    """The mini content on the eve of its notice: T-1 accepted, N-1 (2024-01-02 … 2024-01-10) undecided."""
    edit(mini, "tasks/T-1.yaml", "  - {date: 2024-01-20, status: closed, announcement: N-1}\n", "")
    edit(mini, "tasks/T-2.yaml", "  - {date: 2024-05-01, status: in_progress, note: 进度滞后, on_schedule: false}\n", "")
    text = (mini / "announcements" / "N-1.yaml").read_text(encoding="utf-8")
    (mini / "announcements" / "N-1.yaml").write_text(text.split("outcome:")[0], encoding="utf-8")
    return mini


def _state_box(site: Path) -> str:
    soup = BeautifulSoup((site / "announcements" / "N-1" / "index.html").read_text(encoding="utf-8"), "html.parser")
    return " ".join(soup.find(class_="state-box").get_text(" ").split())


@pytest.mark.parametrize("as_of, expected", [
    ("2023-12-20", ["即将公示", "13 天后开始公示"]),
    ("2024-01-01", ["即将公示", "1 天后开始公示"]),
    ("2024-01-02", ["正在公示", "还剩 9 天（含今天）"]),
    ("2024-01-09", ["正在公示", "还剩 2 天（含今天）"]),
    ("2024-01-10", ["正在公示", "今天是公示最后一天"]),
    ("2024-01-11", ["公示已结束"]),
])
def test_notice_state_and_days_left(pending: Path, tmp_path: Path, as_of: str, expected: list[str]) -> None:
    site = tmp_path / "site"
    result = build(pending, site, as_of)
    assert result.code == 0, result.err
    box = _state_box(site)
    for fragment in expected:
        assert fragment in box, box
    others = {"即将公示", "正在公示", "公示已结束"} - {expected[0]}
    assert not any(label in box for label in others), box
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    listed = [a["href"] for a in home.find(class_="open-notices").find_all("a", href=True)]
    assert any("announcements/N-1/" in h for h in listed) == (expected[0] == "正在公示"), listed


def _task_text(site: Path, task_id: str) -> str:
    soup = BeautifulSoup((site / "tasks" / task_id / "index.html").read_text(encoding="utf-8"), "html.parser")
    return " ".join(soup.get_text(" ").split())


def test_overdue_starts_the_day_after_the_deadline(mini: Path, tmp_path: Path) -> None:
    on_time, after = tmp_path / "on", tmp_path / "after"
    assert build(mini, on_time, "2024-06-30").code == 0
    assert build(mini, after, "2024-07-03").code == 0
    assert "逾期" not in _task_text(on_time, "T-2")
    assert "逾期 3 天" in _task_text(after, "T-2")


def test_completed_after_the_deadline_is_late_not_overdue(mini: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "deadline: 2023-12-31", "deadline: 2023-10-31")
    site = tmp_path / "site"
    assert build(mini, site).code == 0
    body = _task_text(site, "T-1")
    assert "逾期完成" in body
    assert "逾期未完成" not in body

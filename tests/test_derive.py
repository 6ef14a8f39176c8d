"""Derived values as a reader sees them: notice state and days left, overdue and late flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build, edit, with_counts


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


# The notice's own page says the state and what stays true while it lasts (it does not carry the data date, so
# that a new day's build leaves it unchanged: notice.js counts the days, see test_notices); the home page, which
# carries the date, counts them.
@pytest.mark.parametrize("as_of, label, on_page, on_home", [
    ("2023-12-20", "即将公示", "2024年1月2日开始公示", "13 天后开始公示"),
    ("2024-01-01", "即将公示", "2024年1月2日开始公示", "1 天后开始公示"),
    ("2024-01-02", "正在公示", "2024年1月10日是提出异议的最后一天", "还剩 9 天（含今天）"),
    ("2024-01-09", "正在公示", "2024年1月10日是提出异议的最后一天", "还剩 2 天（含今天）"),
    ("2024-01-10", "正在公示", "2024年1月10日是提出异议的最后一天", "今天是公示最后一天"),
    ("2024-01-11", "公示已结束", "公示已于 2024年1月10日 结束", None),
])
def test_notice_state_and_days_left(pending: Path, tmp_path: Path, as_of: str, label: str, on_page: str,
                                    on_home: str | None) -> None:
    site = tmp_path / "site"
    result = build(pending, site, as_of)
    assert result.code == 0, result.err
    box = _state_box(site)
    assert label in box and on_page in box, box
    assert "天后" not in box and "还剩" not in box and "今天" not in box, box  # no count on the notice's page
    others = {"即将公示", "正在公示", "公示已结束"} - {label}
    assert not any(other in box for other in others), box
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    listed = home.select_one('li[data-notice-id="N-1"]')
    assert (listed is None) == (on_home is None)
    if on_home:
        assert on_home in " ".join(listed.get_text(" ").split())
        assert (listed.find_parent(class_="open-notices") is not None) == (label == "正在公示")


def _task_text(site: Path, task_id: str, as_of: str | None = None) -> str:
    """The task page's text; with ``as_of``, with its day counts as the browser writes them for that date."""
    soup = BeautifulSoup((site / "tasks" / task_id / "index.html").read_text(encoding="utf-8"), "html.parser")
    if as_of:
        with_counts(soup, as_of)
    return " ".join(soup.get_text(" ").split())


def test_overdue_starts_the_day_after_the_deadline(mini: Path, tmp_path: Path) -> None:
    on_time, after = tmp_path / "on", tmp_path / "after"
    assert build(mini, on_time, "2024-06-30").code == 0
    assert build(mini, after, "2024-07-03").code == 0
    assert "逾期" not in _task_text(on_time, "T-2")
    assert "逾期" in _task_text(after, "T-2") and "逾期 3 天" not in _task_text(after, "T-2")  # no count without JavaScript
    assert "逾期 3 天" in _task_text(after, "T-2", "2024-07-03")  # the count: 07-01 is day 1


def test_completed_after_the_deadline_is_late_not_overdue(mini: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "deadline: 2023-12-31", "deadline: 2023-10-31")
    site = tmp_path / "site"
    assert build(mini, site).code == 0
    body = _task_text(site, "T-1")
    assert "逾期完成" in body
    assert "逾期未完成" not in body

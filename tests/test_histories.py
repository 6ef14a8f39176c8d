"""Histories as a person reads them, on the built sample: every complaint page and feed, every task page and feed,
the home page's 最新变化 and the event table, checked against the content's YAML by the rules of
docs/content-format.md ("Derived values") and docs/feeds.md ("Events"), worked out here from the YAML (not from the
derive code):

- a history entry or complaint update that repeats the status before it is a progress report (进展): shown as 进展
  with the unchanged status, never 「X → X」;
- a complaint's 办理过程 starts with its ``status`` (its status when the batch was reported) on ``forwarded_on``;
- a status's date (「…起」) is the date of the entry that began it; progress reports do not move it;
- days overdue count from the first day of the current overdue stretch (day 1), found here day by day: the
  days after the deadline on which the status at the end of the day is not done.

One browser test shows, on a phone, the first 办理过程 entry of a complaint and the status line of the reopened
task R2-16 as a person sees them.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE, local_page, with_counts

D = dt.date.fromisoformat
TODAY = D(AS_OF)
DONE = {"completed", "accepted", "closed"}
LABELS = {"planned": "未启动", "in_progress": "整改中", "completed": "已完成（待验收）", "accepted": "已验收",
          "closed": "已销号", "reopened": "重新整改", "ongoing": "长期坚持",
          "done": "已办结", "partly_done": "阶段性办结", "handling": "正在办理"}
X_TO_X = re.compile("(" + "|".join(re.escape(v) for v in LABELS.values()) + r")\s*→\s*\1")


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def complaints() -> dict[str, tuple[dt.date, list[tuple[dt.date, str]]]]:
    """ref → (forwarded_on, [(date, status)]: the disclosure at its reported status, then each update)."""
    out = {}
    for path in sorted((SAMPLE / "complaints").rglob("*.yaml")):
        batch = _yaml(path)
        for c in batch.get("complaints") or []:
            entries = [(batch["forwarded_on"], c["status"])] + [(u["date"], u["status"]) for u in c.get("updates") or []]
            out[c["ref"]] = (batch["forwarded_on"], entries)
    return out


def tasks() -> dict[str, dict[str, Any]]:
    return {path.stem: _yaml(path) for path in sorted((SAMPLE / "tasks").glob("*.yaml"))}


def began(entries: list[tuple[dt.date, str]]) -> dt.date:
    """The date of the entry that began the last status (walking back over entries repeating it)."""
    i = len(entries) - 1
    while i > 0 and entries[i - 1][1] == entries[i][1]:
        i -= 1
    return entries[i][0]


def progress_count(entries: list[tuple[dt.date, str]]) -> int:
    return sum(1 for a, b in itertools.pairwise(entries) if a[1] == b[1])


def due(task: dict[str, Any]) -> dt.date | None:
    deadline = task["deadline"]
    if isinstance(deadline, dt.date):
        return deadline
    if isinstance(deadline, int):
        return dt.date(deadline, 12, 31)
    return None  # 长期坚持, 立行立改


def overdue_stretch(task: dict[str, Any]) -> tuple[dt.date, int] | None:
    """(first day, days) of the current overdue stretch as of TODAY, worked out day by day; None if not overdue."""
    deadline = due(task)
    history = [(e["date"], e["status"]) for e in task.get("history") or []]

    def not_done(day: dt.date) -> bool:
        status = "planned"
        for date, s in history:
            if date <= day:
                status = s
        return status not in DONE

    if deadline is None or deadline >= TODAY or not not_done(TODAY):
        return None
    start = TODAY
    while start - dt.timedelta(days=1) > deadline and not_done(start - dt.timedelta(days=1)):
        start -= dt.timedelta(days=1)
    return start, (TODAY - start).days + 1


def text(node: Any) -> str:
    """The node's text without white space (the page's spacing between tags is not what is checked)."""
    return re.sub(r"\s+", "", node.get_text())


def page(site: Path, *parts: str) -> BeautifulSoup:
    return BeautifulSoup((site.joinpath(*parts) / "index.html").read_text(encoding="utf-8"), "lxml")


def test_every_complaint_page_starts_at_the_reported_status_and_shows_progress_as_progress(sample_site: Path) -> None:
    found = complaints()
    assert len(found) == 438
    started_done_then_changed = progress = 0
    for ref, (forwarded, entries) in found.items():
        soup = page(sample_site, "complaints", ref)
        items = soup.select("ol.timeline > li.timeline-entry")
        assert len(items) == len(entries), ref
        heads = [text(li.select_one(".entry-head")) for li in items]
        # first entry: the batch's forwarded_on, at the status when the batch was reported
        assert heads[0] == f"{cn(forwarded)}{LABELS[entries[0][1]]}", (ref, heads[0])
        for (_, before), (day, status), head in zip(entries[:-1], entries[1:], heads[1:], strict=True):
            shown = f"{cn(day)}进展（状态仍为{LABELS[status]}）" if status == before else f"{cn(day)}{LABELS[status]}"
            assert head == shown, (ref, head)
        progress += progress_count(entries)
        started_done_then_changed += entries[0][1] == "done" and len(entries) > 1 and entries[1][1] != "done"
        line = text(soup.select_one(".item-header .status-line"))
        assert line.startswith(f"办结状态：{LABELS[entries[-1][1]]}（{cn(began(entries))}起）"), (ref, line)
        assert soup.select_one(".item-header .status-rule") is not None  # the rule is stated where the figure is
        assert not X_TO_X.search(text(soup.select_one("main") or soup)), ref
    # measured on the regenerated sample: no complaint is shown 已办结 on its day of forwarding and then goes back
    # (there were 19 before make_sample.py wrote the reported status); 44 updates repeat their status (进展)
    assert (started_done_then_changed, progress) == (0, 44)


def test_no_feed_entry_reads_x_to_x_and_progress_is_tagged(sample_site: Path) -> None:
    found, by_task = complaints(), tasks()
    tagged = 0
    for ref, (_, entries) in found.items():
        feed = feedparser.parse((sample_site / "feeds" / "complaints" / f"{ref}.atom.xml").read_bytes())
        assert not feed.bozo, ref
        assert len(feed.entries) == len(entries), ref
        for entry in feed.entries:
            assert not X_TO_X.search(entry.content[0].value), (ref, entry.title)
        titles = [e.title for e in feed.entries]
        tagged += sum(t.startswith("[进展]") for t in titles)
        assert sum(t.startswith("[进展]") for t in titles) == progress_count(entries), ref
    assert tagged == 44
    task_progress = 0
    for task_id, task in by_task.items():
        history = [(e["date"], e["status"]) for e in task.get("history") or []]
        feed = feedparser.parse((sample_site / "feeds" / "tasks" / f"{task_id}.atom.xml").read_bytes())
        assert not any(X_TO_X.search(e.content[0].value) for e in feed.entries), task_id
        progress = [e for e in feed.entries if e.title.startswith("[进展]")]
        assert len(progress) == progress_count(history), task_id
        assert all("状态：进展（状态仍为" in e.content[0].value for e in progress), task_id
        task_progress += len(progress)
    assert task_progress == 110
    home = page(sample_site)
    assert not X_TO_X.search(text(home.select_one("section.events")))
    # the event table: a progress report has the same status in from and to (docs/feeds.md), one per progress entry
    with (sample_site / "data" / "events.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert sum(1 for r in rows if r["from"] and r["from"] == r["to"]) == 44 + 110


def test_task_status_dates_and_overdue_days_follow_the_stated_rules(sample_site: Path) -> None:
    for task_id, task in tasks().items():
        soup = page(sample_site, "tasks", task_id)
        # without JavaScript the page says what stays true from one day to the next: no count, no data date
        static_line = text(soup.select_one(".item-header .status-line"))
        static_alert = soup.select_one(".item-header .alert-overdue")
        static_alert = text(static_alert) if static_alert else ""
        with_counts(soup)  # the counts as the browser writes them for the data date
        line = text(soup.select_one(".item-header .status-line"))
        history = [(e["date"], e["status"]) for e in task.get("history") or []]
        if history:
            assert line.startswith(f"当前状态：{LABELS[history[-1][1]]}（{cn(began(history))}起）"), (task_id, line)
            assert soup.select_one(".item-header .status-rule") is not None
        stretch = overdue_stretch(task)
        alert = soup.select_one(".item-header .alert-overdue")
        if stretch is None:
            assert alert is None, task_id
            continue
        start, days = stretch
        assert f"逾期{days}天" in line, (task_id, line)
        assert text(alert).endswith(f"截至{cn(TODAY)}尚未完成，自{cn(start)}起已逾期{days}天。"), (task_id, text(alert))
        assert "逾期" in static_line and f"逾期{days}天" not in static_line, (task_id, static_line)
        assert static_alert.endswith(f"尚未完成，自{cn(start)}起逾期。") and "截至" not in static_alert, (task_id, static_alert)
        assert soup.select_one(".item-header .overdue-rule") is not None
    # the reopened task of the sample: closed out 2023-01-30 (done before its deadline 2022-12-31), reopened
    # 2025-07-18, progress on 2025-08-05 and 2026-06-30. 2025-07-18 … 2026-11-01: 365 + 106 = 471, + 1 = 472
    r216 = with_counts(page(sample_site, "tasks", "R2-16"))
    assert text(r216.select_one(".status-line")).startswith("当前状态：重新整改（2025年7月18日起）逾期472天")
    assert text(r216.select_one(".alert-overdue")) == (
        "整改时限为2022年12月31日。本任务曾完成整改，2025年7月18日（整改时限之后）重新整改，"
        "截至2026年11月1日尚未完成，自2025年7月18日起已逾期472天。")


@pytest.fixture(scope="module")
def phone(browser, served: str):  # type: ignore[no-untyped-def]
    context, page_, errors, _ = local_page(browser, served, viewport={"width": 390, "height": 844})
    yield page_, served, errors
    context.close()


def test_on_a_phone_the_first_entry_and_the_reopened_status_read_as_the_history_says(phone) -> None:  # type: ignore[no-untyped-def]
    page_, base, errors = phone
    # D1JC201708170007: reported 正在办理 on 2017-08-18 (content: status handling), then 阶段性办结, then 已办结
    page_.goto(f"{base}complaints/D1JC201708170007/")
    first = page_.locator("ol.timeline > li.timeline-entry").first
    first.scroll_into_view_if_needed()
    assert re.sub(r"\s+", " ", first.inner_text()).strip() == "2017年8月18日 正在办理 第一轮·第1批交办"
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390  # all of it on the screen
    # R2-16 on the first screen: its status since the reopening, the overdue days counted from it, the rule
    page_.goto(f"{base}tasks/R2-16/")
    status = page_.locator(".item-header .status-line")
    assert re.sub(r"\s+", "", status.inner_text()).startswith("当前状态：重新整改（2025年7月18日起）逾期472天")
    rule = page_.locator(".item-header .status-rule")
    for element in (status, rule, page_.locator(".item-header .alert-overdue")):
        assert element.is_visible()
        box = element.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
    status_box = status.bounding_box()
    assert status_box is not None and status_box["y"] + status_box["height"] <= 844  # on the first screen
    size = float(rule.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
    assert size >= 12  # the 说明 line is readable, not fine print
    assert "自 2025年7月18日 起已逾期 472 天" in page_.locator(".item-header .alert-overdue").inner_text()
    assert errors == []

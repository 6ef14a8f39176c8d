"""The data date where it belongs (issue 18): pages whose content does not move with the date (a complaint,
its listings, the look-up; a task, a notice, a region, whose day counts the browser writes) do not carry it, so
the next day's build leaves them as they were; readers still see it, from data/as-of.js, and each complaint and
task says when its own information last changed."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from conftest import MINI, build, edit, local_page, tree_digest, with_counts

DAY, NEXT = "2026-11-01", "2026-11-02"


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def _complaint_refs() -> list[str]:
    refs = []
    for path in sorted((MINI / "complaints").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        refs += [c["ref"] for c in data["complaints"]]
    return refs


def test_the_next_day_leaves_every_complaint_file_as_it_was(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert build(MINI, output, DAY).code == 0
    before = _files(output)
    result = build(MINI, output, NEXT)
    assert result.code == 0, result.err
    clean = tmp_path / "clean"
    assert build(MINI, clean, NEXT).code == 0
    assert tree_digest(output) == tree_digest(clean)  # reusing files never costs correctness
    after = _files(output)
    refs = _complaint_refs()
    assert refs
    # a complaint's page (both scripts), its data file and its feeds: not rewritten (same inode, same time)
    for ref in refs:
        for name in (f"complaints/{ref}/index.html", f"zh-hant/complaints/{ref}/index.html", f"data/complaints/{ref}.json"):
            assert after[name] == before[name], name
    listings = [n for n in after if n.startswith(("complaints/batch", "lookup/", "zh-hant/lookup/")) and n.endswith(".html")]
    assert listings and all(after[n] == before[n] for n in listings), [n for n in listings if after[n] != before[n]]
    assert after["404.html"] == before["404.html"]
    # the one file that tells the new date, and the dated pages, did change
    assert after["data/as-of.js"] != before["data/as-of.js"]
    assert '"iso": "2026-11-02"' in (output / "data" / "as-of.js").read_text(encoding="utf-8")
    assert after["index.html"] != before["index.html"]
    rewritten = sorted(n for n in after if before.get(n) != after[n])
    print(f"the next day: {len(rewritten)} of {len(after)} files rewritten")  # bench/run.py measures it at scale
    assert not [n for n in rewritten if "complaints/" in n and not n.endswith("complaints/index.html")], rewritten


def test_a_complaint_page_says_when_it_changed_and_not_the_data_date(mini_site: Path) -> None:
    ref = _complaint_refs()[0]
    page = BeautifulSoup((mini_site / "complaints" / ref / "index.html").read_text(encoding="utf-8"), "html.parser")
    line = page.find(class_="data-date")
    assert "信息更新于" in line.get_text() and "2026年11月1日" not in line.get_text()
    own = line.find("time")["datetime"]
    history = page.select(".timeline time, .entry-head time")
    assert own == max(t["datetime"] for t in history)  # the latest dated record on the page
    assert line.find(attrs={"data-site-date": True}).has_attr("hidden")  # without JavaScript: only the page's own date
    data = json.loads((mini_site / "data" / "complaints" / f"{ref}.json").read_text(encoding="utf-8"))
    assert "as_of" not in data and "licence" in data


def test_the_data_date_is_shown_from_the_shared_file(browser, mini_site: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import serve

    ref = _complaint_refs()[0]
    with serve(mini_site) as url:
        context, page, errors, _ = local_page(browser, url, locale="zh-CN")
        for path in (f"complaints/{ref}/", "lookup/", "404.html"):
            page.goto(url + path)
            line = page.locator("header .data-date")
            assert line.is_visible(), path
            assert "数据截至 2026年11月1日" in line.inner_text(), (path, line.inner_text())
        page.goto(url + f"zh-hant/complaints/{ref}/")
        assert "數據截至 2026年11月1日" in page.locator("header .data-date").inner_text()
        context.close()
    assert not errors
    assert os.path.isfile(mini_site / "data" / "as-of.js")


def test_the_next_day_leaves_task_notice_and_region_pages_as_they_were(tmp_path: Path) -> None:
    """Pages whose counts change only when a state does (a task's, a notice's, a region's, with or without tasks)
    do not carry the data date nor a day count: the next day's build does not rewrite them, though T-2 is a
    day further overdue and the region of T-2 counts it; the dated pages (the home page, the checks) change."""
    import shutil

    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(MINI, content)
    with (content / "regions.yaml").open("a", encoding="utf-8") as f:
        f.write('- {code: "990103", name: 甲市西区, parent: "990100"}\n')  # no task or complaint names it
    assert build(content, output, DAY).code == 0
    before = _files(output)
    assert build(content, output, NEXT).code == 0
    clean = tmp_path / "clean"
    assert build(content, clean, NEXT).code == 0
    assert tree_digest(output) == tree_digest(clean)
    after = _files(output)
    kept = [f"{script}{page}/index.html" for script in ("", "zh-hant/") for page in (
        "tasks/T-1", "tasks/T-2", "announcements/N-1", "regions/990103", "regions/990100", "regions/990200")]
    kept += ["data/tasks/T-1.json", "data/tasks/T-2.json", "data/notices/N-1.json", "reports/2022-06/index.html",
             "pages/about/index.html"]
    assert [n for n in kept if after[n] != before[n]] == []
    for name in ("index.html", "checks/index.html", "data/tasks.csv", "data/as-of.js"):
        assert after[name] != before[name], name  # dated: the day counts, the data date
    for page in ("tasks/T-2", "regions/990200", "announcements/N-1"):
        soup = BeautifulSoup((output / page / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one(".data-date time") is None or "信息更新于" in soup.select_one(".data-date").get_text(), page
        assert "2026年11月2日" not in soup.get_text() and "2026-11-02" not in str(soup), page
    task = json.loads((output / "data" / "tasks" / "T-2.json").read_text(encoding="utf-8"))
    assert "as_of" not in task and "overdue_days" not in task
    assert task["overdue"] == 1 and task["overdue_since"] == "2024-07-01"  # due 2024-06-30: overdue from the next day
    assert "as_of" not in json.loads((output / "data" / "notices" / "N-1.json").read_text(encoding="utf-8"))
    with (output / "data" / "tasks.csv").open(encoding="utf-8-sig") as f:  # the table, dated, keeps the count
        row = next(r for r in csv.DictReader(f) if r["id"] == "T-2")
    assert (row["overdue_since"], row["overdue_days"]) == ("2024-07-01", str((dt.date(2026, 11, 2) - dt.date(2024, 7, 1)).days + 1))


def test_a_state_that_moves_with_the_date_rewrites_its_pages(tmp_path: Path) -> None:
    """The day after a deadline the task becomes overdue: its page, its data file and its region's page change
    that day (and equal a clean build); the day after that they stay as they were."""
    import shutil

    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(MINI, content)
    edit(content, "tasks/T-2.yaml", "deadline: 2024-06-30", "deadline: 2026-11-01")
    assert build(content, output, DAY).code == 0
    first = _files(output)
    assert build(content, output, NEXT).code == 0
    second = _files(output)
    clean = tmp_path / "clean"
    assert build(content, clean, NEXT).code == 0
    assert tree_digest(output) == tree_digest(clean)
    moved = ["tasks/T-2/index.html", "zh-hant/tasks/T-2/index.html", "data/tasks/T-2.json", "regions/990200/index.html"]
    assert [n for n in moved if second[n] == first[n]] == []
    page = BeautifulSoup((output / "tasks/T-2/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one(".alert-overdue") is not None
    assert build(content, output, "2026-11-03").code == 0
    third = _files(output)
    assert [n for n in moved if third[n] != second[n]] == []


def test_the_browser_counts_the_days_for_the_data_date(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A page kept from an earlier day's build shows the counts of the site's data date (data/as-of.js): T-2, due
    2024-06-30, is overdue from 2024-07-01 (day 1); its last record is of 2024-05-01; the counts are those that
    with_counts reads from the same page (the helper the other tests use)."""
    from conftest import serve

    output = tmp_path / "output"
    assert build(MINI, output, DAY).code == 0
    assert build(MINI, output, NEXT).code == 0  # the task page is the one written for DAY, as-of.js says NEXT
    overdue = (dt.date(2026, 11, 2) - dt.date(2024, 7, 1)).days + 1
    stale = (dt.date(2026, 11, 2) - dt.date(2024, 5, 1)).days
    soup = with_counts(BeautifulSoup((output / "tasks/T-2/index.html").read_text(encoding="utf-8"), "html.parser"), NEXT)
    expected = " ".join(soup.select_one(".item-header").get_text(" ").split())
    with serve(output) as url:
        context, page, errors, _ = local_page(browser, url, locale="zh-CN")
        page.goto(url + "tasks/T-2/")
        header = page.locator(".item-header")
        shown = " ".join(header.inner_text().split())
        assert f"逾期 {overdue} 天" in shown and f"截至 2026年11月2日 尚未完成，自 2024年7月1日 起已逾期 {overdue} 天。" in shown, shown
        assert f"已 {stale} 天未更新" in shown, shown
        assert re.sub(r"\s", "", shown) == re.sub(r"\s", "", expected)
        assert "网站数据截至 2026年11月2日" in page.locator("header .data-date").inner_text()
        page.goto(url + "regions/990200/")
        assert f"逾期 {overdue} 天" in page.locator("main table").inner_text()
        page.goto(url + "zh-hant/tasks/T-2/")
        assert f"已逾期 {overdue} 天" in page.locator(".item-header").inner_text()
        context.close()
    assert not errors

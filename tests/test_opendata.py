"""Open data, statistics, the 繁體 reading, QR codes and print (issue 8), on the sample built as of 2026-11-01."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from conftest import SAMPLE, local_page


def sample_items() -> tuple[set[str], set[str]]:
    tasks = {yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in (SAMPLE / "tasks").glob("*.yaml")}
    refs = {c["ref"] for p in (SAMPLE / "complaints").rglob("*.yaml")  # complaints/<inspection>/N.yaml
            for c in yaml.safe_load(p.read_text(encoding="utf-8"))["complaints"]}
    return tasks, refs


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no BOM: Excel would show mojibake"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def html(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_every_item_is_in_every_download(sample_site: Path) -> None:
    tasks, refs = sample_items()
    data = sample_site / "data"
    assert {r["id"] for r in read_csv(data / "tasks.csv")} == tasks
    assert {r["ref"] for r in read_csv(data / "complaints.csv")} == refs
    events = read_csv(data / "events.csv")
    assert {r["item"] for r in events if r["kind"] == "task"} == tasks
    assert {r["item"] for r in events if r["kind"] == "complaint"} == refs
    everything = json.loads((data / "portal.json").read_text(encoding="utf-8"))
    assert {t["id"] for t in everything["tables"]["tasks"]} == tasks
    assert {c["ref"] for c in everything["tables"]["complaints"]} == refs
    assert everything["meta"]["as_of"] == "2026-11-01" and everything["meta"]["licence"].startswith("CC BY 4.0")
    for t in tasks:
        assert json.loads((data / "tasks" / f"{t}.json").read_text(encoding="utf-8"))["id"] == t
    for ref in refs:
        assert (data / "complaints" / f"{ref}.json").is_file()


def test_sqlite_opens_and_its_counts_match(sample_site: Path) -> None:
    tasks, refs = sample_items()
    db = sqlite3.connect(f"file:{sample_site / 'data' / 'portal.sqlite'}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT count(*) FROM tasks").fetchone()[0] == len(tasks)
        assert {r for (r,) in db.execute("SELECT ref FROM complaints")} == refs
        events = len(read_csv(sample_site / "data" / "events.csv"))
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == events
        done = db.execute("SELECT count(*) FROM tasks WHERE status IN ('completed', 'accepted', 'closed')").fetchone()[0]
        # a matter complained of again counts once (the complaints another complaint repeats are left out)
        repeated = {ref for (cell,) in db.execute("SELECT repeats FROM complaints") for ref in cell.split(";")} & refs
        assert dict(db.execute("SELECT key, value FROM meta"))["as_of"] == "2026-11-01"
        assert db.execute("SELECT description FROM columns WHERE \"table\" = 'complaints' AND name = 'substantiated'").fetchone()[0]
    finally:
        db.close()
    # the statistics page says the same
    lead = html(sample_site, "stats/").select_one("p.lead").get_text()
    assert f"{len(tasks)}项整改任务中已完成{done}项" in lead
    assert repeated and f"交办信访举报{len(refs) - len(repeated)}件（另有重复件{len(repeated)}件，只计一次）" in lead


def test_data_page_documents_every_column_date_and_licence(sample_site: Path) -> None:
    from generator.render.opendata import TABLES

    page = html(sample_site, "data/")
    text = page.get_text()
    assert "2026年11月1日" in text and "CC BY 4.0" in text  # the data date as the site writes dates
    assert page.select_one("dl.fields time")["datetime"] == "2026-11-01"
    documented = {code.get_text() for code in page.select("table.columns code")}
    for table in TABLES:
        assert {c.name for c in table.columns} <= documented
        assert page.select_one(f'a[href$="data/{table.name}.csv"]') is not None
    assert page.select_one('a[href$="data/portal.sqlite"]') and page.select_one('a[href$="data/portal.json"]')


def test_item_pages_link_their_json_and_qr(sample_site: Path) -> None:
    for url, target in [("tasks/R2-07/", "data/tasks/R2-07.json"), ("complaints/D2JC202106020020/", "data/complaints/D2JC202106020020.json"),
                        ("announcements/N-2024-003/", "data/notices/N-2024-003.json")]:
        page = html(sample_site, url)
        link = page.select_one(f'a[href$="{target}"]')
        assert link is not None and link["href"].startswith("../../"), url
        qr = page.select_one("figure.qr svg")
        assert qr is not None and "jiangchuan.example.org/zhenggai/" + url in qr["aria-label"], url
        assert "扫一扫在手机上查看当前页面" in page.select_one("figure.qr").get_text()
        printed = page.select_one(".print-only").get_text()
        assert "https://jiangchuan.example.org/zhenggai/" + url in printed
        # an item's page is not dated by the build (issue 18): a complaint or a task says when it last changed, by
        # the history's own source (content), a notice only what is on it
        assert "2026年11月1日" not in printed and page.select_one(".print-only [data-site-date]").has_attr("hidden"), printed
        if url.startswith("complaints/"):
            y, m, d = map(int, max(t["datetime"] for t in page.select(".entry-head time")).split("-"))
            assert f"信息更新于 {y}年{m}月{d}日" in printed, printed
        elif url.startswith("tasks/"):
            history = yaml.safe_load((SAMPLE / "tasks" / "R2-07.yaml").read_text(encoding="utf-8"))["history"]
            last = max(dt.date.fromisoformat(str(e["date"])) for e in history)
            assert f"信息更新于 {last.year}年{last.month}月{last.day}日" in printed, printed
        else:  # a notice: the day it last changed (no correction: its first day, its date of publication)
            period = yaml.safe_load((SAMPLE / "announcements" / "N-2024-003.yaml").read_text(encoding="utf-8"))["period"]
            start = dt.date.fromisoformat(str(period["start"]))
            assert f"信息更新于 {start.year}年{start.month}月{start.day}日" in printed, printed


def test_qr_code_decodes_to_the_page_url(browser, served) -> None:  # type: ignore[no-untyped-def]
    """The QR code as Chromium draws it decodes (zxing-cpp's reader) to the page's absolute URL."""
    import zxingcpp

    context, page, errors, _ = local_page(browser, served)
    for url in ("tasks/R2-07/", "complaints/D2JC202105070012/"):
        page.goto(served + url)
        svg = page.locator("figure.qr svg").evaluate("e => e.outerHTML")
        size = 240
        gray = page.evaluate("""async ([svg, size]) => {
            const img = new Image();
            img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg.replace("<svg ", '<svg width="' + size + '" height="' + size + '" '));
            await img.decode();
            const canvas = document.createElement("canvas");
            canvas.width = canvas.height = size;
            const ctx = canvas.getContext("2d");
            ctx.drawImage(img, 0, 0, size, size);
            const rgba = ctx.getImageData(0, 0, size, size).data;
            const out = [];
            for (let i = 0; i < rgba.length; i += 4) out.push(rgba[i]);
            return out;
        }""", [svg, size])
        found = zxingcpp.read_barcode(memoryview(bytes(gray)).cast("B", (size, size)))  # grayscale, row by row
        assert found is not None and found.text == "https://jiangchuan.example.org/zhenggai/" + url
    context.close()
    assert not errors, errors
    from generator.render.theme_extras import qr_svg

    assert qr_svg("") == ""


def test_statistics_page_has_each_chart_with_text_and_table(sample_site: Path) -> None:
    page = html(sample_site, "stats/")
    charts = page.select("svg.chart")
    assert len(charts) == 6
    for svg in charts:
        assert svg["role"] == "img"
        ids = svg["aria-labelledby"].split()
        assert all(svg.find(id=i) and svg.find(id=i).get_text().strip() for i in ids)
        assert svg.find_parent("section").select("table.data")  # the data beside it
    regions = page.select_one("#by-region").find_parent("section").select("tbody tr")
    assert regions[0].th.get_text() == "江川省"
    assert "第1批" in page.select_one("#by-batch").find_parent("section").get_text()


def test_report_shows_the_figures_of_its_own_date(sample_site: Path) -> None:
    import datetime as dt

    from generator import pipeline
    from generator.derive.stats import figures_on

    portal = pipeline.prepare(SAMPLE, dt.date(2026, 11, 1))
    box = html(sample_site, "reports/2022-06-progress/").select_one(".figures-box").get_text()
    report = next(r for r in portal.content.reports if r.slug == "2022-06-progress")
    # the report is about round 2 (its `inspection`): the box counts that round's tasks and complaints only
    assert report.inspection == "r2"
    scope = next(iv for iv in portal.inspections if iv.inspection.id == "r2")
    assert len(scope.tasks) == sum(t.task.inspection == "r2" for t in portal.tasks) < len(portal.tasks)
    then, now = figures_on(scope, report.date), figures_on(scope, portal.as_of)
    assert then.tasks_done != now.tasks_done  # the test means something
    assert f"{then.tasks_total}项整改任务中已完成{then.tasks_done}项" in box
    assert f"交办信访举报{then.complaints_total}件" in box


def test_traditional_reading_of_every_page(sample_site: Path) -> None:
    pages = [p.relative_to(sample_site) for p in sample_site.rglob("index.html") if p.relative_to(sample_site).parts[0] != "zh-hant"]
    for rel in pages:
        assert (sample_site / "zh-hant" / rel).is_file(), rel
    page = html(sample_site, "zh-hant/tasks/R2-07/")
    assert page.html["lang"] == "zh-Hant"
    assert "整改進展" in page.get_text() and "整改进展" not in page.get_text()
    assert page.select_one('link[rel="stylesheet"]')["href"] == "../../../theme/css/portal.css"
    assert page.select_one('a[href="../../tasks/"]') is not None  # page links stay in the reading
    back = page.select_one("a.lang-switch")
    assert back.get_text() == "简体" and back["href"] == "../../../tasks/R2-07/"
    assert page.find(attrs={"data-pagefind-body": True}) is None  # searched once, in Simplified
    assert html(sample_site, "tasks/R2-07/").select_one("a.lang-switch")["href"] == "../../zh-hant/tasks/R2-07/"


def test_item_page_prints_on_a4_with_url_and_date(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    try:
        page.goto(served + "tasks/R2-07/")
        page.emulate_media(media="print")
        assert page.locator(".print-only").is_visible()
        assert not page.locator(".reading-tools").is_visible() and not page.locator(".site-nav").is_visible()
        printed = page.locator(".print-only").inner_text()
        beijing = dt.timezone(dt.timedelta(hours=8))  # the print date is today in Beijing (the page opened just now)
        days = {dt.datetime.now(beijing).date(), (dt.datetime.now(beijing) - dt.timedelta(minutes=5)).date()}
        assert any(f"信息更新于 2022年8月22日，网站数据截至 2026年11月1日，打印于 {d.year}年{d.month}月{d.day}日。" in printed
                   for d in days), printed
        assert page.pdf(format="A4").startswith(b"%PDF")
    finally:
        page.close()


def test_tables_written_in_runs_are_one_encoding_and_agree_across_formats(sample_site: Path) -> None:
    """portal.json, events.json, the CSV files and the database are written a run of rows at a time (a national
    table is never held whole): each file must still be what one encoding of the whole gives, and all agree."""
    from generator.render.opendata import _json_bytes

    data = sample_site / "data"
    raw = (data / "portal.json").read_bytes()
    whole = json.loads(raw)
    assert raw == _json_bytes(whole)  # one line, compact, as json.dumps writes it: no seam between runs
    assert list(whole) == ["meta", "tables"]
    assert (data / "events.json").read_bytes() == _json_bytes(whole["tables"]["events"])
    db = sqlite3.connect(f"file:{data / 'portal.sqlite'}?mode=ro", uri=True)
    try:
        for name, rows in whole["tables"].items():
            assert rows, name  # every table of the sample has rows: each comparison below compares some
            key = next(iter(rows[0]))  # a table's first column: its key
            assert [r[key] for r in read_csv(data / f"{name}.csv")] == [str(r[key]) for r in rows], name
            assert db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == len(rows), name
    finally:
        db.close()


def test_a_table_longer_than_one_run_is_written_whole(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """With runs of two rows, every table of the sample spans several runs; the files must be the same bytes as
    with runs longer than any table."""
    from conftest import build

    from generator.render import opendata

    one, runs = tmp_path / "one", tmp_path / "runs"
    monkeypatch.setattr(opendata, "CSV_ROWS_AT_ONCE", 10**6)
    assert build(SAMPLE, one).code == 0
    monkeypatch.setattr(opendata, "CSV_ROWS_AT_ONCE", 2)
    assert build(SAMPLE, runs).code == 0
    names = sorted(p.relative_to(one / "data").as_posix() for p in (one / "data").rglob("*") if p.is_file())
    assert len(names) > 10
    for name in names:
        assert (runs / "data" / name).read_bytes() == (one / "data" / name).read_bytes(), name

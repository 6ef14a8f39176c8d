"""The data date where it belongs (issue 18): pages whose content does not move with the date (a complaint,
its listings, the look-up) do not carry it, so the next day's build leaves them as they were; readers still see
it, from data/as-of.js, and each complaint says when its own information last changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from conftest import MINI, build, local_page, tree_digest

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


def test_the_next_day_leaves_the_page_of_a_region_without_tasks_as_it_was(tmp_path: Path) -> None:
    """A region without tasks shows counts that do not move with the date (most counties of a national site):
    its page does not carry the data date and is not rewritten the next day; a region with tasks still is."""
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
    for name in ("regions/990103/index.html", "zh-hant/regions/990103/index.html"):
        assert after[name] == before[name], name
    page = BeautifulSoup((output / "regions/990103/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "2026" not in page.select_one(".data-date").get_text()  # the date comes from data/as-of.js
    assert after["regions/990100/index.html"] != before["regions/990100/index.html"]  # its tasks' figures are dated
    dated = BeautifulSoup((output / "regions/990100/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "2026年11月2日" in dated.select_one(".data-date").get_text()

"""Each task, complaint, notice and report page describes itself in <meta name="description">: its own title
(or number), status and regions, as plain text of at most about 120 characters, and what content writes there
stays text (escaped, never markup).

Expected titles, numbers and region names are read from the content files (content/tasks/<id>.yaml,
regions.yaml, the complaint batch files); the status is the one the page itself shows in its status line."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from conftest import MINI, SAMPLE, build

LIMIT = 120  # characters, the ellipsis included
REGION_NAMES = {str(r["code"]): r["name"] for r in yaml.safe_load((SAMPLE / "regions.yaml").read_text(encoding="utf-8"))}


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def description(soup: BeautifulSoup) -> str:
    metas = soup.select('head meta[name="description"]')
    assert len(metas) == 1
    return str(metas[0]["content"])


def task(task_id: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((SAMPLE / "tasks" / f"{task_id}.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_two_task_pages_describe_themselves_differently(sample_site: Path) -> None:
    seen = []
    for task_id in ("R2-07", "R2-08"):
        data = task(task_id)
        soup = soup_of(sample_site / "tasks" / task_id / "index.html")
        text = description(soup)
        status = soup.select_one(".status-line .status").get_text(strip=True)  # what the page says it is
        assert data["title"] in text, (task_id, text)
        assert f"（{status}）" in text, (task_id, status, text)
        assert all(REGION_NAMES[code] in text for code in data["regions"]), (task_id, text)
        assert len(text) <= LIMIT and "\n" not in text and "<" not in text, text
        assert "**" not in text  # the problem's Markdown is read as text, not shown as marks
        seen.append(text)
    assert seen[0] != seen[1]
    # not the site's generic description, which every other page shares
    assert soup_of(sample_site / "tasks" / "index.html").select_one('meta[name="description"]')["content"] not in seen


def test_complaint_notice_and_report_pages_describe_themselves(sample_site: Path) -> None:
    batch = yaml.safe_load((SAMPLE / "complaints" / "r3" / "1.yaml").read_text(encoding="utf-8"))
    complaint = batch["complaints"][1]
    soup = soup_of(sample_site / "complaints" / complaint["ref"] / "index.html")
    text = description(soup)
    assert text.startswith(f"信访举报 {complaint['ref']}（{soup.select_one('.status-line .status').get_text(strip=True)}）")
    assert REGION_NAMES[str(complaint["region"])] in text and len(text) <= LIMIT and "\n" not in text

    notice_file = next((SAMPLE / "announcements").rglob("N-2024-003.yaml"))
    notice = yaml.safe_load(notice_file.read_text(encoding="utf-8"))
    soup = soup_of(sample_site / "announcements" / "N-2024-003" / "index.html")
    text = description(soup)
    state = soup.select_one(".state-box .status").get_text(strip=True)
    assert text.startswith(f"{notice['title']}（{state}）") and len(text) <= LIMIT, text
    assert len(text) == LIMIT and text.endswith("…")  # its summary is long: cut, and the cut is shown

    report = sample_site / "reports" / "2024-12-progress" / "index.html"
    soup = soup_of(report)
    title = soup.select_one("h1").get_text(strip=True)
    text = description(soup)
    assert text.startswith(title) and len(text) <= LIMIT
    descriptions = {description(soup_of(p)) for p in (sample_site / "reports").glob("*/index.html")}
    assert len(descriptions) == len(list((sample_site / "reports").glob("*/index.html"))) > 1


def test_what_content_writes_in_a_description_stays_text(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    path = content / "tasks" / "T-1.yaml"
    hostile = '填埋场"><script>window.__pwned=1</script>&amp;'
    text = path.read_text(encoding="utf-8").replace("title: 甲市某垃圾填埋场渗滤液处理能力不足", f"title: '{hostile}'", 1)
    assert hostile in text
    path.write_text(text, encoding="utf-8")
    result = build(content, tmp_path / "output")
    assert result.code == 0, result.err
    page = tmp_path / "output" / "tasks" / "T-1" / "index.html"
    soup = soup_of(page)
    assert hostile in description(soup)  # shown as written
    assert not soup.select("head script:not([src])")  # and nothing became markup
    assert '"><script>' not in page.read_text(encoding="utf-8").split("<body", 1)[0]

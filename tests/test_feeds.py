"""Feeds of status changes, parsed with feedparser as a feed reader would."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE, build

from generator import urls
from generator.derive.state import derive
from generator.derive.views import TaskView
from generator.load.reader import load

CONTENT = load(SAMPLE)
PORTAL = derive(CONTENT, dt.date.fromisoformat(AS_OF))
BASE = CONTENT.site.site_url.rstrip("/")
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_files(site: Path) -> list[Path]:
    return sorted((site / "feeds").rglob("*.xml"))


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    return parsed


def atom_entries(path: Path) -> dict[str, str]:
    """Entry id → the entry's XML, as written."""
    root = ET.parse(path).getroot()
    entries = root.findall(f"{ATOM}entry")
    for e in entries:
        e.tail = None  # the whitespace after the last entry differs from that after the others
    return {e.findtext(f"{ATOM}id"): ET.tostring(e, encoding="unicode") for e in entries}


def alternate_links(site: Path, url: str) -> set[str]:
    soup = BeautifulSoup((site / urls.page_file(url)).read_text(encoding="utf-8"), "html.parser")
    depth = url.count("/")
    out = set()
    for link in soup.find_all("link", rel="alternate"):
        href = link["href"]
        assert href.startswith("../" * depth if depth else "./"), href  # relative, from this page
        out.add(re.sub(r"^(\./|(\.\./)+)", "", href))
    return out


def test_every_feed_parses_with_titles_links_ids_and_dates(sample_site: Path) -> None:
    files = feed_files(sample_site)
    # site-wide 4 (all, notices, closed, overdue), one per region, task and complaint, and (version 2) one per
    # inspection; each in Atom and RSS, but a complaint's in Atom only
    rounds = len(PORTAL.inspections) if PORTAL.content.version == 2 else 0
    expected = 2 * (4 + len(PORTAL.regions) + len(PORTAL.tasks) + rounds) + len(PORTAL.complaints)
    assert len(files) == expected
    for path in files:
        parsed = parse(path)
        assert parsed.feed.title.endswith(CONTENT.site.title)
        assert parsed.feed.language == "zh-CN" or parsed.feed.get("language") == "zh-CN"
        rel = path.relative_to(sample_site).as_posix()
        links = {link.rel: link.href for link in parsed.feed.links}
        assert links.get("self") == f"{BASE}/{rel}", path
        assert len(parsed.entries) <= 100
        for entry in parsed.entries:
            assert re.match(r"^\[[^\]]+\] \S", entry.title), entry.title
            assert entry.link.startswith(f"{BASE}/"), entry.link
            assert entry.id.startswith("tag:jiangchuan.example.org,"), entry.id
        text = path.read_text(encoding="utf-8")
        if rel.endswith(".atom.xml"):
            stamps = re.findall(r"<(?:updated|published)>([^<]+)<", text)
            assert stamps and all(s.endswith("T00:00:00+08:00") for s in stamps), path
            if parsed.entries:  # the feed is as new as its newest entry
                assert parsed.feed.updated == parsed.entries[0].updated
        else:
            stamps = re.findall(r"<(?:pubDate|lastBuildDate)>([^<]+)<", text)
            assert stamps and all(s.endswith("+0800") for s in stamps), path


def test_site_feed_holds_the_newest_100_events_newest_first(sample_site: Path) -> None:
    parsed = parse(sample_site / "feeds" / "all.atom.xml")
    assert len(PORTAL.events) > 100 and len(parsed.entries) == 100
    dates = [e.updated for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)
    assert parsed.entries[0].updated.startswith(PORTAL.events[0].date.isoformat())
    history = json.loads((sample_site / "data" / "events.json").read_text(encoding="utf-8"))
    assert len(history) == len(PORTAL.events)  # the complete history, oldest first
    assert history[-1]["id"] == PORTAL.events[0].key and history[0]["id"] == PORTAL.events[-1].key
    assert (sample_site / "data" / "events.csv").read_text(encoding="utf-8-sig").count("\n") == len(PORTAL.events) + 1


def named(t: TaskView) -> str:
    """A task of the sample as feeds name it: the sample holds three rounds, each numbering its tasks from 1, so
    the number carries the round's short name (第二轮·第7项)."""
    assert t.inspection is not None
    return f"{t.inspection.label}·第{t.task.number}项 {t.task.title}"


def test_task_feed_has_every_history_entry_in_chinese(sample_site: Path) -> None:
    for t in PORTAL.tasks:
        parsed = parse(sample_site / "feeds" / "tasks" / f"{t.task.id}.atom.xml")
        titles = [e.title for e in parsed.entries]
        for entry in t.task.history:
            label = {"planned": "未启动", "in_progress": "整改中", "ongoing": "长期坚持", "completed": "已完成（待验收）",
                     "accepted": "已验收", "closed": "已销号", "reopened": "重新整改"}[entry.status]
            assert f"[{label}] {named(t)}" in titles
        if t.overdue:
            assert f"[逾期未完成] {named(t)}" in titles
        for entry in parsed.entries:
            assert entry.link == f"{BASE}/{t.url}" or "/announcements/" in entry.link


def test_closed_and_overdue_feeds(sample_site: Path) -> None:
    closed = parse(sample_site / "feeds" / "closed.atom.xml")
    assert closed.entries and all(e.title.startswith("[已销号] ") for e in closed.entries)
    n_closed = sum(1 for t in CONTENT.tasks for e in t.history if e.status == "closed")
    assert len(closed.entries) == min(100, n_closed)
    overdue = parse(sample_site / "feeds" / "overdue.atom.xml")
    titles = {e.title for e in overdue.entries}
    for t in PORTAL.tasks:
        if t.overdue:
            assert f"[逾期未完成] {named(t)}" in titles
    notices = parse(sample_site / "feeds" / "announcements.atom.xml")
    assert {e.title.split("] ")[0] + "]" for e in notices.entries} >= {"[开始公示]", "[公示已结束]", "[公示即将结束]"}


def test_complaint_feed_follows_one_complaint(sample_site: Path) -> None:
    for c in PORTAL.complaints[:40]:
        parsed = parse(sample_site / "feeds" / "complaints" / f"{c.complaint.ref}.atom.xml")
        assert len(parsed.entries) == 1 + len(c.complaint.updates)
        assert all(c.complaint.ref in e.title and e.link == f"{BASE}/{c.url}" for e in parsed.entries)


def test_every_rss_channel_links_the_page_it_follows_and_names_itself_as_self(sample_site: Path) -> None:
    # RSS 2.0: a channel's <link> is "the URL to the HTML website corresponding to the channel"; the feed's own
    # address goes in <atom:link rel="self">. Each feed's page is named by its Atom twin's rel="alternate".
    rss_files = [f for f in feed_files(sample_site) if f.name.endswith(".rss.xml")]
    assert rss_files
    for rss in rss_files:
        channel = ET.parse(rss).getroot().find("channel")
        assert channel is not None
        atom = ET.parse(rss.with_name(rss.name.replace(".rss.xml", ".atom.xml"))).getroot()
        page = next(link.get("href") for link in atom.findall(f"{ATOM}link") if link.get("rel") == "alternate")
        assert channel.findtext("link") == page and not page.endswith(".xml"), rss
        selfs = [link.get("href") for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert selfs == [f"{BASE}/{rss.relative_to(sample_site).as_posix()}"], rss


def test_item_pages_link_their_feeds(sample_site: Path) -> None:
    site_feeds = {"feeds/all.atom.xml", "feeds/all.rss.xml"}
    for t in PORTAL.tasks:
        links = alternate_links(sample_site, t.url)
        assert {f"feeds/tasks/{t.task.id}.atom.xml", f"feeds/tasks/{t.task.id}.rss.xml"} <= links
        assert {f"feeds/regions/{code}.atom.xml" for code in t.task.regions} <= links
        assert site_feeds <= links
        assert not any("feeds/complaints/" in link for link in links)
    for c in PORTAL.complaints[:40]:
        links = alternate_links(sample_site, c.url)
        assert f"feeds/complaints/{c.complaint.ref}.atom.xml" in links
        # a complaint's feed is Atom only (issue 18: one file per complaint fewer); its page offers no RSS copy
        assert f"feeds/complaints/{c.complaint.ref}.rss.xml" not in links
        assert not (sample_site / f"feeds/complaints/{c.complaint.ref}.rss.xml").exists()
        soup = BeautifulSoup((sample_site / urls.page_file(c.url)).read_text(encoding="utf-8"), "html.parser")
        offered = [a["href"] for a in soup.select(".subscribe a.feed-link")]
        assert len(offered) == 1 and offered[0].endswith(f"feeds/complaints/{c.complaint.ref}.atom.xml"), offered
        assert {f"feeds/regions/{code}.atom.xml" for code in c.complaint.region} <= links
    for r in PORTAL.regions:
        assert f"feeds/regions/{r.region.code}.atom.xml" in alternate_links(sample_site, r.url)
    for n in PORTAL.notices:
        assert "feeds/announcements.atom.xml" in alternate_links(sample_site, n.url)
    assert {"feeds/closed.atom.xml", "feeds/overdue.atom.xml"} <= alternate_links(sample_site, urls.TASKS)
    for link in alternate_links(sample_site, urls.HOME) | alternate_links(sample_site, PORTAL.tasks[0].url):
        assert (sample_site / link).is_file(), link


def test_feeds_page_and_opml_list_every_feed(sample_site: Path) -> None:
    """The feeds page lists every feed but each complaint's, which the complaint's own page offers (a national site
    has 150,000); the full OPML file lists every feed."""
    files = {p.relative_to(sample_site).as_posix() for p in feed_files(sample_site)}
    own = {f for f in files if f.startswith("feeds/complaints/")}
    soup = BeautifulSoup((sample_site / "feeds" / "index.html").read_text(encoding="utf-8"), "html.parser")
    listed = {re.sub(r"^\.\./", "", a["href"]) for a in soup.find_all("a", href=True) if a["href"].endswith(".xml")}
    assert own and listed == files - own
    assert "什么是订阅" in soup.get_text() and "阅读器" in soup.get_text()
    section = soup.find(id="complaints-heading").find_parent("section")
    assert f"共 {len(own)} 个" in section.get_text()
    assert {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in section.find_all("a")} >= {"lookup", "complaints", "#opml-all"}
    for feed in own:  # each complaint's page offers its feed
        ref = feed.removeprefix("feeds/complaints/").removesuffix(".atom.xml")
        page = BeautifulSoup((sample_site / "complaints" / ref.upper() / "index.html").read_text(encoding="utf-8"), "html.parser")
        hrefs = {re.sub(r"^(\.\./)+", "", a["href"]) for a in page.find_all("a", href=True)}
        assert feed in hrefs, ref
    root = ET.parse(sample_site / urls.OPML).getroot()
    xml_urls = {o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")}
    assert xml_urls == {f"{BASE}/{f}" for f in files if f.endswith(".atom.xml")}
    assert {o.get("text") for o in root.find("body")} == {"全站", "督察轮次", "地区", "整改任务", "信访举报"}


# The short OPML of the sample, worked out from content/: the four site-wide feeds; the feeds of its three
# inspections (content/inspections/r1.yaml, r2.yaml, r3.yaml); and the regions of the top two levels of
# content/regions.yaml: the province 江川省 (990000, no parent) and its six cities (parent 990000), not the eight
# counties and districts below them (990102, 990121, 990202, 990223, 990322, 990421, 990502, 990602).
MAIN_OPML = {
    "全站": ["feeds/all", "feeds/announcements", "feeds/closed", "feeds/overdue"],
    "督察轮次": ["feeds/inspections/r1", "feeds/inspections/r2", "feeds/inspections/r3"],
    "地区": [f"feeds/regions/{code}" for code in ("990000", "990100", "990200", "990300", "990400", "990500", "990600")],
}


def opml_groups(path: Path) -> dict[str, list[str]]:
    """Group → the xmlUrl of each feed outline in it, in order, as a feed reader importing the file reads it."""
    root = ET.parse(path).getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    body = root.find("body")
    assert body is not None
    groups: dict[str, list[str]] = {}
    for group in body:
        assert group.tag == "outline" and not group.get("xmlUrl")
        feeds = list(group)
        assert feeds and all(o.get("type") == "rss" and o.get("text") and not list(o) for o in feeds)
        groups[group.get("text", "")] = [o.get("xmlUrl", "") for o in feeds]
    return groups


def test_short_opml_lists_the_site_wide_round_and_province_and_city_feeds(sample_site: Path) -> None:
    main = opml_groups(sample_site / urls.OPML_MAIN)
    assert main == {group: [f"{BASE}/{path}.atom.xml" for path in paths] for group, paths in MAIN_OPML.items()}
    for xml_url in (u for urls_ in main.values() for u in urls_):
        assert xml_url.startswith(f"{BASE}/")
        path = sample_site / xml_url.removeprefix(f"{BASE}/")
        assert path.is_file(), xml_url
        parse(path)  # a feed a reader can read
    full = [u for urls_ in opml_groups(sample_site / urls.OPML).values() for u in urls_]
    short = [u for urls_ in main.values() for u in urls_]
    assert set(short) < set(full)
    atom = [f for f in feed_files(sample_site) if f.name.endswith(".atom.xml")]
    assert len(short) == 14 and len(full) == len(atom)  # every feed, once (Atom)
    assert len(short) * 10 < len(full)  # far shorter: 14 feeds against several hundred
    title = ET.parse(sample_site / urls.OPML_MAIN).getroot().findtext("head/title")
    assert title == f"{CONTENT.site.title} - 主要订阅"


def test_feeds_page_offers_the_short_opml_first_with_what_each_holds(sample_site: Path) -> None:
    soup = BeautifulSoup((sample_site / "feeds" / "index.html").read_text(encoding="utf-8"), "html.parser")
    opml_links = [a for a in soup.find_all("a", href=True) if a["href"].endswith(".opml")]
    assert [re.sub(r"^\.\./", "", a["href"]) for a in opml_links] == [urls.OPML_MAIN, urls.OPML]
    for a in opml_links:
        assert (sample_site / "feeds" / a["href"]).resolve().is_file()
    short, full = (" ".join(a.find_parent("li").get_text(" ").split()) for a in opml_links)
    full_count = sum(len(v) for v in opml_groups(sample_site / urls.OPML).values())
    assert "主要订阅" in short and "共 14 个" in short
    assert all(word in short for word in ("全站动态", "销号公示", "新销号任务", "新逾期任务", "每轮督察", "省和各市"))
    assert "全部订阅" in full and f"共 {full_count} 个" in full and "每个区县" in full and "每件信访举报" in full
    # offered first: before the table of the site-wide feeds and every other list of feeds on the page
    first_feed_link = soup.find("a", href=re.compile(r"\.xml$"))
    assert opml_links[0] in first_feed_link.find_all_previous("a")


def _append_history(content: Path, task_id: str, entry: str) -> None:
    path = content / "tasks" / f"{task_id}.yaml"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"\nhistory:\n(  .*\n)+$", text), "history must be the last field"
    path.write_text(text + entry, encoding="utf-8")


def test_one_status_change_adds_exactly_one_entry_and_changes_no_other(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    task = next(t for t in PORTAL.tasks if t.status == "in_progress" and not t.overdue)
    later = "2026-11-20"
    before, unchanged, changed = tmp_path / "before", tmp_path / "unchanged", tmp_path / "changed"
    assert build(content, before, AS_OF).code == 0
    assert build(content, unchanged, later).code == 0  # time passing alone may add events (notices ending …)
    _append_history(content, task.task.id, "  - {date: 2026-11-15, status: completed, note: 测试：整改完成}\n")
    result = build(content, changed, later)
    assert result.code == 0, result.err

    codes = set()
    for code in task.task.regions:  # the task's regions and every region that encloses them
        view = PORTAL.region_by_code[code]
        codes |= {code, *(a.region.code for a in view.ancestors())}
    feeds = ["all", f"tasks/{task.task.id}", *(f"regions/{code}" for code in sorted(codes))]
    for feed in feeds:
        old = atom_entries(unchanged / "feeds" / f"{feed}.atom.xml")
        new = atom_entries(changed / "feeds" / f"{feed}.atom.xml")
        added = [i for i in new if i not in old]
        assert len(added) == 1, (feed, added)
        assert added[0].endswith(f"task/{task.task.id}/history/{len(task.task.history)}/2026-11-15")
        assert f"[已完成（待验收）] {task.inspection.label}·第{task.task.number}项" in new[added[0]]
        for entry_id in set(old) & set(new):
            assert old[entry_id] == new[entry_id], (feed, entry_id)
        first = atom_entries(before / "feeds" / f"{feed}.atom.xml")
        for entry_id in set(first) & set(new):
            assert first[entry_id] == new[entry_id], (feed, entry_id)
    # a feed the change does not concern is byte-identical
    other = next(t for t in PORTAL.tasks if t.status == "closed")
    name = f"feeds/tasks/{other.task.id}.atom.xml"
    assert (changed / name).read_bytes() == (unchanged / name).read_bytes() == (before / name).read_bytes()


def test_without_site_url_feeds_are_skipped_with_one_message(mini: Path, tmp_path: Path) -> None:
    assert "site_url" not in (mini / "site.yaml").read_text(encoding="utf-8")
    site = tmp_path / "site"
    result = build(mini, site)
    assert result.code == 0
    assert result.err.count("没有生成订阅") == 1 and "site_url" in result.err
    assert not list((site / "feeds").rglob("*.xml")) and not (site / urls.OPML).exists()
    assert not (site / urls.OPML_MAIN).exists()
    assert not alternate_links(site, urls.HOME)
    assert "暂不提供订阅源" in (site / "feeds" / "index.html").read_text(encoding="utf-8")
    assert json.loads((site / "data" / "events.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("site_url", ["https://example.org", "https://example.org/sub/path/"])
def test_site_url_with_or_without_sub_path(mini: Path, tmp_path: Path, site_url: str) -> None:
    text = (mini / "site.yaml").read_text(encoding="utf-8")
    (mini / "site.yaml").write_text(text + f"site_url: {site_url}\n", encoding="utf-8")
    site = tmp_path / "site"
    result = build(mini, site)
    assert result.code == 0 and "没有生成订阅" not in result.err
    base = site_url.rstrip("/")
    parsed = parse(site / "feeds" / "tasks" / "T-1.atom.xml")
    assert parsed.entries and all(e.link in (f"{base}/tasks/T-1/", f"{base}/announcements/N-1/") for e in parsed.entries)
    path = site_url.split("example.org")[1].strip("/")
    prefix = f"{path}/" if path else ""
    for e in parsed.entries:
        assert e.id.startswith((f"tag:example.org,{e.updated[:10]}:{prefix}task/T-1/",
                                f"tag:example.org,{e.updated[:10]}:{prefix}notice/N-1/")), e.id

"""Each inspection's own feed (content format version 2), read as a feed reader and a visitor would: round 3's
feed carries round 3's tasks and complaints and nothing of round 2, round 2's the reverse; the inspection's
page names its feed; the 订阅 page and the OPML file list both. (Version-1 content gets no such feed:
tests/test_feeds.py counts the sample's feed files, and the sample builds byte for byte as before.)"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import ROUNDS, build, edit

pytestmark = pytest.mark.slow  # one real build of the content below

BASE = "https://zhenggai.example.gov.cn/portal"
# round 3's short name carries markup: it must reach feeds and pages as text
SHORT3 = "第三轮<b>&amp;</b>"

# Worked out from tests/fixtures/rounds (its README.md and YAML) as of 2026-11-01 (conftest.AS_OF), by the
# "Events" table of docs/feeds.md: (the item's page, the event's date) of every entry.
ROUND3 = {
    ("tasks/R3-1/", "2025-12-01"),  # in progress; deadline 2026-12-31 not passed
    ("tasks/R3-2/", "2025-12-10"), ("tasks/R3-2/", "2026-05-20"),  # completed before its deadline 2026-06-30
    ("complaints/D3CS202506010001/", "2025-06-01"),  # round 3's batch 1, forwarded 2025-06-01, no updates
    ("complaints/D3CS202506010002/", "2025-06-01"),
}
ROUND2 = {
    # T-1: four history entries, done before its deadline 2023-12-31, closed out 2024-01-20
    ("tasks/T-1/", "2022-01-10"), ("tasks/T-1/", "2023-11-01"), ("tasks/T-1/", "2023-12-01"), ("tasks/T-1/", "2024-01-20"),
    # T-2: two history entries, still in progress after its deadline 2024-06-30: overdue the day after
    ("tasks/T-2/", "2022-03-01"), ("tasks/T-2/", "2024-05-01"), ("tasks/T-2/", "2024-07-01"),
    # N-1 (T-1's notice), period 2024-01-02 – 2024-01-10: opens, 3 days left (3rd-last day), ended (day after),
    # outcome decided 2024-01-15
    ("announcements/N-1/", "2024-01-02"), ("announcements/N-1/", "2024-01-08"), ("announcements/N-1/", "2024-01-11"),
    ("announcements/N-1/", "2024-01-15"),
    # round 2's batch 1, forwarded 2021-05-12; D2CS202105110001 updated 2021-09-30
    ("complaints/D2CS202105110001/", "2021-05-12"), ("complaints/D2CS202105110001/", "2021-09-30"),
    ("complaints/X2CS202105100002/", "2021-05-12"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/rounds with a site address (feeds are written only with one) and a round-3 short name
    that carries markup, built once."""
    root = tmp_path_factory.mktemp("feeds-rounds")
    content = root / "content"
    shutil.copytree(ROUNDS, content)
    edit(content, "site.yaml", "sample: true\n", f"sample: true\nsite_url: {BASE}/\n")
    edit(content, "inspections/r3.yaml", "short: 第三轮\n", f"short: {SHORT3}\n")
    result = build(content, root / "output")
    assert result.code == 0, result.err
    return root / "output"


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    return parsed


def local_time(stamp: str, fmt: str) -> dt.datetime:
    """An Atom (RFC 3339) or RSS (RFC 822) time as written, with its offset."""
    return dt.datetime.fromisoformat(stamp) if fmt == "atom" else email.utils.parsedate_to_datetime(stamp)


def entries(parsed: feedparser.FeedParserDict, fmt: str) -> set[tuple[str, str]]:
    """(the item's page relative to the site, the entry's date in Shanghai) of every entry; each must be unique
    and dated at 00:00 +08:00."""
    out = []
    for e in parsed.entries:
        assert e.link.startswith(f"{BASE}/"), e.link
        when = local_time(e.published, fmt)
        assert when.utcoffset() == dt.timedelta(hours=8) and when.time() == dt.time(0), e.published
        out.append((e.link[len(BASE) + 1 :], when.date().isoformat()))
    assert len(out) == len(set(out)), out
    return set(out)


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def resolve(site: Path, url: str, href: str) -> Path:
    """The file a relative link on the page at ``url`` points to."""
    target = (site / url / href).resolve()
    assert target.is_relative_to(site.resolve()), href
    return target


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_each_round_has_its_own_events_and_none_of_the_other_round(site: Path, fmt: str) -> None:
    r3 = parse(site / f"feeds/inspections/r3.{fmt}.xml")
    r2 = parse(site / f"feeds/inspections/r2.{fmt}.xml")
    assert entries(r3, fmt) == ROUND3
    assert entries(r2, fmt) == ROUND2
    # round 2's close-out of T-1 is in round 2's feed only, though R3-1 takes T-1 up again
    closing = [e for e in r2.entries if e.link == f"{BASE}/tasks/T-1/" and e.title.startswith("[已销号]")]
    assert len(closing) == 1
    assert not any(e.link == f"{BASE}/tasks/T-1/" for e in r3.entries)
    forwarded = sorted(e.title for e in r3.entries if "第1批交办]" in e.title)
    assert [t.split()[1] for t in forwarded] == ["D3CS202506010001", "D3CS202506010002"]
    # a feed names its inspection as text; the Atom feed links to the inspection's page (an RSS channel's
    # <link> is feedgen's last link, the feed itself, in every feed of the site)
    if fmt == "atom":
        assert r3.feed.link == f"{BASE}/inspections/r3/" and r2.feed.link == f"{BASE}/inspections/r2/"
    assert r3.feed.title.startswith(SHORT3) and r2.feed.title.startswith("第二轮")


def test_times_are_midnight_in_shanghai_and_a_feed_is_as_new_as_its_newest_entry(site: Path) -> None:
    for name, newest in (("r3", "2026-05-20"), ("r2", "2024-07-01")):
        text = (site / f"feeds/inspections/{name}.atom.xml").read_text(encoding="utf-8")
        stamps = re.findall(r"<(?:updated|published)>([^<]+)<", text)
        assert stamps and all(s.endswith("T00:00:00+08:00") for s in stamps), stamps
        assert parse(site / f"feeds/inspections/{name}.atom.xml").feed.updated == f"{newest}T00:00:00+08:00"
        rss = (site / f"feeds/inspections/{name}.rss.xml").read_text(encoding="utf-8")
        assert all(s.endswith("+0800") for s in re.findall(r"<(?:pubDate|lastBuildDate)>([^<]+)<", rss))


def test_markup_in_an_inspection_name_stays_text(site: Path) -> None:
    atom = ET.parse(site / "feeds/inspections/r3.atom.xml").getroot()
    title = atom.find("{http://www.w3.org/2005/Atom}title")
    assert title is not None and len(title) == 0 and (title.text or "").startswith(SHORT3)  # text, no <b> element
    soup = page(site, "inspections/r3")
    assert any(link["title"].startswith(SHORT3) for link in soup.find_all("link", rel="alternate"))
    box = soup.select_one("main aside.subscribe")
    assert box is not None and box.find("b") is None and f"「{SHORT3}整改动态」" in box.get_text()


@pytest.mark.parametrize("name", ["r2", "r3"])
def test_the_inspection_page_names_its_feed_in_the_head_and_in_view(site: Path, name: str) -> None:
    url = f"inspections/{name}/"
    soup = page(site, url)
    head = {link["type"]: resolve(site, url, link["href"]) for link in soup.find_all("link", rel="alternate")
            if "inspections" in link["href"]}
    assert head == {"application/atom+xml": (site / f"feeds/inspections/{name}.atom.xml").resolve(),
                    "application/rss+xml": (site / f"feeds/inspections/{name}.rss.xml").resolve()}
    box = soup.select_one("main aside.subscribe")
    assert box is not None
    shown = {resolve(site, url, a["href"]) for a in box.find_all("a", class_="feed-link")}
    assert shown == set(head.values()) and all(p.is_file() for p in shown)


def test_the_feeds_page_and_the_opml_file_list_every_round(site: Path) -> None:
    soup = page(site, "feeds")
    section = soup.select_one('section[aria-labelledby="inspections-heading"]')
    assert section is not None
    rows = section.find_all("li")
    # latest first, as the list of inspections; each row links the inspection's page and both formats
    assert [li.a.get_text(strip=True) for li in rows] == ["第三轮中央生态环境保护督察", "第二轮中央生态环境保护督察"]
    for li, name in zip(rows, ["r3", "r2"], strict=True):
        linked = {resolve(site, "feeds/", a["href"]) for a in li.find_all("a")}
        assert linked == {(site / f"inspections/{name}/index.html").parent.resolve(),
                          (site / f"feeds/inspections/{name}.atom.xml").resolve(),
                          (site / f"feeds/inspections/{name}.rss.xml").resolve()}
        assert all(p.exists() for p in linked)
    opml = ET.parse(site / "feeds/all.opml").getroot()
    group = [o for o in opml.iter("outline") if o.get("text") == "督察轮次"]
    assert len(group) == 1
    assert sorted(urlsplit(o.get("xmlUrl", "")).path for o in group[0]) == ["/portal/feeds/inspections/r2.atom.xml",
                                                                          "/portal/feeds/inspections/r3.atom.xml"]


def test_the_short_opml_file_lists_both_provinces_and_their_cities_but_no_district(site: Path) -> None:
    """tests/fixtures/rounds/regions.yaml: two provinces, 测试省 (990000) with 甲市 (990100) and 乙市 (990200), and
    邻省 (980000) with 丙市 (980100); 甲市东区 (990102) is a district, a level too deep for the short list."""
    body = ET.parse(site / "feeds/main.opml").getroot().find("body")
    assert body is not None
    groups = {g.get("text"): [urlsplit(o.get("xmlUrl", "")).path for o in g] for g in body}
    assert list(groups) == ["全站", "督察轮次", "地区"]
    assert groups["全站"] == [f"/portal/feeds/{name}.atom.xml" for name in ("all", "announcements", "closed", "overdue")]
    assert groups["督察轮次"] == ["/portal/feeds/inspections/r2.atom.xml", "/portal/feeds/inspections/r3.atom.xml"]
    assert sorted(groups["地区"]) == sorted(f"/portal/feeds/regions/{code}.atom.xml"
                                          for code in ("990000", "990100", "990200", "980000", "980100"))
    for path in (p for paths in groups.values() for p in paths):
        assert (site / path.removeprefix("/portal/")).is_file(), path

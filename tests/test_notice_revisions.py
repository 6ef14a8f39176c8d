"""Corrections of a published close-out notice (更正记录, ``revisions``) and what a calendar app sees of them:
the notice page lists them, the calendar file counts them in SEQUENCE and is stamped (DTSTAMP, LAST-MODIFIED)
at the last one, or without any at the notice's publication date (发布日期: the first day of its period), never
later than the build's as-of day. Rules: docs/notices.md ("Calendar files") and docs/content-format.md
(Revision). The content is tests/fixtures/mini with two notices added for task T-2 (in progress)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import icalendar
import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, MINI, build, check

from generator.derive.state import derive
from generator.load.reader import load
from generator.render import ics

# As of 2026-11-01 (conftest.AS_OF): N-2 opens in nine days (upcoming) and was never corrected; N-3 has been open
# since 2026-10-25 and was corrected twice, on 2026-10-26 and 2026-10-28.
N2 = """id: N-2
title: 测试省第2项整改任务完成情况公示
tasks: [T-2]
period: {start: 2026-11-10, end: 2026-11-20}
summary: 园区治理已完成。
"""
N3 = """id: N-3
title: 测试省第2项整改任务阶段性完成情况公示
tasks: [T-2]
period: {start: 2026-10-25, end: 2026-11-05}
summary: 园区一期治理已完成。
revisions:
  - date: 2026-10-26
    note: 更正联系电话
  - date: 2026-10-28
    note: |-
      补充佐证材料说明。
      原文“二期”应为“一期”。
"""
SHANGHAI_MIDNIGHT_IN_UTC = dt.time(16, 0, tzinfo=dt.UTC)  # 00:00 +08:00 is 16:00 UTC of the day before


def utc_midnight_before(day: dt.date) -> dt.datetime:
    """00:00 of ``day`` in Shanghai, written in UTC: 16:00 of the day before."""
    return dt.datetime.combine(day - dt.timedelta(days=1), SHANGHAI_MIDNIGHT_IN_UTC)


def with_notices(root: Path) -> Path:
    content = root / "content"
    shutil.copytree(MINI, content)
    (content / "announcements" / "N-2.yaml").write_text(N2, encoding="utf-8")
    (content / "announcements" / "N-3.yaml").write_text(N3, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return with_notices(tmp_path_factory.mktemp("revisions"))


@pytest.fixture(scope="module")
def site(content: Path) -> Path:
    output = content.parent / "output"
    result = build(content, output, AS_OF)
    assert result.code == 0, result.err
    return output


def events(path: Path) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    found = cal.walk("VEVENT")
    assert len(found) == 2  # the last day to object, and the whole period
    return found


def test_an_upcoming_notice_is_not_stamped_after_the_as_of_day(site: Path) -> None:
    as_of = dt.date.fromisoformat(AS_OF)
    raw = (site / "announcements" / "N-2" / "N-2.ics").read_bytes()
    for event in events(site / "announcements" / "N-2" / "N-2.ics"):
        stamp = event.decoded("dtstamp")
        # publication date 2026-11-10 is after the as-of day 2026-11-01: stamped at the start of the as-of day
        assert stamp == utc_midnight_before(as_of) == dt.datetime(2026, 10, 31, 16, 0, tzinfo=dt.UTC)
        assert stamp <= dt.datetime.combine(as_of, dt.time(0, 0), tzinfo=dt.UTC)
        assert event.decoded("last-modified") == stamp
        assert int(event["sequence"]) == 0  # never corrected
    assert raw.count(b"DTSTAMP:20261031T160000Z\r\n") == 2  # in UTC, as RFC 5545 wants for DTSTAMP
    assert raw.count(b"SEQUENCE:0\r\n") == 2


def test_a_notice_corrected_twice_has_sequence_2_and_is_stamped_at_the_last_correction(site: Path) -> None:
    raw = (site / "announcements" / "N-3" / "N-3.ics").read_bytes()
    for event in events(site / "announcements" / "N-3" / "N-3.ics"):
        assert int(event["sequence"]) == 2
        assert event.decoded("dtstamp") == event.decoded("last-modified") == dt.datetime(2026, 10, 27, 16, 0, tzinfo=dt.UTC)
        description = str(event["description"])
        assert "已更正 2 次" in description and "2026年10月28日" in description
    assert raw.count(b"DTSTAMP:20261027T160000Z\r\n") == 2 and raw.count(b"SEQUENCE:2\r\n") == 2


def test_calendars_depend_on_content_and_as_of_only(site: Path, content: Path) -> None:
    """Two independent loads give the built file byte for byte, and once the notice is published (and past its
    last correction) a later build date changes nothing; before that, only the stamp moves with the as-of day."""
    def calendar(notice_id: str, as_of: str) -> bytes:
        portal = derive(load(content), dt.date.fromisoformat(as_of))
        notice = next(n for n in portal.notices if n.ann.id == notice_id)
        return ics.calendar(notice, portal.content.site, "", portal.as_of)

    for notice_id in ("N-2", "N-3"):
        built = (site / "announcements" / notice_id / f"{notice_id}.ics").read_bytes()
        assert calendar(notice_id, AS_OF) == built == calendar(notice_id, AS_OF)
    assert calendar("N-3", "2026-11-03") == calendar("N-3", "2026-11-05") == calendar("N-3", AS_OF)
    # N-2 without corrections: stamped at the as-of day until its first day (2026-11-10), then at that day
    stamps = {as_of: {e.decoded("dtstamp") for e in icalendar.Calendar.from_ical(calendar("N-2", as_of)).walk("VEVENT")}
              for as_of in ("2026-11-05", "2026-11-10", "2026-11-15")}
    assert stamps == {"2026-11-05": {dt.datetime(2026, 11, 4, 16, 0, tzinfo=dt.UTC)},
                      "2026-11-10": {dt.datetime(2026, 11, 9, 16, 0, tzinfo=dt.UTC)},
                      "2026-11-15": {dt.datetime(2026, 11, 9, 16, 0, tzinfo=dt.UTC)}}
    assert calendar("N-2", "2026-11-10") == calendar("N-2", "2026-11-15")


def test_the_notice_page_lists_its_corrections(site: Path) -> None:
    soup = BeautifulSoup((site / "announcements" / "N-3" / "index.html").read_text(encoding="utf-8"), "html.parser")
    section = soup.find("section", attrs={"aria-labelledby": "revisions-heading"})
    assert section is not None and section.find("h2").get_text(strip=True) == "更正记录"
    items = section.find_all("li")
    assert [li.find("time")["datetime"] for li in items] == ["2026-10-26", "2026-10-28"]
    assert [li.find("time").get_text(strip=True) for li in items] == ["2026年10月26日", "2026年10月28日"]
    assert items[0].find(class_="revision-note").get_text() == "更正联系电话"
    assert items[1].find(class_="revision-note").get_text() == "补充佐证材料说明。\n原文“二期”应为“一期”。"
    header = " ".join(soup.find("header", class_="item-header").get_text(" ").split())
    assert "已更正 2 次" in header and "2026年10月28日" in header
    assert soup.find("header", class_="item-header").find("a", href="#revisions-heading")
    # a notice never corrected shows no such section
    plain = BeautifulSoup((site / "announcements" / "N-2" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert plain.find(id="revisions-heading") is None and "更正" not in plain.find("header", class_="item-header").get_text()


BAD_REVISIONS = [
    ("after-as-of", "  - date: 2026-10-28\n", "  - date: 2026-11-02\n",
     ["content/announcements/N-3.yaml:9: revisions[1].date: 2026-11-02 晚于数据日期 2026-11-01"]),
    ("empty-note", "    note: 更正联系电话\n", "    note: ''\n",
     ["content/announcements/N-3.yaml:8: revisions[0].note: 必须写明更正了什么", "提示："]),
    ("missing-note", "    note: 更正联系电话\n", "", ["content/announcements/N-3.yaml:7: revisions[0].note: 缺少必填字段",
                                                    "更正了什么"]),
    ("not-a-date", "  - date: 2026-10-26\n", "  - date: 10月26日\n",
     ["content/announcements/N-3.yaml:7: revisions[0].date: '10月26日' 不是日期"]),
]


@pytest.mark.parametrize("old, new, expected", [c[1:] for c in BAD_REVISIONS], ids=[c[0] for c in BAD_REVISIONS])
def test_bad_revisions_are_reported_with_file_line_and_field(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    content = with_notices(tmp_path)
    assert check(content).code == 0
    path = content / "announcements" / "N-3.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = check(content)
    assert result.code == 2
    for fragment in expected:
        assert fragment in result.err, result.err

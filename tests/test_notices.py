"""Close-out notices open for public comment (验收销号公示): state and days left before, during, on the
last day of and after a notice period; lists; calendar files; prefilled e-mail links; 报告数据错误;
the close-out rules; and, in a real headless Chromium, the script that keeps a page built while a
notice was open from claiming it is still open."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import icalendar
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE, build, edit, local_page, portal

from generator.load.reader import load

SITE_URL = "https://jiangchuan.example.org/zhenggai"  # site_url of the sample, without the slash
NOTICE = "N-2026-005"  # sample: 2026-11-10 … 2026-11-23, task R2-29, no outcome
NOTICE_TITLE = "江川省第二轮中央生态环境保护督察反馈问题第29项整改任务完成情况公示"


def soup_of(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def words(el) -> str:  # type: ignore[no-untyped-def]
    return " ".join(el.get_text(" ").split())


def mail_parts(href: str) -> tuple[str, str, str]:
    """(address, subject, body) of a mailto: URL, decoded as a mail client would."""
    parts = urlsplit(href)
    assert parts.scheme == "mailto", href
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    return unquote(parts.path), query["subject"][0], query.get("body", [""])[0]


@pytest.fixture(scope="module")
def sample_at(tmp_path_factory: pytest.TempPathFactory, sample_site: Path):  # type: ignore[no-untyped-def]
    """The sample site built as of a date (each date built once)."""
    built: dict[str, Path] = {AS_OF: sample_site}

    def get(as_of: str) -> Path:
        if as_of not in built:
            output = tmp_path_factory.mktemp(f"sample-{as_of}") / "output"
            result = build(SAMPLE, output, as_of)
            assert result.code == 0, result.err
            built[as_of] = output
        return built[as_of]

    return get


# --- state and days left, as of the build date ------------------------------------------------------

# (as of, state, label, days counted on pages that carry the data date, what pages that do not carry it say instead:
# the notice's page and its task's, which notice.js counts on, so that a new day's build leaves them unchanged)
STATES = [
    ("2026-11-01", "upcoming", "即将公示", "9 天后开始公示", "2026年11月10日开始公示"),
    ("2026-11-15", "open", "正在公示", "还剩 9 天（含今天）", "2026年11月23日是提出异议的最后一天"),
    ("2026-11-23", "open", "正在公示", "今天是公示最后一天", "2026年11月23日是提出异议的最后一天"),
    ("2026-11-24", "closed", "公示已结束", "公示已于 2026年11月23日 结束", "公示已于 2026年11月23日 结束"),
]


@pytest.mark.parametrize("as_of, state, label, days, undated", STATES, ids=["before", "during", "last-day", "after"])
def test_notice_page_states_its_state_days_and_period(sample_at, as_of: str, state: str, label: str, days: str,  # type: ignore[no-untyped-def]
                                                      undated: str) -> None:
    site = sample_at(as_of)
    soup = soup_of(site, f"announcements/{NOTICE}")
    box = soup.find(class_="state-box")
    text = words(box)
    assert label in text and undated in text, text
    assert not re.search("天后|还剩|今天是", text), text
    assert not ({"即将公示", "正在公示", "公示已结束"} - {label}) & set(re.findall("即将公示|正在公示|公示已结束", text))
    assert f"state-{state}" in box["class"]
    assert "公示期： 2026年11月10日 至 2026年11月23日" in text and "共 14 天" in text
    # the data the script recomputes from; the data date is not in the page but in data/as-of.js, which it loads
    holder = soup.find(attrs={"data-notice-id": NOTICE})
    assert (holder["data-notice-start"], holder["data-notice-end"], holder["data-notice-state"]) == (
        "2026-11-10", "2026-11-23", state)
    assert not holder.has_attr("data-notice-as-of")
    assert box.find(attrs={"data-notice-basis": True}).find("time") is None
    own = soup.find(class_="data-date").find("time")  # the day the notice last changed: its first day (none yet)
    assert (own is None) == (state == "upcoming") and (own is None or own["datetime"] == "2026-11-10")
    assert f'"iso": "{as_of}"' in (site / "data" / "as-of.js").read_text(encoding="utf-8")
    assert soup.find("script", src=re.compile(r"data/as-of\.js$")) is not None
    # the outcome is pending until decided
    outcome = words(soup.find(class_="outcome-section"))
    assert ("公示结果尚未公布" in outcome) == (state == "closed")
    # a calendar only while one can still object
    ics = site / "announcements" / NOTICE / f"{NOTICE}.ics"
    links = [a for a in soup.find_all("a", class_="calendar-link") if not a.has_attr("hidden")]
    assert ics.is_file() == (state != "closed") == bool(links)


@pytest.mark.parametrize("as_of, state, label, days, undated", STATES, ids=["before", "during", "last-day", "after"])
def test_lists_and_task_page_follow_the_state(sample_at, as_of: str, state: str, label: str, days: str,  # type: ignore[no-untyped-def]
                                              undated: str) -> None:
    site = sample_at(as_of)
    home = soup_of(site, "")
    on_home = [a["href"] for a in home.find(class_="open-notices").find_all("a", class_="notice-title")]
    assert any(f"announcements/{NOTICE}/" in h for h in on_home) == (state == "open"), on_home

    listing = soup_of(site, "announcements")
    item = listing.find("li", attrs={"data-notice-id": NOTICE})
    assert item.find_parent("ul")["data-notice-list"] == state
    assert label in words(item) and days in words(item)

    task = soup_of(site, "tasks/R2-29")
    notice_item = task.find("li", attrs={"data-notice-id": NOTICE})
    assert label in words(notice_item) and undated in words(notice_item)


def test_open_notices_soonest_deadline_first_then_upcoming_and_closed(sample_site: Path) -> None:
    def ids(ul) -> list[str]:  # type: ignore[no-untyped-def]
        return [li["data-notice-id"] for li in ul.find_all("li", class_="notice-item")]

    home = soup_of(sample_site, "")
    assert ids(home.find("ul", attrs={"data-notice-list": "open"})) == ["N-2026-003", "N-2026-004"]
    first = home.find("li", attrs={"data-notice-id": "N-2026-003"})
    assert "正在公示" in words(first) and "今天是公示最后一天" in words(first)
    assert "还剩 9 天（含今天）" in words(home.find("li", attrs={"data-notice-id": "N-2026-004"}))
    assert ids(home.find("ul", attrs={"data-notice-list": "upcoming"})) == ["N-2026-005"]

    listing = soup_of(sample_site, "announcements")
    open_ul, upcoming_ul, closed_ul = (listing.find("ul", attrs={"data-notice-list": s}) for s in ("open", "upcoming", "closed"))
    assert ids(open_ul) == ["N-2026-003", "N-2026-004"]
    assert ids(upcoming_ul) == ["N-2026-005"]
    closed = ids(closed_ul)
    # 22 notices in content/announcements/, 2 open and 1 upcoming; the earliest ended is round 1's N-2018-001
    assert len(closed) == 19 and closed[0] == "N-2026-002" and closed[-1] == "N-2018-001"
    # sections come in this order, each with its count in words
    headings = [h.get_text() for h in listing.find("main").find_all("h2")]
    assert headings[:3] == ["正在公示", "即将公示", "已结束"]
    counts = {el["data-notice-count"]: el.get_text() for el in listing.find_all(attrs={"data-notice-count": True})}
    assert counts == {"open": "2 项", "upcoming": "1 项", "closed": "19 项"}
    # a notice that has ended but has no outcome yet says so
    assert "公示结果：尚未公布" in words(listing.find("li", attrs={"data-notice-id": "N-2026-002"}))


# --- the notice page: tasks, what was done, acceptance, evidence, outcome, how to object -------------

def test_notice_page_discloses_everything_needed_to_object(sample_site: Path) -> None:
    soup = soup_of(sample_site, "announcements/N-2023-002")
    text = words(soup.find("main"))
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    assert any(h.endswith("tasks/R2-03/") for h in hrefs)
    for fragment in ("整改完成情况", "库存渗滤液清零", "验收单位 省住房城乡建设厅", "验收日期 2023年6月15日", "验收意见",
                     "公示期内未收到异议", "公示已于 2023年7月4日 结束"):
        assert fragment in text, fragment
    evidence = words(soup.find("section", attrs={"aria-labelledby": "docs-heading"}))
    documents = {d["id"]: d for d in yaml.safe_load((SAMPLE / "documents.yaml").read_text(encoding="utf-8"))}
    for doc_id in ("doc-006", "doc-007"):
        assert documents[doc_id]["number"] in evidence
    assert f"SHA-256： {documents['doc-007']['sha256']}" in evidence
    # how to object: phone, e-mail with a prefilled subject, postal address, what to include
    objection = soup.find("section", class_="objection")
    said = words(objection)
    assert "0999-12345678" in said and "江川市城关区示范路1号（示例地址）" in said
    assert objection.find("a", href="tel:0999-12345678")
    for label in ("涉及的整改任务", "存在的问题", "证据", "联系方式"):
        assert label in said
    address, subject, body = mail_parts(objection.find("a", class_="mail-prefilled")["href"])
    title = soup.find("h1").get_text(strip=True)
    assert address == "zhenggai@example.gov.cn"
    assert subject == f"销号公示异议：N-2023-002 {title}"
    assert f"公示页面：{SITE_URL}/announcements/N-2023-002/" in body
    assert "第3项" in body and "\r\n" in body


def test_outcomes_rejected_with_reasons_and_upheld_with_reopened_task(sample_site: Path) -> None:
    rejected = words(soup_of(sample_site, "announcements/N-2025-001").find(class_="outcome-section"))
    assert "收到异议，经核查不成立" in rejected and "异议不成立的理由" in rejected and "异议不成立" in rejected

    upheld = soup_of(sample_site, "announcements/N-2024-001").find(class_="outcome-section")
    text = words(upheld)
    assert "异议成立，重新整改" in text and "不予销号" in text
    link = upheld.find("a", href=re.compile(r"tasks/R2-13/$"))
    assert link and "第13项" in link.get_text()
    assert upheld.find("time", attrs={"datetime": "2024-02-05"})  # the task's 'reopened' entry
    assert "重新整改" in words(link.parent) or "整改中" in words(link.parent)


def test_closeout_exception_reason_is_shown_on_the_task_page(sample_site: Path) -> None:
    soup = soup_of(sample_site, "tasks/R2-11")
    reason = "该问题已并入第12项整改任务统一验收销号，不再单独公示"
    assert reason in words(soup.find(class_="alert-exception")) and "例外销号" in words(soup.find("header", class_="item-header"))
    assert reason in words(soup.find(class_="closeout-exception"))


def test_task_page_shows_its_notices_and_their_state(sample_site: Path) -> None:
    soup = soup_of(sample_site, "tasks/R2-13")
    item = soup.find("li", attrs={"data-notice-id": "N-2024-001"})
    assert "公示已结束" in words(item) and "异议成立，重新整改" in words(item)
    soup = soup_of(sample_site, "tasks/R2-25")
    assert "正在公示" in words(soup.find("li", attrs={"data-notice-id": "N-2026-004"}))


# --- 报告数据错误 ---------------------------------------------------------------------------------------

def _error_report(soup: BeautifulSoup, address: str = "江川市城关区示范路1号（示例地址）") -> tuple[str, str, str, str]:
    section = soup.find("section", class_="report-error")
    assert section and section.find("h2").get_text() == "报告数据错误"
    said = words(section)
    assert "0999-12345678" in said and address in said
    return (*mail_parts(section.find("a", class_="mail-prefilled")["href"]), said)


def test_every_task_complaint_and_notice_page_offers_to_report_a_data_error(sample_site: Path) -> None:
    content = load(SAMPLE)
    items = {
        "tasks": ("整改任务", [t.id for t in content.tasks]),
        "complaints": ("信访举报", [c.ref for b in content.batches for c in b.complaints]),
        "announcements": ("销号公示", [a.id for a in content.announcements]),
    }
    checked = 0
    for folder, (kind, ids) in items.items():
        for item_id in ids:
            page = sample_site / folder / item_id / "index.html"
            address, subject, body, said = _error_report(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"))
            url = f"{SITE_URL}/{folder}/{item_id}/"
            assert address == "zhenggai@example.gov.cn"
            assert subject == f"报告数据错误：{kind} {item_id}", subject
            assert f"页面：{url}" in body and f"编号：{item_id}" in body
            assert url in said
            checked += 1
    assert checked >= 45 + 330 + 18


def test_without_site_url_the_mail_carries_the_page_path(mini: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(mini, site).code == 0
    _, subject, body, _said = _error_report(soup_of(site, "tasks/T-1"), "测试市人民路1号")
    assert subject == "报告数据错误：整改任务 T-1"
    assert "页面：tasks/T-1/" in body and "http" not in body
    _, subject, body, _ = _error_report(soup_of(site, "complaints/D2CS202105110001"), "测试市人民路1号")
    assert subject == "报告数据错误：信访举报 D2CS202105110001" and "页面：complaints/D2CS202105110001/" in body


def _pending(mini: Path) -> Path:
    """The mini content while its notice N-1 (2024-01-02 … 2024-01-10) is open: nothing after it happened yet."""
    edit(mini, "tasks/T-1.yaml", T1_CLOSED, "")
    edit(mini, "tasks/T-2.yaml", "  - {date: 2024-05-01, status: in_progress, note: 进度滞后, on_schedule: false}\n", "")
    path = mini / "announcements" / "N-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").split("outcome:")[0], encoding="utf-8")
    return mini


def test_mail_subject_survives_any_title_and_nothing_is_unescaped(mini: Path, tmp_path: Path) -> None:
    _pending(mini)
    title = '测试 & <b>"公示"</b> #1 ?a=b 100% +号'
    path = mini / "announcements" / "N-1.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", "title: '" + title.replace("'", "''") + "'", text, count=1, flags=re.MULTILINE), encoding="utf-8")
    site = tmp_path / "site"
    assert build(mini, site, "2024-01-05").code == 0
    soup = soup_of(site, "announcements/N-1")
    assert soup.find("h1").get_text() == title and not soup.find("h1").find("b")
    _, subject, body, = mail_parts(soup.find("section", class_="objection").find("a", class_="mail-prefilled")["href"])
    assert subject == f"销号公示异议：N-1 {title}"
    assert f"公示名称：{title}" in body and "页面：announcements/N-1/" in body
    raw = (site / "announcements" / "N-1" / "index.html").read_text(encoding="utf-8")
    assert "<b>" not in raw
    calendar = icalendar.Calendar.from_ical((site / "announcements" / "N-1" / "N-1.ics").read_bytes())
    assert str(calendar.walk("VEVENT")[0]["summary"]).endswith(title)


# --- calendar files --------------------------------------------------------------------------------------

def test_calendar_has_the_last_day_to_object_and_the_period(sample_site: Path) -> None:
    path = sample_site / "announcements" / NOTICE / f"{NOTICE}.ics"
    raw = path.read_bytes()
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 line folding
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["version"]) == "2.0" and cal["prodid"]
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"{NOTICE}-deadline@jiangchuan.example.org", f"{NOTICE}-period@jiangchuan.example.org"}
    deadline = events[f"{NOTICE}-deadline@jiangchuan.example.org"]
    assert deadline.decoded("dtstart") == dt.date(2026, 11, 23)  # an all-day event on the last day
    assert deadline.decoded("dtend") == dt.date(2026, 11, 24)
    assert NOTICE_TITLE in str(deadline["summary"]) and "异议截止" in str(deadline["summary"])
    assert str(deadline["url"]) == f"{SITE_URL}/announcements/{NOTICE}/"
    description = str(deadline["description"])
    assert "0999-12345678" in description and "zhenggai@example.gov.cn" in description
    period = events[f"{NOTICE}-period@jiangchuan.example.org"]
    assert (period.decoded("dtstart"), period.decoded("dtend")) == (dt.date(2026, 11, 10), dt.date(2026, 11, 24))
    # DTSTAMP is not the clock: the notice was never corrected, so it is its publication date (the first day,
    # 2026-11-10) at 00:00 in Shanghai; but that is after the build's as-of day (2026-11-01), and a stamp never
    # lies in the future, so it is the start of the as-of day, 2026-11-01 00:00 +08:00; SEQUENCE: no correction
    for event in events.values():
        assert event.decoded("dtstamp") == event.decoded("last-modified") == dt.datetime(2026, 10, 31, 16, 0, tzinfo=dt.UTC)
        assert int(event["sequence"]) == 0
    # linked from the notice page, the lists and the task page
    for url in (f"announcements/{NOTICE}", "announcements", "", "tasks/R2-29"):
        links = soup_of(sample_site, url).find_all("a", href=re.compile(rf"announcements/{NOTICE}/{NOTICE}\.ics$"))
        assert links, url


def test_calendar_is_the_same_whatever_the_build_date_once_published(sample_at) -> None:  # type: ignore[no-untyped-def]
    name = f"announcements/{NOTICE}/{NOTICE}.ics"
    # from the first day (2026-11-10) on, stamped at that day: the build date changes nothing
    assert (sample_at("2026-11-15") / name).read_bytes() == (sample_at("2026-11-23") / name).read_bytes()
    # before it, only the stamp differs: the as-of day (2026-11-01) instead of the first day
    upcoming = (sample_at("2026-11-01") / name).read_bytes()
    stamps = b"DTSTAMP:20261031T160000Z\r\n", b"LAST-MODIFIED:20261031T160000Z\r\n"
    published = b"DTSTAMP:20261109T160000Z\r\n", b"LAST-MODIFIED:20261109T160000Z\r\n"
    assert all(upcoming.count(s) == 2 for s in stamps)
    moved = upcoming.replace(stamps[0], published[0]).replace(stamps[1], published[1])
    assert moved == (sample_at("2026-11-15") / name).read_bytes()
    assert not (sample_at("2026-11-24") / name).exists()
    assert sorted(p.name for p in sample_at(AS_OF).rglob("*.ics")) == ["N-2026-003.ics", "N-2026-004.ics", "N-2026-005.ics"]


# --- rules -------------------------------------------------------------------------------------------------

T1_CLOSED = "  - {date: 2024-01-20, status: closed, announcement: N-1}\n"

RULES = [
    ("period-shorter-than-notice-min-days",
     [("site.yaml", "notice_min_days: 5", "notice_min_days: 10")],
     ["content/announcements/N-1.yaml:4: period.end: 公示期为 9 天；至少需要 10 天",
      "content/tasks/T-1.yaml:18: history[3].announcement: 已销号，但没有一份公示符合销号规则（N-1：公示期只有 9 天，少于 10 天）"]),
    ("outcome-on-the-last-day",
     [("announcements/N-1.yaml", "decided_on: 2024-01-15", "decided_on: 2024-01-10")],
     ["content/announcements/N-1.yaml:9: outcome.decided_on: 认定日期 2024-01-10 不晚于公示期的最后一天（2024-01-10）"]),
    ("closed-while-notice-open",
     [("tasks/T-1.yaml", "date: 2024-01-20, status: closed", "date: 2024-01-06, status: closed")],
     ["content/tasks/T-1.yaml:18: history[3].date: 2024-01-06 销号时，公示 N-1 仍在公示期内（2024-01-02 至 2024-01-10）"]),
    ("closed-on-the-last-day",
     [("tasks/T-1.yaml", "date: 2024-01-20, status: closed", "date: 2024-01-10, status: closed")],
     ["content/tasks/T-1.yaml:18: history[3].date: 2024-01-10 销号时，公示 N-1 仍在公示期内"]),
    ("closed-while-open-even-with-exception",
     [("tasks/T-1.yaml", "date: 2024-01-20, status: closed, announcement: N-1}", "date: 2024-01-06, status: closed, closeout_exception: 已并入其他任务}")],
     ["content/tasks/T-1.yaml:18: history[3].date: 2024-01-06 销号时，公示 N-1 仍在公示期内"]),
    ("upheld-without-reopened",
     [("announcements/N-1.yaml", "result: no_objection", "result: objection_upheld"), ("tasks/T-1.yaml", T1_CLOSED, "")],
     ["content/announcements/N-1.yaml:10: outcome.result: 异议成立，但任务 T-1 在 2024-01-15 当天或之后没有 'reopened' 记录"]),
    ("upheld-reopened-too-early",
     [("announcements/N-1.yaml", "result: no_objection", "result: objection_upheld"),
      ("tasks/T-1.yaml", T1_CLOSED, "  - {date: 2024-01-12, status: reopened}\n")],
     ["content/announcements/N-1.yaml:10: outcome.result: 异议成立，但任务 T-1 在 2024-01-15 当天或之后没有 'reopened' 记录"]),
    ("empty-closeout-exception",
     [("tasks/T-1.yaml", "announcement: N-1}", 'announcement: N-1, closeout_exception: ""}')],
     ["content/tasks/T-1.yaml:18: history[3].closeout_exception: 必须写明理由"]),
    ("blank-closeout-exception-instead-of-notice",
     [("tasks/T-1.yaml", "date: 2024-01-20, status: closed, announcement: N-1}", 'date: 2024-01-20, status: closed, closeout_exception: "   "}'),
      ("tasks/T-1.yaml", "status: accepted, note: 验收通过", "status: completed, note: 验收通过")],
     ["content/tasks/T-1.yaml:18: history[3].closeout_exception: 必须写明理由",
      "content/tasks/T-1.yaml:18: history[3].status: 'completed' 不能变为 'closed'"]),
    ("notice-from-before-reopening",
     [("tasks/T-1.yaml", T1_CLOSED, T1_CLOSED + "  - {date: 2024-03-01, status: reopened, note: 问题反弹}\n"
                                   "  - {date: 2024-04-01, status: completed}\n"
                                   "  - {date: 2024-05-01, status: accepted}\n"
                                   "  - {date: 2024-06-01, status: closed, announcement: N-1}\n")],
     [("content/tasks/T-1.yaml:22: history[7].announcement: 已销号，但没有一份公示符合销号规则"
       "（N-1：公示期从 2024-01-02 开始，早于任务重新整改的日期 2024-03-01）")]),
]


@pytest.mark.parametrize("edits, expected", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_close_out_rules_name_file_line_and_field(mini: Path, tmp_path: Path, edits: list, expected: list[str]) -> None:
    for file, old, new in edits:
        edit(mini, file, old, new)
    checked = portal("check", "--content", mini, "--as-of", "2026-11-01")
    assert checked.code == 2, checked.err
    for line in expected:
        assert line in checked.err, checked.err
    assert all(re.match(r"^content/\S+:\d+: \S+: ", line) for line in checked.err.splitlines()
               if line and not line.startswith(("    提示：", " ")) and "未发布任何内容" not in line)
    built = build(mini, tmp_path / "out")
    assert built.code == 2 and not (tmp_path / "out").exists()


def test_upheld_objection_followed_by_reopened_is_fine_and_linked(mini: Path, tmp_path: Path) -> None:
    edit(mini, "announcements/N-1.yaml", "result: no_objection", "result: objection_upheld")
    edit(mini, "tasks/T-1.yaml", T1_CLOSED, "  - {date: 2024-01-16, status: reopened, note: 异议成立，重新整改}\n")
    site = tmp_path / "site"
    result = build(mini, site)
    assert result.code == 0, result.err
    outcome = soup_of(site, "announcements/N-1").find(class_="outcome-section")
    assert outcome.find("a", href=re.compile(r"tasks/T-1/$")) and outcome.find("time", attrs={"datetime": "2024-01-16"})
    assert "重新整改" in words(outcome)


# --- in a real browser: the page built while the notice was open, read later -------------------------------

def _open(browser, url: str, now: str, timezone: str = "America/Los_Angeles"):  # type: ignore[no-untyped-def]
    """A page at ``url`` with the browser's clock fixed at ``now`` (UTC) in a time zone far from Shanghai."""
    context, page, errors, foreign = local_page(browser, url, timezone_id=timezone, locale="zh-CN")
    page.clock.set_fixed_time(dt.datetime.fromisoformat(now))
    page.goto(url, wait_until="load")
    return context, page, errors, foreign


def _state(page, selector: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    el = page.locator(selector)
    return el.locator("[data-notice-label]").first.inner_text(), el.locator("[data-notice-days]").first.inner_text()


def test_browser_page_built_while_open_shows_closed_after_the_period(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    # 2026-11-20 10:00 in Shanghai: N-2026-004 (ended 11-09) is over, N-2026-005 (11-10 … 11-23) open
    context, page, errors, foreign = _open(browser, served + "announcements/N-2026-004/", "2026-11-20T02:00:00+00:00")
    try:
        box = page.locator(".state-box")
        assert "state-closed" in (box.get_attribute("class") or "")
        text = box.inner_text()
        assert "公示已结束" in text and "公示已于 2026年11月9日 结束" in text
        assert "正在公示" not in text and "还剩" not in text
        assert not page.locator(".calendar-link").first.is_visible()
        assert "2026年11月20日" in page.locator("[data-notice-basis]").inner_text()
        assert "数据截至 2026年11月1日" in page.locator("[data-notice-basis]").inner_text()
        assert "本公示已于 2026年11月9日 结束" in page.locator("section.objection").inner_text()
        assert "公示期已结束，公示结果尚未公布" in page.locator(".outcome-section").inner_text()
        assert page.locator("header .data-date").inner_text().strip().endswith("2026年11月1日")  # the build date stays visible

        page.goto(served, wait_until="load")
        open_list = page.locator('.open-notices ul[data-notice-list="open"] > li')
        assert open_list.evaluate_all("els => els.map(e => e.dataset.noticeId)") == ["N-2026-005"]
        assert _state(page, '.open-notices li[data-notice-id="N-2026-005"]') == ("正在公示", "还剩 4 天（含今天）")
        for ended in ("N-2026-003", "N-2026-004"):
            item = page.locator(f'li[data-notice-id="{ended}"]')
            assert item.is_visible() and _state(page, f'li[data-notice-id="{ended}"]')[0] == "公示已结束"
            assert item.evaluate("e => e.parentElement.dataset.noticeList") == "closed"
        visible = page.locator(".open-notices").inner_text()
        assert "本页生成后已结束的公示" in visible
        assert not page.locator(".upcoming-notices").is_visible()  # its only item has opened

        page.goto(served + "announcements/", wait_until="load")
        counts = {s: page.locator(f'[data-notice-count="{s}"]').inner_text() for s in ("open", "upcoming", "closed")}
        assert counts == {"open": "1 项", "upcoming": "0 项", "closed": "21 项"}  # 19 closed, then 2 ended
        closed_ids = page.locator('ul[data-notice-list="closed"] > li').evaluate_all("els => els.map(e => e.dataset.noticeId)")
        assert closed_ids[:3] == ["N-2026-004", "N-2026-003", "N-2026-002"]  # latest end first
        assert page.locator('[data-notice-empty="upcoming"]').is_visible()
        assert not page.locator('[data-notice-empty="open"]').is_visible()

        page.goto(served + "tasks/R2-25/", wait_until="load")
        assert _state(page, 'li[data-notice-id="N-2026-004"]')[0] == "公示已结束"
        assert errors == [] and foreign == []
    finally:
        context.close()


@pytest.mark.parametrize("now, expected", [
    ("2026-11-05T02:00:00+00:00", ("正在公示", "还剩 5 天（含今天）")),      # 2026-11-05 in Shanghai
    ("2026-11-09T15:59:00+00:00", ("正在公示", "今天是公示最后一天")),        # 23:59 on the last day in Shanghai
    ("2026-11-09T16:00:00+00:00", ("公示已结束", "公示已于 2026年11月9日 结束")),  # 00:00 the day after, still 11-09 in UTC
    ("2026-06-01T00:00:00+00:00", ("正在公示", "还剩 9 天（含今天）")),      # a clock before the build date: the build date counts
], ids=["during", "last-minute", "just-after", "clock-behind"])
def test_browser_counts_days_in_shanghai_whatever_the_browser_time_zone(browser, served: str, now: str, expected: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    context, page, errors, _ = _open(browser, served + "announcements/N-2026-004/", now)
    try:
        assert _state(page, "article.announcement") == expected
        state = "closed" if expected[0] == "公示已结束" else "open"
        assert f"state-{state}" in (page.locator(".state-box").get_attribute("class") or "")
        assert page.locator(".calendar-link").first.is_visible() == (state == "open")
        assert errors == []
    finally:
        context.close()


def test_browser_without_javascript_keeps_the_build_date_state(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served + "announcements/N-2026-004/", wait_until="load")
        text = page.locator(".state-box").inner_text()
        assert "正在公示" in text and "2026年11月9日是提出异议的最后一天" in text and "还剩" not in text
        assert "2026年10月27日" in text and "2026年11月9日" in text
        assert not page.locator("[data-site-date]").first.is_visible()  # the data date needs data/as-of.js
        assert page.locator(".calendar-link").first.is_visible()
        assert not page.get_by_text("本公示已于").is_visible()
    finally:
        context.close()

"""Issue 13, the load stage: every text and value that enters from content/ is clean and bounded
before any later stage sees it, so that `portal check` and `portal build` refuse the same things,
with a message naming file, line and field, and nothing later crashes.

Classes tested: invisible and bidi characters; characters XML 1.0 and RFC 5545 cannot carry (also
as YAML escapes); line breaks in single-line fields; e-mail, phone and URL fields and the links built
from them; calendar and feed text; YAML aliases and tags; numbers and dates; ids that become paths;
symbolic links and special files under content/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup
from conftest import MINI, REPO, build, check, edit, tree_digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

AS_OF = "2026-11-01"
SITE_URL = "https://test.example.org/portal/"


# -- helpers ------------------------------------------------------------------------------------

def q(text: str) -> str:
    """``text`` as a YAML double-quoted scalar of ASCII characters only: everything else as an escape,
    so any code point (a lone surrogate, NUL, U+FFFE) reaches the loader exactly as a YAML escape."""
    out = []
    for ch in text:
        cp = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif 0x20 <= cp < 0x7F:
            out.append(ch)
        elif cp <= 0xFFFF:
            out.append(f"\\u{cp:04x}")
        else:
            out.append(f"\\U{cp:08x}")
    return '"' + "".join(out) + '"'


def with_site_url(content: Path) -> Path:
    edit(content, "site.yaml", "publisher:", f"site_url: {SITE_URL}\npublisher:")
    return content


def add_upcoming_notice(content: Path, title: str = "第2项整改任务完成情况公示") -> None:
    """A notice for T-2 whose period is after the build date: it offers a calendar file."""
    (content / "announcements" / "N-2.yaml").write_text(
        f"id: N-2\ntitle: {q(title)}\ntasks: [T-2]\nperiod: {{start: 2026-11-10, end: 2026-11-20}}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """An output/ built once from the mini content, and its digest: bad builds must leave it so."""
    root = tmp_path_factory.mktemp("published")
    output = root / "output"
    result = build(MINI, output)
    assert result.code == 0, result.err
    shutil.copytree(output, root / "pristine", symlinks=True)
    return output, tree_digest(output)


def refused_everywhere(mini: Path, published: tuple[Path, dict[str, str]], fragments: list[str]) -> str:
    """Run check and build; both exit 2 with the same message containing every fragment, no
    traceback, and the published output unchanged. Returns the message."""
    output, before = published
    checked = check(mini)
    built = build(mini, output)
    try:
        for result in (checked, built):
            assert result.code == 2, result.err
            assert "Traceback" not in result.err + result.out
            assert "未发布任何内容" in result.err
            for fragment in fragments:
                assert fragment in result.err, (fragment, result.err)
        assert checked.err == built.err
        assert tree_digest(output) == before
    finally:
        if built.code == 0:  # a wrongly accepted build: put the published site back for the next test
            shutil.rmtree(output)
            shutil.copytree(output.parent / "pristine", output, symlinks=True)
    return checked.err


def message_line(err: str, file: str, field: str) -> str:
    """The first message line about ``field`` of ``content/<file>``."""
    for line in err.splitlines():
        if re.match(rf"content/{re.escape(file)}:\d+: {re.escape(field)}: ", line):
            return line
    raise AssertionError(f"no message for {file} {field}:\n{err}")


# -- characters ---------------------------------------------------------------------------------

# (file, text in the mini fixture, replacement with {v} for the YAML value, field named, multi-line)
FIELDS = [
    ("tasks/T-2.yaml", "title: 乙市某化工园区挥发性有机物治理不到位", "title: {v}", "title", False),
    ("tasks/T-2.yaml", "problem: 园区企业无组织排放突出。", "problem: {v}", "problem", True),
    ("tasks/T-2.yaml", "responsible_units: [乙市人民政府]", "responsible_units: [{v}]", "responsible_units[0]", False),
    ("tasks/T-2.yaml", "note: 开展排查}", "note: {v}}", "history[0].note", True),
    ("announcements/N-1.yaml", "title: 测试省第二轮中央生态环境保护督察反馈问题第1项整改任务完成情况公示", "title: {v}", "title", False),
    ("regions.yaml", "name: 乙市,", "name: {v},", "regions[3].name", False),
    ("site.yaml", "publisher: 测试省督察整改办公室", "publisher: {v}", "publisher", False),
    ("site.yaml", "address: 测试市人民路1号", "address: {v}", "contact.address", False),
    ("complaints/1.yaml", "summary: 某河道有污水直排。", "summary: {v}", "complaints[1].summary", True),
    ("documents.yaml", "number: 测环〔2021〕1号", "number: {v}", "documents[0].number", False),
    ("reports/2022-06.md", "title: 测试省整改进展情况（2022年6月）", "title: {v}", "title", False),
    ("pages/about.md", "title: 关于本站", "title: {v}", "title", False),
]

# Refused in every text field, as YAML escapes (and, where a UTF-8 file can hold them, written as is
# into Markdown bodies).
REFUSED = [
    "\u202e", "\u202a", "\u202d", "\u2066", "\u2067", "\u2069", "\u200e", "\u200f", "\u061c",  # bidi
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u2061", "\U000e0041", "\U000e0001",  # invisible (Cf)
    "\u3164", "\u115f", "\u034f",  # fillers that show as nothing
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9b", "\x9f",  # controls
    "\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff",  # noncharacters
    "\ud800", "\udbff", "\udc00", "\udfff",  # lone surrogates
    "\u2028", "\u2029",  # line and paragraph separators
]
# Refused only in single-line fields.
LINE_BREAKS = ["\n", "\r", "\r\n", "\t", "\n\n"]


def _apply_everywhere(content: Path, payload: str) -> None:
    for file, old, new, _, _ in FIELDS:
        edit(content, file, old, new.replace("{v}", q(f"甲{payload}乙")))


@pytest.mark.parametrize("payload", REFUSED, ids=[f"U+{ord(p):04X}" for p in REFUSED])
def test_refused_character_is_named_in_every_field(mini: Path, published, payload: str) -> None:  # type: ignore[no-untyped-def]
    _apply_everywhere(mini, payload)
    code = f"U+{ord(payload):04X}"
    err = refused_everywhere(mini, published, [code])
    for file, _, _, field, _ in FIELDS:
        line = message_line(err, file, field)
        assert code in line and "字符" in line, line
    assert f"content 中有 {len(FIELDS)} 处问题" in err
    assert payload not in err  # shown as an escape, never as itself


@pytest.mark.parametrize("payload", [p for p in REFUSED if p not in "\x00" and not 0xD800 <= ord(p) <= 0xDFFF],
                         ids=[f"U+{ord(p):04X}" for p in REFUSED if p not in "\x00" and not 0xD800 <= ord(p) <= 0xDFFF])
def test_refused_character_in_a_markdown_body_names_body_and_line(mini: Path, published, payload: str) -> None:  # type: ignore[no-untyped-def]
    (mini / "reports" / "2022-06.md").write_text(
        "---\ntitle: 报告\ndate: 2022-06-30\n---\n第一段。\n\n第二段" + payload + "内容。\n", encoding="utf-8")
    err = refused_everywhere(mini, published, ["content/reports/2022-06.md:7: body: ", f"U+{ord(payload):04X}", "第 4 个字符"])
    assert payload not in err


@pytest.mark.parametrize("payload", LINE_BREAKS, ids=["LF", "CR", "CRLF", "TAB", "LFLF"])
def test_line_breaks_are_refused_in_single_line_fields_only(mini: Path, published, payload: str) -> None:  # type: ignore[no-untyped-def]
    _apply_everywhere(mini, payload)
    single = [f for f in FIELDS if not f[4]]
    err = refused_everywhere(mini, published, ["这个字段只能写一行"])
    for file, _, _, field, _ in single:
        assert "只能写一行" in message_line(err, file, field)
    assert f"content 中有 {len(single)} 处问题" in err  # the multi-line fields took it


def test_multi_line_fields_keep_line_feeds_and_read_a_lone_cr_as_one(mini: Path) -> None:
    from generator.load.reader import load

    edit(mini, "tasks/T-2.yaml", "problem: 园区企业无组织排放突出。", "problem: " + q("第一行\r第二行\r\n第三行\n\n第四段\t表格"))
    edit(mini, "complaints/1.yaml", "summary: 某河道有污水直排。", "summary: " + q("某河道\r\n有污水直排。"))
    assert check(mini).code == 0
    content = load(mini)
    task = next(t for t in content.tasks if t.id == "T-2")
    assert task.problem == "第一行\n第二行\n第三行\n\n第四段\t表格"
    assert content.batches[0].complaints[1].summary == "某河道\n有污水直排。"


def test_a_raw_line_separator_in_a_file_is_refused_too(mini: Path, published) -> None:  # type: ignore[no-untyped-def]
    edit(mini, "tasks/T-2.yaml", "title: 乙市某化工园区", "title: 乙市\u2028某化工园区")
    edit(mini, "announcements/N-1.yaml", "summary: 新建处理站已投运。", "summary: 新建\u2029处理站已投运。")
    edit(mini, "tasks/T-1.yaml", "title: 甲市", "title: 甲市\x85")
    refused_everywhere(mini, published, ["content/tasks/T-2.yaml:3: 含有 Unicode 行分隔符 U+2028：第 10 个字符",
                                         "content/announcements/N-1.yaml:5: 含有 Unicode 行分隔符 U+2029：第 12 个字符",
                                         "content/tasks/T-1.yaml:3: 含有 Unicode 行分隔符 U+0085"])


@pytest.mark.parametrize("text", [
    "👨\u200d👩\u200d👧 家庭", "👩🏽\u200d🔬", "❤️\u200d🔥",  # emoji joined by U+200D stay
    "𠀀𪚥𰻞", "葛\U000e0100", "مرحبا", "עברית", "日本語かな", "한국어", "Ελληνικά", "x²", "ﬁ", "\u3000全角空格\u3000在中间",
], ids=["family", "skin-tone", "heart-fire", "astral-cjk", "ivs", "arabic", "hebrew", "japanese", "korean", "greek", "super", "ligature", "ideographic-space"])
def test_ordinary_text_of_every_script_is_accepted_and_shown(mini: Path, tmp_path: Path, text: str) -> None:
    edit(mini, "tasks/T-2.yaml", "title: 乙市某化工园区挥发性有机物治理不到位", "title: " + q(f"标题{text}"))
    result = check(mini)
    assert result.code == 0, result.err
    if text == "👨\u200d👩\u200d👧 家庭":  # one full build: the page shows exactly what was written
        assert build(mini, tmp_path / "site").code == 0
        soup = BeautifulSoup((tmp_path / "site" / "tasks" / "T-2" / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert soup.find("h1").get_text() == f"第2项 标题{text}"


def test_a_zero_width_joiner_between_letters_is_refused(mini: Path, published) -> None:  # type: ignore[no-untyped-def]
    edit(mini, "tasks/T-2.yaml", "title: 乙市某化工园区", "title: " + q("乙市\u200d某") + "\nx_unused: 1\n#")
    err = refused_everywhere(mini, published, ["content/tasks/T-2.yaml:3: title: ", "U+200D"])
    assert "x_unused: 未知的字段" in err


def test_a_mapping_key_is_shown_escaped(mini: Path, published) -> None:  # type: ignore[no-untyped-def]
    edit(mini, "tasks/T-2.yaml", "target:", q("targ\u202eet\x1b[31m") + ":")
    err = refused_everywhere(mini, published, ["content/tasks/T-2.yaml:5: targ\\u202eet\\u001b[31m: 未知的字段"])
    assert "\u202e" not in err and "\x1b" not in err


@pytest.mark.slow  # tries all 1,114,112 code points
def test_every_format_and_control_character_python_knows_is_refused() -> None:
    """The character classes of generator.schema are written out; they must cover Unicode as this
    Python knows it: every Cc (but LF and TAB), Cf, Cs, Zl, Zp and noncharacter."""
    from generator.load.text import bad_character

    missed = []
    for cp in range(0x110000):
        ch = chr(cp)
        category = unicodedata.category(ch)
        nonchar = 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE
        if (category in ("Cf", "Cs", "Zl", "Zp") or nonchar or (category == "Cc" and ch not in "\t\n")) \
                and bad_character(f"a{ch}b", multiline=True) is None:
            missed.append(f"U+{cp:04X}")
    assert missed == []


# -- links built from content -------------------------------------------------------------------

BAD_EMAILS = ["zhenggai@example.gov.cn?bcc=spy@evil.example", "zhenggai@example.gov.cn&cc=spy@evil.example",
              "zhenggai%40example.gov.cn@evil.example", "zheng gai@example.gov.cn", "a@example.gov.cn,b@evil.example",
              "<zhenggai@example.gov.cn>", "张三 <zhenggai@example.gov.cn>", "javascript:alert(1)", "zhenggai@localhost",
              '"zheng"@example.gov.cn', "zhenggai@example.gov.cn?subject=x&body=y", "zhenggai@@example.gov.cn",
              "zhenggai@example.gov.cn#x", ".zhenggai@example.gov.cn", "zhenggai@-example.gov.cn", "mailto:a@example.cn"]
GOOD_EMAILS = ["zhenggai@example.gov.cn", "zheng.gai+jb@sub-1.example.gov.cn", "ZG_2021@EXAMPLE.CN"]
BAD_PHONES = ["0999-12345678?x", "tel:0999-12345678", "javascript:alert(1)", "<b>12345</b>", "0999-12345678（工作日）",
              "0999-12345678,", "12345678 或", "电话", "0999_12345678", "0999-1234&5678", "＋86 999"]
GOOD_PHONES = ["0999-12345678", "0999-12345678、0999-87654321", "+86 999 1234 5678", "(0999)12345678 或 12345678",
               "（0999）12345678", "0999-12345678转8001", "12369, 0999-1234567; 0999-7654321 / 12345"]
BAD_URLS = ["javascript:alert(1)", "http://", "https://", "https://ex ample.org/", 'https://a.example.org/"onmouseover=alert(1)',
            "https://a.example.org/<script>", "ftp://a.example.org/", "https://user:pw@a.example.org/", "https://a.example.org/?q=1",
            "//a.example.org/", "https://a.example.org:99999/", "https://例子.中国/", "https://a.example.org/\\x", "file:///etc/passwd",
            "data:text/html,x", "https://a.example.org/'x'", "https://-bad-.example.org/", "https://a.example.org/#top"]
GOOD_URLS = ["https://jiangchuan.example.org/zhenggai/", "http://127.0.0.1:8000/", "https://a.example.org",
             "https://xn--fsqu00a.xn--fiqs8s/site/", "https://[::1]:8443/x/"]


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_bad_email_is_refused_in_site_and_notice_contact(mini: Path, published, email: str) -> None:  # type: ignore[no-untyped-def]
    edit(mini, "site.yaml", "email: zhenggai@example.gov.cn", f"email: {q(email)}")
    edit(mini, "announcements/N-1.yaml", "summary:", f"contact: {{email: {q(email)}}}\nsummary:")
    err = refused_everywhere(mini, published, ["content/site.yaml:10: contact.email: ", "content/announcements/N-1.yaml:5: contact.email: "])
    assert "邮箱" in message_line(err, "site.yaml", "contact.email")


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_bad_phone_is_refused(mini: Path, published, phone: str) -> None:  # type: ignore[no-untyped-def]
    edit(mini, "site.yaml", "phone: 0999-12345678", f"phone: {q(phone)}")
    refused_everywhere(mini, published, ["content/site.yaml:9: contact.phone: ", "电话号码"])


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_site_url_is_refused(mini: Path, published, url: str) -> None:  # type: ignore[no-untyped-def]
    edit(mini, "site.yaml", "publisher:", f"site_url: {q(url)}\npublisher:")
    refused_everywhere(mini, published, ["content/site.yaml:2: site_url: "])


def test_good_emails_phones_and_urls_are_accepted(mini: Path) -> None:
    from generator.load.schema import email_problem, phone_problem, url_problem

    for value in GOOD_EMAILS:
        assert email_problem(value) is None, value
    for value in GOOD_PHONES:
        assert phone_problem(value) is None, value
    for value in GOOD_URLS:
        assert url_problem(value) is None, value
    edit(mini, "site.yaml", "phone: 0999-12345678", f"phone: {q(GOOD_PHONES[-1])}")
    edit(mini, "site.yaml", "email: zhenggai@example.gov.cn", f"email: {GOOD_EMAILS[1]}")
    with_site_url(mini)
    assert check(mini).code == 0


HOSTILE_SUBJECTS = ["a\r\nBcc: spy@evil.example", "x&bcc=spy@evil.example", "?cc=spy@evil.example", "100% #1 +号 =",
                    "行\u2028分隔\u2029段", "nul\x00\x07\x1b[31m", "\ud800 lone", "\u202e已完成"]


@pytest.mark.parametrize("address", [*BAD_EMAILS, "a@example.cn\r\nBcc: spy@evil.example", "a@example.cn\nx"])
def test_mailto_gives_no_link_for_anything_but_one_plain_address(address: str) -> None:
    from generator.render.mailto import mailto

    assert mailto(address, "主题", "正文") == ""


@pytest.mark.parametrize("subject", HOSTILE_SUBJECTS)
def test_mailto_encodes_every_part_so_nothing_adds_a_header(subject: str) -> None:
    from generator.render.mailto import mailto

    href = mailto("zhenggai@example.gov.cn", subject, f"第一行\n{subject}\r\n第三行")
    assert re.fullmatch(r"mailto:[A-Za-z0-9%._+@-]+(\?subject=[A-Za-z0-9%._~-]*&body=[A-Za-z0-9%._~-]*)?", href), href
    parts = urlsplit(href)
    assert unquote(parts.path) == "zhenggai@example.gov.cn"
    fields = parse_qs(parts.query)
    assert set(fields) == {"subject", "body"}
    assert not re.search(r"[\r\n\x00-\x1f\u2028\u2029]", fields["subject"][0])
    assert all(not re.search(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\u2028\u2029\ud800-\udfff]", value) for value in fields["body"])


def test_every_mail_link_of_a_built_site_has_one_address_and_only_subject_and_body(mini: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(mini, site).code == 0
    hrefs = []
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        hrefs += [a["href"] for a in soup.find_all("a", href=True) if a["href"].lower().startswith("mailto:")]
    assert len(hrefs) > 30
    for href in hrefs:
        parts = urlsplit(href)
        assert unquote(parts.path) == "zhenggai@example.gov.cn", href
        assert set(parse_qs(parts.query)) <= {"subject", "body"}, href
    footer = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser").select_one(".footer-contact a")
    assert footer["href"] == "mailto:zhenggai@example.gov.cn"


def test_tel_link_keeps_only_the_digits_of_the_first_number() -> None:
    """Digits, a leading '+', and '-' as RFC 3966's visual separator; an extension after 转 as ;ext=."""
    from generator.render.mailto import tel_href

    assert tel_href("0999-12345678、0999-87654321") == "tel:0999-12345678"
    assert tel_href("0999-1234567转123") == "tel:0999-1234567;ext=123"
    assert tel_href("--0999--1234567-") == "tel:0999-1234567"
    assert tel_href("+86 999 1234 5678") == "tel:+8699912345678"
    assert tel_href("(0999)12345678 或 12345678") == "tel:099912345678"
    assert tel_href("") == "" and tel_href("电话") == ""


# -- calendar and feed text ---------------------------------------------------------------------

ICS_LINE = re.compile(r"(?:[A-Z][A-Z0-9-]*(?:;[^:\r\n]*)?:| ).*")


def assert_calendar_is_clean(data: bytes, title: str | None = None) -> None:
    """No stray line for a parser that splits on CR or LF alone (or U+2028, U+0085, …), and icalendar reads it."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    for line in text[:-2].split("\r\n"):
        assert line and ICS_LINE.fullmatch(line), repr(line)
    for piece in re.split(r"[\r\n]", text):
        assert piece == "" or ICS_LINE.fullmatch(piece), repr(piece)
    assert not re.search("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]", text)
    assert text.splitlines() == [line for line in text.split("\r\n") if line]  # no other kind of line break
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    if title is not None:
        assert str(events[1]["summary"]) == f"公示期：{title}"
        assert str(calendar["x-wr-calname"]) == title


def assert_feeds_parse(folder: Path) -> int:
    files = sorted(folder.rglob("*.xml"))
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return len(files)


NASTY_TITLES = ["a\rb", "a\nb", "a\r\nb", "a\u2028b", "a\u2029b", "a\x85b", "a\x0bb", "a\x0cb", "a\x1cb", "a\x1eb",
                "nul\x00", "bell\x07", "\ud800", "\udfff x", "\ufffe", "\uffff", "\ufdd0", ";,\\:\"", "END:VCALENDAR",
                "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected", "测" * 200]


@pytest.mark.parametrize("title", NASTY_TITLES, ids=range(len(NASTY_TITLES)))
def test_calendar_writer_keeps_every_value_on_its_own_lines_whatever_it_is_given(title: str) -> None:
    """Defence in depth: generator.ics itself, given a notice whose title was never checked."""
    from generator.pipeline import prepare
    from generator.render import ics

    portal_model = prepare(MINI, dt.date.fromisoformat(AS_OF))
    notice = portal_model.notices[0]
    notice.ann.title = title
    portal_model.content.site.contact.address = title
    data = ics.calendar(notice, portal_model.content.site, SITE_URL + title)
    assert_calendar_is_clean(data)
    assert "injected" not in [str(e.get("summary")) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def _load_feeds_and_calendar(content: Path, out: Path):  # type: ignore[no-untyped-def]
    """Load and check like `portal check`; when that passes, write every feed and calendar as a build does."""
    from generator.errors import ContentError
    from generator.pipeline import prepare
    from generator.render import feeds, ics

    try:
        model = prepare(content, dt.date.fromisoformat(AS_OF))
    except ContentError as exc:
        return exc
    plan = feeds.plan(model)
    base = SITE_URL.rstrip("/")
    for feed in plan.all():
        feeds.write_feed(feed, model.content.site.title, model.content.site.publisher, base, out)
    calendars = {n.ann.id: ics.calendar(n, model.content.site, SITE_URL) for n in model.notices if n.offers_calendar}
    return model, calendars


def _accepted_oracle(text: str) -> bool:
    """What may be published, by Unicode's own categories (independent of generator.schema's tables)."""
    for i, ch in enumerate(text):
        cp = ord(ch)
        category = "Cf" if 0x13439 <= cp <= 0x1343F else unicodedata.category(ch)  # Cf since Unicode 15
        if ch in "\n\t\r\x85\u2028\u2029" or category in ("Cc", "Cs", "Zl", "Zp"):
            return False
        if 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE or ch in "\u3164\u115f\u1160\u034f\u17b4\u17b5\uffa0":
            return False
        if category == "Cf":
            before = i - 1
            while before >= 0 and (text[before] in "\ufe0e\ufe0f" or 0x1F3FB <= ord(text[before]) <= 0x1F3FF):
                before -= 1  # variation selectors and skin tones belong to the emoji before them
            joined = ch == "\u200d" and before >= 0 and i < len(text) - 1 and unicodedata.category(text[before]) == "So" \
                and unicodedata.category(text[i + 1]) == "So"
            if not joined:
                return False
    return True


NASTY = st.sampled_from(["\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\x00", "\r", "\n", "\u2028", "\x85", "\ud800",
                         "\ufffe", "\t", "<", "&", "]", "\\", ";", ",", ":", '"', "'", "👨", "\U000e0041", " ", "\u3000"])
TEXT = st.text(st.one_of(NASTY, st.characters(codec=None, exclude_categories=()),
                         st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"])), max_size=16)


def _write_titles(content: Path, title: str) -> None:
    path = content / "tasks" / "T-2.yaml"
    path.write_text(re.sub(r"^title: .*$", lambda _: "title: " + q(title), path.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE),
                    encoding="utf-8")
    add_upcoming_notice(content, title)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_title_is_refused_naming_the_field_or_every_feed_and_calendar_parses(title: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = with_site_url(Path(shutil.copytree(MINI, Path(tmp) / "content")))
        _write_titles(content, title)
        result = _load_feeds_and_calendar(content, Path(tmp) / "out")
        expected = _accepted_oracle(title.strip())
        if not isinstance(result, tuple):
            text = "\n".join(p.format() for p in result.problems)
            assert not expected, text
            assert re.search(r"content/tasks/T-2\.yaml:3: title: .*(U\+[0-9A-F]{4}|只能写一行)", text), text
            assert re.search(r"content/announcements/N-2\.yaml:2: title: ", text), text
            return
        assert expected, repr(title)
        model, calendars = result
        assert next(t for t in model.content.tasks if t.id == "T-2").title == title.strip()
        assert assert_feeds_parse(Path(tmp) / "out") > 10
        assert_calendar_is_clean(calendars["N-2"], title.strip())


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["<b>加粗</b> & ]]> \\ ; , : \" '", "👨\u200d👩\u200d👧 𠀀 مرحبا", "END:VCALENDAR", "x" * 300]))
def test_a_full_build_with_odd_but_clean_titles_gives_pages_feeds_and_calendar_that_parse(title: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = with_site_url(Path(shutil.copytree(MINI, Path(tmp) / "content")))
        _write_titles(content, title)
        site = Path(tmp) / "site"
        result = build(content, site)
        assert result.code == 0, result.err
        assert assert_feeds_parse(site / "feeds") > 10
        assert_calendar_is_clean((site / "announcements" / "N-2" / "N-2.ics").read_bytes(), title)
        for page, h1 in (("tasks/T-2", f"第2项 {title}"), ("announcements/N-2", title)):
            soup = BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser")
            assert soup.find("h1").get_text() == h1


@pytest.mark.parametrize("title", NASTY_TITLES[:12], ids=range(12))
def test_a_notice_title_that_would_break_a_calendar_is_refused_by_check_and_build(mini: Path, published, title: str) -> None:  # type: ignore[no-untyped-def]
    edit(mini, "announcements/N-1.yaml", "title: 测试省第二轮中央生态环境保护督察反馈问题第1项整改任务完成情况公示", f"title: {q('公示' + title)}")
    refused_everywhere(mini, published, ["content/announcements/N-1.yaml:2: title: "])


# -- YAML: aliases and tags ---------------------------------------------------------------------

def _doubling(levels: int, tail: str) -> str:
    """Lists that each repeat the level below twice: 2*levels aliases standing for 2**levels values."""
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n" + tail


def _merge_chain(levels: int) -> str:
    lines = ["m0: &m0 {x: 1, y: 2}"] + [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [
    _doubling(40, "id: T-2\nnumber: *a39\n"),  # a number field given a value of 2^40 items: the message used to print it
    _doubling(40, "id: T-2\nstatus: *a39\n"),
    _doubling(40, "id: T-2\ntitle: *a39\n"),
    _doubling(40, "id: T-2\nhistory: [{date: *a39, status: *a39}]\n"),
    _doubling(40, "id: T-2\ndeadline: *a39\n"),
    _merge_chain(60),
], ids=["number", "literal", "text", "nested", "deadline", "merge-chain"])
@pytest.mark.slow  # each starts `portal check` in a new Python process with a memory limit
def test_alias_expansion_is_bounded_without_exhausting_memory(mini: Path, text: str) -> None:
    """Run in a child process limited to 1 GiB: before the bound, these exhausted memory (or ran for ever)."""
    (mini / "tasks" / "T-2.yaml").write_text(text, encoding="utf-8")
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
            "from generator.cli import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, "check", "--content", str(mini), "--as-of", AS_OF],
                          capture_output=True, text=True, timeout=120, cwd=REPO, check=False)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "content/tasks/T-2.yaml:" in done.stderr and "YAML 别名（*…）" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr) < 5000


def test_aliases_within_the_bound_still_work(mini: Path) -> None:
    path = mini / "tasks" / "T-1.yaml"
    text = path.read_text(encoding="utf-8").replace("supervising_units: [测试省生态环境厅]", "supervising_units: &units [测试省生态环境厅]")
    text = text.replace("acceptance_unit: 测试省生态环境厅", "acceptance_unit: 测试省生态环境厅\nx: 1")
    path.write_text(text.replace("\nx: 1", ""), encoding="utf-8")
    (mini / "tasks" / "T-2.yaml").write_text(
        (mini / "tasks" / "T-2.yaml").read_text(encoding="utf-8").replace("responsible_units: [乙市人民政府]",
                                                                          "responsible_units: &u [乙市人民政府]\nsupervising_units: *u"),
        encoding="utf-8")
    assert check(mini).code == 0


TAGS = [
    ("omap", "title: !!omap [a: 1, b: 2]"), ("pairs", "title: !!pairs [a: 1]"), ("set", "title: !!set {a, b}"),
    ("binary", "title: !!binary aGVsbG8="), ("python-apply", "title: !!python/object/apply:os.system ['true']"),
    ("python-name", "title: !!python/name:os.system"), ("python-tuple", "title: !!python/tuple [1, 2]"),
    ("local", "title: !foo bar"), ("verbatim", "title: !<tag:example.com,2000:x> bar"),
    ("bad-float", "title: !!float abc"), ("bad-bool", "title: !!bool maybe"), ("int-list", "title: !!int [1]"),
    ("map-list", "title: !!map [a]"), ("seq-map", "title: !!seq {a: 1}"), ("str-list", "title: !!str [a]"),
    ("timestamp-map", "title: !!timestamp {a: 1}"), ("null-list", "title: !!null [a]"), ("float-map", "title: !!float {a: 1}"),
    ("omap-key", "? !!omap [a: 1]\n: x\ntitle: t"), ("merge-scalar", "<<: 3\ntitle: t"), ("merge-list-of-scalars", "<<: [1, 2]\ntitle: t"),
    ("recursive", "title: &r [*r]"), ("recursive-map", "title: &r {a: *r}"), ("undefined-alias", "title: *nothing"),
    ("duplicate-anchor", "a: &x 1\nb: &x 2\ntitle: t"), ("huge-int", "number: " + "9" * 5000),
    ("huge-float", "number: 1" + "0" * 5000 + ".5"), ("nan-number", "number: .nan"), ("inf-number", "number: -.inf"),
]


@pytest.mark.parametrize("yaml_text", [t[1] for t in TAGS], ids=[t[0] for t in TAGS])
def test_odd_tags_and_yaml_values_give_a_clear_problem(mini: Path, published, yaml_text: str) -> None:  # type: ignore[no-untyped-def]
    path = mini / "tasks" / "T-2.yaml"
    path.write_text(re.sub(r"^title: .*$", lambda _: yaml_text, path.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE), encoding="utf-8")
    if yaml_text.startswith("number:"):
        path.write_text(path.read_text(encoding="utf-8").replace("number: 2\n", "", 1), encoding="utf-8")
    err = refused_everywhere(mini, published, ["content/tasks/T-2.yaml:"])
    assert len(err) < 3000


@pytest.mark.parametrize("value", ["=", "<<", ".nan", "1e400", "!", "*", "&", "~x", "2023-02-30T10:00"])
def test_plain_values_that_look_like_yaml_syntax_are_text(mini: Path, value: str) -> None:
    from generator.load.reader import load

    edit(mini, "tasks/T-2.yaml", "title: 乙市某化工园区挥发性有机物治理不到位", f"title: {value if value in ('=', '<<', '.nan', '1e400') else q(value)}")
    result = check(mini)
    assert result.code == 0, result.err
    title = next(t for t in load(mini).tasks if t.id == "T-2").title
    assert title == {".nan": "nan"}.get(value, value)


# -- numbers and dates --------------------------------------------------------------------------

NUMBERS = [
    ("task-number-zero", "tasks/T-2.yaml", "number: 2", "number: 0", "number"),
    ("task-number-negative", "tasks/T-2.yaml", "number: 2", "number: -3", "number"),
    ("task-number-2^63", "tasks/T-2.yaml", "number: 2", f"number: {2 ** 63}", "number"),
    ("task-number-2^64", "tasks/T-2.yaml", "number: 2", f"number: {2 ** 64 + 1}", "number"),
    ("task-number-huge", "tasks/T-2.yaml", "number: 2", "number: " + "9" * 400, "number"),
    ("batch-zero", "complaints/1.yaml", "batch: 1", "batch: 0", "batch"),
    ("batch-huge", "complaints/1.yaml", "batch: 1", f"batch: {10 ** 30}", "batch"),
    ("fine-nan", "complaints/1.yaml", "fines_wan_yuan: 5.0", "fines_wan_yuan: .nan", "complaints[0].penalties.fines_wan_yuan"),
    ("fine-inf", "complaints/1.yaml", "fines_wan_yuan: 5.0", "fines_wan_yuan: .inf", "complaints[0].penalties.fines_wan_yuan"),
    ("fine-minus-inf", "complaints/1.yaml", "fines_wan_yuan: 5.0", "fines_wan_yuan: -.inf", "complaints[0].penalties.fines_wan_yuan"),
    ("fine-overflow", "complaints/1.yaml", "fines_wan_yuan: 5.0", "fines_wan_yuan: 1.0e+400", "complaints[0].penalties.fines_wan_yuan"),
    ("fine-huge-int", "complaints/1.yaml", "fines_wan_yuan: 5.0", f"fines_wan_yuan: {10 ** 400}", "complaints[0].penalties.fines_wan_yuan"),
    ("fine-negative", "complaints/1.yaml", "fines_wan_yuan: 5.0", "fines_wan_yuan: -0.5", "complaints[0].penalties.fines_wan_yuan"),
    ("orders-negative", "complaints/1.yaml", "orders: 1", "orders: -1", "complaints[0].penalties.orders"),
    ("cases-huge", "complaints/1.yaml", "cases: 1", f"cases: {2 ** 70}", "complaints[0].penalties.cases"),
    ("order-huge", "pages/about.md", "order: 1", f"order: {2 ** 63}", "order"),
    ("notice-days-zero", "site.yaml", "notice_min_days: 5", "notice_min_days: 0", "notice_min_days"),
    ("notice-days-huge", "site.yaml", "notice_min_days: 5", f"notice_min_days: {10 ** 12}", "notice_min_days"),
    ("deadline-9999", "tasks/T-2.yaml", "deadline: 2024-06-30", "deadline: 9999-12-31", "deadline"),
    ("history-0001", "tasks/T-2.yaml", "date: 2022-03-01", "date: 0001-01-01", "history[0].date"),
    ("approved-1900", "site.yaml", "approved_on: 2021-10-20", "approved_on: 1900-01-01", "plan.approved_on"),
    ("issued-2101", "documents.yaml", "issued_on: 2021-10-20", "issued_on: 2101-01-01", "documents[0].issued_on"),
    ("period-end-9999", "announcements/N-1.yaml", "end: 2024-01-10", "end: 9999-12-31", "period.end"),
    ("report-date-0001", "reports/2022-06.md", "date: 2022-06-30", "date: 0001-01-01", "date"),
]


@pytest.mark.parametrize("file, old, new, field", [n[1:] for n in NUMBERS], ids=[n[0] for n in NUMBERS])
def test_numbers_and_dates_are_bounded_at_load(mini: Path, published, file: str, old: str, new: str, field: str) -> None:  # type: ignore[no-untyped-def]
    edit(mini, file, old, new)
    err = refused_everywhere(mini, published, [f"content/{file}:"])
    line = message_line(err, file, field)
    assert "范围" in line or "有限" in line, line
    assert len(line) < 400


# -- names that become paths ---------------------------------------------------------------------

def _rename_task(content: Path, new_id: str) -> None:
    old = content / "tasks" / "T-2.yaml"
    text = old.read_text(encoding="utf-8").replace("id: T-2", f"id: {new_id}")
    old.unlink()
    (content / "tasks" / f"{new_id}.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("new_id", ["T" * 65, "T" * 250, "CON", "con", "Nul", "AUX", "PRN", "COM1", "com9", "LPT1", "lpt0"])
def test_ids_that_cannot_be_paths_are_refused(mini: Path, published, new_id: str) -> None:  # type: ignore[no-untyped-def]
    _rename_task(mini, new_id)
    edit(mini, "documents.yaml", "id: doc-accept", f"id: {new_id}")
    edit(mini, "announcements/N-1.yaml", "documents: [doc-accept]", f"documents: [{new_id}]")
    edit(mini, "tasks/T-1.yaml", "documents: [doc-accept]", f"documents: [{new_id}]")
    edit(mini, "complaints/1.yaml", "ref: X2CS202105100002", f"ref: {new_id}")
    fragment = "超过上限 64" if len(new_id) > 64 else "Windows 的保留设备名"
    err = refused_everywhere(mini, published, [fragment])
    assert fragment in message_line(err, f"tasks/{new_id}.yaml", "id")
    assert fragment in message_line(err, "documents.yaml", "documents[1].id")
    assert fragment in message_line(err, "complaints/1.yaml", "complaints[1].ref")
    assert "未发布任何内容" in err


@pytest.mark.parametrize("name", ["CON.md", "aux.md", "Com3.md", "lpt9.md", "x" * 65 + ".md"])
def test_report_and_page_file_names_that_cannot_be_paths_are_refused(mini: Path, published, name: str) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(mini / "pages" / "about.md", mini / "pages" / name)
    shutil.copy(mini / "reports" / "2022-06.md", mini / "reports" / name)
    refused_everywhere(mini, published, [f"content/pages/{name}: 文件名：", f"content/reports/{name}: 文件名："])


@pytest.mark.parametrize("name", ["NUL.txt", "con.tar.gz", "Aux.pdf", "com1.txt", "plan.", "x" * 101 + ".txt"])
def test_document_file_names_that_cannot_be_paths_are_refused(mini: Path, published, name: str) -> None:  # type: ignore[no-untyped-def]
    edit(mini, "documents.yaml", "file: plan.txt", f"file: {q(name)}")
    err = refused_everywhere(mini, published, ["content/documents.yaml:6: documents[0].file: "])
    assert "Traceback" not in err


def test_a_batch_file_named_with_other_digits_is_refused_not_a_crash(mini: Path, published) -> None:  # type: ignore[no-untyped-def]
    (mini / "complaints" / "1.yaml").rename(mini / "complaints" / "\u00b9.yaml")  # ¹ is a digit to str.isdigit
    refused_everywhere(mini, published, ["content/complaints/\u00b9.yaml: 文件名 '\u00b9' 不是有效的编号"])


@pytest.mark.parametrize("name, shown", [("a\u202eb\x1b", "a\\u202eb\\u001b"), ("about\n", "about\\u000a"),
                                         ("T-3\u200b", "T-3\\u200b"), ("x\ty", "x\\u0009y")])
def test_a_file_name_with_control_or_bidi_characters_is_refused_and_shown_escaped(mini: Path, published, name: str,
                                                                                   shown: str) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(mini / "pages" / "about.md", mini / "pages" / f"{name}.md")
    shutil.copy(mini / "tasks" / "T-2.yaml", mini / "tasks" / f"{name}.yaml")
    err = refused_everywhere(mini, published, [f"content/pages/{shown}.md: 文件名 '", f"content/tasks/{shown}.yaml: 文件名 '"])
    assert not re.search("[\u202e\x1b\u200b\t]", err)


# -- symbolic links and special files -------------------------------------------------------------

@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to content/, with a secret file and a copy of a task file."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("root:x:0:0:secret\n", encoding="utf-8")
    shutil.copy(MINI / "tasks" / "T-2.yaml", folder / "T-2.yaml")
    shutil.copy(MINI / "pages" / "about.md", folder / "about.md")
    return folder


def test_a_document_linked_to_a_file_outside_content_is_refused_and_its_hash_not_shown(mini: Path, published, outside: Path) -> None:  # type: ignore[no-untyped-def]
    (mini / "documents" / "plan.txt").unlink()
    (mini / "documents" / "plan.txt").symlink_to(outside / "secret.txt")
    edit(mini, "documents.yaml", "  sha256: 2d295e5091740958e13f2aefd524fbbf3d1cfb8bb22eb62b81196ed3ebb15f3e\n", "")
    err = refused_everywhere(mini, published, ["content/documents.yaml:6: file: content/documents/plan.txt 指向 content/ 以外的位置"])
    assert hashlib.sha256((outside / "secret.txt").read_bytes()).hexdigest() not in err


@pytest.mark.parametrize("target", ["tasks/T-2.yaml", "pages/about.md", "site.yaml"])
def test_a_content_file_linked_outside_content_is_refused(mini: Path, published, outside: Path, target: str) -> None:  # type: ignore[no-untyped-def]
    source = {"tasks/T-2.yaml": "T-2.yaml", "pages/about.md": "about.md", "site.yaml": "T-2.yaml"}[target]
    (mini / target).unlink()
    (mini / target).symlink_to(outside / source)
    refused_everywhere(mini, published, [f"content/{target}: 指向 content/ 以外的位置"])


@pytest.mark.parametrize("folder", ["tasks", "documents", "pages"])
def test_a_content_folder_linked_outside_content_is_refused(mini: Path, published, outside: Path, folder: str) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(mini / folder, outside / folder)
    shutil.rmtree(mini / folder)
    (mini / folder).symlink_to(outside / folder)
    refused_everywhere(mini, published, ["指向 content/ 以外的位置"])


def test_links_that_stay_inside_content_are_fine(mini: Path) -> None:
    (mini / "documents" / "plan-copy.txt").symlink_to("plan.txt")
    edit(mini, "documents.yaml", "file: plan.txt", "file: plan-copy.txt")
    assert check(mini).code == 0


def test_a_broken_link_is_refused(mini: Path, published) -> None:  # type: ignore[no-untyped-def]
    (mini / "tasks" / "T-2.yaml").unlink()
    (mini / "tasks" / "T-2.yaml").symlink_to(mini / "nowhere.yaml")
    refused_everywhere(mini, published, ["content/tasks/T-2.yaml: 是一个无法解析的符号链接"])


@pytest.mark.slow  # each starts `portal check` in a new Python process
@pytest.mark.parametrize("target", ["site.yaml", "tasks/T-2.yaml", "documents/plan.txt", "reports/2022-06.md"])
def test_a_fifo_is_refused_without_blocking(mini: Path, target: str) -> None:
    """In a child process with a time limit: reading a FIFO used to block for ever."""
    (mini / target).unlink()
    os.mkfifo(mini / target)
    done = subprocess.run([sys.executable, "-m", "generator", "check", "--content", str(mini), "--as-of", AS_OF],
                          capture_output=True, text=True, timeout=60, cwd=REPO, check=False)
    assert done.returncode == 2, done.stderr
    assert "不是普通文件，而是命名管道（FIFO）" in done.stderr and "Traceback" not in done.stderr


def test_a_device_and_a_socket_are_refused(mini: Path, published) -> None:  # type: ignore[no-untyped-def]
    (mini / "documents" / "plan.txt").unlink()
    try:
        os.mknod(mini / "documents" / "plan.txt", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pytest.skip("creating a device file needs root")
    (mini / "tasks" / "T-2.yaml").unlink()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(mini / "tasks" / "T-2.yaml"))
        refused_everywhere(mini, published, ["content/documents/plan.txt 不是普通文件，而是设备文件",
                                             "content/tasks/T-2.yaml: 不是普通文件，而是套接字"])
    finally:
        server.close()


def test_a_safe_content_file_guard_is_usable_by_other_stages(mini: Path, outside: Path) -> None:
    from generator.load.reader import RefusedFile, hash_content_file, read_content_file, safe_content_file

    assert safe_content_file(mini, mini / "documents" / "plan.txt") is None
    assert hash_content_file(mini, mini / "documents" / "plan.txt") == hashlib.sha256(b"Sample plan document.\n").hexdigest()
    link = mini / "documents" / "passwd"
    link.symlink_to(outside / "secret.txt")
    assert "content/ 以外" in safe_content_file(mini, link).message
    with pytest.raises(RefusedFile):
        read_content_file(mini, link)
    with pytest.raises(RefusedFile):
        hash_content_file(mini, link)


# -- ids that differ only in case name the same file on Windows and macOS hosts -------------------

@pytest.mark.parametrize("folder, old, new", [
    ("tasks", "T-2", "t-2"), ("announcements", "N-1", "n-1"), ("pages", "about", "About"), ("reports", "2022-06", "2022-06X")])
def test_ids_that_differ_only_in_case_are_refused(mini: Path, folder: str, old: str, new: str) -> None:
    """A copy of an item under a name that differs only in case (for reports: two copies, 2022-06X and 2022-06x)."""
    source = next((mini / folder).glob(f"{old}.*"))
    text = source.read_text(encoding="utf-8").replace(f"id: {old}", f"id: {new}", 1).replace("number: 2\n", "number: 92\n", 1)
    (mini / folder / f"{new}{source.suffix}").write_text(text, encoding="utf-8")
    if folder == "reports":
        (mini / folder / f"{new.lower()}{source.suffix}").write_text(text, encoding="utf-8")
    result = check(mini)
    assert result.code == 2, result.err
    assert "用了两次" in result.err and "只有大小写不同" in result.err
    assert "Traceback" not in result.err

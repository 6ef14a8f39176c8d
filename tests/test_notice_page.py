"""What a reader and a provincial web editor expect of a page, read from the built HTML: a close-out notice
is dated at the top and ends with its 落款 (publisher and publication date, 年月日), its visible text writes
dates as 2026年6月15日 only; a complaint says what to do when the handling seems wrong; the footer shows the
site identity lines that site.yaml sets and no others; every page links a favicon that exists and has a
meta description."""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import MINI, SAMPLE, build
from test_html_valid import PAGE_KINDS, page_file

from generator.load.reader import load
from generator.markup import cn_date
from generator.render.hant import converter

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
IDENTITY_LABELS = ("主办单位", "承办单位", "网站标识码", "ICP备案号", "公安机关备案号")


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def visible_text(node: Tag) -> str:
    for hidden in node.select("script, style, noscript, template"):
        hidden.decompose()
    return node.get_text(" ")


def every_page(site: Path) -> list[tuple[str, Path]]:
    """(name, file) of one page of every kind, in 简体 and 繁體."""
    pages = [(f"{kind} {prefix or 'zh-hans'}", page_file(site / prefix, url)) for kind, url in PAGE_KINDS.items()
             for prefix in ("", "zh-hant")]
    assert all(f.is_file() for _, f in pages)
    return pages


def test_notice_is_dated_at_the_top_and_ends_with_publisher_and_date(sample_site: Path) -> None:
    content = load(SAMPLE)
    publisher = content.site.publisher
    assert content.announcements
    for a in content.announcements:
        soup = soup_of(sample_site / "announcements" / a.id / "index.html")
        article = soup.select_one("article.announcement")
        assert article is not None
        top = article.select_one(".item-header time")
        assert top is not None and top["datetime"] == a.period.start.isoformat(), a.id
        assert top.get_text() == cn_date(a.period.start)
        signature = article.select_one("footer.notice-signature")
        assert signature is not None, a.id
        lines = [p.get_text(strip=True) for p in signature.find_all("p")]
        assert lines == [publisher, cn_date(a.period.start)], a.id
        date = signature.find("time")
        assert date is not None and date["datetime"] == a.period.start.isoformat()
        # the 落款 ends the notice: the objection section is the last part of the notice before it, and after
        # it come only the page's own extras (its data file and QR code, 报告数据错误)
        before = [t for t in signature.find_previous_siblings() if isinstance(t, Tag)]
        after = [t for t in signature.find_next_siblings() if isinstance(t, Tag)]
        assert "objection" in before[0].get("class", []), a.id
        assert all({"item-extras", "report-error"} & set(t.get("class", [])) for t in after), (a.id, after)


def test_notice_pages_write_no_iso_date_in_visible_text(sample_site: Path) -> None:
    found = {}
    for prefix in ("", "zh-hant"):
        for page in sorted((sample_site / prefix / "announcements").glob("*/index.html")):
            soup = soup_of(page)
            # the 整改完成情况 is the publisher's own Markdown, shown as written
            for prose in soup.select(".prose"):
                prose.decompose()
            dates = ISO_DATE.findall(visible_text(soup))
            if dates:
                found[page.relative_to(sample_site).as_posix()] = dates
    assert found == {}


def test_complaint_page_says_what_to_do_when_the_handling_seems_wrong(sample_site: Path) -> None:
    contact = load(SAMPLE).site.contact
    soup = soup_of(sample_site / "complaints" / "D2JC202106020020" / "index.html")
    heading = soup.find("h2", string="如对办理结果有异议")
    assert heading is not None
    section = heading.find_parent("section")
    assert section is not None
    text = " ".join(section.get_text(" ").split())
    assert "D2JC202106020020" in text
    for value in (contact.phone, contact.email, contact.address):
        assert value and value in text
    # no telephone number but the portal's own (12345 / 12369 are real hotlines, not the publisher's data)
    numbers = set(re.findall(r"\d[\d-]{3,}\d", text)) - {"D2JC202106020020"[4:]}
    assert numbers == {contact.phone}, numbers
    mail = section.select_one('a[href^="mailto:"]')
    assert mail is not None and contact.email in mail["href"]


def footer_text(site: Path, url: str) -> tuple[str, Tag]:
    footer = soup_of(page_file(site, url)).select_one("footer.site-footer")
    assert footer is not None
    return " ".join(footer.get_text(" ").split()), footer


def test_footer_shows_no_identity_line_that_site_yaml_leaves_out(mini_site: Path) -> None:
    hant = converter()
    for url in ("", "tasks/", "zh-hant/", "zh-hant/tasks/"):
        text, footer = footer_text(mini_site, url)
        labels = [hant.convert(label) for label in IDENTITY_LABELS] if url.startswith("zh-hant") else IDENTITY_LABELS
        assert len(labels) == 5 and not [label for label in labels if label in text], url
        assert footer.select_one('a[href^="https://beian.miit.gov.cn"]') is None
        assert footer.select_one("button[data-elder-toggle]") is not None  # 无障碍: the 长者模式 switch


def test_footer_shows_the_identity_lines_that_are_set(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    with (content / "site.yaml").open("a", encoding="utf-8") as f:
        f.write('sponsor: 测试省生态环境厅 <b>&amp;</b>\nicp: 测ICP备00000000号\nsite_code: "9900000001"\n')
    result = build(content, tmp_path / "output")
    assert result.code == 0, result.err
    for url in ("", "tasks/"):
        text, footer = footer_text(tmp_path / "output", url)
        assert "主办单位：测试省生态环境厅 <b>&amp;</b>" in text  # inert: shown as written, no markup
        assert footer.find("b") is None
        assert "网站标识码：9900000001" in text
        icp = footer.select_one('a[href="https://beian.miit.gov.cn/"]')
        assert icp is not None and icp.get_text() == "测ICP备00000000号"
        assert "承办单位" not in text and "公安机关备案号" not in text


def test_every_page_kind_links_a_favicon_that_exists_and_has_a_description(sample_site: Path) -> None:
    site_path = "/zhenggai/"  # the path of the sample's site_url: 404.html's links start with it
    assert load(SAMPLE).site.site_url.endswith(site_path)
    icons = set()
    for name, page in every_page(sample_site):
        soup = soup_of(page)
        links = soup.select('head link[rel="icon"]')
        assert links, name
        for link in links:
            href = str(link["href"])
            if href.startswith(site_path):
                target = sample_site / href[len(site_path):]
            else:
                assert not href.startswith(("/", "http")), (name, href)  # relative: works under any sub-path
                target = sample_site / posixpath.normpath(posixpath.join(page.parent.relative_to(sample_site).as_posix(), href))
            assert target.is_file(), (name, href)
            icons.add(target.name)
        meta = soup.select('head meta[name="description"]')
        assert len(meta) == 1 and len(str(meta[0]["content"]).strip()) >= 20, name
    assert icons == {"favicon.svg", "favicon.ico"}
    assert (sample_site / "theme" / "favicon.svg").read_text(encoding="utf-8").startswith("<svg")


@pytest.mark.parametrize(("url", "own"), [
    ("announcements/N-2024-003/", "全省河道非法采砂整治不彻底"),
    ("complaints/D2JC202106020020/", "D2JC202106020020"),
])
def test_item_pages_describe_themselves(sample_site: Path, url: str, own: str) -> None:
    meta = soup_of(sample_site / url / "index.html").select_one('meta[name="description"]')
    assert meta is not None and own in str(meta["content"])

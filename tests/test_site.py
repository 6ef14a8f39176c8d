"""The built sample site: every item has its page, and each page shows what it must disclose."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, SAMPLE

from generator import urls
from generator.derive.state import derive
from generator.load.reader import load
from generator.markup import cn_date
from generator.models import CHANNEL_LABELS, COMPLAINT_STATUS_LABELS, TASK_STATUS_LABELS

CONTENT = load(SAMPLE)
PORTAL = derive(CONTENT, dt.date.fromisoformat(AS_OF))


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / urls.page_file(url)
    assert path.is_file(), f"missing page {url}"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def squash(value: str) -> str:
    return " ".join(value.split())


def test_sample_is_large_enough() -> None:
    assert len(CONTENT.tasks) >= 40
    assert sum(len(b.complaints) for b in CONTENT.batches) >= 300
    assert len(CONTENT.batches) >= 5
    assert len({r for b in CONTENT.batches for c in b.complaints for r in c.region}) >= 10
    assert len(CONTENT.announcements) >= 6
    assert len(CONTENT.reports) >= 2
    statuses = {t.status for t in PORTAL.tasks}
    assert statuses >= set(TASK_STATUS_LABELS)
    assert any(t.overdue for t in PORTAL.tasks) and any(t.late for t in PORTAL.tasks)
    assert any(e.closeout_exception for t in CONTENT.tasks for e in t.history)
    assert {n.state for n in PORTAL.notices} == {"upcoming", "open", "closed"}
    results = {n.ann.outcome.result for n in PORTAL.notices if n.ann.outcome}
    assert {"no_objection", "objection_upheld"} <= results


def test_every_task_page_discloses_its_fields(sample_site: Path) -> None:
    for t in PORTAL.tasks:
        soup = page(sample_site, t.url)
        body = text(soup)
        task = t.task
        assert soup.find("h1") and task.title in soup.find("h1").get_text()
        for value in [task.target, *task.measures, *task.responsible_units, *task.supervising_units, task.acceptance_unit]:
            assert squash(value) in body, (task.id, value)
        assert TASK_STATUS_LABELS[t.status] in body
        if task.deadline.date:
            assert cn_date(task.deadline.date) in body
        else:
            assert task.deadline.text in body
        for entry in task.history:
            assert soup.find("time", attrs={"datetime": entry.date.isoformat()}), (task.id, entry.date)
            if entry.note:
                assert squash(entry.note) in body
            if entry.closeout_exception:
                assert squash(entry.closeout_exception) in body
            if entry.correction:
                assert squash(entry.correction) in body
        if t.overdue:
            assert "逾期" in body
        if t.late:
            assert "逾期完成" in body


def test_every_complaint_page_discloses_its_fields(sample_site: Path) -> None:
    for c in PORTAL.complaints:
        soup = page(sample_site, c.url)
        body = text(soup)
        m = c.complaint
        assert m.ref in soup.find("h1").get_text()
        for value in [m.summary, m.findings, m.handling, m.accountability, m.substantiated or "", *m.types,
                      CHANNEL_LABELS[m.channel], COMPLAINT_STATUS_LABELS[c.status]]:
            assert squash(value) in body, (m.ref, value)
        for r in c.regions:
            assert r.name in body
        for u in m.updates:
            assert soup.find("time", attrs={"datetime": u.date.isoformat()})
        links = {a["href"] for a in soup.find_all("a", href=True)}
        for t in c.tasks:
            assert any(h.endswith(t.url) for h in links), (m.ref, t.task.id)


def test_every_notice_region_report_page_and_document_is_published(sample_site: Path) -> None:
    for n in PORTAL.notices:
        body = text(page(sample_site, n.url))
        assert n.ann.title in body and n.state_label in body
        assert cn_date(n.ann.period.start) in body and cn_date(n.ann.period.end) in body
    for r in PORTAL.regions:
        assert r.region.name in text(page(sample_site, r.url))
    for report in CONTENT.reports:
        assert report.title in text(page(sample_site, urls.report(report.slug)))
    for p in CONTENT.pages:
        assert p.title in text(page(sample_site, urls.page(p.slug)))
    register = text(page(sample_site, urls.DOCUMENTS))
    for d in CONTENT.documents:
        assert d.number in register and d.title in register
        if d.file:
            assert (sample_site / urls.document_file(d.file)).read_bytes() == (SAMPLE / "documents" / d.file).read_bytes()
            assert d.sha256 in register


def test_listings_reach_every_item(sample_site: Path) -> None:
    def hrefs(url: str) -> set[str]:
        return {a["href"] for a in page(sample_site, url).find_all("a", href=True)}

    task_links = hrefs(urls.TASKS)
    assert all(any(h.endswith(t.url) for h in task_links) for t in PORTAL.tasks)
    listed: set[str] = set()
    for batch, items in PORTAL.batches:
        n = 1
        while (sample_site / urls.page_file(urls.batch(batch.batch, n, batch.inspection))).exists():
            listed |= {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs(urls.batch(batch.batch, n, batch.inspection))}
            n += 1
        assert n - 1 == max(1, -(-len(items) // 50))
    assert {c.complaint.ref for c in PORTAL.complaints} <= listed


def test_home_page_headline_numbers(sample_site: Path) -> None:
    body = text(page(sample_site, urls.HOME))
    stats = PORTAL.stats
    for number in (stats.tasks_total, stats.tasks_completed, stats.tasks_overdue, stats.tasks_closed,
                   stats.complaints_total, stats.complaints_done, stats.complaints_substantiated):
        assert re.search(rf"(?<!\d){number}(?!\d)", body)
    for n in PORTAL.open_notices:
        assert n.ann.title in body


@pytest.mark.parametrize("url", [urls.HOME, urls.TASKS, urls.COMPLAINTS, urls.ANNOUNCEMENTS, urls.REGIONS, urls.DOCUMENTS])
def test_every_page_has_language_data_date_sample_label_and_no_foreign_resources(sample_site: Path, url: str) -> None:
    soup = page(sample_site, url)
    assert soup.html["lang"] == "zh-CN"
    assert soup.find(class_="data-date") and "截至 2026年11月1日" in soup.find(class_="data-date").get_text()
    assert soup.find(class_="sample-banner") and "示例数据" in soup.find(class_="sample-banner").get_text()
    for tag, attr in (("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src")):
        for el in soup.find_all(tag, attrs={attr: True}):
            assert not re.match(r"^(https?:)?//", el[attr]), el


def test_all_pages_have_data_date_and_lang(sample_site: Path) -> None:
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) > 400
    assert '"iso": "2026-11-01"' in (sample_site / "data" / "as-of.js").read_text(encoding="utf-8")
    for path in pages:
        html = path.read_text(encoding="utf-8")
        hant = path.relative_to(sample_site).parts[0] == "zh-hant"  # the 繁體 reading (issue 8)
        assert ('<html lang="zh-Hant"' if hant else '<html lang="zh-CN"') in html, path
        if 'class="data-date" data-site-date hidden' in html or "信息更新于" in html or "信息更新於" in html:
            # a page that does not move with the date (issue 18): the date comes from the one shared file
            assert 'data/as-of.js" defer></script>' in html and "data-site-date" in html, path
            continue
        assert 'datetime="2026-11-01"' in html, path

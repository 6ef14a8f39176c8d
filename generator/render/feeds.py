"""Stage 4, render (feeds): Atom 1.0 and RSS 2.0 feeds of status changes, and two OPML lists of them: every
feed (``feeds/all.opml``), and the short list a journalist imports first (``feeds/main.opml``: the site-wide
feeds, each inspection's, and the provinces' and cities').
(The complete event history as data files is written by :mod:`generator.render.opendata`, with
:func:`event_rows` from here.)

Which feeds exist and which events each one carries is decided by :func:`plan`, a pure function of
the derived :class:`~generator.derive.Portal`; :func:`write_all` turns the plan into files with
feedgen. Feeds need absolute links, so they are written only when the site's absolute URL is known
(``site_url`` in site.yaml, or an absolute ``SITEURL`` such as publishconf.py's); without one the
build says so once and writes no feed (pages then carry no feed links either).

A feed's ``updated`` time is that of its newest entry, so a feed whose events did not change is
byte-identical across rebuilds. Entry ids are tag URIs (RFC 4151) made from the event's key.
"""

from __future__ import annotations

import datetime as dt
import functools
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from generator import urls
from generator.dates import start_of
from generator.derive.views import ComplaintView, Event, Portal, enclosing_of
from generator.incremental import Jobs, code_digest, fingerprint
from generator.markup import cn_date

MAX_ENTRIES = 100
GENERATOR = "Rectification Portal (整改公开)"
# The updated time of a feed without any entry: fixed, so that it is stable across rebuilds.
EMPTY_FEED_TIME = start_of(dt.date(2000, 1, 1))


@dataclass(frozen=True)
class Feed:
    path: str  # urls.task_feed("R2-07") and the like: without extension, relative to the site root
    title: str
    description: str
    page_url: str  # the page whose changes it follows
    group: str  # 全站, 督察轮次, 地区, 整改任务, 信访举报 (sections of the feeds page and the OPML file)
    events: tuple[Event, ...]  # newest first; the feed shows the first MAX_ENTRIES
    rss: bool = True  # also as RSS 2.0; a complaint's feed is Atom only (see plan)

    @property
    def atom_url(self) -> str:
        return urls.atom(self.path)

    @property
    def rss_url(self) -> str:
        """The RSS copy's address; "" when the feed has none."""
        return urls.rss(self.path) if self.rss else ""

    @property
    def files(self) -> list[str]:
        return [self.atom_url, *([self.rss_url] if self.rss else [])]


@dataclass(frozen=True)
class FeedPlan:
    site: Feed
    announcements: Feed
    closed: Feed
    overdue: Feed
    regions: dict[str, Feed]  # by region code
    tasks: dict[str, Feed]  # by task id
    complaints: dict[str, Feed]  # by complaint ref
    inspections: dict[str, Feed]  # by inspection id, earliest first; version-2 content only (else empty)
    # the regions of the short OPML, in the order of the region tree: the top two levels (the province or
    # provinces, and the regions directly inside them: the cities), not the counties
    main_regions: tuple[str, ...] = ()

    @property
    def general(self) -> list[Feed]:
        return [self.site, self.announcements, self.closed, self.overdue]

    def main(self) -> list[Feed]:
        """The short list (feeds/main.opml): the site-wide feeds, every inspection's, the provinces' and cities'."""
        return [*self.general, *self.inspections.values(), *(self.regions[code] for code in self.main_regions)]

    def all(self) -> list[Feed]:
        return [*self.general, *self.inspections.values(), *self.regions.values(), *self.tasks.values(),
                *self.complaints.values()]


def plan(portal: Portal) -> FeedPlan:
    events = portal.events
    by_task: dict[str, list[Event]] = {}
    by_complaint: dict[str, list[Event]] = {}
    for e in events:
        if e.kind in ("task", "overdue", "notice"):
            for task_id in e.tasks:
                by_task.setdefault(task_id, []).append(e)
        if e.kind == "complaint":
            by_complaint.setdefault(e.item_id, []).append(e)
    # each event goes to the feed of every region it names and of every region enclosing those, once
    # (one pass over the events: scanning them once per region took minutes at national scale)
    by_region: dict[str, list[Event]] = {}
    around = enclosing_of(portal.region_by_code)
    for e in events:
        for view in around(e.regions):
            by_region.setdefault(view.region.code, []).append(e)
    regions = {}
    for r in portal.regions:
        inside = "（含下辖地区）" if r.children else ""
        regions[r.region.code] = Feed(
            urls.region_feed(r.region.code), f"{r.region.name}整改动态",
            f"{r.region.name}{inside}的整改任务、信访举报和销号公示的每一次状态变化。", r.url, "地区",
            tuple(by_region.get(r.region.code, ())),
        )
    return FeedPlan(
        site=Feed(urls.FEED_ALL, "全站动态", "所有整改任务、信访举报和销号公示的每一次状态变化。", urls.HOME, "全站", tuple(events)),
        announcements=Feed(urls.FEED_ANNOUNCEMENTS, "销号公示", "新的销号公示、公示即将结束和公示结果。", urls.ANNOUNCEMENTS, "全站",
                           tuple(e for e in events if e.kind == "notice")),
        closed=Feed(urls.FEED_CLOSED, "新销号任务", "经验收和公示后销号的整改任务。", urls.TASKS, "全站",
                    tuple(e for e in events if e.closed_out)),
        overdue=Feed(urls.FEED_OVERDUE, "新逾期任务", "超过整改时限仍未完成的整改任务。", urls.TASKS, "全站",
                     tuple(e for e in events if e.kind == "overdue")),
        regions=regions,
        tasks={t.task.id: Feed(urls.task_feed(t.task.id), f"{t.number_label}整改任务动态",
                               f"{t.name}：每一次状态变化和相关销号公示。", t.url, "整改任务",
                               tuple(by_task.get(t.task.id, ()))) for t in portal.tasks},
        # A complaint's feed is Atom only: one file per complaint fewer (150,000 at national size), and every
        # reader that follows one complaint reads Atom; the site-wide, round, region and task feeds keep RSS too.
        complaints={c.complaint.ref: Feed(urls.complaint_feed(c.complaint.ref), f"信访举报{c.complaint.ref}办理动态",
                                          f"受理编号{c.complaint.ref}的信访举报的办理情况变化。", c.url, "信访举报",
                                          tuple(by_complaint.get(c.complaint.ref, ())), rss=False)
                    for c in portal.complaints},
        inspections=_inspection_feeds(portal) if portal.content.version == 2 else {},
        main_regions=tuple(r.region.code for r in portal.regions if r.depth <= 1),
    )


def _inspection_feeds(portal: Portal) -> dict[str, Feed]:
    """Each inspection's feed: the events of its tasks, of the complaints of its batches and of its notices
    (a notice of tasks of two inspections is in both). One pass over the events, as for the regions."""
    owners: dict[tuple[str, str], list[str]] = {}  # (event kind, item) → the inspections it belongs to
    for iv in portal.inspections:
        i = iv.inspection.id
        for t in iv.tasks:
            owners.setdefault(("task", t.task.id), []).append(i)
            owners.setdefault(("overdue", t.task.id), []).append(i)
        for c in (c for _, items in iv.batches for c in items):
            owners.setdefault(("complaint", c.complaint.ref), []).append(i)
        for n in iv.notices:
            owners.setdefault(("notice", n.ann.id), []).append(i)
    by_inspection: dict[str, list[Event]] = {}
    for e in portal.events:
        for i in owners.get((e.kind, e.item_id), ()):
            by_inspection.setdefault(i, []).append(e)
    return {iv.inspection.id: Feed(urls.inspection_feed(iv.inspection.id), f"{iv.inspection.label}整改动态",
                                   f"{iv.inspection.title}的整改任务、交办信访举报和销号公示的每一次状态变化。", iv.url,
                                   "督察轮次", tuple(by_inspection.get(iv.inspection.id, ())))
            for iv in portal.inspections}


# -- writing -----------------------------------------------------------------------------------


def entry_id(base_url: str, event: Event) -> str:
    """tag:<host>,<event date>:<site path>/<event key> (RFC 4151), e.g.
    tag:zhenggai.example.gov.cn,2024-01-20:task/R2-07/history/3/2024-01-20."""
    parts = urlsplit(base_url)
    path = parts.path.strip("/")
    return f"tag:{parts.hostname},{event.date.isoformat()}:{path + '/' if path else ''}{event.key}"


def entry_html(event: Event, item_url: str) -> str:
    parts = [Markup("<p>{}：{}</p>").format("状态" if event.kind != "notice" else "公示", event.change),
             Markup("<p>日期：{}</p>").format(cn_date(event.date))]
    if event.note:
        parts.append(Markup("<p>说明：{}</p>").format(event.note))
    parts.append(Markup('<p><a href="{}">{}</a></p>').format(item_url, f"查看 {event.title}"))
    return str(Markup("").join(parts))


def _generator(feed: Feed, site_title: str, publisher: str, base: str, self_url: str, events: list[Event]) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(f"{base}/{feed.atom_url}")
    fg.title(f"{feed.title} - {site_title}")
    fg.subtitle(feed.description)
    fg.author({"name": publisher})
    fg.link(href=self_url, rel="self")
    fg.link(href=f"{base}/{feed.page_url}", rel="alternate", type="text/html")  # last: RSS's channel <link> is the page
    fg.language("zh-CN")
    fg.generator(GENERATOR)
    fg.updated(start_of(events[0].date) if events else EMPTY_FEED_TIME)  # an event's time: its day's 00:00 +08:00
    for event in events:
        item_url = f"{base}/{event.url}"
        fe = fg.add_entry(order="append")
        fe.id(entry_id(base, event))
        fe.guid(entry_id(base, event), permalink=False)
        fe.title(f"[{event.tag}] {event.title}")
        fe.link(href=item_url, rel="alternate", type="text/html")
        fe.published(start_of(event.date))
        fe.updated(start_of(event.date))
        fe.content(entry_html(event, item_url), type="html")
    return fg


def write_feed(feed: Feed, site_title: str, publisher: str, base: str, output: Path) -> None:
    events = list(feed.events[:MAX_ENTRIES])
    target = output / feed.atom_url
    target.parent.mkdir(parents=True, exist_ok=True)  # workers may race to make it: exist_ok
    atom = _generator(feed, site_title, publisher, base, f"{base}/{feed.atom_url}", events)
    target.write_bytes(atom.atom_str(pretty=True))
    if feed.rss:
        rss = _generator(feed, site_title, publisher, base, f"{base}/{feed.rss_url}", events)
        (output / feed.rss_url).write_bytes(rss.rss_str(pretty=True))


def opml(feeds: FeedPlan, site_title: str, base: str) -> bytes:
    """feeds/all.opml: every feed."""
    return _opml(feeds.all(), f"{site_title} - 全部订阅", base)


def main_opml(feeds: FeedPlan, site_title: str, base: str) -> bytes:
    """feeds/main.opml: the short list (:meth:`FeedPlan.main`)."""
    return _opml(feeds.main(), f"{site_title} - 主要订阅", base)


def _opml(feeds: list[Feed], title: str, base: str) -> bytes:
    """An OPML 2.0 subscription list of ``feeds`` (their Atom addresses), in outlines by group."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for feed in feeds:
        if feed.group not in groups:
            groups[feed.group] = ET.SubElement(body, "outline", text=feed.group, title=feed.group)
        ET.SubElement(groups[feed.group], "outline", type="rss", text=feed.title, title=feed.title,
                      xmlUrl=f"{base}/{feed.atom_url}", htmlUrl=f"{base}/{feed.page_url}")
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8")  # typeshed gives Any for an encoding other than "unicode"
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text + b"\n"


EVENT_COLUMNS = ["id", "date", "kind", "item", "title", "from", "to", "note", "url"]


def event_rows(events: Iterable[Event], base: str) -> list[dict[str, str]]:
    return [{
        "id": e.key, "date": e.date.isoformat(), "kind": e.kind, "item": e.item_id, "title": e.title,
        "from": e.from_label, "to": e.to_label, "note": e.note, "url": f"{base}/{e.url}" if base else e.url,
    } for e in events]


def write_all(portal: Portal, feeds: FeedPlan, base: str, output: Path, jobs: Jobs,
              complaint_fp: Callable[[ComplaintView], str] | None = None) -> None:
    """Queue every feed on ``jobs`` (with a digest of what it is made of, so an unchanged feed is reused)
    and the OPML files, if ``base``, the absolute site URL, is known; ``complaint_fp``: a complaint → the digest
    of everything its page shows (pages.Renderer.complaint_fp), which covers what its feed shows. The event history as data
    (data/events.csv, data/events.json) is written with the other tables by :mod:`generator.render.opendata`."""
    if not base:
        return
    site = portal.content.site
    # a complaint's feed shows its own events (made from the complaint and its batch alone, derive.events): with
    # ``complaint_fp``, which covers those, its digest needs them counted, not written out (150,000 feeds)
    shown = {id(feeds.complaints[c.complaint.ref]): complaint_fp(c) for c in portal.complaints
             if c.complaint.ref in feeds.complaints} if complaint_fp is not None else {}
    for feed in feeds.all():
        own = shown.get(id(feed))
        events: Any = (own, len(feed.events)) if own is not None else feed.events[:MAX_ENTRIES]
        digest = fingerprint(code_digest(), site.title, site.publisher, base, feed.path, feed.title,
                             feed.description, feed.page_url, events)
        jobs.add(feed.files, digest,
                 functools.partial(write_feed, feed, site.title, site.publisher, base, output))
    for path, make, listed in ((urls.OPML, opml, feeds.all()), (urls.OPML_MAIN, main_opml, feeds.main())):
        # a subscription list changes only with the feeds it lists (150,000 complaints' at national size)
        digest = fingerprint(code_digest(), site.title, base, [(f.group, f.title, f.atom_url, f.page_url) for f in listed])
        jobs.add([path], digest, functools.partial(_write_opml, make, feeds, site.title, base, output / path), len(listed))


def _write_opml(make: Callable[[FeedPlan, str, str], bytes], feeds: FeedPlan, site_title: str, base: str,
                target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(make(feeds, site_title, base))

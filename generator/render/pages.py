"""Stage 4, render: the derived :class:`Portal` → HTML pages through the theme and Pelican's writer.

Structured items never pass through Pelican's article pipeline: each page is one template
rendered from the models with Pelican's Jinja2 environment and written by Pelican's writer with
relative URLs (``SITEURL`` is "." on the home page, "../.." on tasks/R2-07/index.html).

Every template receives the common context below plus its own variables (see each ``write`` call):
``site`` (models.Site), ``portal`` (derive.Portal), ``as_of`` (date), ``nav`` (list of NavItem),
``page_url`` (this page's directory URL relative to the root), ``page_title``.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os.path
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from generator import incremental, urls
from generator.config import Config
from generator.derive import flags, stats
from generator.derive.state import STALE_DAYS
from generator.derive.views import ComplaintView, Portal
from generator.load.import_vocab import REF_CHANNEL
from generator.load.schema import path_name_problem
from generator.markup import cn_date, iso_date, normalize_ref, render_markdown
from generator.models import (
    CHANNEL_LABELS,
    COMPLAINT_STATUS_LABELS,
    INSPECTION_KIND_LABELS,
    OUTCOME_LABELS,
    TASK_STATUS_LABELS,
)
from generator.render import feeds, hant, ics, manifest, opendata, search_assets, theme_extras
from generator.render import mailto as notices

PER_PAGE = 50
TEMPLATE_CACHE = "templates"  # in the state folder: the theme's templates, compiled (TemplateCache)
PARTS = "parts"  # in the state folder: parts of the whole-site files (opendata.ComplaintParts)
LOOKUP_PAGE_MAX = 100  # references listed on one page of the look-up index before it is split by the next character
_REF_PREFIX = re.compile(r"[A-Z0-9-]+")
FEEDS_SKIPPED = ("site.yaml 中没有 site_url（设置中也没有完整网址的 SITEURL）：没有生成订阅（RSS/Atom），因为订阅阅读器"
                 "需要完整的链接；在 site.yaml 中添加 'site_url: https://…'")


def absolute_site_url(site_url: str, siteurl_setting: Any) -> str:
    """The site's absolute URL without a trailing slash: site.yaml's site_url, else an absolute
    Pelican SITEURL (publishconf.py), else ""."""
    configured = str(siteurl_setting or "")
    return (site_url or (configured if configured.startswith(("http://", "https://")) else "")).rstrip("/")


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str


@dataclass(frozen=True)
class Pager:
    """One page of a paginated listing."""

    number: int
    count: int
    items: Sequence[Any]
    urls: Sequence[str]  # the URL of every page, 1-based by position

    @property
    def prev_url(self) -> str:
        return self.urls[self.number - 2] if self.number > 1 else ""

    @property
    def next_url(self) -> str:
        return self.urls[self.number] if self.number < self.count else ""

    def window(self, around: int = 3) -> list[tuple[int, str] | None]:
        """Page links to show: the first, the last and ``around`` either side of this one; None marks a gap.
        (Listing every page would make a listing of n pages cost n² links.)"""
        shown = sorted({1, self.count, *range(max(1, self.number - around), min(self.count, self.number + around) + 1)})
        out: list[tuple[int, str] | None] = []
        for i, n in enumerate(shown):
            if i and n - shown[i - 1] > 1:
                out.append(None)
            out.append((n, self.urls[n - 1]))
        return out


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's compiled templates kept between builds (keyed by each template's source, so an edited template
    compiles afresh). A cache only costs time: a folder that cannot be made or written, or a damaged entry,
    means the template is compiled as without one."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or damaged (marshal raises ValueError, EOFError, TypeError)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def install_filters(env: Any) -> None:
    env.filters.update({"cn_date": cn_date, "iso": iso_date, "markdown": render_markdown})
    env.globals.update(
        TASK_STATUS_LABELS=TASK_STATUS_LABELS,
        COMPLAINT_STATUS_LABELS=COMPLAINT_STATUS_LABELS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        OUTCOME_LABELS=OUTCOME_LABELS,
        INSPECTION_KIND_LABELS=INSPECTION_KIND_LABELS,
        FEED_MAX_ENTRIES=feeds.MAX_ENTRIES,
        STALE_DAYS=STALE_DAYS,
        urls=urls,
    )
    notices.install(env)
    theme_extras.install(env)  # QR codes, statistics, charts, open data


class Renderer:
    """Renders the derived ``portal`` into ``output_path`` with Pelican's Jinja2 ``env`` and ``context``.
    ``previous`` is the published site (unchanged pages are reused from it); ``search_scopes`` are what
    the search page offers (planned by the index stage, which indexes them after the pages are written);
    ``state`` is the build state folder, where parts of the whole-site files are kept (:data:`PARTS`)."""

    def __init__(self, portal: Portal, env: Any, context: dict[str, Any], output_path: Path, config: Config,
                 previous: Path | None = None, search_scopes: Sequence[dict[str, Any]] = (), state: Path | None = None):
        self.portal = portal
        self.env = env
        self.output_path = Path(output_path)
        site = portal.content.site
        pages = sorted(portal.content.pages, key=lambda p: (p.order, p.slug))
        self.nav = [
            NavItem(urls.HOME, "首页"),
            *([NavItem(urls.INSPECTIONS, "督察轮次")] if portal.content.version == 2 else []),
            NavItem(urls.TASKS, "整改任务"),
            NavItem(urls.COMPLAINTS, "信访举报"),
            NavItem(urls.ANNOUNCEMENTS, "销号公示"),
            NavItem(urls.REGIONS, "地区"),
            NavItem(urls.REPORTS, "进展报告"),
            NavItem(urls.DOCUMENTS, "文件"),
            NavItem(urls.STATS, "统计"),
            *(NavItem(urls.page(p.slug), p.title) for p in pages),
            NavItem(urls.SEARCH, "搜索"),
        ]
        self.context = dict(context)
        self.base_url = absolute_site_url(site.site_url, context.get("SITEURL"))
        self.feeds = feeds.plan(portal)
        self.search_scopes = list(search_scopes)
        self.context.update(site=site, portal=portal, as_of=portal.as_of, nav=self.nav, SITE_ABS_URL=self.base_url,
                            feed_plan=self.feeds, FEEDS_ENABLED=bool(self.base_url), undated=False)
        install_filters(env)
        if previous is not None and env.bytecode_cache is None:  # compiled templates kept with the build state
            env.bytecode_cache = TemplateCache(str(incremental.state_folder(previous) / TEMPLATE_CACHE))
        self._templates: dict[str, Any] = {}
        hant.converter()  # loaded once, before any worker is forked (the jobs run as they are queued: incremental.Jobs)
        self.jobs = incremental.Jobs(self.output_path, previous, config.workers, config.parallel_min)
        # what every page is made of besides its own data: a change here re-renders everything. Not the data date:
        # pages with a digest do not show it (they read data/as-of.js), so that a new day re-renders only what moved
        self.chrome = incremental.fingerprint(
            repr(site), self.nav, self.base_url, [(p.slug, p.title, p.order) for p in pages],
            _source_digest(Path(str(context.get("THEME", ""))) / "templates"),
        )
        self._complaint_fp: dict[str, str] = {}
        # the whole-site files' parts kept between builds, in the build state (none under plain `pelican content`)
        self.parts = incremental.KeptValues(state / PARTS) if state is not None else None
        self._top_regions = sum(1 for r in portal.regions if r.parent is None)  # region.html shows plans when several

    def write(self, writer: Any, url: str, template: str, title: str, page_feeds: Sequence[feeds.Feed] = (),
              digest: str = "", weight: int = 1, **kwargs: Any) -> None:
        """Queue one page; ``page_feeds`` are the feeds that concern it, most specific first. ``digest``, if
        given, must cover everything the page shows besides ``self.chrome``: an unchanged page is reused.
        ``weight``: how many items the page shows (incremental.Jobs.add)."""
        tmpl = self._templates.get(template)
        if tmpl is None:  # compiled once, here, before any worker is forked
            tmpl = self._templates[template] = self.env.get_template(template)
        all_feeds = [*page_feeds, self.feeds.site]

        page = urls.page_file(url)

        def run() -> None:
            writer.write_file(page, tmpl, self.context, relative_urls=True,
                              page_url=url, page_title=title, page_feeds=all_feeds, **kwargs)
            hant.write_page(self.output_path, page)  # zh-hant/: the 繁體 reading of the same page

        if digest:
            digest = incremental.fingerprint(self.chrome, template, url, title, [f.path for f in all_feeds], digest)
        self.jobs.add([page, urls.HANT + page], digest, run, weight)

    def finish(self) -> incremental.RunReport:
        """Write what is still queued (in parallel, reusing unchanged pages and feeds); the kept parts this build
        did not use are removed."""
        report = self.jobs.run()
        if self.parts is not None:
            self.parts.prune()
        return report

    def complaint_fp(self, c: Any) -> str:
        """Everything a complaint's page and its line in listings are made of."""
        ref = c.complaint.ref
        if ref not in self._complaint_fp:
            regions = [(r.code, r.name, [a.region.name for a in self.portal.region_by_code[r.code].ancestors()])
                       for r in c.regions]
            tasks = [(t.task.id, t.name, t.number_label, t.status, t.status_label, t.url) for t in c.tasks]
            repeats = [[(r.complaint.ref, r.url, r.batch_name, r.status_label) for r in rs] for rs in (c.repeats, c.repeated_by)]
            # the history as shown as of the data date (a later-dated entry appears when the date reaches it)
            timeline = [_entry_line(e) for e in c.timeline]
            self._complaint_fp[ref] = incremental.fingerprint(
                repr(c.complaint), c.batch.batch, c.batch.forwarded_on, c.batch.inspection, c.batch_name, c.url, c.status,
                c.status_label, c.status_date, regions, tasks, repeats, timeline)
        return self._complaint_fp[ref]

    def task_fp(self, t: Any) -> str:
        """Everything a task's page shows (task.html; it is ``undated``: no data date and no day counts, so the
        digest moves only on the days its state does): the task as written, its state, its timeline, and what it
        shows of its notices, complaints, documents, regions and the tasks it follows or that follow it."""
        return incremental.fingerprint(
            repr(t.task), _task_line(t), t.status_date, t.completed_on, t.closeout_exception,
            [_entry_line(e) for e in t.timeline],
            [_notice_line(n) for n in t.notices], [self.complaint_fp(c) for c in t.complaints], repr(t.documents),
            [_task_line(x) for x in t.follows], [_task_line(x) for x in t.followed_by], self.portal.content.version)

    def notice_fp(self, n: Any) -> str:
        """Everything a notice's page shows (announcement.html, ``undated``): the notice as written and its state,
        the day it last changed as of the data date, its tasks, its documents and where to object."""
        updated = min(n.ann.last_changed, self.portal.as_of) if n.state != "upcoming" else None
        return incremental.fingerprint(
            _notice_line(n), updated, [_task_line(t) for t in n.tasks], [(_task_line(t), on) for t, on in n.reopened],
            repr(n.documents), repr(n.contact))

    def region_fp(self, r: Any) -> str:
        """Everything a region's page shows (region.html, ``undated``: its counts are not dated and its tasks' day
        counts are written by prefs.js), so that a new day rewrites only the regions whose tasks' state moved."""
        return incremental.fingerprint(
            repr(r.region), r.url, [(a.region.name, a.url) for a in r.ancestors()],
            (r.parent.region.name, r.parent.url) if r.parent else None,
            [(ch.region.name, ch.url, len(ch.tasks), len(ch.complaints)) for ch in r.children],
            len(r.complaints), sum(c.status == "done" for c in r.complaints), urls.complaints_in_region(r.region.code),
            [_task_line(t) for t in r.tasks],
            [(iv.url, iv.inspection.label, repr(pv.plan), s.tasks_total, s.tasks_completed, s.tasks_closed, s.tasks_overdue)
             for iv, pv, s in r.plans], self._top_regions, self.portal.content.version)

    def feeds_fp(self) -> str:
        """Everything the feeds page shows (feeds.html, which reads the data date from data/as-of.js): the feeds it
        lists, the regions and tasks they follow, and how many feeds the OPML files and the complaints have."""
        f, p = self.feeds, self.portal
        listed = [(x.path, x.title, x.description, x.atom_url, x.rss_url) for x in
                  (*f.general, *f.inspections.values(), *f.regions.values(), *f.tasks.values())]
        return incremental.fingerprint(
            listed, [(iv.inspection.title, iv.url) for iv in p.inspections], [(r.region.name, r.depth) for r in p.regions],
            [t.name for t in p.tasks], len(f.main()), len(f.all()), len(f.complaints), f.main_regions,
            bool(self.base_url))

    def paginate(self, writer: Any, url_of: Any, template: str, title: str, items: Sequence[Any],
                 item_fp: Any = None, context_fp: str = "", **kwargs: Any) -> None:
        """Pages of PER_PAGE items. With ``item_fp`` (item → digest) and ``context_fp`` (what else the
        listing shows), each page carries a digest and is reused when unchanged."""
        count = max(1, -(-len(items) // PER_PAGE))
        page_urls = [url_of(n) for n in range(1, count + 1)]
        for n in range(1, count + 1):
            pager = Pager(n, count, items[(n - 1) * PER_PAGE : n * PER_PAGE], page_urls)
            shown = title if n == 1 else f"{title}（第{n}页）"
            digest = incremental.fingerprint(context_fp, n, count, [item_fp(i) for i in pager.items]) if item_fp else ""
            self.write(writer, page_urls[n - 1], template, shown, pager=pager, digest=digest, weight=len(pager.items),
                       **kwargs)

    def write_lookup_pages(self, writer: Any) -> None:
        """The look-up without JavaScript: lookup/ and a page per prefix (:func:`lookup_pages`)."""
        channels = {letter: CHANNEL_LABELS[channel] for letter, channel in REF_CHANNEL.items()}
        for lp in lookup_pages(self.portal.complaints):
            title = f"受理编号以 {lp.prefix} 开头的信访举报" if lp.prefix else "按受理编号查找信访举报"
            digest = incremental.fingerprint(lp.prefix, lp.groups, [self.complaint_fp(c) for c in lp.complaints])
            self.write(writer, lookup_url(lp.prefix), "lookup.html", title, digest=digest, lp=lp, channels=channels,
                       lookup_url=lookup_url, weight=len(lp.complaints) + len(lp.groups))

    def write_not_found(self, writer: Any) -> None:
        """404.html at the root, for the web server to show at any address the site lacks: its links are
        path-absolute from site_url's path (so they work at any depth), or relative to the root without one."""
        tmpl = self.env.get_template("404.html")
        path = urlsplit(self.base_url).path.rstrip("/")
        siteurl = path if self.base_url else "."

        def run() -> None:
            writer.write_file(urls.NOT_FOUND, tmpl, self.context, relative_urls=False, SITEURL=siteurl,
                              page_url=urls.NOT_FOUND, page_title="找不到这个页面", page_feeds=[self.feeds.site])
            hant.write_not_found(self.output_path, siteurl)  # zh-hant/404.html, which its 繁體 switch leads to

        self.jobs.add([urls.NOT_FOUND, urls.HANT + urls.NOT_FOUND], incremental.fingerprint(self.chrome, siteurl), run)

    def write_all(self, writer: Any) -> None:
        """Queue the open data's own files (its tables and the manifest are written beside: :func:`write_data`), every
        page, then the other emitters' files (run :meth:`finish` to write the pages)."""
        try:
            write_data(self.portal, self.output_path, self.base_url, self.jobs, self.parts, self.complaint_fp)
            self.write_pages(writer)
            write_files(self.portal, self.output_path, self.feeds, self.base_url, self.jobs, self.complaint_fp)
        except BaseException:
            self.jobs.abandon()  # children already rendering end before the error goes up
            raise

    def write_pages(self, writer: Any) -> None:
        p = self.portal
        f = self.feeds
        self.write(writer, urls.HOME, "home.html", p.content.site.title, [f.announcements])
        if p.content.version == 2:  # several inspections: a page for each, and their list
            self.write(writer, urls.INSPECTIONS, "inspections.html", "督察轮次")
            for iv in p.inspections:
                self.write(writer, iv.url, "inspection.html", iv.inspection.title, [f.inspections[iv.inspection.id]], iv=iv)
        self.write(writer, urls.TASKS, "tasks.html", "整改任务", [f.closed, f.overdue], weight=len(p.tasks))
        self.write(writer, urls.TASKS_BY_REGION, "tasks_by_region.html", "整改任务（按地区）", [f.closed, f.overdue],
                   weight=len(p.tasks))
        for t in p.tasks:
            self.write(writer, t.url, "task.html", t.name,
                       [f.tasks[t.task.id], *(f.regions[r.code] for r in t.regions)], t=t, undated=True,
                       digest=self.task_fp(t), weight=1 + len(t.complaints) + len(t.notices))
        self.write(writer, urls.COMPLAINTS, "complaints.html", "信访举报办理情况")
        self.write_lookup_pages(writer)
        for batch, items in p.batches:
            self.paginate(writer, lambda n, b=batch: urls.batch(b.batch, n, b.inspection), "complaint_list.html",
                          f"{p.content.batch_name(batch)}交办信访举报", items, item_fp=self.complaint_fp,
                          context_fp=incremental.fingerprint(batch.batch, batch.forwarded_on, len(batch.complaints)),
                          batch=batch, region=None)
        for r in p.regions:
            self.paginate(writer, lambda n, c=r.region.code: urls.complaints_in_region(c, n), "complaint_list.html",
                          f"{r.region.name}信访举报", r.complaints, item_fp=self.complaint_fp,
                          context_fp=incremental.fingerprint(r.region.code, r.region.name, r.url, len(r.complaints)),
                          batch=None, region=r, page_feeds=[f.regions[r.region.code]])
        for c in p.complaints:
            self.write(writer, c.url, "complaint.html", f"信访举报 {c.complaint.ref}",
                       [f.complaints[c.complaint.ref], *(f.regions[r.code] for r in c.regions)],
                       digest=self.complaint_fp(c), c=c)
        self.write(writer, urls.ANNOUNCEMENTS, "announcements.html", "销号公示", [f.announcements])
        for n in p.notices:
            self.write(writer, n.url, "announcement.html", n.ann.title, [f.announcements, *(f.tasks[t.task.id] for t in n.tasks)], n=n,
                       undated=True, digest=self.notice_fp(n))
        self.write(writer, urls.REGIONS, "regions.html", "地区")
        for r in p.regions:
            self.write(writer, r.url, "region.html", r.region.name, [f.regions[r.region.code]], digest=self.region_fp(r), r=r,
                       undated=True)
        reports = sorted(p.content.reports, key=lambda r: (r.date, r.slug), reverse=True)
        self.write(writer, urls.REPORTS, "reports.html", "进展报告", reports=reports)
        for report in reports:
            self.write(writer, urls.report(report.slug), "report.html", report.title, report=report)
        for page in p.content.pages:
            self.write(writer, urls.page(page.slug), "page.html", page.title, page=page)
        self.write(writer, urls.DOCUMENTS, "documents.html", "文件登记", documents=p.documents)
        self.write(writer, urls.FEEDS, "feeds.html", "订阅", digest=self.feeds_fp())
        self.write(writer, urls.SEARCH, "search.html", "搜索", search_scopes=self.search_scopes,
                   search_filters=search_assets.filter_order(p))
        self.write(writer, urls.CHECKS, "checks.html", "数据核查", groups=flags.findings(p), corrections=flags.corrections(p))
        self.write(writer, urls.CORRECTIONS, "corrections.html", "更正记录", corrections=flags.corrections(p))
        self.write(writer, urls.STATS, "stats.html", "统计", stats=stats.statistics(p))
        self.write(writer, urls.DATA_PAGE, "data.html", "数据下载")
        self.write_not_found(writer)


def _task_line(t: Any) -> tuple[Any, ...]:
    """Everything a task shows where another page lists or names it (task_table, task_flags, task_name and its
    status in _macros.html): a page with a digest that shows other tasks puts this of each in its digest."""
    i = t.inspection
    return (t.task.id, t.task.number, t.task.title, t.name, t.url, repr(t.task.deadline), t.status, t.status_label,
            t.overdue, t.overdue_since, t.late, t.behind_schedule, bool(t.stale_days), t.last_update, bool(t.followed_by),
            [(r.code, r.name) for r in t.regions], (i.id, i.label, i.title, i.feedback_on) if i else None)


def _entry_line(e: Any) -> tuple[Any, ...]:
    """Everything an entry of a task's or a complaint's timeline shows, its notice included."""
    return (e.date, e.status, e.label, e.note, e.progress, e.correction, e.closeout_exception, e.on_schedule,
            repr(e.documents), _notice_line(e.announcement) if e.announcement else None)


def _notice_line(n: Any) -> tuple[Any, ...]:
    """Everything a notice shows where another page lists it (notice_item and notice_data in _macros.html)."""
    return repr(n.ann), n.url, n.state, n.length_days


@dataclass(frozen=True)
class LookupPage:
    """One page of the look-up index: the references beginning with ``prefix`` ("" on lookup/ itself), as
    ``groups`` (a longer prefix and how many begin with it, each with its own page) and ``complaints`` (listed
    here)."""

    prefix: str
    groups: list[tuple[str, int]]
    complaints: list[ComplaintView]


def lookup_pages(complaints: Sequence[ComplaintView], limit: int = LOOKUP_PAGE_MAX) -> list[LookupPage]:
    """The look-up index in reference order: a page lists its references when there are at most ``limit``,
    else groups them by their next character; a group is named by what all its references share (so no
    page is a mere step to one other page), and a reference alone in its group is listed on the page itself.
    Worked on the references sorted once: a page's references are a range of them, and so is each of its groups
    (found by bisection), so a national index (150,000) costs a bisection per group, not a pass per character."""
    items = sorted(((normalize_ref(c.complaint.ref), c) for c in complaints), key=lambda item: item[0])
    refs = [ref for ref, _ in items]
    pages: list[LookupPage] = []

    def node(prefix: str, lo: int, hi: int) -> None:
        if hi - lo <= limit:
            pages.append(LookupPage(prefix, [], [c for _, c in items[lo:hi]]))
            return
        depth = len(prefix)
        here: list[int] = []  # the reference itself, then each one alone in its group: in reference order
        i = lo
        while i < hi and len(refs[i]) == depth:  # every reference here begins with prefix: this one is prefix
            here.append(i)
            i += 1
        groups: list[tuple[str, int]] = []
        while i < hi:
            code = ord(refs[i][depth])
            end = bisect.bisect_left(refs, prefix + chr(code + 1), i + 1, hi) if code < sys.maxunicode else hi
            if end - i == 1:
                here.append(i)
            else:
                shared = os.path.commonprefix([refs[i], refs[end - 1]])  # sorted: what the first and last share
                groups.append((shared, end - i))
                node(shared, i, end)
            i = end
        pages.append(LookupPage(prefix, groups, [items[k][1] for k in here]))

    node("", 0, len(items))
    return sorted(pages, key=lambda lp: lp.prefix)


def lookup_url(prefix: str) -> str:
    """The page of the look-up index for references beginning with ``prefix`` (a normalized reference's
    beginning, checked here before it becomes a folder; a Windows device name gets a "_")."""
    if prefix and not _REF_PREFIX.fullmatch(prefix):
        raise ValueError(f"not the beginning of a normalized complaint reference: {prefix!r}")
    return urls.lookup_index(prefix + "_" if prefix and path_name_problem(prefix) else prefix)


def write_data(portal: Portal, output: Path, base_url: str, jobs: incremental.Jobs,
               kept: incremental.KeptValues | None, complaint_fp: Callable[[ComplaintView], str]) -> None:
    """The open data and the manifest of its rows: each item's own JSON file queued on ``jobs`` now, the tables
    (data/*.csv, portal.json, portal.sqlite) and integrity/manifest.json written beside the build
    (incremental.Jobs.beside: in another process while the pages are queued, when that is worth it). ``kept`` holds
    the open data's parts kept between builds (opendata.ComplaintParts, keyed with ``complaint_fp``)."""
    data = opendata.DataFiles(portal, base_url, output, kept, complaint_fp, manifest.complaint_record)
    data.queue(jobs)

    def tables_and_manifest() -> None:
        written = data.write()
        manifest.write(portal, output, written.files, written.complaint_records)

    jobs.beside(tables_and_manifest, len(portal.complaints) + len(portal.tasks))


def write_files(portal: Portal, output: Path, feed_plan: feeds.FeedPlan, base_url: str, jobs: incremental.Jobs,
                complaint_fp: Callable[[ComplaintView], str] | None = None) -> None:
    """The emitters besides the pages and the open data (:func:`write_data`), in order: the reference look-up
    (lookup/*.json), the 繁體 search's Traditional→Simplified table (zh-hant/t2s.json), the search filters' values
    in order (search/order.json), the documents, the notices' calendars (*.ics) and the feeds (feeds/*.atom.xml,
    *.rss.xml, OPML). The feeds are written with the pages, through ``jobs``, and reused when unchanged."""
    write_as_of(portal, output)
    write_lookup(portal, output)
    search_assets.write_t2s_table(output)
    search_assets.write_order(portal, output)
    copy_documents(portal, output)
    ics.write_all(portal, output, base_url)
    feeds.write_all(portal, feed_plan, base_url, output, jobs, complaint_fp)


def write_as_of(portal: Portal, output: Path) -> None:
    """data/as-of.js: the data date, which prefs.js writes into the pages that do not carry it themselves
    (``site_date`` in _macros.html), so that those pages stay the same from one day's build to the next."""
    day = {"iso": portal.as_of.isoformat(), "text": cn_date(portal.as_of)}
    text = f"window.portalAsOf = {json.dumps(day, ensure_ascii=False)};\n"
    target = output / urls.AS_OF_SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def write_lookup(portal: Portal, output: Path) -> None:
    """lookup/<xx>.json: normalized complaint reference → page, sharded by the last two characters."""
    shards: dict[str, dict[str, str]] = {}
    for c in portal.complaints:
        ref = normalize_ref(c.complaint.ref)
        shards.setdefault(urls.lookup_shard(ref), {})[ref] = c.url
    for name, mapping in sorted(shards.items()):
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(mapping, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def copy_documents(portal: Portal, output: Path) -> None:
    """The documents' files (documents/<file>), as the content has them."""
    source = Path(portal.content.root) / "documents"
    for d in portal.documents:
        if d.file:
            target = output / urls.document_file(d.file)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / d.file, target)


def _source_digest(templates: Path) -> str:
    """The theme's templates and the portal's own code: rendering changes when either does."""
    files = sorted(templates.rglob("*.html"))
    return incremental.fingerprint(incremental.code_digest(),
                                   [(f.as_posix(), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files])

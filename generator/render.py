"""Stage 4, render: the derived :class:`Portal` → HTML pages through the theme and Pelican's writer.

Structured items never pass through Pelican's article pipeline: each page is one template
rendered from the models with Pelican's Jinja2 environment and written by Pelican's writer with
relative URLs (``SITEURL`` is "." on the home page, "../.." on tasks/R2-07/index.html).

Every template receives the common context below plus its own variables (see each ``write`` call):
``site`` (models.Site), ``portal`` (derive.Portal), ``as_of`` (date), ``nav`` (list of NavItem),
``page_url`` (this page's directory URL relative to the root), ``page_title``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from . import urls
from .derive import Portal
from .markup import cn_date, iso_date, render_markdown
from .models import CHANNEL_LABELS, COMPLAINT_STATUS_LABELS, OUTCOME_LABELS, TASK_STATUS_LABELS

PER_PAGE = 50


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


def install_filters(env: Any) -> None:
    env.filters.update({"cn_date": cn_date, "iso": iso_date, "markdown": render_markdown})
    env.globals.update(
        TASK_STATUS_LABELS=TASK_STATUS_LABELS,
        COMPLAINT_STATUS_LABELS=COMPLAINT_STATUS_LABELS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        OUTCOME_LABELS=OUTCOME_LABELS,
        urls=urls,
    )


class Renderer:
    def __init__(self, portal: Portal, env: Any, context: dict[str, Any], output_path: Path):
        self.portal = portal
        self.env = env
        self.output_path = Path(output_path)
        site = portal.content.site
        pages = sorted(portal.content.pages, key=lambda p: (p.order, p.slug))
        self.nav = [
            NavItem(urls.HOME, "首页"),
            NavItem(urls.TASKS, "整改任务"),
            NavItem(urls.COMPLAINTS, "信访举报"),
            NavItem(urls.ANNOUNCEMENTS, "销号公示"),
            NavItem(urls.REGIONS, "地区"),
            NavItem(urls.REPORTS, "进展报告"),
            NavItem(urls.DOCUMENTS, "文件"),
            *(NavItem(urls.page(p.slug), p.title) for p in pages),
        ]
        self.context = dict(context)
        configured = str(context.get("SITEURL") or "")
        absolute = site.site_url or (configured if configured.startswith(("http://", "https://")) else "")
        self.context.update(site=site, portal=portal, as_of=portal.as_of, nav=self.nav, SITE_ABS_URL=absolute.rstrip("/"))
        install_filters(env)

    def write(self, writer: Any, url: str, template: str, title: str, **kwargs: Any) -> None:
        writer.write_file(
            urls.page_file(url), self.env.get_template(template), self.context, relative_urls=True,
            page_url=url, page_title=title, **kwargs,
        )

    def paginate(self, writer: Any, url_of: Any, template: str, title: str, items: Sequence[Any], **kwargs: Any) -> None:
        count = max(1, -(-len(items) // PER_PAGE))
        page_urls = [url_of(n) for n in range(1, count + 1)]
        for n in range(1, count + 1):
            pager = Pager(n, count, items[(n - 1) * PER_PAGE : n * PER_PAGE], page_urls)
            shown = title if n == 1 else f"{title}（第{n}页）"
            self.write(writer, page_urls[n - 1], template, shown, pager=pager, **kwargs)

    def write_all(self, writer: Any) -> None:
        p = self.portal
        self.write(writer, urls.HOME, "home.html", p.content.site.title)
        self.write(writer, urls.TASKS, "tasks.html", "整改任务")
        self.write(writer, urls.TASKS_BY_REGION, "tasks_by_region.html", "整改任务（按地区）")
        for t in p.tasks:
            self.write(writer, t.url, "task.html", f"第{t.task.number}项 {t.task.title}", t=t)
        self.write(writer, urls.COMPLAINTS, "complaints.html", "信访举报办理情况")
        for batch, items in p.batches:
            self.paginate(writer, lambda n, b=batch.batch: urls.batch(b, n), "complaint_list.html",
                          f"第{batch.batch}批交办信访举报", items, batch=batch, region=None)
        for r in p.regions:
            self.paginate(writer, lambda n, c=r.region.code: urls.complaints_in_region(c, n), "complaint_list.html",
                          f"{r.region.name}信访举报", r.complaints, batch=None, region=r)
        for c in p.complaints:
            self.write(writer, c.url, "complaint.html", f"信访举报 {c.complaint.ref}", c=c)
        self.write(writer, urls.ANNOUNCEMENTS, "announcements.html", "销号公示")
        for n in p.notices:
            self.write(writer, n.url, "announcement.html", n.ann.title, n=n)
        self.write(writer, urls.REGIONS, "regions.html", "地区")
        for r in p.regions:
            self.write(writer, r.url, "region.html", r.region.name, r=r)
        reports = sorted(p.content.reports, key=lambda r: (r.date, r.slug), reverse=True)
        self.write(writer, urls.REPORTS, "reports.html", "进展报告", reports=reports)
        for report in reports:
            self.write(writer, urls.report(report.slug), "report.html", report.title, report=report)
        for page in p.content.pages:
            self.write(writer, urls.page(page.slug), "page.html", page.title, page=page)
        self.write(writer, urls.DOCUMENTS, "documents.html", "文件登记", documents=p.documents)
        self.copy_documents()

    def copy_documents(self) -> None:
        source = Path(self.portal.content.root) / "documents"
        for d in self.portal.documents:
            if d.file:
                target = self.output_path / urls.document_file(d.file)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / d.file, target)

"""Stage 2, check: rules and integrity across the loaded content.

Everything here compares loaded models with each other and with the build's as-of date; every
violation becomes a :class:`Problem` naming file, line and field. The rules are those of the
content contract (docs/content-format.md, "Rules").
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from generator.check import integrity, pii, rounds
from generator.errors import Problems, os_error_reason
from generator.incremental import KeptValues
from generator.load import reader as load
from generator.load.schema import did_you_mean
from generator.models import Acceptance, Announcement, Batch, Content, Document, HistoryEntry, Inspection, Node, Task

_N = TypeVar("_N", bound=Node)

# Which status may follow which; repeating a status is a progress update.
FIRST_STATUSES = {"planned", "in_progress", "ongoing", "completed"}
TRANSITIONS: dict[str, set[str]] = {
    "planned": {"planned", "in_progress", "ongoing", "completed"},
    "in_progress": {"in_progress", "completed", "ongoing"},
    "ongoing": {"ongoing", "in_progress", "completed"},
    "completed": {"completed", "accepted", "reopened"},
    "accepted": {"accepted", "closed", "reopened"},
    "closed": {"reopened"},
    "reopened": {"reopened", "in_progress", "completed"},
}
FILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def check(content: Content, as_of: dt.date, clean: KeptValues | None = None) -> Problems:
    """Return every rule violation in ``content`` as of ``as_of``; ``clean`` keeps which item files the
    personal-data scan found nothing in (check/pii.py)."""
    return Checker(content, as_of, clean).run()


class Checker:
    def __init__(self, content: Content, as_of: dt.date, clean: KeptValues | None = None):
        self.c = content
        self.as_of = as_of
        self.clean = clean
        self.p = Problems()
        self.regions = {r.code: r for r in content.regions}
        self.documents = {d.id: d for d in content.documents}
        self.tasks = {t.id: t for t in content.tasks}
        self.announcements = {a.id: a for a in content.announcements}

    def run(self) -> Problems:
        self.file_names()
        self.unique()
        self.site()
        self.region_tree()
        self.document_register()
        for task in self.c.tasks:
            self.task(task)
        self.complaints()
        rounds.check(self)
        for ann in self.c.announcements:
            self.announcement(ann)
        for report in self.c.reports:
            self.refs(report, "documents", report.documents, self.documents, "documents.yaml")
            self.not_future(report, "date", report.date)
        integrity.check(self.c, self.p)
        pii.scan(self.c, self.p, self.clean)
        return self.p

    # -- helpers -----------------------------------------------------------------------------

    def refs(self, item: Node, field_name: str, values: Iterable[str], known: Mapping[str, object], where: str) -> None:
        for i, value in enumerate(values):
            if value not in known and value not in self.c.unbuilt:
                hint = did_you_mean(value, known) or f"在 {where} 中添加它，或改正这个引用"
                name = field_name if isinstance(values, str) else f"{field_name}[{i}]"
                self.p.add(item.at(field_name), name, f"'{value}' 在 {where} 中不存在", hint)

    def ref(self, item: Node, field_name: str, value: str, known: Mapping[str, object], where: str,
            shown: str = "") -> None:
        if value and value not in known and value not in self.c.unbuilt:
            hint = did_you_mean(value, known) or f"在 {where} 中添加它，或改正这个引用"
            self.p.add(item.at(field_name), shown or field_name, f"'{value}' 在 {where} 中不存在", hint)

    def not_future(self, item: Node, field_name: str, value: dt.date | None, shown: str = "") -> None:
        if value and value > self.as_of:
            self.p.add(item.at(field_name), shown or field_name, f"{value} 晚于数据日期 {self.as_of}",
                       "只记录已经发生的事；如果日期没有写错，用更晚的 --as-of 日期检查和构建")

    # -- uniqueness --------------------------------------------------------------------------

    def file_names(self) -> None:
        """Each task, announcement and inspection lives in <id>.yaml, each complaint batch in <batch>.yaml."""
        named: list[Task | Announcement | Inspection] = [*self.c.tasks, *self.c.announcements, *self.c.inspections]
        for item in named:
            stem = Path(item.loc.file).stem
            if item.id != stem:
                self.p.add(item.at("id"), "id", f"编号 '{item.id}' 与文件名 '{Path(item.loc.file).name}' 不一致",
                           f"把文件改名为 {item.id}.yaml，或把 id 改为 {stem}")
        for batch in self.c.batches:
            stem = Path(batch.loc.file).stem
            if not stem.isdigit() or int(stem) != batch.batch:
                self.p.add(batch.at("batch"), "batch", f"批次号 {batch.batch} 与文件名 '{Path(batch.loc.file).name}' 不一致",
                           f"把文件命名为 {batch.batch}.yaml（前面可以补零）")

    def unique(self) -> None:
        def dupes(items: Sequence[_N], key: Callable[[_N], Hashable], field_name: str, what: str) -> None:
            seen: dict[Hashable, _N] = {}
            for item in items:
                k = key(item)
                if k in seen:
                    first = seen[k]
                    shown = getattr(item, field_name)
                    same = "" if shown == getattr(first, field_name) else \
                        f"；它与 '{getattr(first, field_name)}' 只有大小写不同，在 Windows 和 macOS 主机上是同一个文件名"
                    self.p.add(item.at(field_name), field_name, f"{what} '{shown}' 用了两次（第一次在 {first.at(field_name)}{same}）",
                               f"{what}不能重复；修改其中一个")
                else:
                    seen[k] = item

        dupes(self.c.regions, lambda r: r.code, "code", "行政区划代码")
        # ids become file names: two that differ only in case would overwrite each other on a case-blind file system
        dupes(self.c.documents, lambda d: d.id.casefold(), "id", "文件编号")
        dupes(self.c.tasks, lambda t: t.id.casefold(), "id", "任务编号")
        self.unique_numbers()
        dupes(self.c.inspections, lambda i: i.id.casefold(), "id", "督察编号")
        self.unique_batches()
        dupes([c for b in self.c.batches for c in b.complaints], lambda c: c.ref.upper(), "ref", "受理编号")
        dupes(self.c.announcements, lambda a: a.id.casefold(), "id", "公示编号")
        dupes(self.c.reports, lambda r: r.slug.casefold(), "slug", "报告的文件名")
        dupes(self.c.pages, lambda r: r.slug.casefold(), "slug", "页面的文件名")

    def unique_numbers(self) -> None:
        """Task numbers (序号 in the plan) are unique within a plan: each round's plan, and each province's plan,
        numbers its tasks from 1. Version 1 has one plan, so there they are unique in the whole folder."""
        seen: dict[tuple[str, str, int], Task] = {}
        for task in self.c.tasks:
            inspection, plan = self.c.inspection_of(task), self.c.plan_of(task)
            key = (inspection.id if inspection else task.inspection, plan.id if plan else task.plan, task.number)
            first = seen.setdefault(key, task)
            if first is not task:
                of = "" if not self.c.inspections else f"督察 '{key[0]}' 的方案 '{key[1]}' 中的" if key[1] \
                    else f"督察 '{key[0]}' 的"
                self.p.add(task.at("number"), "number",
                           f"{of}任务序号 '{task.number}' 用了两次（第一次在 {first.at('number')}）",
                           f"{of}任务序号不能重复；修改其中一个")

    def unique_batches(self) -> None:
        """Batch numbers are unique within an inspection: two rounds may both have a batch 1."""
        seen: dict[tuple[str, int], Batch] = {}
        for batch in self.c.batches:
            inspection = self.c.inspection_of(batch)
            key = (inspection.id if inspection else batch.inspection, batch.batch)
            first = seen.setdefault(key, batch)
            if first is not batch:
                of = f"督察 '{key[0]}' 的" if self.c.inspections else ""
                self.p.add(batch.at("batch"), "batch", f"{of}批次号 '{batch.batch}' 用了两次（第一次在 {first.at('batch')}）",
                           f"{of}批次号不能重复；修改其中一个")

    # -- site, regions, documents ------------------------------------------------------------

    def site(self) -> None:
        site = self.c.site
        if site.notice_min_days < 1:
            self.p.add(site.at("notice_min_days"), "notice_min_days", "至少为 1", "公示期最短天数在 1 到 366 天之间")
        if site.site_url and not re.match(r"^https?://[^\s/]+", site.site_url):
            self.p.add(site.at("site_url"), "site_url", f"'{site.site_url}' 不是以 http:// 或 https:// 开头的完整网址",
                       "例如写 https://zhenggai.example.gov.cn/，或不写这个字段")
        if site.plan:
            self.ref(site.plan, "document", site.plan.document, self.documents, "documents.yaml", "plan.document")
            self.not_future(site.plan, "approved_on", site.plan.approved_on, "plan.approved_on")

    def region_tree(self) -> None:
        roots = [r for r in self.c.regions if not r.parent]
        for region in self.c.regions:
            if region.parent:
                self.ref(region, "parent", region.parent, self.regions, "regions.yaml")
                if region.parent == region.code:
                    self.p.add(region.at("parent"), "parent", "地区不能是它自己的上级", "parent 写上级地区的代码")
        if self.c.regions and not roots:
            self.p.add(self.c.regions[0].loc, "parent", "每个地区都写了 parent，缺少最上级的地区", "省级地区不写 parent")
        # cycles: walk up from each region
        for region in self.c.regions:
            seen = {region.code}
            cur = region
            while cur.parent and cur.parent in self.regions:
                cur = self.regions[cur.parent]
                if cur.code in seen:
                    self.p.add(region.at("parent"), "parent", f"地区的上级关系绕成了一个圈，经过 '{cur.code}'",
                               "每个地区的 parent 都应指向更上一级的地区")
                    break
                seen.add(cur.code)

    def document_register(self) -> None:
        by_number: dict[str, list[Document]] = defaultdict(list)
        for d in self.c.documents:
            by_number[integrity.normalize_number(d.number)].append(d)
            self.not_future(d, "issued_on", d.issued_on)
            if d.file:
                self.document_file(d)
            elif d.sha256:
                self.p.add(d.at("sha256"), "sha256", "写了 sha256，却没有写 file", "添加 'file:'，或删除 sha256")
        for docs in by_number.values():
            for other in docs[1:]:
                differ = integrity.document_differences(docs[0], other)
                self.p.add(other.at("number"), "number",
                           f"文号 '{other.number.strip()}' 也是文件 '{docs[0].id}'（{docs[0].at('number')}）的文号"
                           + (f"；两者的 {'、'.join(differ)} 不同" if differ else ""),
                           "一个文号只对应一份文件；改正文号，或把两条合并为一条")

    def document_file(self, d: Document) -> None:
        if not FILE_NAME_RE.match(d.file) or ".." in d.file:
            self.p.add(d.at("file"), "file", f"'{d.file}' 不是单纯的文件名",
                       "把文件直接放在 content/documents/ 中，这里只写它的文件名（字母、数字和 . _ -）")
            return
        path = Path(self.c.root) / "documents" / d.file
        if not os.path.lexists(path):
            self.p.add(d.at("file"), "file", f"content/documents/{d.file} 不存在", "添加这个文件，或改正文件名")
            return
        try:
            actual = load.hash_content_file(Path(self.c.root), path)  # refuses links out of content/ and special files
        except load.RefusedFile as exc:
            self.p.add(d.at("file"), "file", f"content/documents/{d.file} {exc.refusal.message}", exc.refusal.hint)
            return
        except OSError as exc:
            self.p.add(d.at("file"), "file", f"content/documents/{d.file}：无法读取文件：{os_error_reason(exc)}",
                       "检查文件的读取权限")
            return
        if not d.sha256:
            self.p.add(d.at("file"), "sha256", "写了 file 就必须写 sha256", f"添加 sha256: {actual}")
            return
        if not SHA256_RE.match(d.sha256.lower()):
            self.p.add(d.at("sha256"), "sha256", "不是 SHA-256 摘要（64 位十六进制数）", "写 64 位十六进制字符（可用命令 sha256sum 计算）")
            return
        if actual != d.sha256.lower():
            self.p.add(d.at("sha256"), "sha256", f"与文件不符（文件的 sha256 是 {actual}）",
                       "文件在登记之后被改动过：请另外登记一份新文件，不要替换已登记的文件")

    # -- tasks -------------------------------------------------------------------------------

    def task(self, task: Task) -> None:
        self.refs(task, "regions", task.regions, self.regions, "regions.yaml")
        if not task.regions:
            self.p.add(task.at("regions"), "regions", "至少要写一个地区", "写涉及地区的 6 位行政区划代码")
        prev: HistoryEntry | None = None
        for i, entry in enumerate(task.history):
            name = f"history[{i}]"
            self.refs(entry, "documents", entry.documents, self.documents, "documents.yaml")
            self.ref(entry, "announcement", entry.announcement, self.announcements, "announcements/", f"{name}.announcement")
            self.not_future(entry, "date", entry.date, f"{name}.date")
            if prev and entry.date < prev.date:
                self.p.add(entry.at("date"), f"{name}.date", f"{entry.date} 早于前一条记录的日期（{prev.date}）",
                           "history 按时间从早到晚排列；要更正以前的记录，请在最后追加一条写有 'correction: <理由>' 的新记录")
            for doc_id in entry.documents:
                d = self.documents.get(doc_id)
                if d and d.issued_on and d.issued_on > entry.date:
                    self.p.add(entry.at("documents"), f"{name}.documents",
                               f"文件 '{doc_id}' 的日期是 {d.issued_on}，晚于这条记录（{entry.date}）",
                               "记录不能引用当时还不存在的文件")
            self.transition(task, i, prev, entry)
            if entry.status == "closed":
                self.closeout(task, i, entry)
            prev = entry
        for key in ("correction", "closeout_exception"):
            for i, entry in enumerate(task.history):
                if key in entry.lines and not getattr(entry, key).strip():
                    self.p.add(entry.at(key), f"history[{i}].{key}", "必须写明理由", f"写成 '{key}: <理由>'")

    def transition(self, task: Task, i: int, prev: HistoryEntry | None, entry: HistoryEntry) -> None:
        name = f"history[{i}].status"
        if prev is None:
            if entry.status not in FIRST_STATUSES and not entry.correction and not (entry.status == "closed" and entry.closeout_exception):
                self.p.add(entry.at("status"), name, f"history 不能以 '{entry.status}' 开始",
                           f"第一条记录的状态只能是：{'、'.join(sorted(FIRST_STATUSES))}")
            return
        allowed = TRANSITIONS[prev.status]
        if entry.status in allowed:
            return
        if prev.status == "closed":
            self.p.add(entry.at("status"), name, f"'closed' 之后是 '{entry.status}'",
                       "已销号（closed）之后只能是 'reopened'（并在 note 中写明原因）")
            return
        if entry.correction:
            return  # a correction may set any status (except after closed)
        if entry.status == "closed" and entry.closeout_exception:
            return
        hint = f"'{prev.status}' 之后只能是：{'、'.join(sorted(allowed))}"
        message = f"'{prev.status}' 不能变为 '{entry.status}'"
        if prev.status in ("completed", "accepted") and entry.status in ("in_progress", "planned", "ongoing"):
            message += "：已完成的工作又回到整改，却没有 'reopened' 记录（反弹）"
            hint += "；如果已完成的问题又出现了（反弹），添加一条 'reopened' 记录并写明原因"
        else:
            hint += "；要更正以前写错的记录，添加 'correction: <理由>'"
        self.p.add(entry.at("status"), name, message, hint)

    def closeout(self, task: Task, i: int, entry: HistoryEntry) -> None:
        name = f"history[{i}]"
        # never while the public may still object, not even with a closeout_exception
        for ann in self.c.announcements:
            if task.id in ann.tasks and ann.period.start <= entry.date <= ann.period.end:
                self.p.add(entry.at("date"), f"{name}.date",
                           f"{entry.date} 销号时，公示 {ann.id} 仍在公示期内（{ann.period.start} 至 {ann.period.end}）",
                           f"到 {ann.period.end} 当天结束前都可以提出异议：请在这一天之后销号")
        if entry.closeout_exception.strip():
            return
        since = task.round_start(before=i)  # the current round of work: since the last 'reopened' entry before this one
        accepted_before = any(e.status == "accepted" for e in task.history[since:i])
        if not accepted_before:
            again = f"（自 {task.history[since - 1].date} 重新整改以来）" if since else ""
            self.p.add(entry.at("status"), f"{name}.status", f"销号之前没有 'accepted'（已验收）记录{again}",
                       "验收之后才能销号，或写明 'closeout_exception: <理由>'")
        candidates = [self.announcements[entry.announcement]] if entry.announcement in self.announcements else [
            a for a in self.c.announcements if task.id in a.tasks]
        if entry.announcement and entry.announcement not in self.announcements:
            return  # already reported as a dangling reference
        reasons = []
        reopened_on = task.history[since - 1].date if since else None
        for ann in candidates:
            why = self.notice_fails(task, ann, entry.date, reopened_on)
            if not why:
                return
            reasons.append(f"{ann.id}：{why}")
        if not candidates:
            message = "销号时没有涵盖这项任务的销号公示"
            hint = "用 'announcement: <公示编号>' 写明公示（公示的 tasks 中须列有这项任务），或写明 'closeout_exception: <理由>'"
        else:
            message = "已销号，但没有一份公示符合销号规则（" + "；".join(reasons) + "）"
            hint = "公示期结束、且没有成立的异议之后才能销号，或写明 'closeout_exception: <理由>'"
        self.p.add(entry.at("announcement" if entry.announcement else "status"), f"{name}.{'announcement' if entry.announcement else 'status'}", message, hint)

    def notice_fails(self, task: Task, ann: Announcement, close_date: dt.date, reopened_on: dt.date | None = None) -> str:
        if task.id not in ann.tasks:
            return f"没有列出任务 {task.id}"
        if reopened_on and ann.period.start < reopened_on:
            return f"公示期从 {ann.period.start} 开始，早于任务重新整改的日期 {reopened_on}"
        if ann.period.end >= close_date:
            return f"公示期到 {ann.period.end} 结束，不早于销号日期 {close_date}"
        if ann.period.days < self.c.site.notice_min_days:
            return f"公示期只有 {ann.period.days} 天，少于 {self.c.site.notice_min_days} 天"
        if ann.objection_upheld:
            return "有异议成立"
        return ""

    def acceptance(self, ann: Announcement) -> None:
        """Every step of the acceptance has happened and follows the one before it; the notice publishes an
        acceptance already given, so its period starts on or after the deciding (last) step."""
        chain = isinstance(ann.acceptance, list)
        steps = ann.acceptance_steps
        for i, step in enumerate(steps):
            name = f"acceptance[{i}].date" if chain else "acceptance.date"
            self.not_future(step, "date", step.date, name)
            prev = steps[i - 1] if i else None
            if prev and step.date < prev.date:
                self.p.add(step.at("date"), name,
                           f"验收第 {i + 1} 步{_stage(step)}的日期 {step.date} 早于上一步{_stage(prev)}的日期 {prev.date}",
                           "验收的各个步骤按时间从早到晚排列（例如 县级验收 → 市级验收 → 行业审查 → 省级销号），"
                           "最后一步是决定性的验收；检查日期是否写错，或调整步骤的先后")
        last = ann.final_acceptance
        if last and ann.period.start < last.date:
            which = f"验收最后一步{_stage(last)}" if chain else "验收"
            self.p.add(ann.period.at("start"), "period.start",
                       f"公示期从 {ann.period.start} 开始，早于{which}的日期 {last.date}",
                       "公示的是已经通过的验收：公示期应在验收（有多个步骤时为最后一步）当天或之后开始；"
                       "检查公示期和验收日期是否写错")

    def revisions(self, ann: Announcement) -> None:
        """更正记录: each correction has happened, says what it corrected, and follows the one before it."""
        for i, rev in enumerate(ann.revisions):
            name = f"revisions[{i}]"
            self.not_future(rev, "date", rev.date, f"{name}.date")
            prev = ann.revisions[i - 1] if i else None
            if prev and rev.date < prev.date:
                self.p.add(rev.at("date"), f"{name}.date", f"{rev.date} 早于上一条更正记录的日期（{prev.date}）",
                           "更正记录按时间从早到晚排列，新的更正追加在最后；检查日期是否写错")
            if not rev.note.strip():
                self.p.add(rev.at("note"), f"{name}.note", "必须写明更正了什么",
                           "写成 'note: <更正内容>'，例如 更正验收日期（原为2023年12月1日）")

    # -- complaints --------------------------------------------------------------------------

    def complaints(self) -> None:
        for batch in self.c.batches:
            self.not_future(batch, "forwarded_on", batch.forwarded_on)
            for c in batch.complaints:
                self.refs(c, "region", c.region, self.regions, "regions.yaml")
                self.refs(c, "tasks", c.tasks, self.tasks, "tasks/")
                if not c.types:
                    self.p.add(c.at("types"), "types", "至少要写一种污染类型", "例如 types: [大气]")
                prev_date = batch.forwarded_on
                for i, u in enumerate(c.updates):
                    name = f"updates[{i}].date"
                    self.not_future(u, "date", u.date, name)
                    if u.date < prev_date:
                        self.p.add(u.at("date"), name, f"{u.date} 早于 {prev_date}",
                                   "updates 按时间从早到晚排列，并且不能早于这一批的交办日期")
                    prev_date = max(prev_date, u.date)

    # -- announcements -----------------------------------------------------------------------

    def announcement(self, ann: Announcement) -> None:
        self.refs(ann, "tasks", ann.tasks, self.tasks, "tasks/")
        if not ann.tasks:
            self.p.add(ann.at("tasks"), "tasks", "公示至少要涵盖一项任务", "在 tasks 中写上任务编号")
        self.refs(ann, "documents", ann.documents, self.documents, "documents.yaml")
        period = ann.period
        if period.end < period.start:
            self.p.add(period.at("end"), "period.end", f"结束日期（{period.end}）早于开始日期（{period.start}）",
                       "检查 start 和 end 是否写反")
        elif period.days < self.c.site.notice_min_days:
            self.p.add(period.at("end"), "period.end",
                       f"公示期为 {period.days} 天；至少需要 {self.c.site.notice_min_days} 天",
                       "最短天数见 site.yaml 的 notice_min_days；第一天和最后一天都计算在内")
        self.acceptance(ann)
        self.revisions(ann)
        outcome = ann.outcome
        if outcome:
            self.not_future(outcome, "decided_on", outcome.decided_on, "outcome.decided_on")
            if outcome.decided_on <= period.end:
                self.p.add(outcome.at("decided_on"), "outcome.decided_on",
                           f"认定日期 {outcome.decided_on} 不晚于公示期的最后一天（{period.end}）",
                           "公示期最后一天过后才能认定公示结果")
            if ann.objection_upheld:
                for task_id in ann.tasks:
                    task = self.tasks.get(task_id)
                    if task and ann.reopening(task) is None:
                        self.p.add(outcome.at("result"), "outcome.result",
                                   f"异议成立，但任务 {task_id} 在 {outcome.decided_on} 当天或之后没有 'reopened' 记录",
                                   f"在 tasks/{task_id}.yaml 中添加：{{date: …, status: reopened, note: 异议成立，重新整改}}")


def _stage(step: Acceptance) -> str:
    """（县级验收）: the name of an acceptance step for a message, or nothing when it has none."""
    return f"（{step.stage}）" if step.stage else ""

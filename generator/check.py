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
from pathlib import Path
from typing import Iterable

from . import integrity, load, pii
from .errors import Problems
from .models import Announcement, Content, HistoryEntry, Task
from .schema import did_you_mean

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


def check(content: Content, as_of: dt.date) -> Problems:
    """Return every rule violation in ``content`` as of ``as_of``."""
    return Checker(content, as_of).run()


def notice_days(ann: Announcement) -> int:
    """Length of a notice period in days, counting both ends."""
    return (ann.period.end - ann.period.start).days + 1


class Checker:
    def __init__(self, content: Content, as_of: dt.date):
        self.c = content
        self.as_of = as_of
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
        for ann in self.c.announcements:
            self.announcement(ann)
        for report in self.c.reports:
            self.refs(report, "documents", report.documents, self.documents, "documents.yaml")
            self.not_future(report, "date", report.date)
        integrity.check(self.c, self.p)
        pii.scan(self.c, self.p)
        return self.p

    # -- helpers -----------------------------------------------------------------------------

    def refs(self, item, field_name: str, values: Iterable[str], known: dict, where: str) -> None:  # type: ignore[no-untyped-def]
        for i, value in enumerate(values):
            if value not in known and value not in self.c.unbuilt:
                hint = did_you_mean(value, known) or f"add it to {where} or fix the reference"
                name = field_name if isinstance(values, str) else f"{field_name}[{i}]"
                self.p.add(item.at(field_name), name, f"'{value}' does not exist in {where}", hint)

    def ref(self, item, field_name: str, value: str, known: dict, where: str, shown: str = "") -> None:  # type: ignore[no-untyped-def]
        if value and value not in known and value not in self.c.unbuilt:
            hint = did_you_mean(value, known) or f"add it to {where} or fix the reference"
            self.p.add(item.at(field_name), shown or field_name, f"'{value}' does not exist in {where}", hint)

    def not_future(self, item, field_name: str, value: dt.date | None, shown: str = "") -> None:  # type: ignore[no-untyped-def]
        if value and value > self.as_of:
            self.p.add(item.at(field_name), shown or field_name, f"{value} is after the build date {self.as_of}",
                       "record only what has happened; build with a later --as-of if the date is right")

    # -- uniqueness --------------------------------------------------------------------------

    def file_names(self) -> None:
        """Each task and announcement lives in <id>.yaml, each complaint batch in <batch>.yaml."""
        for item in [*self.c.tasks, *self.c.announcements]:
            stem = Path(item.loc.file).stem
            if item.id != stem:
                self.p.add(item.at("id"), "id", f"id '{item.id}' does not match the file name '{Path(item.loc.file).name}'",
                           f"rename the file to {item.id}.yaml or change the id to {stem}")
        for batch in self.c.batches:
            stem = Path(batch.loc.file).stem
            if not stem.isdigit() or int(stem) != batch.batch:
                self.p.add(batch.at("batch"), "batch", f"batch {batch.batch} does not match the file name '{Path(batch.loc.file).name}'",
                           f"name the file {batch.batch}.yaml (leading zeros allowed)")

    def unique(self) -> None:
        def dupes(items, key, field_name, what):  # type: ignore[no-untyped-def]
            seen: dict = {}
            for item in items:
                k = key(item)
                if k in seen:
                    first = seen[k]
                    shown = getattr(item, field_name)
                    same = "" if shown == getattr(first, field_name) else \
                        f"; '{getattr(first, field_name)}' differs only in case, and names the same file on Windows and macOS hosts"
                    self.p.add(item.at(field_name), field_name, f"{what} '{shown}' is used twice (first at {first.at(field_name)}{same})",
                               "ids must be unique; rename one of them")
                else:
                    seen[k] = item

        dupes(self.c.regions, lambda r: r.code, "code", "region code")
        # ids become file names: two that differ only in case would overwrite each other on a case-blind file system
        dupes(self.c.documents, lambda d: d.id.casefold(), "id", "document id")
        dupes(self.c.tasks, lambda t: t.id.casefold(), "id", "task id")
        dupes(self.c.tasks, lambda t: t.number, "number", "task number")
        dupes(self.c.batches, lambda b: b.batch, "batch", "batch number")
        dupes([c for b in self.c.batches for c in b.complaints], lambda c: c.ref.upper(), "ref", "complaint reference")
        dupes(self.c.announcements, lambda a: a.id.casefold(), "id", "announcement id")
        dupes(self.c.reports, lambda r: r.slug.casefold(), "slug", "report file name")
        dupes(self.c.pages, lambda r: r.slug.casefold(), "slug", "page file name")

    # -- site, regions, documents ------------------------------------------------------------

    def site(self) -> None:
        site = self.c.site
        if site.notice_min_days < 1:
            self.p.add(site.at("notice_min_days"), "notice_min_days", "must be at least 1")
        if site.site_url and not re.match(r"^https?://[^\s/]+", site.site_url):
            self.p.add(site.at("site_url"), "site_url", f"'{site.site_url}' is not an absolute http(s) URL",
                       "write e.g. https://zhenggai.example.gov.cn/ or leave it out")
        if site.plan:
            self.ref(site.plan, "document", site.plan.document, self.documents, "documents.yaml", "plan.document")
            self.not_future(site.plan, "approved_on", site.plan.approved_on, "plan.approved_on")

    def region_tree(self) -> None:
        roots = [r for r in self.c.regions if not r.parent]
        for region in self.c.regions:
            if region.parent:
                self.ref(region, "parent", region.parent, self.regions, "regions.yaml")
                if region.parent == region.code:
                    self.p.add(region.at("parent"), "parent", "a region cannot be its own parent")
        if self.c.regions and not roots:
            self.p.add(self.c.regions[0].loc, "parent", "no region without a parent", "the province has no parent")
        # cycles: walk up from each region
        for region in self.c.regions:
            seen = {region.code}
            cur = region
            while cur.parent and cur.parent in self.regions:
                cur = self.regions[cur.parent]
                if cur.code in seen:
                    self.p.add(region.at("parent"), "parent", f"regions form a cycle through '{cur.code}'")
                    break
                seen.add(cur.code)

    def document_register(self) -> None:
        by_number: dict[str, list] = defaultdict(list)
        for d in self.c.documents:
            by_number[integrity.normalize_number(d.number)].append(d)
            self.not_future(d, "issued_on", d.issued_on)
            if d.file:
                self.document_file(d)
            elif d.sha256:
                self.p.add(d.at("sha256"), "sha256", "sha256 given without a file", "add 'file:' or remove sha256")
        for docs in by_number.values():
            for other in docs[1:]:
                differ = integrity.document_differences(docs[0], other)
                self.p.add(other.at("number"), "number",
                           f"文号 '{other.number.strip()}' also names document '{docs[0].id}' ({docs[0].at('number')})"
                           + (f"; they differ in {', '.join(differ)}" if differ else ""),
                           "one 文号 names exactly one document; correct the number or merge the entries")

    def document_file(self, d) -> None:  # type: ignore[no-untyped-def]
        if not FILE_NAME_RE.match(d.file) or ".." in d.file:
            self.p.add(d.at("file"), "file", f"'{d.file}' is not a plain file name",
                       "put the file directly in content/documents/ and give its name (letters, digits, . _ -)")
            return
        path = Path(self.c.root) / "documents" / d.file
        if not os.path.lexists(path):
            self.p.add(d.at("file"), "file", f"content/documents/{d.file} does not exist", "add the file or fix the name")
            return
        try:
            actual = load.hash_content_file(Path(self.c.root), path)  # refuses links out of content/ and special files
        except load.RefusedFile as exc:
            self.p.add(d.at("file"), "file", f"content/documents/{d.file} {exc.refusal.message}", exc.refusal.hint)
            return
        except OSError as exc:
            self.p.add(d.at("file"), "file", f"content/documents/{d.file}: cannot read file: {exc.strerror}")
            return
        if not d.sha256:
            self.p.add(d.at("file"), "sha256", "sha256 is required when file is given", f"sha256: {actual}")
            return
        if not SHA256_RE.match(d.sha256.lower()):
            self.p.add(d.at("sha256"), "sha256", "not a SHA-256 hex digest", "64 hexadecimal characters (sha256sum FILE)")
            return
        if actual != d.sha256.lower():
            self.p.add(d.at("sha256"), "sha256", f"does not match the file (file hashes to {actual})",
                       "the file changed after it was registered: publish a new document entry instead of replacing the file")

    # -- tasks -------------------------------------------------------------------------------

    def task(self, task: Task) -> None:
        self.refs(task, "regions", task.regions, self.regions, "regions.yaml")
        if not task.regions:
            self.p.add(task.at("regions"), "regions", "at least one region is required")
        prev: HistoryEntry | None = None
        for i, entry in enumerate(task.history):
            name = f"history[{i}]"
            self.refs(entry, "documents", entry.documents, self.documents, "documents.yaml")
            self.ref(entry, "announcement", entry.announcement, self.announcements, "announcements/", f"{name}.announcement")
            self.not_future(entry, "date", entry.date, f"{name}.date")
            if prev and entry.date < prev.date:
                self.p.add(entry.at("date"), f"{name}.date", f"{entry.date} is earlier than the entry before it ({prev.date})",
                           "history is oldest first; to correct an earlier entry, append a new entry with 'correction: <reason>'")
            for doc_id in entry.documents:
                d = self.documents.get(doc_id)
                if d and d.issued_on and d.issued_on > entry.date:
                    self.p.add(entry.at("documents"), f"{name}.documents",
                               f"document '{doc_id}' is dated {d.issued_on}, after this entry ({entry.date})",
                               "an entry cannot cite a document that did not exist yet")
            self.transition(task, i, prev, entry)
            if entry.status == "closed":
                self.closeout(task, i, entry)
            prev = entry
        for key in ("correction", "closeout_exception"):
            for i, entry in enumerate(task.history):
                if key in entry.lines and not getattr(entry, key).strip():
                    self.p.add(entry.at(key), f"history[{i}].{key}", "a reason is required", f"write '{key}: <reason>'")

    def transition(self, task: Task, i: int, prev: HistoryEntry | None, entry: HistoryEntry) -> None:
        name = f"history[{i}].status"
        if prev is None:
            if entry.status not in FIRST_STATUSES and not entry.correction and not (entry.status == "closed" and entry.closeout_exception):
                self.p.add(entry.at("status"), name, f"a history cannot start with '{entry.status}'",
                           f"start with one of: {', '.join(sorted(FIRST_STATUSES))}")
            return
        allowed = TRANSITIONS[prev.status]
        if entry.status in allowed:
            return
        if prev.status == "closed":
            self.p.add(entry.at("status"), name, f"'{entry.status}' after 'closed'",
                       "after closed only 'reopened' may follow (with a note saying why)")
            return
        if entry.correction:
            return  # a correction may set any status (except after closed)
        if entry.status == "closed" and entry.closeout_exception:
            return
        hint = f"after '{prev.status}' allowed: {', '.join(sorted(allowed))}"
        message = f"'{prev.status}' cannot change to '{entry.status}'"
        if prev.status in ("completed", "accepted") and entry.status in ("in_progress", "planned", "ongoing"):
            message += ": finished work went back to work without a 'reopened' entry (反弹)"
            hint += "; if finished work came back (反弹), add a 'reopened' entry with the reason"
        else:
            hint += "; to fix a wrong earlier entry, add 'correction: <reason>'"
        self.p.add(entry.at("status"), name, message, hint)

    def closeout(self, task: Task, i: int, entry: HistoryEntry) -> None:
        name = f"history[{i}]"
        # never while the public may still object, not even with a closeout_exception
        for ann in self.c.announcements:
            if task.id in ann.tasks and ann.period.start <= entry.date <= ann.period.end:
                self.p.add(entry.at("date"), f"{name}.date",
                           f"closed on {entry.date} while notice {ann.id} is still open ({ann.period.start} to {ann.period.end})",
                           f"objections may be raised until the end of {ann.period.end}: close out after that day")
        if entry.closeout_exception.strip():
            return
        # the current round of work: since the last 'reopened' entry before this one
        since = max((j + 1 for j, e in enumerate(task.history[:i]) if e.status == "reopened"), default=0)
        accepted_before = any(e.status == "accepted" for e in task.history[since:i])
        if not accepted_before:
            again = f" since it was reopened on {task.history[since - 1].date}" if since else ""
            self.p.add(entry.at("status"), f"{name}.status", f"closed without an earlier 'accepted' entry{again}",
                       "close out only after acceptance (验收), or give 'closeout_exception: <reason>'")
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
            reasons.append(f"{ann.id}: {why}")
        if not candidates:
            message = "closed without a close-out notice (公示) covering this task"
            hint = "name it with 'announcement: <id>' (its tasks must list this task), or give 'closeout_exception: <reason>'"
        else:
            message = "closed, but no notice satisfies the close-out rule (" + "; ".join(reasons) + ")"
            hint = "close out only after the notice period has ended without an upheld objection, or give 'closeout_exception: <reason>'"
        self.p.add(entry.at("announcement" if entry.announcement else "status"), f"{name}.{'announcement' if entry.announcement else 'status'}", message, hint)

    def notice_fails(self, task: Task, ann: Announcement, close_date: dt.date, reopened_on: dt.date | None = None) -> str:
        if task.id not in ann.tasks:
            return f"does not list task {task.id}"
        if reopened_on and ann.period.start < reopened_on:
            return f"its period began {ann.period.start}, before the task was reopened on {reopened_on}"
        if ann.period.end >= close_date:
            return f"its period ends {ann.period.end}, not before the close date {close_date}"
        if notice_days(ann) < self.c.site.notice_min_days:
            return f"its period is {notice_days(ann)} days, shorter than {self.c.site.notice_min_days}"
        if ann.outcome and ann.outcome.result == "objection_upheld":
            return "an objection was upheld"
        return ""

    # -- complaints --------------------------------------------------------------------------

    def complaints(self) -> None:
        for batch in self.c.batches:
            self.not_future(batch, "forwarded_on", batch.forwarded_on)
            for c in batch.complaints:
                self.refs(c, "region", c.region, self.regions, "regions.yaml")
                self.refs(c, "tasks", c.tasks, self.tasks, "tasks/")
                if not c.types:
                    self.p.add(c.at("types"), "types", "at least one pollution type is required")
                prev_date = batch.forwarded_on
                for i, u in enumerate(c.updates):
                    name = f"updates[{i}].date"
                    self.not_future(u, "date", u.date, name)
                    if u.date < prev_date:
                        self.p.add(u.at("date"), name, f"{u.date} is earlier than {prev_date}",
                                   "updates are oldest first and not before the batch was forwarded")
                    prev_date = max(prev_date, u.date)

    # -- announcements -----------------------------------------------------------------------

    def announcement(self, ann: Announcement) -> None:
        self.refs(ann, "tasks", ann.tasks, self.tasks, "tasks/")
        if not ann.tasks:
            self.p.add(ann.at("tasks"), "tasks", "a notice must cover at least one task")
        self.refs(ann, "documents", ann.documents, self.documents, "documents.yaml")
        period = ann.period
        if period.end < period.start:
            self.p.add(period.at("end"), "period.end", f"ends ({period.end}) before it starts ({period.start})")
        elif notice_days(ann) < self.c.site.notice_min_days:
            self.p.add(period.at("end"), "period.end",
                       f"the notice period is {notice_days(ann)} days; at least {self.c.site.notice_min_days} are required",
                       "notice_min_days in site.yaml; both the first and the last day count")
        if ann.acceptance:
            self.not_future(ann.acceptance, "date", ann.acceptance.date, "acceptance.date")
        outcome = ann.outcome
        if outcome:
            self.not_future(outcome, "decided_on", outcome.decided_on, "outcome.decided_on")
            if outcome.decided_on <= period.end:
                self.p.add(outcome.at("decided_on"), "outcome.decided_on",
                           f"decided on {outcome.decided_on}, before the notice period ended ({period.end})",
                           "an outcome can only be decided after the last day of the notice period")
            if outcome.result == "objection_upheld":
                for task_id in ann.tasks:
                    task = self.tasks.get(task_id)
                    if task and not any(e.status == "reopened" and e.date >= outcome.decided_on for e in task.history):
                        self.p.add(outcome.at("result"), "outcome.result",
                                   f"objection upheld, but task {task_id} has no 'reopened' entry on or after {outcome.decided_on}",
                                   f"add to tasks/{task_id}.yaml: {{date: …, status: reopened, note: 异议成立，重新整改}}")

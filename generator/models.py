"""Typed models of the content format (version 2; version-1 content is a subset of it).

Every model is a dataclass whose fields are exactly the fields a publisher may write; the loader
(:mod:`generator.load.schema`) builds them from YAML by reading these type hints, so this module *is*
the schema. Field metadata: ``doc`` is a one-line description (docs/content-format.md has the full
text), ``kind`` marks values validated beyond their type: "id" (becomes a path), "region", "file" (a
document file name), "email", "phone", "url" for text; "serial", "count", "days" for the range of a
number (:data:`generator.load.schema.INT_RANGES`). Text is single-line unless its kind is "text"
(multi-line plain prose) or "markdown"; :mod:`generator.load.schema` lists what each kind allows. A
``dict[str, str]`` field (``extra``) maps labels to single-line text.
``loc`` and ``lines`` are filled by the loader and are not content fields.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, Literal, TypeVar, overload

from generator.errors import Location

TaskStatus = Literal["planned", "in_progress", "completed", "accepted", "closed", "reopened", "ongoing"]
ComplaintStatus = Literal["done", "partly_done", "handling"]
Channel = Literal["phone", "letter", "online"]
Substantiated = Literal["属实", "基本属实", "部分属实", "不属实"]
PollutionType = Literal["大气", "水", "噪声", "固废", "土壤", "生态破坏", "农业农村", "海洋", "核与辐射", "其他"]
OutcomeResult = Literal["no_objection", "objections_rejected", "objection_upheld"]
InspectionKind = Literal["central", "lookback", "provincial", "special", "warning_film"]

V1_INSPECTION = "main"  # the id of the one inspection of version-1 content (site.yaml's inspection and plan)

INSPECTION_KIND_LABELS: dict[str, str] = {
    "central": "中央生态环境保护督察",
    "lookback": "中央生态环境保护督察“回头看”",
    "provincial": "省级生态环境保护督察",
    "special": "专项督察",
    "warning_film": "长江、黄河生态环境警示片",
}

TASK_STATUS_LABELS: dict[str, str] = {
    "planned": "未启动",
    "in_progress": "整改中",
    "completed": "已完成（待验收）",
    "accepted": "已验收",
    "closed": "已销号",
    "reopened": "重新整改",
    "ongoing": "长期坚持",
}
DONE_STATUSES = frozenset({"completed", "accepted", "closed"})  # the work is finished (已完成)
COMPLAINT_STATUS_LABELS: dict[str, str] = {"done": "已办结", "partly_done": "阶段性办结", "handling": "正在办理"}
PROGRESS_LABEL = "进展"  # a history entry or complaint update that repeats the status before it: no change
CHANNEL_LABELS: dict[str, str] = {"phone": "来电", "letter": "来信", "online": "网络"}
OUTCOME_LABELS: dict[str, str] = {
    "no_objection": "公示期内未收到异议",
    "objections_rejected": "收到异议，经核查不成立",
    "objection_upheld": "异议成立，重新整改",
}
NOTICE_STATE_LABELS: dict[str, str] = {"upcoming": "即将公示", "open": "正在公示", "closed": "公示已结束"}  # as of a date
ITEM_KIND_LABELS: dict[str, str] = {"task": "整改任务", "complaint": "信访举报", "notice": "销号公示"}


_T = TypeVar("_T")


@overload
def doc(text: str, kind: str = "", *, default: _T) -> _T: ...
@overload
def doc(text: str, kind: str = "", *, factory: Callable[[], _T]) -> _T: ...
@overload
def doc(text: str, kind: str = "") -> Any: ...
def doc(text: str, kind: str = "", default: Any = MISSING, factory: Callable[[], Any] | None = None) -> Any:
    """A dataclass field with a description (and optionally a validation kind). Typed as
    :func:`dataclasses.field` is: as the field's value, so that the class's annotations stay the types."""
    meta = {"doc": text, "kind": kind}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    if default is not MISSING:
        return field(default=default, metadata=meta)
    return field(metadata=meta)


@dataclass(kw_only=True)
class Node:
    """Base of every model: where it was read from."""

    loc: Location = field(default=Location("?"), metadata={"internal": True}, compare=False, repr=False)
    lines: dict[str, int] = field(default_factory=dict, metadata={"internal": True}, compare=False, repr=False)

    def at(self, name: str) -> Location:
        """The location of field ``name`` (or of this item when the field was not written)."""
        return Location(self.loc.file, self.lines.get(name, self.loc.line))


def content_fields(cls: type) -> list[Field[Any]]:
    """The fields a publisher writes (not the loader's bookkeeping)."""
    return [f for f in fields(cls) if not f.metadata.get("internal")]


def is_required(f: Field[Any]) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


@dataclass(frozen=True)
class Deadline:
    """整改时限: a date, a year (due at its end), 长期坚持 (standing) or 立行立改 (immediately)."""

    kind: Literal["date", "standing", "immediate"]
    date: dt.date | None = None
    text: str = ""


# --- site.yaml -------------------------------------------------------------------------------

@dataclass
class Contact(Node):
    phone: str = doc("telephone for objections and questions", kind="phone", default="")
    email: str = doc("e-mail address", kind="email", default="")
    address: str = doc("postal address", default="")


@dataclass
class Plan(Node):
    title: str = doc("title of the approved rectification plan")
    approved_on: dt.date = doc("date the plan was approved")
    document: str = doc("id of the plan in documents.yaml", default="")
    id: str = doc("identifier of the plan; needed when an inspection has several plans (one per province)",
                  kind="id", default="")
    region: str = doc("code of the province (or other region) the plan binds; absent in a portal of one province",
                      kind="region", default="")


@dataclass
class Site(Node):
    title: str = doc("name of the portal")
    publisher: str = doc("publishing authority (发布机关)")
    inspection: str = doc("the inspection round, e.g. 第二轮中央生态环境保护督察", default="")
    site_url: str = doc("absolute URL where the site is published (feeds and QR codes need it)", kind="url", default="")
    plan: Plan | None = doc("the rectification plan", default=None)
    contact: Contact = doc("default channels for objections", factory=Contact)
    notice_min_days: int = doc("minimum length in days of a close-out notice period", kind="days", default=5)
    sample: bool = doc("true when the content is fictional sample data (every page says so)", default=False)
    description: str = doc("one paragraph shown on the home page", kind="text", default="")
    licence: str = doc("licence of the open data (shown on the 数据下载 page and in every download)", kind="text", default="")
    site_code: str = doc("网站标识码, the government website identifier (footer)", default="")
    icp: str = doc("ICP备案号, the ICP filing number (footer, linked to beian.miit.gov.cn)", default="")
    police_record: str = doc("公安机关备案号, the public security filing number (footer)", default="")
    sponsor: str = doc("主办单位, the unit that runs the site (footer)", default="")
    operator: str = doc("承办单位, the unit that operates the site (footer)", default="")


# --- inspections/<id>.yaml (version 2) ------------------------------------------------------------

@dataclass
class Stay(Node):
    start: dt.date = doc("first day the inspection team stayed in the province (进驻)")
    end: dt.date = doc("last day of the stay")


@dataclass
class Inspection(Node):
    id: str = doc("identifier, equals the file name", kind="id")
    kind: InspectionKind = doc("central | lookback (回头看) | provincial | special | warning_film (警示片)")
    title: str = doc("e.g. 第三轮中央生态环境保护督察")
    short: str = doc("the short name listings and search filters use (轮次), e.g. 第三轮; default: the title",
                     default="")
    team: str = doc("the inspection team, e.g. 中央第四生态环境保护督察组", default="")
    stay: Stay | None = doc("the stay (进驻), from – to", default=None)
    feedback_on: dt.date | None = doc("date the inspectors fed their findings back (反馈)", default=None)
    plans: list[Plan] = doc("the rectification plan(s) the inspection led to, one per province it binds", factory=list)
    description: str = doc("one paragraph shown on the inspection's page", kind="text", default="")

    @property
    def label(self) -> str:
        return self.short or self.title

    @property
    def started_on(self) -> dt.date | None:
        """When the inspection began (its stay, else its feedback): rounds are ordered by it."""
        return self.stay.start if self.stay else self.feedback_on


# --- regions.yaml, documents.yaml -------------------------------------------------------------

@dataclass
class Region(Node):
    code: str = doc("6-digit GB/T 2260 code", kind="region")
    name: str = doc("name of the region")
    parent: str = doc("code of the enclosing region; absent for the province", kind="region", default="")


@dataclass
class Document(Node):
    id: str = doc("identifier used in references", kind="id")
    number: str = doc("文号, the official document number")
    title: str = doc("title of the document")
    issuer: str = doc("issuing authority", default="")
    issued_on: dt.date | None = doc("date of issue", default=None)
    file: str = doc("file name under content/documents/", kind="file", default="")
    sha256: str = doc("SHA-256 of the file (required with file)", default="")


# --- tasks/<id>.yaml --------------------------------------------------------------------------

@dataclass
class HistoryEntry(Node):
    date: dt.date = doc("date of the status change or progress report")
    status: TaskStatus = doc("status from this date on")
    note: str = doc("what happened", kind="text", default="")
    on_schedule: bool | None = doc("false: 未达到序时进度 (behind schedule)", default=None)
    documents: list[str] = doc("ids of documents that support this entry", factory=list)
    announcement: str = doc("id of the close-out notice (for status closed)", default="")
    correction: str = doc("reason, when this entry corrects an earlier one", kind="text", default="")
    closeout_exception: str = doc("reason for closing without the notice rule (shown publicly)", kind="text", default="")


@dataclass
class Task(Node):
    id: str = doc("identifier, equals the file name", kind="id")
    number: int = doc("序号 in the plan", kind="serial")
    title: str = doc("short title")
    problem: str = doc("督察反馈问题, Markdown", kind="markdown")
    deadline: Deadline = doc("整改时限: YYYY-MM-DD, a year, 长期坚持 or 立行立改")
    regions: list[str] = doc("codes of the regions concerned", kind="region")
    responsible_units: list[str] = doc("责任单位")
    target: str = doc("整改目标", kind="text", default="")
    measures: list[str] = doc("整改措施", kind="text", factory=list)
    supervising_units: list[str] = doc("督导单位", factory=list)
    acceptance_unit: str = doc("验收销号单位", default="")
    history: list[HistoryEntry] = doc("status history, oldest first, append-only", factory=list)
    extra: dict[str, str] = doc("其他信息: columns an import profile keeps (保留), label → one-line text", factory=dict)
    inspection: str = doc("id of the inspection whose feedback this task answers (version 2; needed when there are "
                          "several)", kind="id", default="")
    plan: str = doc("id of the plan, when the inspection has several", kind="id", default="")
    follows: list[str] = doc("ids of tasks of earlier inspections this one takes up again (the problem came back)",
                             kind="id", factory=list)

    @property
    def due(self) -> dt.date | None:
        """The dated deadline (a year is due on its 31 December); None for 长期坚持 and 立行立改."""
        return self.deadline.date if self.deadline.kind == "date" else None

    def round_start(self, before: int | None = None) -> int:
        """Where the current round of work begins: the index in ``history`` just after the last 'reopened'
        entry before index ``before`` (in the whole history when None); 0 when the task was not reopened.
        "Since the last reopening" means ``history[round_start(i):i]``: the one place this rule is written."""
        entries = self.history if before is None else self.history[:before]
        return max((i + 1 for i, e in enumerate(entries) if e.status == "reopened"), default=0)


# --- complaints/<batch>.yaml ------------------------------------------------------------------

@dataclass
class Penalties(Node):
    orders: int = doc("责令整改 (number of enterprises ordered to rectify)", kind="count", default=0)
    fines_wan_yuan: float = doc("罚款金额 in 万元", kind="count", default=0.0)
    cases: int = doc("立案处罚 (cases filed for penalties)", kind="count", default=0)
    interviews: int = doc("约谈 (official interviews)", kind="count", default=0)
    accountable_persons: int = doc("问责 (persons held accountable)", kind="count", default=0)


@dataclass
class ComplaintUpdate(Node):
    date: dt.date = doc("date of the status change")
    status: ComplaintStatus = doc("status from this date on")
    note: str = doc("what happened", kind="text", default="")


@dataclass
class Complaint(Node):
    ref: str = doc("受理编号, unique across batches", kind="id")
    channel: Channel = doc("phone 来电 | letter 来信 | online 网络")
    region: list[str] = doc("code of the region, or a list for a joint case (合办件)", kind="region")
    types: list[PollutionType] = doc("污染类型, one or more")
    summary: str = doc("交办问题基本情况", kind="text")
    status: ComplaintStatus = doc("办结状态 when the batch was reported")
    priority: bool = doc("重点关注", default=False)
    findings: str = doc("调查核实情况", kind="text", default="")
    substantiated: Substantiated | None = doc("是否属实", default=None)
    handling: str = doc("处理和整改情况", kind="text", default="")
    accountability: str = doc("责任追究情况", kind="text", default="")
    penalties: Penalties | None = doc("penalty counts", default=None)
    tasks: list[str] = doc("ids of related rectification tasks", factory=list)
    updates: list[ComplaintUpdate] = doc("later status changes, oldest first", factory=list)
    extra: dict[str, str] = doc("其他信息: columns an import profile keeps (保留), label → one-line text", factory=dict)
    repeats: list[str] = doc("受理编号 of earlier complaints this one repeats (重复件)", kind="id", factory=list)


@dataclass
class Batch(Node):
    batch: int = doc("batch number (批次), equals the file name", kind="serial")
    forwarded_on: dt.date = doc("date the batch was forwarded (交办)")
    complaints: list[Complaint] = doc("the complaints of this batch", factory=list)
    inspection: str = doc("id of the inspection that forwarded it (version 2); in complaints/<inspection>/ the folder "
                          "says it", kind="id", default="")


# --- announcements/<id>.yaml ------------------------------------------------------------------

@dataclass
class Period(Node):
    start: dt.date = doc("first day of the notice period")
    end: dt.date = doc("last day of the notice period (inclusive)")

    @property
    def days(self) -> int:
        """The length of the notice period in days, counting both the first and the last day: the one
        place this rule is written."""
        return (self.end - self.start).days + 1


@dataclass
class Acceptance(Node):
    """An acceptance (验收), or one step of a chain of them (县级验收 → 市级验收 → 行业审查 → 省级销号)."""

    unit: str = doc("unit that carried out the acceptance (验收)")
    date: dt.date = doc("date of acceptance")
    opinion: str = doc("acceptance opinion", kind="text", default="")
    stage: str = doc("the step of the procedure this is, free text, e.g. 县级验收, 市级验收, 行业审查, 省级销号",
                     default="")


@dataclass
class Outcome(Node):
    decided_on: dt.date = doc("date the outcome was decided")
    result: OutcomeResult = doc("no_objection | objections_rejected | objection_upheld")
    note: str = doc("reasons and what follows", kind="text", default="")


@dataclass
class Revision(Node):
    """更正记录: one correction of a notice already published, as the publisher records it."""

    date: dt.date = doc("date the correction was published")
    note: str = doc("what was corrected, shown publicly", kind="text")


@dataclass
class Announcement(Node):
    id: str = doc("identifier, equals the file name", kind="id")
    title: str = doc("title of the notice")
    tasks: list[str] = doc("ids of the tasks it covers")
    period: Period = doc("the notice period")
    summary: str = doc("整改完成情况, Markdown", kind="markdown", default="")
    acceptance: Acceptance | list[Acceptance] | None = doc(
        "the acceptance: one mapping, or a list of steps in date order (验收链)", default=None)
    documents: list[str] = doc("ids of evidence documents", factory=list)
    contact: Contact | None = doc("overrides site.yaml contact", default=None)
    outcome: Outcome | None = doc("absent while undecided", default=None)
    revisions: list[Revision] = doc("更正记录: each correction of the published notice, oldest first", factory=list)

    @property
    def last_changed(self) -> dt.date:
        """The day the notice as published last changed: the date of its last correction (更正记录), else its
        publication date (发布日期), the first day of its period. The calendar file stamps itself with it."""
        return self.revisions[-1].date if self.revisions else self.period.start

    @property
    def acceptance_steps(self) -> list[Acceptance]:
        """The steps of the acceptance, earliest first: one for the one-mapping form, none without acceptance."""
        if self.acceptance is None:
            return []
        return self.acceptance if isinstance(self.acceptance, list) else [self.acceptance]

    @property
    def final_acceptance(self) -> Acceptance | None:
        """The deciding step: the last of a chain, the only one of a single acceptance; None without acceptance.
        The rules that date the acceptance, and the open data's acceptance columns, read this step."""
        steps = self.acceptance_steps
        return steps[-1] if steps else None

    @property
    def objection_upheld(self) -> bool:
        """The outcome upheld an objection: the notice does not allow closing out its tasks."""
        return self.outcome is not None and self.outcome.result == "objection_upheld"

    def reopening(self, task: Task) -> dt.date | None:
        """The rule "objection upheld → reopened", written once: when this notice upheld an objection, each
        of its tasks goes back to work with a 'reopened' entry dated on or after the decision. The date of
        ``task``'s first such entry; None when it has none or no objection was upheld."""
        if self.outcome is None or not self.objection_upheld:
            return None
        decided = self.outcome.decided_on
        return next((e.date for e in task.history if e.status == "reopened" and e.date >= decided), None)


# --- reports/*.md, pages/*.md -----------------------------------------------------------------

@dataclass
class Report(Node):
    title: str = doc("title of the report")
    date: dt.date = doc("date of the report")
    summary: str = doc("one-line summary for listings", default="")
    documents: list[str] = doc("ids of related documents", factory=list)
    inspection: str = doc("id of the inspection the report is about (version 2): its figures box shows that "
                          "inspection's figures", kind="id", default="")
    slug: str = field(default="", metadata={"internal": True})
    body: str = field(default="", metadata={"internal": True})


@dataclass
class Page(Node):
    title: str = doc("title of the page")
    order: int = doc("position in the navigation (smaller first)", default=100)
    summary: str = doc("one-line summary", default="")
    slug: str = field(default="", metadata={"internal": True})
    body: str = field(default="", metadata={"internal": True})


@dataclass
class Content:
    """Everything loaded from one content/ folder."""

    root: str
    site: Site
    regions: list[Region]
    documents: list[Document]
    tasks: list[Task]
    batches: list[Batch]
    announcements: list[Announcement]
    reports: list[Report]
    pages: list[Page]
    unbuilt: set[str] = field(default_factory=set)  # ids of items left out because of problems
    inspections: list[Inspection] = field(default_factory=list)  # content/inspections/ (version 2)
    # item file (as named in Location) → a digest of the code and of its bytes, for the files that loaded without a
    # problem under a load cache (load/cache.py); the check stage keeps what it found clean by it
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> int:
        """2 when the content has inspections/ (several rounds possible), else 1 (one inspection in site.yaml)."""
        return 2 if self.inspections else 1

    @functools.cached_property
    def rounds(self) -> list[Inspection]:
        """Every inspection, earliest first (by stay, else feedback, then id). Version-1 content has one: the
        inspection and plan of site.yaml, with the id :data:`V1_INSPECTION`. Made once per content, so that
        every task and batch of version-1 content answers the same Inspection."""
        if self.inspections:
            return sorted(self.inspections, key=lambda i: (i.started_on or dt.date.max, i.id))
        site = self.site
        plans = [site.plan] if site.plan else []
        return [Inspection(id=V1_INSPECTION, kind="central", title=site.inspection, plans=plans)]

    def inspection_of(self, item: Task | Batch) -> Inspection | None:
        """The inspection a task or batch answers: the one it names, else the only one; None when it names
        none of several (the checker reports that)."""
        if item.inspection:
            return self._rounds_by_id.get(item.inspection)
        rounds = self.rounds
        return rounds[0] if len(rounds) == 1 else None

    @functools.cached_property
    def _rounds_by_id(self) -> dict[str, Inspection]:
        """:attr:`rounds` by id, the first of a repeated id (the checker reports repeats); asked for every item."""
        by_id: dict[str, Inspection] = {}
        for i in self.rounds:
            by_id.setdefault(i.id, i)
        return by_id

    def task_number(self, task: Task) -> str:
        """How a task is numbered for readers: 第7项, or 第三轮·第7项 when the portal holds several inspections (every
        round numbers its tasks from 1)."""
        inspection = self.inspection_of(task) if self.version == 2 else None
        return f"{inspection.label}·第{task.number}项" if inspection else f"第{task.number}项"

    def batch_name(self, batch: Batch) -> str:
        """How a batch is named for readers: 第3批, or 第三轮·第3批 when the portal holds several inspections."""
        inspection = self.inspection_of(batch) if self.version == 2 else None
        return f"{inspection.label}·第{batch.batch}批" if inspection else f"第{batch.batch}批"

    def plan_of(self, task: Task) -> Plan | None:
        """The plan that binds a task: the one of its inspection it names, else that inspection's only plan."""
        inspection = self.inspection_of(task)
        if inspection is None:
            return None
        if task.plan:
            return next((p for p in inspection.plans if p.id == task.plan), None)
        return inspection.plans[0] if len(inspection.plans) == 1 else None

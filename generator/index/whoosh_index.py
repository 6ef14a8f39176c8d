"""Stage 5, index (offline): a whoosh index of tasks, complaints and notices for `portal search`.

Chinese text is segmented with jieba's ChineseAnalyzer. The index lives outside output/ (default
``.cache/search-index``) and is updated incrementally: every item carries a digest of what is
indexed about it, and only items whose digest changed are re-indexed; items that disappeared are
removed. Every item is filed under the inspection(s) it answers (:func:`rounds_of`), so that a search
can keep to one round; when the content has several rounds, the browser search offers the same as its
轮次 filter.
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import nh3

from generator.derive.events import complaint_title
from generator.derive.views import ComplaintView, Portal, RegionView, enclosing
from generator.errors import UsageError
from generator.markup import normalize_ref, render_markdown
from generator.models import COMPLAINT_STATUS_LABELS, ITEM_KIND_LABELS, TASK_STATUS_LABELS, Inspection

SCHEMA_VERSION = "2"  # change when the schema changes: the index is then made afresh
ROUND_FILTER = "轮次"


@dataclass(frozen=True)
class SearchDoc:
    key: str  # "task:R2-07"
    kind: str  # task | complaint | notice
    item_id: str
    title: str
    text: str  # everything else that is searchable, as plain text (Markdown fields as their words read)
    regions: tuple[str, ...]  # codes of its regions and every region enclosing them
    region_names: tuple[str, ...]
    status: str  # status key (in_progress, done, open …)
    status_label: str
    path: str  # the page, relative to the site root
    filters: tuple[tuple[str, str], ...] = ()  # (name, value) for the browser search's filters, in Chinese
    home: str = ""  # the first region it names: where the browser search files it (pagefind.plan)

    @property
    def digest(self) -> str:
        values = tuple(getattr(self, f.name) for f in fields(self))  # str and tuples of str: repr is complete
        return hashlib.sha256(repr(values).encode("utf-8")).hexdigest()


def _with_ancestors(by_code: dict[str, RegionView], codes: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(codes, names) of the regions ``codes`` and every region enclosing them, by code."""
    views = sorted(enclosing(by_code, codes), key=lambda v: v.region.code)
    return tuple(v.region.code for v in views), tuple(v.region.name for v in views)


def doc_key(kind: str, item_id: str) -> str:
    """A SearchDoc's key: "task:R2-07", "complaint:D3SX…", "notice:…"."""
    return f"{kind}:{item_id}"


def rounds_of(portal: Portal, only: set[str] | None = None,
              kinds: tuple[str, ...] = ("task", "complaint", "notice")) -> dict[str, tuple[Inspection, ...]]:
    """The inspection(s) each item answers, by SearchDoc key (``only``: of those keys; ``kinds``: of those kinds):
    a task's own, a complaint's batch's, the inspections of a notice's tasks (earliest first)."""
    content = portal.content
    order = {i.id: n for n, i in enumerate(content.rounds)}
    out: dict[str, tuple[Inspection, ...]] = {}
    for t in portal.tasks if "task" in kinds else ():
        key = doc_key("task", t.task.id)
        if only is None or key in only:
            out[key] = (t.inspection,) if t.inspection else ()
    for c in portal.complaints if "complaint" in kinds else ():
        key = doc_key("complaint", c.complaint.ref)
        if only is None or key in only:
            inspection = content.inspection_of(c.batch)
            out[key] = (inspection,) if inspection else ()
    for n in portal.notices if "notice" in kinds else ():
        key = doc_key("notice", n.ann.id)
        if only is None or key in only:
            found = {t.inspection.id: t.inspection for t in n.tasks if t.inspection}
            out[key] = tuple(sorted(found.values(), key=lambda i: order.get(i.id, len(order))))
    return out


def complaint_doc(portal: Portal, c: ComplaintView, rounds: list[tuple[str, str]]) -> SearchDoc:
    """What is searchable about a complaint (``rounds``: its round filters, :func:`complaint_rounds`). Made of the
    complaint and its batch as written (their file), the regions register and the inspections' labels only:
    pagefind.plan keeps it by those (``complaint_docs_context``)."""
    m = c.complaint
    codes, names = _with_ancestors(portal.region_by_code, m.region)
    text = [m.ref, m.summary, m.findings, m.handling, m.accountability, m.substantiated or "", *m.types,
            *(u.note for u in m.updates), c.batch_name, *names]
    return SearchDoc(doc_key("complaint", m.ref), "complaint", m.ref, complaint_title(m), "\n".join(text),
                     codes, names, c.status, COMPLAINT_STATUS_LABELS[c.status], c.url,
                     _filters("complaint", names, COMPLAINT_STATUS_LABELS[c.status],
                              [("污染类型", kind) for kind in m.types] + [("批次", f"第{c.batch.batch}批")] + rounds),
                     _first(m.region))


def complaint_rounds(portal: Portal, c: ComplaintView) -> list[tuple[str, str]]:
    """A complaint's round filter (its batch's inspection) when the portal holds more than one inspection."""
    if len(portal.content.rounds) <= 1:
        return []
    inspection = portal.content.inspection_of(c.batch)
    return [(ROUND_FILTER, inspection.label)] if inspection else []


def complaint_docs_context(portal: Portal) -> str:
    """Everything a complaint's document is made of besides its own file (:func:`complaint_doc`)."""
    content = portal.content
    return hashlib.sha256(repr((content.version, content.regions, [(i.id, i.label) for i in content.rounds]))
                          .encode("utf-8")).hexdigest()


def documents(portal: Portal, only: set[str] | None = None,
              kinds: tuple[str, ...] = ("task", "complaint", "notice")) -> Iterator[SearchDoc]:
    """What is searchable about each task, complaint and notice (``only``: those whose key is in it; ``kinds``:
    of those kinds). With more than one inspection, each item's filters name its round(s) (轮次, the
    inspection's label)."""
    # complaints' rounds: complaint_rounds, one definition for planning and indexing
    rounds = rounds_of(portal, only, tuple(k for k in kinds if k != "complaint")) if len(portal.content.rounds) > 1 else {}

    def round_filters(key: str) -> list[tuple[str, str]]:
        return [(ROUND_FILTER, i.label) for i in rounds.get(key, ())]

    for t in portal.tasks if "task" in kinds else ():
        task = t.task
        key = doc_key("task", task.id)
        if only is not None and key not in only:
            continue
        codes, names = _with_ancestors(portal.region_by_code, task.regions)
        text = [_plain(task.problem), task.target, *task.measures, *task.responsible_units, *task.supervising_units,
                task.acceptance_unit, *(e.note for e in task.history), *names]
        yield SearchDoc(key, "task", task.id, t.name, "\n".join(text),
                        codes, names, t.status, TASK_STATUS_LABELS[t.status], t.url,
                        _filters("task", names, TASK_STATUS_LABELS[t.status], round_filters(key)),
                        _first(task.regions))
    for c in portal.complaints if "complaint" in kinds else ():
        key = doc_key("complaint", c.complaint.ref)
        if only is not None and key not in only:
            continue
        yield complaint_doc(portal, c, complaint_rounds(portal, c))  # as pagefind.planned makes it
    for n in portal.notices if "notice" in kinds else ():
        a = n.ann
        key = doc_key("notice", a.id)
        if only is not None and key not in only:
            continue
        notice_regions = [code for t in n.tasks for code in t.task.regions]
        codes, names = _with_ancestors(portal.region_by_code, notice_regions)
        text = [_plain(a.summary), *(t.task.title for t in n.tasks), "\n".join(s.opinion for s in a.acceptance_steps), *names]
        yield SearchDoc(key, "notice", a.id, a.title, "\n".join(text), codes, names,
                        n.state, n.state_label, n.url, _filters("notice", names, n.state_label, round_filters(key)),
                        _first(notice_regions))


def _plain(markdown: str) -> str:
    """The text of a Markdown field as a reader sees it (no ``**``, ``-`` or link syntax), one block a line."""
    text = html.unescape(nh3.clean(render_markdown(markdown), tags=set()))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _first(codes: list[str]) -> str:
    return codes[0] if codes else ""


def _filters(kind: str, region_names: tuple[str, ...], status_label: str,
             more: list[tuple[str, str]] | None = None) -> tuple[tuple[str, str], ...]:
    return (("类型", ITEM_KIND_LABELS[kind]), *(("地区", name) for name in region_names), ("状态", status_label), *(more or []))



# -- the whoosh index -------------------------------------------------------------------------


def _quiet_jieba() -> None:
    """jieba logs its dictionary loading at DEBUG level on every first use; keep that off the terminal."""
    import jieba

    jieba.setLogLevel(logging.WARNING)


def _schema() -> Any:  # a whoosh.fields.Schema (whoosh has no type hints)
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields

    analyzer = ChineseAnalyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kind=fields.ID(stored=True),
        item_id=fields.ID(stored=True),
        ref=fields.ID(),  # the normalized complaint reference, for exact look-up
        title=fields.TEXT(stored=True, analyzer=analyzer, field_boost=3.0),
        text=fields.TEXT(analyzer=analyzer),
        regions=fields.KEYWORD(stored=True, commas=True),
        inspections=fields.KEYWORD(commas=True),  # ids of the inspections it answers
        status=fields.ID(stored=True),
        status_label=fields.ID(stored=True),
        path=fields.STORED(),
        digest=fields.STORED(),
    )


@dataclass(frozen=True)
class UpdateReport:
    updated: int
    removed: int
    unchanged: int

    def __str__(self) -> str:
        return f"search index: {self.updated} added or changed, {self.removed} removed, {self.unchanged} unchanged"


def update(index_dir: Path, portal: Portal) -> UpdateReport:
    """Bring the index in ``index_dir`` up to date with ``portal``, re-indexing only what changed."""
    from whoosh import index

    _quiet_jieba()
    index_dir = Path(index_dir)
    marker = index_dir / "portal-schema"
    fresh = not (index.exists_in(str(index_dir)) and marker.is_file() and marker.read_text() == SCHEMA_VERSION)
    if fresh:
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(index_dir), _schema())
        marker.write_text(SCHEMA_VERSION)
    else:
        ix = index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        known = {fields["key"]: fields["digest"] for fields in searcher.all_stored_fields()}
    rounds = {key: ",".join(i.id for i in found) for key, found in rounds_of(portal).items()}
    docs = {d.key: d for d in documents(portal)}
    digests = {key: hashlib.sha256(f"{d.digest} {rounds.get(key, '')}".encode()).hexdigest() for key, d in docs.items()}
    changed = [d for key, d in docs.items() if known.get(key) != digests[key]]
    gone = [key for key in known if key not in docs]
    if changed or gone:
        writer = ix.writer()
        for key in gone:
            writer.delete_by_term("key", key)
        for d in changed:
            writer.update_document(
                key=d.key, kind=d.kind, item_id=d.item_id, ref=normalize_ref(d.item_id) if d.kind == "complaint" else "",
                title=d.title, text=d.text, regions=",".join(d.regions), inspections=rounds.get(d.key, ""),
                status=d.status, status_label=d.status_label, path=d.path, digest=digests[d.key],
            )
        writer.commit()
    return UpdateReport(len(changed), len(gone), len(docs) - len(changed))


@dataclass(frozen=True)
class Hit:
    kind: str
    item_id: str
    title: str
    status_label: str
    path: str


def search(index_dir: Path, portal: Portal, query: str, kind: str = "", region: str = "", status: str = "",
           limit: int = 20, inspection: str = "") -> list[Hit]:
    """Search the index. ``region`` is a code or a name (items inside it match too); ``status`` a key
    or its Chinese label; ``inspection`` an inspection's id or label (第三轮); a complaint reference number
    (in any case or width) is found exactly."""
    from whoosh import index, qparser
    from whoosh import query as q

    _quiet_jieba()
    ix = index.open_dir(str(index_dir))
    filters: list[Any] = []  # whoosh queries
    if kind:
        if kind not in ITEM_KIND_LABELS:
            raise UsageError(f"--kind：“{kind}”不是可选的类别；可选：{'、'.join(ITEM_KIND_LABELS)}")
        filters.append(q.Term("kind", kind))
    if region:
        code = next((r.region.code for r in portal.regions if region in (r.region.code, r.region.name)), None)
        if code is None:
            raise UsageError(f"--region：没有代码或名称是“{region}”的行政区域\n    提示：写 regions.yaml 中的区域代码或名称")
        filters.append(q.Term("regions", code))
    if status:
        filters.append(q.Or([q.Term("status", status), q.Term("status_label", status)]))
    if inspection:
        rounds = portal.content.rounds
        chosen = next((i.id for i in rounds if inspection in (i.id, i.label)), None)
        if chosen is None:
            known = "、".join(f"{i.id}（{i.label}）" for i in rounds)
            raise UsageError(f"--inspection：没有编号或简称是“{inspection}”的督察；可选：{known}\n"
                             "    提示：写上面可选的编号或简称之一")
        filters.append(q.Term("inspections", chosen))
    parser = qparser.MultifieldParser(["title", "text"], schema=ix.schema, group=qparser.AndGroup)
    text_query = parser.parse(query)
    ref = normalize_ref(query)
    combined = q.Or([q.Term("ref", ref, boost=100.0), text_query]) if ref else text_query
    if filters:
        combined = q.And([combined, *filters])
    with ix.searcher() as searcher:
        results = searcher.search(combined, limit=limit)
        return [Hit(r["kind"], r["item_id"], r["title"], r["status_label"], r["path"]) for r in results]

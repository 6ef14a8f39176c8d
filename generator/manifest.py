"""Tamper evidence: ``integrity/manifest.json`` and ``portal verify OLD NEW``.

The manifest of a build holds

- ``records``: the SHA-256 of a canonical JSON of every published record (task, complaint, notice,
  document entry), and for tasks also of each field, so that a change can be named;
- ``files``: the SHA-256 of every published document file;
- ``events``: every event of the change history (:mod:`generator.events`), oldest first, each with
  the SHA-256 of its content (for a task history entry, a complaint update or a notice outcome this
  includes the entry as written) and a ``chain`` value: SHA-256 of the previous chain value, the
  event's key and its hash, so each link covers every event before it; ``chain_head`` is the last.

Everything is derived from the content and the as-of date only, so the manifest is deterministic.

Canonical JSON: keys sorted, no insignificant white space, UTF-8 (not \\u escapes), dates as
YYYY-MM-DD, empty values (null, "", [], {}) left out. Hashes are lower-case hex.

:func:`verify` compares two builds (folders, or http(s) URLs of the site roots): every event of OLD
must still be in NEW with the same hash (history is corrected by new entries, never rewritten), every
document file of OLD must still be published with the same bytes, and each manifest must be
internally consistent (its chain recomputes, its files hash as listed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import urls
from .errors import PortalError
from .models import Node, content_fields

if TYPE_CHECKING:
    from .derive import Portal
    from .events import Event

FORMAT = 1
GENESIS = "0" * 64


def plain(value: Any) -> Any:
    """A model value as plain JSON data (content fields only, empty values left out)."""
    if isinstance(value, Node):
        names = [f.name for f in content_fields(type(value))]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)]
    elif isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    elif isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    elif isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    else:
        return value
    out = {}
    for name in names:
        v = plain(getattr(value, name))
        if v is None or v == "" or v == [] or v == {}:
            continue
        out[name] = v
    return out


def canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def link(previous: str, key: str, event_hash: str) -> str:
    """One link of the chain: covers the previous link, the event's key and its hash."""
    return hashlib.sha256(f"{previous}\n{key}\n{event_hash}".encode("utf-8")).hexdigest()


def _event_source(portal: "Portal", e: "Event", complaints: dict, notices: dict) -> Any:
    """The entry an event was made from, as written (so that e.g. a document added to a past history
    entry changes the event's hash)."""
    parts = e.key.split("/")
    try:
        if parts[0] == "task" and parts[2] == "history":
            return plain(portal.task_by_id[parts[1]].task.history[int(parts[3])])
        if parts[0] == "complaint" and parts[2] == "update":
            return plain(complaints[parts[1]].complaint.updates[int(parts[3])])
        if parts[0] == "notice" and parts[2] == "outcome":
            return plain(notices[parts[1]].ann.outcome)
    except (KeyError, IndexError, ValueError):
        return None
    return None


def event_data(portal: "Portal", e: "Event", complaints: dict, notices: dict) -> dict[str, Any]:
    data = {"key": e.key, "date": e.date.isoformat(), "kind": e.kind, "item": e.item_id, "tag": e.tag,
            "from": e.from_label, "to": e.to_label, "note": e.note, "source": _event_source(portal, e, complaints, notices)}
    return {k: v for k, v in data.items() if v not in (None, "")}


def build(portal: "Portal", documents_dir: Path) -> dict[str, Any]:
    """The manifest of a build (see the module docstring)."""
    tasks = {}
    for t in sorted(portal.tasks, key=lambda t: t.task.id):
        data = plain(t.task)
        tasks[t.task.id] = {"sha256": digest(data), "fields": {k: digest(v) for k, v in sorted(data.items()) if k != "history"}}
    complaints = {}
    for c in sorted(portal.complaints, key=lambda c: c.complaint.ref):
        data = plain(c.complaint)
        data["batch"], data["forwarded_on"] = c.batch.batch, c.batch.forwarded_on.isoformat()
        complaints[c.complaint.ref] = digest(data)
    notices = {n.ann.id: digest(plain(n.ann)) for n in sorted(portal.notices, key=lambda n: n.ann.id)}
    documents = {d.id: digest(plain(d)) for d in sorted(portal.documents, key=lambda d: d.id)}
    files = {}
    for d in sorted(portal.documents, key=lambda d: d.id):
        if d.file:
            files[urls.document_file(d.file)] = {"document": d.id,
                                                 "sha256": hashlib.sha256((documents_dir / d.file).read_bytes()).hexdigest()}
    events = []
    chain = GENESIS
    by_ref = {c.complaint.ref: c for c in portal.complaints}
    by_id = {n.ann.id: n for n in portal.notices}
    for e in reversed(portal.events):  # portal.events is newest first
        h = digest(event_data(portal, e, by_ref, by_id))
        chain = link(chain, e.key, h)
        events.append({"key": e.key, "date": e.date.isoformat(), "sha256": h, "chain": chain})
    return {
        "format": FORMAT,
        "as_of": portal.as_of.isoformat(),
        "hash": "sha256 of canonical JSON (sorted keys, compact, UTF-8, empty values omitted); "
                "chain = sha256(previous chain + '\\n' + key + '\\n' + sha256), starting from 64 zeros",
        "records": {"tasks": tasks, "complaints": complaints, "notices": notices, "documents": documents},
        "files": files,
        "events": events,
        "chain_head": chain,
    }


def write(portal: "Portal", output: Path) -> None:
    data = build(portal, Path(portal.content.root) / "documents")
    target = output / urls.MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8") + b"\n")


# -- portal verify -----------------------------------------------------------------------------

def _is_url(where: str) -> bool:
    return where.startswith(("http://", "https://"))


def _read(where: str, rel: str) -> bytes:
    """A file of a built site: ``where`` is a folder or the URL of the site's root."""
    if _is_url(where):
        url = urllib.parse.urljoin(where if where.endswith("/") else where + "/", rel)
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise FileNotFoundError(f"{url}: {getattr(exc, 'reason', exc)}") from None
    path = Path(where) / rel
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileNotFoundError(f"{path}: {exc.strerror}") from None


def load(where: str) -> dict[str, Any]:
    try:
        raw = _read(where, urls.MANIFEST)
    except FileNotFoundError as exc:
        raise PortalError(f"cannot read the manifest of {where}: {exc} (was the site built by a portal with integrity/manifest.json?)") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PortalError(f"{where}: {urls.MANIFEST} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("events"), list):
        raise PortalError(f"{where}: {urls.MANIFEST} is not a manifest of format {FORMAT}")
    return data


@dataclass
class Report:
    old: str
    new: str
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not self.failures

    def format(self) -> str:
        lines = [f"verify {self.old} → {self.new}", self.summary]
        if self.failures:
            lines.append(f"{len(self.failures)} problem{'s' if len(self.failures) != 1 else ''}: published history or documents were changed")
            lines += [f"  {x}" for x in self.failures]
        if self.warnings:
            lines.append(f"{len(self.warnings)} note{'s' if len(self.warnings) != 1 else ''} (not failures; check them):")
            lines += [f"  {x}" for x in self.warnings]
        lines.append("ok: every published event and document of the old site is unchanged in the new one" if self.ok
                     else "FAILED: the new site rewrites what the old one published")
        return "\n".join(x for x in lines if x)


def _self_check(name: str, where: str, m: dict[str, Any], report: Report) -> None:
    chain = GENESIS
    for e in m["events"]:
        chain = link(chain, str(e.get("key")), str(e.get("sha256")))
        if e.get("chain") != chain:
            report.failures.append(f"{name} manifest: hash chain broken at event {e.get('key')} (the manifest was edited)")
            break
    else:
        if m.get("chain_head") != chain:
            report.failures.append(f"{name} manifest: chain_head does not match its events (the manifest was edited)")
    for rel, info in sorted((m.get("files") or {}).items()):
        try:
            actual = hashlib.sha256(_read(where, rel)).hexdigest()
        except FileNotFoundError:
            report.failures.append(f"{name} site: document file {rel} is listed in its manifest but missing")
            continue
        if actual != info.get("sha256"):
            report.failures.append(f"{name} site: document file {rel} does not match its manifest (bytes changed after the build)")


def verify(old_where: str, new_where: str) -> Report:
    """Compare two built sites; see the module docstring."""
    old, new = load(old_where), load(new_where)
    report = Report(old_where, new_where)
    _self_check("old", old_where, old, report)
    _self_check("new", new_where, new, report)

    new_events = {e["key"]: e for e in new["events"]}
    for e in old["events"]:
        other = new_events.get(e["key"])
        if other is None:
            report.failures.append(f"event removed: {e['key']} ({e['date']}); past history must stay, corrected by a new entry")
        elif other["sha256"] != e["sha256"]:
            report.failures.append(f"event changed: {e['key']} ({e['date']}); past history must stay, corrected by a new entry")
    old_as_of = old.get("as_of", "")
    old_keys = {e["key"] for e in old["events"]}
    for e in new["events"]:
        if e["key"] not in old_keys and e["date"] <= old_as_of and e["key"].split("/")[2:3] != ["overdue"]:
            report.warnings.append(f"new event dated {e['date']}, on or before the old site's data date {old_as_of}: {e['key']} (recorded late?)")

    old_files, new_files = old.get("files") or {}, new.get("files") or {}
    new_by_doc = {info.get("document"): (rel, info) for rel, info in new_files.items()}
    for rel, info in sorted(old_files.items()):
        now = new_files.get(rel)
        if now is None:
            moved = new_by_doc.get(info.get("document"))
            if moved and moved[1].get("sha256") != info.get("sha256"):
                report.failures.append(f"document {info.get('document')}: file bytes changed ({rel} → {moved[0]})")
            elif not moved:
                report.failures.append(f"document {info.get('document')}: file {rel} is no longer published")
        elif now.get("sha256") != info.get("sha256"):
            report.failures.append(f"document {info.get('document')}: file bytes changed ({rel})")

    old_records, new_records = old.get("records", {}), new.get("records", {})
    for kind in ("tasks", "complaints", "notices", "documents"):
        before, after = old_records.get(kind, {}), new_records.get(kind, {})
        for key in sorted(before):
            if key not in after:
                report.failures.append(f"{kind[:-1]} {key}: no longer published")
            elif kind == "tasks":
                changed = [f for f, h in before[key].get("fields", {}).items() if after[key].get("fields", {}).get(f) != h]
                if changed:
                    report.warnings.append(f"task {key}: {', '.join(changed)} changed without a history entry")
            elif kind != "complaints" and before[key] != after[key]:
                report.warnings.append(f"{kind[:-1]} {key}: record changed")
    added = len(new["events"]) - sum(1 for e in new["events"] if e["key"] in old_keys)
    report.summary = (f"old: {len(old['events'])} events as of {old_as_of}; new: {len(new['events'])} events as of "
                      f"{new.get('as_of', '')}, {added} added")
    return report

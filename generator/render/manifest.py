"""Tamper evidence: ``integrity/manifest.json`` and ``portal verify OLD NEW``.

The manifest of a build (format 2) holds

- ``records``: for every published record — task, complaint, close-out notice, document entry,
  region, progress report and page — the SHA-256 of a canonical JSON of the record (``sha256``);
  for the kinds without their own JSON file (documents, regions, reports, pages) also of each of its
  fields (``fields``): a field holding an object is hashed per key, a list per element, anything else
  as a whole. Tasks, complaints and notices publish every field in their own JSON file, whose hash
  is in ``data``; verify compares their fields there (which keeps a national manifest small);
- ``files``: the SHA-256 of every published document file;
- ``data``: the SHA-256 of every published data file (``data/*.csv``, ``data/*.json``,
  ``data/portal.sqlite``) and of every item's own JSON file (``data/tasks/<id>.json`` …);
- ``events``: every event of the change history (:mod:`generator.derive.events`), oldest first, each with
  the SHA-256 of its content (for a task history entry, a complaint update or a notice outcome this
  includes the entry as written) and a ``chain`` value: SHA-256 of the previous chain value, the
  event's key and its hash, so each link covers every event before it; ``chain_head`` is the last.

Everything is derived from the content and the as-of date only, so the manifest is deterministic.

Canonical JSON: keys sorted, no insignificant white space, UTF-8 (not \\u escapes), dates as
YYYY-MM-DD, empty values (null, "", [], {}) left out. Hashes are lower-case hex.

:func:`verify` compares two builds (folders, or http(s) URLs of the site roots). It treats both
manifests as untrusted input: their shape is validated first (else "not a portal manifest"), and
every file they name is read only inside the site it belongs to (:class:`Site`). Then

- each manifest must be consistent with itself and its own site: its chain recomputes, and every
  document file and data file it lists hashes as listed (so a site rewritten after the build, or
  one that republishes an older manifest, fails);
- every event of OLD must still be in NEW with the same hash (history is corrected by new entries,
  never rewritten), every document file of OLD must still be published with the same bytes;
- every record of OLD must still be in NEW, and no field OLD published may differ in NEW (in the
  manifest's field hashes, or in the items' own JSON files of both sites): a field may only be added
  (written for the first time), an object field may only gain keys and a list field may only gain
  elements; history (task entries, complaint updates) only grows, as events. Anything else is a
  rewrite, named by kind, id and field. Pages (关于本站 …) are not history: their changes are notes.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
import hashlib
import http.client
import json
import os
import re
import stat
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from generator import urls
from generator.errors import PortalError, UsageError
from generator.models import Node, content_fields

if TYPE_CHECKING:
    from generator.derive.views import ComplaintView, Event, NoticeView, Portal

FORMAT = 2
READABLE_FORMATS = (1, 2)  # format 1: older sites (no data hashes, field hashes for tasks only)
GENESIS = "0" * 64


def plain(value: Any) -> Any:
    """A model value as plain JSON data (content fields only, empty values left out)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    names = _field_names(type(value))
    if names is None:
        return value
    out = {}
    for name in names:
        v = plain(getattr(value, name))
        if v is None or v == "" or v == [] or v == {}:
            continue
        out[name] = v
    return out


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields :func:`plain` writes of an instance of ``cls``; None for a value that is not a record."""
    if cls not in _FIELD_NAMES:
        if issubclass(cls, Node):
            _FIELD_NAMES[cls] = tuple(f.name for f in content_fields(cls))
        elif dataclasses.is_dataclass(cls):
            _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
        else:
            _FIELD_NAMES[cls] = None
    return _FIELD_NAMES[cls]


# one encoder for every canonical text: json.dumps with these options makes a new JSONEncoder on each call, which
# was a third of the cost of the manifest's 1.2 million small texts at national size
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(data: Any) -> bytes:
    return _CANONICAL.encode(data).encode("utf-8")


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def link(previous: str, key: str, event_hash: str) -> str:
    """One link of the chain: covers the previous link, the event's key and its hash."""
    return hashlib.sha256(f"{previous}\n{key}\n{event_hash}".encode()).hexdigest()


def _event_source(portal: Portal, e: Event, complaints: dict[str, ComplaintView],
                  notices: dict[str, NoticeView]) -> Any:
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


def event_data(portal: Portal, e: Event, complaints: dict[str, ComplaintView],
               notices: dict[str, NoticeView]) -> dict[str, Any]:
    data = {"key": e.key, "date": e.date.isoformat(), "kind": e.kind, "item": e.item_id, "tag": e.tag,
            "from": e.from_label, "to": e.to_label, "note": e.note, "source": _event_source(portal, e, complaints, notices)}
    return {k: v for k, v in data.items() if v not in (None, "")}


# -- the manifest of a build -------------------------------------------------------------------

# kind → its name in messages
KINDS: dict[str, str] = {
    "tasks": "整改任务（task）",
    "complaints": "信访举报（complaint）",
    "notices": "销号公示（notice）",
    "documents": "文件登记（document）",
    "regions": "地区（region）",
    "reports": "进展报告（report）",
    "pages": "页面（page）",
}
NOT_HISTORY = frozenset({"pages"})  # a page (关于本站 …) may be edited: its changes are notes, not failures
# Kinds with their own JSON file (data/tasks/<id>.json …): every field they publish is in it, and that
# file's hash is in ``data``, so their fields are compared there (:func:`item_fields`) and the manifest
# holds only the hash of the whole record, which keeps a national manifest small.
ITEM_KINDS = ("tasks", "complaints", "notices")


def record_entry(data: dict[str, Any]) -> dict[str, Any]:
    """``sha256`` of the whole record and the hashes of its fields (objects per key, lists per element)."""
    fields: dict[str, Any] = {}
    for name, value in sorted(data.items()):
        if isinstance(value, dict):
            fields[name] = {k: digest(v) for k, v in sorted(value.items())}
        elif isinstance(value, list):
            fields[name] = [digest(v) for v in value]
        else:
            fields[name] = digest(value)
    return {"sha256": digest(data), "fields": fields}


def _with_body(node: Any) -> dict[str, Any]:
    """A report or page: its front matter, slug and text."""
    data: dict[str, Any] = plain(node)
    data.update({k: v for k, v in (("slug", node.slug), ("body", node.body)) if v})
    return data


def complaint_record(c: ComplaintView) -> str:
    """The SHA-256 of a complaint's record: the complaint as written, with its batch's number and date."""
    data = plain(c.complaint)
    data["batch"], data["forwarded_on"] = c.batch.batch, c.batch.forwarded_on.isoformat()
    return digest(data)


def records(portal: Portal, complaint_records: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Every published record by kind and id (see the module docstring); ``complaint_records``: the complaints'
    hashes (:func:`complaint_record`) by reference when they are already known (the open data's kept parts)."""
    out: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    for t in sorted(portal.tasks, key=lambda t: t.task.id):
        out["tasks"][t.task.id] = {"sha256": digest(plain(t.task))}  # the fields: in data/tasks/<id>.json
    known = complaint_records or {}
    for c in sorted(portal.complaints, key=lambda c: c.complaint.ref):
        ref = c.complaint.ref
        out["complaints"][ref] = {"sha256": known[ref] if ref in known else complaint_record(c)}
    for n in sorted(portal.notices, key=lambda n: n.ann.id):
        out["notices"][n.ann.id] = {"sha256": digest(plain(n.ann))}
    for d in sorted(portal.documents, key=lambda d: d.id):
        out["documents"][d.id] = record_entry(plain(d))
    for r in sorted(portal.regions, key=lambda r: r.region.code):
        out["regions"][r.region.code] = record_entry(plain(r.region))
    for report in sorted(portal.content.reports, key=lambda r: r.slug):
        out["reports"][report.slug] = record_entry(_with_body(report))
    for page in sorted(portal.content.pages, key=lambda p: p.slug):
        out["pages"][page.slug] = record_entry(_with_body(page))
    return out


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def data_tables(version: int = 1) -> list[str]:
    """The data files every build writes (besides the items' own JSON files); ``version`` 2: also the tables
    only version-2 content publishes."""
    from generator.render.opendata import tables_for

    return [t.csv_url for t in tables_for(version)] + [urls.DATA_EVENTS_JSON, urls.DATA_JSON, urls.DATA_SQLITE]


def item_files(kind: str, key: str) -> str:
    """The own JSON file of a task, complaint or notice ("" for the other kinds)."""
    own = {"tasks": urls.task_json, "complaints": urls.complaint_json, "notices": urls.notice_json}.get(kind)
    return own(key) if own is not None else ""


def data_hashes(output: Path, items: dict[str, str]) -> dict[str, str]:
    """SHA-256 of the data files already written into ``output``, with ``items``: the hashes of every
    item's own JSON file, as :meth:`generator.render.opendata.DataFiles.write` returned them."""
    from generator.render.opendata import tables_for

    written = data_tables(2) + [urls.data_table_zh(t.name) for t in tables_for(2)]  # the Chinese-header copies too
    out = {rel: _file_sha256(output / rel) for rel in written if (output / rel).is_file()}
    return dict(sorted({**out, **items}.items()))


def build(portal: Portal, documents_dir: Path, output: Path | None = None,
          items: dict[str, str] | None = None, complaint_records: dict[str, str] | None = None) -> dict[str, Any]:
    """The manifest of a build (see the module docstring); ``output`` holds the data files written so far,
    ``items`` the hashes of the items' own JSON files, ``complaint_records`` those of the complaints' records
    (:func:`records`)."""
    files = {}
    for d in sorted(portal.documents, key=lambda d: d.id):
        if d.file:
            files[urls.document_file(d.file)] = {"document": d.id, "sha256": _file_sha256(documents_dir / d.file)}
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
                "chain = sha256(previous chain + '\\n' + key + '\\n' + sha256), starting from 64 zeros; "
                "files and data: sha256 of the file's bytes",
        "records": records(portal, complaint_records),
        "files": files,
        "data": data_hashes(output, items or {}) if output is not None else {},
        "events": events,
        "chain_head": chain,
    }


def write(portal: Portal, output: Path, items: dict[str, str], complaint_records: dict[str, str] | None = None) -> None:
    """Write integrity/manifest.json; called after the data files (data/) are written, with the hashes of
    the items' own JSON files and of the complaints' records."""
    data = build(portal, Path(portal.content.root) / "documents", output, items, complaint_records)
    target = output / urls.MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    # one line per record, event and file (records are two levels down: kind, id)
    body = ",\n".join(f' {json.dumps(k)}: {json_lines(data[k], 2 if k == "records" else 1, " ")}' for k in sorted(data))
    target.write_bytes(("{\n" + body + "\n}\n").encode("utf-8"))


def json_lines(value: Any, depth: int, indent: str = "") -> str:
    """JSON with sorted keys, indented ``depth`` levels deep and compact below (written by the C encoder): the
    manifest with a line per record and per event, so that two days' manifests compare line by line."""
    if depth <= 0 or not isinstance(value, (dict, list)) or not value:
        return _CANONICAL.encode(value)
    inner = indent + " "
    if isinstance(value, list):
        parts = [inner + json_lines(v, depth - 1, inner) for v in value]
        return "[\n" + ",\n".join(parts) + "\n" + indent + "]"
    parts = [f"{inner}{_CANONICAL.encode(str(k))}: {json_lines(value[k], depth - 1, inner)}"
             for k in sorted(value)]
    return "{\n" + ",\n".join(parts) + "\n" + indent + "}"


# -- reading a built site, only inside it --------------------------------------------------------

MAX_MANIFEST_BYTES = 512 * 2**20  # a national manifest is ~80 MB
MAX_FILE_BYTES = 2 * 2**30  # a document or data file, hashed as it streams
TIMEOUT = 30  # seconds without data on one request
DEADLINE = 300  # seconds for one whole file
MAX_REL = 1000  # characters of a path in a manifest
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Outside(Exception):
    """A manifest names a file outside the site (or a redirect leads out of it): never read."""


class Unreadable(Exception):
    """The file is missing, not a regular file, or the server failed."""


class TooBig(Unreadable):
    """The file is larger than the limit for it."""


def _is_url(where: str) -> bool:
    return where.startswith(("http://", "https://"))


def show(text: Any, limit: int = 120) -> str:
    """An untrusted string for a one-line message: control, format and unpaired characters escaped."""
    text = str(text)
    out = "".join(c if unicodedata.category(c)[0] not in "CZ" or c == " " else f"\\u{ord(c):04x}" for c in text[:limit])
    return out + ("…" if len(text) > limit else "")


def safe_relative(rel: Any, prefix: str) -> str:
    """``rel`` when it is a plain relative path below ``prefix`` (``data/``, ``documents/files/``);
    raise :class:`Outside` for anything else: absolute, ``..``, a scheme (``file:``, ``http:``), a
    back slash, empty or odd segments, control characters."""
    if not isinstance(rel, str) or not rel or len(rel) > MAX_REL:
        raise Outside(rel)
    if rel.startswith("/") or "\\" in rel or _SCHEME.match(rel) or any(unicodedata.category(c)[0] == "C" for c in rel):
        raise Outside(rel)
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts) or not rel.startswith(prefix):
        raise Outside(rel)
    return rel


class _StayInside(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a URL under the site's base URL."""

    def __init__(self, site: Site) -> None:
        super().__init__()
        self.site = site

    def http_error_302(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                       headers: http.client.HTTPMessage) -> Any:  # a response (Any in typeshed too)
        location = headers.get("location") or headers.get("uri")
        if location is not None:  # checked before urllib refuses some schemes (file:) with a plain HTTP error
            target = urllib.parse.urljoin(req.full_url, location)
            if not self.site.url_inside(target):
                fp.close()
                raise Outside(target)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        target = urllib.parse.urljoin(req.full_url, newurl)
        if not self.site.url_inside(target):
            fp.close()
            raise Outside(target)
        return super().redirect_request(req, fp, code, msg, headers, target)


class Site:
    """A built site given on the command line: a folder, or the http(s) URL of its root. Files are
    read only below it: paths are checked (:func:`safe_relative`), folders after resolving symbolic
    links, URLs (also redirects) must stay under the base URL; sizes and times are bounded."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.url = _is_url(where)
        if self.url:
            try:
                parts = urllib.parse.urlsplit(where)
            except ValueError as exc:
                raise UsageError(f"{show(where, 200)}: 不是可用的网址（{exc}）") from None
            self.scheme, self.netloc = parts.scheme.lower(), self._netloc(parts)
            self.path = parts.path if parts.path.endswith("/") else parts.path + "/"
            self.opener = urllib.request.build_opener(_StayInside(self))
        else:
            self.root = Path(where).resolve()
        self.items: dict[str, Any] = {}  # item JSON file → its published fields (see item_fields), or an error

    @staticmethod
    def _netloc(parts: urllib.parse.SplitResult) -> str:
        default = {"http": 80, "https": 443}.get(parts.scheme.lower())
        try:
            port = parts.port or default
        except ValueError:
            port = -1
        return f"{(parts.hostname or '').lower()}:{port}@{parts.username or ''}"

    def url_inside(self, url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() != self.scheme or self._netloc(parts) != self.netloc:
            return False
        path = urllib.parse.unquote(parts.path)
        if any(p in (".", "..") for p in path.split("/")):
            return False
        return path.startswith(urllib.parse.unquote(self.path))

    def chunks(self, rel: str, limit: int = MAX_FILE_BYTES) -> Iterator[bytes]:
        """The bytes of ``rel`` (already checked by :func:`safe_relative`), in pieces."""
        if self.url:
            yield from self._url_chunks(self._base() + "/".join(urllib.parse.quote(p, safe="") for p in rel.split("/")), limit)
        else:
            yield from self._file_chunks(rel, limit)

    def _base(self) -> str:
        parts = urllib.parse.urlsplit(self.where)
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, self.path, "", ""))

    def _file_chunks(self, rel: str, limit: int) -> Iterator[bytes]:
        path = (self.root / rel).resolve()
        if path != self.root and self.root not in path.parents:
            raise Outside(rel)  # a symbolic link out of the site
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise Unreadable(f"{path}: {exc.strerror}") from None
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise Unreadable(f"{path}: 不是普通文件（not a regular file）")
            if info.st_size > limit:
                raise TooBig(f"{path}: {info.st_size} 字节，超过上限 {limit} 字节")
            yield from iter(lambda: f.read(1 << 20), b"")

    def _url_chunks(self, url: str, limit: int) -> Iterator[bytes]:
        if not self.url_inside(url):
            raise Outside(url)
        started = time.monotonic()
        try:
            with self.opener.open(urllib.request.Request(url, headers={"Accept-Encoding": "identity"}), timeout=TIMEOUT) as response:
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > limit:
                    raise TooBig(f"{url}: {length} 字节，超过上限 {limit} 字节")
                total = 0
                while chunk := response.read1(1 << 16):  # returns what has arrived, so the deadline is checked
                    total += len(chunk)
                    if total > limit:
                        raise TooBig(f"{url}: 超过上限 {limit} 字节")
                    if time.monotonic() - started > DEADLINE:
                        raise Unreadable(f"{url}: 超过 {DEADLINE} 秒仍未读完")
                    yield chunk
        except urllib.error.HTTPError as exc:
            raise Unreadable(f"{url}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
            raise Unreadable(f"{url}: {getattr(exc, 'reason', exc)}") from None

    def read(self, rel: str, limit: int) -> bytes:
        return b"".join(self.chunks(rel, limit))

    def sha256(self, rel: str) -> str:
        if rel.startswith(ITEM_PREFIXES):  # small: read whole, and keep what it publishes for the comparison
            raw = self.read(rel, MAX_ITEM_BYTES)
            self.items[rel] = item_fields(raw)
            return hashlib.sha256(raw).hexdigest()
        h = hashlib.sha256()
        for chunk in self.chunks(rel):
            h.update(chunk)
        return h.hexdigest()

    def item(self, rel: str) -> Any:
        """The published fields of an item's own JSON file (read now if not yet), or the reason it has none."""
        if rel not in self.items:
            try:
                self.sha256(safe_relative(rel, urls.DATA))
            except (Outside, Unreadable) as exc:
                self.items[rel] = f"{exc}"
        return self.items[rel]


# -- what the items' own JSON files publish ----------------------------------------------------

ITEM_PREFIXES = (urls.DATA_TASKS, urls.DATA_COMPLAINTS, urls.DATA_NOTICES)
MAX_ITEM_BYTES = 16 * 2**20
# Columns of the items' JSON files (generator.opendata) that are worked out as of the data date or
# from other records, and so may change without a rewrite; every other column is published content.
DERIVED = frozenset({"as_of", "licence", "url", "status", "status_label", "status_date", "completed_on", "overdue", "overdue_since",
                     "overdue_days", "late", "behind_schedule", "history_count", "region_names", "state", "state_label"})
JOINED = frozenset({"tasks", "regions", "types", "responsible_units", "supervising_units", "follows",
                    "repeats", "inspection"})  # lists written "a;b" (a notice's inspection: those of its tasks)


def item_fields(raw: bytes) -> Any:
    """The published fields of an item's JSON file, hashed like a record's fields (lists per element,
    empty values left out, so that a value written for the first time is an addition); or a reason."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return "不是合法的 JSON"
    if not isinstance(data, dict):
        return "不是 JSON 对象"
    out: dict[str, Any] = {}
    try:
        for name, value in data.items():
            if name in DERIVED or value in (None, "", 0, [], {}):
                continue
            if name in JOINED and isinstance(value, str):
                value = value.split(";")
            out[name] = [digest(v) for v in value] if isinstance(value, list) else digest(value)
    except (ValueError, RecursionError):
        return "不是可读取的 JSON"
    return out


# -- the shape of a manifest -------------------------------------------------------------------

_HEX = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_SHAPE_PROBLEMS = 8


class _Shape:
    """Collects what is wrong with a manifest's JSON, each with its place (``records.tasks.T-1.sha256``)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def bad(self, where: str, expected: str, value: Any) -> bool:
        kind = {dict: "对象", list: "列表", str: "字符串", bool: "布尔值", int: "整数", float: "数字", type(None): "null"}.get(type(value), type(value).__name__)
        self.problems.append(f"{where or '顶层'} 应为{expected}，实际为{kind}" + (f" {show(value, 40)!s}" if isinstance(value, (str, int, float)) else ""))
        return False

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_SHAPE_PROBLEMS

    def text(self, where: str, value: Any, max_len: int = MAX_REL) -> bool:
        if not isinstance(value, str) or not value or len(value) > max_len:
            return self.bad(where, f"1 到 {max_len} 个字符的字符串", value)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return self.bad(where, "合法的 Unicode 字符串（不能含单独的代理项）", value)
        return True

    def hex(self, where: str, value: Any) -> bool:
        return (isinstance(value, str) and bool(_HEX.fullmatch(value))) or self.bad(where, "64 位小写十六进制 SHA-256", value)

    def date(self, where: str, value: Any) -> bool:
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                dt.date.fromisoformat(value)
                return True
            except ValueError:
                pass
        return self.bad(where, "YYYY-MM-DD 格式的日期", value)

    def mapping(self, where: str, value: Any, check: Callable[[str, Any], Any]) -> None:
        if not isinstance(value, dict):
            self.bad(where, "对象", value)
            return
        for key, item in value.items():
            if self.full:
                return
            if self.text(f"{where} 的键", key):
                check(f"{where}.{show(key, 60)}", item)


def _field_hashes(s: _Shape, where: str, value: Any) -> None:
    if isinstance(value, list):
        for i, h in enumerate(value):
            if not s.full:
                s.hex(f"{where}[{i}]", h)
    elif isinstance(value, dict):
        s.mapping(where, value, s.hex)
    else:
        s.hex(where, value)


def _record(fmt: int, kind: str) -> Callable[[_Shape, str, Any], None]:
    def check(s: _Shape, where: str, value: Any) -> None:
        if fmt == 1 and kind != "tasks":
            s.hex(where, value)
            return
        if not isinstance(value, dict):
            s.bad(where, "对象（sha256、fields）", value)
            return
        s.hex(f"{where}.sha256", value.get("sha256"))
        if fmt >= 2 and kind in ITEM_KINDS and "fields" not in value:
            return  # compared in the item's own JSON file
        s.mapping(f"{where}.fields", value.get("fields"), lambda w, v: s.hex(w, v) if fmt == 1 else _field_hashes(s, w, v))
    return check


def shape_problems(m: Any) -> list[str]:
    """What keeps ``m`` (parsed JSON) from being a portal manifest; [] when it is one."""
    s = _Shape()
    if not isinstance(m, dict):
        s.bad("", "对象（{…}）", m)
        return s.problems
    fmt = m.get("format")
    if type(fmt) is not int or fmt not in READABLE_FORMATS:
        s.bad("format", f"{' 或 '.join(map(str, READABLE_FORMATS))}", fmt)
        return s.problems
    s.date("as_of", m.get("as_of"))
    events = m.get("events")
    if not isinstance(events, list):
        s.bad("events", "列表", events)
    else:
        for i, e in enumerate(events):
            if s.full:
                break
            if not isinstance(e, dict):
                s.bad(f"events[{i}]", "对象（key、date、sha256、chain）", e)
                continue
            s.text(f"events[{i}].key", e.get("key"))
            s.date(f"events[{i}].date", e.get("date"))
            s.hex(f"events[{i}].sha256", e.get("sha256"))
            s.hex(f"events[{i}].chain", e.get("chain"))
    s.hex("chain_head", m.get("chain_head"))
    kinds = ("tasks", "complaints", "notices", "documents") if fmt == 1 else tuple(KINDS)
    records = m.get("records")
    if not isinstance(records, dict):
        s.bad("records", "对象", records)
    else:
        for kind in kinds:
            check = _record(fmt, kind)
            s.mapping(f"records.{kind}", records.get(kind), functools.partial(check, s))
    s.mapping("files", m.get("files"), lambda w, v: (s.text(f"{w}.document", v.get("document")) and s.hex(f"{w}.sha256", v.get("sha256")))
              if isinstance(v, dict) else s.bad(w, "对象（document、sha256）", v))
    if fmt >= 2:
        s.mapping("data", m.get("data"), s.hex)
    return s.problems


def _not_a_manifest(where: str, why: str) -> PortalError:
    return PortalError(f"{show(where, 200)}: {urls.MANIFEST} 不是整改公开网站的完整性清单（not a portal manifest）：{why}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"不允许 {name}")


def load(site: Site | str) -> dict[str, Any]:
    """The manifest of ``site``, validated; a :class:`PortalError` (in Chinese) when it is not one."""
    site = site if isinstance(site, Site) else Site(site)
    where = site.where
    try:
        raw = site.read(urls.MANIFEST, MAX_MANIFEST_BYTES)
    except TooBig as exc:
        raise _not_a_manifest(where, f"文件过大，未读取（{exc}）") from None
    except Unreadable as exc:
        raise PortalError(f"cannot read the manifest of {show(where, 200)}: {exc} "
                          "(was the site built by a portal with integrity/manifest.json?)") from None
    except Outside as exc:
        raise PortalError(f"{show(where, 200)}: 读取 {urls.MANIFEST} 时被重定向到站点之外（{show(exc, 200)}），未跟随") from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise _not_a_manifest(where, f"不是 UTF-8 编码（第 {exc.start} 字节）") from None
    except json.JSONDecodeError as exc:
        raise _not_a_manifest(where, f"不是合法的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from None
    except (ValueError, RecursionError) as exc:
        raise _not_a_manifest(where, f"不是可读取的 JSON（{'嵌套过深' if isinstance(exc, RecursionError) else show(exc)}）") from None
    problems = shape_problems(data)
    if problems:
        more = "；……" if len(problems) >= MAX_SHAPE_PROBLEMS else ""
        raise _not_a_manifest(where, "；".join(problems) + more)
    manifest: dict[str, Any] = data  # shape_problems found an object of the manifest's shape
    return manifest


# -- portal verify -----------------------------------------------------------------------------

@dataclass
class VerifyReport:
    old: str
    new: str
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not self.failures

    def format(self) -> str:
        lines = [f"verify {show(self.old, 200)} → {show(self.new, 200)}", self.summary]
        if self.failures:
            lines.append(f"{len(self.failures)} problem{'s' if len(self.failures) != 1 else ''}: published history or documents were changed")
            lines += [f"  {x}" for x in self.failures]
        if self.warnings:
            lines.append(f"{len(self.warnings)} note{'s' if len(self.warnings) != 1 else ''} (not failures; check them):")
            lines += [f"  {x}" for x in self.warnings]
        lines.append("ok: every published event and document of the old site is unchanged in the new one" if self.ok
                     else "FAILED: the new site rewrites what the old one published")
        return "\n".join(x for x in lines if x)


OUTSIDE = "清单列出了站点之外的文件（manifest names a file outside the site），未读取"


def _check_file(name: str, site: Site, rel: str, prefix: str, expected: str, what: str, report: VerifyReport) -> None:
    """One file a manifest lists: inside its site, present, with the listed hash."""
    try:
        actual = site.sha256(safe_relative(rel, prefix))
    except Outside as exc:
        report.failures.append(f"{name} site: {OUTSIDE}：{show(rel)}" + (f"（重定向到 {show(exc)}）" if str(exc) != rel else ""))
        return
    except Unreadable as exc:
        report.failures.append(f"{name} site: {what} {show(rel)} is listed in its manifest but missing or unreadable（{show(exc, 200)}）")
        return
    if actual != expected:
        report.failures.append(f"{name} site: {what} {show(rel)} does not match its manifest (bytes changed after the build); "
                               f"{what} {show(rel)} 与清单中的哈希不符：构建后被修改，或清单不属于这个站点")


def _self_check(name: str, site: Site, m: dict[str, Any], report: VerifyReport) -> None:
    chain = GENESIS
    for e in m["events"]:
        chain = link(chain, e["key"], e["sha256"])
        if e["chain"] != chain:
            report.failures.append(f"{name} manifest: hash chain broken at event {show(e['key'])} (the manifest was edited)")
            break
    else:
        if m["chain_head"] != chain:
            report.failures.append(f"{name} manifest: chain_head does not match its events (the manifest was edited)")
    for rel, info in sorted(m["files"].items()):
        _check_file(name, site, rel, urls.DOCUMENT_FILES, info["sha256"], "document file", report)
    if m["format"] < 2:
        report.warnings.append(f"{name} 站点的清单为格式 {m['format']}：没有数据文件的哈希，无法检查 data/ 下的文件是否在构建后被修改；"
                               "地区、进展报告和页面没有记录")
        return
    data = m["data"]
    required = data_tables() + [item_files(kind, key) for kind in ("tasks", "complaints", "notices") for key in m["records"][kind]]
    for rel in required:
        if rel not in data:
            report.failures.append(f"{name} manifest: 没有记录数据文件 {show(rel)} 的哈希（清单被删改，或不属于这个站点）")
    for rel, expected in sorted(data.items()):
        _check_file(name, site, rel, urls.DATA, expected, "data file", report)


def field_rewrites(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The fields of a record that ``after`` no longer has as ``before`` published them. Adding a
    field, a key to an object field or an element to a list field is not a rewrite."""
    out = []
    for name, old in sorted(before.items()):
        new = after.get(name)
        if isinstance(old, dict):
            new = new if isinstance(new, dict) else {}
            out += [f"{name}.{k}" for k, h in sorted(old.items()) if new.get(k) != h]
        elif isinstance(old, list):
            missing = collections.Counter(old) - collections.Counter(new if isinstance(new, list) else [])
            if missing:
                out.append(name)
        elif new != old:
            out.append(name)
    return out


def _whole(entry: Any) -> Any:
    """The hash of a whole record (format 1 had a bare hash for most kinds)."""
    return entry.get("sha256") if isinstance(entry, dict) else entry


REWRITE_HINT = "已公开的内容只能以新的记录更正，不能修改"


def _compare_records(old: dict[str, Any], new: dict[str, Any], report: VerifyReport) -> None:
    """Name every removed record and every rewritten field (of the kinds without their own JSON file)."""
    both_fields = old["format"] >= 2 and new["format"] >= 2
    for kind, label in KINDS.items():
        before, after = old["records"].get(kind), new["records"].get(kind)
        if before is None or after is None:
            continue
        out = report.warnings if kind in NOT_HISTORY else report.failures
        for key in sorted(before):
            name, now = f"{label}{show(key)}", after.get(key)
            if now is None:
                out.append(f"{name}：已公开的记录不再发布（removed）")
            elif now != before[key] and kind not in ITEM_KINDS:  # an item is compared in its own JSON file (_compare_items)
                _record_rewrites(name, before[key], now, both_fields, out, report)


def _record_rewrites(name: str, before: dict[str, Any], now: dict[str, Any], both_fields: bool, out: list[str],
                     report: VerifyReport) -> None:
    """The rewritten fields of a changed record (``name``: its kind and key), to ``out``; when either
    manifest is of format 1 (no field hashes), a warning that the record changed."""
    if not both_fields:
        report.warnings.append(f"{name}：记录有变化（旧清单为格式 1，无法区分改写与补充）")
        return
    out += [f"{name}：已公开的字段 {show(f)} 被改写（rewritten）；{REWRITE_HINT}"
            for f in field_rewrites(before["fields"], now["fields"])]


def _compare_items(old: dict[str, Any], new: dict[str, Any], old_site: Site, new_site: Site, report: VerifyReport) -> None:
    """The fields of tasks, complaints and notices as their own JSON files publish them (hashed in
    ``data``), OLD against NEW, by the same rule as the records. A field changed in the file while the
    manifest's record is unchanged means a manifest that does not describe its own site."""
    for kind in ITEM_KINDS:
        before, after = old["records"][kind], new["records"][kind]
        for key in sorted(before):
            if key in after:  # else reported as removed
                _compare_item(kind, key, before[key], after[key], old_site, new_site, report)


def _compare_item(kind: str, key: str, old_record: Any, new_record: Any, old_site: Site, new_site: Site,
                  report: VerifyReport) -> None:
    """One item's JSON file in both sites (``old_record``, ``new_record``: its manifest records)."""
    name, rel = f"{KINDS[kind]}{show(key)}", item_files(kind, key)
    before = old_site.item(rel)
    if not isinstance(before, dict):
        return  # the old site has no such file (built before the items had their own files)
    after = new_site.item(rel)
    if not isinstance(after, dict):
        report.failures.append(f"{name}：新站点的数据文件 {show(rel)} 无法读取（{show(after, 200)}）")
        return
    same = "；而清单中这条记录的哈希没有变化：清单与发布的文件不符" if _whole(old_record) == _whole(new_record) else ""
    report.failures += [f"{name}：已公开的字段 {show(f)} 被改写（rewritten，见 {show(rel)}）；{REWRITE_HINT}{same}"
                        for f in field_rewrites(before, after)]


def verify(old_where: str, new_where: str) -> VerifyReport:
    """Compare two built sites; see the module docstring."""
    old_site, new_site = Site(old_where), Site(new_where)
    old, new = load(old_site), load(new_site)
    report = VerifyReport(old_where, new_where)
    if new["format"] < old["format"]:
        report.failures.append(f"new manifest: 格式 {new['format']} 比旧站点的格式 {old['format']} 旧（清单被降级，无法核查数据文件）")
    _self_check("old", old_site, old, report)
    _self_check("new", new_site, new, report)
    _compare_events(old, new, report)
    _late_events(old, new, report)
    _compare_documents(old["files"], new["files"], report)
    _compare_records(old, new, report)
    _compare_items(old, new, old_site, new_site, report)
    old_keys = {e["key"] for e in old["events"]}
    added = sum(1 for e in new["events"] if e["key"] not in old_keys)
    report.summary = (f"old: {len(old['events'])} events as of {old['as_of']}; new: {len(new['events'])} events as of "
                      f"{new['as_of']}, {added} added")
    return report


def _compare_events(old: dict[str, Any], new: dict[str, Any], report: VerifyReport) -> None:
    """Every event of OLD must be in NEW with the same hash."""
    new_events = {e["key"]: e for e in new["events"]}
    for e in old["events"]:
        other = new_events.get(e["key"])
        if other is None:
            report.failures.append(f"event removed: {show(e['key'])} ({e['date']}); past history must stay, corrected by a new entry")
        elif other["sha256"] != e["sha256"]:
            report.failures.append(f"event changed: {show(e['key'])} ({e['date']}); past history must stay, corrected by a new entry")


def _late_events(old: dict[str, Any], new: dict[str, Any], report: VerifyReport) -> None:
    """A warning for each event NEW adds that is dated on or before OLD's data date (an overdue event
    is dated by the rule, not recorded, so it is never late)."""
    old_as_of = old["as_of"]
    old_keys = {e["key"] for e in old["events"]}
    for e in new["events"]:
        if e["key"] not in old_keys and e["date"] <= old_as_of and e["key"].split("/")[2:3] != ["overdue"]:
            report.warnings.append(f"new event dated {e['date']}, on or before the old site's data date {old_as_of}: {show(e['key'])} (recorded late?)")


def _compare_documents(old_files: dict[str, Any], new_files: dict[str, Any], report: VerifyReport) -> None:
    """Every document file of OLD must be in NEW with the same bytes, at its path or (moved) at another."""
    new_by_doc = {info["document"]: (rel, info) for rel, info in new_files.items()}
    for rel, info in sorted(old_files.items()):
        problem = _document_problem(rel, info, new_files.get(rel), new_by_doc.get(info["document"]))
        if problem:
            report.failures.append(problem)


def _document_problem(rel: str, info: dict[str, Any], now: dict[str, Any] | None,
                      moved: tuple[str, dict[str, Any]] | None) -> str:
    """What happened to document file ``rel`` of OLD (``info``: its manifest entry): ``now`` is NEW's entry at
    the same path, ``moved`` NEW's path and entry of the same document; "" when nothing."""
    document = show(info["document"])
    if now is not None:
        return f"document {document}: file bytes changed ({show(rel)})" if now["sha256"] != info["sha256"] else ""
    if moved is None:
        return f"document {document}: file {show(rel)} is no longer published"
    if moved[1]["sha256"] != info["sha256"]:
        return f"document {document}: file bytes changed ({show(rel)} → {show(moved[0])})"
    return ""

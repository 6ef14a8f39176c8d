"""Stage 5, index (browser): Pagefind indexes of the site, split into shards that are rebuilt only when they change.

Pagefind (``pagefind[extended]`` from PyPI, whose binary ships inside the package and segments
Chinese) does not read the published pages. For every searchable item — task, complaint, notice — the
portal writes a small *stub page* (title, filters and the same text ``portal search`` indexes, see
:func:`generator.index.whoosh_index.documents`) whose path is the item's page, and Pagefind indexes the stubs.

**Shards.** One index over a national site would not fit a phone (Pagefind's metadata alone grows by
~6 bytes per page, and a first query loads all of it) nor this machine (memory grows with the pages
indexed together). So :func:`plan` splits the items:

- a site with at most ``limit`` items (Config.search_shard_max) has one shard, ``all``;
- a bigger one has ``overview`` (every task and notice) and one shard per region, splitting a region
  into the regions inside it while it holds more than ``limit`` items. An item is filed under the
  first region it names; items without a region go to ``none``.

Each shard is a Pagefind bundle in ``pagefind/<shard>/``; ``pagefind/shards.json`` lists them with a
digest of their stubs. A rebuild re-indexes only shards whose digest changed and keeps the others
from the previously published site (kept: see publish.py). The search page searches one *scope* at a time (a shard; in a
sharded site ``overview`` by default, and 全部 merges every region shard with Pagefind's ``mergeIndex``).

Pagefind 1.5 writes its filter indexes in hash-map order, which differs from run to run
(Pagefind/pagefind#638), so :func:`stabilize` rewrites them in sorted order, names them by the hash
of their content, and updates the files that refer to them: the same stubs give a byte-identical bundle.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

from generator import incremental
from generator.derive.views import Portal, RegionView, batch_runs
from generator.errors import PortalError
from generator.index.whoosh_index import SearchDoc, complaint_doc, complaint_docs_context, complaint_rounds, documents

BUNDLE = "pagefind"
SHARDS_FILE = "pagefind/shards.json"
MAGIC = b"pagefind_dcd"  # what Pagefind puts before the CBOR in its gzipped index files
STUB_VERSION = "2"  # change when the stub markup changes: every shard is then re-indexed
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Pagefind's own interfaces, which the site does not use: they render filter values as HTML, so markup in
# content (a region name) would run in them. The search page has its own interface (theme/static/js/search.js)
# over pagefind.js, and these files are not published at all.
UNUSED_UI = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
             "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


@dataclass(frozen=True)
class Shard:
    """One search bundle as planned: which items it holds (their SearchDoc keys) and a digest of their stubs. The
    documents themselves are made again when the shard is indexed (:func:`index_site`), so that the build does not
    hold every item's searchable text from planning to indexing (issue 18: memory)."""

    id: str  # the bundle's folder under pagefind/
    label: str  # the scope's name on the search page
    keys: tuple[str, ...]  # SearchDoc.key of each item in it
    docs_digest: str  # what its stubs are made of: incremental.fingerprint of the documents' digests

    @property
    def count(self) -> int:
        return len(self.keys)

    def digest(self, version: str) -> str:
        return incremental.fingerprint(STUB_VERSION, version, self.id, self.label, self.docs_digest)


@dataclass(frozen=True)
class _Planned:
    """What planning keeps of one document."""

    key: str
    kind: str
    home: str
    digest: str


def _shard(id_: str, label: str, docs: Sequence[_Planned]) -> Shard:
    return Shard(id_, label, tuple(d.key for d in docs), incremental.fingerprint([d.digest for d in docs]))


@dataclass(frozen=True)
class IndexReport:
    indexed: int
    reused: int


def _planned(d: SearchDoc) -> _Planned:
    return _Planned(d.key, d.kind, d.home, d.digest)


def planned(portal: Portal, kept: incremental.KeptValues | None = None) -> list[_Planned]:
    """What planning needs of every document, in the documents' order. With ``kept``, the complaints' are kept
    there batch by batch, under a digest of the batch's file (``Content.sources``: the code and the file's bytes)
    and of the rest a complaint's document is made of (``complaint_docs_context``): a rebuild makes the
    documents of the batches whose file changed (issue 18)."""
    if kept is None:
        return [_planned(d) for d in documents(portal)]
    out = [_planned(d) for d in documents(portal, kinds=("task",))]
    context = incremental.fingerprint("search plan", incremental.code_digest(), complaint_docs_context(portal))
    for run in batch_runs(portal.complaints):
        source = portal.content.sources.get(run[0].batch.loc.file)
        key = incremental.fingerprint(context, source) if source else ""
        made = kept.get(key, list) if key else None
        if made is None or len(made) != len(run) or not all(isinstance(d, _Planned) for d in made):
            made = [_planned(complaint_doc(portal, c, complaint_rounds(portal, c))) for c in run]
            if key:
                kept.put(key, made)
        out += made
    out += [_planned(d) for d in documents(portal, kinds=("notice",))]
    kept.prune()
    return out


def plan(portal: Portal, limit: int, kept: incremental.KeptValues | None = None) -> list[Shard]:
    """The shards of the browser search, in the order the search page offers them; a region holding more
    than ``limit`` items (Config.search_shard_max) is split into its parts. ``kept``: see :func:`planned`."""
    docs = planned(portal, kept)
    if len(docs) <= limit:
        return [_shard("all", "全部", docs)]
    by_code = portal.region_by_code
    homes: dict[str, list[_Planned]] = {}
    for d in docs:
        homes.setdefault(d.home if d.home in by_code else "", []).append(d)
    sizes: dict[str, int] = {}
    for code, items in homes.items():
        home = by_code.get(code)
        for view in home.lineage() if home else ():
            sizes[view.region.code] = sizes.get(view.region.code, 0) + len(items)
    overview = [d for d in docs if d.kind != "complaint"]
    shards = [_shard("overview", "整改任务和销号公示（全部地区）", overview)]

    def visit(view: RegionView) -> None:
        code = view.region.code
        if not sizes.get(code):
            return
        path = " ".join([*(a.region.name for a in view.ancestors()), view.region.name])
        if sizes[code] <= limit or not view.children:
            inside = [d for c in _subtree(view) for d in homes.get(c, [])]
            shards.append(_shard(_shard_id(code), path, inside))
            return
        if homes.get(code):
            shards.append(_shard(_shard_id(code) + "-self", f"{path}（本级）", homes[code]))
        for child in view.children:
            visit(child)

    for view in portal.regions:
        if view.parent is None:
            visit(view)
    if homes.get(""):
        shards.append(_shard("none", "未标明地区", homes[""]))
    return shards


def _subtree(view: RegionView) -> Iterable[str]:
    yield view.region.code
    for child in view.children:
        yield from _subtree(child)


def _shard_id(code: str) -> str:
    """A folder name for a region's shard: r-<code>, or a hash when the code has other characters."""
    return f"r-{code}" if _SAFE_ID.match(code) else "r-" + hashlib.sha256(code.encode()).hexdigest()[:12]


def scopes(shards: Sequence[Shard]) -> list[dict[str, Any]]:
    """What the search page offers: one entry per scope, each with the bundles it searches."""
    out = [{"id": s.id, "label": s.label, "count": s.count, "bundles": [s.id]} for s in shards]
    regional = [s for s in shards if s.id != "overview"]
    if len(shards) > 1:
        out.append({"id": "everything", "label": "全部地区（下载数据较多）", "count": sum(s.count for s in regional),
                    "bundles": [s.id for s in regional]})
    return out


_FILTER_ESCAPES = {"%": "%25", '"': "%22", "\\": "%5C"}


def filter_value(value: str) -> str:
    """A filter value as the stub page must write it for Pagefind to give it back unchanged.

    Pagefind decodes character references in filter values once more after parsing the page, so '&' is
    written as '&amp;' (a region named "A&lt;B" stays "A&lt;B", not "A<B"); and a filter value containing '"'
    or '\\' is listed but never matches when chosen, so those two (and '%') are percent-encoded. The search
    page (theme/static/js/search.js, ``shown``) decodes these three for display and passes the encoded value
    back to Pagefind."""
    encoded = "".join(_FILTER_ESCAPES.get(c, c) for c in value)
    return encoded.replace("&", "&amp;")


def stub_page(doc: SearchDoc) -> str:
    """The page Pagefind reads for one item: its title, filters and searchable text."""
    e = html.escape
    filters = "".join(f'<span data-pagefind-filter="{e(name)}">{e(filter_value(value))}</span>'
                      for name, value in doc.filters)
    text = "".join(f"<p>{e(line)}</p>" for line in doc.text.split("\n") if line.strip())
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{e(doc.title)}</title></head>'
            f'<body><main data-pagefind-body><div hidden data-pagefind-ignore><span data-pagefind-meta="title">'
            f'{e(doc.title)}</span>{filters}</div><h1>{e(doc.title)}</h1><p>{e(doc.status_label)} · '
            f'{e(" ".join(doc.region_names))}</p>{text}</main></body></html>\n')


def _binary() -> str:
    try:
        from pagefind.service import _must_get_executable  # the binary inside the pip package
    except ImportError:
        raise PortalError("没有安装 Pagefind（站内搜索的索引程序），网站未生成\n    提示：运行 .venv/bin/pip install 'pagefind[extended]' 后重新生成") from None
    return str(_must_get_executable())


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


def index_site(site_dir: Path, portal: Portal, shards: Sequence[Shard], previous: Path | None = None,
               workers: int = 1) -> IndexReport:
    """Write ``pagefind/<shard>/`` for every shard of ``portal`` (planned by :func:`plan`) into ``site_dir``:
    unchanged shards are kept from ``previous`` (the published site), the others indexed by Pagefind from their
    documents, made again here; raise :class:`PortalError` on failure."""
    site_dir = Path(site_dir)
    version = _version()
    digests = {s.id: s.digest(version) for s in shards}
    old = _old_digests(previous)
    todo = []
    for shard in shards:
        source = previous / BUNDLE / shard.id if previous else None
        if previous is not None and source is not None and old.get(shard.id) == digests[shard.id] and source.is_dir():
            incremental.keep(site_dir, [path.relative_to(previous).as_posix() for path in sorted(source.rglob("*"))
                                        if path.is_file()])
        else:
            todo.append(shard)
    if todo:
        binary = _binary()
        with tempfile.TemporaryDirectory(prefix="portal-stubs-") as tmp, \
                ThreadPoolExecutor(max(1, min(workers, len(todo)))) as pool:
            list(pool.map(lambda shard: _index_shard(binary, portal, shard, Path(tmp) / shard.id, site_dir / BUNDLE / shard.id),
                          todo))
    listing = {"version": 1, "pagefind": version,
               "shards": [{"id": s.id, "label": s.label, "count": s.count, "digest": digests[s.id]} for s in shards],
               "scopes": scopes(shards)}
    (site_dir / SHARDS_FILE).parent.mkdir(parents=True, exist_ok=True)  # absent when every shard was kept
    (site_dir / SHARDS_FILE).write_text(json.dumps(listing, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return IndexReport(len(todo), len(shards) - len(todo))


def _old_digests(previous: Path | None) -> dict[str, str]:
    try:
        listing = json.loads((previous / SHARDS_FILE).read_text(encoding="utf-8")) if previous else {}
        return {s["id"]: s["digest"] for s in listing.get("shards", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no or a damaged listing: every shard is indexed again


def _index_shard(binary: str, portal: Portal, shard: Shard, stubs: Path, bundle: Path) -> None:
    if not shard.keys:
        return  # nothing to search (a site without items): no bundle, and the search page shows only look-up
    for doc in documents(portal, only=set(shard.keys)):
        target = stubs / doc.path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(stub_page(doc), encoding="utf-8")
    done = subprocess.run([binary, "--site", str(stubs), "--output-path", str(bundle), "--silent"],
                          capture_output=True, text=True, timeout=3600, check=False)
    shutil.rmtree(stubs, ignore_errors=True)
    if done.returncode != 0:
        raise PortalError(f"Pagefind 为搜索分片 {shard.id} 建立索引时出错（退出码 {done.returncode}），网站未生成："
                          f"{(done.stderr or done.stdout).strip()[-2000:]}\n    提示：重新生成；仍然出错时重新安装 pagefind[extended]")
    for name in UNUSED_UI:
        (bundle / name).unlink(missing_ok=True)
    stabilize(bundle)


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise PortalError(f"Pagefind 写出的 {path.name} 格式无法识别，网站未生成\n    提示：安装本项目 pyproject.toml 指定的 pagefind 版本后重新生成")
    return cbor2.loads(raw[len(MAGIC):])


def _write(folder: Path, prefix: str, digits: int, suffix: str, data: Any) -> str:
    """Write ``data`` as a Pagefind index file named by the hash of its content; return the name's hash part."""
    raw = MAGIC + cbor2.dumps(data, canonical=True)
    name = f"{prefix}_{hashlib.sha256(raw).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    return name


def stabilize(bundle: Path) -> None:
    """Rewrite the filter indexes and the metadata file of each language in a canonical order."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        languages = entry["languages"].items()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PortalError(f"Pagefind 写出的 {entry_path} 无法读取（{exc}），网站未生成\n    提示：重新生成；仍然出错时重新安装 "
                          "pagefind[extended]") from None
    for language, info in languages:
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for name, old in meta[3]:
            old_path = bundle / "filter" / f"{old}.pf_filter"
            data = _read(old_path)
            data[1] = sorted(data[1], key=lambda value: value[0])
            old_path.unlink()
            filters.append([name, _write(bundle / "filter", language, 7, ".pf_filter", data)])
        meta[3] = sorted(filters)
        meta_path.unlink()
        info["hash"] = _write(bundle, f"pagefind.{language}", 13, ".pf_meta", meta).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

"""Shared by render, index and publish: run file-writing jobs, in parallel, skipping unchanged ones.

Every page and feed is a :class:`Job` that writes one or more files. A job may carry a *digest* of
everything its files are made from. When the next build finds a job whose digest is unchanged (a job of
the previously published output, whose files are trusted to be there: publishing finds one that is not), it
does not render it again: it notes them as kept
(:func:`keep`), and publishing links the published files into the new site (same bytes, same
modification time, no work; see publish.py). That is decided when the job is queued (:meth:`Jobs.add`),
and a kept job's closure is dropped then. Other jobs run while the build goes on queueing, each time a
run of ``CHUNK_JOBS`` of them is queued (so that no process holds every page's job), in forked children
(at most ``workers`` at a time) when there are enough to be worth it, each running its run and then
exiting (:class:`_Pool`).

**Build state lives outside the published folder**, so that copying or syncing ``output/`` publishes
nothing but the site. A build writes its digests into its staging folder (``.portal-digests``,
only under ``portal build``, which removes it again before publishing); publishing keeps each site's
digests and list of files in the state folder ``.<output>.state/`` beside ``output/``
(:func:`save_state`), under the folder's device and inode number, with the folder's change time as
its identity. State whose folder is gone, was replaced (a new folder: another change time, even with
a reused inode number) or was touched reads as missing (:func:`load_files`, :func:`load_digests`),
which only costs a full render: never a file taken from the wrong site. ``incremental`` is shared by
render, index and publish, so the state is here and not in publish.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import resource
import select
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import PortalError

MANIFEST = ".portal-digests"  # in a staging folder only: the digests of the build being made
DIGESTS_HEADER = "# portal job digests 2"  # first line of a digests file; then one job_key a line, in hex
STATE_FORMAT = "portal-site-state 1"  # first line of a state's identity file
PARALLEL_MIN_JOBS = 1000  # below this, forking costs more than it saves
CHUNK_JOBS = 5000  # the weight of the jobs a forked child runs before it exits and a fresh one takes the next (memory)
# the memory a build may use (issue 18: 2 GB national): the child of Jobs.beside reads every item, so it may come to
# copy the whole of the parent's memory; it is started only while twice the parent's peak so far stays below this
MEMORY_BUDGET = 2 * 2**30


def code_digest() -> str:
    """The portal's own code: output made by other code is never reused."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        _CODE_DIGEST = package_digest(Path(__file__).resolve().parent)
    return _CODE_DIGEST


def package_digest(root: Path) -> str:
    """A digest of every source and data file of the package under ``root``, sub-packages included (by
    their path inside it); compiled files and caches are not the code."""
    files = sorted(f for f in root.rglob("*") if f.is_file() and "__pycache__" not in f.relative_to(root).parts
                   and f.suffix not in (".pyc", ".pyo"))
    return fingerprint([(f.relative_to(root).as_posix(), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files])


_CODE_DIGEST: str | None = None


def fingerprint(*parts: Any) -> str:
    """A digest of values whose repr is complete and deterministic (models, views' plain data, tuples)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def job_key(files: Sequence[str], digest: str) -> int:
    """One job as the build state keeps it: its files and digest in 128 bits (a national site has 480,000 jobs;
    their names and digests as text took 300 MB of the build's memory)."""
    return int.from_bytes(hashlib.blake2b(repr((tuple(files), digest)).encode("utf-8"), digest_size=16).digest(), "big")


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """No cyclic garbage collection while making objects that all live on (loading and deriving a national portal
    makes millions: each full pass of the collector walked all of them, ~0.2 s a pass at a tenth of that size)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def hold() -> None:
    """Move every object made so far out of the collector's reach (gc.freeze): the derived portal lives until the
    build ends, so full passes need not walk it. Undone by :func:`long_lived` at the end of the build, and by each
    fork of a worker (:class:`_Pool`), after which the parent collects as usual."""
    gc.freeze()


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """A build in this process: what :func:`hold` moved out of the collector's reach is given back at its end
    (the tests build many sites in one process)."""
    try:
        yield
    finally:
        gc.unfreeze()


class KeptValues:
    """Values kept between builds in a folder of the build state, each in a file named by a digest of what it was
    made from (a content file's models, a batch's rows of the open data tables): a different input is a different
    entry, so an entry is never stale. Each file holds a header, the SHA-256 of the pickled value and the value, and
    is read only when that hash holds: an entry that is missing, unreadable, damaged (even in one byte) or of
    another kind is a miss, which only costs making the value again. :meth:`prune` removes the entries a build did
    not use."""

    HEADER = b"portal-kept 1\n"

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.used: set[str] = set()

    def get(self, key: str, kind: type) -> Any:
        """The value kept under ``key`` when it is a ``kind``, else None."""
        self.used.add(key)
        try:
            raw = (self.folder / key).read_bytes()
        except OSError:
            return None
        head = len(self.HEADER) + 64
        if not raw.startswith(self.HEADER) or raw[len(self.HEADER):head] != hashlib.sha256(raw[head:]).hexdigest().encode():
            return None
        try:
            value = pickle.loads(raw[head:])
        except Exception:  # noqa: BLE001 - the hash holds but the code that reads it changed: a miss
            return None
        return value if isinstance(value, kind) else None

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` (pickled now: later changes to it are not kept); a folder that cannot be written keeps
        nothing."""
        self.used.add(key)
        with contextlib.suppress(OSError, pickle.PicklingError):
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.{os.getpid()}.new"
            temporary.write_bytes(self.HEADER + hashlib.sha256(payload).hexdigest().encode() + payload)
            os.replace(temporary, self.folder / key)

    def prune(self) -> None:
        """Remove the entries this build did not use."""
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.name not in self.used:
                    path.unlink(missing_ok=True)


KEPT = ".portal-kept.txt"  # in a build folder: published files this build keeps instead of writing
KEPT_HEADER = "# published files this build keeps"  # its first line: a list without it is not a whole list


def begin_keeping(output: Path) -> None:
    """Start the (empty) list of kept files of the build in ``output``; publishing refuses a build without it."""
    (Path(output) / KEPT).write_text(KEPT_HEADER + "\n", encoding="utf-8")


def keep(output: Path, names: Sequence[str]) -> None:
    """Note that the build in ``output`` keeps the published files ``names`` (relative) as they are."""
    if not names:
        return
    path = Path(output) / KEPT
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)  # never created here: a list that vanished stays missing
    except FileNotFoundError:
        raise _lost(path) from None
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.writelines(f"{name}\n" for name in names)


def kept(output: Path) -> set[str]:
    """What :func:`keep` noted for the build in ``output``; the note itself is removed. Raise
    :class:`PortalError` when the list is missing or unreadable: publishing without it would drop files."""
    path = Path(output) / KEPT
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise _lost(path) from None
    if not lines or lines[0] != KEPT_HEADER:
        raise _lost(path)
    path.unlink()
    return set(lines[1:])


def _lost(path: Path) -> PortalError:
    return PortalError(f"本次构建的保留文件清单 {path} 缺失或无法读取（构建过程中被其他程序删除或改动？）；"
                       f"为避免发布缺少文件的网站，没有发布，已发布的网站保持不变。\n"
                       f"    提示：确认没有其他程序在 {path.parent.parent} 中删除文件，然后重新构建。")


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """Make the new file ``target`` a hard link to ``source``, or on another file system a copy that keeps its time."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """:func:`link_or_copy` every file under ``source`` to the same place under ``target``."""
    for folder, _dirs, names in os.walk(source):
        into = target / os.path.relpath(folder, source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            link_or_copy(os.path.join(folder, name), into / name)


@dataclass
class Job:
    outputs: tuple[str, ...]  # files written, relative to the output folder
    digest: str  # "" when the job must always run
    run: Callable[[], None]
    weight: int = 1  # how many items it reads (a listing page: the items it lists): a child's run is cut by weight


@dataclass(frozen=True)
class RunReport:
    ran: int
    reused: int
    workers: int


class Jobs:
    """The jobs of one build. Whether a job is reused is decided when it is added: a reused job keeps only its
    files and digest (its closure, with whatever it holds, is dropped at once), and pending jobs are started
    in a child as soon as there is a run of ``chunk`` of them, while queueing goes on, so that no process holds
    every page's job (issue 18: peak memory); :meth:`run` runs the rest and notes what was kept and every
    digest."""

    def __init__(self, output: Path, previous: Path | None, workers: int = 1, parallel_min: int = PARALLEL_MIN_JOBS,
                 chunk: int = CHUNK_JOBS):
        self.output = Path(output)
        self.previous = Path(previous) if previous else None
        self.workers = max(1, workers)
        self.parallel_min = parallel_min
        self.chunk = max(1, chunk)
        self.pending: list[Job] = []
        self._pending_weight = 0
        self.digests: list[int] = []  # job_key of every job with a digest
        self.reused: list[str] = []  # the files of reused jobs, until noted in the build's list of kept files
        self.kept_jobs = 0
        self.ran = 0
        self._pool: _Pool | None = None
        self._beside: _Pool | None = None  # the child running the work of :meth:`beside`
        self.old: set[int] = set()
        if self.previous is not None:
            self.old = load_digests(self.previous) or set()  # none, stale or damaged: a full render (the CLI warns)

    def add(self, outputs: Sequence[str], digest: str, run: Callable[[], None], weight: int = 1) -> None:
        """Queue a job; ``weight``: how many items it reads. A child runs jobs up to ``chunk`` in weight: what it
        touches of the parent's memory, it copies, so a child rendering listing pages (50 complaints each) takes
        fewer of them than one rendering complaint pages."""
        self.add_made(outputs, digest, lambda: run, weight)

    def add_made(self, outputs: Sequence[str], digest: str, make: Callable[[], Callable[[], None]],
                 weight: int = 1) -> None:
        """:meth:`add`, with the job's run made by ``make()`` only when the job is not reused (an item's JSON file:
        its bytes are packed to be held until the run, which a reused job does not need)."""
        files = tuple(outputs)
        key = job_key(files, digest) if digest else None
        if key is not None:
            self.digests.append(key)
        if self._reusable(files, key):
            self.reused.extend(files)
            self.kept_jobs += 1
            if len(self.reused) >= self.chunk:
                keep(self.output, self.reused)
                self.reused = []
            return
        job = Job(files, digest, make(), max(1, weight))
        self.pending.append(job)
        self._pending_weight += job.weight
        if self._pending_weight >= self.chunk and self._pending_weight >= self.parallel_min:
            self._run_pending()

    def _reusable(self, files: tuple[str, ...], key: int | None) -> bool:
        """The job's files in the published site are what it would write now: the same files with the same digest
        were a job of that site. That they are still there is trusted, not checked with a ``stat`` per file (a
        national site has 800,000): publishing finds one that something else deleted and the build is made
        again without reuse (publish.swap.KeptFileMissing)."""
        return key is not None and key in self.old

    def _run_pending(self, last: bool = False) -> None:
        """Start a child for each whole run of ``chunk`` in weight of pending jobs (all of them when ``last``),
        waiting for a free place; without workers, or with too little to be worth forking, run them here."""
        if self.workers > 1 and (self._pool is not None or self._pending_weight >= self.parallel_min):
            if self._pool is None:
                self._pool = _Pool(self.workers)
            size = self.chunk if not last else max(1, min(self.chunk, -(-self._pending_weight // self.workers)))
            while self._pending_weight >= size or (last and self.pending):
                run = self._take(size)
                self._pool.start(run)
                self.ran += len(run)
            if last:
                self._pool.finish()
            return
        if last:
            pending, self.pending, self._pending_weight = self.pending, [], 0
            for job in pending:
                job.run()
            self.ran += len(pending)

    def _take(self, size: int) -> list[Job]:
        """The first pending jobs up to ``size`` in weight (at least one)."""
        total = 0
        for n, job in enumerate(self.pending, 1):
            total += job.weight
            if total >= size:
                break
        run, self.pending = self.pending[:n], self.pending[n:]
        self._pending_weight -= sum(job.weight for job in run)
        return run

    def beside(self, work: Callable[[], None], weight: int, budget: int = MEMORY_BUDGET) -> None:
        """Do ``work`` (files that are not jobs: the open data's tables and the manifest) in a forked child while the
        build goes on queueing, or here and now. In a child when there is a published site to reuse from, more than
        one worker, ``weight`` (the items it reads) is at least ``parallel_min`` and a copy of the parent's memory
        would still fit in ``budget`` (:data:`MEMORY_BUDGET`; the child touches every item, and a page of the
        parent's it touches is copied): a rebuild keeps most pages, so its children leave a core idle, while a cold
        build's keep every core busy and another child would only add memory. :meth:`run` waits for it first and
        raises its error."""
        if self._beside is None and self.workers > 1 and self.previous is not None and weight >= self.parallel_min \
                and 2 * _peak_memory() <= budget:
            self._beside = _Pool(1)
            self._beside.start([Job((), "", work)])
        else:
            work()

    def _join_beside(self, drop_error: bool = False) -> None:
        """Wait for the child of :meth:`beside`, if any; raise its error unless ``drop_error``."""
        pool, self._beside = self._beside, None
        if pool is not None:
            if drop_error:
                pool.wait()
            else:
                pool.finish()

    def abandon(self) -> None:
        """After an error while queueing: wait for the children already running (their errors are dropped: the
        build fails with the first one) and run nothing more."""
        self.pending, self._pending_weight = [], 0
        if self._pool is not None:
            self._pool.wait()
            self._pool = None
        self._join_beside(drop_error=True)

    def run(self) -> RunReport:
        try:
            self._run_pending(last=True)
        except BaseException:
            self._join_beside(drop_error=True)
            raise
        self._join_beside()
        keep(self.output, self.reused)  # publish.py links them in
        if (self.output / KEPT).is_file():  # under `portal build`: publishing moves the digests to the state
            (self.output / MANIFEST).write_text(digests_text(self.digests), encoding="utf-8")
        report = RunReport(self.ran, self.kept_jobs, self.workers if self._pool is not None else 1)
        self.digests, self.reused, self.kept_jobs, self.ran, self._pool = [], [], 0, 0, None
        return report


def _peak_memory() -> int:
    """The most memory (resident set, bytes) this process has used so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def digests_text(keys: Sequence[int]) -> str:
    """A digests file: :data:`DIGESTS_HEADER`, then each :func:`job_key` in hex, a line each, in job order."""
    return "".join([DIGESTS_HEADER, "\n", *(f"{key:032x}\n" for key in keys)])


def read_digests(path: Path) -> set[int] | None:
    """The job keys written in ``path``; None when the file is missing or damaged (not a digests file of this
    format), which only costs a full render."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, ValueError):  # ValueError: not UTF-8
        return None
    body = lines[1:-1]
    if lines[0] != DIGESTS_HEADER or lines[-1] != "" or any(len(line) != 32 for line in body):
        return None
    try:
        return {int(line, 16) for line in body}
    except ValueError:
        return None


def take_digests(staged: Path) -> str | None:
    """The digests file the build in ``staged`` wrote, as text (None without pages); it is removed from the site."""
    path = Path(staged) / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        text = None
    path.unlink(missing_ok=True)
    return text


# -- the build state beside the published folder ------------------------------------------------


def state_folder(output: Path) -> Path:
    """Where the state of ``output`` and its spare is kept: ``.<name>.state`` beside it."""
    output = Path(output)
    return output.parent / f".{output.name}.state"


def _identity(site: Path) -> tuple[str, str]:
    """The key of ``site``'s state files and the identity they must carry to be its own."""
    st = os.stat(site)
    return f"{st.st_dev}-{st.st_ino}", f"{STATE_FORMAT}\n{st.st_dev} {st.st_ino} {st.st_ctime_ns}\n"


def _state_paths(output: Path, site: Path) -> tuple[Path, Path, Path, str]:
    key, identity = _identity(site)
    folder = state_folder(output)
    return folder / f"{key}.id", folder / f"{key}.files", folder / f"{key}.digests", identity


@dataclass(frozen=True)
class FolderTimes:
    """The change times (``st_ctime_ns``) of a site's folders, root excluded, as last known: a folder whose time is
    still the same has had no file added, removed or replaced since (publish trusts its files instead of a ``stat``
    each). ``bound``: the file system's clock just before the times were read; a folder whose time is not older
    could change again within the same tick of that clock without its time moving ("racy", as git calls it), so
    it is not trusted."""

    bound: int
    times: dict[str, int]


@dataclass(frozen=True)
class Links:
    """What publishing knows of how a site shares its files with the folder it was assembled beside (its spare):
    ``moved``, the files moved into it (every other file is a hard link to the spare's), and its folders' times."""

    moved: Sequence[str]
    folders: FolderTimes


def save_state(output: Path, site: Path, files: Sequence[str] | Listing, digests: str | None = None,
               links: Links | FolderTimes | None = None) -> None:
    """Keep ``site``'s sorted ``files`` (or its :class:`Listing` as another state held it), the digests file of its
    jobs (:func:`take_digests`) and what publishing knows of its files' links (a spare: only its folders' times) as
    its state. Only once the site will not change any more (after the swap): the identity is the folder's change
    time. The identity file is written last, so a state interrupted while written is no state."""
    ident, listing, digest_file, identity = _state_paths(output, site)
    ident.parent.mkdir(parents=True, exist_ok=True)
    ident.unlink(missing_ok=True)
    _write_replacing(listing, files.text if isinstance(files, Listing) else _checked(files))
    for path, text in ((digest_file, digests), (_links_path(ident), _links_text(links) if links is not None else None)):
        if text is None:
            path.unlink(missing_ok=True)
        else:
            _write_replacing(path, text)
    _write_replacing(ident, identity)


def _links_path(beside: Path) -> Path:
    """The links file of a state, beside any other of its files (``.id``, ``.files``)."""
    return beside.with_suffix(".links")


def _links_text(links: Links | FolderTimes) -> str:
    """``bound N``, then ``t <ns> <folder>`` a line per folder and ``m <file>`` a line per moved file (none for a
    spare: its line ``spare``), under :func:`_checked`'s SHA-256."""
    folders = links.folders if isinstance(links, Links) else links
    lines = [f"bound {folders.bound}", *(f"t {t} {name}" for name, t in sorted(folders.times.items()))]
    lines += [f"m {name}" for name in links.moved] if isinstance(links, Links) else ["spare"]
    return _checked(lines)


def load_links(output: Path, site: Path) -> Links | FolderTimes | None:
    """What :func:`save_state` kept of ``site``'s links (:class:`FolderTimes` for a spare); None without a valid
    state, when it was not kept or when it is damaged."""
    paths = _valid(output, site)
    text = _checked_text(_links_path(paths[0])) if paths is not None else None
    if text is None:
        return None
    lines = text.splitlines()[1:]
    if not lines or not lines[0].startswith("bound "):
        return None
    try:
        bound = int(lines[0][6:])
        times = {}
        moved = []
        spare = False
        for line in lines[1:]:
            kind, _, rest = line.partition(" ")
            if kind == "t":
                t, _, name = rest.partition(" ")
                times[name] = int(t)
            elif kind == "m":
                moved.append(rest)
            elif line == "spare":
                spare = True
            else:
                return None
    except ValueError:
        return None
    folders = FolderTimes(bound, times)
    return folders if spare else Links(moved, folders)


def _checked(names: Sequence[str]) -> str:
    """A list of names, a line each, under a line with their SHA-256: publishing removes what a site's list has
    and the new site lacks, so a list that was damaged must read as missing (:func:`_read_checked`: the folder
    is then looked at), not as another list."""
    body = "".join(f"{name}\n" for name in names)
    return f"# sha256 {hashlib.sha256(body.encode('utf-8')).hexdigest()}\n{body}"


@dataclass(frozen=True)
class Listing:
    """A site's list of files as its state holds it (:func:`_checked` text), carried to the state of the same
    folder under its next identity without being read into names and sorted again (815,000 at national size)."""

    text: str

    @classmethod
    def of(cls, names: Sequence[str]) -> Listing:
        return cls(_checked(names))

    def names(self) -> list[str]:
        return self.text.split("\n")[1:-1]  # under its heading line; the last line ends the text


def take_listing(output: Path, site: Path) -> Listing | None:
    """``site``'s list of files, as its state holds it, when that state is valid and the list checks out."""
    paths = _valid(output, site)
    text = _checked_text(paths[0]) if paths is not None else None
    return Listing(text) if text is not None else None


def _checked_text(path: Path) -> str | None:
    """The whole text of a list written by :func:`_checked`; None when it is missing or damaged."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    head, _, body = text.partition("\n")
    return text if head == f"# sha256 {hashlib.sha256(body.encode('utf-8')).hexdigest()}" else None


def _read_checked(path: Path) -> set[str] | None:
    """The names of a list written by :func:`_checked`; None when it is missing or damaged."""
    text = _checked_text(path)
    return set(text.splitlines()[1:]) if text is not None else None


def _write_replacing(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _valid(output: Path, site: Path) -> tuple[Path, Path] | None:
    """The files and digests paths of ``site``'s state when it is still its own; None otherwise."""
    try:
        ident, listing, digest_file, identity = _state_paths(output, site)
        return (listing, digest_file) if ident.read_text(encoding="utf-8") == identity else None
    except (OSError, UnicodeDecodeError):
        return None


def has_state(output: Path, site: Path) -> bool:
    """``site`` has a valid state (without reading its list of files)."""
    return _valid(output, site) is not None


def load_files(output: Path, site: Path) -> set[str] | None:
    """The files of ``site`` as its state lists them; None without a valid state."""
    paths = _valid(output, site)
    return _read_checked(paths[0]) if paths is not None else None


def load_digests(output: Path) -> set[int] | None:
    """The digests of the jobs of the published ``output``; None without a valid state or when damaged."""
    paths = _valid(output, output)
    return read_digests(paths[1]) if paths is not None else None


def forget_state(output: Path, site: Path) -> None:
    """``site``'s state no longer describes it (it is about to change)."""
    with contextlib.suppress(OSError):
        _state_paths(output, site)[0].unlink(missing_ok=True)


def prune_state(output: Path, sites: Sequence[Path]) -> None:
    """Remove the state files of every folder but ``sites``."""
    keys = {_identity(site)[0] for site in sites if site.is_dir()}
    try:
        entries = list(state_folder(output).iterdir())
    except OSError:
        return
    for path in entries:
        if path.is_file() and path.name.lstrip(".").split(".", 1)[0] not in keys:  # folders: other state (load/)
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def damaged_digests(previous: Path | None) -> str | None:
    """A warning for the user when the published site's kept digests exist but are damaged."""
    if previous is None:
        return None
    paths = _valid(previous, previous)
    if paths is None or not paths[1].is_file() or read_digests(paths[1]) is not None:
        return None
    return (f"{paths[1]} 已损坏（不是门户写的摘要清单）：本次不复用已发布的页面，全部重新生成；"
            f"构建结束后它会被重新写好")


def _run_forked(jobs: list[Job], workers: int, chunk: int = CHUNK_JOBS) -> None:
    """Run ``jobs`` in forked children, at most ``workers`` at a time; re-raise the first child's error."""
    pool = _Pool(workers)
    size = max(1, min(chunk, -(-len(jobs) // workers)))
    for i in range(0, len(jobs), size):
        pool.start(jobs[i : i + size])
    pool.finish()


class _Pool:
    """At most ``workers`` forked children, each running one run of consecutive jobs (a batch's pages together)
    and exiting: the pages of the parent's memory a child copied while touching its jobs' objects are freed
    with it, instead of growing until the child has touched every object (issue 18: peak memory). The parent
    goes on queueing jobs while they run (:meth:`Jobs.add`) and waits only for a free place. The first error of
    a child is raised when the next run would start, or at :meth:`finish`; no run starts after it."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self.running: dict[int, int] = {}  # read end of a child's pipe → its pid
        self.errors: list[BaseException] = []

    def start(self, run: list[Job]) -> None:
        while len(self.running) >= self.workers:
            self._reap(block=True)
        self._raise()
        gc.freeze()  # the child's garbage collector then leaves the parent's objects, and their shared pages, alone
        try:
            read_end, pid = _fork(run)
        finally:
            gc.unfreeze()
        self.running[read_end] = pid

    def finish(self) -> None:
        self.wait()
        self._raise()

    def wait(self) -> None:
        """Wait until every child has ended."""
        while self.running:
            self._reap(block=True)

    def _raise(self) -> None:
        if self.errors:
            while self.running:  # let the others end before the error goes up
                self._reap(block=True)
            raise self.errors[0]

    def _reap(self, block: bool) -> None:
        ready, _, _ = select.select(list(self.running), [], [], None if block else 0)
        for read_end in ready:  # readable: the child wrote an error, or ended (end of file)
            with os.fdopen(read_end, "rb") as pipe:
                payload = pipe.read()
            _, status = os.waitpid(self.running.pop(read_end), 0)
            if payload:
                self.errors.append(pickle.loads(payload))
            elif status != 0:
                self.errors.append(PortalError(f"一个生成页面的子进程异常结束（状态 {status}），本次构建没有完成"))


def _fork(run: list[Job]) -> tuple[int, int]:
    """Start a child that runs ``run`` and reports an error through a pipe; (the pipe's read end, its pid)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run its jobs, report an error through the pipe, never return
        os.close(read_end)
        status = 0
        try:
            for job in run:
                job.run()
        except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
            status = 1
            try:
                payload = pickle.dumps(exc)
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled is sent as its text
                payload = pickle.dumps(PortalError(f"{type(exc).__name__}: {exc}"))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(status)
    os.close(write_end)
    return read_end, pid

"""Stage 6, publish: build into a temporary folder beside output/ and swap it in atomically.

A failed or interrupted build leaves the previous output/ exactly as it was: the published folder is
never changed in place. On Linux the swap is one ``renameat2(RENAME_EXCHANGE)`` call, so output/
always names a complete site; elsewhere it is renames, and a build interrupted between them is
repaired by the next one.

**Rebuilds cost what changed, not the size of the site.** The first build writes everything into
the temporary folder, which becomes output/. A rebuild renders only what changed into a *sparse*
staging folder and lists, in ``.portal-kept.txt``, the files it did not write because the published
ones are still right (:func:`incremental.keep`). The site it publishes is assembled in the *spare*
folder ``.output.spare``: the site published before the current one, made of hard links to the same
files. :func:`_assemble` brings the spare up to the new site — files that changed are moved in, files
equal to the published ones become links to them (so they keep their modification time and uploads
skip them), files that are gone are removed — and the spare is then exchanged with output/. The
previous site becomes the next spare. Only the first rebuild pays for making the spare (a hard link per
file); later ones touch only changed files, plus a ``stat`` per folder: a folder of the published site whose
change time has not moved since its assembly (and was not racy, :class:`incremental.FolderTimes`) still has, for
every file not moved into it then, the very file the spare has, so its kept files are not looked at one by one
(:func:`_trusted_folders`). A file deleted from output/ by hand changes its folder's time and is found.

Nothing but the site is in the published folder. The list of each site's files (and the digests of the
published one's jobs) is kept beside it, in ``.output.state/`` (:func:`incremental.save_state`), written
after the swap; a spare's state is forgotten before its assembly starts, so a spare without a valid
state (an interrupted assembly) is thrown away and made again.

**One build at a time.** A build holds ``.output.lock`` (beside output/, so it exists before output/
does) with ``flock`` from before :func:`recover` until its site is published (:func:`locked`); it
holds the builder's pid, for the message another build gives. A second build into the same output/
waits for it, up to a bound, then refuses: without the lock, each build's recovery would delete the
other's working folders. The build removes the file before it releases the lock (a build waiting on
the removed file notices and locks the new one); the kernel releases the lock when its process ends,
even killed, so a file a killed build left behind is harmless.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from generator import incremental
from generator.errors import PortalError

RENAME_EXCHANGE = 2
AT_FDCWD = -100
LOCK_WAIT_S = 600.0  # how long a second build waits for the first before it refuses


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths; False when the platform cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if result != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # file system or kernel cannot
            return False
        raise OSError(code, os.strerror(code), str(a), None, str(b))
    return True


def _leftovers(output: Path) -> Iterator[Path]:
    for path in output.parent.glob(f".{output.name}.*"):
        if path.is_dir() and (".building-" in path.name or ".previous-" in path.name):
            yield path


def spare_of(output: Path) -> Path:
    return output.parent / f".{output.name}.spare"


def lock_of(output: Path) -> Path:
    return output.parent / f".{output.name}.lock"


_held = threading.local()  # the lock files this thread holds: publish() inside cli.build's lock takes it again


@contextlib.contextmanager
def locked(output: Path, wait: float = LOCK_WAIT_S, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold ``output``'s lock file while the block runs. Wait up to ``wait`` seconds for another build
    holding it (``on_wait`` is told who, once), then raise :class:`PortalError`."""
    output = Path(output).resolve()
    lock = lock_of(output)
    held: set[str] = _held.__dict__.setdefault("paths", set())
    if str(lock) in held:
        yield
        return
    _make_folder(output.parent)
    fd = _acquire(lock, output, time.monotonic() + wait, wait, on_wait)
    try:
        with contextlib.suppress(OSError):  # the pid only helps the message of another build (disk full: none)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        held.add(str(lock))
        try:
            yield
        finally:
            held.discard(str(lock))
            with contextlib.suppress(OSError):
                lock.unlink()  # while still held: a build waiting on this file sees it gone and locks a new one
    finally:
        os.close(fd)  # releases the lock


def _make_folder(folder: Path) -> None:
    """``mkdir -p``, where a file in the way is named as such (``--output somefile/out``)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # an existing file where a folder must be
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), exc.filename) from None


def _acquire(lock: Path, output: Path, deadline: float, wait: float, on_wait: Callable[[str], None] | None) -> int:
    """An open descriptor of ``lock``, locked, that is still the file the path names."""
    told = False
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            while not _try_lock(fd):
                who = _holder(fd)
                if time.monotonic() >= deadline:
                    raise PortalError(f"另一个构建{who}正在写入 {output}，等了 {wait:g} 秒仍未结束，本次构建没有进行"
                                      f"（锁文件 {lock}）；已发布的网站保持不变。\n"
                                      f"    提示：等那个构建结束后再运行；要等得更久，用 --wait 秒数。")
                if on_wait is not None and not told:
                    on_wait(f"另一个构建{who}正在写入 {output}（锁文件 {lock}），最多等待 {wait:g} 秒……")
                    told = True
                time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
            if _same_file(fd, lock):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the build that held it removed the file: lock the one the path names now


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _holder(fd: int) -> str:
    """"（进程 PID）" for the build holding the lock, as it wrote it; "" when unknown."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f"（进程 {text}）" if text.isdigit() else ""


def recover(output: Path) -> None:
    """Repair what an interrupted earlier build left: restore output/ if only its previous copy exists,
    delete temporary folders, and a spare whose assembly did not finish. Only under :func:`locked`:
    the folders of a build that is still running look just the same."""
    if not output.exists():
        previous = sorted(p for p in _leftovers(output) if ".previous-" in p.name)
        if previous:
            previous[-1].rename(output)
    for path in _leftovers(output):
        shutil.rmtree(path, ignore_errors=True)
    spare = spare_of(output)
    if spare.exists() and not incremental.has_state(output, spare):
        shutil.rmtree(spare, ignore_errors=True)


@contextlib.contextmanager
def staging(output: Path) -> Iterator[Path]:
    """A fresh temporary folder beside ``output``; removed again unless it was published."""
    output = output.resolve()
    _make_folder(output.parent)
    recover(output)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _same_bytes(a: Path, b: Path) -> bool:
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 16), fb.read(1 << 16)
            if x != y:
                return False
            if not x:
                return True


def _files(root: Path) -> list[str]:
    """Every file under ``root``, relative, sorted."""
    out: list[str] = []
    for folder, _dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        out.extend(name if rel == "." else f"{rel}/{name}" for name in names)
    return sorted(out)


def listing(site: Path) -> set[str] | None:
    """The files of the site ``portal build`` published in ``site`` (kept in its state); None without one."""
    site = Path(site).resolve()
    return incremental.load_files(site, site)


def _put(source: Path, target: Path, move: bool) -> None:
    """Make ``target`` the file ``source`` (moved, or hard-linked) without ever writing into an existing
    file: the spare shares its files with the published site."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if move:
        os.replace(source, target)
        return
    temporary = target.with_name(f".{target.name}.portal-link")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    incremental.link_or_copy(source, temporary)
    os.replace(temporary, target)


def _files_of(output: Path, site: Path) -> set[str]:
    """The files of ``site`` (output/ or its spare), as its state lists them, else as found on disk."""
    listed = incremental.load_files(output, site)
    return listed if listed is not None else set(_files(site))


class KeptFileMissing(PortalError):
    """A file this build kept from the published site is not there any more (something else deleted it): the
    build cannot be assembled from the published site and is made again without reusing it (cli)."""

    def __init__(self, name: str):
        super().__init__(f"已发布的网站中缺少文件 {name}（被其他程序删除？）：本次不复用已发布的页面，全部重新生成")
        self.name = name


def _assemble(staged: Path, published: Path, spare: Path, before: set[str], trusted: set[str] | None = None,
              moved: set[str] | None = None) -> tuple[list[str], list[str], set[str]]:
    """Turn ``spare``, whose files are ``before``, into the new site: ``staged`` (what this build wrote)
    plus the files it kept from ``published``. Files whose bytes equal the published ones are links to
    those. A kept file in one of the ``trusted`` folders (whose files are hard links to the spare's, but for the
    ``moved`` ones: :func:`_trusted_folders`) is left as the spare has it, unlooked at; every other is made a link
    to the published one where it is not yet, and one that the published site no longer has (something else
    deleted it) raises :class:`KeptFileMissing`. Returns the new site's files, sorted, the files moved into it
    and the folders whose entries it changed."""
    kept = incremental.kept(staged)
    written = _files(staged)
    wanted = {*written, *kept}
    trusted, moved = trusted or set(), moved or set()
    incremental.forget_state(published, spare)  # from here until the swap, the spare is unfinished
    moved_in: list[str] = []
    touched: set[str] = set()
    for name in written:
        new, old = staged / name, published / name
        if old.is_file() and new.stat().st_size == old.stat().st_size and _same_bytes(new, old):
            kept.add(name)
        else:
            _put(new, spare / name, move=True)
            moved_in.append(name)
            touched.add(os.path.dirname(name))
    # strings, not Paths, below: this runs for every kept file of a national site
    source_root, target_root = os.path.join(published, ""), os.path.join(spare, "")
    for name in kept:
        folder = name.rpartition("/")[0]
        if folder in trusted and name not in moved:
            continue
        source, target = source_root + name, target_root + name
        try:
            if os.path.samefile(source, target):
                continue
        except FileNotFoundError:
            pass
        try:
            _put(Path(source), Path(target), move=False)
        except FileNotFoundError:
            if os.path.exists(source):
                raise
            raise KeptFileMissing(name) from None
        touched.add(folder)
    gone = sorted(before - wanted)
    for name in gone:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            (spare / name).unlink()
    touched.update(os.path.dirname(name) for name in gone)
    _remove_empty_folders(spare, {os.path.dirname(name) for name in gone})
    spare.chmod(0o755)
    return sorted(wanted), moved_in, _with_parents(touched)


def _with_parents(folders: set[str]) -> set[str]:
    """``folders`` and every folder above them (a new folder changes its parent's entries), the root excluded."""
    out: set[str] = set()
    for folder in folders:
        while folder and folder not in out:
            out.add(folder)
            folder = os.path.dirname(folder)
    return out


def _folders_of(names: Iterable[str]) -> set[str]:
    """Every folder of a site whose files are ``names``, the root excluded."""
    return _with_parents({name.rpartition("/")[0] for name in names})


def _change_times(root: Path, folders: Iterable[str]) -> dict[str, int]:
    """The change time of each of ``folders`` under ``root`` that is there."""
    out: dict[str, int] = {}
    base = os.path.join(root, "")
    for folder in folders:
        try:
            out[folder] = os.stat(base + folder).st_ctime_ns
        except OSError:
            pass
    return out


def _clock(folder: Path) -> int:
    """The file system's clock now (as it stamps change times, in its own ticks): a new file's change time."""
    fd, name = tempfile.mkstemp(prefix=".clock-", dir=folder)
    try:
        return os.fstat(fd).st_ctime_ns
    finally:
        os.close(fd)
        os.unlink(name)


def _folder_times(root: Path, folders: Iterable[str], clock_in: Path) -> incremental.FolderTimes:
    clock_in.mkdir(parents=True, exist_ok=True)
    bound = _clock(clock_in)  # before reading: a folder changed in this tick reads as racy
    return incremental.FolderTimes(bound, _change_times(root, folders))


def _trusted_folders(output: Path, links: incremental.Links | incremental.FolderTimes | None,
                     names: Callable[[], Iterable[str]]) -> tuple[set[str], set[str], incremental.FolderTimes]:
    """Which folders of the published ``output`` still are as its last assembly left them (their change times
    unmoved, and older than the clock when they were read): their files are hard links to the spare's, but for
    the moved ones (returned too), and need no ``stat`` each. Also the folders' times now, which the spare keeps
    after the swap. Without the published site's links (the first rebuild, a damaged state), no folder is trusted,
    and ``names`` (its files) tells its folders."""
    if not isinstance(links, incremental.Links):
        return set(), set(), _folder_times(output, _folders_of(names()), incremental.state_folder(output))
    now = _folder_times(output, links.folders.times, incremental.state_folder(output))
    bound = links.folders.bound
    trusted = {name for name, t in links.folders.times.items() if t < bound and now.times.get(name) == t}
    return trusted, set(links.moved), now


def _remove_empty_folders(root: Path, folders: set[str]) -> None:
    """Remove each of ``folders`` (relative to ``root``) that is now empty, and its parents that become so."""
    for folder in sorted(folders, key=len, reverse=True):
        while folder:
            try:
                os.rmdir(root / folder)  # only succeeds on an empty folder
            except OSError:
                break
            folder = os.path.dirname(folder)


def _exchange_or_rename(new: Path, output: Path) -> None:
    """Make ``new`` the published ``output``; afterwards ``new`` names the previous site."""
    if _exchange(new, output):
        return
    previous = Path(tempfile.mkdtemp(prefix=f".{output.name}.previous-", dir=output.parent))
    previous.rmdir()
    output.rename(previous)
    new.rename(output)
    previous.rename(new)


def publish(output: Path, build: Callable[[Path], None]) -> None:
    """Run ``build(tmp_dir)``; only if it returns normally does its site replace ``output``. Holds the
    output's lock (already held when called from inside :func:`locked`)."""
    output = output.resolve()
    if output.exists() and not output.is_dir():  # never exchange a file of the user's for the site
        raise FileExistsError(errno.EEXIST, "已存在，且不是文件夹", str(output))
    with locked(output), staging(output) as tmp:
        incremental.begin_keeping(tmp)
        build(tmp)
        digests = incremental.take_digests(tmp)  # build state: kept beside the site, never in it
        state = incremental.state_folder(output)
        if not output.exists():  # the first build: the staging folder is the whole site
            incremental.kept(tmp)
            files = _files(tmp)
            tmp.chmod(0o755)  # mkdtemp makes 0700 folders; a web server must be able to read the site
            tmp.rename(output)
            # no spare yet: the next build links one from this site, so every file it has is shared with it
            links = incremental.Links([], _folder_times(output, _folders_of(files), state))
            incremental.save_state(output, output, files, digests, links)
            incremental.prune_state(output, [output])
            return
        spare = spare_of(output)
        # the published site's files: the spare's, after the swap
        previous = incremental.take_listing(output, output) or incremental.Listing.of(_files(output))
        trusted, moved, now = _trusted_folders(output, incremental.load_links(output, output), previous.names)
        if incremental.has_state(output, spare):
            kept_links = incremental.load_links(output, spare)
            spare_times = kept_links.times if isinstance(kept_links, incremental.FolderTimes) else None
        else:  # no spare yet (or an unfinished one): the published site, linked, so that every file is shared
            shutil.rmtree(spare, ignore_errors=True)
            incremental.link_tree(output, spare)
            moved, spare_times = set(), None
        files, moved_in, touched = _assemble(tmp, output, spare, _files_of(output, spare), trusted, moved)
        if spare_times is None:  # its folders' times not known: read them all
            times = _folder_times(spare, _folders_of(files), state)
        else:  # as known when it was published, but for the folders this assembly changed
            times = _folder_times(spare, touched, state)
            times = incremental.FolderTimes(times.bound, {
                **{name: t for name, t in spare_times.items() if name not in touched}, **times.times})
        _exchange_or_rename(spare, output)
        # after the swap: the folders' identities are final
        incremental.save_state(output, output, files, digests, incremental.Links(moved_in, times))
        incremental.save_state(output, spare, previous, links=now)
        incremental.prune_state(output, [output, spare])

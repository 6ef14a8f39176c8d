"""Stage 6, publish: build into a temporary folder beside output/ and swap it in atomically.

A failed or interrupted build leaves the previous output/ exactly as it was. On Linux the swap is
one ``renameat2(RENAME_EXCHANGE)`` call, so output/ always names a complete site; elsewhere it is
two renames, and a build interrupted between them is repaired by the next one.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

RENAME_EXCHANGE = 2
AT_FDCWD = -100


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
        errno = ctypes.get_errno()
        if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: file system or kernel cannot
            return False
        raise OSError(errno, os.strerror(errno), str(a))
    return True


def _leftovers(output: Path) -> Iterator[Path]:
    for path in output.parent.glob(f".{output.name}.*"):
        if path.is_dir() and (".building-" in path.name or ".previous-" in path.name):
            yield path


def recover(output: Path) -> None:
    """Repair what an interrupted earlier build left: restore output/ if only its previous copy exists,
    and delete temporary folders."""
    if not output.exists():
        previous = sorted(p for p in _leftovers(output) if ".previous-" in p.name)
        if previous:
            previous[-1].rename(output)
    for path in _leftovers(output):
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def staging(output: Path) -> Iterator[Path]:
    """A fresh temporary folder beside ``output``; removed again unless it was published."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    recover(output)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def keep_unchanged_times(new: Path, old: Path) -> int:
    """Give every file of ``new`` whose bytes equal those of the same file in ``old`` the old file's
    modification time, so that uploads (rsync, object storage) move only what changed. Files the
    renderer reused are already the old files (hard links). Returns how many files were unchanged."""
    if not old.is_dir():
        return 0
    same = 0
    for root, _dirs, files in os.walk(new):
        for name in files:
            fresh = Path(root) / name
            published = old / fresh.relative_to(new)
            try:
                a, b = fresh.stat(), published.stat()
            except FileNotFoundError:
                continue
            if (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev):
                same += 1
            elif a.st_size == b.st_size and _same_bytes(fresh, published):
                os.utime(fresh, ns=(b.st_atime_ns, b.st_mtime_ns))
                same += 1
    return same


def _same_bytes(a: Path, b: Path) -> bool:
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 16), fb.read(1 << 16)
            if x != y:
                return False
            if not x:
                return True


def swap_in(new: Path, output: Path) -> None:
    """Make ``new`` the published ``output``; the old site is deleted afterwards."""
    output = output.resolve()
    keep_unchanged_times(new, output)
    new.chmod(0o755)  # mkdtemp makes 0700 folders; a web server must be able to read the site
    if output.exists() and _exchange(new, output):
        shutil.rmtree(new)  # now holds the previous site
        return
    if output.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{output.name}.previous-", dir=output.parent))
        previous.rmdir()
        output.rename(previous)
        new.rename(output)
        shutil.rmtree(previous, ignore_errors=True)
    else:
        new.rename(output)


def publish(output: Path, build: Callable[[Path], None]) -> None:
    """Run ``build(tmp_dir)``; only if it returns normally does tmp_dir replace ``output``."""
    with staging(output) as tmp:
        build(tmp)
        swap_in(tmp, output)

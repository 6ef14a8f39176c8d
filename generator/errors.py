"""Problems found in content, and the exception that carries them to the CLI.

Every stage reports problems as :class:`Problem` values (file, line, field, message, hint) and
raises :class:`ContentError` once with all of them, so that a publisher sees every mistake in one run.
Only the command line (``generator.cli``) turns them into text and an exit status.

Failures of the environment (disk full, read-only folders, a path through a file …) arrive as
``OSError``; :func:`os_error_message` is the one table that explains each ``errno`` to a publisher.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    """Where a value came from: a content file (relative to content/) and a 1-based line."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Problem:
    location: Location
    field: str
    message: str
    hint: str = ""

    def format(self) -> str:
        text = f"{self.location}: {self.field}: {self.message}" if self.field else f"{self.location}: {self.message}"
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.location.file, self.location.line, self.field, self.message)


class PortalError(Exception):
    """Base of every error the portal reports to a user; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class ContentError(PortalError):
    """The content has one or more problems; nothing was published."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=Problem.sort_key)
        super().__init__(self.format())

    def format(self) -> str:
        n = len(self.problems)
        head = f"content 中有 {n} 处问题；未发布任何内容。"
        return "\n".join([*(p.format() for p in self.problems), head])


class UsageError(PortalError):
    """A command-line argument or setting is wrong."""

    exit_code = 64


@dataclass
class Problems:
    """A collector: stages add problems as they find them and raise once at the end."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location, field_name: str, message: str, hint: str = "") -> None:
        self.items.append(Problem(location, field_name, message, hint))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(self.items)


_WRITABLE = "选择一个可写的文件夹（例如用 --output 或 --content 指定另一个路径），或请管理员调整权限"
# errno → (what happened, what to do)
_OS_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("磁盘空间不足", "腾出磁盘空间，或换一个空间足够的文件夹，然后重试"),
    errno.EDQUOT: ("超出了磁盘配额", "删除不需要的文件或请管理员提高配额，然后重试"),
    errno.EFBIG: ("文件超过了允许的大小（文件大小限制或磁盘配额）", "检查 ulimit -f 和磁盘配额，或换一个文件夹，然后重试"),
    errno.EROFS: ("所在的文件系统是只读的", _WRITABLE),
    errno.EACCES: ("没有读写权限", _WRITABLE),
    errno.EPERM: ("操作不被允许", _WRITABLE),
    errno.ENOTDIR: ("路径中有一段是文件而不是文件夹", "检查路径：其中某一段是已有的文件；换一个只经过文件夹的路径"),
    errno.EISDIR: ("这里需要文件，却是一个文件夹", "检查路径，指向文件而不是文件夹"),
    errno.EEXIST: ("已有同名的文件（或文件夹）", "换一个路径，或先把已有的文件移走"),
    errno.ENOENT: ("文件或文件夹不存在", "检查路径是否写对、是否已被移动或删除"),
    errno.ENAMETOOLONG: ("文件名或路径太长", "缩短路径或名称（每一段名称最多 255 字节，UTF-8 的汉字每个 3 字节）"),
    errno.ELOOP: ("符号链接太多层（可能互相指向）", "检查路径中的符号链接"),
    errno.EMFILE: ("本进程打开的文件太多", "提高可打开文件数的上限（ulimit -n，例如 4096）后重试"),
    errno.ENFILE: ("整个系统打开的文件太多", "关闭其他程序或稍后重试"),
    errno.ENOMEM: ("内存不足", "关闭其他程序，或换一台内存更多的机器"),
    errno.EIO: ("读写出错（磁盘或设备故障）", "检查磁盘和设备，然后重试"),
    errno.ENOLCK: ("这个文件系统不支持文件锁", "把输出文件夹放在本机的文件系统上（不要放在网络共享上）"),
    errno.EBUSY: ("文件或设备正被占用", "结束占用它的程序后重试"),
    errno.ENOTEMPTY: ("文件夹不是空的", "换一个空文件夹，或先清空它"),
    errno.EXDEV: ("不能跨文件系统移动", "把输出文件夹和它的上级文件夹放在同一个文件系统上"),
    errno.EADDRINUSE: ("端口已被占用", "用 --port 选另一个端口，或结束占用它的程序"),
    errno.EADDRNOTAVAIL: ("这个地址不属于本机", "用 --bind 选本机的地址，例如 127.0.0.1"),
}


def os_error_reason(exc: OSError) -> str:
    """Why a file could not be read, in a few words for a problem's message: 没有读写权限（EACCES）."""
    what = _OS_ERRORS.get(exc.errno or 0, ("无法读写文件", ""))[0]
    code = errno.errorcode.get(exc.errno) if exc.errno is not None else None
    return f"{what}（{code}）" if code else what


def os_error_message(exc: OSError, writing: str | None = None) -> str:
    """One message for an OS error: what happened, to which path, and what to do. ``writing`` is the
    folder the command was writing, named when the system gives no path (a failed write has none)."""
    what, hint = _OS_ERRORS.get(exc.errno or 0, ("无法读写文件", ("检查路径是否存在并可写、磁盘是否还有空间、"
                                                             "可打开的文件数（ulimit -n）是否够用，然后重试")))
    paths = [str(p) for p in (exc.filename, exc.filename2) if p not in (None, "")]
    if paths:
        where = " → ".join(paths)
    else:
        where = f"写入 {writing} 时" if writing else "（系统没有给出路径）"
    code = errno.errorcode.get(exc.errno) if exc.errno is not None else None
    detail = f"{code}: {exc.strerror}" if code else str(exc)
    return f"{what}：{where}（{detail}）；操作没有完成。\n    提示：{hint}。"

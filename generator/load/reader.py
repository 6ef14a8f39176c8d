"""Stage 1, load: content files → typed models with locations.

Reads site.yaml, regions.yaml, documents.yaml, inspections/ (version 2), tasks/, complaints/ (batch files
directly in it, and in version 2 in one sub-folder per inspection: complaints/<inspection>/<N>.yaml, whose
batches get the folder's name as their ``inspection``), announcements/, reports/ and pages/ under one
content folder, and checks the import profiles in import-profiles/ (not published;
:mod:`generator.load.profiles`). Every problem (unreadable file, YAML syntax, schema) is collected
and raised together as a :class:`ContentError`.

Nothing outside the content folder is ever read: before a file is opened, :func:`safe_content_file`
refuses a symbolic link (of the file or of any folder on its way) that resolves outside content/,
and anything that is not a regular file (a device, a FIFO, a socket), which could exhaust memory or
block forever; files are then opened without blocking and checked again on the open descriptor, so
a file swapped in between cannot slip through (:func:`read_content_file`, :func:`hash_content_file`
for document files). File names must be valid ids (:func:`generator.load.schema.path_name_problem`).

Values are cleaned and bounded by :mod:`generator.load.schema`; the Markdown bodies of reports and pages,
which are not YAML, are checked here with the same rules (:func:`generator.load.text.text_problem`).
A byte-order mark at the start of a file is dropped; Windows and old Mac line ends become ``\\n``.
A YAML file (or front matter) holding U+2028, U+2029 or U+0085 as such is refused as a whole: YAML
reads them as line breaks, so the value and every line number after them would be wrong.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from generator.errors import Location, Problems, os_error_reason
from generator.load.cache import LoadCache
from generator.load.profiles import check_profiles
from generator.load.schema import ID_RE, Builder, build_list, path_name_problem
from generator.load.text import shown, text_problem
from generator.load.yamlio import YAMLProblem, load_yaml
from generator.models import (
    Announcement,
    Batch,
    Content,
    Document,
    Inspection,
    Page,
    Region,
    Report,
    Site,
    Task,
    content_fields,
    is_required,
)

MAX_FILE_BYTES = 20 * 1024 * 1024
_CHUNK = 1024 * 1024
_YAML_LINE_BREAKS = re.compile("[\u2028\u2029\x85]")


class Refusal(NamedTuple):
    """Why a file under content/ is not read: a message and a hint for the publisher."""

    message: str
    hint: str


class RefusedFile(Exception):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message)
        self.refusal = refusal


_OUTSIDE_HINT = "把文件本身复制到 content/ 中，不要用指向其他位置的符号链接：网站只发布 content/ 里的文件"
_SPECIAL_HINT = "content/ 里只能放普通文件；删除它，或换成普通文件"


def _special_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字（socket）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def safe_content_file(root: Path, path: Path) -> Refusal | None:
    """Why ``path`` must not be read as a content file, or ``None`` when it is a regular file inside ``root``.

    Refused: a symbolic link (of the file itself or of a folder on the way) that resolves outside
    ``root``, a broken or looping link, and anything that is not a regular file. Only ``lstat`` and
    ``stat`` are used: nothing is opened, so a FIFO cannot block and a device is never read.
    A path that does not exist gives ``None``: the caller reports a missing file in its own words."""
    try:
        own = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Refusal(f"无法读取文件：{os_error_reason(exc)}", "检查文件的读取权限")
    try:
        target = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):
        return Refusal("是一个无法解析的符号链接（目标不存在，或链接互相指向）", _OUTSIDE_HINT)
    if not target.is_relative_to(Path(root).resolve()):
        return Refusal(f"指向 content/ 以外的位置（{shown(target.as_posix(), 120)}），不会读取或发布", _OUTSIDE_HINT)
    info = os.stat(path) if stat.S_ISLNK(own.st_mode) else own
    if not stat.S_ISREG(info.st_mode):
        return Refusal(f"不是普通文件，而是{_special_kind(info.st_mode)}", _SPECIAL_HINT)
    return None


def open_content_file(root: Path, path: Path) -> BinaryIO:
    """Open a content file for reading after :func:`safe_content_file`; raise :class:`RefusedFile` or ``OSError``.

    The file is opened without blocking (a FIFO put in its place after the check does not hang) and
    checked again on the open descriptor."""
    refusal = safe_content_file(root, path)
    if refusal is not None:
        raise RefusedFile(refusal)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    handle = os.fdopen(os.open(path, flags), "rb")
    try:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise RefusedFile(Refusal(f"不是普通文件，而是{_special_kind(mode)}", _SPECIAL_HINT))
    except BaseException:
        handle.close()
        raise
    return handle


def too_big(size: int, limit: int) -> Refusal:
    return Refusal(f"文件有 {size} 字节，超过上限 {limit} 字节", "把它拆成几个较小的文件")


def read_content_file(root: Path, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a content file of at most ``limit`` bytes; raise :class:`RefusedFile` or ``OSError``."""
    with open_content_file(root, path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise RefusedFile(too_big(size, limit))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise RefusedFile(Refusal(f"文件超过上限 {limit} 字节", "把它拆成几个较小的文件"))
    return data


def hash_content_file(root: Path, path: Path) -> str:
    """SHA-256 (hex) of a content file of any size, read in chunks; raise :class:`RefusedFile` or ``OSError``."""
    digest = hashlib.sha256()
    with open_content_file(root, path) as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


_WRITTEN_ID = re.compile(r"""(?:^|[\s{,-])(?:id|ref|code|batch):\s*["']?([A-Za-z0-9-]{1,64})""", re.MULTILINE)


class Loader:
    def __init__(self, root: Path, overrides: Mapping[str, str] | None = None, skip: Collection[str] = (),
                 cache: LoadCache | None = None):
        """``overrides`` (file name relative to ``root`` → text) are read as if written there, new files
        included; the files named in ``skip`` are left out, as if absent (see :func:`read`). ``cache`` keeps
        the models of files that loaded without a problem (load/cache.py)."""
        self.root = root
        self.cache = cache
        self.problems = Problems()
        self.unbuilt: set[str] = set()  # ids of items that had problems and were left out
        self.overrides = {root / rel: text for rel, text in (overrides or {}).items()}
        self.skip = {root / rel for rel in skip}
        self.sources: dict[str, str] = {}  # name of an item file that loaded without a problem → its cache key

    def remember_unbuilt(self, data: Any) -> None:
        if isinstance(data, dict):
            for key in ("id", "code", "batch", "ref"):
                if isinstance(data.get(key), (str, int)):
                    self.unbuilt.add(str(data[key]))
            complaints = data.get("complaints")
            for item in complaints if isinstance(complaints, list) else []:
                self.remember_unbuilt(item)

    def remember_unreadable(self, path: Path, stem: str | None) -> None:
        """A file that could not be parsed still names its items: its file name (a task's or notice's id)
        and the ids written in it, so that references to them are not reported again as dangling."""
        if stem is not None:
            self.unbuilt.add(stem)
        try:
            text = read_content_file(self.root, path).decode("utf-8", "replace")
        except (OSError, RefusedFile):
            return
        self.unbuilt.update(_WRITTEN_ID.findall(text))

    def name(self, path: Path) -> str:
        """How a file is named in messages: content/tasks/R2-07.yaml (unprintable characters escaped)."""
        try:
            name = (Path(self.root.name) / path.relative_to(self.root)).as_posix()
        except ValueError:
            name = path.as_posix()
        return shown(name, 4096)  # escaped, not shortened: other stages open files by this name

    def read_text(self, path: Path) -> str | None:
        name = self.name(path)
        try:
            raw = self.overrides[path].encode("utf-8") if path in self.overrides else read_content_file(self.root, path)
            if len(raw) > MAX_FILE_BYTES:  # an override is measured like a file
                raise RefusedFile(too_big(len(raw), MAX_FILE_BYTES))
        except RefusedFile as exc:
            self.problems.add(Location(name), "", exc.refusal.message, exc.refusal.hint)
            return None
        except OSError as exc:
            self.problems.add(Location(name), "", f"无法读取文件：{os_error_reason(exc)}", "检查文件的读取权限")
            return None
        if b"\x00" in raw:
            self.problems.add(Location(name), "", "文件是二进制数据，不是文本", "内容文件必须是 UTF-8 编码的文本")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            hint = "把文件另存为 UTF-8 编码"
            try:
                raw.decode("gb18030")
                hint = "文件看起来是 GBK/GB18030 编码：把它另存为 UTF-8 编码（例如在记事本的“另存为”中把编码选为 UTF-8）"
            except UnicodeDecodeError:
                pass
            self.problems.add(Location(name, line), "", "文件不是有效的 UTF-8 编码", hint)
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def read_yaml(self, path: Path, text: str | None = None) -> Any:
        if text is None:
            text = self.read_text(path)
            if text is None:
                return None
        separator = _YAML_LINE_BREAKS.search(text)
        if separator is not None:  # YAML reads these as line breaks: every line number after one would be wrong
            before = text[: separator.start()]
            column = separator.start() - before.rfind("\n")
            self.problems.add(Location(self.name(path), before.count("\n") + 1), "",
                              f"含有 Unicode 行分隔符 U+{ord(separator.group(0)):04X}：第 {column} 个字符",
                              "YAML 把它当作换行，内容会被读错；删除它，或改成普通的换行（常随从网页复制的文字带入）")
            return None
        try:
            return load_yaml(text)
        except YAMLProblem as exc:
            self.problems.add(Location(self.name(path), exc.line), "", exc.message, exc.hint)
            return None

    def builder(self, path: Path) -> Builder:
        return Builder(self.name(path), self.problems)

    def files(self, folder: str, suffix: str) -> list[Path]:
        directory = self.root / folder
        if not os.path.lexists(directory):
            return []
        if self.refused_folder(directory):
            return []
        found = []
        added = {p for p in self.overrides if p.parent == directory and not os.path.lexists(p)}
        for path in sorted([*directory.iterdir(), *added]):
            if path.name.startswith(".") or path in self.skip or (path not in added and path.is_dir()):
                continue
            if path.suffix.lower() != suffix:
                self.problems.add(Location(self.name(path)), "", f"{folder}/ 中有不该放在这里的文件", f"{folder}/ 中只放 *{suffix} 文件")
                continue
            found.append(path)
        return found

    def refused_folder(self, directory: Path) -> bool:
        """Report and return True when a content folder leads outside content/ or is not a folder."""
        try:
            target = directory.resolve(strict=True)
        except (OSError, RuntimeError):
            self.problems.add(Location(self.name(directory)), "", "是一个无法解析的符号链接（目标不存在，或链接互相指向）", _OUTSIDE_HINT)
            return True
        if not target.is_relative_to(self.root.resolve()):
            self.problems.add(Location(self.name(directory)), "",
                              f"指向 content/ 以外的位置（{shown(target.as_posix(), 120)}），不会读取或发布", _OUTSIDE_HINT)
            return True
        if not target.is_dir():
            self.problems.add(Location(self.name(directory)), "", "应当是一个文件夹", "把它换成同名的文件夹")
            return True
        return False

    def stem_id(self, path: Path, folder: bool = False) -> str | None:
        """The file name without its suffix (a folder's whole name) when it is a valid id (it becomes a path on
        the site), else ``None``."""
        stem, what = (path.name, "文件夹名") if folder else (path.stem, "文件名")
        if not ID_RE.fullmatch(stem):
            self.problems.add(Location(self.name(path)), "", f"{what} '{shown(stem)}' 不是有效的编号",
                              f"{what}只能使用字母 A-Z a-z、数字 0-9 和 '-'")
            return None
        problem = path_name_problem(stem)
        if problem is not None:
            self.problems.add(Location(self.name(path)), "", f"{what}：{problem[0]}", problem[1])
            return None
        return stem

    # -- each kind ---------------------------------------------------------------------------

    def site(self) -> Site | None:
        path = self.root / "site.yaml"
        if not os.path.lexists(path):
            self.problems.add(Location(self.name(path)), "", "缺少 site.yaml", "每个内容文件夹都要有 site.yaml；见 docs/content-format.md")
            return None
        data = self.read_yaml(path)
        return None if data is None else self.builder(path).model(Site, data, "", 1)

    def top_list(self, file: str, cls: type, path_name: str, required: bool) -> list[Any]:
        path = self.root / file
        if not os.path.lexists(path):
            if required:
                self.problems.add(Location(self.name(path)), "", f"缺少 {file}", "见 docs/content-format.md")
            return []
        data = self.read_yaml(path)
        items = build_list(self.builder(path), cls, data, path_name)
        if isinstance(data, list) and len(items) < len(data):
            for raw in data:
                self.remember_unbuilt(raw)  # over-remembering only mutes some dangling-reference reports
        return items

    def items(self, folder: str, cls: type) -> list[Any]:
        """One model per ``folder/*.yaml`` file (tasks, announcements, complaint batches)."""
        out = []
        for path in self.files(folder, ".yaml"):
            stem = self.stem_id(path)
            key = self.cache_key(path, cls) if stem is not None else None
            if key is not None and self.cache is not None:
                kept = self.cache.get(key, cls)
                if kept is not None:
                    out.append(kept)
                    self.sources[self.name(path)] = key
                    continue
            before = len(self.problems.items)
            data = self.read_yaml(path)
            if data is None:
                self.remember_unreadable(path, stem)
                continue
            item = self.builder(path).model(cls, data, "", 1)
            if item is not None and stem is not None:
                if key is not None and self.cache is not None and len(self.problems.items) == before:
                    self.cache.put(key, item)
                    self.sources[self.name(path)] = key
                out.append(item)
            else:
                self.remember_unbuilt(data)
                if stem is not None:
                    self.unbuilt.add(stem)  # an inspection, task or notice is named after its file
        return out

    def cache_key(self, path: Path, cls: type) -> str | None:
        """The cache entry of ``path`` as it is now; None without a cache, for an overridden file, or one that
        cannot be read (reading it again reports why)."""
        if self.cache is None or path in self.overrides:
            return None
        try:
            return self.cache.key(cls, self.name(path), read_content_file(self.root, path))
        except (OSError, RefusedFile):
            return None

    def batches(self) -> list[Batch]:
        """complaints/<N>.yaml, then complaints/<inspection>/<N>.yaml folder by folder: a batch in a sub-folder
        belongs to the inspection the folder names (an ``inspection:`` written in it must say the same)."""
        batches: list[Batch] = self.items("complaints", Batch)
        directory = self.root / "complaints"
        if not directory.is_dir() or not directory.resolve().is_relative_to(self.root.resolve()):
            return batches  # absent, or refused (and reported) by items()
        for folder in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if folder in self.skip or self.refused_folder(folder):
                continue
            inspection = self.stem_id(folder, folder=True)
            if inspection is None:
                continue
            for batch in self.items(f"complaints/{folder.name}", Batch):
                if batch.inspection and batch.inspection != inspection:
                    self.problems.add(batch.at("inspection"), "inspection",
                                      f"批次写的督察 '{batch.inspection}' 与所在的文件夹 complaints/{inspection}/ 不一致",
                                      f"complaints/{inspection}/ 中的批次属于督察 '{inspection}'：删除 inspection，"
                                      f"或把文件移到 complaints/{batch.inspection}/ 中")
                batch.inspection = inspection
                batches.append(batch)
        return batches

    def markdown_files(self, folder: str, cls: type) -> list[Any]:
        out = []
        for path in self.files(folder, ".md"):
            stem = self.stem_id(path)
            text = self.read_text(path)
            if text is None:
                continue
            meta_text, body, body_line = split_front_matter(text)
            if meta_text is None:
                fields = "、".join(f"'{f.name}: …'" for f in content_fields(cls) if is_required(f))
                self.problems.add(Location(self.name(path), 1), "", "文件开头缺少 YAML 信息块（两行 '---' 之间的字段）",
                                  f"文件第一行写 '---'，接着写 {fields}，然后再写一行 '---'")
                continue
            clean = self.clean_body(path, body, body_line)
            data = self.read_yaml(path, "\n" + meta_text)  # the blank line keeps line numbers true
            if data is None:
                continue
            item = self.builder(path).model(cls, data, "", 2)
            if not clean or item is None or stem is None:
                continue
            item.slug = stem
            item.body = body
            item.lines["body"] = body_line
            out.append(item)
        return out

    def clean_body(self, path: Path, body: str, body_line: int) -> bool:
        """Report and return False when a Markdown body holds a character no page, feed or index may carry."""
        bad = text_problem(body, multiline=True, line_known=True)
        if bad is None:
            return True
        index, message, hint = bad
        self.problems.add(Location(self.name(path), body_line + body.count("\n", 0, index)), "body", message, hint)
        return False


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split '---\\nYAML\\n---\\nbody' into (YAML, body, line of the body)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None, text, 1


def read(root: Path, overrides: Mapping[str, str] | None = None, skip: Collection[str] = (),
         cache: Path | None = None) -> tuple[Content | None, Problems]:
    """Load what can be loaded from a content folder, with every problem found on the way.

    ``overrides`` maps file names relative to ``root`` (complaints/9.yaml) to the text they are read with
    instead of the file's, as if written there (``portal import`` checks its result so, before it writes);
    the files in ``skip`` are read as if absent.

    Items that could not be built are left out, and their ids are remembered in
    ``Content.unbuilt`` so that the check stage does not also call references to them dangling.
    Returns ``None`` for the content when there is no usable site.yaml. With ``cache`` (a folder), the
    models of the tasks, notices, inspections and batches that load without a problem are kept there and
    taken from it while their files are unchanged (load/cache.py).
    """
    root = Path(root)
    kept = LoadCache(cache) if cache is not None else None
    loader = Loader(root, overrides, skip, kept)
    if not root.is_dir():
        loader.problems.add(Location(str(root)), "", "找不到内容文件夹",
                            "用 --content 指向含有 site.yaml 的文件夹")
        return None, loader.problems
    site = loader.site()
    regions = loader.top_list("regions.yaml", Region, "regions", required=True)
    documents = loader.top_list("documents.yaml", Document, "documents", required=False)
    # every file is read (and its problems found) even when there is no usable site.yaml
    inspections: list[Inspection] = loader.items("inspections", Inspection)
    tasks = loader.items("tasks", Task)
    batches = loader.batches()
    announcements = loader.items("announcements", Announcement)
    reports = loader.markdown_files("reports", Report)
    pages = loader.markdown_files("pages", Page)
    content = None if site is None else Content(
        root=str(root),
        site=site,
        regions=regions,
        documents=documents,
        tasks=tasks,
        batches=batches,
        announcements=announcements,
        reports=reports,
        pages=pages,
        unbuilt=loader.unbuilt,
        inspections=inspections,
        sources=loader.sources,
    )
    check_profiles(loader)  # import-profiles/: checked, never published
    if kept is not None:
        kept.prune()
    return content, loader.problems


def load(root: Path) -> Content:
    """Load a content folder; raise :class:`ContentError` listing every problem found."""
    content, problems = read(root)
    problems.raise_if_any()
    assert content is not None
    return content

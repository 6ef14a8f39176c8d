"""Stage 1, load: content files → typed models with locations.

Reads site.yaml, regions.yaml, documents.yaml, tasks/, complaints/, announcements/, reports/ and
pages/ under one content folder. Every problem (unreadable file, YAML syntax, schema) is collected
and raised together as a :class:`ContentError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import Location, Problems
from .models import Announcement, Batch, Content, Document, Page, Region, Report, Site, Task, content_fields, is_required
from .schema import ID_RE, Builder, build_list
from .yamlio import YAMLProblem, load_yaml

MAX_FILE_BYTES = 20 * 1024 * 1024


class Loader:
    def __init__(self, root: Path):
        self.root = root
        self.problems = Problems()
        self.unbuilt: set[str] = set()  # ids of items that had problems and were left out

    def remember_unbuilt(self, data: Any) -> None:
        if isinstance(data, dict):
            for key in ("id", "code", "batch", "ref"):
                if isinstance(data.get(key), (str, int)):
                    self.unbuilt.add(str(data[key]))
            complaints = data.get("complaints")
            for item in complaints if isinstance(complaints, list) else []:
                self.remember_unbuilt(item)

    def name(self, path: Path) -> str:
        """How a file is named in messages: content/tasks/R2-07.yaml."""
        try:
            return (Path(self.root.name) / path.relative_to(self.root)).as_posix()
        except ValueError:
            return path.as_posix()

    def read_text(self, path: Path) -> str | None:
        name = self.name(path)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.problems.add(Location(name), "", f"file is {size} bytes (limit {MAX_FILE_BYTES})", "split it")
                return None
            raw = path.read_bytes()
        except OSError as exc:
            self.problems.add(Location(name), "", f"cannot read file: {exc.strerror}")
            return None
        if b"\x00" in raw:
            self.problems.add(Location(name), "", "file is binary, not text", "content files are UTF-8 text")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            hint = "save the file as UTF-8"
            try:
                raw.decode("gb18030")
                hint = "the file looks like GBK/GB18030; save it as UTF-8 (e.g. iconv -f GBK -t UTF-8)"
            except UnicodeDecodeError:
                pass
            self.problems.add(Location(name, line), "", "file is not valid UTF-8", hint)
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def read_yaml(self, path: Path, text: str | None = None) -> Any:
        if text is None:
            text = self.read_text(path)
            if text is None:
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
        if not directory.is_dir():
            return []
        found = []
        for path in sorted(directory.iterdir()):
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix.lower() != suffix:
                self.problems.add(Location(self.name(path)), "", f"unexpected file in {folder}/", f"{folder}/ holds *{suffix} files")
                continue
            found.append(path)
        return found

    def stem_id(self, path: Path) -> str | None:
        if not ID_RE.match(path.stem):
            self.problems.add(Location(self.name(path)), "", f"file name '{path.stem}' is not a valid id",
                              "use only letters A-Z a-z, digits 0-9 and '-' in file names")
            return None
        return path.stem

    # -- each kind ---------------------------------------------------------------------------

    def site(self) -> Site | None:
        path = self.root / "site.yaml"
        if not path.is_file():
            self.problems.add(Location(self.name(path)), "", "site.yaml is missing", "every content folder needs site.yaml; see docs/content-format.md")
            return None
        data = self.read_yaml(path)
        return None if data is None else self.builder(path).model(Site, data, "", 1)

    def top_list(self, file: str, cls: type, path_name: str, required: bool) -> list[Any]:
        path = self.root / file
        if not path.is_file():
            if required:
                self.problems.add(Location(self.name(path)), "", f"{file} is missing", "see docs/content-format.md")
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
            data = self.read_yaml(path)
            if data is None:
                continue
            item = self.builder(path).model(cls, data, "", 1)
            if item is not None:
                out.append(item)
            else:
                self.remember_unbuilt(data)
        return out

    def markdown_files(self, folder: str, cls: type) -> list[Any]:
        out = []
        for path in self.files(folder, ".md"):
            stem = self.stem_id(path)
            text = self.read_text(path)
            if text is None:
                continue
            meta_text, body, body_line = split_front_matter(text)
            if meta_text is None:
                fields = " and ".join(f"'{f.name}: …'" for f in content_fields(cls) if is_required(f))
                self.problems.add(Location(self.name(path), 1), "", "missing YAML front matter",
                                  f"start the file with a line '---', then {fields}, then a line '---'")
                continue
            data = self.read_yaml(path, "\n" + meta_text)  # the blank line keeps line numbers true
            if data is None:
                continue
            item = self.builder(path).model(cls, data, "", 2)
            if item is None or stem is None:
                continue
            item.slug = stem
            item.body = body
            item.lines["body"] = body_line
            out.append(item)
        return out


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split '---\\nYAML\\n---\\nbody' into (YAML, body, line of the body)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None, text, 1


def read(root: Path) -> tuple[Content | None, Problems]:
    """Load what can be loaded from a content folder, with every problem found on the way.

    Items that could not be built are left out, and their ids are remembered in
    ``Content.unbuilt`` so that the check stage does not also call references to them dangling.
    Returns ``None`` for the content when there is no usable site.yaml.
    """
    root = Path(root)
    loader = Loader(root)
    if not root.is_dir():
        loader.problems.add(Location(str(root)), "", "content folder not found",
                            "pass --content DIR pointing at a folder with site.yaml")
        return None, loader.problems
    site = loader.site()
    regions = loader.top_list("regions.yaml", Region, "regions", required=True)
    documents = loader.top_list("documents.yaml", Document, "documents", required=False)
    content = Content(
        root=str(root),
        site=site,  # type: ignore[arg-type]
        regions=regions,
        documents=documents,
        tasks=loader.items("tasks", Task),
        batches=loader.items("complaints", Batch),
        announcements=loader.items("announcements", Announcement),
        reports=loader.markdown_files("reports", Report),
        pages=loader.markdown_files("pages", Page),
        unbuilt=loader.unbuilt,
    )
    return (content if site is not None else None), loader.problems


def load(root: Path) -> Content:
    """Load a content folder; raise :class:`ContentError` listing every problem found."""
    content, problems = read(root)
    problems.raise_if_any()
    assert content is not None
    return content

"""The package's shape: modules live in stage sub-packages, imports point one way, and there are no cycles.

Stages in order: shared modules (models, errors, urls, markup, incremental, config, dates) → load →
check → derive → render → index → publish → commands → the edge (cli, pipeline, plugin,
pelican_settings). A module may import its own package and earlier stages, never a later one; shared
modules import only each other. Every import is read from the source with :mod:`ast` (imports inside
functions and under ``if TYPE_CHECKING:`` included), so a lazy import cannot hide an upward arrow or a
cycle. Only the edge reads the environment (the configuration is built there, docs/configuration.md)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "generator"
ORDER = {"shared": 0, "load": 1, "check": 2, "derive": 3, "render": 4, "index": 5, "publish": 6, "commands": 7, "edge": 8}
SHARED = {"models", "errors", "urls", "markup", "incremental", "config", "dates"}
EDGE = {"cli", "pipeline", "plugin", "pelican_settings", "__main__", "__init__"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    return ".".join(rel.parts)


def stage(module: str) -> str:
    top = module.split(".")[0]
    if top in SHARED:
        return "shared"
    if top in EDGE:
        return "edge"
    assert top in ORDER, f"generator/{top} is in no stage: add it to tests/test_layout.py and docs/architecture.md"
    return top


def imports(path: Path) -> set[str]:
    """The generator modules (dotted, without 'generator.') that ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("generator.")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = here[:len(here) - node.level] if path.name != "__init__.py" else here[:len(here) - node.level + 1]
                target = ".".join(["generator", *base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target == "generator" or target.startswith("generator."):
                names = [target + "." + a.name for a in node.names]
                found |= {n if (PACKAGE / Path(*n.split(".")[1:])).with_suffix(".py").exists()
                          or (PACKAGE / Path(*n.split(".")[1:])).is_dir() else target for n in names}
    return {m.removeprefix("generator.") for m in found if m != "generator"}


def arrows() -> set[tuple[str, str]]:
    out = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        src = module_name(path)
        for dst in imports(path):
            out.add((src, dst))
    return out


def upward(src: str, dst: str) -> bool:
    a, b = stage(src), stage(dst)
    if a == b:
        return False
    return ORDER[b] > ORDER[a]


def test_every_module_is_in_a_stage_package() -> None:
    flat = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert set(flat) <= SHARED | EDGE, f"modules outside a stage package: {sorted(set(flat) - SHARED - EDGE)}"
    for folder in (p for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"):
        assert folder.name in ORDER, folder
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"generator/{folder.name}/__init__.py says nothing of what the stage takes and gives"


def test_imports_point_one_way() -> None:
    found = {(s, d) for s, d in arrows() if upward(s, d)}
    assert found == set(), "upward imports (a stage imports a later one)"


def test_shared_modules_import_only_shared_modules() -> None:
    bad = {(s, d) for s, d in arrows() if stage(s) == "shared" and stage(d) != "shared"}
    assert bad == set()


def test_the_checker_sees_upward_and_lazy_imports(tmp_path: Path) -> None:
    """The test's own machinery: an import inside a function and a relative import are both seen."""
    sample = PACKAGE / "check" / "rules.py"
    assert "load.reader" in imports(sample) or "load.schema" in imports(sample)
    assert upward("check.rules", "render.pages") and not upward("render.pages", "check.rules")
    assert not upward("derive.state", "derive.events")
    assert upward("models", "load.reader")


def reads_environment(path: Path) -> bool:
    """Whether ``path`` uses ``os.environ`` or ``os.getenv`` (read, passed on or changed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.Attribute) and n.attr in ("environ", "getenv") and ast.unparse(n.value) == "os"
               for n in ast.walk(tree))


def test_only_the_edge_reads_the_environment(tmp_path: Path) -> None:
    """The configuration is built at the edge (cli.py, and plugin.py under plain `pelican content`) and
    passed down: no stage or shared module looks at the environment itself."""
    readers = {module_name(p) for p in PACKAGE.rglob("*.py") if reads_environment(p)}
    assert readers <= {"cli", "plugin"}, f"reads the environment below the edge: {sorted(readers - {'cli', 'plugin'})}"
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nworkers = os.environ.get('X')\n")
    assert reads_environment(probe)  # the scanner sees a read


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The import cycles among modules: strongly connected groups of more than one module (Tarjan)."""
    graph: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_not_even_for_type_checking() -> None:
    """Imports under ``if TYPE_CHECKING:`` count: a cycle held together by them is still a cycle."""
    assert cycles(arrows()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert cycles({("a", "b"), ("b", "c")}) == []

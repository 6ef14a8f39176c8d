"""The package's shape (issue 15): modules live in stage sub-packages, and imports point one way.

Stages in order: shared modules (models, errors, urls, markup, incremental) → load → check → derive →
render → index → publish → commands → the edge (cli, pipeline, plugin, pelican_settings). A module may
import its own package and earlier stages, never a later one; shared modules import only each other.
Every import is read from the source with :mod:`ast` (imports inside functions included), so a lazy
import cannot hide an upward arrow. The few upward arrows the code still has are listed in KNOWN with
the reason and the fix; the test fails on any other, and on a listed one that is gone (so the list
stays true)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "generator"
ORDER = {"shared": 0, "load": 1, "check": 2, "derive": 3, "render": 4, "index": 5, "publish": 6, "commands": 7, "edge": 8}
SHARED = {"models", "errors", "urls", "markup", "incremental"}
EDGE = {"cli", "pipeline", "plugin", "pelican_settings", "__main__", "__init__"}
# (importer, imported): upward arrows still in the code, each with what removes it
KNOWN = {
    ("load.reader", "commands.import_profile"): "load checks content/import-profiles/: move profile reading into load/",
    ("check.integrity", "derive.state"): "integrity holds both check rules and derive flags: split it",
    ("render.pages", "index.pagefind"): "the renderer plans search shards: planning belongs to index/",
    ("render.pages", "index.whoosh_index"): "the renderer builds search documents: move them to index/",
}


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
    assert found - KNOWN.keys() == set(), "upward imports (a stage imports a later one)"
    assert KNOWN.keys() - found == set(), "KNOWN lists an arrow that is gone: remove it from the list"


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

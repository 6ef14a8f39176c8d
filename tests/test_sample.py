"""The bundled sample content/ is exactly what tools/make_sample.py makes from the data in tools/sample/.

The expander is run in-process into a temporary folder; every file must be byte-identical to the committed one
(same set of files), and the portal's own checker (`portal check`) must find no problem in the result. A mistake put
into a copy of the data must come back as the portal's message (exit 2, file:line of the written content), and a
misspelt field in the data as the expander's own (exit 1).
"""

from __future__ import annotations

import contextlib
import difflib
import importlib.util
import io
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from conftest import AS_OF, REPO, SAMPLE, check, edit, tree_digest

DATA = REPO / "tools" / "sample"
pytestmark = pytest.mark.slow  # each test expands the whole sample (3 rounds, 55 tasks, 438 complaints) and checks it


def _load_expander() -> ModuleType:
    """tools/make_sample.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_sample", REPO / "tools" / "make_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


EXPANDER = _load_expander()


@dataclass
class Run:
    code: int
    out: str
    err: str


def make_sample(*args: str | Path) -> Run:
    """Run `tools/make_sample.py ARGS` in this process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = EXPANDER.main([str(a) for a in args])
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample, written afresh by the expander from tools/sample/ (which also checks it)."""
    content = tmp_path_factory.mktemp("sample") / "content"
    run = make_sample("--content", content)
    assert run.code == 0, run.err
    assert run.out.startswith("tasks 55, complaints 438\n"), run.out
    return content


def _first_difference(name: str, new: Path, old: Path) -> str:
    try:
        lines = difflib.unified_diff(old.read_text(encoding="utf-8").splitlines(),
                                     new.read_text(encoding="utf-8").splitlines(),
                                     f"content/{name}", f"regenerated/{name}", lineterm="", n=1)
        return "\n".join(list(lines)[:20])
    except UnicodeDecodeError:
        return f"{name}: the bytes differ"


def test_the_expander_writes_the_same_files_as_content(regenerated: Path) -> None:
    new, old = set(tree_digest(regenerated)), set(tree_digest(SAMPLE))
    assert sorted(new - old) == [], "written by tools/make_sample.py but not in content/"
    assert sorted(old - new) == [], "in content/ but not written by tools/make_sample.py (data lost?)"


def test_every_file_of_content_is_byte_identical_to_the_regenerated_one(regenerated: Path) -> None:
    new, old = tree_digest(regenerated), tree_digest(SAMPLE)
    differ = sorted(name for name in new.keys() & old.keys() if new[name] != old[name])
    assert not differ, (f"{len(differ)} files of content/ differ from what tools/make_sample.py makes of tools/sample/ "
                        "(change the data, then regenerate):\n"
                        + _first_difference(differ[0], regenerated / differ[0], SAMPLE / differ[0]))


def test_the_portal_finds_no_problem_in_the_regenerated_sample(regenerated: Path) -> None:
    assert EXPANDER.AS_OF.isoformat() == AS_OF  # the expander checks as of the date the tests build the sample
    result = check(regenerated)
    assert result.code == 0, result.err
    assert result.err == ""


MISTAKES = [  # (data file, text, replacement, where the portal reports it, what it says)
    ("tasks-r2.yaml", "- {date: 2022-12-31, status: in_progress, note: 累计完成关改搬转9家}",
     "- {date: 2022-12-31, status: closed, note: 累计完成关改搬转9家}", "tasks/R2-02.yaml:", "不能变为 'closed'"),
    ("complaint_kinds.yaml", "- types: [噪声]\n", "- types: [噪音]\n", "complaints/", "'噪音' 不是允许的值"),
    ("documents.yaml", "  issuer: 临水市生态环境局\n  issued_on: 2021-12-22",
     "  issuer: 临水市生态环境局\n  issued_on: 2022-12-22", "tasks/R2-05.yaml:", "文件 'doc-005' 的日期是 2022-12-22"),
    ("site.yaml", "notice_min_days: 5", "notice_min_days: 20", "announcements/N-2022-001.yaml:", "至少需要 20 天"),
    ("announcements.yaml", "period: {start: 2023-01-04, end: 2023-01-17}",
     "period: {start: 2023-01-04, end: 2023-02-17}", "tasks/R2-16.yaml:", "N-2023-001"),
    ("pages/about.md", "本站模拟一个省份", "联系人手机13912345678。本站模拟一个省份", "pages/about.md:", "疑似手机号码"),
    ("tasks-r3.yaml", "  follows: [R2-33]\n", "  follows: [R3-04]\n", "tasks/R3-02.yaml:", "与本任务属于同一次督察"),
    ("complaints-r3.yaml", "repeats: [D2JC202105130018]", "repeats: [D2JC202105130019]", "complaints/r3/3.yaml:",
     "'D2JC202105130019' 在 complaints/ 中不存在"),
    ("inspections.yaml", "      approved_on: 2026-03-10", "      approved_on: 2025-10-10", "inspections/r3.yaml:",
     "早于督察反馈日期（2025-11-18）"),
]


@pytest.mark.parametrize(("file", "old", "new", "where", "message"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_mistake_in_the_data_is_reported_by_the_portals_checker(tmp_path: Path, file: str, old: str, new: str,
                                                                 where: str, message: str) -> None:
    data = tmp_path / "sample"
    shutil.copytree(DATA, data)
    edit(data, file, old, new)
    run = make_sample("--data", data, "--content", tmp_path / "content")
    assert run.code == 2, run.err
    reported = [line for line in run.err.splitlines() if line.startswith(f"content/{where}")]
    assert any(message in line for line in reported), run.err
    assert run.err.rstrip().endswith("处问题；未发布任何内容。")
    assert "Traceback" not in run.err


def test_a_misspelt_field_in_the_data_is_named(tmp_path: Path) -> None:
    data = tmp_path / "sample"
    shutil.copytree(DATA, data)
    edit(data, "tasks-r2.yaml", "  acceptance_unit: 省住房城乡建设厅\n", "  acceptance_units: 省住房城乡建设厅\n")
    run = make_sample("--data", data, "--content", tmp_path / "content")
    assert run.code == 1
    assert "tasks-r2.yaml: 第3项: 未知字段 acceptance_units" in run.err
    assert not (tmp_path / "content").exists()  # nothing is written from data with a mistake


def test_the_expander_never_replaces_a_folder_that_is_not_a_content_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    run = make_sample("--content", tmp_path)
    assert run.code == 1 and "site.yaml" in run.err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_rounds_complaints_do_not_change_with_another_rounds_data(tmp_path: Path, regenerated: Path) -> None:
    """Each round draws its complaints with a generator of its own: one more complaint in batch 1 of round 1, the
    earliest, leaves every batch of rounds 2 and 3 as it was (that batch changes; later ones of round 1 may, as their
    draws shift). One generator for all rounds would shift round 2's draws too."""
    data = tmp_path / "sample"
    shutil.copytree(DATA, data)
    edit(data, "complaints-r1.yaml", "{batch: 1, forwarded_on: 2017-08-18, count: 14}",
         "{batch: 1, forwarded_on: 2017-08-18, count: 15}")
    run = make_sample("--data", data, "--content", tmp_path / "content")
    assert run.code == 0, run.err
    new, old = tree_digest(tmp_path / "content" / "complaints"), tree_digest(regenerated / "complaints")
    assert sorted(new) == sorted(old)
    changed = [n for n in sorted(new) if new[n] != old[n]]
    assert changed[:1] == ["r1/1.yaml"] and all(n.startswith("r1/") for n in changed), changed

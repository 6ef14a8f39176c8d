"""Shared test helpers: run the real `portal` command in-process and build real sites."""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "content"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
AS_OF = "2026-11-01"


@dataclass
class Result:
    code: int
    out: str
    err: str


def portal(*args: str) -> Result:
    """Run `portal ARGS` in this process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Result(code, out.getvalue(), err.getvalue())


def build(content: Path, output: Path, as_of: str = AS_OF) -> Result:
    return portal("build", "--content", content, "--output", output, "--as-of", as_of)


def tree_digest(root: Path) -> dict[str, str]:
    """Path → SHA-256 of every file below root."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small fixture content."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample content, built once as of AS_OF."""
    output = tmp_path_factory.mktemp("sample") / "output"
    result = build(SAMPLE, output)
    assert result.code == 0, result.err
    return output


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("mini") / "output"
    result = build(MINI, output)
    assert result.code == 0, result.err
    return output

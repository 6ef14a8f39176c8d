"""Whole builds: deterministic output, atomic publishing, and the plain `pelican content` route."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, MINI, REPO, SAMPLE, build, portal, tree_digest

from generator.publish import swap as publish


def test_two_builds_are_byte_identical(sample_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert build(SAMPLE, again).code == 0
    first, second = tree_digest(sample_site), tree_digest(again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_build_ends_by_saying_how_to_view_the_site(tmp_path: Path) -> None:
    output = tmp_path / "site folder"
    result = build(MINI, output)
    assert result.code == 0, result.err
    last = result.out.strip().splitlines()[-1]
    # the command to preview it (the folder quoted for a shell, as it has a space) and the file to open
    assert last.startswith("查看网站：运行 portal serve --output ") and f"'{output}'" in last
    assert str(output / "index.html") in last and (output / "index.html").is_file()


def test_as_of_changes_the_data_date(tmp_path: Path) -> None:
    early, late = tmp_path / "early", tmp_path / "late"
    assert build(MINI, early, "2026-11-01").code == 0
    assert build(MINI, late, "2026-12-15").code == 0
    soup = BeautifulSoup((late / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "截至 2026年12月15日" in soup.find(class_="data-date").get_text()
    assert tree_digest(early) != tree_digest(late)


def test_output_is_replaced_as_a_whole(mini: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.mkdir()
    (output / "stale.html").write_text("from an earlier build", encoding="utf-8")
    result = build(mini, output)
    assert result.code == 0, result.err
    assert not (output / "stale.html").exists()
    assert (output / "index.html").is_file()
    assert oct(output.stat().st_mode & 0o777) == "0o755"  # readable by a web server
    # the previous site stays beside it as the spare the next rebuild is assembled in, and the build state
    # (each site's list of files, the digests) beside both: nothing of it is in the published folder (publish.py)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.spare", ".output.state", "content", "output"]
    assert not [p for p in output.rglob(".portal*")]
    assert (tmp_path / ".output.spare" / "stale.html").is_file()


def _broken_theme(tmp_path: Path) -> Path:
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    task = theme / "templates" / "task.html"
    text = task.read_text(encoding="utf-8")
    assert "{% block content %}" in text
    task.write_text(text.replace("{% block content %}", "{% block content %}{{ no_such_thing.attribute.deeper }}", 1), encoding="utf-8")
    settings = tmp_path / "brokenconf.py"
    settings.write_text(f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom pelicanconf import *\nTHEME = {str(theme)!r}\n", encoding="utf-8")
    return settings


def test_a_failing_render_keeps_the_published_site(mini: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert build(mini, output).code == 0
    before = tree_digest(output)
    settings = _broken_theme(tmp_path)
    result = portal("build", "--content", mini, "--output", output, "--as-of", AS_OF, "--settings", settings)
    assert result.code == 1
    assert "主题模板出错" in result.err and "Traceback" not in result.err
    assert tree_digest(output) == before
    # no working folder left; the published site's build state is still there and still its own
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output.")] == [".output.state"]
    assert publish.listing(output) == set(tree_digest(output))


def test_an_interrupted_swap_is_repaired_by_the_next_build(mini: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert build(mini, output).code == 0
    before = tree_digest(output)
    # the state a build leaves when killed between its two renames: no output/, the old site aside
    output.rename(tmp_path / ".output.previous-x1")
    (tmp_path / ".output.building-x2").mkdir()
    (mini / "tasks" / "T-2.yaml").write_text("id: T-2\n", encoding="utf-8")  # and this build fails
    assert build(mini, output).code == 2
    assert tree_digest(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.state", "content", "output"]


def test_pelican_content_builds_the_site_too(tmp_path: Path) -> None:
    output = tmp_path / "pelican-output"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "pelican", str(MINI), "-s", str(REPO / "pelicanconf.py"), "-o", str(output),
         "-e", 'PORTAL_AS_OF="2026-11-01"'],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    reference = tmp_path / "portal-output"
    assert build(MINI, reference).code == 0
    # the same site; plain Pelican keeps no build state (only `portal build` rebuilds incrementally)
    assert tree_digest(output) == tree_digest(reference)


@pytest.mark.slow  # starts Pelican in a new Python process
def test_pelican_content_refuses_bad_content(mini: Path, tmp_path: Path) -> None:
    (mini / "tasks" / "T-2.yaml").write_text("id: T-2\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pelican", str(mini), "-s", str(REPO / "pelicanconf.py"), "-o", str(tmp_path / "out"),
         "-e", 'PORTAL_AS_OF="2026-11-01"'],
        cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode != 0
    assert "tasks/T-2.yaml" in done.stdout + done.stderr and "缺少必填字段" in done.stdout + done.stderr

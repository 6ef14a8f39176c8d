"""Incremental builds: the same bytes as a clean full build, and unchanged files are not rewritten."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import MINI, REPO, SAMPLE, build, tree_digest


def stamps(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_one_status_change_rewrites_only_what_changed(mini: Path, tmp_path: Path) -> None:
    (mini / "site.yaml").write_text((mini / "site.yaml").read_text(encoding="utf-8") + "site_url: https://example.org/\n",
                                    encoding="utf-8")
    output = tmp_path / "output"
    assert build(mini, output).code == 0
    before, times = tree_digest(output), stamps(output)
    os.utime(output / "index.html", ns=(1, 1))  # so a rewrite could not keep the old time by chance
    times["index.html"] = 1

    _append(mini / "tasks" / "T-2.yaml", "  - {date: 2026-10-20, status: completed, note: 整改完成}\n")
    result = build(mini, output)
    assert result.code == 0, result.err
    after = tree_digest(output)
    clean = tmp_path / "clean"
    assert build(mini, clean).code == 0
    assert after == tree_digest(clean)  # byte-identical to a clean full build

    changed = {name for name in after if before.get(name) != after[name]}
    assert {"tasks/T-2/index.html", "feeds/tasks/T-2.atom.xml", "feeds/all.atom.xml"} <= changed
    assert "complaints/X2CS202105100002/index.html" not in changed  # not linked to T-2
    new_times = stamps(output)
    for name, digest in after.items():
        if name in before and before[name] == digest:
            assert new_times[name] == times[name], f"{name} was rewritten although its bytes did not change"


def test_adding_a_batch_matches_a_clean_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    output = tmp_path / "output"
    assert build(content, output).code == 0
    old = tree_digest(output)
    last = max(content.glob("complaints/*.yaml"), key=lambda p: int(p.stem))
    text = last.read_text(encoding="utf-8")
    number = int(last.stem) + 1
    batch = text.replace(f"batch: {last.stem}", f"batch: {number}", 1)
    batch = batch.replace("ref: D2JC", "ref: D2JQ").replace("ref: X2JC", "ref: X2JQ").replace("ref: W2JC", "ref: W2JQ")
    (content / "complaints" / f"{number}.yaml").write_text(batch, encoding="utf-8")
    assert build(content, output).code == 0
    clean = tmp_path / "clean"
    assert build(content, clean).code == 0
    new = tree_digest(output)
    assert new == tree_digest(clean)
    added = [name for name in new if name not in old]
    assert any(name.startswith("complaints/D2JQ") for name in added)
    old_pages = [name for name in old if name.startswith("complaints/D2JC") and name.endswith("/index.html")]
    assert old_pages and all(new[name] == old[name] for name in old_pages)  # other complaints' pages untouched


def test_parallel_workers_give_the_same_bytes(tmp_path: Path) -> None:
    serial = tmp_path / "serial"
    assert build(MINI, serial).code == 0
    forked = tmp_path / "forked"
    env = dict(os.environ, PORTAL_WORKERS="2", PORTAL_PARALLEL_MIN="1", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(MINI), "--output", str(forked),
                           "--as-of", "2026-11-01"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert tree_digest(forked) == tree_digest(serial)


def test_a_template_error_in_a_worker_fails_the_build(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    page = theme / "templates" / "complaint.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}{{ nope.x.y }}", 1),
                    encoding="utf-8")
    settings = tmp_path / "conf.py"
    settings.write_text(f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom pelicanconf import *\nTHEME = {str(theme)!r}\n",
                        encoding="utf-8")
    env = dict(os.environ, PORTAL_WORKERS="2", PORTAL_PARALLEL_MIN="1", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(MINI), "--output",
                           str(tmp_path / "out"), "--as-of", "2026-11-01", "--settings", str(settings)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "theme template error" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()

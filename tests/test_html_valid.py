"""Valid HTML: the Nu HTML Checker (vnu.jar of the npm package vnu-jar in tests/js) finds no error on one page
of every page kind of the built sample, in 简体 and in its 繁體 copy under zh-hant/.

PAGE_KINDS (template → one page built from it) is also what tests/test_accessibility.py and
tests/test_notice_page.py walk; a test here fails when a page template has no entry, so a new kind of page
cannot be left out of the checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

VNU = REPO / "tests" / "js" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# template → the page of the sample (as of conftest.AS_OF) that shows it, relative to the site's root
PAGE_KINDS = {
    "home.html": "",
    "inspections.html": "inspections/",
    "inspection.html": "inspections/r2/",
    "tasks.html": "tasks/",
    "tasks_by_region.html": "tasks/by-region/",
    "task.html": "tasks/R2-07/",
    "complaints.html": "complaints/",
    "complaint_list.html": "complaints/batch/r2/1/",
    "complaint.html": "complaints/D2JC202106020020/",
    "lookup.html": "lookup/",
    "announcements.html": "announcements/",
    "announcement.html": "announcements/N-2024-003/",
    "regions.html": "regions/",
    "region.html": "regions/990100/",
    "reports.html": "reports/",
    "report.html": "reports/2024-12-progress/",
    "page.html": "pages/about/",
    "documents.html": "documents/",
    "feeds.html": "feeds/",
    "search.html": "search/",
    "checks.html": "checks/",
    "corrections.html": "corrections/",
    "stats.html": "stats/",
    "data.html": "data/",
    "404.html": "404.html",
}
# templates that are no page of their own
NOT_PAGES = {"base.html"}

# Messages owned elsewhere and still open, each with the reason it is skipped here (keep this empty).
KNOWN: dict[str, str] = {}


def page_file(site: Path, url: str) -> Path:
    return site / url / "index.html" if not url or url.endswith("/") else site / url


def test_every_page_template_has_a_page_kind() -> None:
    templates = {p.name for p in (REPO / "theme" / "templates").glob("*.html") if not p.name.startswith("_")}
    assert templates - NOT_PAGES == set(PAGE_KINDS)


def nu_errors(files: list[Path]) -> list[str]:
    java = shutil.which("java")
    if not VNU.is_file() or java is None:
        if os.environ.get("CI"):
            pytest.fail(f"{VNU} or java is missing: .ci/run must run 'npm ci' in tests/js")
        pytest.skip("the Nu HTML Checker is not installed: (cd tests/js && npm ci), and Java")
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                         check=False, capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stderr[-2000:]  # 1: errors found; anything else: the checker failed
    messages = json.loads(run.stderr)["messages"]
    found = []
    for m in messages:
        if any(k in m["message"] for k in KNOWN):
            continue
        where = Path(m.get("url", "")).as_posix().split("/output/")[-1]
        found.append(f"{where}:{m.get('lastLine', '?')}: {m['message']}")
    return found


def test_nu_html_checker_finds_no_error_on_any_page_kind(sample_site: Path) -> None:
    files = [page_file(sample_site / prefix, url) for url in PAGE_KINDS.values() for prefix in ("", "zh-hant")]
    assert all(f.is_file() for f in files), [str(f) for f in files if not f.is_file()]
    assert nu_errors(files) == []

"""The markers of the quick loop (`pytest -m "not slow and not browser"`) are right: a test that drives
Chromium is marked ``browser``, a test that builds a site is marked ``slow``, and a test marked neither
that does either fails (the guard in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINI, REPO, SITE_FIXTURES, TESTS, names_build, portal

pytest_plugins = ["pytester"]


def test_every_collected_test_that_uses_chromium_or_a_built_site_carries_its_marker(request: pytest.FixtureRequest) -> None:
    items = request.session.items
    assert request.node in items
    for item in items:
        if "browser" in item.fixturenames:
            assert item.get_closest_marker("browser"), item.nodeid
        if SITE_FIXTURES & set(item.fixturenames):
            assert item.get_closest_marker("slow"), item.nodeid


def _publish(content: Path, output: Path) -> int:
    return portal("build", "--content", content, "--output", output).code


def _via_helper(tmp_path: Path) -> None:
    _publish(MINI, tmp_path / "site")


def _only_checks() -> None:
    portal("check", "--content", MINI)


def test_code_that_builds_is_recognised_through_helpers_and_lambdas() -> None:
    assert names_build(_publish)  # passes the build command
    assert names_build(_via_helper)  # through a helper of the tests
    assert names_build(lambda: [_via_helper(Path(p)) for p in ("a", "b")])  # inside a comprehension
    assert not names_build(_only_checks)
    assert not names_build(test_every_collected_test_that_uses_chromium_or_a_built_site_carries_its_marker)


INNER = f"""
import subprocess
import sys

import pytest
from conftest import MINI, portal

# Helpers outside tests/: the markers do not look into them, only the guard sees what they start.


def publish(output):
    return portal("build", "--content", MINI, "--output", output, "--as-of", "2026-11-01").code


def publish_in_a_process(output):
    command = [sys.executable, "-m", "generator", "build", "--content", str(MINI), "--output", str(output),
               "--as-of", "2026-11-01"]
    return subprocess.run(command, cwd={str(REPO)!r}, capture_output=True, check=False).returncode


@pytest.fixture
def site(tmp_path):
    assert portal("build", "--content", MINI, "--output", tmp_path / "site").code == 0
    return tmp_path / "site"


def test_unmarked_build(tmp_path):
    assert publish(tmp_path / "site") == 0


@pytest.mark.slow
def test_marked_build(tmp_path):
    assert publish(tmp_path / "site") == 0


def test_check_only():
    assert portal("check", "--content", MINI, "--as-of", "2026-11-01").code == 0


def test_unmarked_playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright():
        pass


def test_unmarked_build_in_a_subprocess(tmp_path):
    assert publish_in_a_process(tmp_path / "site") == 0


def test_uses_a_built_site(site):
    pass


def test_uses_the_browser(browser):
    pass
"""

CONFTEST = f"""
import importlib.util
import sys

_spec = importlib.util.spec_from_file_location("portal_conftest", {str(TESTS / "conftest.py")!r})
_real = sys.modules["portal_conftest"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_real)
globals().update({{k: v for k, v in vars(_real).items() if not k.startswith("__")}})
"""


@pytest.mark.slow  # runs a small suite with this conftest in a new process: two builds of the mini content
def test_the_guard_fails_a_test_whose_marker_is_missing(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml((REPO / "pyproject.toml").read_text(encoding="utf-8"))  # markers, --strict-markers
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_inner=INNER)
    quick = pytester.runpytest_subprocess("test_inner.py", "--collect-only", "-q", "-m", "not slow and not browser")
    selected = {line.split("::")[1] for line in quick.outlines if "::" in line}
    assert selected == {"test_unmarked_build", "test_check_only", "test_unmarked_playwright",
                        "test_unmarked_build_in_a_subprocess"}, quick.outlines

    run = pytester.runpytest_subprocess("test_inner.py", "-m", "not browser", "-rf")
    run.assert_outcomes(passed=3, failed=3, deselected=1)
    text = "\n".join(run.outlines)
    for name, why in [("test_unmarked_build", "builds a site but is not marked slow"),
                      ("test_unmarked_build_in_a_subprocess", "builds a site but is not marked slow"),
                      ("test_unmarked_playwright", "starts Playwright but is not marked browser")]:
        assert f"FAILED test_inner.py::{name} - " in text and f"test_inner.py::{name} {why}" in text, text

"""Shared test helpers: run the real `portal` command in-process and build real sites.

Also the two markers of the quick loop (``pytest -m "not slow and not browser"``, see README):

- ``browser``: the test drives Chromium; every test that uses the ``browser`` fixture gets it.
- ``slow``: the test builds a site (Pelican, Pagefind), is a property test (Hypothesis: many examples), or is
  slow by itself (marked where it is defined: a search index, the whole sample, a timeout it waits out). A
  test gets it when it uses a fixture that builds a site (SITE_FIXTURES, or a fixture whose code calls
  ``build`` or names the ``build`` command, itself or through a helper of the tests), or when its own code
  does.

A test without ``slow`` that builds a site anyway (through a helper, in a subprocess) fails, and so does a
test without ``browser`` that starts Playwright: the guard below counts Pelican runs in this process and
the ``portal build`` / Pagefind / Playwright processes it starts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import http.server
import io
import shutil
import sys
import threading
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pelican import signals

from generator.cli import main
from generator.publish import preview

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "content"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
ROUNDS = MINI.parent / "rounds"  # version-2 content: rounds 2 and 3, two provinces (see its README.md)
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


def check(content: Path, as_of: str = AS_OF) -> Result:
    return portal("check", "--content", content, "--as-of", as_of)


def edit(content: Path, file: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``content/file`` by ``new``; a test whose ``old`` is gone, or whose edit
    changes nothing, fails here."""
    assert old != new, f"an edit of {file} that changes nothing: {old!r}"
    path = content / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test case out of date: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def tree_digest(root: Path) -> dict[str, str]:
    """Path → SHA-256 of every file below root."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def with_counts(soup: Any, as_of: str = AS_OF) -> Any:
    """``soup`` (a page or part of one, changed in place) with its day counts written as a reader's browser writes
    them for the data date ``as_of``: pages that do not carry the data date hold, for each count (逾期 N 天,
    N 天未更新), a text true without it and a ``data-count-text`` with {n} for the days from ``data-count-from`` to
    the data date plus ``data-count-add`` and {date} for the data date (docs/architecture.md, "Day counts"). The
    browser tests check that prefs.js writes the same."""
    day = dt.date.fromisoformat(as_of)
    for el in soup.select("[data-count-text]"):
        words = el["data-count-text"]
        if el.has_attr("data-count-from"):
            n = (day - dt.date.fromisoformat(el["data-count-from"])).days + int(el["data-count-add"])
            words = words.replace("{n}", str(n))
        el.string = words.replace("{date}", f"{day.year}年{day.month}月{day.day}日")
    return soup


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small fixture content."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


def _built(tmp_path_factory: pytest.TempPathFactory, name: str, content: Path) -> Path:
    output = tmp_path_factory.mktemp(name) / "output"
    result = build(content, output)
    assert result.code == 0, result.err
    return output


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample content, built once as of AS_OF."""
    return _built(tmp_path_factory, "sample", SAMPLE)


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory, "mini", MINI)


@pytest.fixture(scope="session")
def rounds_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/rounds (version 2: rounds 2 and 3, two provinces), built once as of AS_OF."""
    return _built(tmp_path_factory, "rounds", ROUNDS)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path, prefix: str = "site", not_found: bool = False) -> Iterator[str]:
    """Serve a copy of ``site`` under /<prefix>/ with a real HTTP server; yield the site's URL. With
    ``not_found``, a missing address answers 404 with the content of the site's 404.html, as a server configured
    with it does (nginx error_page, Apache ErrorDocument)."""
    root = site.parent / f".www-{prefix.replace('/', '-')}-{threading.get_ident()}"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(site, root / prefix)
    page = (site / "404.html").read_bytes() if not_found else None

    class Handler(preview.SiteHandler):  # as `portal serve` answers, with the site's 404.html (served under a prefix)
        def not_found_page(self) -> bytes | None:
            return page

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{prefix}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def served(sample_site: Path) -> Iterator[str]:
    """The sample as of AS_OF, served under a sub-path by a real HTTP server."""
    with serve(sample_site) as url:
        yield url


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def local_page(browser, url: str, **context_options):  # type: ignore[no-untyped-def]
    """A new browser context and page that may load only from ``url``'s host; requests elsewhere are
    aborted and listed. Returns (context, page, script errors, foreign requests)."""
    from urllib.parse import urlsplit

    context = browser.new_context(**context_options)
    foreign: list[str] = []
    host = urlsplit(url).netloc

    def only_local(route) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors, foreign


# The quick loop: markers by what a test uses, and a guard that fails a test whose markers are wrong.

SITE_FIXTURES = {"sample_site", "mini_site", "rounds_site", "served"}  # the shared fixtures that build a whole site
BUILD = "build"  # the helper above and the `portal build` command: code that names it builds a site
TESTS = Path(__file__).resolve().parent


def _codes(code: types.CodeType) -> Iterator[types.CodeType]:
    """Compiled code and every function, lambda or comprehension inside it."""
    yield code
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            yield from _codes(c)


_NAMES_BUILD: dict[object, bool] = {}


def names_build(function: object) -> bool:
    """Whether a function calls ``build`` or passes the ``build`` command, itself or through a helper
    function of the tests that it calls."""
    if function not in _NAMES_BUILD:
        _NAMES_BUILD[function] = _names_build(function, set())
    return _NAMES_BUILD[function]


def _names_build(function: object, seen: set[object]) -> bool:
    code = getattr(function, "__code__", None)
    if code is None or function in seen:
        return False
    seen.add(function)
    names = {n for c in _codes(code) for n in c.co_names}
    if BUILD in names or any(BUILD in c.co_consts for c in _codes(code)):
        return True
    helpers = (getattr(function, "__globals__", {}).get(n) for n in names)
    return any(isinstance(h, types.FunctionType) and Path(h.__code__.co_filename).parent == TESTS
               and _names_build(h, seen) for h in helpers)


def _is_slow(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    if getattr(function, "is_hypothesis_test", False):  # a property test runs many examples
        return True
    functions = [function]
    info = getattr(item, "_fixtureinfo", None)
    for name in item.fixturenames:
        if name in SITE_FIXTURES:
            return True
        functions += [d.func for d in (info.name2fixturedefs.get(name, ()) if info else ())]
    return any(names_build(f) for f in functions)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)


@dataclass
class _Seen:
    """What the tests started so far: site builds (Pelican runs, `portal build` and Pagefind processes)
    and Playwright drivers."""

    builds: int = 0
    browsers: int = 0


SEEN = _Seen()


def _count_pelican(sender: object) -> None:
    """Pelican's own signal that a Pelican object was made: one per site build in this process."""
    SEEN.builds += 1


signals.initialized.connect(_count_pelican)


def _argv(value: object) -> list[str]:
    if isinstance(value, (str, bytes, Path)):
        return [str(value)]
    return [str(a) for a in value] if isinstance(value, Sequence) else []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event != "subprocess.Popen":
        return
    argv = _argv(args[0]) + _argv(args[1])
    words = " ".join(argv)
    if "pagefind" in words or (BUILD in argv and ("generator" in argv or any(a.endswith("portal") for a in argv))):
        SEEN.builds += 1
    if "playwright" in words:
        SEEN.browsers += 1


sys.addaudithook(_audit)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    return (yield from _guarded(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    return (yield from _guarded(item))


def _guarded(item: pytest.Item) -> Iterator[None]:
    builds, browsers = SEEN.builds, SEEN.browsers
    result = yield
    if SEEN.builds > builds and item.get_closest_marker("slow") is None:
        pytest.fail(f"{item.nodeid} builds a site but is not marked slow (add @pytest.mark.slow)", pytrace=False)
    if SEEN.browsers > browsers and item.get_closest_marker("browser") is None:
        pytest.fail(f"{item.nodeid} starts Playwright but is not marked browser (use the browser fixture)",
                    pytrace=False)
    return result

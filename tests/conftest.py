"""Shared test helpers: run the real `portal` command in-process and build real sites."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import io
import shutil
import threading
from collections.abc import Iterator
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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path, prefix: str = "site") -> Iterator[str]:
    """Serve a copy of ``site`` under /<prefix>/ with a real HTTP server; yield the site's URL."""
    root = site.parent / f".www-{prefix.replace('/', '-')}-{threading.get_ident()}"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(site, root / prefix)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
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

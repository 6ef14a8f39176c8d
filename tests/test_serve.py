"""`portal serve`: the preview answers as a web server set up for the site does (README, "Commands")."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF, MINI, REPO

pytestmark = pytest.mark.slow  # builds a site in a new process and serves it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("serve")
    output, log = folder / "output", folder / "serve.log"
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    sink = log.open("wb")  # a file, not a pipe: a pipe nobody reads could stall the server
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--content", str(MINI), "--output", str(output),
                             "--as-of", AS_OF, "--port", str(port)], cwd=REPO, env=env,
                            stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")[-2000:]
            if (output / "index.html").is_file():
                try:
                    if _get(base)[0] == 200:
                        break
                except OSError:
                    pass
            time.sleep(0.5)
        else:
            pytest.fail("portal serve did not answer within 300 s")
        yield base, output
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        sink.close()


def test_a_missing_page_gets_the_sites_404_page(preview: tuple[str, Path]) -> None:
    base, output = preview
    code, body = _get(base + "complaints/D9XX000000000000/")
    assert code == 404
    page = BeautifulSoup(body, "html.parser")
    assert page.title and "找不到这个页面" in page.title.get_text()
    assert page.find("input")  # the look-up by reference number is offered on it
    assert body == (output / "404.html").read_text(encoding="utf-8")


def test_a_missing_page_under_zh_hant_gets_the_traditional_404_page(preview: tuple[str, Path]) -> None:
    base, output = preview
    code, body = _get(base + "zh-hant/complaints/D9XX000000000000/")
    assert code == 404
    assert body == (output / "zh-hant" / "404.html").read_text(encoding="utf-8")
    assert "找不到這個頁面" in body  # 繁體


def test_the_build_state_is_not_in_the_served_site(preview: tuple[str, Path]) -> None:
    base, output = preview
    assert not list(output.rglob(".portal*"))
    assert _get(base + ".portal-digests")[0] == 404
    assert _get(base + "index.html")[0] == 200

"""A complaint's page is named by its reference in upper case, whatever case the content writes it in, so the
look-up's fallback (the page address made from the number as typed, lookup.js) always finds it."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import build, edit

REF = "D2CS202105110001"  # the first complaint of tests/fixtures/mini


def test_a_lower_case_reference_gets_an_upper_case_page(mini: Path, tmp_path: Path) -> None:
    edit(mini, "complaints/1.yaml", f"ref: {REF}", f"ref: {REF.lower()}")
    output = tmp_path / "output"
    result = build(mini, output)
    assert result.code == 0, result.err
    page = output / "complaints" / REF / "index.html"
    assert page.is_file() and not (output / "complaints" / REF.lower()).exists()
    assert REF.lower() in page.read_text(encoding="utf-8")  # the number as the content writes it, on its page
    assert (output / "zh-hant" / "complaints" / REF / "index.html").is_file()
    shard = {}
    for path in (output / "lookup").glob("*.json"):
        shard.update(json.loads(path.read_text(encoding="utf-8")))
    assert shard[REF] == f"complaints/{REF}/"  # the look-up index and the fallback agree

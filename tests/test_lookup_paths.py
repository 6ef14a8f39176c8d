"""A complaint's page is named by its reference in upper case, whatever case the content writes it in, so the
look-up's fallback (the page address made from the number as typed, lookup.js) always finds it."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import hypothesis
import pytest
from conftest import build, edit
from hypothesis import strategies as st

from generator.render import pages

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


def _pages_by_the_rule(refs: list[str], limit: int) -> list[tuple[str, list[tuple[str, int]], list[str]]]:
    """The look-up index worked out from its rule, one character at a time: a page lists its references when there
    are at most ``limit``; else the reference equal to its prefix and every reference alone in its next-character
    group are listed on it, and each other group (named by what all its references share) gets a page of its own."""
    pages = []

    def page(prefix: str, mine: list[str]) -> None:
        if len(mine) <= limit:
            pages.append((prefix, [], sorted(mine)))
            return
        listed = [r for r in mine if r == prefix]
        groups = []
        for char in sorted({r[len(prefix)] for r in mine if r != prefix}):
            group = [r for r in mine if r != prefix and r[len(prefix)] == char]
            if len(group) == 1:
                listed += group
                continue
            shared = group[0]
            while not all(r.startswith(shared) for r in group):
                shared = shared[:-1]
            groups.append((shared, len(group)))
            page(shared, group)
        pages.append((prefix, groups, sorted(listed)))

    page("", refs)
    return sorted(pages)


@pytest.mark.slow  # a property test
@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(refs=st.sets(st.text(alphabet="DX20A", min_size=1, max_size=7), max_size=60),
                  limit=st.integers(min_value=1, max_value=6))
def test_the_lookup_index_follows_its_rule(refs: set[str], limit: int) -> None:
    """pages.lookup_pages (bisecting the sorted references) against the rule worked one character at a time."""
    complaints = [SimpleNamespace(complaint=SimpleNamespace(ref=r)) for r in sorted(refs, key=hash)]
    got = [(lp.prefix, lp.groups, [c.complaint.ref for c in lp.complaints])
           for lp in pages.lookup_pages(complaints, limit)]  # type: ignore[arg-type]  # only .complaint.ref is read
    assert got == _pages_by_the_rule(sorted(refs), limit)

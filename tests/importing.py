"""Shared by the import tests: spreadsheets written as agencies save them, and the feed a re-import yields."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import openpyxl
from conftest import build


def xlsx(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = ()) -> Path:
    """An .xlsx whose first sheet holds ``rows``, with the cell ranges in ``merges`` merged."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    """A CSV as a spreadsheet program writes it: CRLF line ends, in ``encoding``."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def gbk_csv(path: Path, rows: list[list[Any]]) -> Path:
    """As Excel on a Chinese Windows saves a CSV: GBK, CRLF."""
    return csv_file(path, rows, "gbk")


def atom_entries(path: Path) -> dict[str, str]:
    """Entry id → the entry's XML, as written."""
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(path).getroot().findall(f"{atom}entry")
    for e in entries:
        e.tail = None
    return {e.findtext(f"{atom}id") or "": ET.tostring(e, encoding="unicode") for e in entries}


def feed_across(content: Path, tmp_path: Path, change: Callable[[], None]) -> tuple[set[str], Any]:
    """Build the site, ``change`` the content (a re-import), build again: asserts that every entry of
    feeds/all.atom.xml from before is byte-equal after and that the new feed parses; returns the ids of
    the entries before and the parsed feed after."""
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "site_url: https://zhenggai.example.gov.cn/\n", encoding="utf-8")
    assert build(content, tmp_path / "before").code == 0
    change()
    assert build(content, tmp_path / "after").code == 0
    feed_before, feed_after = (tmp_path / d / "feeds" / "all.atom.xml" for d in ("before", "after"))
    old, new = atom_entries(feed_before), atom_entries(feed_after)
    assert all(new.get(k) == v for k, v in old.items())  # every earlier entry byte-equal
    parsed = feedparser.parse(feed_after.read_bytes())
    assert parsed.bozo == 0
    return set(old), parsed

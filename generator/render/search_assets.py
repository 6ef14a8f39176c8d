"""Stage 4, render: what the search page needs besides the Pagefind index.

- :func:`filter_order` takes the derived Portal and gives, per filter of the browser search (the names and
  values of :func:`generator.index.whoosh_index.documents`), its values in the order a reader expects:
  kinds and statuses in the label order of :mod:`generator.models` (task statuses, then complaint, then
  notice), regions by level (the province, then the cities, then the counties) in regions.yaml order,
  pollution types in the schema's order, batches by number, rounds latest first. The search page lists
  the filters (search.html) and :func:`write_order` their values, in ``search/order.json`` and its 繁體 reading
  ``zh-hant/search/order.json``, which search.js fetches with the filter indexes (when a reader opens a filter:
  on a national site the regions alone are tens of KB) and sorts the options by; values it does not name come
  last.
- :func:`write_t2s_table` writes ``zh-hant/t2s.json`` (urls.T2S_TABLE): the Traditional→Simplified table
  that the 繁體 search page applies to a query before searching the (Simplified) index. It is made from the
  installed OpenCC with its config ``tw2s``, the inverse of the ``s2tw`` that writes the 繁體 pages
  (render/hant.py): every key of that config's dictionaries (listed with ``opencc_dict``, which the opencc
  wheel ships) converted by OpenCC itself. ``chars`` holds the characters that change, as one string of
  pairs (Traditional, Simplified); ``phrases`` the phrases whose conversion differs from converting their
  characters one by one. search.js converts a query by longest match, phrases first, which gives OpenCC's
  result on every line of the bundled sample. Characters that only normalize CJK compatibility ideographs,
  and conversions to characters beyond the Basic Multilingual Plane (which content does not contain), are
  left out. Without ``opencc_dict`` the table has the characters of the CJK blocks and no phrases.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import typing
from functools import lru_cache
from pathlib import Path

from generator import urls
from generator.derive.views import Portal
from generator.models import (
    COMPLAINT_STATUS_LABELS,
    ITEM_KIND_LABELS,
    NOTICE_STATE_LABELS,
    TASK_STATUS_LABELS,
    PollutionType,
)

_CONFIG = "tw2s"
_CJK = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x2EBEF))  # unified ideographs: the BMP blocks and B–F


def filter_order(portal: Portal) -> list[tuple[str, list[str]]]:
    """(filter name, its values in order) for every filter of the browser search."""
    regions = [r for r in portal.regions if r.tasks or r.complaints]  # a region without items names none
    by_level = sorted(range(len(regions)), key=lambda i: (regions[i].depth, i))
    statuses = [*TASK_STATUS_LABELS.values(), *COMPLAINT_STATUS_LABELS.values(), *NOTICE_STATE_LABELS.values()]
    batches = sorted({b.batch for b, _ in portal.batches})
    return [
        ("类型", list(ITEM_KIND_LABELS.values())),
        ("地区", list(dict.fromkeys(regions[i].region.name for i in by_level))),
        ("状态", list(dict.fromkeys(statuses))),
        ("污染类型", list(typing.get_args(PollutionType))),
        ("批次", [f"第{n}批" for n in batches]),
        ("轮次", list(dict.fromkeys(i.label for i in reversed(portal.content.rounds)))),
    ]


def write_order(portal: Portal, output: Path) -> None:
    """``search/order.json`` (urls.SEARCH_ORDER): [[filter name, [[value, label], …]], …] in :func:`filter_order`'s
    order, names and values percent-encoded as the page's filter names are (search.html), so that the 繁體 copy
    (``zh-hant/search/order.json``, the same text through the pages' OpenCC conversion) converts only the labels."""
    from urllib.parse import quote

    from generator.render import hant

    order = [[quote(name), [[quote(value), value] for value in values]] for name, values in filter_order(portal)]
    target = Path(output) / urls.SEARCH_ORDER
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(order, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    hant.write_page(output, urls.SEARCH_ORDER, hant.converter().convert)  # the text only: it holds no link


def write_t2s_table(output: Path) -> None:
    """Write ``zh-hant/t2s.json`` into the build folder ``output``."""
    target = Path(output) / urls.T2S_TABLE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_t2s_json(), encoding="utf-8")


@lru_cache(maxsize=1)
def _t2s_json() -> str:
    import opencc

    convert = opencc.OpenCC(_CONFIG).convert
    keys = _dictionary_keys(Path(opencc.__file__).parent / "clib")
    chars = {k: v for k in keys if len(k) == 1 and not _compatibility(k)
             and (v := convert(k)) != k and all(ord(c) <= 0xFFFF for c in v)}
    phrases = {k: v for k in keys if len(k) > 1 and (v := convert(k)) != "".join(chars.get(c, c) for c in k)}
    table = {"config": _CONFIG, "chars": "".join(k + chars[k] for k in sorted(chars)),
             "phrases": dict(sorted(phrases.items()))}
    return json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n"


def _compatibility(char: str) -> bool:
    """A CJK compatibility ideograph (which OpenCC only normalizes)."""
    return 0xF900 <= ord(char) <= 0xFAFF or 0x2F800 <= ord(char) <= 0x2FA1F


def _dictionary_keys(clib: Path) -> list[str]:
    """Every key of the dictionaries the config uses, as ``opencc_dict`` lists them; without the tool, every
    character of the CJK blocks."""
    tool, share = clib / "bin" / "opencc_dict", clib / "share" / "opencc"
    try:
        names = sorted(set(_ocd2_files(json.loads((share / f"{_CONFIG}.json").read_text(encoding="utf-8")))))
    except (OSError, ValueError):
        names = []
    if not tool.is_file() or not names:
        return [chr(c) for start, end in _CJK for c in range(start, end + 1)]
    keys: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="portal-t2s-") as tmp:
        for name in names:
            text = Path(tmp) / f"{name}.txt"
            subprocess.run([str(tool), "-i", str(share / name), "-o", str(text), "-f", "ocd2", "-t", "text"],
                           check=True, capture_output=True, timeout=60)
            keys.update(line.split("\t", 1)[0] for line in text.read_text(encoding="utf-8").splitlines())
    keys.discard("")
    return sorted(keys)


def _ocd2_files(node: object) -> list[str]:
    """The .ocd2 dictionaries named anywhere in an OpenCC config."""
    if isinstance(node, dict):
        own = [str(node["file"])] if node.get("type") == "ocd2" and "file" in node else []
        return own + [f for value in node.values() for f in _ocd2_files(value)]
    if isinstance(node, list):
        return [f for value in node for f in _ocd2_files(value)]
    return []

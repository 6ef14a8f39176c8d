"""Build models from located YAML by reading the dataclass type hints in :mod:`generator.models`.

One generic walker checks, for every model: unknown fields (with a "did you mean"), missing
required fields, wrong types, impossible dates, values outside an allowed set, and the format of
ids and region codes. It reports every problem it finds and returns ``None`` for a value it could
not build, so one run shows all mistakes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import types
import typing
from typing import Any, Literal, Optional, Union

from .errors import Location, Problems
from .models import Deadline, Node, content_fields, is_required
from .yamlio import LDict, LList

ID_RE = re.compile(r"^[A-Za-z0-9-]+$")
REGION_RE = re.compile(r"^[0-9]{6}$")
DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
MAX_TEXT = 100_000

_HINTS_CACHE: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS_CACHE:
        _HINTS_CACHE[cls] = typing.get_type_hints(cls)
    return _HINTS_CACHE[cls]


def did_you_mean(value: str, choices: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


class Builder:
    """Turns one file's located data into models, collecting problems."""

    def __init__(self, file: str, problems: Problems):
        self.file = file
        self.problems = problems

    def loc(self, line: int) -> Location:
        return Location(self.file, line)

    def error(self, line: int, name: str, message: str, hint: str = "") -> None:
        self.problems.add(self.loc(line), name, message, hint)

    # -- models -------------------------------------------------------------------------------

    def model(self, cls: type, data: Any, path: str, line: int) -> Any:
        """Build ``cls`` from a mapping; ``path`` names it in messages (e.g. ``history[2]``)."""
        if not isinstance(data, dict):
            self.error(line, path or cls.__name__, f"expected a mapping of fields, found {type_name(data)}")
            return None
        key_lines = getattr(data, "key_lines", {})
        own_line = getattr(data, "line", line) or line
        for key, dup_line in getattr(data, "duplicates", []):
            self.error(dup_line, _join(path, str(key)), "field given twice", "keep one of them")
        known = {f.name: f for f in content_fields(cls)}
        hints = _hints(cls)
        values: dict[str, Any] = {}
        ok = True
        for key, value in data.items():
            key_s = str(key)
            if key_s not in known:
                hint = did_you_mean(key_s, known) or f"allowed fields: {', '.join(known)}"
                self.error(key_lines.get(key, own_line), _join(path, key_s), "unknown field", hint)
                ok = False
                continue
        for name, f in known.items():
            fpath = _join(path, name)
            fline = key_lines.get(name, own_line)
            if name not in data or data[name] is None:
                if is_required(f):
                    self.error(own_line, fpath, "required field is missing", f"add '{name}: …' ({f.metadata.get('doc', '')})")
                    ok = False
                continue
            value = self.value(hints[name], data[name], fpath, fline, f.metadata.get("kind", ""))
            if value is _BAD:
                ok = False
                continue
            values[name] = value
        if not ok:
            return None
        obj = cls(**values)
        if isinstance(obj, Node):
            obj.loc = self.loc(own_line)
            obj.lines = {str(k): v for k, v in key_lines.items()}
        return obj

    # -- values -------------------------------------------------------------------------------

    def value(self, hint: Any, raw: Any, path: str, line: int, kind: str = "") -> Any:
        origin = typing.get_origin(hint)
        if origin in (Union, types.UnionType):
            inner = [a for a in typing.get_args(hint) if a is not type(None)]
            return self.value(inner[0], raw, path, line, kind)
        if origin is Literal:
            choices = [str(c) for c in typing.get_args(hint)]
            text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
            if text not in choices:
                hint_text = did_you_mean(str(raw), choices)
                allowed = f"allowed: {', '.join(choices)}"
                self.error(line, path, f"'{raw}' is not an allowed value", f"{hint_text} {allowed}".strip())
                return _BAD
            return text
        if origin is list:
            (item_hint,) = typing.get_args(hint)
            if not isinstance(raw, list):
                if isinstance(raw, dict) or dataclasses.is_dataclass(item_hint):
                    self.error(line, path, f"expected a list, found {type_name(raw)}", "write a list: [a, b] or one '- item' per line")
                    return _BAD
                raw = [raw]  # a single value stands for a list of one
            lines = getattr(raw, "item_lines", [])
            out, bad = [], False
            for i, item in enumerate(raw):
                item_line = lines[i] if i < len(lines) else line
                if item is None or item == "":
                    self.error(item_line, f"{path}[{i}]", "empty list item", "remove the lone '-' or write the item after it")
                    bad = True
                    continue
                value = self.value(item_hint, item, f"{path}[{i}]", item_line, kind)
                if value is _BAD or value is None:
                    bad = True
                else:
                    out.append(value)
            return _BAD if bad else out
        if hint is Deadline:
            return self.deadline(raw, path, line)
        if dataclasses.is_dataclass(hint):
            built = self.model(hint, raw, path, line)
            return _BAD if built is None else built
        if hint is dt.date:
            return self.date(raw, path, line)
        if hint is bool:
            if not isinstance(raw, bool):
                self.error(line, path, f"expected true or false, found {type_name(raw)} '{raw}'")
                return _BAD
            return raw
        if hint is int:
            if isinstance(raw, bool) or not isinstance(raw, int):
                self.error(line, path, f"expected a whole number, found {type_name(raw)} '{_short(raw)}'")
                return _BAD
            return raw
        if hint is float:
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                self.error(line, path, f"expected a number, found {type_name(raw)} '{_short(raw)}'")
                return _BAD
            return float(raw)
        if hint is str:
            return self.text(raw, path, line, kind)
        raise TypeError(f"unsupported type {hint!r} for {path}")  # a bug in models.py, not in content

    def text(self, raw: Any, path: str, line: int, kind: str) -> Any:
        if isinstance(raw, bool) or isinstance(raw, (dict, list)):
            self.error(line, path, f"expected text, found {type_name(raw)}")
            return _BAD
        text = str(raw).strip() if not isinstance(raw, str) else raw.strip("\n") if kind == "markdown" else raw.strip()
        if kind == "region" and isinstance(raw, int):
            text = f"{raw:06d}"
        if len(text) > MAX_TEXT:
            self.error(line, path, f"text is {len(text)} characters long (limit {MAX_TEXT})", "split it or link a document")
            return _BAD
        if kind == "id" and not ID_RE.match(text):
            self.error(line, path, f"'{_short(text)}' is not a valid id", "use only letters A-Z a-z, digits 0-9 and '-'")
            return _BAD
        if kind == "region" and not REGION_RE.match(text):
            self.error(line, path, f"'{_short(text)}' is not a region code", "write the 6-digit GB/T 2260 code in quotes, e.g. \"440200\"")
            return _BAD
        return text

    def date(self, raw: Any, path: str, line: int) -> Any:
        text = str(raw).strip() if isinstance(raw, (str, dt.date)) else None
        match = DATE_RE.match(text) if text else None
        if not match:
            self.error(line, path, f"'{_short(raw)}' is not a date", "write dates as YYYY-MM-DD, e.g. 2023-12-31")
            return _BAD
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError as exc:
            self.error(line, path, f"'{text}' is not a real date ({exc})", "check the day and month")
            return _BAD

    def deadline(self, raw: Any, path: str, line: int) -> Any:
        if isinstance(raw, str) and raw.strip() in ("长期坚持", "立行立改"):
            word = raw.strip()
            return Deadline("standing" if word == "长期坚持" else "immediate", None, word)
        if isinstance(raw, int) and not isinstance(raw, bool) and 1990 <= raw <= 2100:
            return Deadline("date", dt.date(raw, 12, 31), f"{raw}年底")
        if isinstance(raw, str) and DATE_RE.match(raw.strip()):
            value = self.date(raw, path, line)
            return _BAD if value is _BAD else Deadline("date", value, "")
        self.error(line, path, f"'{_short(raw)}' is not a deadline", "write YYYY-MM-DD, a year such as 2023, 长期坚持 or 立行立改")
        return _BAD


class _Bad:
    def __repr__(self) -> str:
        return "<bad value>"


_BAD: Any = _Bad()


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def build_list(builder: Builder, cls: type, data: Any, path: str) -> list[Any]:
    """A top-level list of models (regions.yaml, documents.yaml)."""
    if data is None:
        return []
    if not isinstance(data, list):
        builder.error(getattr(data, "line", 1), path, f"expected a list, found {type_name(data)}", "each item starts with '- '")
        return []
    lines = getattr(data, "item_lines", [])
    out = []
    for i, item in enumerate(data):
        built = builder.model(cls, item, f"{path}[{i}]", lines[i] if i < len(lines) else 1)
        if built is not None:
            out.append(built)
    return out


__all__ = ["Builder", "build_list", "did_you_mean", "ID_RE", "REGION_RE", "LDict", "LList", "Optional"]

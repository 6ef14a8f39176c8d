"""The build's configuration: one typed value, built once at the edge and passed down.

Every knob a build has besides its content is an :class:`Option` below. The edge (``portal`` in
``generator/cli.py``, or the Pelican plugin under plain ``pelican content``) builds one :class:`Config`
with :meth:`Config.resolve` from, in this order of precedence (the first that gives a value wins):

1. a command-line option (``portal build --workers 2``);
2. an environment variable (``PORTAL_WORKERS=2``);
3. a Pelican setting (``PORTAL_WORKERS = 2`` in pelicanconf.py);
4. the default.

Nothing below the edge reads ``os.environ`` or these settings (``tests/test_layout.py`` fails if it does);
stages take the fields they need as arguments. docs/configuration.md lists every option
(``tests/test_docs.py`` fails on one it does not document).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.errors import UsageError
from generator.incremental import PARALLEL_MIN_JOBS


def _default_workers() -> int:
    return min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class Option:
    """One knob: the Config field, its environment variable and Pelican setting (the same name), its flag."""

    field: str
    name: str  # PORTAL_…: the environment variable and the Pelican setting
    flag: str  # the command-line option of portal build/serve, "" if none
    parse: Callable[[str], Any]  # text (a flag or the environment) → value; raises ValueError
    hint: str  # in Chinese: what a valid value looks like


def _positive(text: str) -> int:
    value = int(str(text).strip())
    if value < 1:
        raise ValueError(text)
    return value


def _switch(text: str) -> bool:
    word = str(text).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError(text)


OPTIONS = (
    Option("workers", "PORTAL_WORKERS", "--workers", _positive, "写正整数，例如 2（同时使用的进程数）"),
    Option("parallel_min", "PORTAL_PARALLEL_MIN", "", _positive, "写正整数，例如 1000（少于这么多页面时不分进程）"),
    Option("search_shard_max", "PORTAL_SEARCH_SHARD_MAX", "", _positive, "写正整数，例如 8000（每个搜索分片最多的条目数）"),
    Option("pagefind", "PORTAL_PAGEFIND", "", _switch, "写 1（生成站内搜索索引）或 0（不生成，只用于测速）"),
)


@dataclass(frozen=True)
class Config:
    """How to build (not what): processes, search sharding, which indexes to make."""

    workers: int = _default_workers()  # processes that render pages and index search shards
    parallel_min: int = PARALLEL_MIN_JOBS  # fewer jobs than this run in the building process itself
    search_shard_max: int = 8000  # items per Pagefind shard before a region is split into its parts
    pagefind: bool = True  # False: no browser search index (benchmarks of the rest)

    @classmethod
    def resolve(cls, flags: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
                settings: Mapping[str, Any] | None = None) -> Config:
        """The configuration from command-line ``flags`` (by field name; None means not given), the
        environment and the Pelican ``settings``, in that order of precedence; raise :class:`UsageError`
        naming every wrong value at once."""
        flags, environ, settings = flags or {}, environ or {}, settings or {}
        values: dict[str, Any] = {}
        wrong: list[str] = []
        for option in OPTIONS:
            for where, raw in ((f"命令行选项 {option.flag}", flags.get(option.field)),
                               (f"环境变量 {option.name}", environ.get(option.name)),
                               (f"Pelican 设置 {option.name}", settings.get(option.name))):
                if raw is None or raw == "":
                    continue
                try:
                    values[option.field] = _value(raw, option)
                except ValueError:
                    wrong.append(f"{where} 的值 {str(raw)!r} 无效；{option.hint}")
                break
        if wrong:
            raise UsageError("\n".join(wrong))
        return cls(**values)


def _value(raw: Any, option: Option) -> Any:
    """A value from any source: text (a flag, the environment) or a Python value (a Pelican setting: a bool
    is taken as written by a switch and refused by a number, anything else is read as its text)."""
    if isinstance(raw, bool):
        if option.parse is _switch:
            return raw
        raise ValueError(raw)
    return option.parse(str(raw))


"""The stages in order: load → check → derive (here), render and index (Pelican and its plugin), publish (the CLI).

This is the one place that runs the stages together; the CLI and the Pelican plugin both call it. A
build hands the plugin one :class:`Build` (the derived portal, the configuration, the published site to
reuse from, the search plan) as an attribute of the Pelican object it runs, and the plugin writes its
figures into ``Build.report``; nothing travels through Pelican's settings but Pelican's own settings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator import dates
from generator.check.rules import check
from generator.config import Config
from generator.derive.state import derive
from generator.derive.views import Portal
from generator.errors import PortalError, UsageError
from generator.incremental import KeptValues
from generator.index import pagefind
from generator.load.reader import read
from generator.models import Content
from generator.render.pages import FEEDS_SKIPPED, absolute_site_url


def parse_as_of(value: Any) -> dt.date:
    """--as-of YYYY-MM-DD (or a date, or None for today in Asia/Shanghai)."""
    if value is None or value == "":
        return dates.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(f"--as-of: '{value}' 不是日期；写成 YYYY-MM-DD，例如 2026-11-01") from None


LOAD_CACHE = "load"  # in the build state folder: the models of content files (load/cache.py)
PII_CLEAN = "pii"  # … and the item files the personal-data scan found nothing in (check/pii.py)
SEARCH_PLAN = "search-plan"  # … and the complaints' part of the browser search's plan, batch by batch (pagefind.planned)


def load_and_check(content_dir: Path, as_of: dt.date, state: Path | None = None) -> Content:
    """Load and check; raise one :class:`ContentError` with every problem of both stages. ``state``: the build
    state folder, where loaded models and what the personal-data scan found clean are kept between builds."""
    content, problems = read(content_dir, cache=state / LOAD_CACHE if state is not None else None)
    if content is not None:
        problems.extend(check(content, as_of, KeptValues(state / PII_CLEAN) if state is not None else None))
    problems.raise_if_any()
    assert content is not None
    return content


def prepare(content_dir: Path, as_of: dt.date, state: Path | None = None) -> Portal:
    return derive(load_and_check(content_dir, as_of, state), as_of)


@dataclass
class BuildReport:
    """Figures of one build for ``portal build``'s summary line (counts, and seconds in ``*_s``)."""

    rendered: int = 0  # pages and feeds rendered
    reused: int = 0  # … and kept unchanged from the published site
    workers: int = 0
    render_s: float = 0.0
    search_index_s: float | None = None  # None: no browser search index was made (Config.pagefind)
    shards_indexed: int | None = None
    shards_reused: int | None = None

    def figures(self) -> dict[str, int | float]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Build:
    """One build as the Pelican plugin gets it: what to render, how, and where its figures go."""

    portal: Portal
    config: Config
    previous: Path | None = None  # the published site: unchanged pages and search shards are reused from it
    state: Path | None = None  # the build state folder beside the published one, where parts of files are kept
    shards: list[pagefind.Shard] = field(default_factory=list)  # the browser search's plan
    report: BuildReport = field(default_factory=BuildReport)
    standalone: bool = False  # plain `pelican content`: the plugin made this Build itself

    @classmethod
    def plan(cls, portal: Portal, config: Config, previous: Path | None = None, standalone: bool = False,
             state: Path | None = None) -> Build:
        """The build of ``portal``, with the search shards planned (the search page lists them)."""
        kept = KeptValues(state / SEARCH_PLAN) if state is not None else None
        return cls(portal, config, previous, state, pagefind.plan(portal, config.search_shard_max, kept),
                   standalone=standalone)


def _run_pelican(settings: dict[str, Any], build: Build) -> None:
    """Run Pelican with ``build`` as its ``portal_build`` attribute, where the plugin finds it (Pelican is
    imported here, not at the top: the commands that do not render should not pay for it)."""
    from pelican import Pelican

    pelican = Pelican(settings)
    pelican.portal_build = build
    pelican.run()


def pelican_settings(portal: Portal, settings_file: Path | None) -> dict[str, Any]:
    """Pelican settings for building ``portal``: the project's pelicanconf.py (if any) with our content
    folder, data date and site name on top (:func:`render` adds the output folder). Read once per build:
    the configuration (generator/config.py) takes the build options from them too."""
    override: dict[str, Any] = {
        "PATH": str(Path(portal.content.root).resolve()),
        "PORTAL_AS_OF": portal.as_of.isoformat(),
        "SITENAME": portal.content.site.title,
    }
    return _read_settings(settings_file, override)


def _read_settings(settings_file: Path | None, override: dict[str, Any]) -> dict[str, Any]:
    from pelican.settings import read_settings

    from generator.pelican_settings import PORTAL_SETTINGS

    override = {**(PORTAL_SETTINGS if settings_file is None else {}), **override}
    path = str(settings_file) if settings_file else None
    try:
        settings: dict[str, Any] = read_settings(path, override=override)
    except (ValueError, OSError) as exc:
        raise UsageError(f"Pelican 设置文件有误：{exc}") from None
    if settings_file is not None:
        # the project's file may set anything, but never our paths, the switched-off pipeline, or the deletion of
        # the output folder (under portal build that is the staging folder, with its list of kept files)
        for key in ("ARTICLE_PATHS", "PAGE_PATHS", "DIRECT_TEMPLATES", "DELETE_OUTPUT_DIRECTORY"):
            settings[key] = PORTAL_SETTINGS[key]
    return settings


class _PelicanErrors(logging.Handler):
    """Collects what Pelican logs at ERROR or above, so that such a build fails instead of passing quietly."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render(portal: Portal, output_dir: Path, settings: dict[str, Any] | None = None, verbose: bool = False,
           previous: Path | None = None, config: Config | None = None,
           state: Path | None = None) -> tuple[list[str], BuildReport]:
    """Render and index the site into ``output_dir`` (which should be empty) with Pelican, with ``settings``
    from :func:`pelican_settings` (default: the portal's own, without a settings file); ``previous``: the
    published site to reuse unchanged files from; ``state``: the build state folder (parts of files kept
    between builds). Return warnings for the user and the build's figures."""
    settings = {**(settings if settings is not None else pelican_settings(portal, None)),
                "OUTPUT_PATH": str(output_dir.resolve())}
    plugins = list(settings.get("PLUGINS") or [])  # Pelican's default is None
    if "generator.plugin" not in plugins:
        settings["PLUGINS"] = [*plugins, "generator.plugin"]
    build = Build.plan(portal, config or Config(), previous, state=state)
    os.makedirs(output_dir, exist_ok=True)
    errors = _PelicanErrors()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(errors)
    try:
        with contextlib.redirect_stdout(sys.stdout if verbose else io.StringIO()):
            _run_pelican(settings, build)
    except jinja2.TemplateError as exc:
        where = f" ({exc.filename}:{exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise PortalError(f"主题模板出错{where}：{exc}") from None
    finally:
        pelican_logger.removeHandler(errors)
    if errors.messages:
        raise PortalError("Pelican 报告了错误：" + "；".join(errors.messages))
    warnings = []
    if not absolute_site_url(portal.content.site.site_url, settings.get("SITEURL")):
        warnings.append(FEEDS_SKIPPED)
    return warnings, build.report

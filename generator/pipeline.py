"""The stages in order: load → check → derive (here), render (Pelican plugin), publish.

This is the one place that runs the stages together; the CLI and the Pelican plugin both call it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from generator.check.rules import check
from generator.derive.state import Portal, derive
from generator.errors import PortalError, UsageError
from generator.load.reader import read
from generator.models import Content
from generator.render.pages import FEEDS_SKIPPED, absolute_site_url

TIMEZONE = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


def parse_as_of(value: Any) -> dt.date:
    """--as-of YYYY-MM-DD (or a date, or None for today in Asia/Shanghai)."""
    if value is None or value == "":
        return today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(f"--as-of: '{value}' 不是日期；写成 YYYY-MM-DD，例如 2026-11-01") from None


def load_and_check(content_dir: Path, as_of: dt.date) -> Content:
    """Load and check; raise one :class:`ContentError` with every problem of both stages."""
    content, problems = read(content_dir)
    if content is not None:
        problems.extend(check(content, as_of))
    problems.raise_if_any()
    assert content is not None
    return content


def prepare(content_dir: Path, as_of: dt.date) -> Portal:
    return derive(load_and_check(content_dir, as_of), as_of)


def pelican_settings(content_dir: Path, output_dir: Path, portal: Portal | None, settings_file: Path | None,
                     previous: Path | None = None) -> dict[str, Any]:
    """Pelican settings for one build: the project's pelicanconf.py (if any) with our paths on top."""
    from pelican.settings import read_settings

    from generator.pelican_settings import PORTAL_SETTINGS

    override: dict[str, Any] = dict(PORTAL_SETTINGS) if settings_file is None else {}
    override.update(
        PATH=str(content_dir.resolve()),
        OUTPUT_PATH=str(output_dir.resolve()),
        PORTAL_MODEL=portal,
        PORTAL_AS_OF=portal.as_of.isoformat() if portal else None,
        PORTAL_PREVIOUS_OUTPUT=str(previous) if previous else None,  # unchanged pages are reused from here
    )
    if portal is not None:
        override["SITENAME"] = portal.content.site.title
    path = str(settings_file) if settings_file else None
    settings: dict[str, Any] = read_settings(path, override=override)
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


def render(portal: Portal, output_dir: Path, settings_file: Path | None = None, verbose: bool = False,
           previous: Path | None = None, stats: dict[str, int | float] | None = None) -> list[str]:
    """Render the site into ``output_dir`` (which should be empty) with Pelican; return warnings for the user."""
    from pelican import Pelican

    try:
        settings = pelican_settings(Path(portal.content.root), output_dir, portal, settings_file, previous)
        settings["PORTAL_STATS"] = stats if stats is not None else {}
    except (ValueError, OSError) as exc:
        raise UsageError(f"Pelican 设置文件有误：{exc}") from None
    if "generator.plugin" not in settings.get("PLUGINS", []):
        settings["PLUGINS"] = [*settings.get("PLUGINS", []), "generator.plugin"]
    os.makedirs(output_dir, exist_ok=True)
    errors = _PelicanErrors()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(errors)
    try:
        with contextlib.redirect_stdout(sys.stdout if verbose else io.StringIO()):
            Pelican(settings).run()
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
    return warnings

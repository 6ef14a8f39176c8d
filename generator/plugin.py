"""The Pelican plugin: thin glue that hands the portal's models to Pelican's Jinja2 and writer.

With ``portal build`` the command has already loaded, checked and derived the content and passes
the result in the ``PORTAL_MODEL`` setting. With plain ``pelican content`` the plugin does those
stages itself from Pelican's PATH (as of ``PORTAL_AS_OF`` or today) and raises on content errors.
Either way, once Pelican has written everything, Pagefind indexes the output (the setting
``PORTAL_PAGEFIND = False`` or the environment variable ``PORTAL_PAGEFIND=0`` skip it, for benchmarks).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from generator import incremental, pipeline
from generator.index import pagefind
from generator.render.pages import FEEDS_SKIPPED, Renderer

log = logging.getLogger(__name__)


class PortalGenerator(Generator):  # type: ignore[misc]  # pelican has no type hints, so Generator is Any
    def generate_context(self) -> None:
        portal = self.settings.get("PORTAL_MODEL")
        if portal is None:
            portal = pipeline.prepare(Path(self.path), pipeline.parse_as_of(self.settings.get("PORTAL_AS_OF")))
        self.portal = portal

    def generate_output(self, writer: Any) -> None:
        started = time.perf_counter()
        renderer = Renderer(self.portal, self.env, self.context, Path(self.output_path))
        renderer.write_all(writer)
        self.settings["PORTAL_SEARCH_SHARDS"] = renderer.search_shards  # for index_for_search
        report = renderer.finish()
        _stats(self.settings).update(rendered=report.ran, reused=report.reused, workers=report.workers,
                                     render_s=time.perf_counter() - started)
        if not renderer.base_url and self.settings.get("PORTAL_MODEL") is None:
            log.warning(FEEDS_SKIPPED)  # under `portal build` the command says it instead


def get_generators(pelican_object: Any) -> type:
    return PortalGenerator


def index_for_search(pelican_object: Any) -> None:
    """After every page is written: the browser search index (stage 5)."""
    if pelican_object.settings.get("PORTAL_PAGEFIND", True) and os.environ.get("PORTAL_PAGEFIND") != "0":
        settings = pelican_object.settings
        started = time.perf_counter()
        previous = settings.get("PORTAL_PREVIOUS_OUTPUT")
        report = pagefind.index_site(Path(pelican_object.output_path), settings.get("PORTAL_SEARCH_SHARDS") or [],
                                     Path(previous) if previous else None, incremental.workers(settings))
        _stats(settings).update(search_index_s=time.perf_counter() - started, shards_indexed=report.indexed,
                                shards_reused=report.reused)


def _stats(settings: dict[str, Any]) -> dict[str, int | float]:
    """Where `portal build` collects figures for its summary line (PORTAL_STATS, a dict, if given)."""
    stats = settings.get("PORTAL_STATS")
    return stats if isinstance(stats, dict) else {}


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(index_for_search)

"""The Pelican plugin: thin glue that runs the render stage, then the index stage, inside Pelican.

Under ``portal build`` the command has already loaded, checked and derived the content and planned the
search; it hands over one :class:`pipeline.Build` as the ``portal_build`` attribute of the Pelican object,
and the plugin writes its figures into ``Build.report``. Under plain ``pelican content`` this plugin is
the edge: it makes the Build itself from Pelican's PATH (as of the setting ``PORTAL_AS_OF`` or today)
and the configuration from the environment and the Pelican settings (generator/config.py), and raises
on content errors. Either way, once Pelican has written everything, Pagefind indexes the site unless the
configuration says not to (``PORTAL_PAGEFIND=0``, for benchmarks).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from generator import pipeline
from generator.config import Config
from generator.index import pagefind
from generator.render.pages import FEEDS_SKIPPED, Renderer

log = logging.getLogger(__name__)


class PortalGenerator(Generator):  # type: ignore[misc]  # pelican has no type hints, so Generator is Any
    build: pipeline.Build  # set on the class get_generators returns

    def generate_context(self) -> None:
        pass  # the Build already holds the derived content

    def generate_output(self, writer: Any) -> None:
        build = self.build
        started = time.perf_counter()
        renderer = Renderer(build.portal, self.env, self.context, Path(self.output_path), build.config,
                            build.previous, pagefind.scopes(build.shards), build.state)
        renderer.write_all(writer)
        ran = renderer.finish()
        report = build.report
        report.rendered, report.reused, report.workers = ran.ran, ran.reused, ran.workers
        report.render_s = time.perf_counter() - started
        if not renderer.base_url and build.standalone:
            log.warning(FEEDS_SKIPPED)  # under `portal build` the command says it instead


def _build_of(pelican_object: Any) -> pipeline.Build:
    build = getattr(pelican_object, "portal_build", None)
    if not isinstance(build, pipeline.Build):  # plain `pelican content`: the plugin is the edge
        settings = pelican_object.settings
        portal = pipeline.prepare(Path(pelican_object.path), pipeline.parse_as_of(settings.get("PORTAL_AS_OF")))
        build = pipeline.Build.plan(portal, Config.resolve(environ=os.environ, settings=settings), standalone=True)
        pelican_object.portal_build = build
    return build


def get_generators(pelican_object: Any) -> type:
    return type("PortalGenerator", (PortalGenerator,), {"build": _build_of(pelican_object)})


def index_for_search(pelican_object: Any) -> None:
    """After every page is written: the browser search index (stage 5)."""
    build = _build_of(pelican_object)
    if build.config.pagefind:
        started = time.perf_counter()
        done = pagefind.index_site(Path(pelican_object.output_path), build.portal, build.shards, build.previous,
                                   build.config.workers)
        build.report.search_index_s = time.perf_counter() - started
        build.report.shards_indexed, build.report.shards_reused = done.indexed, done.reused


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(index_for_search)

"""The Pelican plugin: thin glue that hands the portal's models to Pelican's Jinja2 and writer.

With ``portal build`` the command has already loaded, checked and derived the content and passes
the result in the ``PORTAL_MODEL`` setting. With plain ``pelican content`` the plugin does those
stages itself from Pelican's PATH (as of ``PORTAL_AS_OF`` or today) and raises on content errors.
Either way, once Pelican has written everything, Pagefind indexes the output (``PORTAL_PAGEFIND``
= False skips it).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from . import pagefind, pipeline
from .render import FEEDS_SKIPPED, Renderer

log = logging.getLogger(__name__)


class PortalGenerator(Generator):
    def generate_context(self) -> None:
        portal = self.settings.get("PORTAL_MODEL")
        if portal is None:
            portal = pipeline.prepare(Path(self.path), pipeline.parse_as_of(self.settings.get("PORTAL_AS_OF")))
        self.portal = portal

    def generate_output(self, writer: Any) -> None:
        renderer = Renderer(self.portal, self.env, self.context, Path(self.output_path))
        renderer.write_all(writer)
        if not renderer.base_url and self.settings.get("PORTAL_MODEL") is None:
            log.warning(FEEDS_SKIPPED)  # under `portal build` the command says it instead


def get_generators(pelican_object: Any) -> type:
    return PortalGenerator


def index_for_search(pelican_object: Any) -> None:
    """After every page is written: the browser search index (stage 5)."""
    if pelican_object.settings.get("PORTAL_PAGEFIND", True):
        pagefind.index_site(Path(pelican_object.output_path))


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(index_for_search)

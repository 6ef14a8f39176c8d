"""The Pelican plugin: thin glue that hands the portal's models to Pelican's Jinja2 and writer.

With ``portal build`` the command has already loaded, checked and derived the content and passes
the result in the ``PORTAL_MODEL`` setting. With plain ``pelican content`` the plugin does those
stages itself from Pelican's PATH (as of ``PORTAL_AS_OF`` or today) and raises on content errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from . import pipeline
from .render import Renderer


class PortalGenerator(Generator):
    def generate_context(self) -> None:
        portal = self.settings.get("PORTAL_MODEL")
        if portal is None:
            portal = pipeline.prepare(Path(self.path), pipeline.parse_as_of(self.settings.get("PORTAL_AS_OF")))
        self.portal = portal

    def generate_output(self, writer: Any) -> None:
        Renderer(self.portal, self.env, self.context, Path(self.output_path)).write_all(writer)


def get_generators(pelican_object: Any) -> type:
    return PortalGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)

"""Pelican settings for the portal (development). `pelican content` and `portal build` both use it.

The portal's items (tasks, complaints, notices …) are rendered by the plugin `generator.plugin`
from content/*.yaml; Pelican's own article pipeline is switched off in PORTAL_SETTINGS.
"""

from generator.pelican_settings import PORTAL_SETTINGS

globals().update(PORTAL_SETTINGS)

# PORTAL_SETTINGS (generator/pelican_settings.py) has the theme, the plugin, the time zone, the language and
# relative URLs (every internal link is relative: the site works under any sub-path); this file adds the paths.
SITENAME = "整改公开"
PATH = "content"
OUTPUT_PATH = "output"
# The data date of the site; None means today in Asia/Shanghai (`portal build --as-of` overrides it).
PORTAL_AS_OF = None
# Build options (docs/configuration.md) may be set here too, e.g. PORTAL_WORKERS = 2; the environment and
# the command line override them.

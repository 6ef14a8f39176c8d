"""Pelican settings for the portal (development). `pelican content` and `portal build` both use it.

The portal's items (tasks, complaints, notices …) are rendered by the plugin `generator.plugin`
from content/*.yaml; Pelican's own article pipeline is switched off in PORTAL_SETTINGS.
"""

from generator.pelican_settings import PORTAL_SETTINGS

globals().update(PORTAL_SETTINGS)

SITENAME = "整改公开"
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
PLUGINS = ["generator.plugin"]
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
RELATIVE_URLS = True  # every internal link is relative: the site works under any sub-path
# The data date of the site; None means today in Asia/Shanghai (`portal build --as-of` overrides it).
PORTAL_AS_OF = None

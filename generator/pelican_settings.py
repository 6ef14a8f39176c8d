"""Pelican settings the portal needs, shared by pelicanconf.py and the ``portal`` command.

Pelican's own article and page pipeline is switched off: the portal renders its items from models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent

PORTAL_SETTINGS: dict[str, Any] = {
    "PLUGINS": ["generator.plugin"],
    "THEME": str(REPO_ROOT / "theme"),
    "THEME_STATIC_DIR": "theme",
    "THEME_STATIC_PATHS": ["static"],
    "TIMEZONE": "Asia/Shanghai",
    "DEFAULT_LANG": "zh-CN",
    "RELATIVE_URLS": True,
    # nothing for Pelican's own readers: items are rendered from models by the plugin
    "ARTICLE_PATHS": [],
    "PAGE_PATHS": [],
    "STATIC_PATHS": [],
    "DIRECT_TEMPLATES": [],
    "PAGINATED_TEMPLATES": {},
    "ARCHIVES_SAVE_AS": "",
    "AUTHORS_SAVE_AS": "",
    "CATEGORIES_SAVE_AS": "",
    "TAGS_SAVE_AS": "",
    "AUTHOR_SAVE_AS": "",
    "CATEGORY_SAVE_AS": "",
    "TAG_SAVE_AS": "",
    "FEED_ALL_ATOM": None,
    "FEED_ALL_RSS": None,
    "CATEGORY_FEED_ATOM": None,
    "TRANSLATION_FEED_ATOM": None,
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
    "LOAD_CONTENT_CACHE": False,
    "CACHE_CONTENT": False,
    "DELETE_OUTPUT_DIRECTORY": False,
    "OUTPUT_SOURCES": False,
    "JINJA_ENVIRONMENT": {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True},
}

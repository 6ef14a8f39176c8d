"""Markdown from content → sanitised HTML, and the small text filters templates use."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "a", "abbr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Markdown to HTML; raw HTML in the source is removed and only safe tags and links survive.

    Headings are shifted down one level (# → h2) because the page title is the h1.
    """
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(clean)


def shorten(text: str, limit: int = 30) -> str:
    """Whitespace folded, and cut to ``limit`` characters with an ellipsis (list and feed titles)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def cn_date(value: dt.date | None) -> str:
    """2023-12-31 → 2023年12月31日."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def iso_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""

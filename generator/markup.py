"""Markdown from content → sanitised HTML, the small text filters templates use, the two cleaners
for text that goes into a line-oriented format (calendar properties, mail headers and bodies), and the
normal form of a complaint reference as typed (look-up and search)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "a", "abbr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}


# every kind of line break, for parsers that split on any of them, and what no text format should carry:
# controls, lone surrogates, noncharacters
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_UNSAFE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# zero-width and direction-changing characters (a calendar keeps U+200D, which joins emoji; a mail drops all)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def one_line(text: str) -> str:
    """``text`` as one line: every line break becomes a space, unsafe characters are dropped. The load stage
    refuses these characters already; this is the second line of defence where a line break would start a
    new calendar property or mail header."""
    return _UNSAFE.sub("", _BREAKS.sub(" ", str(text)))


def text_lines(text: str) -> str:
    """``text`` with every kind of line break as ``\n`` and unsafe characters dropped."""
    return _UNSAFE.sub("", _BREAKS.sub("\n", str(text)))


def visible(text: str) -> str:
    """``text`` without zero-width and direction-changing characters."""
    return _INVISIBLE.sub("", text)


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


def normalize_ref(text: str) -> str:
    """A complaint reference as typed: full-width characters folded, spaces removed, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()

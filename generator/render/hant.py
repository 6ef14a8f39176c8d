"""Stage 4, render (Traditional Chinese): a 繁體 reading of every page under ``zh-hant/``.

Made at build time from the finished Simplified pages with OpenCC (the ``opencc`` wheel, config
``s2tw``: Traditional characters as commonly written, phrase-aware, official terms not reworded), so it works without JavaScript and costs about 15 ms per MB of HTML. Each
``zh-hant/<path>/index.html`` mirrors ``<path>/index.html``:

- the text (and the ``lang`` of the page) is converted;
- links to pages stay inside ``zh-hant/`` (they are relative and one level deeper there), while links
  to files (style sheets, scripts, downloads, feeds, data; anything with a file extension) and the
  ``portal-root`` meta (search and look-up) gain one ``../`` and so point to the shared files;
- the 繁體 switch becomes a 简体 switch back to the same page;

Each page's render job writes its Traditional file right after the Simplified one (render.Renderer.write),
so both are made in the same worker, and an incremental build reuses both or neither.

``404.html`` gets its copy too, ``zh-hant/404.html`` (:func:`write_not_found`): a web server shows one page for
every missing address, the Simplified one, whose 繁體 switch leads to the copy. When the site has a
``site_url``, 404.html's links are path-absolute (``/zhenggai/tasks/``) so that it works at any depth; in the copy
those to pages (and the forms' actions) gain ``zh-hant/`` and those to files stay, the ``portal-root`` meta stays the site's root (the
look-up finds the 繁體 pages from ``lang``), and the switch goes back to ``/zhenggai/404.html``. Without a
``site_url`` its links are relative to the root, and the copy is made as any other page's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator import urls

if TYPE_CHECKING:
    from opencc import OpenCC

_ATTR = re.compile(r'(?P<pre>\s(?:href|src)=")(?P<url>[^"]*)(?P<post>")')
_ATTR_404 = re.compile(r'(?P<pre>\s(?:href|src|action)=")(?P<url>[^"]*)(?P<post>")')  # forms go to pages too
_ROOT_META = re.compile(r'(<meta name="portal-root" content=")([^"]*)(")')
_SWITCH = re.compile(r'<a class="tool-button lang-switch" href="(?P<base>[^"]*?)/' + re.escape(urls.HANT)
                     + r'(?P<page>[^"]*)" hreflang="zh-Hant" lang="zh-Hant">[^<]*</a>')
_EXTERNAL = ("http:", "https:", "mailto:", "tel:", "data:", "#", "/", "javascript:")

_converter: OpenCC | None = None


def converter() -> OpenCC:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("s2tw")  # the characters used in Taiwan (為, not OpenCC's standard 爲); no vocabulary change
    return _converter


def _is_file(url: str) -> bool:
    path = url.split("#", 1)[0].split("?", 1)[0]
    last = path.rsplit("/", 1)[-1]
    return bool(last) and "." in last and not last.endswith((".html", "."))


def _traditional(html: str) -> str:
    """The page's text in 繁體, and its language said so; its links as they were."""
    text: str = converter().convert(html)
    return text.replace('<html lang="zh-CN">', '<html lang="zh-Hant">', 1)


def convert_page(html: str) -> str:
    """The Traditional reading of one Simplified page (written for the page one folder deeper)."""
    switch = _SWITCH.search(html)
    text = _traditional(html)

    def relink(m: re.Match[str]) -> str:
        url = m.group("url")
        if url.startswith(_EXTERNAL) or not _is_file(url):
            return m.group(0)
        return f'{m.group("pre")}../{url}{m.group("post")}'

    text = _ATTR.sub(relink, text)
    text = _ROOT_META.sub(lambda m: f"{m.group(1)}../{m.group(2)}{m.group(3)}", text, count=1)
    if switch:
        back = (f'<a class="tool-button lang-switch" href="{switch.group("base")}/../{switch.group("page")}" '
                f'hreflang="zh-CN" lang="zh-CN">简体</a>')
        text = _SWITCH.sub(lambda m: back, text, count=1) if _SWITCH.search(text) else _replace_converted_switch(text, back)
    return text


def _replace_converted_switch(text: str, back: str) -> str:
    """The switch after conversion (its label is already Traditional; its href was relinked or not)."""
    pattern = re.compile(r'<a class="tool-button lang-switch" href="[^"]*" hreflang="zh-Hant" lang="zh-Hant">[^<]*</a>')
    return pattern.sub(lambda m: back, text, count=1)


def write_page(output: Path, page: str, convert: Callable[[str], str] = convert_page) -> None:
    """Write ``zh-hant/<page>`` from the Simplified ``<page>`` just written into ``output``."""
    source = Path(output) / page
    target = Path(output) / urls.HANT / page
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(convert(source.read_text(encoding="utf-8")), encoding="utf-8")


def convert_not_found(html: str, siteurl: str) -> str:
    """The Traditional reading of 404.html, whose links begin with ``siteurl`` (the path of site_url, "" at a
    domain's root, or "." when the site has no site_url: then its links are relative, as on any page)."""
    if not siteurl.startswith("/") and siteurl != "":
        return convert_page(html)
    prefix = siteurl + "/"
    text = _traditional(html)

    def relink(m: re.Match[str]) -> str:
        url = m.group("url")
        if not url.startswith(prefix) or url.startswith("//"):
            return m.group(0)
        rest = url[len(prefix):]
        if _is_file(rest) or rest.startswith(urls.HANT):
            return m.group(0)
        return f'{m.group("pre")}{prefix}{urls.HANT}{rest}{m.group("post")}'

    text = _ATTR_404.sub(relink, text)
    back = (f'<a class="tool-button lang-switch" href="{prefix}{urls.NOT_FOUND}" '
            f'hreflang="zh-CN" lang="zh-CN">简体</a>')
    return _replace_converted_switch(text, back)


def write_not_found(output: Path, siteurl: str) -> None:
    """Write ``zh-hant/404.html`` from the Simplified ``404.html`` just written into ``output``."""
    write_page(output, urls.NOT_FOUND, lambda html: convert_not_found(html, siteurl))

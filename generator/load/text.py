"""What content text may contain, and how a value is quoted in a message.

The load stage refuses characters no output can carry safely (see :mod:`generator.load.schema`'s
docstring for the list and why): :func:`bad_character` and :func:`text_problem` find them, and
:func:`shown` writes any value for a message, shortened and with every such character escaped, so that a
message never carries a control or bidi character. :func:`type_name` says in words what a value is.
Used by the YAML reader (:mod:`generator.load.yamlio`), the schema, the profiles and the importer.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Unicode category Cf (format characters) as of Unicode 15.1, a superset of what Python's
# unicodedata knows today (tests/test_load_hardening.py checks it covers every Cf character).
_FORMAT = (
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_BLANK = r"\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0"  # shown as nothing, though not Cf
_CONTROL = r"\x00-\x08\x0b-\x1f\x7f-\x9f"  # every C0 and C1 control and DEL, except \t and \n
_NONCHAR = r"\ufdd0-\ufdef" + "".join(rf"\U{p:04x}fffe\U{p:04x}ffff" for p in range(17))
_SURROGATE = r"\ud800-\udfff"
_SEPARATOR = r"\u2028\u2029"
_REFUSED_ANYWHERE = _FORMAT + _BLANK + _CONTROL + _NONCHAR + _SURROGATE + _SEPARATOR
_REFUSED_MULTILINE = re.compile(f"[{_REFUSED_ANYWHERE}]")
_REFUSED_SINGLE_LINE = re.compile(rf"[{_REFUSED_ANYWHERE}\t\n]")
_EMOJI_JOINED = re.compile(r"[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")  # variation selectors, skin tones
ZWJ = "\u200d"
_LINE_BREAKS = "\n\r\u2028\u2029\x85\x0b\x0c"


def _emoji(ch: str) -> bool:
    return unicodedata.category(ch) == "So"


def _joins_emoji(text: str, i: int) -> bool:
    """Whether the ZWJ at ``text[i]`` stands between two emoji (variation selectors and skin tones skipped)."""
    before = i - 1
    while before >= 0 and _EMOJI_JOINED.match(text[before]):
        before -= 1
    return 0 <= before and i + 1 < len(text) and _emoji(text[before]) and _emoji(text[i + 1])


def _describe(ch: str) -> tuple[str, str]:
    """(message, hint) for a refused character."""
    cp = ord(ch)
    code = f"U+{cp:04X}"
    if 0xD800 <= cp <= 0xDFFF:
        return (f"含有孤立的代理码位 {code}，它不是有效的文字",
                "检查 YAML 转义序列（如 \\ud800）：表情等字符请直接写入，或写成 \\U0001F600 这样的完整码位")
    if (0xFDD0 <= cp <= 0xFDEF) or (cp & 0xFFFE) == 0xFFFE:
        return (f"含有非字符码位 {code}", "删除这个字符（检查 YAML 转义序列，如 \\uffff）：网页、订阅和日历文件都不能携带它")
    if cp in (0x2028, 0x2029):
        return (f"含有 Unicode 行分隔符或段分隔符 {code}", "改成普通的换行（多行字段）或空格")
    if unicodedata.category(ch) == "Cc":
        return (f"含有控制字符 {code}",
                "删除这个字符（检查 YAML 转义序列，如 \\0、\\x07、\\e）：网页、RSS/Atom 订阅和日历文件都不能携带控制字符")
    name = unicodedata.name(ch, "")
    return (f"含有不可见或改变文字方向的字符 {code}" + (f"（{name}）" if name else ""),
            "删除这个字符（常随从网页、Word 或聊天软件复制的文字带入）：它不显示，或会让文字显示得与实际内容不同")


def bad_character(text: str, multiline: bool) -> tuple[int, str, str] | None:
    """The first character ``text`` may not carry, as (index, message, hint), or ``None``.

    ``multiline`` allows line feeds and tabs; see the module docstring for what is refused."""
    pattern = _REFUSED_MULTILINE if multiline else _REFUSED_SINGLE_LINE
    for m in pattern.finditer(text):
        ch = m.group(0)
        if ch == ZWJ and _joins_emoji(text, m.start()):
            continue
        if not multiline and (ch in _LINE_BREAKS or ch == "\t"):
            what = "制表符" if ch == "\t" else "换行符"
            return (m.start(), f"这个字段只能写一行，不能含有{what} U+{ord(ch):04X}",
                    "把它改成空格或删除；需要分行的内容请写在说明类的多行字段里")
        message, hint = _describe(ch)
        return m.start(), message, hint
    return None


def text_problem(text: str, multiline: bool, line_known: bool = False) -> tuple[int, str, str] | None:
    """Like :func:`bad_character`, with where the character is and how many there are in the message.

    The place is the character's position in the value, and for a multi-line value its line within
    the value; with ``line_known`` (the caller reports the character's own line) only its column."""
    found = bad_character(text, multiline)
    if found is None:
        return None
    index, message, hint = found
    pattern = _REFUSED_MULTILINE if multiline else _REFUSED_SINGLE_LINE
    count = sum(1 for m in pattern.finditer(text) if not (m.group(0) == ZWJ and _joins_emoji(text, m.start())))
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    where = f"第 {column} 个字符" if line_known or line == 0 else f"第 {line + 1} 行第 {column} 个字符"
    return index, f"{message}：{where}" + (f"，共 {count} 处" if count > 1 else ""), hint


def shown(value: Any, limit: int = 40) -> str:
    """A value as it may appear in a message: containers by their kind (never expanded), text
    shortened to ``limit`` characters, with controls, line breaks, format characters, surrogates
    and noncharacters written as escapes (\\u202e)."""
    if isinstance(value, (dict, list, tuple, set, frozenset, bytes)):
        return f"<{type_name(value)}>"
    text = value if isinstance(value, str) else str(value)
    cut = len(text) > limit
    text = text[:limit]
    text = _REFUSED_SINGLE_LINE.sub(lambda m: _escape(m.group(0)), text)
    return text + ("…" if cut else "")


def _escape(ch: str) -> str:
    cp = ord(ch)
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def type_name(value: Any) -> str:
    """What a value is, in words for a message (应为文本，实际是一个列表)."""
    if isinstance(value, dict):
        return "一个映射（字段名: 值）"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "一个列表"
    if isinstance(value, bytes):
        return "二进制数据"
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "数字"
    return "文本"

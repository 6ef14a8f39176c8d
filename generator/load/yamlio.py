"""YAML reading that remembers where every value came from.

PyYAML's safe loader, with these changes: mappings and sequences remember their lines
(:class:`LDict`, :class:`LList`), timestamps and numbers with leading zeros stay text (so an impossible date such as 2023-02-30
becomes a clear content error later instead of a traceback), and duplicate keys are reported.

Bounded, so that no file can exhaust memory or time, and every refusal is a :class:`YAMLProblem`
with a line, never a traceback:

- **Aliases** (``*name``): at most :data:`MAX_ALIASES`, and together they may stand for at most
  :data:`MAX_ALIAS_NODES` nodes (each alias counts the size of the value it repeats, itself
  counted with its own aliases). Counting aliases alone is not enough: levels of lists that each
  repeat the level below twice stand for 2^levels values with 2 aliases a level; when an error
  message turned such a value into text, 52 aliases took 34 s and 56 exhausted 2 GiB of memory,
  far below the 200 aliases allowed. An alias to the node that contains it (a recursive structure)
  is refused.
- **Tags**: only the plain data types are accepted: text, whole numbers, numbers, true/false,
  null, mappings, lists, (timestamps, read as text) and merge keys (``<<``). ``!!omap``,
  ``!!pairs``, ``!!set``, ``!!binary``, ``!!python/…`` and every unknown tag are refused; an
  explicit ``!!bool``, ``!!float`` or ``!!map`` on a value of the wrong shape is a problem, not a crash.
- **Numbers** written with more than :data:`MAX_DIGITS` digits stay text (Python refuses to convert
  more than 4,300 digits, and no content number needs so many); the schema then reports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from generator.load.text import shown

MAX_ALIASES = 200
MAX_ALIAS_NODES = 10_000
MAX_DIGITS = 100


class LDict(dict[Any, Any]):
    """A mapping with the line of the mapping itself and of each key."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class LList(list[Any]):
    """A sequence with its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class YAMLProblem(Exception):
    def __init__(self, line: int, message: str, hint: str = ""):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str):
        super().__init__(stream)
        self._aliases_seen = 0
        self._alias_nodes = 0
        self._sizes: dict[int, int] = {}  # id(node) -> nodes it stands for, aliases expanded

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if not self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            self._sizes[id(node)] = self._size(node)
            return node
        line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]  # unannotated in types-PyYAML
        self._aliases_seen += 1
        if self._aliases_seen > MAX_ALIASES:
            raise YAMLProblem(line, f"YAML 别名（*…）超过 {MAX_ALIASES} 个",
                              "把值直接写出来：别名太多会让文件展开得极其庞大")
        node = super().compose_node(parent, index)
        size = self._sizes.get(id(node))
        if size is None:
            raise YAMLProblem(line, "YAML 别名（*…）指向包含它自己的值（递归结构）",
                              "把值直接写出来；内容文件里的值不能包含它自己")
        self._alias_nodes += size
        if self._alias_nodes > MAX_ALIAS_NODES:
            raise YAMLProblem(line, f"YAML 别名（*…）展开后超过 {MAX_ALIAS_NODES} 个值",
                              "把值直接写出来：别名重复含有别名的列表，会让文件展开得极其庞大")
        return node

    def _size(self, node: yaml.Node | None) -> int:
        if isinstance(node, yaml.SequenceNode):
            return 1 + sum(self._sizes.get(id(child), 1) for child in node.value)
        if isinstance(node, yaml.MappingNode):
            return 1 + sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
        return 1


_STANDARD = "tag:yaml.org,2002:"


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_STANDARD):] if tag.startswith(_STANDARD) else tag


def _refuse_tag(loader: Any, node: yaml.Node) -> Any:
    raise YAMLProblem(node.start_mark.line + 1, f"YAML 标签 '{_shown(_tag_name(str(node.tag)))}' 不受支持",
                      "删除以 ! 或 !! 开头的标签，直接写值：内容文件只用文本、数字、日期、true/false、列表和映射")


def _shape(node: yaml.Node, kind: type, what: str) -> None:
    if not isinstance(node, kind):
        raise YAMLProblem(node.start_mark.line + 1, f"标签 '{_shown(_tag_name(str(node.tag)))}' 要求{what}",
                          "删除这个标签，或改写成相应的值")


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[LDict]:
    _shape(node, yaml.MappingNode, "一个映射（字段名: 值）")
    data = LDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.duplicates = []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise YAMLProblem(key_node.start_mark.line + 1, "字段名必须是普通文本", "不要用列表或映射作字段名")
        line = key_node.start_mark.line + 1
        if key in data.key_lines:
            data.duplicates.append((key, line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Iterator[LList]:
    _shape(node, yaml.SequenceNode, "一个列表")
    data = LList()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)  # a ConstructorError (with its line) for !!str on a list or mapping


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | str:
    """A plain decimal is a number; anything else YAML 1.1 calls an int (0012, 0x1F, 1_000,
    a 64-digit hash of zeros) stays the text that was written, so no digits are lost."""
    text = loader.construct_scalar(node)
    digits = text.lstrip("+-")
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_DIGITS and str(int(text)) == text.lstrip("+"):
        return int(text)
    return text


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    loader.construct_scalar(node)
    try:
        return loader.construct_yaml_float(node)
    except ValueError:
        raise YAMLProblem(node.start_mark.line + 1, f"'{_shown(node.value)}' 不是数字", "删除 !!float 标签，或写一个数字") from None


def _construct_bool(loader: _Loader, node: yaml.ScalarNode) -> bool:
    text = loader.construct_scalar(node)
    if text.lower() not in loader.bool_values:
        raise YAMLProblem(node.start_mark.line + 1, f"'{_shown(text)}' 不是 true 或 false", "删除 !!bool 标签，写 true 或 false")
    return loader.bool_values[text.lower()]


def _shown(value: Any) -> str:
    return shown(value)


_FastLoader: type[yaml.CSafeLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _LibyamlLoader(yaml.CSafeLoader):
        """libyaml's parser (about 10x faster) with the same constructors; see :func:`load_yaml`."""

    _FastLoader = _LibyamlLoader


for _cls in (_Loader, _FastLoader):
    if _cls is None:
        continue
    _cls.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _cls.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    _cls.add_constructor("tag:yaml.org,2002:str", _construct_text)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
    _cls.add_constructor("tag:yaml.org,2002:value", _construct_text)  # a lone '='
    _cls.add_constructor("tag:yaml.org,2002:merge", _construct_text)  # a lone '<<' that is not a key
    _cls.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _cls.add_constructor("tag:yaml.org,2002:float", _construct_float)
    _cls.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
    for _tag in ("omap", "pairs", "set", "binary"):
        _cls.add_constructor(_STANDARD + _tag, _refuse_tag)
    _cls.add_constructor(None, _refuse_tag)  # every other tag: !!python/…, !foo, !<tag:…>


def load_yaml(text: str) -> Any:
    """Parse one YAML document; raise :class:`YAMLProblem` with a 1-based line on any error.

    Text without anchors ('&'), and so without aliases, is parsed by libyaml when it is available;
    anything else, and any text libyaml rejects, by PyYAML's Python parser, which counts aliases
    and gives the messages users see.
    """
    if _FastLoader is not None and "&" not in text:
        fast = _FastLoader(text)
        try:
            return fast.get_single_data()
        except Exception:  # noqa: BLE001, S110 - the Python parser below reads it again and gives the message
            pass
        finally:
            fast.dispose()
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a control character or other unprintable one
        line = text[: exc.position].count("\n") + 1
        raise YAMLProblem(line, f"YAML 文件中不能有字符 U+{exc.character:04X}",
                          "删除这个控制字符（常随从其他程序复制的文字带入），或在引号中写成 \\x.. 转义") from None
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = _shown_message(" ".join(str(part) for part in (exc.context, exc.problem) if part))
        wide = _full_width_colon(text, line)
        if wide:
            raise YAMLProblem(wide, *FULL_WIDTH_COLON) from None
        raise YAMLProblem(line, *_syntax_problem(message)) from None
    except yaml.YAMLError as exc:
        raise YAMLProblem(1, f"YAML 错误（解析器的原话：「{_shown_message(str(exc))}」）", "检查文件是否是完整的 YAML") from None
    except RecursionError:
        raise YAMLProblem(1, "YAML 嵌套的层次太深", "减少嵌套的层次") from None
    finally:
        loader.dispose()
    return data


def _shown_message(message: str) -> str:
    """PyYAML's message, which may quote what was written, with unprintable characters escaped."""
    return shown(message, 300)


WIDE_KEY = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*：")  # title：… typed with a Chinese input method
FULL_WIDTH_COLON = ("字段名后面用了全角冒号「：」",
                    "YAML 只认半角冒号加空格：把「：」改成「: 」，例如 title: 某某")  # message, hint


def _full_width_colon(text: str, error_line: int) -> int:
    """The line (1-based) of a ``key：value`` written with a full-width colon, at or before the line where
    the parser gave up (it usually notices a line later); 0 when there is none."""
    lines = text.split("\n")[:error_line]
    for number in range(len(lines), 0, -1):
        if WIDE_KEY.match(lines[number - 1]):
            return number
    return 0


_QUOTE_HINT = "值里有 ': '、'#'、'[' 或 '{' 等符号时，整个值要加引号，例如 note: \"时间: 2023年\""
_INDENT_HINT = "同一层的字段要对齐（缩进的空格数相同）；检查这一行和上一行的缩进和引号"
# PyYAML's words (of its problem and context) → what went wrong and what to do; the first that matches is used
_SYNTAX_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    ("mapping values are not allowed", "这里不能出现 ': '（冒号加空格）", _QUOTE_HINT),
    ("found character '\\t'", "用了制表符（Tab）", "用空格缩进，不要用制表符"),
    ("tab character", "用了制表符（Tab）", "用空格缩进，不要用制表符"),
    ("could not find expected ':'", "缺少冒号 ':'", "映射的每一行都是 '字段名: 值'；检查这一行和上一行是否少了冒号或引号"),
    ("undefined alias", "引用了没有定义的别名（*…）", "先用 &名称 定义，再用 *名称 引用；或者把值直接写出来"),
    ("duplicate anchor", "锚点（&…）的名称重复", "每个 &名称 只能定义一次"),
    ("unknown escape character", "双引号中有无效的转义（反斜杠 \\ 后面的字符不对）", "反斜杠要写成 \\\\，或改用单引号"),
    ("while scanning a quoted scalar", "引号没有闭合", "检查这一行开始的引号，补上配对的引号"),
    ("expected ',' or ']'", "方括号列表 [ … ] 没有正确结束：缺少 ',' 或 ']'", "补上 ']'；列表中含有逗号或冒号的项要加引号"),
    ("expected ',' or '}'", "花括号映射 { … } 没有正确结束：缺少 ',' 或 '}'", "补上 '}'；含有逗号或冒号的值要加引号"),
    ("while parsing a flow", "方括号或花括号没有正确结束", "检查 [ ] 和 { } 是否配对，含有逗号或冒号的值要加引号"),
    ("did not find expected '-' indicator", "列表的一项前面缺少 '- '", _INDENT_HINT),
    ("expected <block end>", "缩进不一致", _INDENT_HINT),
    ("did not find expected key", "缩进不一致，或少了引号", _INDENT_HINT),
    ("did not find expected node content", "这里缺少值", "在冒号或 '- ' 后面写上值，或给值加引号"),
    ("expected a single document", "文件中有不止一个 YAML 文档（多了一行 '---'）", "删除多出来的 '---' 行"),
    ("while scanning an alias", "别名（*…）的名称无效", "别名的名称只用字母、数字、'-' 和 '_'"),
    ("while scanning an anchor", "锚点（&…）的名称无效", "锚点的名称只用字母、数字、'-' 和 '_'"),
    ("while scanning a block scalar", "'|' 或 '>' 后面只能换行", "把多行文本写在 '|' 或 '>' 的下一行，并缩进"),
    ("while scanning a directive", "以 '%' 开头的行不是有效的 YAML 指令", "删除这一行，或给以 '%' 开头的值加引号"),
    ("unhashable key", "字段名不能是列表或映射", "字段名只写普通文本"),
    ("found unexpected end of stream", "文件在一个值写完之前就结束了", "检查最后几行的引号和括号是否配对"),
    ("found character", "这里有一个不能作为值开头的字符", "以 @、` 等符号开头的值要加引号"),
)


def _syntax_problem(message: str) -> tuple[str, str]:
    """(message, hint) for PyYAML's syntax error ``message``, in words a publisher reads."""
    for words, what, hint in _SYNTAX_PROBLEMS:
        if words in message:
            return f"YAML 语法错误：{what}", hint
    return f"YAML 语法错误（解析器的原话：「{message}」）", "检查这一行附近的缩进和引号"

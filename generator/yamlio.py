"""YAML reading that remembers where every value came from.

PyYAML's safe loader, with three changes: mappings and sequences remember their lines
(:class:`LDict`, :class:`LList`), timestamps and numbers with leading zeros stay text (so an impossible date such as 2023-02-30
becomes a clear content error later instead of a traceback), and duplicate keys are reported.
Aliases are limited so that an "anchor bomb" cannot exhaust memory.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_ALIASES = 200


class LDict(dict):
    """A mapping with the line of the mapping itself and of each key."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class LList(list):
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

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self._aliases_seen += 1
            if self._aliases_seen > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YAMLProblem(
                    mark.line + 1,
                    f"more than {MAX_ALIASES} YAML aliases (*name)",
                    "write the values out; many aliases can make a file expand enormously",
                )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data = LDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.duplicates = []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise YAMLProblem(key_node.start_mark.line + 1, "a key must be plain text")
        line = key_node.start_mark.line + 1
        if key in data.key_lines:
            data.duplicates.append((key, line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode):  # type: ignore[no-untyped-def]
    data = LList()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | str:
    """A plain decimal is a number; anything else YAML 1.1 calls an int (0012, 0x1F, 1_000,
    a 64-digit hash of zeros) stays the text that was written, so no digits are lost."""
    text = loader.construct_scalar(node)
    if text.lstrip("+-").isdigit() and str(int(text)) == text.lstrip("+"):
        return int(text)
    return text


_FastLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """libyaml's parser (about 10x faster) with the same constructors; see :func:`load_yaml`."""


for _cls in (_Loader, _FastLoader):
    if _cls is None:
        continue
    _cls.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _cls.add_constructor("tag:yaml.org,2002:omap", _construct_mapping)
    _cls.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
    _cls.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _cls.add_constructor("tag:yaml.org,2002:binary", _construct_text)
    _cls.add_constructor("tag:yaml.org,2002:set", _construct_mapping)


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
        except (yaml.YAMLError, RecursionError):
            pass  # parse again below for the full message
        finally:
            fast.dispose()
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a control character or other unprintable one
        line = text[: exc.position].count("\n") + 1
        raise YAMLProblem(line, f"character U+{exc.character:04X} is not allowed in a YAML file",
                          "remove control characters (copied from another program?) or quote them as \\x.. escapes") from None
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise YAMLProblem(line, f"YAML syntax error: {message}", _syntax_hint(message)) from None
    except yaml.YAMLError as exc:
        raise YAMLProblem(1, f"YAML error: {exc}") from None
    except RecursionError:
        raise YAMLProblem(1, "YAML nested too deeply", "flatten the structure") from None
    finally:
        loader.dispose()
    return data


def _syntax_hint(message: str) -> str:
    if "mapping values are not allowed" in message:
        return "a value containing ': ' must be quoted, e.g. note: \"时间: 2023年\""
    if "found character '\\t'" in message:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in message:
        return "each line of a mapping is 'key: value'; check the line above for a missing colon or quote"
    return "check indentation and quoting around this line"

"""Build models from located YAML by reading the dataclass type hints in :mod:`generator.models`.

One generic walker checks, for every model: unknown fields (with a "did you mean"), missing
required fields, wrong types, impossible dates, values outside an allowed set, and the format of
ids and region codes. It reports every problem it finds and returns ``None`` for a value it could
not build, so one run shows all mistakes.

It is also the place where every value that enters from content/ is made clean and bounded, so that
no later stage (Markdown, Pelican, feeds, calendars, JSON, SQLite, Pagefind) ever sees a value it
cannot carry, and ``portal check`` and ``portal build`` refuse the same things:

- **Characters** (:func:`generator.load.text.bad_character`, for every text value, list item and Markdown body):
  refused are C0 controls other than line feed and tab, DEL and the C1 controls, lone surrogates
  (``"\ud800"`` in YAML), noncharacters (U+FDD0–U+FDEF, U+FFFE/U+FFFF of every plane), the line
  and paragraph separators U+2028/U+2029, every format character (Unicode category Cf: bidi
  embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069, the marks U+200E/U+200F/U+061C,
  zero-width characters U+200B–U+200D, U+2060, U+FEFF, the soft hyphen U+00AD, …) and the Hangul
  fillers and the combining grapheme joiner, which show as nothing. Nothing is stripped silently,
  with two exceptions: a byte-order mark at the very start of a file is dropped when the file is
  read (:mod:`generator.load.reader`), and U+200D ZERO WIDTH JOINER is kept between two emoji (👨‍👩‍👧),
  where it only joins pictures. The choice to refuse rather than strip means the published text is
  exactly what was written and reviewed; the message names the field and the code point.
- **Single-line fields**: every text field is single-line unless its ``kind`` is ``text`` (plain
  multi-line prose such as notes, findings, reasons) or ``markdown``. A single-line field may not
  contain a line break (``\n``, ``\r``, U+2028, U+2029, U+0085) or a tab and is at most
  :data:`MAX_LINE` characters; in multi-line fields ``\r\n`` and a lone ``\r`` (possible only as a
  YAML escape, since files are read with their line ends normalised) become ``\n``. The labels and
  texts of an ``extra`` mapping are single-line too (at most :data:`MAX_EXTRA` entries, labels at most
  :data:`MAX_LABEL` characters).
- **Links**: ``email`` fields must be one plain address (:data:`EMAIL_RE`), ``phone`` fields
  digits, spaces, ``+ - ( )`` and the separators between several numbers (``、 , ， ; ； / 或``,
  and ``转`` before an extension), ``url`` fields an absolute http(s) URL with a host and no
  white space, quotes or angle brackets (:func:`url_problem`).
- **Names that become paths** (``id`` fields, document ``file`` names, and through
  :func:`path_name_problem` the file names of content files): at most :data:`MAX_ID` characters
  (:data:`MAX_FILE_NAME` for document files), not a Windows device name (CON, PRN, AUX, NUL,
  COM0–9, LPT0–9, in any case and with any extension), not ending in ``.`` or a space.
- **Numbers**: finite (no NaN or infinity), within the range of their ``kind``
  (:data:`INT_RANGES`): ``serial`` 1–999,999 (task numbers, batch numbers), ``count``
  0–1,000,000,000 (penalty counts and fines), ``days`` 1–366, any other whole number
  −1,000,000,000–1,000,000,000; far inside what JSON (2^53) and SQLite (2^63) hold.
- **Dates**: from :data:`MIN_DATE` (1949-10-01, the founding of the People's Republic, before which
  no document of this process exists) to :data:`MAX_DATE` (2100-12-31, as for deadline years), so
  that date arithmetic never leaves Python's range and a mistyped year is caught.

Values shown in messages go through :func:`generator.load.text.shown`: shortened, and with every character above
written as an escape, so a message never carries a control or bidi character, or an expanded value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import math
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Optional, Union
from urllib.parse import urlsplit

from generator.errors import Location, Problems
from generator.load.text import shown, text_problem, type_name
from generator.load.yamlio import FULL_WIDTH_COLON, WIDE_KEY, LDict, LList
from generator.models import (
    CHANNEL_LABELS,
    COMPLAINT_STATUS_LABELS,
    OUTCOME_LABELS,
    TASK_STATUS_LABELS,
    Deadline,
    Node,
    content_fields,
    is_required,
)

ID_RE = re.compile(r"^[A-Za-z0-9-]+$")
REGION_RE = re.compile(r"^[0-9]{6}$")
DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
FILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_TEXT = 100_000
MAX_LINE = 1_000
MAX_EXTRA = 50  # entries of an ``extra`` mapping (其他信息)
MAX_LABEL = 100  # characters of one of its labels
MAX_ID = 64
MAX_FILE_NAME = 100
MIN_DATE = dt.date(1949, 10, 1)
MAX_DATE = dt.date(2100, 12, 31)
MULTILINE_KINDS = frozenset({"text", "markdown"})
INT_RANGES: dict[str, tuple[int, int]] = {
    "serial": (1, 999_999),
    "count": (0, 1_000_000_000),
    "days": (1, 366),
    "": (-1_000_000_000, 1_000_000_000),
}
_RANGE_HINTS = {
    "serial": "序号和批次号是从 1 开始的正整数",
    "count": "数量和金额不能是负数；金额以万元为单位",
    "days": "公示期最短天数在 1 到 366 天之间",
    "": "检查数字是否写错",
}
WINDOWS_DEVICE_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))})

EMAIL_RE = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
NUMBER_SEPARATORS = re.compile(r"[、,，;；/]|或")  # between numbers (pii.contact_values splits the publisher's numbers with it too)
PHONE_SEPARATORS = re.compile(NUMBER_SEPARATORS.pattern + "|转")  # and 转 before an extension
_PHONE_PART = re.compile(r"[0-9+()（）\- ]*[0-9][0-9+()（）\- ]*")
_URL_CHAR = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]")
_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?")


# -- names that become paths, links ------------------------------------------------------------

def path_name_problem(name: str, limit: int = MAX_ID) -> tuple[str, str] | None:
    """(message, hint) when ``name`` (an id or a file name) cannot be a file or folder name on every host."""
    if len(name) > limit:
        return (f"名称长度为 {len(name)} 个字符，超过上限 {limit}",
                "编号和文件名会成为网页地址和文件名，过长时无法在磁盘上创建，请缩短")
    if name.split(".")[0].rstrip(" ").upper() in WINDOWS_DEVICE_NAMES:
        return (f"'{shown(name)}' 是 Windows 的保留设备名（CON、PRN、AUX、NUL、COM0–9、LPT0–9），不能用作编号或文件名",
                "在 Windows 主机上无法创建这样的文件或文件夹；换一个名称，例如加上前缀")
    if name.endswith((".", " ")):
        return (f"'{shown(name)}' 以点或空格结尾", "Windows 会去掉结尾的点和空格，网址会对不上；删除它们")
    return None


def phone_problem(text: str) -> str | None:
    """Why ``text`` is not one or more telephone numbers, or ``None``."""
    for part in PHONE_SEPARATORS.split(text):
        if not _PHONE_PART.fullmatch(part):
            bad = next((ch for ch in part if not re.fullmatch(r"[0-9+()（）\- ]", ch)), "")
            return (f"电话号码中含有不允许的字符 '{shown(bad)}'" if bad else "电话号码的分隔符之间缺少号码")
    return None


def email_problem(text: str) -> str | None:
    """Why ``text`` is not one plain e-mail address (addr-spec without quoting or comments), or ``None``."""
    if len(text) > 254 or not EMAIL_RE.fullmatch(text):
        return f"'{shown(text)}' 不是一个有效的电子邮箱地址"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL that can be put into a link as is, or ``None``."""
    bad = next((ch for ch in url if not _URL_CHAR.fullmatch(ch)), None)
    if bad is not None:
        return f"网址中含有不允许的字符 '{shown(bad)}'（空格、引号、尖括号、反斜杠和非 ASCII 字符都不行）"
    if not url.lower().startswith(("http://", "https://")):
        return "网址必须以 http:// 或 https:// 开头"
    if "?" in url or "#" in url:
        return "网站地址不能含有 ? 或 #"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return "网址的主机名或端口无效"
    if "@" in parts.netloc:
        return "网址中不能含有用户名或密码（@ 之前的部分）"
    host = parts.hostname or ""
    if not (_HOST_RE.fullmatch(host) or (parts.netloc.startswith("[") and re.fullmatch(r"[0-9a-f:.]+", host))):
        return "网址中缺少有效的主机名"
    return None


_HINTS_CACHE: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS_CACHE:
        _HINTS_CACHE[cls] = typing.get_type_hints(cls)
    return _HINTS_CACHE[cls]


@functools.cache
def label_synonyms(choices: tuple[str, ...]) -> dict[str, str]:
    """The Chinese labels the site shows for a set of fixed values, as synonyms of the values
    (整改中 → in_progress, 已办结 → done, 来电 → phone), so that publishers may write either. A label
    with a bracketed remark is also accepted without it (已完成（待验收） and 已完成 → completed)."""
    out: dict[str, str] = {}
    for labels in (TASK_STATUS_LABELS, COMPLAINT_STATUS_LABELS, CHANNEL_LABELS, OUTCOME_LABELS):
        if set(labels) == set(choices):
            for value, label in labels.items():
                out[label] = value
                out.setdefault(re.sub(r"（[^）]*）$", "", label), value)
    return out


def did_you_mean(value: str, choices: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f"是不是要写 '{close[0]}'？" if close else ""


def choice_labels(choices: typing.Iterable[str]) -> dict[str, str]:
    """The Chinese label the site shows for each of a set of fixed values (in_progress → 整改中), if any."""
    wanted = set(choices)
    for labels in (TASK_STATUS_LABELS, COMPLAINT_STATUS_LABELS, CHANNEL_LABELS, OUTCOME_LABELS):
        if set(labels) == wanted:
            return dict(labels)
    return {}


def allowed_values(choices: typing.Sequence[str]) -> str:
    """允许的值：planned（未启动）、in_progress（整改中）… for a hint."""
    labels = choice_labels(choices)
    return "允许的值：" + "、".join(c + (f"（{labels[c]}）" if c in labels else "") for c in choices)


# descriptions of the required fields, for the hint of a missing one (models.py documents them in English)
REQUIRED_FIELD_DOCS = {
    "Plan.title": "已批准的整改方案的标题", "Plan.approved_on": "整改方案的批准日期",
    "Site.title": "门户的名称", "Site.publisher": "发布机关",
    "Region.code": "6 位 GB/T 2260 行政区划代码", "Region.name": "地区名称",
    "Document.id": "供引用的编号", "Document.number": "文号", "Document.title": "文件标题",
    "HistoryEntry.date": "状态变化或进展报告的日期", "HistoryEntry.status": "自这一天起的状态",
    "Task.id": "编号，与文件名相同", "Task.number": "整改方案中的序号", "Task.title": "简短标题",
    "Task.problem": "督察反馈问题（Markdown）", "Task.deadline": "整改时限：YYYY-MM-DD、年份、长期坚持 或 立行立改",
    "Task.regions": "涉及地区的行政区划代码", "Task.responsible_units": "责任单位",
    "ComplaintUpdate.date": "状态变化的日期", "ComplaintUpdate.status": "自这一天起的办结状态",
    "Complaint.ref": "受理编号，各批次之间不能重复", "Complaint.channel": "受理方式：phone 来电、letter 来信、online 网络",
    "Complaint.region": "行政区划代码；合办件写成列表", "Complaint.types": "污染类型，一个或多个",
    "Complaint.summary": "交办问题基本情况", "Complaint.status": "交办时的办结状态",
    "Batch.batch": "批次号，与文件名相同", "Batch.forwarded_on": "交办日期",
    "Period.start": "公示期的第一天", "Period.end": "公示期的最后一天（含当天）",
    "Acceptance.unit": "验收单位", "Acceptance.date": "验收日期",
    "Outcome.decided_on": "公示结果的认定日期", "Outcome.result": "公示结果：no_objection、objections_rejected 或 objection_upheld",
    "Announcement.id": "编号，与文件名相同", "Announcement.title": "公示标题", "Announcement.tasks": "公示涉及的任务编号",
    "Announcement.period": "公示期", "Revision.date": "更正的日期", "Revision.note": "更正了什么（公开显示）",
    "Report.title": "报告标题", "Report.date": "报告日期", "Page.title": "页面标题",
}


def _impossible_date(year: int, month: int, day: int) -> str:
    """Why a YYYY-MM-DD with these numbers names no day, in words."""
    if year < 1:
        return "没有公元 0 年"
    if not 1 <= month <= 12:
        return f"没有 {month} 月"
    return f"{year} 年 {month} 月没有 {day} 日"


class Builder:
    """Turns one file's located data into models, collecting problems."""

    def __init__(self, file: str, problems: Problems):
        self.file = file
        self.problems = problems

    def loc(self, line: int) -> Location:
        return Location(self.file, line)

    def error(self, line: int, name: str, message: str, hint: str = "") -> None:
        self.problems.add(self.loc(line), name, message, hint)

    # -- models -------------------------------------------------------------------------------

    def model(self, cls: type, data: Any, path: str, line: int) -> Any:
        """Build ``cls`` from a mapping; ``path`` names it in messages (e.g. ``history[2]``)."""
        if not isinstance(data, dict):
            if isinstance(data, str) and WIDE_KEY.match(data):  # the whole file read as one text
                self.error(line, path, *FULL_WIDTH_COLON)
                return None
            self.error(line, path, f"应为字段的映射（每行写 字段名: 值），实际是{type_name(data)}",
                       "每个字段写一行 '字段名: 值'，冒号后面有一个空格；下一级的字段要缩进")
            return None
        key_lines = getattr(data, "key_lines", {})
        own_line = getattr(data, "line", line) or line
        for key, dup_line in getattr(data, "duplicates", []):
            self.error(dup_line, _join(path, shown(key)), "字段写了两次", "只保留其中一个")
        known = {f.name: f for f in content_fields(cls)}
        hints = _hints(cls)
        values: dict[str, Any] = {}
        ok = True
        for key, value in data.items():
            key_s = key if isinstance(key, str) else str(key)
            if key_s not in known:
                hint = (did_you_mean(key_s, known) if len(key_s) <= 100 else "") or f"允许的字段：{'、'.join(known)}"
                self.error(key_lines.get(key, own_line), _join(path, shown(key_s)), "未知的字段", hint)
                ok = False
                continue
        for name, f in known.items():
            fpath = _join(path, name)
            fline = key_lines.get(name, own_line)
            if name not in data or data[name] is None:
                if is_required(f):
                    about = REQUIRED_FIELD_DOCS.get(f"{cls.__name__}.{name}", "")
                    self.error(own_line, fpath, "缺少必填字段", f"添加 '{name}: …'" + (f"（{about}）" if about else ""))
                    ok = False
                continue
            value = self.value(hints[name], data[name], fpath, fline, f.metadata.get("kind", ""))
            if value is _BAD:
                ok = False
                continue
            values[name] = value
        if not ok:
            return None
        obj = cls(**values)
        if isinstance(obj, Node):
            obj.loc = self.loc(own_line)
            obj.lines = {str(k): v for k, v in key_lines.items()}
        return obj

    # -- values -------------------------------------------------------------------------------

    def value(self, hint: Any, raw: Any, path: str, line: int, kind: str = "") -> Any:
        """``raw`` read as the type ``hint`` of a model field (``kind``: the field's kind, ``text``, ``id`` …),
        or ``_BAD`` once the problem is reported: by the hint's origin (an optional value, a mapping, a
        choice, a list), else by the type itself (:data:`_SCALARS`, a nested model)."""
        origin = typing.get_origin(hint)
        if origin in (Union, types.UnionType):  # X | None (a missing value never reaches here), or X | list[X]
            inner = sorted((a for a in typing.get_args(hint) if a is not type(None)),  # a list is read as the list
                           key=lambda a: _is_list(a) != isinstance(raw, list))
            return self.value(inner[0], raw, path, line, kind)
        if origin is dict:
            return self.labelled(raw, path, line)
        if origin is Literal:
            return self.choice([str(c) for c in typing.get_args(hint)], raw, path, line)
        if origin is list:
            (item_hint,) = typing.get_args(hint)
            return self.listed(item_hint, raw, path, line, kind)
        scalar = _SCALARS.get(hint)
        if scalar is not None:
            return scalar(self, raw, path, line, kind)
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            built = self.model(hint, raw, path, line)
            return _BAD if built is None else built
        raise TypeError(f"unsupported type {hint!r} for {path}")  # a bug in models.py, not in content

    def choice(self, choices: list[str], raw: Any, path: str, line: int) -> Any:
        """One of ``choices``, or its label (整改中 → in_progress)."""
        text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
        text = label_synonyms(tuple(choices)).get(text or "", text)
        if text not in choices:
            hint_text = did_you_mean(text, choices) if text is not None and len(text) <= MAX_LINE else ""
            self.error(line, path, f"'{shown(raw)}' 不是允许的值", hint_text + allowed_values(choices))
            return _BAD
        return text

    def listed(self, item_hint: Any, raw: Any, path: str, line: int, kind: str) -> Any:
        """A list of ``item_hint`` values (a single value stands for a list of one, unless it is a mapping
        or the items are models); every empty or bad item is reported."""
        if not isinstance(raw, list):
            if isinstance(raw, dict) or dataclasses.is_dataclass(item_hint):
                self.error(line, path, f"应为列表，实际是{type_name(raw)}", "写成列表：[甲, 乙]，或每行一项，以 '- ' 开头")
                return _BAD
            raw = [raw]
        lines = getattr(raw, "item_lines", [])
        out, bad = [], False
        for i, item in enumerate(raw):
            item_line = lines[i] if i < len(lines) else line
            if item is None or item == "":
                self.error(item_line, f"{path}[{i}]", "列表中有一项是空的", "删除单独的 '-'，或在它后面写上这一项")
                bad = True
                continue
            value = self.value(item_hint, item, f"{path}[{i}]", item_line, kind)
            if value is _BAD or value is None:
                bad = True
            else:
                out.append(value)
        return _BAD if bad else out

    def boolean(self, raw: Any, path: str, line: int) -> Any:
        if not isinstance(raw, bool):
            self.error(line, path, f"应为 true 或 false，实际是{type_name(raw)} '{shown(raw)}'", "写 true（是）或 false（否），不加引号")
            return _BAD
        return raw

    def labelled(self, raw: Any, path: str, line: int) -> Any:
        """A mapping of labels to single-line text (``extra``: at most :data:`MAX_EXTRA` entries, each label
        at most :data:`MAX_LABEL` characters), every label and text checked like any single-line text."""
        if not isinstance(raw, dict):
            self.error(line, path, f"应当是“名称: 内容”的映射，这里是{type_name(raw)}", "例如  extra: {是否回访: 已回访}")
            return _BAD
        lines = getattr(raw, "key_lines", {})
        for key, dup_line in getattr(raw, "duplicates", []):
            self.error(dup_line, _join(path, shown(key)), "这一项写了两次", "只保留一个")
        if len(raw) > MAX_EXTRA:
            self.error(line, path, f"有 {len(raw)} 项，最多 {MAX_EXTRA} 项", "只保留需要公开的其他信息")
            return _BAD
        out: dict[str, str] = {}
        bad = False
        for key, value in raw.items():
            at = lines.get(key, line)
            name = self.text(key, f"{path}（名称 {shown(key)}）", at, "")
            if name is not _BAD and not (name and len(name) <= MAX_LABEL):
                self.error(at, _join(path, shown(key)), f"名称为空或超过 {MAX_LABEL} 个字符", "写一个简短的名称，例如 是否回访")
                name = _BAD
            text = _BAD if value is None else self.text(value, _join(path, shown(key)), at, "")
            if value is None or text == "":
                self.error(at, _join(path, shown(key)), "内容为空", "写出内容，或删除这一项")
                text = _BAD
            if name is _BAD or text is _BAD:
                bad = True
                continue
            out[name] = text
        return _BAD if bad else out

    def whole_number(self, raw: Any, path: str, line: int, kind: str) -> Any:
        if self.digits_as_text(raw, path, line, kind):
            return _BAD
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.error(line, path, f"应为整数，实际是{type_name(raw)} '{shown(raw)}'", "只写阿拉伯数字，例如 3；不要加单位、汉字或引号")
            return _BAD
        return raw if self.in_range(raw, path, line, kind) else _BAD

    def number(self, raw: Any, path: str, line: int, kind: str) -> Any:
        if self.digits_as_text(raw, path, line, kind):
            return _BAD
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            self.error(line, path, f"应为数字，实际是{type_name(raw)} '{shown(raw)}'", "只写阿拉伯数字，例如 5 或 2.5；不要加单位、汉字或引号")
            return _BAD
        if isinstance(raw, float) and not math.isfinite(raw):
            self.error(line, path, f"数值 {shown(raw)} 不是有限的数（NaN 或无穷大）", "写一个普通的数字，例如 5.0")
            return _BAD
        return float(raw) if self.in_range(raw, path, line, kind) else _BAD

    def digits_as_text(self, raw: Any, path: str, line: int, kind: str) -> bool:
        """A number of so many digits that yamlio kept it as text: reported as out of range."""
        if isinstance(raw, str) and re.fullmatch(r"[+-]?[0-9]{16,}", raw.strip()):
            self.out_of_range(raw.strip(), path, line, kind)
            return True
        return False

    def in_range(self, raw: float, path: str, line: int, kind: str) -> bool:
        """Whether ``raw`` is within the range of its ``kind`` (:data:`INT_RANGES`); reports it when not."""
        low, high = INT_RANGES.get(kind, INT_RANGES[""])
        if low <= raw <= high:
            return True
        self.out_of_range(raw, path, line, kind)
        return False

    def out_of_range(self, raw: Any, path: str, line: int, kind: str) -> None:
        low, high = INT_RANGES.get(kind, INT_RANGES[""])
        self.error(line, path, f"数值 {shown(raw)} 超出允许的范围（{low} 至 {high}）", _RANGE_HINTS.get(kind, _RANGE_HINTS[""]))

    def text(self, raw: Any, path: str, line: int, kind: str) -> Any:
        if isinstance(raw, (bool, dict, list, tuple, set, frozenset, bytes)):
            self.error(line, path, f"应为文本，实际是{type_name(raw)}", "直接写文字；文字里有冒号、方括号或花括号时，给整段文字加引号")
            return _BAD
        multiline = kind in MULTILINE_KINDS
        if kind == "region" and isinstance(raw, int):
            text = f"{raw:06d}"
        elif not isinstance(raw, str):
            text = str(raw).strip()
        else:
            text = raw.strip("\n") if kind == "markdown" else raw.strip()
        if multiline:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        limit = MAX_TEXT if multiline else MAX_LINE
        if len(text) > limit:
            hint = "拆成几段，或改为链接一份文件" if multiline else "这个字段只能写一行；较长的内容请写在说明类的多行字段里，或链接一份文件"
            self.error(line, path, f"文本长度为 {len(text)} 个字符，超过上限 {limit}", hint)
            return _BAD
        bad = text_problem(text, multiline)
        if bad is not None:
            _, message, hint = bad
            self.error(line, path, message, hint)
            return _BAD
        problem = kind_problem(text, kind)
        if problem is not None:
            self.error(line, path, *problem)
            return _BAD
        return text

    def date(self, raw: Any, path: str, line: int) -> Any:
        text = str(raw).strip() if isinstance(raw, (str, dt.date)) else None
        match = DATE_RE.match(text) if text else None
        if not match:
            self.error(line, path, f"'{shown(raw)}' 不是日期", "日期写成 YYYY-MM-DD，例如 2023-12-31")
            return _BAD
        try:
            value = dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            why = _impossible_date(*(int(g) for g in match.groups()))
            self.error(line, path, f"'{text}' 不是真实存在的日期（{why}）", "检查年、月、日是否写错")
            return _BAD
        if not MIN_DATE <= value <= MAX_DATE:
            self.error(line, path, f"日期 {value} 超出允许的范围（{MIN_DATE} 至 {MAX_DATE}）", "检查年份是否写错")
            return _BAD
        return value

    def deadline(self, raw: Any, path: str, line: int) -> Any:
        if isinstance(raw, str) and raw.strip() in ("长期坚持", "立行立改"):
            word = raw.strip()
            return Deadline("standing" if word == "长期坚持" else "immediate", None, word)
        if isinstance(raw, int) and not isinstance(raw, bool) and 1990 <= raw <= 2100:
            return Deadline("date", dt.date(raw, 12, 31), f"{raw}年底")
        if isinstance(raw, str) and DATE_RE.match(raw.strip()):
            value = self.date(raw, path, line)
            return _BAD if value is _BAD else Deadline("date", value, "")
        self.error(line, path, f"'{shown(raw)}' 不是有效的整改时限", "写成日期 YYYY-MM-DD、年份（如 2023）、长期坚持 或 立行立改")
        return _BAD


def kind_problem(text: str, kind: str) -> tuple[str, str] | None:
    """(message, hint) when clean text is not a valid value of its ``kind``."""
    if kind == "id":
        if not ID_RE.fullmatch(text):
            return f"'{shown(text)}' 不是有效的编号", "编号只能使用字母 A-Z a-z、数字 0-9 和 '-'"
        return path_name_problem(text)
    if kind == "region" and not REGION_RE.fullmatch(text):
        return f"'{shown(text)}' 不是行政区划代码", "写 6 位的 GB/T 2260 代码，并加上引号，例如 \"440200\""
    if kind == "file" and text:
        if not FILE_NAME_RE.fullmatch(text) or ".." in text:
            return (f"'{shown(text)}' 不是单纯的文件名",
                    "把文件直接放在 content/documents/ 中，这里只写它的文件名（字母、数字和 . _ -）")
        return path_name_problem(text, MAX_FILE_NAME)
    if kind == "email" and text:
        problem = email_problem(text)
        if problem:
            return problem, "只写一个邮箱地址，例如 zhenggai@example.gov.cn；不要加姓名、尖括号、空格或问号后面的参数"
    if kind == "phone" and text:
        problem = phone_problem(text)
        if problem:
            return problem, "只写号码：数字、空格和 + - ( )；几个号码之间用 、 , ; / 或「或」分隔，分机号前写「转」"
    if kind == "url" and text:
        problem = url_problem(text)
        if problem:
            return problem, "写完整的网址，例如 https://zhenggai.example.gov.cn/，或不写这个字段"
    return None


# how a value of each scalar type of models.py is read: (builder, raw, path, line, kind) → value or _BAD
_SCALARS: dict[Any, Callable[[Builder, Any, str, int, str], Any]] = {
    Deadline: lambda b, raw, path, line, kind: b.deadline(raw, path, line),
    dt.date: lambda b, raw, path, line, kind: b.date(raw, path, line),
    bool: lambda b, raw, path, line, kind: b.boolean(raw, path, line),
    int: Builder.whole_number,
    float: Builder.number,
    str: Builder.text,
}


class _Bad:
    def __repr__(self) -> str:
        return "<bad value>"


_BAD: Any = _Bad()


def _is_list(hint: object) -> bool:
    return typing.get_origin(hint) is list


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def build_list(builder: Builder, cls: type, data: Any, path: str) -> list[Any]:
    """A top-level list of models (regions.yaml, documents.yaml)."""
    if data is None:
        return []
    if not isinstance(data, list):
        builder.error(getattr(data, "line", 1), path, f"应为列表，实际是{type_name(data)}", "每一项以 '- ' 开头")
        return []
    lines = getattr(data, "item_lines", [])
    out = []
    for i, item in enumerate(data):
        built = builder.model(cls, item, f"{path}[{i}]", lines[i] if i < len(lines) else 1)
        if built is not None:
            out.append(built)
    return out


__all__ = [
    "EMAIL_RE",
    "ID_RE",
    "REGION_RE",
    "Builder",
    "LDict",
    "LList",
    "Optional",
    "build_list",
    "did_you_mean",
    "email_problem",
    "path_name_problem",
    "phone_problem",
    "url_problem",
]

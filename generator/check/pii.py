"""Personal-data guard: no complainant's phone, ID, e-mail, bank card or plate is ever published.

Everything that can reach the site is scanned: every text field of the content (also ids such as
complaint reference numbers, and document file names), the Markdown body and the file name (slug)
of reports and pages, and the bytes of the document files under content/documents/ (plain text,
CSV, Markdown and HTML; the text layer of PDFs, read with pypdf).

Text is normalised before matching (:func:`normalise`): NFKC (full-width digits and signs become
ASCII), format characters (zero-width spaces, bidi marks) are dropped, and digits may be written
with separators between them (spaces of every kind, dashes of every kind, dots, slashes, brackets),
digit by digit, or as Chinese numerals (〇零一二三四五六七八九, 幺, 两, 壹贰叁…). A map from the
normalised text back to the original is kept, so that messages and masks point at what was written.

Found, and stopping the build:

- mainland mobile numbers (``13812345678``, ``+86 138.1234.5678``, ``一三八一二三四五六七八``),
- landline numbers with an area code (``0751-1234567``, ``(020)87654321``, ``+86 20 8765 4321``,
  with an extension), and without one after a word such as 电话 or 座机,
- 18-digit resident ID numbers (a right check character, or a wrong one with a plausible birth
  date: a mistyped ID is still a leak) and old 15-digit ones (with a valid birth date),
- bank card numbers of 16–19 digits that pass the Luhn check, grouped or not,
- e-mail addresses, also written with ``(at)``, ``[at]``, 艾特, ``(dot)``, 点, ``。``,
- WeChat and QQ ids written as such (``微信号 zhang_san88``, ``wx: …``, ``QQ：12345678``),
- vehicle licence plates (``粤A12345``, ``粤A·12345``, ``粤AD12345``).

Numbers that are legitimately long pass: money and quantities followed by a unit (元, 万元, 吨,
立方米, mg/L…), decimals, document and case numbers (``〔2023〕12345678号``, after 文号, 案件编号,
决定书编号…), dates.

Found, and stopping the build until a person has looked at them (:data:`REVIEW_KINDS`): names with
先生/女士/老师/师傅 (``张先生``; ``王某某`` is already anonymised) and house addresses (``XX路12号
401室``, ``XX小区3栋2单元501室``, 门牌). The publisher acknowledges each in content/pii-reviewed.yaml
(:func:`read_reviewed`): an acknowledged finding is silent, an entry that no longer matches anything
is a problem, so that the list does not rot.

The publisher's own contact channels (the ``contact`` fields of site.yaml and of notices) are not
scanned, and the phone numbers and e-mail addresses written there may be repeated anywhere.
Messages show values masked (``138****5678``), so that logs leak nothing.

:func:`write_masked_copy` (``portal check --fix-pii DIR``) writes a copy of the content folder with
every finding masked in the characters as written; the original files are never changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
import os
import re
import shutil
import stat
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.errors import Location, Problems, os_error_reason
from generator.incremental import KeptValues, fingerprint
from generator.load.schema import NUMBER_SEPARATORS
from generator.models import Contact, Content, Node, Page, Report, content_fields

log = logging.getLogger(__name__)

# -- normalisation ------------------------------------------------------------------------------

NUMERALS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
            "七": "7", "八": "8", "九": "9", "幺": "1", "两": "2", "壹": "1", "贰": "2", "貳": "2",
            "叁": "3", "參": "3", "肆": "4", "伍": "5", "陆": "6", "陸": "6", "柒": "7", "捌": "8", "玖": "9"}
_TO_DIGIT = str.maketrans(NUMERALS)
_D = "0-9" + "".join(NUMERALS)  # a digit, as a regex class body
# what may stand between the digits of one number (after NFKC): spaces, dashes, dots, slashes, brackets, +
_SEP = r" \t\-‐‑‒–—―−⁃_.·•・/\\()\[\]{}〔〕【】〖〗（）［］<>〈〉+"
_RUN_RE = re.compile(f"[{_D}](?:[{_SEP}]{{0,3}}[{_D}])*[Xx]?")
_GROUP_RE = re.compile(f"[{_D}]+")
# the pre-filter, on the text before normalisation: 7 digits (of any script, full-width, circled,
# Chinese) in one run, with anything NFKC turns into a separator, or a format character, between them
_RAW_D = r"\d\u2460-\u249b\u24ea-\u24ff\u2776-\u2793" + "".join(NUMERALS)
_RAW_SEP = _SEP + r"\s\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f" \
    r"\ufeff\ufe50-\ufe6b\uff01-\uff0f\uff3b-\uff3f\uff5b-\uff65\U000e0001-\U000e007f"
_RUN7_RE = re.compile(f"[{_RAW_D}](?:[{_RAW_SEP}]{{0,6}}[{_RAW_D}]){{6}}")
# markers of the other kinds; any Latin letter (refs, e-mail, QQ, wx, plates) is looked at more closely
_MARKERS = ("先生", "女士", "老师", "师傅", "室", "单元", "门牌", "栋", "幢", "号楼", "微信", "艾特", "@", "＠")
_ANY_LETTER_RE = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_LETTER_HINT_RE = re.compile(r"(?i:[aａ][tｔ]|[qｑ][qｑ]|[wvｗｖ][xｘ]|[vｖ]信|wechat|weixin)"
                             r"|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]\s?[A-HJ-NP-ZＡ-Ｚ]")


def _worth_scanning(text: str) -> bool:
    """The pre-filter: False for text in which nothing can match (most text), cheaply."""
    if _RUN7_RE.search(text):
        return True
    for marker in _MARKERS:
        if marker in text:
            return True
    return bool(_ANY_LETTER_RE.search(text) and _LETTER_HINT_RE.search(text))


def _one_to_one_table() -> dict[int, str | None]:
    """NFKC for each BMP character whose normal form is one character; format characters dropped."""
    table: dict[int, str | None] = {}
    for code in range(0x80, 0x10000):
        c = chr(code)
        if unicodedata.category(c) == "Cf":
            table[code] = None
            continue
        n = unicodedata.normalize("NFKC", c)
        if n != c and len(n) == 1:
            table[code] = n
    return table


_TABLE: dict[int, str | None] = {}


@dataclass(frozen=True)
class Norm:
    """Normalised text, and for each of its characters the index of the original one (None: the same)."""

    text: str
    source: str
    orig: list[int] | None = None

    def at(self, i: int) -> int:
        return self.orig[i] if self.orig is not None else i

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of normalised ``[start, end)``."""
        if self.orig is None:
            return start, end
        return self.orig[start], self.orig[end - 1] + 1


def normalise(text: str) -> Norm:
    """NFKC, without format characters, with a map back to ``text``."""
    if text.isascii():
        return Norm(text, text)
    if not _TABLE:
        _TABLE.update(_one_to_one_table())
    quick = text.translate(_TABLE)
    if len(quick) == len(text) and unicodedata.is_normalized("NFKC", quick):
        return Norm(quick, text)
    chars: list[str] = []
    orig: list[int] = []
    for i, c in enumerate(text):
        if unicodedata.category(c) == "Cf":
            continue
        n = unicodedata.normalize("NFKC", c)
        chars.append(n)
        orig.extend([i] * len(n))
    return Norm("".join(chars), text, orig)


# -- checks on digit strings --------------------------------------------------------------------

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
LATEST_BIRTH_YEAR = 2015  # a wrong check character counts as an ID only with a birth date up to this year
_LANDLINE_RE = re.compile(r"(?P<area>0(?:10|2\d|[3-9]\d{2}))(?P<sub>\d{7,8})")
_LANDLINE_3_RE = re.compile(r"(?P<area>0[1-9]\d)(?P<sub>\d{7,8})")  # 3-digit area codes other than 010/02x
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def id_checksum_ok(value: str) -> bool:
    """ISO 7064 MOD 11-2 check character of an 18-character resident ID number."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == value[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _date_ok(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _plausible_id(value: str) -> bool:
    """An 18- or 15-digit number that reads as region code and birth date."""
    if value[0] not in "12345678":
        return False
    if len(value) == 15:
        return _date_ok(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    year = int(value[6:10])
    return 1900 <= year <= LATEST_BIRTH_YEAR and _date_ok(year, int(value[10:12]), int(value[12:14]))


def _is_date(digits: str) -> bool:
    return len(digits) == 8 and 1900 <= int(digits[:4]) <= 2100 and _date_ok(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


# -- matches --------------------------------------------------------------------------------------

LABELS_ZH = {"id": "身份证号", "card": "银行卡号", "email": "电子邮箱地址", "mobile": "手机号码", "landline": "电话号码",
             "qq": "QQ号", "wechat": "微信号", "plate": "车牌号", "name": "带称谓的姓名", "address": "门牌地址"}
REVIEW_KINDS = frozenset({"name", "address"})  # may be published once a person has acknowledged them


@dataclass(frozen=True)
class Match:
    kind: str  # id, card, email, mobile, landline, qq, wechat, plate, name, address
    start: int  # in the original text
    end: int
    text: str  # as written
    masked: str  # as written, with the identifying characters replaced by '*'
    key: str = ""  # canonical value (digits, lower-case e-mail), compared with the allowed contact channels


def _masked(norm: Norm, start: int, end: int, hide: list[int]) -> Match:
    """Helper: original span of normalised [start, end) and its text with the normalised positions
    ``hide`` replaced by '*' (each original character once)."""
    a, b = norm.span(start, end)
    hidden = {norm.at(i) for i in hide}
    masked = "".join("*" if i in hidden else norm.source[i] for i in range(a, b))
    return Match("", a, b, norm.source[a:b], masked)


_UNIT_RE = re.compile(
    r"[ \t]*(?:万元|亿元|千元|百元|元|万|亿|千|百|美元|欧元|吨|t(?![A-Za-z])|千克|公斤|kg|克|g(?![A-Za-z])|斤|毫克|mg|微克|μg|ug|ng|"
    r"升|毫升|L(?![A-Za-z])|ml|mL|立方米|立方|m3|m³|平方米|平方公里|平方千米|平米|m2|km2|㎡|米|m(?![A-Za-z])|km|公里|千米|厘米|cm|毫米|mm|"
    r"亩|公顷|hm|顷|千瓦时|千瓦|度|kW|kwh|瓦|W(?![A-Za-z])|伏|个|人|户|家|件|次|条|处|座|台|辆|艘|只|头|株|棵|项|批|宗|起|份|页|套|"
    r"年|月|日|天|小时|分钟|秒|号|%|‰|倍|dB|分贝|NTU|Bq|mSv|ppm|ppb)")
_MONEY_BEFORE_RE = re.compile(r"(?:[¥￥$€]|RMB|人民币)\s*$")
_LABEL_BEFORE_RE = re.compile(
    r"(?:文号|案号|案件编号|案件号|决定书编号|决定书|决定书文号|批准文号|许可证编号|许可证号|证书编号|备案号|"
    r"信用代码|项目代码|登记号|合同编号|[〔\[(【（［]\s*(?:19|20)\d\d\s*[〕\])】）］])[ \t:：]*(?:第\s*)?$")
_PHONE_BEFORE_RE = re.compile(r"(?:电话|座机|固话|致电|来电|手机|联系|号码|热线|tel|phone|☎|📞)[^0-9\n]{0,6}$", re.IGNORECASE)
_EXTENSION_RE = re.compile(r"[ \t]*(?:转|分机|ext\.?|x)[ \t]*(\d{1,5})(?!\d)", re.IGNORECASE)


@dataclass(slots=True)
class _Group:
    start: int  # in the normalised text
    end: int
    digits: str


def _digit_matches(norm: Norm) -> Iterator[tuple[str, int, int, list[int], str]]:
    """(kind, start, end, normalised positions to hide, canonical digits) for every number in ``norm``."""
    text = norm.text
    for run in _RUN_RE.finditer(text):
        groups = [_Group(run.start() + g.start(), run.start() + g.end(), g.group(0).translate(_TO_DIGIT))
                  for g in _GROUP_RE.finditer(run.group(0))]
        if sum(len(g.digits) for g in groups) < 7:
            continue
        x_end = run.group(0)[-1] in "Xx"
        left_letter = run.start() > 0 and text[run.start() - 1].isascii() and text[run.start() - 1].isalpha()
        after = text[run.end()] if run.end() < len(text) else ""
        right_letter = after.isascii() and after.isalpha()
        i = 0
        while i < len(groups):
            best = None
            acc = ""
            for j in range(i, len(groups)):
                acc += groups[j].digits
                if len(acc) > 19:
                    break
                last = j == len(groups) - 1
                found = _classify(acc, text, groups, i, j, left_letter and i == 0,
                                  last and (right_letter or x_end), last and x_end)
                if found:
                    best = (j, *found)
            if best is None:
                i += 1
                continue
            j, kind, digits, keep_head, keep_tail, with_x = best
            start, end = groups[i].start, groups[j].end + (1 if with_x else 0)
            if start == run.start() and start > 0 and text[start - 1] in "+(（[【":
                start -= 1  # +86 138…, (020)8765…: the sign or bracket is part of what was written
            if kind == "landline":
                end = _with_extension(text, groups, j, end)
            if not _legitimate(text, groups, i, j, start, end):
                positions = [p for g in groups[i: j + 1] for p in range(g.start, g.end)]
                if with_x:
                    positions.append(end - 1)
                yield kind, start, end, positions[keep_head: len(positions) - keep_tail], digits
            i = j + 1


def _classify(acc: str, text: str, groups: list[_Group], i: int, j: int, left_letter: bool,
              right_letter: bool, x_follows: bool) -> tuple[str, str, int, int, bool] | None:
    """What the digits of groups i..j are: (kind, canonical digits, digits kept at the head and at
    the tail of the mask, whether a following X belongs to it), or None."""
    n = len(acc)
    if n < 7 or n == 9:
        return None
    if n <= 8:
        if (acc[0] in "23456789" and not left_letter and not right_letter and not _is_date(acc)
                and _PHONE_BEFORE_RE.search(text, max(0, groups[i].start - 12), groups[i].start)):
            return "landline", acc, 0, 4, False  # 电话 87654321: a landline without its area code
        return None
    if n >= 15:
        found = _id_or_card(acc, groups[i: j + 1], left_letter, right_letter, x_follows)
        if found:
            return found
    for prefix in ("", "86", "0086"):
        if n == 11 + len(prefix) and acc.startswith(prefix) and _MOBILE_RE.fullmatch(acc, len(prefix)):
            return "mobile", acc[len(prefix):], len(prefix) + 3, 4, False
    if left_letter or right_letter or n > 15:
        return None
    national = "0" + acc[4:] if acc.startswith("0086") else "0" + acc[2:] if acc.startswith("86") else acc
    m = _LANDLINE_RE.fullmatch(national) or _LANDLINE_3_RE.fullmatch(national)
    if m:
        head = len(acc) - len(national) + 1 + len(m.group("area")) - 1  # prefix and area code stay
        return "landline", national, head, 4, False
    return None


def _id_or_card(acc: str, groups: list[_Group], left_letter: bool, right_letter: bool,
                x_follows: bool) -> tuple[str, str, int, int, bool] | None:
    """An ID number (18 characters, or 15 digits) or a bank card (16–19 digits, Luhn)."""
    n = len(acc)
    if not _grouped_like_a_number(groups):
        return None
    if x_follows and n == 17:
        value = acc + "X"
        if id_checksum_ok(value) or (not left_letter and _plausible_id(value)):
            return "id", value, 6, 4, True
    if n == 18 and not right_letter and (id_checksum_ok(acc) or (not left_letter and _plausible_id(acc))):
        return "id", acc, 6, 4, False
    if left_letter or right_letter:
        return None
    if n == 15 and _plausible_id(acc):
        return "id", acc, 6, 3, False
    if 16 <= n <= 19 and luhn_ok(acc):
        return "card", acc, 0, 4, False
    return None


def _grouped_like_a_number(groups: list[_Group]) -> bool:
    """Groups of three or more digits (the last may be shorter), or digit by digit: how IDs and
    cards are written. Date ranges (2021.10.12-2023.12.31) have groups of two and are not."""
    sizes = [len(g.digits) for g in groups]
    return all(s >= 3 for s in sizes[:-1]) or all(s == 1 for s in sizes)


def _with_extension(text: str, groups: list[_Group], j: int, end: int) -> int:
    """The end of a landline with its extension (-123, 转123)."""
    if j + 1 < len(groups) and len(groups[j + 1].digits) <= 5 and "-" in text[groups[j].end: groups[j + 1].start]:
        return groups[j + 1].end
    m = _EXTENSION_RE.match(text, end)
    return m.end() if m else end


def _legitimate(text: str, groups: list[_Group], i: int, j: int, start: int, end: int) -> bool:
    """A number that context shows to be money, a quantity, a reading, a decimal or a document number."""
    seps = [text[groups[k].end: groups[k + 1].start] for k in range(i, j)]
    if "." in seps and any(x != "." for x in seps) and any(len(g.digits) < 3 for g in groups[i + 1: j + 1]):
        return True  # decimals in a row: 0.5 1.2 3.4 5.6 (a number written with dots has dots only)
    if "." in seps and (j == i + 1 or groups[i].digits == "0"):
        return True  # one decimal: 0.100000000, 12.3456789
    if i > 0 and text[groups[i - 1].end: groups[i].start] == ".":
        return True  # the decimals of 0.0512345678
    if j + 1 < len(groups) and text[groups[j].end: groups[j + 1].start] == ".":
        return True  # the integer part of 13800000000.5
    if start > 1 and text[start - 1] == "." and text[start - 2].isdigit():
        return True
    if _UNIT_RE.match(text, end):
        return True
    before = text[max(0, start - 24): start]
    return bool(_MONEY_BEFORE_RE.search(before) or _LABEL_BEFORE_RE.search(before))


_LOCAL = r"[A-Za-z0-9._%+-]+"
_AT = r"(?:[ \t]?@[ \t]?|[ \t]*[(\[{<（【][ \t]*(?:at|艾特|@)[ \t]*[)\]}>）】][ \t]*|[ \t]*艾特[ \t]*|[ \t]+at[ \t]+)"
_DOT = r"(?:\.|。|[ \t]*[(\[{<（【][ \t]*(?:dot|点|\.)[ \t]*[)\]}>）】][ \t]*|点|[ \t]+dot[ \t]+)"
EMAIL_RE = re.compile(f"(?<![A-Za-z0-9._%+-])(?P<local>{_LOCAL}){_AT}(?P<domain>[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}[A-Za-z]{{2,}})(?![A-Za-z0-9-])",
                      re.IGNORECASE)
_DOMAIN_DOT_RE = re.compile(_DOT, re.IGNORECASE)
QQ_RE = re.compile(r"(?<![A-Za-z])(?:QQ|ＱＱ)(?!群)(?:号码|号|账号)?[ \t]*(?:[:：]|是|为)?[ \t]*(?P<id>[1-9]\d{4,11})(?!\d)",
                   re.IGNORECASE)
WECHAT_RE = re.compile(
    r"(?:微信(?:号码|账号|号|id|ID)?|[Vv]信号?|(?<![A-Za-z])(?:wx|vx|wechat|weixin)(?:号|id)?[ \t]*(?=[:：]))"
    r"[ \t]*(?:[:：]|是|为)?[ \t]*(?P<id>[A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_-])", re.IGNORECASE)
PLATE_RE = re.compile(
    r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][ \t]?(?P<letter>[A-HJ-NP-Z])"
    r"[ \t]?[·•・.\-]?[ \t]?(?P<rest>[A-HJ-NP-Z0-9]{5,6})(?![A-Za-z0-9])(?![-—][0-9])")
_STANDARD_PREFIXES = ("GB", "HJ", "DB", "CJ", "JG", "SL", "HG", "QB", "JB", "NY", "LY", "YY", "JT", "DL", "SH", "SY")
SURNAMES = ("欧阳|司马|诸葛|上官|东方|皇甫|王|李|张|刘|陈|杨|黄|赵|吴|周|徐|孙|马|朱|胡|郭|何|高|林|罗|郑|梁|谢|宋|唐|许|韩|"
            "冯|邓|曹|彭|曾|肖|萧|田|董|袁|潘|蒋|蔡|余|杜|叶|程|苏|魏|吕|丁|任|沈|姚|卢|姜|崔|钟|谭|陆|汪|范|金|石|廖|贾|"
            "夏|韦|付|傅|方|白|邹|孟|熊|秦|邱|江|尹|薛|闫|严|段|雷|侯|龙|史|陶|黎|贺|顾|毛|郝|龚|邵|万|钱|覃|武|戴|莫|孔|汤|"
            "常|温|康|施|文|牛|樊|葛|邢|安|齐|易|乔|伍|庞|颜|倪|庄|聂|章|鲁|岳|翟|殷|詹|申|欧|耿|关|兰|焦|俞|左|柳|甘|祝|包|"
            "宁|尚|符|舒|阮|柯|纪|梅|童|凌|毕|单|季|裴|霍|涂|成|苗|谷|盛|曲|翁|冉|骆|蓝|路|游|辛|靳|管|柴|蒙|鲍|华|喻|祁|蒲|房|"
            "滕|屈|饶|解|牟|艾|尤|阳|时|穆|农|司|卓|古|吉|缪|简|车|项|连|芦|麦|褚|娄|窦|戚|岑|景|党|宫|费|卜|冷|晏|席|卫|米|柏|宗|"
            "瞿|桂|全|佟|应|臧|闵|苟|邬|边|卞|姬|师|和|仇|栾|隋|商|刁|沙|荣|巫|寇|桑|郎|甄|丛|仲|虞|敖|巩|明|佘|池|查|麻|苑|迟|邝")
NAME_RE = re.compile(f"(?P<surname>{SURNAMES})(?P<title>先生|女士|老师|师傅)(?!产|成|效)")
_N = f"[{_D}十百]+"
ADDRESS_RE = re.compile(
    f"(?:{_N}(?:栋|幢|座|号楼|楼)(?:{_N}单元)?{_N}室"  # 3栋2单元501室
    f"|{_N}(?:栋|幢|座|号楼){_N}单元"  # 3栋2单元
    f"|{_N}单元{_N}(?:室|号)"  # 2单元501室
    f"|(?:路|街|巷|弄|道|胡同|里){_N}号[^，,。；;\\n]{{0,12}}?{_N}室"  # 某路12号3楼301室
    f"|(?:小区|花园|公寓|大厦|新村|家园|社区|苑){_N}(?:期|区)?{_N}(?:栋|幢|座|号楼)"  # 某小区3栋
    f"|门牌(?:号码|号)?[ \t]*(?:为|是|[:：])?[ \t]*{_N})")


def find(text: str, allowed: frozenset[str] = frozenset()) -> list[Match]:
    """Every personal-data match in ``text``, in order; ``allowed`` holds digit strings and lower-case
    e-mail addresses that may appear (the publisher's contact channels)."""
    if not _worth_scanning(text):
        return []  # the pre-filter: nothing here can match
    norm = normalise(text)
    found: list[Match] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, m: Match, key: str = "") -> None:
        if any(m.start < b and a < m.end for a, b in taken):
            return
        if key and (key in allowed or key[-11:] in allowed):
            return
        taken.append((m.start, m.end))
        found.append(Match(kind, m.start, m.end, m.text, m.masked, key))

    for kind, start, end, hide, digits in _digit_matches(norm):
        add(kind, _masked(norm, start, end, hide), digits)
    _text_matches(norm, add)
    found.sort(key=lambda x: x.start)
    return found


class _Add(Protocol):
    """How the matchers report a match (the ``add`` of :func:`find`)."""

    def __call__(self, kind: str, m: Match, key: str = "") -> None: ...


def _text_matches(norm: Norm, add: _Add) -> None:
    """E-mail addresses, QQ and WeChat ids, plates, names and addresses (not made of digit runs)."""
    text = norm.text
    letters = bool(_ANY_LETTER_RE.search(text))
    lower = text.lower() if letters else ""
    if "@" in text or "艾特" in text or "at" in lower:
        _emails(norm, add)
    if "qq" in lower:
        for m in QQ_RE.finditer(text):
            add("qq", _masked(norm, m.start(), m.end(), list(range(m.start("id") + 2, m.end("id") - 2))))
    if letters and ("微信" in text or "信" in lower or "x" in lower or "wechat" in lower or "weixin" in lower):
        for m in WECHAT_RE.finditer(text):
            add("wechat", _masked(norm, m.start(), m.end(), list(range(m.start("id") + 1, m.end("id")))))
    if letters:
        for m in PLATE_RE.finditer(text):
            rest = m.group("rest")
            if sum(c.isdigit() for c in rest) < 3 or (m.group("letter") + rest).startswith(_STANDARD_PREFIXES):
                continue
            add("plate", _masked(norm, m.start(), m.end(), list(range(m.start("rest"), m.end("rest") - 2))))
    if "先生" in text or "女士" in text or "老师" in text or "师傅" in text:
        for m in NAME_RE.finditer(text):
            add("name", _masked(norm, m.start(), m.end(), list(range(m.start("surname"), m.end("surname")))))
    if "室" in text or "单元" in text or "门牌" in text or "栋" in text or "幢" in text or "号楼" in text:
        for m in ADDRESS_RE.finditer(text):
            hide = [i for i in range(m.start(), m.end()) if text[i] in NUMERALS or text[i] in "0123456789十百"]
            add("address", _masked(norm, m.start(), m.end(), hide))


def _emails(norm: Norm, add: _Add) -> None:
    text = norm.text
    for m in EMAIL_RE.finditer(text):
        local_hide = list(range(m.start("local") + 1, m.end("local")))
        match = _masked(norm, m.start(), m.end(), local_hide)
        a, _b = norm.span(m.start(), m.end())
        la, lb = norm.span(m.start("local"), m.end("local"))
        masked = norm.source[a:la + 1] + "***" + norm.source[lb: match.end]  # z***@example.com
        key = f"{m.group('local')}@{_DOMAIN_DOT_RE.sub('.', m.group('domain'))}".lower()
        add("email", Match("", match.start, match.end, match.text, masked), key)


def mask_text(text: str, matches: list[Match]) -> str:
    """``text`` with every match replaced by its mask (names by 某 and the title)."""
    out = []
    pos = 0
    for m in sorted(matches, key=lambda x: x.start):
        if m.start < pos:
            continue
        out.append(text[pos: m.start])
        out.append(_replacement(m))
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def _replacement(m: Match) -> str:
    if m.kind == "name":
        title = NAME_RE.fullmatch(normalise(m.text).text)
        return "某" + (title.group("title") if title else "")
    return m.masked


def contact_values(content: Content) -> frozenset[str]:
    """The publisher's own phone numbers and e-mail addresses (site.yaml and notices)."""
    contacts = [content.site.contact] if content.site else []
    contacts += [a.contact for a in content.announcements if a.contact]
    out = set()
    for c in contacts:
        for m in EMAIL_RE.finditer(normalise(c.email).text):
            out.add(f"{m.group('local')}@{_DOMAIN_DOT_RE.sub('.', m.group('domain'))}".lower())
        for part in NUMBER_SEPARATORS.split(c.phone):
            digits = "".join(ch for ch in normalise(part).text.translate(_TO_DIGIT) if ch.isdigit())
            if digits:
                out.add(digits)
                out.add(digits[-11:])
                national = "0" + digits[4:] if digits.startswith("0086") else "0" + digits[2:] if digits.startswith("86") else digits
                out.add(national)
                landline = _LANDLINE_RE.fullmatch(national) or _LANDLINE_3_RE.fullmatch(national)
                if landline:
                    out.add(landline.group("sub"))  # the same number written without its area code
    return frozenset(out)


# -- what is scanned ------------------------------------------------------------------------------

# fields that are not free text and cannot hold personal data
SKIP_FIELDS = {"sha256", "site_url"}
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 5000
TEXT_SUFFIXES = {".txt", ".csv", ".tsv", ".md", ".markdown", ".html", ".htm", ".xml", ".json", ".yaml", ".yml"}
FILE_NAME_FIELD = "文件名"
FILE_TEXT_FIELD = "文件内容"


@dataclass(frozen=True)
class Field:
    node: Node | None
    key: str  # the field's name on ``node`` (its line is node.at(key))
    path: str  # as shown in messages: history[2].note
    text: str
    where: Location | None = None  # for text that is not a node's field (file names, file content)


def public_text(content: Content, skip: frozenset[str] = frozenset()) -> Iterator[Field]:
    """Every public text value of the content, with where it was written: fields (ids and reference
    numbers too), the bodies and file names of reports and pages; the inspections, tasks, batches and notices of
    the item files named in ``skip`` left out."""
    items: list[tuple[Node, str]] = []
    if content.site:
        items.append((content.site, ""))
    items += [(r, f"regions[{i}].") for i, r in enumerate(content.regions)]
    items += [(d, f"documents[{i}].") for i, d in enumerate(content.documents)]
    items += [(x, "") for x in _item_files(content) if x.loc.file not in skip]
    items += [(x, "") for x in (*content.reports, *content.pages)]
    for node, prefix in items:
        yield from _walk(node, prefix)
    docs: tuple[Report | Page, ...] = (*content.reports, *content.pages)
    for doc in docs:
        yield Field(doc, "body", "body", doc.body)
        yield Field(None, "", FILE_NAME_FIELD, doc.slug, Location(doc.loc.file))


_SCANNED_FIELDS: dict[type, list[str]] = {}


def _scanned_fields(cls: type) -> list[str]:
    """The names of the fields of ``cls`` that are scanned (cached: the walk visits every node)."""
    if cls not in _SCANNED_FIELDS:
        _SCANNED_FIELDS[cls] = [f.name for f in content_fields(cls)
                                if f.name not in SKIP_FIELDS and f.metadata.get("kind") != "region"]
    return _SCANNED_FIELDS[cls]


def _walk(node: Node, prefix: str) -> Iterator[Field]:
    for key in _scanned_fields(type(node)):
        value = getattr(node, key)
        name = prefix + key
        if isinstance(value, Contact):
            continue  # contact channels are published on purpose
        if isinstance(value, str):
            yield Field(node, key, name, value)
        elif isinstance(value, Node):
            yield from _walk(value, name + ".")
        elif isinstance(value, dict):  # extra (其他信息): label → text, both published
            for label, item in value.items():
                yield Field(node, key, f"{name}.{label}", label)
                yield Field(node, key, f"{name}.{label}", item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield Field(node, key, f"{name}[{i}]", item)
                elif isinstance(item, Node):
                    yield from _walk(item, f"{name}[{i}].")


@dataclass(frozen=True)
class Finding:
    location: Location
    field: str
    match: Match

    @property
    def review(self) -> bool:
        """A name or address: a person decides, and acknowledges it in pii-reviewed.yaml."""
        return self.match.kind in REVIEW_KINDS


@dataclass
class Scan:
    findings: list[Finding] = field(default_factory=list)  # not acknowledged
    acknowledged: list[Finding] = field(default_factory=list)
    unscanned: list[tuple[Location, str]] = field(default_factory=list)  # document files that could not be read


def scan_content(content: Content) -> list[Finding]:
    """Every unacknowledged personal-data finding in what the content publishes."""
    return run_scan(content, read_reviewed(content)[0]).findings


def _item_files(content: Content) -> tuple[Node, ...]:
    """The items that are each one file's model (inspections, tasks, complaint batches, notices)."""
    return (*content.inspections, *content.tasks, *content.batches, *content.announcements)


def run_scan(content: Content, reviewed: list[Reviewed], clean: KeptValues | None = None) -> Scan:
    """Scan everything the content publishes. With ``clean``, an item file (a task, a batch, a notice) whose bytes
    were found without any match under the same contact values and code is not scanned again (issue 18: a
    rebuild scans the files that changed), and each file found so now is noted there. A file with a match, even
    one acknowledged in pii-reviewed.yaml, is scanned every time (the acknowledgement must stay in use)."""
    allowed = contact_values(content)
    marks = _clean_marks(content, allowed) if clean is not None else {}
    skip = frozenset(file for file, key in marks.items() if clean is not None and clean.get(key, bool))
    lines_of: dict[str, list[str]] = {}
    result = Scan()
    matched: set[str] = set()
    for f in public_text(content, skip):
        if not f.text:
            continue
        for m in find(f.text, allowed):
            if f.where is not None:
                location = f.where
            else:
                assert f.node is not None
                location = _line_of(content, f.node.at(f.key), m.text, lines_of)
            matched.add(location.file)
            _sort(result, Finding(location, f.path, m), reviewed, content)
    for finding in _document_findings(content, allowed, result):
        _sort(result, finding, reviewed, content)
    if clean is not None:
        for file, key in marks.items():
            if file not in skip and file not in matched:
                clean.put(key, True)
        clean.prune()
    return result


def _clean_marks(content: Content, allowed: frozenset[str]) -> dict[str, str]:
    """Each item file loaded under a load cache → the name of its mark of "scanned, nothing found": a digest of
    the file's cache key (the code and the file's bytes) and of the contact values that may appear."""
    files = {x.loc.file for x in _item_files(content)}
    return {file: fingerprint("no personal data", key, sorted(allowed))
            for file, key in content.sources.items() if file in files}


def _sort(result: Scan, finding: Finding, reviewed: list[Reviewed], content: Content) -> None:
    entry = next((r for r in reviewed if r.covers(finding, content)), None)
    if entry is not None:
        entry.used = True
        result.acknowledged.append(finding)
    else:
        result.findings.append(finding)


def _document_findings(content: Content, allowed: frozenset[str], result: Scan) -> Iterator[Finding]:
    """Findings in the names and the bytes of document files (content/documents/)."""
    folder = Path(content.root) / "documents"
    seen: set[str] = set()
    for d in content.documents:
        if not d.file or d.file in seen:
            continue
        seen.add(d.file)
        path = folder / d.file
        where = Location(_relative(content, path))
        for m in find(Path(d.file).name, allowed):
            yield Finding(where, FILE_NAME_FIELD, m)
        text = _document_text(Path(content.root), path, where, result)
        if text is None:
            continue
        for page, page_text in text:
            for m in find(page_text, allowed):
                line = page_text.count("\n", 0, m.start) + 1 if page == 0 else 0
                shown = FILE_TEXT_FIELD if page == 0 else f"{FILE_TEXT_FIELD}（第{page}页）"
                yield Finding(Location(where.file, line), shown, m)


def _relative(content: Content, path: Path) -> str:
    root = Path(content.root)
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _document_text(root: Path, path: Path, where: Location, result: Scan) -> list[tuple[int, str]] | None:
    """The text of a document file as (page, text): page 0 for a text file, 1… for PDF pages; None
    when there is no file or it cannot be read (then noted in ``result.unscanned``). A link that stays
    inside content/ is followed (its target is published); anything the load stage refuses (a link out of
    content/, a FIFO, a device) is not read here either."""
    from generator.load.reader import RefusedFile, read_content_file, safe_content_file

    if not os.path.lexists(path) or safe_content_file(root, path) is not None:
        return None  # a missing file is the integrity check's business, a refused one the load stage's
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES and suffix != ".pdf":
        return None  # images, office files: documented as not scanned
    try:
        raw = read_content_file(root, path, MAX_DOCUMENT_BYTES)
    except RefusedFile as exc:  # too large, or changed into something else since the check
        result.unscanned.append((where, exc.refusal.message))
        return None
    except OSError as exc:
        result.unscanned.append((where, f"无法读取（{os_error_reason(exc)}）"))
        return None
    if suffix == ".pdf":
        return _pdf_text(raw, where, result)
    text = _decode(raw)
    if suffix in (".html", ".htm", ".xml"):
        text = html.unescape(text)
    return [(0, text)]


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _pdf_text(raw: bytes, where: Location, result: Scan) -> list[tuple[int, str]] | None:
    import io

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    pages: list[tuple[int, str]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(raw))
            if reader.is_encrypted and not reader.decrypt(""):
                result.unscanned.append((where, "PDF 已加密"))
                return None
            for number, page in enumerate(reader.pages, start=1):
                if number > MAX_PDF_PAGES:
                    result.unscanned.append((where, f"超过 {MAX_PDF_PAGES} 页，其余页未检查"))
                    break
                pages.append((number, page.extract_text() or ""))
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors for damaged files
        result.unscanned.append((where, f"PDF 无法解析（{type(exc).__name__}）"))
        return None
    return pages


# -- content/pii-reviewed.yaml ----------------------------------------------------------------------

REVIEWED_FILE = "pii-reviewed.yaml"


@dataclass
class Reviewed:
    """One acknowledged finding: the file, the field and the text as written (or its SHA-256)."""

    line: int
    file: str
    field: str
    text: str
    sha256: str
    used: bool = False

    def covers(self, finding: Finding, content: Content) -> bool:
        if self.field != finding.field or self.file not in _file_names(finding.location.file, content):
            return False
        if self.text:
            return self.text == finding.match.text
        return hashlib.sha256(finding.match.text.encode("utf-8")).hexdigest() == self.sha256


def _file_names(file: str, content: Content) -> set[str]:
    """A finding's file as a publisher may name it: relative to content/ or with the folder's name."""
    parts = Path(file).parts
    names = {file}
    if parts[:1] == (Path(content.root).name,):
        names.add(Path(*parts[1:]).as_posix())
    return names


def read_reviewed(content: Content) -> tuple[list[Reviewed], Problems]:
    """The entries of content/pii-reviewed.yaml (none when there is no such file) and its problems."""
    from generator.load.yamlio import YAMLProblem, load_yaml

    problems = Problems()
    path = Path(content.root) / REVIEWED_FILE
    where = _relative(content, path)
    try:
        info = os.lstat(path)
    except OSError:
        return [], problems
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_DOCUMENT_BYTES:
        problems.add(Location(where), "", "不是普通文件或过大，无法读取", f"{REVIEWED_FILE} 应为一个 YAML 列表文件")
        return [], problems
    try:
        data = load_yaml(_decode(path.read_bytes()))
    except YAMLProblem as exc:
        problems.add(Location(where, exc.line), "", exc.message, exc.hint)
        return [], problems
    except OSError as exc:
        problems.add(Location(where), "", f"无法读取（{os_error_reason(exc)}）", "检查文件的读取权限")
        return [], problems
    if data is None:
        return [], problems
    if not isinstance(data, list):
        problems.add(Location(where, getattr(data, "line", 1)), "", "应为一个列表（每条以“- ”开头）",
                     _ENTRY_HINT)
        return [], problems
    entries = []
    for i, item in enumerate(data):
        line = data.item_lines[i] if hasattr(data, "item_lines") else 0
        entry = _entry(item, line, i, where, problems)
        if entry is not None:
            entries.append(entry)
    return entries, problems


_ENTRY_HINT = ("每条写 file（相对 content/ 的文件名）、field（报错中的字段名）、text（原文）或 sha256（报错中给出的摘要）、"
               "reviewed_by（审核人）、reason（理由），例如：- {file: complaints/1.yaml, field: complaints[0].summary, "
               "sha256: …, reviewed_by: 王某某, reason: 企业法定代表人，已公开}")


def _entry(item: object, line: int, i: int, where: str, problems: Problems) -> Reviewed | None:
    at = Location(where, line)
    if not isinstance(item, dict):
        problems.add(at, f"[{i}]", "应为一个映射（file、field、text 或 sha256、reviewed_by、reason）", _ENTRY_HINT)
        return None
    known = {"file", "field", "text", "sha256", "reviewed_by", "reason"}
    unknown = sorted(str(k) for k in item if k not in known)
    if unknown:
        problems.add(at, f"[{i}]", f"未知的键：{'、'.join(unknown)}", _ENTRY_HINT)
    values = {k: item.get(k) for k in known}
    missing = [k for k in ("file", "field", "reviewed_by", "reason") if not (isinstance(v := values[k], str) and v.strip())]
    if not (isinstance(values["text"], str) and values["text"]) and not (isinstance(values["sha256"], str) and values["sha256"]):
        missing.append("text 或 sha256")
    if missing:
        problems.add(at, f"[{i}]", f"缺少 {'、'.join(missing)}", _ENTRY_HINT)
        return None
    digest = values["sha256"].strip().lower() if isinstance(values["sha256"], str) else ""
    if digest and not re.fullmatch(r"[0-9a-f]{64}", digest):
        problems.add(at, f"[{i}].sha256", "不是 64 位十六进制的 SHA-256 摘要", "复制报错提示中给出的 sha256 值")
        return None
    text = values["text"] if isinstance(values["text"], str) else ""
    return Reviewed(line, str(values["file"]).strip(), str(values["field"]).strip(), text, digest)  # str: not missing


# -- problems -----------------------------------------------------------------------------------------


def scan(content: Content, problems: Problems, clean: KeptValues | None = None) -> None:
    """Add a problem for every unacknowledged personal-data value in what the content publishes, for
    every entry of pii-reviewed.yaml that matches nothing, and log documents that could not be scanned.
    ``clean``: the item files found without personal data by earlier builds (:func:`run_scan`)."""
    reviewed, reviewed_problems = read_reviewed(content)
    problems.extend(reviewed_problems)
    result = run_scan(content, reviewed, clean)
    for f in result.findings:
        _report(f, content, problems)
    reviewed_name = _relative(content, Path(content.root) / REVIEWED_FILE)
    for entry in reviewed:
        if not entry.used:
            problems.add(Location(reviewed_name, entry.line), "", f"这一条（{entry.file} 的 {entry.field}）已不对应任何待确认的内容",
                         f"内容已改过或已删去：从 {REVIEWED_FILE} 中删去这一条，以免清单过时")
    for where, why in result.unscanned:
        log.warning("%s: 未能检查个人信息：%s；请人工确认该文件不含个人信息", where, why)


def _masked_location(location: Location) -> Location:
    """The location with personal data in its file name masked (content/pages/138****5678.md)."""
    found = find(location.file)
    return Location(mask_text(location.file, found), location.line) if found else location


def _report(f: Finding, content: Content, problems: Problems) -> None:
    m = f.match
    f = Finding(_masked_location(f.location), f.field, m)
    if m.kind not in REVIEW_KINDS:
        problems.add(f.location, f.field, f"疑似{LABELS_ZH[m.kind]}：{m.masked}",
                     f"不得公开个人信息：删去或改写为 {m.masked}（portal check --fix-pii 新文件夹 可生成已遮盖的副本）")
    else:
        digest = hashlib.sha256(m.text.encode("utf-8")).hexdigest()
        file = min(_file_names(f.location.file, content), key=len)
        problems.add(f.location, f.field, f"疑似个人信息（{LABELS_ZH[m.kind]}）：{m.masked}，须人工确认",
                     f"若确属个人信息，删去或改为“{_replacement(m) if m.kind == 'name' else m.masked}”；"
                     f"若确认可以公开，在 content/{REVIEWED_FILE} 中加一条："
                     f"- {{file: {file}, field: \"{f.field}\", sha256: {digest}, reviewed_by: 审核人, reason: 可以公开的理由}}")


def _line_of(content: Content, where: Location, text: str, cache: dict[str, list[str]]) -> Location:
    """The line where ``text`` is actually written, at or after the field's line (block scalars and
    Markdown bodies span many lines); the field's line if it cannot be found."""
    if where.file not in cache:
        path = Path(content.root).parent / where.file
        try:
            cache[where.file] = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        except (OSError, UnicodeDecodeError):
            cache[where.file] = []
    lines = cache[where.file]
    for i in range(max(where.line - 1, 0), len(lines)):
        if text in lines[i]:
            return Location(where.file, i + 1)
    return where


def write_masked_copy(source: Path, target: Path, findings: list[Finding]) -> list[tuple[str, str]]:
    """Copy the content folder ``source`` to ``target`` (which must not exist) and mask every finding
    in the copy, in the characters as written. Returns (file, masked value) for each replacement.
    ``source`` is not changed. Findings in file names and in document files are left for the
    publisher (a document must be replaced by a redacted one and registered with its new hash)."""
    shutil.copytree(source, target, symlinks=True)
    done: list[tuple[str, str]] = []
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        if f.field == FILE_NAME_FIELD or f.field.startswith(FILE_TEXT_FIELD):
            continue
        by_file.setdefault(f.location.file, []).append(f)
    for name, items in sorted(by_file.items()):
        rel = Path(name).relative_to(Path(source.name)) if Path(name).parts[:1] == (source.name,) else Path(name)
        path = target / rel
        raw = path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        for f in sorted(items, key=lambda x: -len(x.match.text)):
            if f.match.text in text:
                replacement = _replacement(f.match)
                text = text.replace(f.match.text, replacement)
                done.append((name, replacement))
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return done

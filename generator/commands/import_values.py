"""Cell values of ``portal import``: the text of one cell → the value the content format writes.

Each parser takes a cell (text, number or date, as the sheet holds it) and gives ``(value, "")`` or
``(None, why)``, ``why`` a message in Chinese: whole numbers and penalty counts (a unit after the number
is allowed: 3家), fines in 万元 (a column in 元 is converted), dates, deadlines (a date, a year, a month,
长期坚持, 立行立改), the phrases of 整改进展 (:func:`parse_progress`), and batch numbers (第十七批,
:func:`chinese_number`). :func:`split_units` and :func:`split_ref` split a cell that holds several
units or refs; :class:`RegionNames` finds regions.yaml's codes for region names. The spellings are data
in :mod:`generator.load.import_vocab`; every number is bounded (:data:`MAX_NUMBER`, :data:`MAX_COUNT`,
:data:`MAX_FINES`, :data:`YEARS`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import re
from typing import Any

from generator.commands.import_sheet import text
from generator.load import import_vocab as vocab
from generator.load.text import shown
from generator.models import Region

SEPARATORS = re.compile(r"[、，,；;/／\n]+")
MAX_NUMBER = 9999  # 序号, and --batch
MAX_COUNT = 1_000_000  # 责令整改, 立案处罚, 约谈, 问责
MAX_FINES = decimal.Decimal(10_000_000)  # 罚款金额 in 万元 (1,000 亿元)
FINE_PLACES = 6  # decimals of 万元 kept (0.01 元)
YEARS = (1990, 2100)  # years of a 整改时限, as the content format accepts them
ASCII_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")  # full-width digits, as a Chinese IME types them


def ascii_digits(value: Any) -> str:
    """The cell's text without spaces, full-width digits as ASCII (other Unicode digits stay, and fail)."""
    return re.sub(r"\s", "", text(value)).translate(ASCII_DIGITS)


def parse_whole(value: Any, low: int, high: int) -> tuple[int | None, str]:
    s = ascii_digits(value)
    if not re.fullmatch(r"[0-9]+", s):
        return None, f"“{shown(s)}”不是整数（整数只能用数字 0-9 书写）"
    if len(s) > 15 or not low <= int(s) <= high:
        return None, f"{shown(s)} 超出允许的范围（{low}–{high:,}）"
    return int(s), ""


def parse_count(value: Any) -> tuple[int | None, str]:
    """A penalty count; a unit after the number (3家, 2人次) is allowed."""
    s = ascii_digits(value)
    m = re.fullmatch(rf"([0-9]+)(?:{'|'.join(vocab.UNITS[2:])})", s)
    return parse_whole(m[1] if m else value, 0, MAX_COUNT)


def parse_fines(value: Any, unit: str = "万元") -> tuple[str | None, str]:
    """罚款金额 as the YAML number in 万元 to write; ``unit`` is the column's (元 or 万元), a unit written
    after the number in the cell wins."""
    if isinstance(value, float):
        value = round(value, FINE_PLACES + (4 if unit == "元" else 0))  # a computed cell: 0.30000000000000004
    s = ascii_digits(value)
    m = re.fullmatch(r"(.*?)(万元|元)", s)
    if m and m[1]:
        s, unit = m[1], m[2]
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", s):
        return None, f"“{shown(s)}”不是数字（只能用数字 0-9 和小数点书写，单位{unit or '万元'}）"
    amount = decimal.Decimal(s) if len(s) <= 40 else MAX_FINES * 10_000 + 1
    if unit == "元":
        amount = amount / 10_000
    if amount > MAX_FINES:
        return None, f"{shown(s)} {unit or '万元'}超出允许的范围（0–{MAX_FINES:,} 万元）"
    if amount != round(amount, FINE_PLACES):
        return None, f"{shown(s)} 的小数超过 {FINE_PLACES} 位（万元保留到 6 位小数，即 0.01 元）"
    return f"{amount.normalize():f}", ""


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(s: str) -> int | None:
    """17 from 17, １７ or 十七 (一百零二 = 102); None when it is not such a number."""
    s = s.translate(ASCII_DIGITS)
    if re.fullmatch(r"[0-9]{1,6}", s):
        return int(s)
    if not s or len(s) > 8 or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in s):
        return None
    total = digit = 0
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
    return total + digit


BATCH_RE = re.compile(r"第\s*([0-9０-９零〇一二两三四五六七八九十百千]{1,8})\s*批")
REF_BATCH_RE = re.compile(r"^\s*第\s*([0-9０-９零〇一二两三四五六七八九十百千]{1,8})\s*批[\s:：,，、]*")


def batch_cell(value: str) -> int | None:
    """The batch a 批次 cell names: 19, 第19批, 第十九批; None when it names none."""
    s = ascii_digits(value)
    m = BATCH_RE.fullmatch(s)
    return chinese_number(m[1] if m else s)


def split_ref(value: str) -> tuple[int | None, list[str]]:
    """「第31批 D3GS202312200043」 → (31, [ref]); 「D1、D2」 → (None, [D1, D2]): the batch a 受理编号 cell
    names in front, and the numbers it holds (several are joined by 、 , ， ; or spaces)."""
    batch = None
    m = REF_BATCH_RE.match(value)
    if m:
        batch = chinese_number(m[1])
        value = value[m.end():]
    return batch, [p for p in re.split(r"[、，,；;\s]+", value) if p]


def split_units(value: str) -> list[str]:
    """A cell of units or regions split on 、，,；; and line breaks, but not inside brackets:
    「各县（市、区）人民政府、市生态环境局」 is two units."""
    out, depth, current = [], 0, ""
    for ch in value:
        if ch in "（(【[〔":
            depth += 1
        elif ch in "）)】]〕":
            depth = max(depth - 1, 0)
        if depth == 0 and ch in "、，,；;/／\n":
            out.append(current)
            current = ""
        else:
            current += ch
    out.append(current)
    return [u.strip() for u in out if u.strip()]


def unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def parse_date(value: Any) -> tuple[dt.date | None, str]:
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    s = ascii_digits(value)
    m = re.fullmatch(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?前?", s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), ""
        except ValueError:
            return None, f"“{shown(s)}”不是存在的日期"
    return None, f"“{shown(s)}”不是日期（写作 2023-12-31）"


def parse_deadline(value: Any) -> tuple[Any, str]:
    """A date, a year (int), 长期坚持 or 立行立改, as the content format writes them."""
    deadline, why = _deadline(value)
    if why or deadline is None or isinstance(deadline, str):
        return deadline, why
    year = deadline if isinstance(deadline, int) else deadline.year
    if not YEARS[0] <= year <= YEARS[1]:
        return None, f"{year} 年不在 {YEARS[0]}–{YEARS[1]} 年之间"
    return deadline, ""


def _deadline(value: Any) -> tuple[Any, str]:
    s = ascii_digits(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return parse_date(value)
    word = vocab.DEADLINE_WORDS.get(re.sub(r"[，,、；;。]", "", s))
    if word:
        return word, ""
    m = re.fullmatch(r"([0-9]{4})年?(?:年底|底|12月底)?前?", s)
    if m and (s.endswith(("底", "底前", "年", "年前")) or s == m[1]):
        return int(m[1]), ""
    m = re.fullmatch(r"([0-9]{4})年([0-9]{1,2})月底?前?", s)
    if m and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        if not 1 <= y:
            return None, f"“{shown(s)}”不是整改时限"
        return dt.date(y, mo, calendar.monthrange(y, mo)[1]), ""
    day, _ = parse_date(s)
    if day:
        return day, ""
    return None, f"“{shown(s)}”不是整改时限"


def parse_progress(value: Any) -> tuple[Any, str]:
    """(status, on_schedule) from the phrases of :data:`generator.load.import_vocab.PROGRESS` in 整改进展. A
    close-out (销号, 已验收) needs a notice and is recorded in the task file after import; 完成交账销号 is
    read as 已完成 (待验收), its close-out likewise recorded later."""
    s = text(value)
    if not s:
        return ("", None), ""
    compact = re.sub(r"\s", "", s)
    hit = next(((status, on) for words, status, on in vocab.PROGRESS if words in compact), None)
    if ("销号" in compact or "已验收" in compact) and "完成交账销号" not in compact:
        return None, f"“{shown(s)}”：验收和销号须经公示，导入后在任务文件中另行记录，不能由导入写入"
    if hit:
        return hit, ""
    return None, f"“{shown(s)}”看不出整改进展（应含 已完成、达到序时进度、未达到序时进度、整改中、长期坚持、未启动 等说法）"


# --- region names ----------------------------------------------------------------------------

class RegionNames:
    def __init__(self, regions: list[Region]):
        self.regions = regions
        by_code = {r.code: r for r in regions}
        self.names: dict[str, list[str]] = {}
        for r in regions:
            keys = {r.name}
            parent = by_code.get(r.parent)
            if parent and r.name.startswith(parent.name) and len(r.name) > len(parent.name):
                keys.add(r.name[len(parent.name):])  # 江川市河口县 is also written 河口县
            for k in keys:
                self.names.setdefault(k, []).append(r.code)
        self.roots = [r.code for r in regions if not r.parent]

    def lookup(self, name: str) -> tuple[str | None, str]:
        """(code, "") or (None, why)."""
        name = re.sub(r"\s", "", name)
        if re.fullmatch(r"\d{6}", name) and any(r.code == name for r in self.regions):
            return name, ""
        codes = self.names.get(name)
        if not codes:  # 江川省江川市河口县: the longest known name it ends with
            ends = sorted((k for k in self.names if name.endswith(k)), key=len, reverse=True)
            codes = self.names[ends[0]] if ends else None
        if not codes:
            return None, f"“{shown(name)}”不是 regions.yaml 中的行政区域"
        if len(codes) > 1:
            return None, f"“{shown(name)}”对应几个行政区域（{'、'.join(sorted(codes))}）：请写全称或区域代码"
        return codes[0], ""

    def within(self, units: list[str]) -> list[str]:
        """Regions named inside unit names (南溪市溪口县人民政府 → 溪口县), the most specific ones."""
        found: dict[str, int] = {}
        for unit in units:
            for key, codes in self.names.items():
                if len(codes) == 1 and key in unit:
                    found[codes[0]] = max(found.get(codes[0], 0), len(key))
        by_code = {r.code: r for r in self.regions}
        parents = {by_code[c].parent for c in found if c in by_code}
        return sorted(c for c in found if c not in parents)

"""What ``portal import`` knows about the tables provinces really keep as data.

Every table here is read by :mod:`generator.commands.importer` and by the check of import profiles
(:mod:`generator.load.profiles`, run by ``portal check``: hence the load stage); none of it is code. A header
cell is compared by :func:`norm_header`: without spaces, line breaks, brackets and a unit in brackets or at the end
(「罚款金额（万元）」, 「问题\\n类型」 and 「罚款金额」 compare equal); the unit itself is read by
:func:`header_unit` (fines in 元 are converted to 万元).

- :data:`COLUMNS`: per kind of table, the content field → the header spellings seen in published tables.
- :data:`IGNORED`: columns left out ON PURPOSE, each with the reason (the import prints it as a warning).
  A column named nowhere here stops the import (``--force`` leaves it out and says so).
- :data:`PERSONAL`: words that mark a column holding personal data; such a column is refused by name
  (``--force``: dropped with a warning) and never read.
- Value synonyms: :data:`SUBSTANTIATED`, :data:`POLLUTION_TYPES`, :data:`COMPLAINT_STATUS`,
  :data:`PRIORITY`, :data:`CHANNELS` (also the section rows 「来电」/「来信」), :data:`PROGRESS`,
  :data:`DEADLINE_WORDS`, :data:`EMPTY_NUMBERS`.

The mapping of old-round pollution labels onto the ten content types (models.PollutionType) is:
扬尘, 油烟, 恶臭, 异味, 废气 → 大气 (air pollutants); 垃圾, 固体废物, 危险废物, 危废 → 固废; 重金属 → 土壤 (the
national heavy-metal programme is soil-led; a case on water says so in its text); 综合类, 其它 → 其他;
生态 → 生态破坏; 辐射, 电磁辐射 → 核与辐射. A suffix 污染 or 类 is dropped first (噪声污染 → 噪声, 水污染 → 水). 噪音 is NOT
a synonym: the content format writes 噪声, and a 噪音 in a table is reported so that it is corrected at its source.
"""

from __future__ import annotations

import re
from typing import Any

# --- headers ---------------------------------------------------------------------------------------

UNITS = ("万元", "元", "家次", "件次", "人次", "户次", "家", "件", "人", "个", "起", "次", "宗", "户")
_BRACKETS = r"()（）\[\]【】〔〕<>《》"
_BRACKET_CHARS = re.compile(rf"[{_BRACKETS}]")
_UNIT_IN_BRACKETS = re.compile(rf"[（(【\[〔]\s*(?:{'|'.join(UNITS)})\s*[）)】\]〕]")


def norm_header(value: Any) -> str:
    """A header cell as compared: no spaces or line breaks, no unit in brackets, no brackets."""
    s = "".join(("" if value is None else str(value)).split())  # every white space, as r"\s" matches it
    s = _UNIT_IN_BRACKETS.sub("", s)
    return _BRACKET_CHARS.sub("", s)


def header_unit(value: Any) -> str:
    """The unit a header names in brackets (「罚款金额（元）」 → 元), or ""."""
    m = re.search(rf"[（(【\[〔]\s*({'|'.join(UNITS)})\s*[）)】\]〕]", re.sub(r"\s", "", "" if value is None else str(value)))
    return m[1] if m else ""


# content field → header spellings, for each kind of table (the first spelling is the one messages name)
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "complaints": {
        "ref": ("受理编号", "信访编号", "举报编号", "件号", "交办编号", "转办编号"),
        "summary": ("交办问题基本情况", "问题基本情况", "举报内容", "信访内容", "反映问题", "交办问题", "群众反映问题",
                    "反映的主要问题", "举报问题", "信访举报问题"),
        "region": ("行政区域", "所属区域", "所在地区", "所属地区", "所在地", "区域", "地区", "属地", "涉及地区", "行政区划",
                   "所属市县区", "责任地区"),
        "types": ("污染类型", "问题类型", "污染类别", "举报类型", "类型", "问题类别"),
        "findings": ("调查核实情况", "督察期间调查核实情况", "核查情况", "调查情况", "调查核实结果", "核实情况"),
        "substantiated": ("是否属实", "属实情况", "核实结果"),
        "handling": ("处理和整改情况", "处理整改情况", "督察期间处理情况", "最新整改情况", "处理情况", "整改情况",
                     "办理情况说明", "督察期间处理和整改情况", "处理结果"),
        "accountability": ("责任追究情况", "责任人被处理情况", "问责情况", "处理处罚和问责情况", "追责问责情况"),
        "status": ("办结状态", "是否办结", "办理情况", "办结情况", "办理状态", "办理进度"),
        "channel": ("受理方式", "来源", "举报方式", "来源方式", "信访方式", "举报渠道"),
        "priority": ("重点关注", "是否重点件", "重点件", "是否重点"),
        "orders": ("责令整改家次", "责令整改"),
        "fines_wan_yuan": ("罚款金额万元", "罚款金额", "罚款万元", "罚款"),
        "cases": ("立案处罚件", "立案处罚", "立案处罚家"),
        "interviews": ("约谈人次", "约谈"),
        "accountable_persons": ("问责人次", "问责", "问责人数"),
        "batch": ("批次", "交办批次", "转办批次"),
        "forwarded_on": ("交办日期", "交办时间", "转办日期", "转办时间"),
        "number": ("序号", "编号"),
    },
    "tasks": {
        "number": ("序号", "编号", "任务序号"),
        "problem": ("督察反馈问题", "反馈问题", "问题", "存在问题", "督察发现问题", "反馈意见问题", "问题清单"),
        "target": ("整改目标", "办结目标"),
        "measures": ("整改措施", "整改目标及整改措施", "主要措施", "具体措施"),
        "lead_units": ("牵头责任单位", "牵头单位"),
        "responsible_units": ("责任单位", "配合单位", "责任主体", "整改责任单位"),
        "supervising_units": ("督导单位", "督办单位", "督导部门"),
        "acceptance_unit": ("验收销号单位", "验收单位"),
        "deadline": ("整改时限", "完成时限", "时限", "整改期限"),
        "progress": ("整改进展", "整改进展情况", "进展情况", "整改情况", "完成情况", "整改落实情况"),
        "title": ("任务名称", "标题"),
        "regions": ("涉及地区", "行政区域"),
    },
}

# columns left out on purpose: header spelling → why (shown in the import's warning)
_BOOKKEEPING = "办理过程的内部记录，不是公开字段"
IGNORED: dict[str, dict[str, str]] = {
    "complaints": {
        "办结目标": "办结目标没有对应的公开字段（办结状态和处理情况已公开）",
        "整改目标及整改措施": "整改目标和措施属于整改任务清单，投诉件只公开处理和整改情况",
        "是否重复": _BOOKKEEPING,
        "重复关联件编号": "关联件编号不公开（每件以自己的受理编号公开）",
        "合并编号": _BOOKKEEPING,
        "轮次": "轮次由 site.yaml 的 inspection 说明，不逐件记录",
        "验收情况": "投诉件没有验收字段；验收写在整改任务的历史中",
        "原始排序编码": _BOOKKEEPING,
        "牵头责任单位": "投诉件不公开责任单位（行政区域已公开）",
        "责任单位": "投诉件不公开责任单位（行政区域已公开）",
        "立案侦查": "内容格式的处罚统计只有责令整改、罚款、立案处罚、约谈、问责五项",
        "行政拘留": "内容格式的处罚统计只有责令整改、罚款、立案处罚、约谈、问责五项",
        "刑事拘留": "内容格式的处罚统计只有责令整改、罚款、立案处罚、约谈、问责五项",
        "备注": "备注是办理单位的内部说明，不逐件公开",
    },
    "tasks": {
        "备注": "任务清单的备注不公开",
        "是否重点件": _BOOKKEEPING,
        "轮次": "轮次由 site.yaml 的 inspection 说明，不逐项记录",
        "原始排序编码": _BOOKKEEPING,
        "验收情况": "验收写在任务的历史中（需要公示），不从表格导入",
        "分类": "任务分类不是公开字段",
        "问题类别": "任务分类不是公开字段",
    },
}

# a header containing one of these words holds personal data: refused by name, never read
PERSONAL: tuple[str, ...] = ("联络人", "联系人", "联系电话", "联系方式", "电话", "手机", "身份证", "举报人", "投诉人",
                             "来电人", "来信人", "信访人", "来访人", "姓名", "住址", "微信", "QQ", "邮箱", "电子邮件")

# --- values -----------------------------------------------------------------------------------------

SUBSTANTIATED: dict[str, str] = {"属实": "属实", "基本属实": "基本属实", "部分属实": "部分属实", "不属实": "不属实",
                                 "是": "属实", "否": "不属实"}

POLLUTION_SUFFIXES = ("污染", "类")
POLLUTION_TYPES: dict[str, str] = {
    **{t: t for t in ("大气", "水", "噪声", "固废", "土壤", "生态破坏", "农业农村", "海洋", "核与辐射", "其他")},
    "扬尘": "大气", "油烟": "大气", "餐饮油烟": "大气", "恶臭": "大气", "异味": "大气", "废气": "大气", "空气": "大气",
    "垃圾": "固废", "固体废物": "固废", "危险废物": "固废", "危废": "固废", "固体废弃物": "固废",
    "重金属": "土壤",
    "综合": "其他", "综合类": "其他", "其它": "其他",
    "生态": "生态破坏", "生态环境破坏": "生态破坏",
    "农业": "农业农村", "农村": "农业农村",
    "辐射": "核与辐射", "电磁辐射": "核与辐射", "核辐射": "核与辐射",
    "水体": "水", "废水": "水",
}

COMPLAINT_STATUS: dict[str, str] = {
    "已办结": "done", "办结": "done", "已销号": "done", "已完成": "done", "完成": "done",
    "阶段性办结": "partly_done", "部分办结": "partly_done",
    "正在办理": "handling", "办理中": "handling", "未办结": "handling", "正在整改": "handling", "整改中": "handling",
    # a column 是否办结
    "是": "done", "否": "handling",
}

PRIORITY: dict[str, bool] = {"是": True, "否": False, "": False, "重点": True, "重点件": True, "√": True}

CHANNELS: dict[str, str] = {"来电": "phone", "电话": "phone", "电话举报": "phone", "来信": "letter", "信件": "letter",
                            "来信举报": "letter", "网络": "online", "网上": "online", "网络举报": "online", "微信": "online"}
REF_CHANNEL: dict[str, str] = {"D": "phone", "X": "letter", "W": "online"}  # the first letter of a 受理编号

# 整改进展 phrases: (words, status, on_schedule); the first that occurs in the text wins
PROGRESS: tuple[tuple[str, str, Any], ...] = (
    ("未达到序时进度", "in_progress", False),
    ("超过序时进度", "in_progress", True),
    ("达到序时进度", "in_progress", True),
    ("完成交账销号", "completed", None),  # the close-out itself needs a notice: recorded after import
    ("长期坚持", "ongoing", None),
    ("尚未启动", "planned", None),
    ("未启动", "planned", None),
    ("未完成", "in_progress", None),
    ("已完成", "completed", None),
    ("完成整改", "completed", None),
    ("整改中", "in_progress", None),
    ("推进中", "in_progress", None),
    ("正在整改", "in_progress", None),
    ("序时推进", "in_progress", True),
)

# 整改时限 words (spaces and punctuation removed): the content format's word
DEADLINE_WORDS: dict[str, str] = {"长期坚持": "长期坚持", "立行立改": "立行立改", "立行立改长期坚持": "长期坚持",
                                  "持续推进": "长期坚持", "长期": "长期坚持"}

# a count or amount written as one of these is empty (not 0)
EMPTY_NUMBERS = frozenset({"/", "／", "-", "—", "——", "－", "无", "\\"})

# a piece of a region cell that names a body, not a region (城固县、市生态环境局): ignored unless it names a region
BODY_SUFFIXES = ("局", "厅", "委", "办", "院", "政府", "公司", "中心", "站", "所", "队", "部", "会", "处", "科", "室", "署",
                 "集团", "管委会", "指挥部", "街道办事处")

# rows between the header and the data that are not items: 「来电」/「来信」 set the channel of the rows below
SECTION_RE = re.compile(r"^(来电|来信|网络|电话|信件|网上)(?:举报|件|类)?(?:[（(].*[）)])?$")


def is_personal(header: str) -> bool:
    """Whether a (normalised) header names personal data: it contains one of :data:`PERSONAL`."""
    return any(word.lower() in header.lower() for word in PERSONAL)

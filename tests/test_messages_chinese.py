"""Every message `portal check` gives a publisher about content is in Chinese (issue 14, "For clerks").

Two content folders, built from the `mini` fixture, hold many kinds of mistakes: one where the
loaded content can be checked (every mistake of the load stage in its own file, and every rule of the
check stage), one with a broken site.yaml (bad link, e-mail, phone, wrong type). For every problem line
printed, the test asserts that it names file and line, and that its message and hint, once the field
path, quoted values, code points, file names, option names and the identifiers of the content
contract (field names, fixed values, the ids written in the content) are taken out, hold no run of
three or more ASCII letters except a short list of names that have no Chinese form (:data:`ALLOWED`).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest
from conftest import check, edit

from generator import models
from generator.errors import ContentError, Location, Problem

# Names that stay as they are in a Chinese message, each for a reason:
ALLOWED = {
    "YAML",  # the format of the content files; it has no Chinese name
    "UTF-8",  # the name of the encoding a publisher picks when saving a file
    "GBK",  # the name of the encoding a spreadsheet program saves Chinese text in, as the publisher sees it
    "YYYY-MM-DD",  # the date notation of the content contract (docs/content-format.md)
    "portal", "check",  # the command a publisher types: portal check --fix-pii …
    "true", "false",  # the two values YAML reads as yes and no; a publisher writes them as they are
    "Word",  # the program text is often copied from, carrying invisible characters along
}


def _contract_names() -> set[str]:
    """Field names and fixed values (statuses, channels …) of the content contract: words a publisher writes."""
    names: set[str] = set()
    for obj in vars(models).values():
        if dataclasses.is_dataclass(obj) and isinstance(obj, type):
            for f in models.content_fields(obj):
                names.add(f.name)
    for hint in (models.TaskStatus, models.ComplaintStatus, models.Channel, models.OutcomeResult):
        names.update(typing.get_args(hint))
    return names


CONTRACT = _contract_names()
IDS = {"doc-plan", "doc-accept", "doc-acept", "T-1", "T-2", "T-3", "T-4", "T-5", "T-6", "T_6", "N-1", "N-2", "N-9"}
PROBLEM = re.compile(r"^(?P<file>content/[^:\s]+):(?P<line>\d+): (?P<rest>.*)$")
FIELD = re.compile(r"^(?P<field>[A-Za-z_\[][A-Za-z0-9_\[\].]*): ")
SUMMARY = re.compile(r"^content 中有 (\d+) 处问题；未发布任何内容。$")
HINT = "    提示："
_ASCII = r"(?<![A-Za-z0-9_])"  # Python's \b counts Chinese characters as word characters
STRIP = [
    re.compile(r"U\+[0-9A-F]{4,6}(?:（[A-Z0-9 -]+）)?"),  # a code point, with its Unicode name
    re.compile(r"https?://\S*"),  # a link given as an example or a value, or the start one must have
    re.compile(r"[A-Za-z0-9_.+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}"),  # an e-mail address given as an example
    re.compile(r"'[^'\n]*'"),  # a value as written ('五天'), through shown()
    re.compile(r'"[^"\n]*"'),
    re.compile(r"[A-Za-z0-9_.\-]*/[A-Za-z0-9_./\-]*"),  # a path: content/documents/, tasks/, docs/content-format.md
    re.compile(_ASCII + r"[A-Za-z0-9_\-]+\.(?:yaml|md|txt)(?![A-Za-z0-9_])"),  # a file name: site.yaml
    re.compile(_ASCII + r"--[a-z][a-z-]*"),  # an option: --as-of, --fix-pii
]


def english_words(text: str) -> list[str]:
    """Runs of 3+ ASCII letters in ``text`` that are not values, paths, code points or names of the contract."""
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    words = re.findall(_ASCII + r"[A-Za-z][A-Za-z0-9_\-]*", text)
    kept = [w for w in words if w not in CONTRACT and w not in IDS and w not in ALLOWED]
    return [w for w in kept if re.search(r"[A-Za-z]{3,}", w)]


def test_the_checker_finds_english() -> None:
    """The checker itself: English words are found, values, paths, fields and code points are not."""
    assert english_words("'五天' is not a date") == ["not"]  # "date" is a field name
    assert english_words("did you mean 'target'?") == ["did", "you", "mean"]
    assert english_words("'in_progress' 不能变为 'planned'；写 correction: <理由>") == []
    assert english_words("含有不可见的字符 U+202E（RIGHT-TO-LEFT OVERRIDE）：第 3 个字符") == []
    assert english_words("见 docs/content-format.md 和 site.yaml；用 --as-of 构建") == []
    assert english_words("nothing was published") == ["nothing", "was", "published"]
    assert english_words("YAML syntax error") == ["syntax", "error"]


def parse(err: str) -> tuple[list[tuple[str, str, str]], str]:
    """(problem line, message, hint) for each problem printed, and the summary line."""
    lines = err.rstrip("\n").split("\n")
    problems: list[list[str]] = []
    for text in lines[:-1]:
        if text.startswith(HINT):
            assert problems, f"a hint without a problem: {text!r}"
            assert not problems[-1][2], f"two hints for one problem: {text!r}"
            problems[-1][2] = text[len(HINT):]
        else:
            problems.append([text, "", ""])
    out = []
    for item in problems:
        match = PROBLEM.match(item[0])
        assert match, f"a problem line must start with content/<file>:<line>: {item[0]!r}"
        assert int(match["line"]) >= 1, item[0]
        rest = match["rest"]
        field = FIELD.match(rest)
        names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", field["field"]) if field else []
        if field and set(names[:-1]) <= CONTRACT:  # the last name may be one the publisher wrote (titel: 未知的字段)
            rest = rest[field.end():]
        out.append((item[0], rest, item[2]))
    return out, lines[-1]


def _write(content: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    (content / name).write_bytes(text.encode(encoding))


def checkable(content: Path) -> Path:
    """Mistakes of the load stage, each in a file of its own, and of the check stage in files that load."""
    # load stage
    _write(content, "tasks/T-3.yaml",  # an unknown field close to a known one; so the required title is missing
           'id: T-3\nnumber: 3\ntitel: 某任务\nproblem: 问题。\nresponsible_units: [乙市人民政府]\nregions: ["990200"]\n'
           "deadline: 2024-06-30\n")
    _write(content, "tasks/T-4.yaml",  # wrong types, impossible dates, a wrong status value
           'id: T-4\nnumber: 第四项\ntitle: 某任务\nproblem: 问题。\nresponsible_units: 乙市人民政府\nregions: ["990200"]\n'
           "deadline: 2024-02-30\nhistory:\n  - {date: 2023-13-01, status: in_progress}\n  - {date: 明年, status: 完成了}\n"
           "  - {date: 2024-01-01, status: in_progress, on_schedule: 是}\nmeasures: {a: b}\n")
    _write(content, "tasks/T-5.yaml",  # a bad id, a bad region code, a deadline that is none
           'id: T_5\nnumber: 5\ntitle: 某任务\nproblem: 问题。\nresponsible_units: [乙市人民政府]\nregions: ["99020"]\n'
           "deadline: 尽快\n")
    _write(content, "tasks/T-6.yaml",  # a YAML syntax error
           'id: T-6\nnumber: 6\ntitle: 某任务\nproblem: 问题。\ntarget: 完成: 园区\nregions: ["990200"]\n')
    _write(content, "tasks/T-7.yaml", "id：T-7\nnumber: 7\n")  # a full-width colon
    _write(content, "tasks/T-8.yaml", "id: T-8\ntitle: 甲市某工程\n", encoding="gbk")  # not UTF-8
    _write(content, "complaints/3.yaml",  # a refused character, an empty list item, an unknown channel, a field twice
           "batch: 3\nforwarded_on: 2021-06-01\ncomplaints:\n"
           '  - {ref: D2CS202106010001, channel: 电话, region: "990102", types: [大气], summary: "异味\\u202e扰民", status: done}\n'
           '  - ref: D2CS202106010002\n    channel: phone\n    region: "990102"\n    types:\n      -\n'
           "    summary: 噪声\n    status: done\n    status: done\n    penalties: {orders: 一家}\n")
    _write(content, "announcements/N-2.yaml",  # a bad e-mail and telephone number
           "id: N-2\ntitle: 公示\ntasks: [T-2]\nperiod: {start: 2024-01-02, end: 2024-01-10}\n"
           "contact: {email: zhenggai at example.gov.cn, phone: 电话0999-123}\n")
    # check stage
    edit(content, "announcements/N-1.yaml", "documents: [doc-accept]", "documents: [doc-acept]")  # unknown reference
    edit(content, "tasks/T-1.yaml", "  - {date: 2024-01-20, status: closed, announcement: N-1}",
         "  - {date: 2024-01-20, status: closed, announcement: N-1}\n  - {date: 2024-02-01, status: in_progress, note: 又出现}")
    edit(content, "tasks/T-2.yaml", "note: 开展排查}",  # personal data; a date after --as-of
         "note: 开展排查，联系人电话13812345678}\n  - {date: 2026-12-01, status: in_progress, note: 继续推进}")
    edit(content, "documents.yaml", "- id: doc-accept", "- {id: doc-plan, number: 测环〔2022〕2号, title: 另一份}\n- id: doc-accept")
    _write(content, "complaints/2.yaml",  # a duplicate reference number, a region that does not exist, an update too early
           "batch: 2\nforwarded_on: 2021-06-01\ncomplaints:\n"
           '  - {ref: D2CS202105110001, channel: phone, region: "990103", types: [水], summary: 污水, status: done,\n'
           "     updates: [{date: 2021-05-01, status: done}]}\n")
    _write(content, "announcements/N-9.yaml",  # a file name that does not match the id; a notice period too short
           "id: N-3\ntitle: 公示\ntasks: [T-2]\nperiod: {start: 2024-01-10, end: 2024-01-11}\n")
    return content


def broken_site(content: Path) -> Path:
    """A site.yaml with a bad link, e-mail and telephone number, and a wrong type (nothing can be checked further)."""
    edit(content, "site.yaml", "email: zhenggai@example.gov.cn", "email: 整改办 <zhenggai@example.gov.cn>")
    edit(content, "site.yaml", "phone: 0999-12345678", "phone: 0999-1234567８")
    edit(content, "site.yaml", "notice_min_days: 5", "notice_min_days: 五天\nsite_url: zhenggai.example.gov.cn\nsampel: true")
    return content


# what each folder must show: (file:line, words of the message) — so the test knows every kind was reached
EXPECTED = {
    checkable: [
        ("content/tasks/T-3.yaml:3", "titel: 未知的字段"), ("content/tasks/T-3.yaml:3", "提示：是不是要写 'title'？"),
        ("content/tasks/T-3.yaml:1", "title: 缺少必填字段"),
        ("content/tasks/T-4.yaml:2", "number: 应为整数，实际是文本 '第四项'"),
        ("content/tasks/T-4.yaml:7", "deadline: '2024-02-30' 不是真实存在的日期（2024 年 2 月没有 30 日）"),
        ("content/tasks/T-4.yaml:9", "history[0].date: '2023-13-01' 不是真实存在的日期（没有 13 月）"),
        ("content/tasks/T-4.yaml:10", "history[1].date: '明年' 不是日期"),
        ("content/tasks/T-4.yaml:10", "history[1].status: '完成了' 不是允许的值"),
        ("content/tasks/T-4.yaml:11", "history[2].on_schedule: 应为 true 或 false"),
        ("content/tasks/T-4.yaml:12", "measures: 应为列表"),
        ("content/tasks/T-5.yaml:1", "id: 'T_5' 不是有效的编号"),
        ("content/tasks/T-5.yaml:6", "regions[0]: '99020' 不是行政区划代码"),
        ("content/tasks/T-5.yaml:7", "deadline: '尽快' 不是有效的整改时限"),
        ("content/tasks/T-6.yaml:5", "YAML 语法错误：这里不能出现 ': '"),
        ("content/tasks/T-7.yaml:1", "字段名后面用了全角冒号「：」"),
        ("content/tasks/T-8.yaml:2", "文件不是有效的 UTF-8 编码"),
        ("content/complaints/3.yaml:4", "complaints[0].channel: '电话' 不是允许的值"),
        ("content/complaints/3.yaml:4", "complaints[0].summary: 含有不可见或改变文字方向的字符 U+202E"),
        ("content/complaints/3.yaml:9", "complaints[1].types[0]: 列表中有一项是空的"),
        ("content/complaints/3.yaml:12", "complaints[1].status: 字段写了两次"),
        ("content/complaints/3.yaml:13", "complaints[1].penalties.orders: 应为整数"),
        ("content/announcements/N-2.yaml:5", "contact.email: 'zhenggai at example.gov.cn' 不是一个有效的电子邮箱地址"),
        ("content/announcements/N-2.yaml:5", "contact.phone: 电话号码中含有不允许的字符 '电'"),
        ("content/announcements/N-1.yaml:7", "documents[0]: 'doc-acept' 在 documents.yaml 中不存在"),
        ("content/announcements/N-1.yaml:7", "提示：是不是要写 'doc-accept'？"),
        ("content/tasks/T-1.yaml:19", "history[4].status: 'closed' 之后是 'in_progress'"),
        ("content/tasks/T-2.yaml:10", "history[0].note: 疑似手机号码：138****5678"),
        ("content/tasks/T-2.yaml:11", "history[1].date: 2026-12-01 晚于数据日期 2026-11-01"),
        ("content/documents.yaml:8", "id: 文件编号 'doc-plan' 用了两次（第一次在 content/documents.yaml:1）"),
        ("content/complaints/2.yaml:4", "ref: 受理编号 'D2CS202105110001' 用了两次"),
        ("content/complaints/2.yaml:4", "region[0]: '990103' 在 regions.yaml 中不存在"),
        ("content/complaints/2.yaml:5", "updates[0].date: 2021-05-01 早于 2021-06-01"),
        ("content/announcements/N-9.yaml:1", "id: 编号 'N-3' 与文件名 'N-9.yaml' 不一致"),
        ("content/announcements/N-9.yaml:4", "period.end: 公示期为 2 天；至少需要 5 天"),
    ],
    broken_site: [
        ("content/site.yaml:10", "contact.email: '整改办 <zhenggai@example.gov.cn>' 不是一个有效的电子邮箱地址"),
        ("content/site.yaml:9", "contact.phone: 电话号码中含有不允许的字符 '８'"),
        ("content/site.yaml:12", "notice_min_days: 应为整数，实际是文本 '五天'"),
        ("content/site.yaml:13", "site_url: 网址必须以 http:// 或 https:// 开头"),
        ("content/site.yaml:14", "sampel: 未知的字段"), ("content/site.yaml:14", "提示：是不是要写 'sample'？"),
    ],
}


@pytest.mark.parametrize("mistakes", [checkable, broken_site], ids=["checkable", "broken-site"])
def test_every_problem_is_in_chinese_with_file_and_line(mini: Path, mistakes) -> None:  # type: ignore[no-untyped-def]
    result = check(mistakes(mini))
    assert result.code == 2, result.out + result.err
    assert "Traceback" not in result.err
    problems, summary = parse(result.err)
    text = result.err
    for where, words in EXPECTED[mistakes]:
        block = [p for p in problems if p[0].startswith(where + ":")]
        assert any(words in line or words.removeprefix("提示：") == hint for line, _, hint in block) \
            or any(words in line + "\n    提示：" + hint for line, _, hint in block), f"{where}: {words!r} not in\n{text}"
    for line, message, hint in problems:
        assert hint, f"every problem has a hint: {line}"
        assert english_words(message) == [], f"English in the message of {line!r}: {english_words(message)}"
        assert english_words(hint) == [], f"English in the hint of {line!r} ({hint!r}): {english_words(hint)}"
    match = SUMMARY.match(summary)
    assert match, f"the summary line is Chinese: {summary!r}"
    assert int(match[1]) == len(problems)


def test_the_summary_counts_and_the_hint_is_chinese() -> None:
    """The format of problems itself: 提示：, and the count first in the summary."""
    one = Problem(Location("content/tasks/T-1.yaml", 3), "title", "缺少必填字段", "添加 'title: …'")
    error = ContentError([one, Problem(Location("content/site.yaml", 1), "", "缺少 site.yaml")])
    assert one.format() == "content/tasks/T-1.yaml:3: title: 缺少必填字段\n    提示：添加 'title: …'"
    assert error.format().split("\n")[-1] == "content 中有 2 处问题；未发布任何内容。"
    assert "hint" not in error.format()

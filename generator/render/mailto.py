"""Public comment on close-out notices and on the data: prefilled e-mail links and page addresses.

The templates never build a ``mailto:`` or ``tel:`` URL themselves: they call the functions below
(installed as Jinja2 globals by :func:`install`). :func:`mailto` gives a link only for one plain
address (the schema refuses anything else at load; this is the second line of defence) and
percent-encodes every part with :func:`urllib.parse.quote` (RFC 6068): the address, the subject
(made one line: no line break or control character can reach a mail header) and the body (line
breaks as CRLF, other controls dropped). Nothing from content can add a header (``?bcc=``,
``&cc=``), and Jinja2's autoescaping only has to escape ``&`` in the finished URL.
:func:`tel_href` keeps only the digits (and a leading ``+``) of the first number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote

from generator.derive.views import NoticeView
from generator.load.schema import EMAIL_RE, NUMBER_SEPARATORS
from generator.markup import one_line, text_lines, visible
from generator.models import ITEM_KIND_LABELS

if TYPE_CHECKING:
    import jinja2

# What an objection to a close-out notice should contain (shown on the notice page and prefilled
# into the e-mail body).
OBJECTION_CONTENTS = (
    ("涉及的整改任务", "异议针对哪一项整改任务（序号和名称）"),
    ("存在的问题", "哪些情况与公示的整改完成情况不符：什么问题、在什么地点、什么时间发现"),
    ("证据", "照片、视频、检测报告、文件等，可作为附件一并提交"),
    ("联系方式", "您的姓名（或单位名称）和电话、地址等，便于核实后向您反馈"),
)


def mailto(email: str, subject: str = "", body: str = "") -> str:
    """A ``mailto:`` URL with a percent-encoded subject and body (line breaks as CRLF, RFC 6068);
    "" unless ``email`` is one plain address."""
    address = (email or "").strip()
    if not EMAIL_RE.fullmatch(address):
        return ""
    url = "mailto:" + quote(address, safe="@")
    params = []
    subject = one_line(visible(subject or ""))
    if subject:
        params.append("subject=" + quote(subject, safe=""))
    body = text_lines(visible(body or ""))
    if body:
        params.append("body=" + quote(body.replace("\n", "\r\n"), safe=""))
    return url + ("?" + "&".join(params) if params else "")


def tel_href(phone: str) -> str:
    """A ``tel:`` URL (RFC 3966) of the first number in ``phone`` ("0999-12345678 或 …"), "" without digits."""
    first = NUMBER_SEPARATORS.split(phone or "")[0]
    number, _, extension = first.partition("转")  # 0999-1234567转123: extension 123
    digits = re.sub(r"-{2,}", "-", re.sub(r"[^0-9-]", "", number)).strip("-")  # '-' is a visual separator (RFC 3966)
    if not re.search(r"[0-9]", digits):
        return ""
    ext = re.sub(r"[^0-9]", "", extension)
    return "tel:" + ("+" if number.strip().startswith("+") else "") + digits + (f";ext={ext}" if ext else "")


def page_address(site_abs_url: str, page_url: str) -> str:
    """The page's absolute URL when the site's address is known, else its path within the site."""
    if site_abs_url:
        return f"{site_abs_url.rstrip('/')}/{page_url}"
    return page_url or "./"


def objection_subject(notice: NoticeView) -> str:
    return f"销号公示异议：{notice.ann.id} {notice.ann.title}"


def objection_mailto(notice: NoticeView, email: str, site_abs_url: str, page_url: str) -> str:
    """E-mail link for an objection to ``notice``: subject with its id and
    title, body listing what an objection should contain."""
    tasks = "、".join(t.name for t in notice.tasks)
    lines = [
        f"公示编号：{notice.ann.id}",
        f"公示名称：{notice.ann.title}",
        f"公示页面：{page_address(site_abs_url, page_url)}",
        "",
        f"一、涉及的整改任务（本公示包括：{tasks}）：" if tasks else "一、涉及的整改任务：",
        "",
        "二、存在的问题（哪些情况与公示不符，地点、时间）：",
        "",
        "三、证据（照片、视频、检测报告等，请作为附件发送）：",
        "",
        "四、姓名或单位名称、联系电话（便于核实后反馈）：",
        "",
    ]
    return mailto(email, objection_subject(notice), "\n".join(lines))


def error_subject(kind: str, item_id: str) -> str:
    return f"报告数据错误：{ITEM_KIND_LABELS.get(kind, kind)} {item_id}"


def error_mailto(email: str, kind: str, item_id: str, title: str, site_abs_url: str, page_url: str) -> str:
    """E-mail link to report a data error on the page of one item (task, complaint or notice)."""
    lines = [
        f"页面：{page_address(site_abs_url, page_url)}",
        f"编号：{item_id}",
        f"标题：{title}",
        "",
        "有误的内容：",
        "",
        "正确的情况及依据：",
        "",
        "联系方式（选填，便于向您反馈）：",
        "",
    ]
    return mailto(email, error_subject(kind, item_id), "\n".join(lines))


def notices_by_end(notices: Iterable[NoticeView], reverse: bool = False) -> list[NoticeView]:
    """Notices by their last day (then id): soonest deadline first, or latest first with reverse."""
    ordered = sorted(notices, key=lambda n: n.ann.id)
    return sorted(ordered, key=lambda n: n.ann.period.end, reverse=reverse)


def install(env: jinja2.Environment) -> None:
    env.globals.update(
        mailto=mailto,
        tel_href=tel_href,
        objection_mailto=objection_mailto,
        objection_subject=objection_subject,
        error_mailto=error_mailto,
        error_subject=error_subject,
        page_address=page_address,
        OBJECTION_CONTENTS=OBJECTION_CONTENTS,
        notices_by_end=notices_by_end,
    )

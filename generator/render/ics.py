"""Calendar files (RFC 5545) for close-out notices that are open or upcoming.

Each such notice gets ``announcements/<id>/<id>.ics`` with two all-day events: the last day to
object, and the whole notice period. The files are pure functions of the content and the as-of date,
never the wall clock, so two builds of the same content and ``--as-of`` are byte-identical:

- UID: the notice id and the site;
- SEQUENCE: the number of corrections of the notice (``revisions``, 更正记录), so that a calendar that
  imported the notice takes a corrected one as an update;
- DTSTAMP and LAST-MODIFIED (:func:`stamp`): 00:00 in Asia/Shanghai (written in UTC, as RFC 5545 wants
  for DTSTAMP) of the day the notice last changed (``Announcement.last_changed``: its last correction,
  else its publication date, the first day of the period), but never later than the as-of day: an
  upcoming notice is not stamped in the future.

The load stage already refuses every character a calendar cannot carry; this module does not rely
on it. Every text value goes through :func:`markup.one_line` (SUMMARY, X-WR-CALNAME, UID, URL: line
breaks of every kind become spaces) or :func:`markup.text_lines` (DESCRIPTION: line breaks become ``\\n``,
which icalendar writes as the escape ``\\n``), and both drop control and format characters, lone surrogates
and noncharacters; icalendar escapes ``\\ ; ,`` and folds long lines at 75 octets without splitting
a character. So no property value, whatever it is given, can start a new line in the file, not
even for a parser that splits on a lone CR, LF, U+2028 or U+0085.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from generator.dates import start_of
from generator.derive.views import NoticeView, Portal
from generator.markup import cn_date, one_line, text_lines
from generator.models import Announcement, Site
from generator.render.mailto import objection_subject, page_address

PRODID = "-//Rectification Portal//整改公开//ZH"


def uid_domain(site: Site, site_abs_url: str) -> str:
    """The host of the site, or a stable stand-in derived from its title when no URL is known."""
    host = urlsplit(site_abs_url).hostname if site_abs_url else ""
    if host:
        return host
    return hashlib.sha256(site.title.encode("utf-8")).hexdigest()[:16] + ".portal.invalid"


def stamp(ann: Announcement, as_of: dt.date | None) -> dt.datetime:
    """DTSTAMP and LAST-MODIFIED: 00:00 (Asia/Shanghai, in UTC) of the day the notice last changed, capped at
    the first instant of the as-of day (None: not capped)."""
    day = ann.last_changed if as_of is None else min(ann.last_changed, as_of)
    return start_of(day).astimezone(dt.UTC)


def calendar(notice: NoticeView, site: Site, site_abs_url: str = "", as_of: dt.date | None = None) -> bytes:
    """The calendar file of ``notice``: the last day to object and the whole period, as all-day events.
    ``as_of`` is the build's date (``Portal.as_of``; the build always gives it): the stamp is never later."""
    ann = notice.ann
    start, end = ann.period.start, ann.period.end
    contact = notice.contact or site.contact
    address = page_address(site_abs_url, notice.url)
    channels = [f"{label}：{value}" for label, value in
                (("电话", contact.phone), ("电子邮箱", contact.email), ("通信地址", contact.address)) if value]
    description = "\n".join([
        ann.title,
        f"公示期：{cn_date(start)} 至 {cn_date(end)}（含首尾两天，北京时间）。",
        f"对整改情况有异议的，请在 {cn_date(end)} 之前（含当天）反映。",
        *channels,
        f"邮件主题请写：{objection_subject(notice)}",
        *([f"本公示已更正 {len(ann.revisions)} 次，最近一次在 {cn_date(ann.revisions[-1].date)}，详见公示页面的更正记录。"]
          if ann.revisions else []),
        f"公示页面：{address}",
    ])
    stamped = stamp(ann, as_of)
    domain = uid_domain(site, site_abs_url)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(ann.title))
    for kind, summary, first, last in (
        ("deadline", f"异议截止（公示最后一天）：{ann.title}", end, end),
        ("period", f"公示期：{ann.title}", start, end),
    ):
        event = Event()
        event.add("uid", one_line(f"{ann.id}-{kind}@{domain}"))
        event.add("dtstamp", stamped)
        event.add("last-modified", stamped)
        event.add("sequence", len(ann.revisions))
        event.add("dtstart", first)
        event.add("dtend", last + dt.timedelta(days=1))  # all-day events end on the next day (exclusive)
        event.add("summary", one_line(summary))
        event.add("description", text_lines(description))
        event.add("transp", "TRANSPARENT")
        if site_abs_url:
            event.add("url", one_line(address))
        cal.add_component(event)
    ical: bytes = cal.to_ical()  # icalendar leaves to_ical's result unannotated
    return ical


def write_all(portal: Portal, output_path: Path, site_abs_url: str = "") -> None:
    """Write the calendar of every open or upcoming notice."""
    for n in portal.notices:
        if n.offers_calendar:
            target = Path(output_path) / n.ics_url
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(calendar(n, portal.content.site, site_abs_url, portal.as_of))

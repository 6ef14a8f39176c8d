"""The portal's one time zone: every date of the content and of the site is a day in Asia/Shanghai.

Gives :data:`SHANGHAI` (the time zone), :func:`today` (the current day there) and :func:`start_of`
(the first instant of a day there, for feeds and calendars that need a time). A shared module: it
uses no stage.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """The current day in Asia/Shanghai."""
    return dt.datetime.now(SHANGHAI).date()


def start_of(day: dt.date) -> dt.datetime:
    """00:00 of ``day`` in Asia/Shanghai (+08:00)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)

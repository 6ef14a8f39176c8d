"""Where each kind of page lives in the output, in one place.

Every URL is a directory URL relative to the site root ("tasks/R2-07/"); the page file is that
directory's index.html. Templates prefix them with the page's relative SITEURL.
"""

from __future__ import annotations


def page_file(url: str) -> str:
    """The output file of a directory URL: "" → index.html, "tasks/" → tasks/index.html."""
    return f"{url}index.html"


def task(task_id: str) -> str:
    return f"tasks/{task_id}/"


def complaint(ref: str) -> str:
    """A complaint's page, named by its reference in upper case (references are ASCII letters, digits and "-",
    unique regardless of case): the look-up finds it from the number as typed, in any case, even when it cannot
    read lookup/*.json (theme/static/js/lookup.js)."""
    return f"complaints/{ref.upper()}/"


def announcement(ann_id: str) -> str:
    return f"announcements/{ann_id}/"


def region(code: str) -> str:
    return f"regions/{code}/"


def batch(number: int, page: int = 1, inspection: str = "") -> str:
    """A batch's listing; a batch of a named inspection (version 2) lives under the inspection's id, so that
    two rounds may both have a batch 1."""
    where = f"{inspection}/" if inspection else ""
    return f"complaints/batch/{where}{number}/" + (f"page/{page}/" if page > 1 else "")


def inspection(inspection_id: str) -> str:
    return f"inspections/{inspection_id}/"


INSPECTIONS = "inspections/"  # every inspection (round), version 2


def complaints_in_region(code: str, page: int = 1) -> str:
    return f"complaints/region/{code}/" + (f"page/{page}/" if page > 1 else "")


def report(slug: str) -> str:
    return f"reports/{slug}/"


def page(slug: str) -> str:
    return f"pages/{slug}/"


DOCUMENT_FILES = "documents/files/"  # the registered documents' files, as published


def document_file(name: str) -> str:
    return f"{DOCUMENT_FILES}{name}"


def notice_calendar(ann_id: str) -> str:
    """The calendar file (.ics) of an open or upcoming close-out notice, beside its page."""
    return f"{announcement(ann_id)}{ann_id}.ics"


HOME = ""
TASKS = "tasks/"
TASKS_BY_REGION = "tasks/by-region/"
COMPLAINTS = "complaints/"
ANNOUNCEMENTS = "announcements/"
REGIONS = "regions/"
REPORTS = "reports/"
DOCUMENTS = "documents/"
FEEDS = "feeds/"  # the feeds page, and the folder of every feed
OPML = "feeds/all.opml"
OPML_MAIN = "feeds/main.opml"  # the short list: site-wide, inspection, province and city feeds
DATA = "data/"
SEARCH = "search/"
SEARCH_ORDER = "search/order.json"  # the filters' values in order, fetched by search.js when a filter is opened
LOOKUP = "lookup/"


# A feed's path has no extension: the feed is published as <path>.atom.xml and <path>.rss.xml.
FEED_ALL = "feeds/all"
FEED_ANNOUNCEMENTS = "feeds/announcements"
FEED_CLOSED = "feeds/closed"
FEED_OVERDUE = "feeds/overdue"


def region_feed(code: str) -> str:
    return f"feeds/regions/{code}"


def task_feed(task_id: str) -> str:
    return f"feeds/tasks/{task_id}"


def complaint_feed(ref: str) -> str:
    return f"feeds/complaints/{ref}"


def inspection_feed(inspection_id: str) -> str:
    """The feed of one inspection (round) of version-2 content."""
    return f"feeds/inspections/{inspection_id}"


def atom(feed_path: str) -> str:
    return f"{feed_path}.atom.xml"


def rss(feed_path: str) -> str:
    return f"{feed_path}.rss.xml"


def lookup_shard(normalized_ref: str) -> str:
    """The file that maps complaint references ending in the same two characters to their pages."""
    return f"{LOOKUP}{normalized_ref[-2:].lower()}.json"


def lookup_index(folder: str = "") -> str:
    """The page (no JavaScript needed) listing the complaint references that begin alike: lookup/ lists them
    by their first characters, lookup/<folder>/ those beginning with one prefix (the folder is made from it)."""
    return f"{LOOKUP}{folder}/" if folder else LOOKUP


NOT_FOUND = "404.html"  # the page a web server shows for an address the site does not have; at the site root

# trust: integrity findings, corrections, tamper-evidence manifest
CHECKS = "checks/"
CORRECTIONS = "corrections/"
MANIFEST = "integrity/manifest.json"

# open data, statistics, Traditional Chinese
DATA_PAGE = DATA  # the 数据下载 page is data/index.html
DATA_JSON = "data/portal.json"
DATA_SQLITE = "data/portal.sqlite"
DATA_EVENTS_JSON = "data/events.json"
DATA_TASKS = "data/tasks/"  # each task's own JSON file
DATA_COMPLAINTS = "data/complaints/"
DATA_NOTICES = "data/notices/"
DATA_ZH = "data/zh/"  # the CSV tables again, with Chinese column labels as their header row
STATS = "stats/"
HANT = "zh-hant/"  # the Traditional Chinese reading of every page mirrors the site under this folder
AS_OF_SCRIPT = "data/as-of.js"  # the data date, for pages that do not carry it (the one file a new day rewrites)
T2S_TABLE = HANT + "t2s.json"  # what the 繁體 search converts a query with (render/search_assets.py)


def data_table(name: str) -> str:
    """The CSV file of one open-data table (tasks, complaints, notices, regions, events)."""
    return f"{DATA}{name}.csv"


def data_table_zh(name: str) -> str:
    """The same table with the Chinese column labels as its header row (for journalists' spreadsheets)."""
    return f"{DATA_ZH}{name}.csv"


def task_json(task_id: str) -> str:
    return f"{DATA_TASKS}{task_id}.json"


def complaint_json(ref: str) -> str:
    return f"{DATA_COMPLAINTS}{ref}.json"


def notice_json(ann_id: str) -> str:
    return f"{DATA_NOTICES}{ann_id}.json"

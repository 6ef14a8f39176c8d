"""Personal-data guard: no complainant's phone, ID, e-mail or bank card is ever published.

Every public text field of the content (and the Markdown body of reports and pages) is scanned for

- mainland mobile numbers (``13812345678``, ``+86 138-1234-5678``),
- landline numbers with an area code (``0751-1234567``, ``(020)87654321``),
- 18-digit resident ID numbers whose check character is right (ISO 7064 MOD 11-2),
- e-mail addresses,
- bank card numbers of 16–19 digits that pass the Luhn check.

A match is a content problem (file, line, field) and stops the build, unless it is masked
(``138****5678``: a masked value no longer matches) or it is one of the publisher's own contact
channels: the ``contact`` fields of site.yaml and of notices are not scanned, and the phone numbers
and e-mail addresses written there may be repeated anywhere (e.g. in a page on how to object).
Full-width digits are read as digits. Messages show the value masked, so that logs leak nothing.

:func:`write_masked_copy` (``portal check --fix-pii DIR``) writes a copy of the content folder with
every match masked; the original files are never changed.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import Location, Problems
from .models import Contact, Content, Node, content_fields

# full-width digits and signs → ASCII, one character for one, so match positions stay valid
_FOLD = str.maketrans("０１２３４５６７８９－＋＠．（）　", "0123456789-+@.() ")
_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"

ID_RE = re.compile(_NOT_ALNUM_BEFORE + r"\d{17}[\dXx]" + _NOT_ALNUM_AFTER)
CARD_RE = re.compile(_NOT_ALNUM_BEFORE + r"\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?" + _NOT_ALNUM_AFTER)
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MOBILE_RE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[- ]?)?(?P<core>1[3-9]\d(?:[- ]?\d{4}){2})(?![0-9])")
LANDLINE_RE = re.compile(
    _NOT_ALNUM_BEFORE + r"(?:\(0[1-9]\d{1,2}\)\s?|0[1-9]\d{1,2}[- ]?)\d{7,8}(?:-\d{1,5})?(?![0-9])")

LABELS = {"id": "resident ID number (身份证号)", "card": "bank card number", "email": "e-mail address",
          "mobile": "mobile phone number", "landline": "telephone number"}
# contact channels and fields that are not free text
SKIP_FIELDS = {"sha256", "file", "site_url"}
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


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


@dataclass(frozen=True)
class Match:
    kind: str  # id, card, email, mobile, landline
    start: int
    end: int
    text: str  # as written

    @property
    def masked(self) -> str:
        return mask(self.kind, self.text)


def _digits(text: str) -> str:
    return "".join(c for c in text.translate(_FOLD) if c.isdigit())


def _mask_positions(text: str, keep_head: int, keep_tail: int, chars: str = "0123456789") -> str:
    folded = text.translate(_FOLD)
    positions = [i for i, c in enumerate(folded) if c in chars]
    hide = set(positions[keep_head: len(positions) - keep_tail])
    return "".join("*" if i in hide else c for i, c in enumerate(text))


def mask(kind: str, text: str) -> str:
    """The value as it may be published: 138****5678, 0751-***4567, 440102********123X, z***@example.cn."""
    if kind == "mobile":
        core = MOBILE_RE.fullmatch(text.translate(_FOLD))
        start = core.start("core") if core else 0
        return text[:start] + _mask_positions(text[start:], 3, 4)
    if kind == "landline":
        return _mask_positions(text, len(_digits(re.split(r"[-) ]", text.translate(_FOLD).lstrip("("))[0])), 4)
    if kind == "id":
        return _mask_positions(text, 6, 4, "0123456789Xx")
    if kind == "card":
        return _mask_positions(text, 0, 4)
    local, _, domain = text.partition("@")
    return f"{local[:1]}***@{domain}"


def find(text: str, allowed: frozenset[str] = frozenset()) -> list[Match]:
    """Every personal-data match in ``text``, in order; ``allowed`` holds digit strings and lower-case
    e-mail addresses that may appear (the publisher's contact channels)."""
    folded = text.translate(_FOLD)
    found: list[Match] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, m: re.Match) -> None:  # type: ignore[type-arg]
        start, end = m.span()
        if any(start < b and a < end for a, b in taken):
            return
        value = text[start:end]
        key = value.lower() if kind == "email" else _digits(value)
        if key in allowed or (kind in ("mobile", "landline") and _digits(m.group(0))[-11:] in allowed):
            return
        taken.append((start, end))
        found.append(Match(kind, start, end, value))

    for m in ID_RE.finditer(folded):
        if id_checksum_ok(m.group(0)):
            add("id", m)
    for m in CARD_RE.finditer(folded):
        digits = _digits(m.group(0))
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            add("card", m)
    for m in EMAIL_RE.finditer(folded):
        add("email", m)
    for m in MOBILE_RE.finditer(folded):
        add("mobile", m)
    for m in LANDLINE_RE.finditer(folded):
        add("landline", m)
    found.sort(key=lambda x: x.start)
    return found


def contact_values(content: Content) -> frozenset[str]:
    """The publisher's own phone numbers and e-mail addresses (site.yaml and notices)."""
    contacts = [content.site.contact] if content.site else []
    contacts += [a.contact for a in content.announcements if a.contact]
    out = set()
    for c in contacts:
        for m in EMAIL_RE.finditer(c.email.translate(_FOLD)):
            out.add(m.group(0).lower())
        for part in re.split(r"[,，;；、/]|或", c.phone):
            digits = _digits(part)
            if digits:
                out.add(digits)
                out.add(digits[-11:])
    return frozenset(out)


@dataclass(frozen=True)
class Field:
    node: Node
    key: str  # the field's name on ``node`` (its line is node.at(key))
    path: str  # as shown in messages: history[2].note
    text: str


def public_text(content: Content) -> Iterator[Field]:
    """Every public free-text value of the content, with where it was written."""
    items: list[tuple[Node, str]] = []
    if content.site:
        items.append((content.site, ""))
    items += [(r, f"regions[{i}].") for i, r in enumerate(content.regions)]
    items += [(d, f"documents[{i}].") for i, d in enumerate(content.documents)]
    items += [(x, "") for x in (*content.tasks, *content.batches, *content.announcements, *content.reports, *content.pages)]
    for node, prefix in items:
        yield from _walk(node, prefix)
    for doc in (*content.reports, *content.pages):
        yield Field(doc, "body", "body", doc.body)


def _walk(node: Node, prefix: str) -> Iterator[Field]:
    for f in content_fields(type(node)):
        if f.name in SKIP_FIELDS or f.metadata.get("kind") in ("id", "region"):
            continue
        value = getattr(node, f.name)
        name = prefix + f.name
        if isinstance(value, Contact):
            continue  # contact channels are published on purpose
        if isinstance(value, str):
            yield Field(node, f.name, name, value)
        elif isinstance(value, Node):
            yield from _walk(value, name + ".")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield Field(node, f.name, f"{name}[{i}]", item)
                elif isinstance(item, Node):
                    yield from _walk(item, f"{name}[{i}].")


@dataclass(frozen=True)
class Finding:
    location: Location
    field: str
    match: Match


def scan_content(content: Content) -> list[Finding]:
    allowed = contact_values(content)
    lines_of: dict[str, list[str]] = {}
    out = []
    for f in public_text(content):
        if not f.text:
            continue
        for m in find(f.text, allowed):
            where = f.node.at(f.key)
            out.append(Finding(_line_of(content, where, m.text, lines_of), f.path, m))
    return out


def scan(content: Content, problems: Problems) -> None:
    """Add a problem for every unmasked personal-data value in a public field."""
    for f in scan_content(content):
        masked = f.match.masked
        problems.add(f.location, f.field, f"looks like a {LABELS[f.match.kind]}: {masked}",
                     f"personal data must not be published: remove it or mask it as {masked} "
                     "(portal check --fix-pii DIR writes a masked copy of the content)")


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
    in the copy. Returns (file, masked value) for each replacement. ``source`` is not changed."""
    shutil.copytree(source, target, symlinks=True)
    done: list[tuple[str, str]] = []
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.location.file, []).append(f)
    for name, items in sorted(by_file.items()):
        rel = Path(name).relative_to(Path(source.name)) if Path(name).parts[:1] == (source.name,) else Path(name)
        path = target / rel
        raw = path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        for f in items:
            if f.match.text in text:
                text = text.replace(f.match.text, f.match.masked)
                done.append((name, f.match.masked))
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return done

"""Metadata that scraped text leaves beside the body: outlet, byline, dateline, photo credits.

Each function looks at one line and returns what it states, or None; nothing is guessed.
"""

from __future__ import annotations

import re

_NAME = r"[A-Z][A-Za-z'’.-]+"
_OUTLET_LINE = [
    re.compile(
        r"^(?:published|posted|first published)\s*:?\s*(?:[\w ,:]+?\s)?by\s+(?P<o>[A-Z][\w&.'’ -]{1,60}?)\s*\.?$", re.I
    ),
    re.compile(
        r"\b(?:notifications|alerts|updates) from (?:the )?(?P<o>(?:The )?[A-Z][\w&'’-]+(?: [A-Z][\w&'’-]+){0,4})\b"
    ),
    re.compile(
        r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<o>[A-Z][\w&.'’ -]{1,60}?)\.?(?:\s+all rights reserved\.?)?$", re.I
    ),
    re.compile(r"^source\s*:\s*(?P<o>[A-Z][\w&.'’ -]{1,60}?)\.?$", re.I),
]
_BYLINE = re.compile(
    rf"^(?:by|words by|reporting by)\s+(?P<b>{_NAME}(?:\s+{_NAME}){{0,3}}(?:\s+and\s+{_NAME}(?:\s+{_NAME}){{0,3}})?)\s*(?:,.*|\|.*)?$",
    re.I,
)
_BARE_NAME = re.compile(rf"^(?P<b>{_NAME}(?:\s+(?:de|van|von|da|del|bin|al)?\s*{_NAME}){{1,3}})$")

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "Aug. 30 (UPI) -- ", "WASHINGTON, Aug. 30 (UPI) -- "
_WIRE_DATELINE = re.compile(
    rf"^(?P<dl>(?:(?P<place>[A-Z][A-Za-z .'-]+?),\s+)?(?P<date>{_MONTHS}\s+\d{{1,2}})\s+\((?P<agency>[A-Z][A-Za-z.&-]{{1,20}})\))\s*(?:--|—|–|-)\s*"
)
# "BEIJING, CHINA — ", "LONDON (Reuters) - "
_CITY_DATELINE = re.compile(
    r"^(?P<dl>(?P<place>[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*(?:,\s*[A-Z][A-Za-z.'-]+(?: [A-Z][A-Za-z.'-]+)*)?)(?:\s*\((?P<agency>[A-Z][A-Za-z.&-]{1,20})\))?)\s*(?:--|—|–|-)\s+"
)
_CREDIT = [
    re.compile(
        r"\b(?:photo(?:graph)?|picture|image|credit|photo credit)s?\s*(?:by|:)\s*(?P<c>[^()]{2,80}?)\s*\)?$", re.I
    ),
    re.compile(r"\((?P<c>[A-Z][\w.'’ -]{1,40}/[A-Z][\w.'’/ -]{1,40})\)"),  # (Leon Neal/PA)
    re.compile(r"\((?P<c>(?:PA|AP|AFP|Reuters|Getty Images|EPA|Shutterstock|Alamy)(?: [A-Z][a-z]+)?)\)\s*$"),
]


def outlet_from_line(line: str) -> str | None:
    for rx in _OUTLET_LINE:
        m = rx.search(line)
        if m:
            name = m.group("o").strip(" .")
            if 1 < len(name) <= 60:
                return name
    return None


def byline_from_line(line: str, near_date: bool) -> str | None:
    """ "By Jane Doe" anywhere near the top; a bare name only right beside the date line."""
    m = _BYLINE.match(line.strip())
    if m:
        return m.group("b")
    if near_date:
        m = _BARE_NAME.match(line.strip())
        if m:
            return m.group("b")
    return None


def split_dateline(paragraph: str) -> tuple[str | None, str | None, str | None, str]:
    """Split a leading dateline off a paragraph: (dateline, agency, month-day, rest)."""
    for rx in (_WIRE_DATELINE, _CITY_DATELINE):
        m = rx.match(paragraph)
        if m and len(paragraph) - m.end() > 20:
            groups = m.groupdict()
            return m.group("dl").strip(), groups.get("agency"), groups.get("date"), paragraph[m.end() :]
    return None, None, None, paragraph


def photo_credits(line: str) -> list[str]:
    found: list[str] = []
    for rx in _CREDIT:
        for m in rx.finditer(line):
            credit = m.group("c").strip(" .")
            if credit and credit not in found:
                found.append(credit)
    return found

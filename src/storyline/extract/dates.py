"""Publication dates: parse what outlets print ("Tuesday 20 June 2023 15:38 BST", "Aug. 30").

Only what the text states is returned; a year is inferred solely from a weekday the article
names together with a month-day dateline, and that inference is reported, never hidden.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from storyline.lexicon import MONTH_NUMBERS, WEEKDAYS

MONTHS = MONTH_NUMBERS
ZONES = {
    "utc": "+00:00", "gmt": "+00:00", "z": "+00:00", "bst": "+01:00", "cet": "+01:00",
    "cest": "+02:00", "est": "-05:00", "edt": "-04:00", "cst": "-06:00", "cdt": "-05:00",
    "pst": "-08:00", "pdt": "-07:00", "ist": "+05:30", "jst": "+09:00", "aest": "+10:00",
}  # fmt: skip

_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:,?\s*(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<zone>[A-Z]{1,4}\b)?)?"
_DMY = re.compile(rf"^{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(?P<year>\d{{4}}){_TIME}$", re.I)
_MDY = re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_TIME}$", re.I)
_ISO = re.compile(
    r"^(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?(?P<offset>Z|[+-]\d{2}:?\d{2})?)?$"
)
_MD = re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}})$", re.I)
_UPDATED = re.compile(r"^(?:published|updated|posted|last updated|first published)\s*(?:on|at)?\s*:?\s*", re.I)


@dataclass(frozen=True)
class PartialDate:
    """A month and day printed without a year (wire datelines such as "Aug. 30 (UPI)")."""

    month: int
    day: int


def _month(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")[:3]]


def _zone(m: re.Match[str]) -> str:
    zone = m.groupdict().get("zone")
    return ZONES.get(zone.lower(), "") if zone else ""


def parse_date(text: str) -> str | None:
    """Return an ISO 8601 date (or datetime) for a string that is a full date, else None."""
    s = _UPDATED.sub("", text.strip()).strip(" .")
    m = _ISO.match(s)
    if m:
        try:
            day = dt.date(int(m["year"]), int(m["mnum"]), int(m["day"]))
        except ValueError:
            return None
        if m["hour"]:
            offset = m["offset"] or ""
            if offset == "Z":
                offset = "+00:00"
            elif offset and ":" not in offset:
                offset = offset[:3] + ":" + offset[3:]
            return f"{day.isoformat()}T{m['hour']}:{m['minute']}{offset}"
        return day.isoformat()
    for rx in (_DMY, _MDY):
        m = rx.match(s)
        if m:
            try:
                day = dt.date(int(m["year"]), _month(m["month"]), int(m["day"]))
            except ValueError:
                return None
            if m["hour"]:
                hour = int(m["hour"])
                ampm = (m["ampm"] or "").replace(".", "").lower()
                if ampm == "pm" and hour < 12:
                    hour += 12
                elif ampm == "am" and hour == 12:
                    hour = 0
                if hour > 23:
                    return day.isoformat()
                return f"{day.isoformat()}T{hour:02d}:{m['minute']}{_zone(m)}"
            return day.isoformat()
    return None


def parse_partial(text: str) -> PartialDate | None:
    """Parse a month-day without a year ("Aug. 30")."""
    m = _MD.match(text.strip())
    if not m:
        return None
    try:
        dt.date(2000, _month(m["month"]), int(m["day"]))  # 2000 is a leap year: allows Feb 29
    except ValueError:
        return None
    return PartialDate(_month(m["month"]), int(m["day"]))


def infer_year(partial: PartialDate, weekday: str, not_after: dt.date) -> dt.date | None:
    """The latest date on or before `not_after` with this month-day that falls on `weekday`."""
    want = WEEKDAYS.index(weekday.lower())
    for year in range(not_after.year, not_after.year - 30, -1):
        try:
            day = dt.date(year, partial.month, partial.day)
        except ValueError:
            continue
        if day <= not_after and day.weekday() == want:
            return day
    return None


_M = _MONTH.replace("(?P<month>", "(?:")
_FULL_IN_TEXT = re.compile(
    rf"\b{_WEEKDAY}(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_M}\s+\d{{4}}|{_M}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{1,4}\b)?)?",
    re.I,
)


def find_date_line(line: str) -> str | None:
    """A line that is (almost) only a date, as bylines print it: return the ISO date."""
    s = _UPDATED.sub("", line.strip())
    if len(s) > 60:
        return None
    iso = parse_date(s)
    if iso:
        return iso
    m = _FULL_IN_TEXT.search(s)
    if m and len(s) - (m.end() - m.start()) <= 12:
        return parse_date(m.group(0))
    return None

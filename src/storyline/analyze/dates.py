"""Relative dates resolved against the publication date, kept with the words that state them."""

from __future__ import annotations

import datetime as dt
import re

from storyline.lexicon import MONTHS, NUMBER_WORDS, WEEKDAYS
from storyline.records import DateRef

_WEEKDAYS = WEEKDAYS
_MONTHS = MONTHS
_NUM = {"a": 1, "an": 1, **NUMBER_WORDS}  # "a week ago"
_RX = re.compile(
    r"\b(?P<p>(?:(?:on|last|next|this|from|until|by|since)\s+)?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|today|tonight|this morning|this afternoon|this evening|yesterday|tomorrow"
    r"|(?P<rel>last|next|this|earlier this|later this)\s+(?P<unit>week|month|year)"
    r"|(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|twenty|\d+)\s+(?P<unit2>days?|weeks?|months?|years?|decades?)\s+ago"
    r"|a decade ago"
    r"|(?:in|on|since|until|by)\s+(?P<day>\d{1,2})\s+(?P<mon>january|february|march|april|may|june|july|august|september|october|november|december)(?!\s+\d{4})"
    r"|in\s+(?P<mon2>january|february|march|april|may|june|july|august|september|october|november|december)(?!\s+\d{4})"
    r"|in\s+(?P<year>(?:19|20)\d{2}))\b",
    re.I,
)


_ISO = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _shift_months(d: dt.date, months: int) -> str:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return f"{y:04d}-{m + 1:02d}"


def resolve(m: re.Match[str], pub: dt.date) -> str | None:
    p = m.group("p").lower()
    if m.group("wd"):
        want = _WEEKDAYS.index(m.group("wd").lower())
        delta = (pub.weekday() - want) % 7
        if p.startswith("next"):
            return (pub + dt.timedelta(days=(want - pub.weekday()) % 7 or 7)).isoformat()
        if p.startswith("last") and delta == 0:
            delta = 7
        return (pub - dt.timedelta(days=delta)).isoformat()  # news reports the past: the latest such day
    if p in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return pub.isoformat()
    if p == "yesterday":
        return (pub - dt.timedelta(days=1)).isoformat()
    if p == "tomorrow":
        return (pub + dt.timedelta(days=1)).isoformat()
    if m.group("unit"):
        rel, unit = m.group("rel").lower(), m.group("unit").lower()
        step = {"last": -1, "next": 1}.get(rel, 0)
        if unit == "week":
            return (pub + dt.timedelta(weeks=step)).isoformat()
        if unit == "month":
            return _shift_months(pub, step)
        return str(pub.year + step)
    if p == "a decade ago":
        return str(pub.year - 10)
    if m.group("unit2"):
        n = int(m.group("n")) if m.group("n").isdigit() else _NUM[m.group("n").lower()]
        unit = m.group("unit2").lower().rstrip("s")
        if unit == "day":
            return (pub - dt.timedelta(days=n)).isoformat()
        if unit == "week":
            return (pub - dt.timedelta(weeks=n)).isoformat()
        if unit == "month":
            return _shift_months(pub, -n)
        return str(pub.year - n * (10 if unit == "decade" else 1))
    if m.group("day"):
        month = _MONTHS.index(m.group("mon").lower()) + 1
        try:
            return dt.date(pub.year, month, int(m.group("day"))).isoformat()
        except ValueError:
            return None
    if m.group("mon2"):
        month = _MONTHS.index(m.group("mon2").lower()) + 1
        return f"{pub.year:04d}-{month:02d}"  # the same year; outlets name the year when it differs
    if m.group("year"):
        return m.group("year")
    return None


def resolve_dates(text: str, published: str | None, sentence_of: list[int]) -> list[DateRef]:
    pub = dt.date.fromisoformat(published[:10]) if published else None
    out = []
    for m in _RX.finditer(text):
        try:
            value = resolve(m, pub) if pub else (m.group("year") or None)
        except (OverflowError, ValueError):  # "99999999999 days ago", or a day past the calendar's end
            value = None
        if value is not None and not _ISO.fullmatch(value):  # "5000 years ago": before year 1
            value = None
        out.append(DateRef(m.group(0), m.start(), m.end(), sentence_of[m.start()], value))
    return out

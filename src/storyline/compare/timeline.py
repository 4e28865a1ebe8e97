"""The story's events in order: each claim dated by the date its sentence states, else its article's."""

from __future__ import annotations

import re
from typing import Any

from storyline.records import DateRef

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def claim_date(sentence: int, published: str | None, dates: list[DateRef]) -> tuple[str | None, str | None]:
    """(date, the words that state it) for a claim; the publication date when the text gives none."""
    for d in dates:
        if d.sentence == sentence and d.value and _DAY.match(d.value):
            return d.value, d.phrase
    return (published[:10] if published else None), None


def timeline(
    claims: list[dict[str, Any]],
    dated: dict[tuple[str, int], tuple[str | None, str | None]],
    earlier: list[dict[str, Any]],
    limit: int = 12,
) -> list[dict[str, Any]]:
    """Events from the most widely reported claims plus linked stories, oldest first."""
    events = []
    for order, c in enumerate(claims[:limit]):
        best = None
        for src in c["sources"]:
            date, phrase = dated.get((src["article"], src["sentence"]), (None, None))
            if date and (best is None or (phrase and not best[1])):
                best = (date, phrase)
        if best and (best[1] or order < 3):  # dated in the text, or among the most reported claims
            events.append({"date": best[0], "date_text": best[1], "what": c["text"], "status": c["status"],
                           "sources": c["sources"], "story": None, "_o": order})  # fmt: skip
    for e in earlier:
        events.append({**e, "_o": -1})
    events.sort(key=lambda e: (e["date"], e["_o"]))
    for e in events:
        del e["_o"]
    return events

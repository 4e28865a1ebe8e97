"""The story's events in order: each claim dated by the date its sentence states, else its article's."""

from __future__ import annotations

import re

from storyline.output import ClaimRow, TimelineEvent
from storyline.records import DateRef
from storyline.settings import SETTINGS as S

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMELINE_CLAIMS = S.timeline_claims
UNDATED_TOP = S.timeline_undated_top


def claim_date(sentence: int, published: str | None, dates: list[DateRef]) -> tuple[str | None, str | None]:
    """(date, the words that state it) for a claim; the publication date when the text gives none."""
    for d in dates:
        if d.sentence == sentence and d.value and _DAY.match(d.value):
            return d.value, d.phrase
    return (published[:10] if published else None), None


def timeline(
    claims: list[ClaimRow],
    dated: dict[tuple[str, int | None], tuple[str | None, str | None]],
    earlier: list[TimelineEvent],
    limit: int = TIMELINE_CLAIMS,
) -> list[TimelineEvent]:
    """Events from the most widely reported claims plus linked stories, oldest first."""
    events: list[tuple[TimelineEvent, int]] = []
    for order, c in enumerate(claims[:limit]):
        best: tuple[str, str | None] | None = None
        for src in c.sources:
            date, phrase = dated.get((src.article, src.sentence), (None, None))
            if date and (best is None or (phrase and not best[1])):
                best = (date, phrase)
        if best and (best[1] or order < UNDATED_TOP):  # dated in the text, or among the most reported claims
            event = TimelineEvent(
                date=best[0], date_text=best[1], what=c.text, status=c.status, sources=c.sources, story=None
            )
            events.append((event, order))
    events += [(e, -1) for e in earlier]
    events.sort(key=lambda e: (e[0].date, e[1]))
    return [e for e, _o in events]

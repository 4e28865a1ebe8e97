"""The same quote carried by several outlets becomes one quote with all its sources.

Wording drifts between outlets ("…in every single one of those meetings and I will continue to do
so," vs "…in every single one of those meetings,"), so two quotes match when the words of the
shorter are nearly all in the longer, in order, and their speakers do not disagree.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from storyline.records import Article, Quote, outlet_label


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def same_quote(a: Quote, b: Quote) -> bool:
    if a.speaker and b.speaker and a.speaker != b.speaker:
        return False
    wa, wb = _words(a.text), _words(b.text)
    if not wa or not wb:
        return False
    short, long_ = sorted((wa, wb), key=len)
    if len(short) <= 2:  # one- or two-word partial quotes match only exactly
        return short == long_
    m = SequenceMatcher(None, short, long_, autojunk=False)
    matched = sum(block.size for block in m.get_matching_blocks())
    return matched >= 0.8 * len(short)


def merge_quotes(articles: list[tuple[Article, list[Quote]]]) -> list[dict[str, Any]]:
    """One row per distinct quote, most widely carried first, each with every source."""
    groups: list[list[tuple[Article, Quote]]] = []
    for art, quotes in articles:
        for q in quotes:
            for g in groups:
                if any(same_quote(q, other) for _a, other in g):
                    g.append((art, q))
                    break
            else:
                groups.append([(art, q)])
    out = []
    for order, g in enumerate(groups):
        _best_art, best = max(g, key=lambda x: (not x[1].partial, x[1].speaker is not None, len(x[1].text)))
        speaker = next((q.speaker for _a, q in g if q.speaker), None)
        role = next((q.speaker_role for _a, q in g if q.speaker == speaker and q.speaker_role), None)
        out.append(
            {
                "text": best.text,
                "speaker": speaker,
                "speaker_role": role,
                "speaker_kind": best.speaker_kind,
                "cue": best.cue,
                "partial": all(q.partial for _a, q in g),
                "outlets": sorted({outlet_label(a) for a, _q in g}),
                "sources": [
                    {
                        "article": a.id,
                        "source": a.source,
                        "outlet": a.outlet,
                        "outlet_label": outlet_label(a),
                        "text": q.text,
                        "speaker_text": q.speaker_text,
                        "cue": q.cue,
                        "partial": q.partial,
                        "sentence": q.sentence,
                        "start": q.start,
                        "end": q.end,
                    }
                    for a, q in g
                ],
                "_order": order,
            }
        )
    out.sort(key=lambda r: (-len(r["outlets"]), r["_order"]))
    for r in out:
        del r["_order"]
    return out

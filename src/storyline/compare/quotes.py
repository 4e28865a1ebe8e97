"""The same quote carried by several outlets becomes one quote with all its sources.

Wording drifts between outlets ("…in every single one of those meetings and I will continue to do
so," vs "…in every single one of those meetings,"), so two quotes match when the words of the
shorter are nearly all in the longer, in order, and their speakers do not disagree. The merged
quote takes the speaker the chooser is surest of, and says when even that one is a guess.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from storyline.output import MergedQuote, QuoteSource
from storyline.records import Article, Quote, outlet_label
from storyline.settings import SETTINGS as S


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def _same(speaker_a: str | None, wa: list[str], sa: set[str], speaker_b: str | None, wb: list[str], sb: set[str]) -> bool:
    """Whether two printings are one quote; `sa` and `sb` are the word sets of `wa` and `wb`."""
    if speaker_a and speaker_b and speaker_a != speaker_b:
        return False
    if not wa or not wb:
        return False
    (short, _ss), (long_, vocab) = sorted(((wa, sa), (wb, sb)), key=lambda x: len(x[0]))
    if len(short) <= 2:  # one- or two-word partial quotes match only exactly
        return short == long_
    # an upper bound first: a word of the shorter found nowhere in the longer cannot match
    if sum(w in vocab for w in short) < 0.8 * len(short):
        return False
    m = SequenceMatcher(None, short, long_, autojunk=False)
    matched = sum(block.size for block in m.get_matching_blocks())
    return matched >= 0.8 * len(short)


def merge_quotes(articles: list[tuple[Article, list[Quote]]]) -> list[MergedQuote]:
    """One row per distinct quote, most widely carried first, each with every source."""
    groups: list[list[tuple[Article, Quote]]] = []
    words: list[list[tuple[list[str], set[str]]]] = []  # the words of each group's quotes, split once
    having: dict[str, set[int]] = {}  # word -> the groups with a quote that has it
    # per group: the fewest distinct words a quote must share with it to match one of its quotes
    fewest: list[float] = []
    for art, quotes in articles:
        for q in quotes:
            wq = _words(q.text)
            sq = set(wq)
            # The words of the shorter printing are 80% in the longer (`_same`), and each of its distinct
            # words missing from the longer costs one of them at least: so a match shares at least
            # len(set) - 0.2 * len of the shorter's words. Only groups sharing that many can take it.
            need = len(sq) - 0.2 * len(wq)
            shared: dict[int, int] = {}
            for w in sq:
                for k in having.get(w, ()):
                    shared[k] = shared.get(k, 0) + 1
            near = sorted(k for k, c in shared.items() if c >= min(need, fewest[k]))
            for k in near:
                g, gw = groups[k], words[k]
                if any(_same(q.speaker, wq, sq, other.speaker, wo, so) for (_a, other), (wo, so) in zip(g, gw, strict=True)):
                    g.append((art, q))
                    gw.append((wq, sq))
                    fewest[k] = min(fewest[k], need)
                    break
            else:
                k = len(groups)
                groups.append([(art, q)])
                words.append([(wq, sq)])
                fewest.append(need)
            for w in sq:
                having.setdefault(w, set()).add(k)
    out = []
    for g in groups:
        _best_art, best = max(g, key=lambda x: (not x[1].partial, x[1].speaker is not None, len(x[1].text)))
        # the speaker the chooser is surest of among the outlets' printings (the rules' own, unscored, first)
        named = [q for _a, q in g if q.speaker]
        top = max(named, key=lambda q: 1.0 if q.confidence is None else q.confidence) if named else None
        speaker = top.speaker if top is not None else None
        confidence = top.confidence if top is not None else None
        role = next((q.speaker_role for _a, q in g if q.speaker == speaker and q.speaker_role), None)
        out.append(
            MergedQuote(
                text=best.text,
                speaker=speaker,
                speaker_role=role,
                speaker_kind=best.speaker_kind,  # one of the three kinds analyze writes
                cue=best.cue,
                partial=all(q.partial for _a, q in g),
                confidence=confidence,
                uncertain=confidence is not None and confidence < S.speaker_min_confidence,
                outlets=sorted({outlet_label(a) for a, _q in g}),
                sources=[
                    QuoteSource(
                        article=a.id,
                        source=a.source,
                        outlet=a.outlet,
                        outlet_label=outlet_label(a),
                        text=q.text,
                        speaker_text=q.speaker_text,
                        cue=q.cue,
                        partial=q.partial,
                        sentence=q.sentence,
                        start=q.start,
                        end=q.end,
                        confidence=q.confidence,
                        speaker_start=q.speaker_start,
                        speaker_end=q.speaker_end,
                        speaker_sentence=q.speaker_sentence,
                        part=q.part,
                    )
                    for a, q in g
                ],
            )
        )
    out.sort(key=lambda r: -len(r.outlets))  # stable: first seen first among equals
    return out

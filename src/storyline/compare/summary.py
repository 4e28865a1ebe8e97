"""An extractive summary of distinct facts, each sentence citing the outlets that report it.

Sentences are scored for being central to the story, for stating a fact several outlets report
(the claim rows of `compare.claims`: one fact, one row) and for coming early; a sentence whose
fact is already in the summary, or that says nearly what a chosen one says, is skipped, and so is
a quote whose speaker storyline did not find. The summary lists the most widely reported facts
first. No sentence is written: each is quoted exactly from a source article.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from storyline.compare.claims import Claim, ClaimGroup, build_claims, citation
from storyline.output import SummarySentence
from storyline.records import Article, Mention, Quote, Sentence, outlet_label
from storyline.settings import SETTINGS as S

REDUNDANT = S.summary_redundant
_QUOTED = re.compile(r"[“\"‘][^”\"’]{12,}[”\"’]")  # a quotation of a few words or more


@dataclass(frozen=True)
class Candidate:
    article: int  # index into the articles list
    sentence: Sentence


def _unattributed(sentence: Sentence, quotes: list[Quote] | None) -> bool:
    """A sentence that quotes someone storyline could not name: a reader cannot tell who said it."""
    if not _QUOTED.search(sentence.text):
        return False
    if quotes is None:
        return False  # no quote analysis given: nothing to judge by
    return not any(q.sentence == sentence.idx and q.speaker and not _guess(q) for q in quotes)


def _guess(q: Quote) -> bool:
    """A speaker the chooser is not sure of: the summary does not put a name to it."""
    return q.confidence is not None and q.confidence < S.speaker_min_confidence


def summarize(
    articles: list[tuple[Article, list[Sentence]]],
    embed: Callable[[list[str]], np.ndarray],
    n_sentences: int = S.summary_sentences,
    quotes: list[list[Quote]] | None = None,
    mentions: list[list[Mention]] | None = None,
    facts: tuple[list[ClaimGroup], list[Claim]] | None = None,
) -> list[SummarySentence]:
    """Pick `n_sentences` sentences of distinct facts; each comes with its sources.

    `quotes` and `mentions` are per article (parallel to `articles`); `facts` is what
    `build_claims` gave for the same articles, when the caller has it already.
    """
    if facts is None:
        facts = build_claims([(a, s, mentions[i] if mentions else []) for i, (a, s) in enumerate(articles)], embed)
    groups, _claims = facts
    fact_of: dict[tuple[int, int], int] = {}
    for g_idx, g in enumerate(groups):
        for c in g.claims:
            fact_of[(c.article, c.sentence)] = g_idx
    cands = [
        Candidate(i, s)
        for i, (_art, sents) in enumerate(articles)
        for s in sents
        if S.summary_min_words <= len(s.text.split()) <= S.summary_max_words
        and _balanced(s.text)
        and not _unattributed(s, quotes[i] if quotes else None)
    ]
    if not cands:
        cands = [Candidate(i, s) for i, (_a, sents) in enumerate(articles) for s in sents]
    if not cands:
        return []
    vecs = embed([c.sentence.text for c in cands])
    sims = vecs @ vecs.T
    centroid = vecs.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    central = vecs @ centroid
    fact = [fact_of.get((c.article, c.sentence.idx)) for c in cands]

    def outlets(f: int | None, related: bool) -> int:
        if f is None:
            return 1
        facts = [f, *(groups[f].related if related else ())]
        return len({outlet_label(articles[x.article][0]) for h in facts for x in groups[h].claims})

    support = np.array([outlets(f, False) for f in fact])  # outlets reporting the fact
    echoed = np.array([outlets(f, True) for f in fact])  # ... or the same event in other detail
    position = np.array([1.0 / (1 + c.sentence.idx) for c in cands])
    score = central * (1 + S.summary_echo_weight * (echoed - 1)) + S.summary_lead_weight * position
    chosen: list[int] = []
    for i in np.argsort(-score, kind="stable"):
        if len(chosen) >= n_sentences:
            break
        if fact[i] is not None and any(fact[j] == fact[i] for j in chosen):
            continue  # this fact is in the summary already
        if any(sims[i, j] >= REDUNDANT for j in chosen):
            continue
        chosen.append(int(i))
    chosen.sort(key=lambda i: (-support[i], -score[i]))  # the most widely reported facts first
    out = []
    for i in chosen:
        pick = cands[i]
        f = fact[i]
        others = [x for x in groups[f].claims if x.article != pick.article] if f is not None else []
        sources = [citation(articles[pick.article][0], pick.sentence.idx, pick.sentence.text)]
        sources += [citation(articles[x.article][0], x.sentence, x.text) for x in others]  # one claim per article
        out.append(SummarySentence(text=pick.sentence.text, sources=sources))
    return out


def _balanced(text: str) -> bool:
    """Sentences cut inside a quotation read badly out of context: keep whole ones only."""
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")

"""An extractive summary in which every sentence names the articles that report it.

A sentence scores for being central to the story and for being carried by several outlets (a
similar sentence elsewhere counts as support); maximal marginal relevance keeps repeats out. No
sentence is written: each is quoted exactly from a source article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.records import Article, Sentence, outlet_label

SUPPORT = 0.72  # cosine at which another outlet's sentence states the same thing
REDUNDANT = 0.80  # cosine at which a candidate repeats an already chosen sentence


@dataclass(frozen=True)
class Candidate:
    article: int  # index into the articles list
    sentence: Sentence


def summarize(
    articles: list[tuple[Article, list[Sentence]]],
    embed: Callable[[list[str]], np.ndarray],
    n_sentences: int = 5,
) -> list[dict[str, Any]]:
    """Pick `n_sentences` sentences; each comes with its sources (article, source, sentence index)."""
    cands = [
        Candidate(i, s)
        for i, (_art, sents) in enumerate(articles)
        for s in sents
        if 6 <= len(s.text.split()) <= 60 and _balanced(s.text)
    ]
    if not cands:
        cands = [Candidate(i, s) for i, (_a, sents) in enumerate(articles) for s in sents]
    if not cands:
        return []
    vecs = embed([c.sentence.text for c in cands])
    sims = vecs @ vecs.T
    owner = np.array([c.article for c in cands])
    centroid = vecs.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    central = vecs @ centroid
    support: list[dict[int, int]] = []
    for i in range(len(cands)):
        found: dict[int, int] = {int(owner[i]): i}
        for j in np.nonzero(sims[i] >= SUPPORT)[0]:
            a = int(owner[j])
            if a not in found or sims[i, j] > sims[i, found[a]]:
                found[a] = int(j)
        support.append(found)
    position = np.array([1.0 / (1 + c.sentence.idx) for c in cands])
    score = central * (1 + 0.5 * np.array([len(s) - 1 for s in support])) + 0.4 * position  # news leads come first
    chosen: list[int] = []
    while len(chosen) < min(n_sentences, len(cands)):
        best, best_val = -1, -np.inf
        for i in np.argsort(-score):
            redundancy = max((sims[i, j] for j in chosen), default=0.0)
            if redundancy >= REDUNDANT or i in chosen:
                continue
            val = score[i] - 0.5 * redundancy
            if val > best_val:
                best, best_val = int(i), val
        if best < 0:
            break
        chosen.append(best)
    out = []
    for i in chosen:
        sources = []
        for a, j in sorted(support[i].items(), key=lambda x: (x[0] != owner[i], x[0])):
            art = articles[a][0]
            sent = cands[j].sentence
            sources.append(
                {
                    "article": art.id,
                    "source": art.source,
                    "outlet": art.outlet,
                    "outlet_label": outlet_label(art),
                    "sentence": sent.idx,
                    "text": sent.text,
                }
            )
        out.append({"text": cands[i].sentence.text, "sources": sources})
    return out


def _balanced(text: str) -> bool:
    """Sentences cut inside a quotation read badly out of context: keep whole ones only."""
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")

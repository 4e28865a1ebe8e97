"""Incremental clustering: a new article joins the best-matching story or starts one.

The score mixes the cosine of the article's lead embedding with the story centroid and how much of
the article's named entities (weighted by rarity, i.e. IDF) the story already has; a time window
keeps a June announcement and an August visit apart even when the words overlap. Stories that
nearly match, but not closely enough or too far apart in time, are linked as one storyline.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from storyline.records import AnalyzedArticle, StoryState
from storyline.settings import SETTINGS as S

JOIN_THRESHOLD = S.join_threshold
LINK_THRESHOLD = S.link_threshold
WINDOW_DAYS = S.window_days
MAX_KEYS = S.max_keys
EMBEDDING_WEIGHT = S.embedding_weight  # a weight, not a threshold, though it has JOIN_THRESHOLD's value


@dataclass(frozen=True)
class Features:
    vector: np.ndarray
    keys: dict[str, int]
    date: str | None


@dataclass(frozen=True)
class Decision:
    join: int | None  # story id to join, or None for a new story
    score: float
    links: tuple[tuple[int, float], ...]  # other stories of the same storyline


def features(a: AnalyzedArticle) -> Features:
    keys: dict[str, int] = {}
    for m in a.mentions:
        key = f"{m.label.lower()}:{m.canonical.lower()}"
        keys[key] = keys.get(key, 0) + 1
    for term, count in a.terms.items():
        keys[f"w:{term}"] = count
    date = a.article.published[:10] if a.article.published else None
    return Features(np.asarray(a.vector, dtype=np.float32), keys, date)


def idf(df: int, n_docs: int) -> float:
    return math.log((n_docs + 1) / (df + 1)) + 1.0


def top_keys(f: Features, dfs: dict[str, int], n_docs: int) -> list[tuple[str, float]]:
    weighted = [(k, c * idf(dfs.get(k, 0), n_docs)) for k, c in f.keys.items()]
    weighted.sort(key=lambda x: -x[1])
    return weighted[:MAX_KEYS]


def _weights(f: Features, dfs: dict[str, int], n_docs: int) -> tuple[dict[str, float], float]:
    a = {k: (1 + math.log(c)) * idf(dfs.get(k, 0), n_docs) for k, c in f.keys.items()}
    return a, math.sqrt(sum(x * x for x in a.values()))


def score(
    f: Features,
    s: StoryState,
    dfs: dict[str, int],
    n_docs: int,
    weights: tuple[dict[str, float], float] | None = None,
) -> float:
    """Lead-embedding cosine blended with the TF-IDF cosine of entity and content-word profiles.

    The embedding says "same topic"; the rare names and words say "same event", so they weigh more.
    Story keys the article lacks all have the unseen-key IDF, so the story's norm is one numpy sum
    plus a correction for the shared keys, not a Python loop over every key of a large story.
    """
    cos = float(f.vector @ s.centroid)
    a, na = weights or _weights(f, dfs, n_docs)
    if not s.keys or not na:
        return EMBEDDING_WEIGHT * cos
    unseen = idf(0, n_docs)
    tf = 1 + np.log(np.fromiter(s.keys.values(), dtype=np.float64, count=len(s.keys)))
    nb2 = float(tf @ tf) * unseen * unseen
    dot = 0.0
    for k, x in a.items():
        c = s.keys.get(k)
        if c:
            w = 1 + math.log(c)
            i = idf(dfs.get(k, 0), n_docs)
            nb2 += w * w * (i * i - unseen * unseen)
            dot += x * w * i
    ent = dot / (na * math.sqrt(nb2)) if nb2 > 0 else 0.0
    return EMBEDDING_WEIGHT * cos + (1 - EMBEDDING_WEIGHT) * ent


def days_outside(date: str | None, s: StoryState) -> int:
    """How many days the article falls outside the story's span (0 if inside or unknown)."""
    if date is None or s.first_date is None or s.last_date is None:
        return 0
    d = dt.date.fromisoformat(date)
    first, last = dt.date.fromisoformat(s.first_date[:10]), dt.date.fromisoformat(s.last_date[:10])
    return max((first - d).days, (d - last).days, 0)


def decide(
    f: Features,
    candidates: list[StoryState],
    dfs: dict[str, int],
    n_docs: int,
    join_threshold: float = JOIN_THRESHOLD,
    link_threshold: float = LINK_THRESHOLD,
    window_days: int = WINDOW_DAYS,
) -> Decision:
    weights = _weights(f, dfs, n_docs)
    scored = sorted(((score(f, s, dfs, n_docs, weights), s) for s in candidates), key=lambda x: -x[0])
    join: int | None = None
    best = 0.0
    for sc, s in scored:
        if sc >= join_threshold and days_outside(f.date, s) <= window_days:
            join, best = s.id, sc
            break
    links = tuple((s.id, round(sc, 4)) for sc, s in scored if s.id != join and sc >= link_threshold)
    return Decision(join, round(best, 4), links)


def add(s: StoryState, f: Features) -> StoryState:
    """The story after the article joined it."""
    keys = dict(s.keys)
    for k in f.keys:
        keys[k] = keys.get(k, 0) + 1
    dates = [d for d in (s.first_date, s.last_date, f.date) if d]
    return StoryState(
        id=s.id,
        vector_sum=s.vector_sum + f.vector,
        n=s.n + 1,
        keys=keys,
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
    )


def new_state(story_id: int, f: Features) -> StoryState:
    return StoryState(story_id, f.vector.copy(), 1, dict.fromkeys(f.keys, 1), f.date, f.date)

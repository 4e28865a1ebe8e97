"""Re-examine stories in bulk: the pairs of articles that share enough scored, then average-link grouping.

Placing articles one by one (cluster.py) is fast but greedy: an early article joins on thin
evidence and the document frequencies are those of a young store. Here every pair of articles that
shares enough is scored under the whole store's IDF, by boosted trees over five similarities
(stories/pairs.json, trained by scripts/train_pair_scorer.py on ECB+ topics 1-35), and groups are
formed by average-link agglomeration: a group joins another only if its articles agree on average,
so one bridging article cannot chain two events. Articles and pairs are ordered by id before any
step, so the groups do not depend on the order the articles came in.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from storyline.settings import SETTINGS as S

MODEL_PATH = Path(__file__).with_name("pairs.json")
FEATURES = ("lead", "keys", "names", "words", "neighbours")
WINDOW_DAYS = S.window_days  # the same rule as cluster.py
FLOOR = S.regroup_floor
NEIGHBOURS = S.regroup_neighbours
NEIGHBOUR_MIN = S.regroup_neighbour_min
MAX_COMPONENT = S.regroup_max_component
CANDIDATE = S.regroup_candidate
BLOCK = S.regroup_block
_WORD = re.compile(r"[^\W_]{3,}|\d[\d.,]*\d|\d")


@dataclass(frozen=True)
class Profile:
    """What grouping needs of one article (all of it is in the store)."""

    id: str
    vector: np.ndarray  # lead embedding, unit length
    names: tuple[str, ...]  # "label:canonical" of each entity mention
    text: str  # title and body
    date: str | None  # YYYY-MM-DD


@dataclass(frozen=True)
class Tree:
    """One regression tree of a boosted ensemble, as arrays (sklearn's layout: a leaf's left is -1)."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray

    @cached_property
    def leaves(self) -> tuple[tuple[float, tuple[tuple[int, bool], ...]], ...]:
        """Each leaf's value and its path: (node, whether the row goes left there) from the root."""
        out = []
        stack: list[tuple[int, tuple[tuple[int, bool], ...]]] = [(0, ())]
        while stack:
            node, path = stack.pop()
            if self.left[node] < 0:
                out.append((float(self.value[node]), path))
            else:
                stack.append((int(self.left[node]), (*path, (node, True))))
                stack.append((int(self.right[node]), (*path, (node, False))))
        return tuple(out)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The leaf value each row of x reaches: every split compared once over all rows, then each
        leaf takes the rows that meet its path (four times faster than stepping rows down the tree)."""
        goes_left = {k: x[:, self.feature[k]] <= self.threshold[k] for k in np.flatnonzero(self.left >= 0).tolist()}
        out = np.zeros(len(x))
        for value, path in self.leaves:
            mask = np.ones(len(x), dtype=bool)
            for node, left in path:
                mask &= goes_left[node] if left else ~goes_left[node]
            out[mask] = value
        return out


@dataclass(frozen=True)
class PairModel:
    """How likely two articles report one event, from their similarities (FEATURES, in order).

    Boosted trees when `trees` is given (the shipped model), else a logistic model over `coef`
    (the previous scorer, which scripts/train_pair_scorer.py still fits to compare against).
    """

    join: float  # average probability at which two groups are one event
    link: float  # average probability at which two groups are one storyline (shown as related)
    trees: tuple[Tree, ...] = ()
    learning_rate: float = 0.1
    coef: tuple[float, ...] = ()
    intercept: float = 0.0

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Log-odds per row of x."""
        if self.trees:
            total = np.zeros(len(x))
            for t in self.trees:  # summed as they come: a hundred rows of a million pairs would not fit
                total += t.predict(x)
            return self.learning_rate * total
        return self.intercept + x @ np.asarray(self.coef)


def _tree(t: dict) -> Tree:
    return Tree(
        np.asarray(t["f"], dtype=np.int64), np.asarray(t["t"], dtype=np.float64), np.asarray(t["l"], dtype=np.int64),
        np.asarray(t["r"], dtype=np.int64), np.asarray(t["v"], dtype=np.float64),
    )  # fmt: skip


def load_model(path: Path = MODEL_PATH) -> PairModel:
    data = json.loads(path.read_text("utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: trained on {data['features']}, this code computes {FEATURES}")
    if "trees" in data:
        trees = tuple(_tree(t) for t in data["trees"])
        return PairModel(data["join"], data["link"], trees, float(data["learning_rate"]))
    return PairModel(data["join"], data["link"], coef=tuple(data["coef"]), intercept=float(data["intercept"]))


def words(text: str) -> list[str]:
    """Content words: lower-cased, no stop words; a parse is not needed to compare two articles."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return [w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in STOP_WORDS]


def _tfidf(docs: list[dict[str, int]]) -> object:
    """Rows of unit-length (1 + log tf) * idf weights, as a scipy CSR matrix."""
    from scipy import sparse

    vocab: dict[str, int] = {}
    df: dict[str, int] = {}
    for d in docs:
        for k in d:
            df[k] = df.get(k, 0) + 1
    rows, cols, vals = [], [], []
    n = len(docs)
    for i, d in enumerate(docs):
        for k in sorted(d):
            rows.append(i)
            cols.append(vocab.setdefault(k, len(vocab)))
            vals.append((1 + math.log(d[k])) * (math.log((n + 1) / (df[k] + 1)) + 1))
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)), dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m


def _counts(items: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def _day(p: Profile) -> float:
    return float(dt.date.fromisoformat(p.date).toordinal()) if p.date else np.nan


@dataclass(frozen=True)
class Pairs:
    """The candidate pairs (i < j) of a set of articles with one similarity per name in FEATURES."""

    i: np.ndarray
    j: np.ndarray
    x: np.ndarray  # len(i) x len(FEATURES)
    apart: np.ndarray  # dated further apart than WINDOW_DAYS


def pairs(profiles: list[Profile]) -> Pairs:
    """Similarities of every candidate pair, computed a block of rows at a time.

    lead: cosine of the lead embeddings; keys, names, words: TF-IDF cosines of names and content
    words together, of names alone and of words alone (the whole store's IDF); neighbours: how far
    the two articles have the same nearest articles (cosine of their rows of the keys similarity
    kept to each one's NEIGHBOURS nearest, itself included), which tells two similar events apart
    when each is told by several outlets. A pair whose keys cosine is under CANDIDATE is never scored.
    """
    from scipy import sparse

    n = len(profiles)
    vec = np.stack([p.vector for p in profiles]).astype(np.float64)
    names = [_counts([k.lower() for k in p.names]) for p in profiles]
    ws = [_counts([f"w:{w}" for w in words(p.text)]) for p in profiles]
    mats = [_tfidf([{**a, **b} for a, b in zip(names, ws, strict=True)]), _tfidf(names), _tfidf(ws)]
    days = np.array([_day(p) for p in profiles])
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    feats: list[np.ndarray] = []
    top_r: list[np.ndarray] = []
    top_c: list[np.ndarray] = []
    top_v: list[np.ndarray] = []
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        keys = (mats[0][start:stop] @ mats[0].T).toarray()  # type: ignore[index, attr-defined]
        near = np.abs(days[start:stop, None] - days[None, :]) > WINDOW_DAYS
        masked = np.where(near | (keys < NEIGHBOUR_MIN), 0.0, keys)
        masked[np.arange(stop - start), np.arange(start, stop)] = 1.0
        k = min(NEIGHBOURS, n)
        idx = np.argpartition(-masked, k - 1, axis=1)[:, :k]
        top_r.append(np.repeat(np.arange(start, stop), k))
        top_c.append(idx.ravel())
        top_v.append(np.take_along_axis(masked, idx, axis=1).ravel())
        r, c = np.nonzero((keys >= CANDIDATE) & (np.arange(n)[None, :] > np.arange(start, stop)[:, None]))
        if not len(r):
            continue
        names_s = (mats[1][start:stop] @ mats[1].T).toarray()[r, c]  # type: ignore[index, attr-defined]
        words_s = (mats[2][start:stop] @ mats[2].T).toarray()[r, c]  # type: ignore[index, attr-defined]
        lead = np.einsum("ij,ij->i", vec[start + r], vec[c])
        rows.append(start + r)
        cols.append(c)
        feats.append(np.stack([lead, keys[r, c], names_s, words_s], axis=1))
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty, np.zeros((0, len(FEATURES))), np.zeros(0, dtype=bool))
    i, j, x = np.concatenate(rows), np.concatenate(cols), np.concatenate(feats)
    top = sparse.csr_matrix((np.concatenate(top_v), (np.concatenate(top_r), np.concatenate(top_c))), shape=(n, n))
    norms = np.sqrt(np.asarray(top.multiply(top).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    top = sparse.diags(1.0 / norms) @ top
    shared = np.asarray((top[i].multiply(top[j])).sum(axis=1)).ravel()
    apart = np.abs(days[i] - days[j]) > WINDOW_DAYS
    return Pairs(i, j, np.column_stack([x, shared]), apart)


def probabilities(pr: Pairs, model: PairModel) -> np.ndarray:
    """The model's probability that each candidate pair reports one event, from content alone
    (grouping then sets pairs dated too far apart to 0; storyline links keep them)."""
    z = model.raw(pr.x) if len(pr.x) else np.zeros(0)
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _agglomerate(p: np.ndarray, days: np.ndarray, threshold: float) -> list[int]:
    """Average-link over one component's dense probabilities, never joining groups dated apart.

    A group's dates are the span of its dated articles (undated ones have none); two groups join
    only if the gap between their spans is at most WINDOW_DAYS, the rule cluster.py applies to an
    article and a story. Each row keeps its best partner, so a merge costs one pass over a row,
    not over the matrix. Ties go to the lower indexes: the matrix alone fixes the result.
    """
    n = len(p)
    total = p.astype(np.float64)
    np.fill_diagonal(total, 0.0)
    size = np.ones(n)
    first = days.astype(np.float64).copy()
    last = first.copy()
    alive = np.ones(n, dtype=bool)
    owner = np.arange(n)

    def row(a: int) -> np.ndarray:
        gap = np.fmax(first[a] - last, first - last[a])  # NaN when either is undated: no constraint
        out = total[a] / (size[a] * size)
        out[(gap > WINDOW_DAYS) | ~alive] = -1.0
        out[a] = -1.0
        return out

    avg = np.stack([row(a) for a in range(n)]) if n else np.zeros((0, 0))
    best = avg.max(axis=1) if n else np.zeros(0)
    arg = avg.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    while n:
        x = int(np.argmax(best))
        if best[x] < threshold:
            break
        a, b = sorted((x, int(arg[x])))
        total[a] += total[b]
        total[:, a] += total[:, b]
        total[a, a] = 0.0
        size[a] += size[b]
        first[a] = np.fmin(first[a], first[b])
        last[a] = np.fmax(last[a], last[b])
        alive[b] = False
        owner[owner == b] = a
        avg[b] = -1.0
        avg[:, b] = -1.0
        best[b] = -1.0
        new = row(a)
        avg[a] = new
        avg[:, a] = new
        best[a], arg[a] = new.max(), int(new.argmax())
        stale = np.flatnonzero(alive & ((arg == a) | (arg == b)))
        for y in stale.tolist():
            if y != a:
                best[y], arg[y] = avg[y].max(), int(avg[y].argmax())
        better = alive & (new > best)
        better[a] = False
        best[better] = new[better]
        arg[better] = a
    return owner.tolist()


def _components(n: int, i: np.ndarray, j: np.ndarray, p: np.ndarray, floor: float) -> list[list[int]]:
    """Sets of articles joined by pairs at or above `floor`; one too large for a dense matrix is
    split again at a higher floor (pairs that weak barely move an average)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    keep = p >= floor
    graph = csr_matrix((np.ones(int(keep.sum())), (i[keep], j[keep])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for a, c in enumerate(comp.tolist()):
        members.setdefault(c, []).append(a)
    out: list[list[int]] = []
    for ms in members.values():
        if len(ms) <= MAX_COMPONENT or floor >= 0.9:
            out.append(ms)
            continue
        local = {a: k for k, a in enumerate(ms)}
        inside = np.isin(i, ms) & np.isin(j, ms)
        li = np.array([local[a] for a in i[inside].tolist()], dtype=np.int64)
        lj = np.array([local[a] for a in j[inside].tolist()], dtype=np.int64)
        for sub in _components(len(ms), li, lj, p[inside], floor + 0.1):
            out.append([ms[k] for k in sub])
    return sorted(out)


def average_link(n: int, i: np.ndarray, j: np.ndarray, p: np.ndarray, threshold: float, days: np.ndarray) -> list[int]:
    """Group label per article: average-link agglomeration over pair probabilities (absent pairs count 0).

    Runs inside each set of articles joined by pairs at or above FLOOR, never across; the
    articles' order (by id) fixes the labels.
    """
    labels = [-1] * n
    where = np.full(n, -1, dtype=np.int64)
    comps = _components(n, i, j, p, FLOOR)
    for c, ms in enumerate(comps):
        where[ms] = c
    edges: dict[int, list[int]] = {}
    for e in np.flatnonzero((p >= FLOOR) & (where[i] == where[j])).tolist():
        edges.setdefault(int(where[i[e]]), []).append(e)
    next_label = 0
    for c, ms in enumerate(comps):
        local = {a: k for k, a in enumerate(ms)}
        dense = np.zeros((len(ms), len(ms)))
        for e in edges.get(c, []):
            x, y = local[int(i[e])], local[int(j[e])]
            dense[x, y] = dense[y, x] = p[e]
        owners = _agglomerate(dense, days[ms], threshold)
        order: dict[int, int] = {}
        for a, o in zip(ms, owners, strict=True):
            if o not in order:
                order[o] = next_label + len(order)
            labels[a] = order[o]
        next_label += len(order)
    return labels


def group(
    profiles: list[Profile], model: PairModel | None = None
) -> tuple[list[list[str]], list[tuple[int, int, float]]]:
    """Article ids per group (groups ordered by their first id), and related links between groups.

    A link joins two groups whose average probability, dates aside, reaches the model's link level:
    similar events, or one storyline whose phases the dates keep apart (announcement and visit).
    """
    model = model or MODEL
    profiles = sorted(profiles, key=lambda p: p.id)
    if not profiles:
        return [], []
    pr = pairs(profiles)
    content = probabilities(pr, model)  # scored once: the dates only zero some out
    days = np.array([_day(x) for x in profiles])
    labels = average_link(len(profiles), pr.i, pr.j, np.where(pr.apart, 0.0, content), model.join, days)
    groups: dict[int, list[int]] = {}
    for a, lab in enumerate(labels):
        groups.setdefault(lab, []).append(a)
    ordered = sorted(groups.values(), key=lambda g: profiles[g[0]].id)
    return [[profiles[a].id for a in g] for g in ordered], _links(ordered, pr.i, pr.j, content, model.link)


def _links(
    groups: list[list[int]], i: np.ndarray, j: np.ndarray, p: np.ndarray, level: float
) -> list[tuple[int, int, float]]:
    """Pairs of groups whose average pair probability reaches `level` (pairs not scored count as 0)."""
    of = np.empty(sum(len(g) for g in groups), dtype=np.int64)
    for g, ms in enumerate(groups):
        of[ms] = g
    size = np.array([len(g) for g in groups], dtype=np.float64)
    a, b = of[i], of[j]
    keep = (a != b) & (p >= FLOOR)
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    keys, where = np.unique(lo * len(groups) + hi, return_inverse=True)  # sorted by (lo, hi)
    totals = np.bincount(where, weights=p[keep], minlength=len(keys))
    out = []
    for key, total in zip(keys.tolist(), totals.tolist(), strict=True):
        x, y = divmod(key, len(groups))
        avg = total / (size[x] * size[y])
        if avg >= level:
            out.append((x, y, round(avg, 4)))
    return out


MODEL = load_model()

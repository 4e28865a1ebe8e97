"""Train the claim pair scorer of the corroboration matrix (src/storyline/compare/claim_pairs.json) on ECB+ 1-35.

Examples: every candidate pair of claims (`claims.pair_features`, the code the dossier runs) of
different articles in one of storyline's stories (grouped as ingest does, copies left out), whose
two sentences ECB+ fully annotated, labelled by whether they mention one same event instance
(eval/ecb_alignment.py's gold). The vectors are the static embedder's, as in the dossier
(analyze/static.py). A logistic regression weighs the features.

The two levels are chosen by grouping the claims with `claims.group_facts` exactly as the dossier does and scoring
with eval/ecb_alignment.py's rules: of every *reports* level whose pairs reach REPORTS_PRECISION,
with the lowest *related* level whose related-only pairs then reach RELATED_PRECISION, the two that
connect the most gold pairs (the highest recall that keeps both); where no level reaches a target,
the most precise *reports* level and no *related* level. The recipe runs
first in two folds (odd topics train, even topics are scored, and back: `two_fold` in the model
file says what it gives on topics it never saw), then on all topics for the shipped weights.

    python scripts/train_claim_scorer.py [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))
import ecb_alignment as ea  # noqa: E402

from storyline.compare import claims as cl  # noqa: E402

# The targets. The first models (cosine, words, names, figures only) reached 0.95 only at a
# level where the seed visit story had no corroborated fact, so they shipped at 0.893; with the
# position, centrality and story-size features a level that reaches 0.95 keeps the seed's real
# corroborated facts (and drops its false one), so the target is the again.
REPORTS_PRECISION = 0.95
RELATED_PRECISION = 0.85
REPORTS_GRID = [round(x, 2) for x in np.arange(0.80, 0.995, 0.01)]  # below 0.8 no reports level reached 0.95
RELATED_GRID = [round(x, 2) for x in np.arange(0.60, 0.995, 0.01)]


@dataclass
class StoryPairs:
    """One story's claims, their candidate pairs and features, and the labels ECB+ gives them."""

    topic: int
    src: list[str]  # article index -> file
    claims: list[cl.Claim]
    vectors: np.ndarray
    pairs: cl.Pairs
    y: np.ndarray  # 1 same event, 0 not, -1 not both annotated


def story_pairs(d: ea.Data) -> list[StoryPairs]:
    out = []
    for members in d.stories.values():
        arts = d.independent(members)
        if len(arts) < 2:
            continue
        claims: list[cl.Claim] = []
        for i, a in enumerate(arts):
            claims.extend(
                cl.split_claims(
                    i, list(a.sentences), list(a.mentions), a.article.title, a.article.standfirst, a.article.text
                )
            )
        vectors = d.embed([c.text for c in claims])
        pairs = cl.pair_features(claims, vectors)
        ii, jj = pairs.i, pairs.j
        src = [a.article.source for a in arts]
        y = np.full(len(ii), -1)
        for k, (i, j) in enumerate(zip(ii, jj, strict=True)):
            a = d.keys[src[claims[i].article]].get(claims[i].sentence)
            b = d.keys[src[claims[j].article]].get(claims[j].sentence)
            if a in d.annotated and b in d.annotated and a[0] != b[0]:
                y[k] = ea.pair(a, b) in d.gold
        out.append(StoryPairs(int(src[0].split("_")[0]), src, claims, vectors, pairs, y))
    return out


def fit(stories: list[StoryPairs]) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([s.pairs.x[s.y >= 0] for s in stories])
    y = np.concatenate([s.y[s.y >= 0] for s in stories])
    m = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    return m.coef_[0], float(m.intercept_[0])


def evaluate(d: ea.Data, stories: list[StoryPairs], probs: list[np.ndarray], reports: float, related: float):
    model = cl.ClaimModel((), 0.0, reports, related)
    levels: ea.Level = {}
    for s, p in zip(stories, probs, strict=True):
        groups = cl.group_facts(s.claims, s.vectors, s.pairs, p, model)
        levels.update(ea.group_levels(groups, s.src, d.keys))
    return ea.score(ea.with_copies(levels, d.copy_keys), d.gold, d.annotated)


def choose(d: ea.Data, stories: list[StoryPairs], probs: list[np.ndarray]) -> tuple[float, float, tuple]:
    """The two levels, together, with the highest recall whose *reports* and *related* pairs reach
    their precisions (on REPORTS_GRID x RELATED_GRID); where none does, the most precise *reports*
    level alone (no *related* level)."""
    best: tuple[float, float, tuple] | None = None
    fallback: tuple[float, float, tuple] | None = None
    for rep in REPORTS_GRID:
        alone = evaluate(d, stories, probs, rep, 1.01)
        if alone[2] and (fallback is None or alone[1] > fallback[2][1]):
            fallback = (rep, 1.0, alone)
        if not alone[2] or alone[1] < REPORTS_PRECISION:
            continue  # a related level only adds pairs to what reports leaves: it cannot mend its precision
        if best is None or alone[0] > best[2][0]:
            best = (rep, 1.0, alone)
        for rel in RELATED_GRID:
            r = evaluate(d, stories, probs, rep, rel)
            if r[2] and r[1] >= REPORTS_PRECISION and r[4] and r[3] >= RELATED_PRECISION:
                if r[0] > best[2][0]:
                    best = (rep, rel, r)
                break  # higher related levels only connect fewer pairs
        print(f"   reports {rep:.2f}: best so far reports {best[0]:.2f} related {best[1]:.2f}: "
              f"recall {best[2][0]:.3f} P rep {best[2][1]:.3f} P rel {best[2][3]:.3f}", flush=True)  # fmt: skip
    chosen = best or fallback
    assert chosen is not None, "no reports level connects any pair"
    return chosen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="print what would be written")
    args = ap.parse_args()
    d = ea.prepare()
    stories = story_pairs(d)
    n = sum(int((s.y >= 0).sum()) for s in stories)
    pos = sum(int((s.y == 1).sum()) for s in stories)
    print(
        f"{len(stories)} stories, {sum(len(s.pairs.i) for s in stories)} candidate pairs, {n} labelled ({pos} same event)"
    )
    oof: list[np.ndarray] = [np.zeros(0)] * len(stories)
    for fold in (0, 1):
        coef, b = fit([s for s in stories if s.topic % 2 != fold])
        m = cl.ClaimModel(tuple(coef), b, 1.0, 1.0)
        for k, s in enumerate(stories):
            if s.topic % 2 == fold:
                oof[k] = m.probability(s.pairs.x) if len(s.pairs.x) else np.zeros(0)
    print("two folds: levels chosen on the out-of-fold probabilities")
    _rep, _rel, r = choose(d, stories, oof)
    coef, b = fit(stories)
    print("shipped: weights fitted on all topics, levels chosen on their probabilities")
    full = cl.ClaimModel(tuple(coef), b, 1.0, 1.0)
    reports, related, inside = choose(
        d, stories, [full.probability(s.pairs.x) if len(s.pairs.x) else np.zeros(0) for s in stories]
    )
    out = {
        "features": list(cl.FEATURES),
        "coef": [round(float(c), 4) for c in coef],
        "intercept": round(b, 4),
        "reports": reports,
        "related": related,
        "trained_on": f"ECB+ topics 1-35: {n} labelled candidate pairs in storyline's stories ({pos} same event)",
        "two_fold": {
            "recall": round(r[0], 3),
            "reports_precision": round(r[1], 3),
            "related_precision": round(r[3], 3),
        },
        "in_sample": {
            "recall": round(inside[0], 3),
            "reports_precision": round(inside[1], 3),
            "related_precision": round(inside[3], 3),
        },
    }
    print(json.dumps(out, indent=1))
    if not args.dry_run:
        cl.MODEL_PATH.write_text(json.dumps(out, indent=1) + "\n", "utf-8")
        print(f"wrote {cl.MODEL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

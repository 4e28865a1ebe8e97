"""Pairwise precision/recall of cross-outlet claim alignment on hand-annotated stories.

Every pair of sentences from different outlets that storyline puts in one claim row (level
*reports*; headlines and standfirsts are left out, the gold labels body lines only) is a predicted pair; gold pairs are sentences with the same claim label (eval/data/alignment). The
same run scores an embedding-threshold-only aligner (cosine >= 0.75, best match per outlet) to
show what the entity, word and number checks add.

    python eval/alignment.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stories import load

from storyline.analyze.nlp import embed as minilm
from storyline.analyze.static import embed  # what dossiers compare with
from storyline.compare.claims import build_claims


def gold_pairs(story) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    items = [((o, i), label) for o, ls in enumerate(story.lines) for i, (label, _t) in enumerate(ls) if label != "-"]
    return {tuple(sorted((a, b))) for (a, la), (b, lb) in combinations(items, 2) if la == lb and a[0] != b[0]}


def _key(story, article_index: int, sentence: int) -> tuple[int, int]:
    a = story.analyzed[article_index]
    return (article_index, next(s.paragraph for s in a.sentences if s.idx == sentence))


def storyline_pairs(story) -> set:
    groups, _ = build_claims([(a.article, list(a.sentences), list(a.mentions)) for a in story.analyzed], embed)
    out = set()
    for g in groups:
        keys = [_key(story, c.article, c.sentence) for c in g.claims if c.sentence >= 0]  # gold is body lines
        out |= {tuple(sorted((x, y))) for x, y in combinations(keys, 2) if x[0] != y[0]}
    return out


def best_match_pairs(claims, vecs, threshold: float = 0.75) -> set[tuple[int, int]]:
    """Indices (i, j), i < j, of each claim and its best match in every other article, at cosine >= threshold."""
    sims = vecs @ vecs.T
    out = set()
    for i, c in enumerate(claims):
        for other in {d.article for d in claims} - {c.article}:
            cands = [j for j, d in enumerate(claims) if d.article == other]
            j = max(cands, key=lambda j: sims[i, j])
            if sims[i, j] >= threshold:
                out.add((min(i, j), max(i, j)))
    return out


def threshold_pairs(story, threshold: float = 0.75) -> set:
    _, claims = build_claims([(a.article, list(a.sentences), list(a.mentions)) for a in story.analyzed], embed)
    claims = [c for c in claims if c.sentence >= 0]
    keys = [_key(story, c.article, c.sentence) for c in claims]
    return {
        tuple(sorted((keys[i], keys[j])))
        for i, j in best_match_pairs(claims, minilm([c.text for c in claims]), threshold)
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    stories = load()
    print(f"{len(stories)} stories, {sum(len(s.outlets) for s in stories)} articles, "
          f"{sum(len(gold_pairs(s)) for s in stories)} gold aligned pairs\n")  # fmt: skip
    print(f"{'aligner':22} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, fn in (("storyline", storyline_pairs), ("cosine >= 0.75 only", threshold_pairs)):
        tp = n_pred = n_gold = 0
        for s in stories:
            gold, pred = gold_pairs(s), fn(s)
            tp, n_pred, n_gold = tp + len(gold & pred), n_pred + len(pred), n_gold + len(gold)
            if args.verbose and name == "storyline":
                for label, pairs in (("wrong", pred - gold), ("missed", gold - pred)):
                    for a, b in sorted(pairs):
                        first, second = s.lines[a[0]][a[1]][1][:70], s.lines[b[0]][b[1]][1][:70]
                        print(f"  {s.name}: {label}: {first} || {second}")
        p, r = tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:22} {p:9.3f} {r:7.3f} {f:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

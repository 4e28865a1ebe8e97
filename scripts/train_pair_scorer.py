"""Train the pair model of `storyline recluster` (src/storyline/stories/pairs.json) on ECB+ topics 1-35.

Examples: every candidate pair (`regroup.pairs`, the code recluster runs) inside one topic (two
similar real events per topic: the hard cases) and a fixed 5% sample of candidate pairs across
topics, labelled by whether ECB+ puts them in the same sub-topic. A logistic regression
weighs it. The join level is chosen by grouping the articles with `regroup.average_link` exactly as
recluster does: the best BCubed F1 whose precision is at least TARGET_PRECISION (a wrong merge is
worse than a split), else the best F1. The link level is the lowest at which LINK_SAME_TOPIC of
the links between groups stay inside one ECB+ topic (similar events: related, not the same).

The same recipe is run first in two folds (odd topics train, even test, and back); scorer notes
in pairs.json say what it gave on topics it never saw.

    python scripts/train_pair_scorer.py [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))
import ecb  # noqa: E402
import ecb_clusters  # noqa: E402

from storyline.engine.recluster import profiles, recluster  # noqa: E402
from storyline.store.repo import Store  # noqa: E402
from storyline.stories import regroup  # noqa: E402
from storyline.stories.placement import place  # noqa: E402

TARGET_PRECISION = 0.95
LINK_SAME_TOPIC = 0.9
JOIN_GRID = [round(x, 2) for x in np.arange(0.20, 0.91, 0.05)]
LINK_GRID = [round(x, 2) for x in np.arange(0.05, 0.50, 0.05)]
CROSS_SAMPLE = 0.05


@dataclass
class Corpus:
    """The articles placed into a store by ingest's own `place`, as recluster will find them."""

    store: Store
    profiles: list[regroup.Profile]
    gold: dict[str, str]  # file name -> event, every file (refused ones score alone)
    source: dict[str, str]  # article id -> file name

    def scores(self, model: regroup.PairModel) -> tuple[float, float, float]:
        recluster(self.store, model)
        story = {aid: self.store.story_of(aid) for aid in self.source}
        found = {self.source[aid]: s for aid, s in story.items()}
        return ecb_clusters.bcubed({n: found.get(n, f"refused:{n}") for n in self.gold}, self.gold)


def corpus(analyzed, gold: dict[str, str], names: list[str], path: Path) -> Corpus:
    store = Store(path)
    with store.transaction():
        for a in analyzed:
            place(store, a)
    return Corpus(
        store,
        profiles(store.grouping_rows()),
        {n: gold[n] for n in names},
        {a.article.id: a.article.source for a in analyzed},
    )


def fit(c: Corpus) -> tuple[list[float], float]:
    from sklearn.linear_model import LogisticRegression

    ps = sorted(c.profiles, key=lambda p: p.id)  # the order regroup.group works in
    pr = regroup.pairs(ps)
    labels = np.array([c.gold[c.source[p.id]] for p in ps])
    topics = np.array([g.split("/")[0] for g in labels])
    rng = np.random.default_rng(0)
    keep = (topics[pr.i] == topics[pr.j]) | (rng.random(len(pr.i)) < CROSS_SAMPLE)
    x = pr.x[keep]
    y = (labels[pr.i] == labels[pr.j])[keep]
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    return [round(float(v), 4) for v in model.coef_[0]], round(float(model.intercept_[0]), 4)


def choose_join(c: Corpus, coef, intercept) -> tuple[float, tuple[float, float, float]]:
    results = [(join, c.scores(regroup.PairModel(tuple(coef), intercept, join, 1.0))) for join in JOIN_GRID]
    ok = [r for r in results if r[1][0] >= TARGET_PRECISION]
    return max(ok or results, key=lambda r: r[1][2])


def choose_link(c: Corpus, coef, intercept, join) -> float:
    for link in LINK_GRID:
        groups, links = regroup.group(c.profiles, regroup.PairModel(tuple(coef), intercept, join, link))
        if not links:
            return link
        topic = [max({c.gold[c.source[i]].split("/")[0] for i in g}) for g in groups]
        if sum(topic[a] == topic[b] for a, b, _ in links) / len(links) >= LINK_SAME_TOPIC:
            return link
    return LINK_GRID[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="print, do not write pairs.json")
    args = ap.parse_args()
    docs = ecb.docs()
    gold = {d.name: d.gold for d in docs}
    analyzed = ecb.analyzed(docs)
    topic = {d.name: d.topic for d in docs}
    folds = []
    with tempfile.TemporaryDirectory() as tmp:
        for parity in (1, 0):
            tr = corpus(
                [a for a in analyzed if topic[a.article.source] % 2 == parity],
                gold,
                [n for n in gold if topic[n] % 2 == parity],
                Path(tmp) / f"train{parity}.db",
            )
            te = corpus(
                [a for a in analyzed if topic[a.article.source] % 2 != parity],
                gold,
                [n for n in gold if topic[n] % 2 != parity],
                Path(tmp) / f"test{parity}.db",
            )
            coef, intercept = fit(tr)
            join, _ = choose_join(tr, coef, intercept)
            pr, rc, f1 = te.scores(regroup.PairModel(tuple(coef), intercept, join, 1.0))
            test = "even" if parity else "odd"
            folds.append({"test_topics": test, "join": join, "P": round(pr, 3), "R": round(rc, 3), "F1": round(f1, 3)})
            print(f"fold: test on {test} topics, join {join}: P {pr:.3f} R {rc:.3f} F1 {f1:.3f}")
        whole = corpus(analyzed, gold, list(gold), Path(tmp) / "all.db")
        coef, intercept = fit(whole)
        join, (pr, rc, f1) = choose_join(whole, coef, intercept)
        link = choose_link(whole, coef, intercept, join)
    print(
        f"all topics: coef {coef} intercept {intercept}; join {join} (P {pr:.3f} R {rc:.3f} F1 {f1:.3f}); link {link}"
    )
    out = {
        "features": list(regroup.FEATURES),
        "coef": coef,
        "intercept": intercept,
        "join": join,
        "link": link,
        "trained_on": "ECB+ topics 1-35, scripts/train_pair_scorer.py",
        "in_sample": {"P": round(pr, 3), "R": round(rc, 3), "F1": round(f1, 3)},
        "two_fold_by_topic": folds,
    }
    if not args.dry_run:
        regroup.MODEL_PATH.write_text(json.dumps(out, indent=1) + "\n", "utf-8")
        print(f"wrote {regroup.MODEL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

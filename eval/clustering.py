"""B-cubed precision/recall of story clustering, and what the embedded lead's length costs.

Gold stories: the eight hand-written multi-outlet stories of eval/data/alignment (three outlets
each, all on one day, so only content separates them), plus, when ../shared is present, the five
seed articles (four on one visit, one on its announcement two months before). Every article is
analysed once; then, for each lead length (title + first N sentences), the lead is embedded and
the articles are clustered into a fresh store by the engine's own `place`, and the run is scored,
then scored again after `recluster` (what ingest ends with on a store this size).
Also prints the time to embed the leads, the cost that the lead length trades against.

    python eval/clustering.py [--verbose]
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stories import load

from storyline.analyze import analyze_batch
from storyline.analyze.nlp import embed
from storyline.analyze.pipeline import lead
from storyline.engine.recluster import recluster
from storyline.extract import extract
from storyline.ingest import read_sources
from storyline.records import AnalyzedArticle, IngestProblem
from storyline.store.repo import Store
from storyline.stories.placement import place

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "samples" / "seeds"


def bcubed(pred: dict[str, int], gold: dict[str, str]) -> tuple[float, float]:
    """Mean per-article precision and recall of the predicted story against the gold one."""
    p = r = 0.0
    for a in gold:
        same_pred = {b for b in gold if pred[b] == pred[a]}
        same_gold = {b for b in gold if gold[b] == gold[a]}
        both = len(same_pred & same_gold)
        p += both / len(same_pred)
        r += both / len(same_gold)
    return p / len(gold), r / len(gold)


def corpus() -> tuple[list[AnalyzedArticle], dict[str, str]]:
    analyzed: list[AnalyzedArticle] = []
    gold: dict[str, str] = {}
    for s in load():
        for a in s.analyzed:
            analyzed.append(a)
            gold[a.article.id] = s.name
    if SEEDS.is_dir():
        seeds = analyze_batch([extract(d) for d in read_sources([str(SEEDS)]) if not isinstance(d, IngestProblem)])
        for a in seeds:
            analyzed.append(a)
            # 004 announces the trip that 000-003 report (annotation, not a heuristic)
            gold[a.article.id] = "seeds-announcement" if "004_" in a.article.source else "seeds-visit"
    return analyzed, gold


def main() -> int:
    verbose = "--verbose" in sys.argv
    analyzed, gold = corpus()
    print(f"{len(analyzed)} articles, {len(set(gold.values()))} gold stories")
    print(f"{'lead':28} {'B3 P':>6} {'B3 R':>6} {'F1':>6} {'embed s':>8}")
    for n in (1, 2, 3):
        t = time.perf_counter()
        vectors = embed([lead(a.article, list(a.sentences), n) for a in analyzed])
        spent = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "c.db") as store:
            with store.transaction():
                for a, v in sorted(zip(analyzed, vectors, strict=True), key=lambda x: x[0].article.published is None):
                    place(store, dataclasses.replace(a, vector=tuple(float(x) for x in v)))
            pred = {aid: store.story_of(aid) for aid in gold}
            recluster(store)
            regrouped = {aid: store.story_of(aid) for aid in gold}
        if verbose:
            for aid in sorted(gold, key=lambda x: pred[x] or 0):
                print(f"  story {pred[aid]:>3}  gold {gold[aid]:20} {aid}")
        p, r = bcubed(pred, gold)  # type: ignore[arg-type]
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{'title + ' + str(n) + ' sentence(s)':28} {p:6.3f} {r:6.3f} {f:6.3f} {spent:8.2f}")
        p, r = bcubed(regrouped, gold)  # type: ignore[arg-type]
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{'  then recluster':28} {p:6.3f} {r:6.3f} {f:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

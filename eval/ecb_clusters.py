"""Story grouping on real news: storyline's stories against ECB+ topics 1-35's events.

Rules, fixed before any result was seen:
- Articles: every file of ECB+ topics 1-35 in `../shared/data/ecbplus/` (loaded by eval/ecb.py:
  the URL line of ECB+ files dropped, its headline kept as the title; no dates, no outlets).
- Gold: one cluster per topic and sub-topic (`N_Mecb` vs `N_Mecbplus` files are two similar but
  different real events of topic N).
- Scores: BCubed precision, recall and F1 (per-article, averaged over all articles) and the adjusted
  Rand index, over every article (an article left alone is its own cluster).
- storyline: the articles, parsed and embedded by storyline's own analyze, are placed one by one by
  the engine's `place` into a fresh store, in file order (topic, then file name); the stories are
  then re-examined by `recluster` as `storyline recluster` does. With `--orders K`, K shuffled
  input orders are run too, to show how much the order moves the result.
- Baselines, same run, parameters fixed in advance (not tuned here): MiniLM (the model storyline
  ships) over title + whole text (the model reads its first 256 word pieces), normalised, then
  HDBSCAN with min_cluster_size=2 (noise points stay alone); TF-IDF (sublinear tf, English stop
  words) with average-link agglomerative clustering, cosine distance threshold 0.85.

    python eval/ecb_clusters.py [--orders K] [--verbose]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ecb

from storyline.records import AnalyzedArticle
from storyline.store.repo import Store


def bcubed(pred: dict[str, object], gold: dict[str, str]) -> tuple[float, float, float]:
    by_pred: dict[object, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for a in gold:
        by_pred.setdefault(pred[a], set()).add(a)
        by_gold.setdefault(gold[a], set()).add(a)
    p = r = 0.0
    for a in gold:
        both = len(by_pred[pred[a]] & by_gold[gold[a]])
        p += both / len(by_pred[pred[a]])
        r += both / len(by_gold[gold[a]])
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ari(pred: dict[str, object], gold: dict[str, str]) -> float:
    from sklearn.metrics import adjusted_rand_score

    ids = sorted(gold)
    labels = {v: i for i, v in enumerate(sorted({str(pred[a]) for a in ids}))}
    return float(adjusted_rand_score([gold[a] for a in ids], [labels[str(pred[a])] for a in ids]))


def storyline_run(analyzed: list[AnalyzedArticle], recluster: bool, names: list[str]) -> dict[str, object]:
    """Story of each file; a file storyline refused is alone."""
    from storyline.stories.placement import place

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "ecb.db") as store:
        with store.transaction():
            for a in analyzed:
                place(store, a)
        if recluster:
            from storyline.engine.recluster import recluster as run_recluster

            run_recluster(store)
        found = {a.article.source: store.story_of(a.article.id) for a in analyzed}
    return {n: found.get(n, f"refused:{n}") for n in names}


def hdbscan_baseline(docs: list[ecb.EcbDoc]) -> dict[str, object]:
    from sklearn.cluster import HDBSCAN

    from storyline.analyze.nlp import embed

    texts = [" ".join([d.title or "", *(t for _, t in d.sentences)]).strip() for d in docs]
    vecs = np.asarray(embed(texts))
    labels = HDBSCAN(min_cluster_size=2).fit_predict(vecs)
    return {d.name: (int(lab) if lab >= 0 else f"alone:{d.name}") for d, lab in zip(docs, labels, strict=True)}


def tfidf_baseline(docs: list[ecb.EcbDoc]) -> dict[str, object]:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [" ".join([d.title or "", *(t for _, t in d.sentences)]) for d in docs]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=0.85)
    labels = model.fit_predict(x)
    return {d.name: int(lab) for d, lab in zip(docs, labels, strict=True)}


def row(name: str, pred: dict[str, object], gold: dict[str, str], extra: str = "") -> None:
    p, r, f = bcubed(pred, gold)
    n = len({str(v) for v in pred.values()})
    print(f"{name:38} {p:6.3f} {r:6.3f} {f:6.3f} {ari(pred, gold):6.3f} {n:6d} {extra}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orders", type=int, default=0, help="also run K shuffled input orders")
    ap.add_argument("--verbose", action="store_true", help="list the gold events storyline split or merged")
    args = ap.parse_args()
    docs = ecb.docs()
    gold = {d.name: d.gold for d in docs}
    t = time.perf_counter()
    analyzed = ecb.analyzed(docs)
    print(f"{len(docs)} articles, {len(set(gold.values()))} gold events (analysed in {time.perf_counter() - t:.0f} s)")
    print(f"{'system':38} {'B3 P':>6} {'B3 R':>6} {'F1':>6} {'ARI':>6} {'groups':>6}")
    t = time.perf_counter()
    placed = storyline_run(analyzed, recluster=False, names=list(gold))
    row("storyline, placed one by one", placed, gold, f"{time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    pred = storyline_run(analyzed, recluster=True, names=list(gold))
    row("storyline, after recluster", pred, gold, f"{time.perf_counter() - t:.1f} s")
    row("MiniLM + HDBSCAN (min cluster 2)", hdbscan_baseline(docs), gold)
    row("TF-IDF + average-link (0.85)", tfidf_baseline(docs), gold)
    if args.orders:
        fs = {False: [], True: []}
        for seed in range(args.orders):
            order = list(analyzed)
            random.Random(seed).shuffle(order)
            for rc in (False, True):
                fs[rc].append(bcubed(storyline_run(order, recluster=rc, names=list(gold)), gold)[2])
        for rc in (False, True):
            label = "after recluster" if rc else "placed one by one"
            print(f"{args.orders} shuffled orders, {label}: F1 mean {np.mean(fs[rc]):.3f} sd {np.std(fs[rc]):.4f}")
    if args.verbose:
        by_gold: dict[str, set[object]] = {}
        by_pred: dict[object, set[str]] = {}
        for name, g in gold.items():
            by_gold.setdefault(g, set()).add(pred[name])
            by_pred.setdefault(pred[name], set()).add(g)
        titles = {d.name: (d.title or d.sentences[0][1])[:70] for d in docs}
        for g, stories in sorted(by_gold.items()):
            if len(stories) > 1:
                print(f"split {g}: {len(stories)} stories")
                for s in stories:
                    names = [n for n in gold if pred[n] == s and gold[n] == g]
                    print(f"   story {s}: {len(names)}  e.g. {names[0]}: {titles[names[0]]}")
        for s, gs in by_pred.items():
            if len(gs) > 1:
                print(f"merged in story {s}: {sorted(gs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

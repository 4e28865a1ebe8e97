"""Ingest throughput next to the bare model passes on the same texts, in one process.

Runs `storyline ingest` end to end (read, clean, analyze, cluster, store) on N BBC articles into a
fresh store, then, on the same cleaned texts, spaCy's `nlp.pipe` alone and the sentence embedder
alone. Prints articles/s for each, the ratio of end to end over the bare spaCy pass, and peak RSS.

    python bench/throughput.py [--articles 1000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from variants import write_jsonl

from storyline.analyze.nlp import embed, embedder, spacy_nlp
from storyline.engine.local import ingest
from storyline.store.repo import Store


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    jsonl = write_jsonl(tmp / "in.jsonl", args.articles)
    spacy_nlp(), embedder()  # loaded once, outside the timings, as in a long-running process
    t = time.perf_counter()
    with Store(tmp / "b.db") as store:
        report = ingest(store, [str(jsonl)], batch_size=64)
        texts = [store.article(i).text for i in store.article_ids()]
        sentences = [r[0] for r in store.db.execute("SELECT text FROM sentences")]
    end_to_end = time.perf_counter() - t
    t = time.perf_counter()
    for _ in spacy_nlp().pipe(texts, batch_size=16):
        pass
    bare_spacy = time.perf_counter() - t
    t = time.perf_counter()
    embed(sentences)
    bare_embed = time.perf_counter() - t
    n = len(texts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{report.summary()}")
    print(f"{'pass':32} {'seconds':>8} {'articles/s':>11}")
    print(f"{'storyline ingest, end to end':32} {end_to_end:8.1f} {n / end_to_end:11.1f}")
    print(f"{'spaCy nlp.pipe alone':32} {bare_spacy:8.1f} {n / bare_spacy:11.1f}")
    print(f"{'embedding every sentence alone':32} {bare_embed:8.1f} {n / bare_embed:11.1f}")
    print(f"end to end / bare spaCy: {bare_spacy / end_to_end:.2f}x   peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

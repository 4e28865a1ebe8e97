"""Ingest throughput next to the bare model passes on the same texts, in one process.

Runs `storyline ingest` end to end (read, clean, analyze, cluster, store) on N BBC articles into a
fresh store with one worker and again with `--workers 2` processes, then, on the same cleaned
texts, spaCy's `nlp.pipe` alone and the sentence embedder over every sentence alone. Prints
articles/s for each, the ratio of end to end over the bare spaCy pass, the speed-up of two
workers over one, and peak RSS of this process and of its worker processes.

    python bench/throughput.py [--articles 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from variants import write_jsonl

from storyline.analyze.nlp import embed, embedder, spacy_nlp
from storyline.engine.local import ingest
from storyline.engine.workers import local_analyzer
from storyline.store.repo import Store


def run(jsonl: Path, db: Path, workers: int) -> tuple[float, str, list[str], list[str]]:
    analyzer = local_analyzer(workers)
    t = time.perf_counter()
    analyzer.warm()  # worker processes start and load their models outside the timing
    if workers > 1:
        print(f"starting {workers} worker processes took {time.perf_counter() - t:.1f} s", file=sys.stderr)
    t = time.perf_counter()
    with Store(db) as store:
        report = ingest(store, [str(jsonl)], batch_size=64, analyzer=analyzer)
        seconds = time.perf_counter() - t
        analyzer.close()
        texts = [store.article(i).text for i in store.article_ids()]
        sentences = [r[0] for r in store.db.execute("SELECT text FROM sentences")]
    return seconds, report.summary(), texts, sentences


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2, help="worker processes for the parallel run")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    jsonl = write_jsonl(tmp / "in.jsonl", args.articles)
    spacy_nlp(), embedder()  # loaded once, outside the timings, as in a long-running process
    one, summary, texts, sentences = run(jsonl, tmp / "one.db", 1)
    many, _s, _t, _x = run(jsonl, tmp / "many.db", args.workers)
    t = time.perf_counter()
    for _ in spacy_nlp().pipe(texts, batch_size=16):
        pass
    bare_spacy = time.perf_counter() - t
    t = time.perf_counter()
    embed(sentences)
    bare_embed = time.perf_counter() - t
    n = len(texts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{summary}; {os.cpu_count()} CPUs")
    print("| pass | seconds | articles/s |\n|---|---:|---:|")
    print(f"| storyline ingest, end to end, 1 worker | {one:.1f} | {n / one:.1f} |")
    print(f"| storyline ingest, end to end, --workers {args.workers} | {many:.1f} | {n / many:.1f} |")
    print(f"| spaCy nlp.pipe alone | {bare_spacy:.1f} | {n / bare_spacy:.1f} |")
    print(f"| embedding every sentence alone | {bare_embed:.1f} | {n / bare_embed:.1f} |")
    print(f"end to end (1 worker) / bare spaCy: {bare_spacy / one:.2f}x;  --workers {args.workers} / 1 worker: "
          f"{one / many:.2f}x;  peak RSS {peak:.0f} MB (main), {children:.0f} MB (largest worker)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

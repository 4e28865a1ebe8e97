"""Ingest throughput next to the bare model passes on the same texts, in one process.

Runs `storyline ingest` end to end (read, clean, analyze with every vector a dossier uses, cluster,
store) on N BBC articles into a fresh store with one worker, with `--workers 2` processes and
with `--workers auto` (the default: the first batch inline, then worker processes forked on
Linux; they start inside the timing, as in a real run), then, on the same cleaned texts, spaCy's `nlp.pipe` alone, and over every stored
sentence MiniLM alone (what dossiers compared with before) and the static embedder alone (what
they compare with now). Prints articles/s for each, the ratio of end to end over the bare spaCy
pass, the speed-up of two workers over one, peak RSS of this process and of its worker
processes, and the first view of the dossier of a 10-article and of a 200-article story right
after its articles are stored (bench/incremental.py's story: one BBC section over ten outlets).

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
import incremental
from variants import write_jsonl

from storyline.analyze import static
from storyline.analyze.nlp import embed, embedder, spacy_nlp
from storyline.engine.local import ingest
from storyline.engine.workers import AUTO, local_analyzer
from storyline.extract.article import _language_identifier
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store


def run(jsonl: Path, db: Path, workers: int, batch_size: int) -> tuple[float, str, list[str], list[str]]:
    analyzer = local_analyzer(workers)
    t = time.perf_counter()
    analyzer.warm()  # worker processes start and load their models outside the timing
    if workers > 1:
        print(f"starting {workers} worker processes took {time.perf_counter() - t:.1f} s", file=sys.stderr)
    t = time.perf_counter()
    with Store(db) as store:
        report = ingest(store, [str(jsonl)], batch_size=batch_size, analyzer=analyzer)
        seconds = time.perf_counter() - t
        analyzer.close()
        texts = [store.article(i).text for i in store.article_ids()]
        sentences = [r[0] for r in store.db.execute("SELECT text FROM sentences")]
    return seconds, report.summary(), texts, sentences


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2, help="worker processes for the parallel run")
    ap.add_argument("--batch-size", type=int, default=S.batch_size, help=f"as ingest's (default {S.batch_size})")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    jsonl = write_jsonl(tmp / "in.jsonl", args.articles)
    # every model loaded once, outside the timings, as in a long-running process (the language
    # identifier and the static embedder too: else the first run alone paid their 1-2 s of loading)
    spacy_nlp(), embedder(), static.table(), static.tokenizer(), _language_identifier()
    one, summary, texts, sentences = run(jsonl, tmp / "one.db", 1, args.batch_size)
    many, _s, _t, _x = run(jsonl, tmp / "many.db", args.workers, args.batch_size)
    auto, _s, _t, _x = run(jsonl, tmp / "auto.db", AUTO, args.batch_size)
    t = time.perf_counter()
    for _ in spacy_nlp().pipe(texts, batch_size=16):
        pass
    bare_spacy = time.perf_counter() - t
    t = time.perf_counter()
    embed(sentences)
    bare_embed = time.perf_counter() - t
    t = time.perf_counter()
    static.embed(sentences)
    bare_static = time.perf_counter() - t
    base = incremental.analysed_originals(args.workers)
    first = {size: incremental.dossier_time(base, Path(tempfile.mkdtemp(dir=tmp)), size)[2] for size in (10, 200)}
    n = len(texts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{summary}; {os.cpu_count()} CPUs")
    print("| pass | seconds | articles/s |\n|---|---:|---:|")
    print(f"| storyline ingest, end to end, 1 worker | {one:.1f} | {n / one:.1f} |")
    print(f"| storyline ingest, end to end, --workers {args.workers} | {many:.1f} | {n / many:.1f} |")
    print(f"| storyline ingest, end to end, --workers auto (default) | {auto:.1f} | {n / auto:.1f} |")
    print(f"| spaCy nlp.pipe alone | {bare_spacy:.1f} | {n / bare_spacy:.1f} |")
    print(f"| MiniLM over every sentence alone | {bare_embed:.1f} | {n / bare_embed:.1f} |")
    print(f"| static embedder over every sentence alone | {bare_static:.1f} | {n / bare_static:.1f} |")
    print(f"end to end (1 worker) / bare spaCy: {bare_spacy / one:.2f}x;  --workers {args.workers} / 1 worker: "
          f"{one / many:.2f}x;  peak RSS {peak:.0f} MB (main), {children:.0f} MB (largest worker)")  # fmt: skip
    print(f"end to end --workers auto / bare spaCy: {bare_spacy / auto:.2f}x;  --workers {args.workers}: "
          f"{bare_spacy / many:.2f}x;  auto / 1 worker: {one / auto:.2f}x")  # fmt: skip
    print(f"first dossier view right after ingest: 10 articles {first[10]:.2f} s, 200 articles {first[200]:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

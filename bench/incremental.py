"""What one more article costs as the store grows (1k, 10k, 100k), peak memory, and dossier time.

Analysing 100k articles takes hours on two cores, so the large stores are grown from analyses:
the 2,108 BBC originals are analysed once for real (cached in bench/.cache/), and variant k of an
article (see variants.py) is its analysed record with the variant's URL, outlet, date and text, and
its lead vector nudged by a little noise, as rewording would. Every record then goes through the
engine's own `place` (MinHash of the variant's real text, LSH copy search, inverted-index story
search, scoring, store writes), in transactions of 64 as ingest commits them. At 1k, 10k and 100k
articles, PROBES more articles are added one at a time, each in its own transaction, and timed:
that is the cost the store adds per article; the analysis costs the same at any size (see
throughput.py). Last, the dossier of a story of 200 distinct articles (one BBC section's, spread
over ten outlets) is built and timed, cold and again with the sentence vectors it cached.

    python bench/incremental.py [--sizes 1000,10000,100000] [--probes 50]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import pickle
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from variants import OUTLETS, originals, variants

from storyline.analyze import static
from storyline.dossier import build_dossier
from storyline.engine.workers import local_analyzer
from storyline.extract import extract
from storyline.records import AnalyzedArticle, RawDocument
from storyline.store.repo import Store
from storyline.stories.placement import place

CACHE = Path(__file__).resolve().parent / ".cache"


def analysed_originals(workers: int) -> list[AnalyzedArticle]:
    # the cache is named by the record's fields: a cache written before a field was added is not read
    # and by the static embedder's file, whose vectors the records carry
    fields = " ".join(f.name for f in dataclasses.fields(AnalyzedArticle))
    shape = hashlib.sha1(fields.encode() + static.MODEL_PATH.read_bytes()).hexdigest()[:8]
    cached = CACHE / f"bbc-analysed-{shape}.pkl"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    n = len(originals())
    arts = [extract(RawDocument(r["url"], json.dumps(r).encode(), "json")) for r in variants(n)]
    t = time.perf_counter()
    analyzer = local_analyzer(workers)
    futures = [analyzer.submit(arts[i : i + 64]) for i in range(0, n, 64)]
    out = [a for f in futures for a, _sig in f.result()]
    analyzer.close()
    print(f"analysed {n} originals in {time.perf_counter() - t:.0f} s with {workers} workers", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(out))
    return out


def grown(base: list[AnalyzedArticle], start: int, stop: int, seed: int = 3) -> Iterator[AnalyzedArticle]:
    """Records start..stop-1 of the variant sequence, built from the analysed originals."""
    rng = np.random.default_rng(seed + start)
    for i, rec in enumerate(variants(stop)):
        if i < start:
            continue
        a = base[i % len(base)]
        text = rec["text"]
        art = dataclasses.replace(
            a.article, source=rec["url"], url=rec["url"], key=rec["url"], outlet=rec["outlet"],
            published=rec["published"], paragraphs=tuple(text.split("\n\n")), title=rec["title"],
            id=hashlib.sha1(rec["url"].encode()).hexdigest()[:12],
            content_hash=hashlib.sha256(f"{rec['title']}\n{text}".encode()).hexdigest(),
        )  # fmt: skip
        v = np.asarray(a.vector, dtype=np.float32)
        if i >= len(base):
            v = v + rng.normal(0, 0.02, v.shape).astype(np.float32)
            v /= np.linalg.norm(v)
        yield dataclasses.replace(a, article=art, vector=tuple(float(x) for x in v))


def fill(store: Store, records: Iterator[AnalyzedArticle]) -> None:
    batch: list[AnalyzedArticle] = []
    for a in records:
        batch.append(a)
        if len(batch) == 64:
            with store.transaction():
                for b in batch:
                    place(store, b)
            batch.clear()
    with store.transaction():
        for b in batch:
            place(store, b)


def probe(store: Store, base: list[AnalyzedArticle], n: int, tag: int) -> list[float]:
    """Add n more articles one by one (their own transaction each); seconds per article."""
    rng = random.Random(tag)
    out = []
    for j in range(n):
        a = base[rng.randrange(len(base))]
        url = f"https://probe.example/{tag}/{j}"
        text = a.article.text + f"\n\nProbe {tag}-{j}."
        art = dataclasses.replace(
            a.article, source=url, url=url, key=url, outlet="Probe Post",
            id=hashlib.sha1(url.encode()).hexdigest()[:12], paragraphs=tuple(text.split("\n\n")),
            content_hash=hashlib.sha256(url.encode()).hexdigest(),
        )  # fmt: skip
        t = time.perf_counter()
        with store.transaction():
            place(store, dataclasses.replace(a, article=art))
        out.append(time.perf_counter() - t)
    return out


def dossier_time(base: list[AnalyzedArticle], tmp: Path, size: int = 200) -> tuple[int, int, float, float]:
    """A story of `size` distinct articles (one BBC section's, spread over ten outlets): the most
    work a dossier can get, since copies would be set aside and the rest must all be compared."""
    section = [a for a in base if "/business/" in a.article.source][:size]
    records = [
        dataclasses.replace(a, article=dataclasses.replace(a.article, outlet=OUTLETS[j % len(OUTLETS)]))
        for j, a in enumerate(section)
    ]
    with Store(tmp / "dossier.db") as store:
        with store.transaction():
            for a in records:
                place(store, a)
            story = store.story_of(records[0].article.id)
            assert story is not None
            for a in records:  # one story, whatever clustering made of them: the cost is what is measured
                store.add_member(a.article.id, story, None)
        n = len(store.article_ids(story))
        t = time.perf_counter()
        d = build_dossier(store, story)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        build_dossier(store, story)
        warm = time.perf_counter() - t
    return n, len(d.claims), cold, warm


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--probes", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2, help="processes for analysing the originals (first run)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    base = analysed_originals(args.workers)
    tmp = Path(tempfile.mkdtemp(prefix="storyline-incr-"))
    rows = []
    with Store(tmp / "grow.db") as store:
        have = 0
        for size in sizes:
            t = time.perf_counter()
            fill(store, grown(base, have, size))
            built = time.perf_counter() - t
            placed = size - have
            print(f"grew the store to {size} articles: {placed} placed in {built:.0f} s", file=sys.stderr)
            have = size
            times = probe(store, base, args.probes, size)
            counts = store.counts()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            rows.append((size, counts["stories"], statistics.median(times), statistics.mean(times), max(times),
                         placed / built if built else 0.0, rss))  # fmt: skip
            print(f"  one more article at {size}: median {statistics.median(times) * 1000:.1f} ms", file=sys.stderr)
    print(
        "| store size | stories | add one article: median ms | mean ms | max ms | placed/s while growing | peak RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, stories, med, mean, mx, rate, rss in rows:
        print(
            f"| {size:,} | {stories:,} | {med * 1000:.1f} | {mean * 1000:.1f} | {mx * 1000:.1f} | {rate:.0f} | {rss:.0f} |"
        )
    first = rows[0]
    for r in rows[1:]:
        print(f"cost at {r[0]:,} / cost at {first[0]:,} (median): {r[2] / first[2]:.2f}x")
    n, claims, cold, warm = dossier_time(base, tmp)
    print(f"dossier of a story of {n} articles ({claims} claims): {cold:.1f} s cold, "
          f"{warm:.1f} s with cached sentence vectors")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What re-examining a store's stories costs as it grows: `regroup.group` at 1k to 20k articles.

The articles are ECB+ topics 1-35 (772 real articles, analysed by storyline, cached by
eval/ecb.py), grown by replicas: replica r of an article keeps its names and half of its content
words and renames the other half (suffix r), and its lead vector gets a little noise, so each
replica set is a new batch of events that shares vocabulary with the others, as a year of news
shares it with the last. Timed: the whole of `regroup.group` (pair evidence by blocks, the model,
components, average-link), the thing ingest runs at its end up to recluster.AUTO_MAX_ARTICLES, and
the ratio to the 1k time in the same run.

    python bench/recluster.py [--sizes 1000,5000,10000,20000]
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
import ecb

from storyline.stories import regroup


def base_profiles() -> list[regroup.Profile]:
    out = []
    for a in ecb.analyzed(ecb.docs()):
        v = np.asarray(a.vector, dtype=np.float64)
        out.append(
            regroup.Profile(
                a.article.id,
                v / np.linalg.norm(v),
                tuple(f"{m.label.lower()}:{m.canonical.lower()}" for m in a.mentions),
                " ".join([a.article.title or "", a.article.text]),
                None,
            )
        )
    return out


def replicas(base: list[regroup.Profile], n: int) -> list[regroup.Profile]:
    rng = np.random.default_rng(7)
    out = list(base[:n])
    r = 0
    while len(out) < n:
        r += 1
        for p in base:
            if len(out) >= n:
                break
            text = re.sub(
                r"\w+",
                lambda m, r=r: m.group() + (f"x{r}" if zlib.crc32(f"{m.group()}{r}".encode()) % 2 else ""),
                p.text,
            )
            v = p.vector + rng.normal(0, 0.02, p.vector.shape)
            out.append(regroup.Profile(f"{p.id}-{r}", v / np.linalg.norm(v), p.names, text, None))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,5000,10000,20000")
    args = ap.parse_args()
    base = base_profiles()
    regroup.words("warm")  # spaCy's stop words are imported here, not inside the first timing
    first = None
    print(f"{'articles':>9} {'groups':>7} {'seconds':>8} {'x 1k':>6} {'peak RSS MB':>12}")
    for n in (int(x) for x in args.sizes.split(",")):
        ps = replicas(base, n)
        t = time.perf_counter()
        groups, _ = regroup.group(ps)
        spent = time.perf_counter() - t
        first = first or spent
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n:9d} {len(groups):7d} {spent:8.1f} {spent / first:6.1f} {rss:12.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

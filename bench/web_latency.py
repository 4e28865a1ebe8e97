"""Page latency of `storyline serve` under concurrent load on loopback, on a store of N articles.

Builds (once, cached under bench/.cache/) a store from N variants of the BBC corpus (see
variants.py), starts a real server on 127.0.0.1, and sends a bounded number of requests from
C concurrent clients over the pages people use: the stories list, a search, dossiers, articles,
entities and the JSON API. Prints latency percentiles per page and requests per second.

    python bench/web_latency.py [--articles 10000] [--concurrency 8] [--requests 600]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from variants import write_jsonl

from storyline.engine.local import ingest
from storyline.store.repo import Store

CACHE = Path(__file__).resolve().parent / ".cache"


def build(n: int) -> Path:
    db = CACHE / f"web-{n}.db"
    if db.exists():
        with Store(db) as s:
            if s.counts()["articles"] >= n:
                return db
    # About one variant in ten comes out identical to an earlier one and is skipped as unchanged.
    jsonl = write_jsonl(CACHE / f"variants-{n}.jsonl", int(n * 1.15))
    t = time.time()
    with Store(db) as s:
        report = ingest(s, [str(jsonl)], batch_size=64, workers=2)
    print(f"built {db.name}: {report.summary()} in {time.time() - t:.0f} s", file=sys.stderr)
    return db


async def load(base: str, urls: list[tuple[str, str]], concurrency: int) -> dict[str, list[float]]:
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    times: dict[str, list[float]] = {}
    errors = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            kind, path = queue.get_nowait()
            t = time.perf_counter()
            r = await client.get(base + path)
            times.setdefault(kind, []).append(time.perf_counter() - t)
            errors += r.status_code >= 500

    async with httpx.AsyncClient(timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    if errors:
        print(f"{errors} server errors", file=sys.stderr)
    return times


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--requests", type=int, default=600)
    args = ap.parse_args()
    db = build(args.articles)
    with Store(db, readonly=True) as s:
        stories = s.stories()
        n_articles = s.counts()["articles"]
        people = s.people(50)
    rng = random.Random(3)
    big = sorted(stories, key=lambda x: -len(x.articles))[:50]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/api/stories?q=zzzz", timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        kinds = [
            ("stories list", lambda: "/"),
            (
                "search",
                lambda: "/?q=" + rng.choice(["election", "film", "shares", "broadband", "football", "minister"]),
            ),
            ("dossier", lambda: f"/stories/{rng.choice(big).id}"),
            ("article", lambda: f"/articles/{rng.choice(rng.choice(stories).articles).id}"),
            ("entity", lambda: "/entities/" + httpx.URL(path=rng.choice(people)).raw_path.decode()),
            ("api story", lambda: f"/api/stories/{rng.choice(big).id}"),
        ]
        urls = [(k, f()) for k, f in (rng.choice(kinds) for _ in range(args.requests))]
        t = time.time()
        times = asyncio.run(load(base, urls, args.concurrency))
        wall = time.time() - t
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"store: {n_articles} articles, {len(stories)} stories; {args.requests} requests, {args.concurrency} concurrent clients"
    )
    print(f"{'page':14} {'n':>5} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for kind, xs in sorted(times.items()):
        print(
            f"{kind:14} {len(xs):5d} {pct(xs, 50):8.1f} {pct(xs, 90):8.1f} {pct(xs, 99):8.1f} {statistics.mean(xs) * 1000:8.1f}"
        )
    print(f"throughput: {args.requests / wall:.1f} requests/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

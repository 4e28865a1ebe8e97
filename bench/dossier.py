"""Dossier time for a story of 200 distinct articles: the most work a dossier can get.

The story (one BBC section's articles spread over ten outlets, as bench/incremental.py builds it)
is stored once in `--db`; each run then builds its dossier with the sentence vectors already
cached, as every dossier after the first does, and prints the seconds. Compare two versions of
the code side by side, pair by pair, with farm-bench (the baseline's source tree on PYTHONPATH):

    python bench/dossier.py --db /tmp/d200.db --setup
    farm-bench -n 5 --vs 'env PYTHONPATH=OLD/src python bench/dossier.py --db /tmp/d200.db' \\
        -- python bench/dossier.py --db /tmp/d200.db
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def setup(db: Path) -> None:
    import tempfile

    import incremental

    base = incremental.analysed_originals(2)
    with tempfile.TemporaryDirectory() as tmp:
        n, claims, cold, warm = incremental.dossier_time(base, Path(tmp))
        Path(tmp, "dossier.db").replace(db)
    print(f"stored a story of {n} articles in {db} ({claims} claim rows; {cold:.1f} s cold, {warm:.1f} s warm)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--setup", action="store_true", help="store the 200-article story first")
    args = ap.parse_args()
    if args.setup:
        setup(args.db)
        return 0
    from storyline.dossier import build_dossier
    from storyline.store.repo import Store

    with Store(args.db) as store:
        story = max(store.stories(), key=lambda s: len(s.articles))
        t = time.perf_counter()
        d = build_dossier(store, story.id)
        print(f"{len(story.articles)} articles, {len(d.claims)} claim rows: {time.perf_counter() - t:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

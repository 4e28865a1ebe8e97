"""How long `storyline export` takes on a store of N articles, and which Parquet writer to use.

The store is grown as bench/incremental.py grows its stores (the 2,108 BBC originals analysed once
for real and cached, variant k of an article placed through the engine's own `place`), cached
under bench/.cache/. Then, in one run on the same tables:

- reading the store into tables (one read-only dossier per story, no summaries: `export.collect`);
- CSV, written by the csv module (`export --format csv`);
- Parquet written by pyarrow from the rows (`export --format parquet`, what storyline ships);
- Parquet written by DuckDB, the other candidate: the same rows loaded through the CSV files
  (DuckDB's fast path for data that lives in Python) and `COPY ... (FORMAT parquet)`;
- the whole `storyline export` command, both formats, as a user runs it.

    python bench/export.py [--articles 10000] [--db PATH]  # --db: time an existing store instead
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from incremental import CACHE, analysed_originals, fill, grown

from storyline import export
from storyline.reads import Reader
from storyline.store.repo import Store


def build(n: int) -> Path:
    db = CACHE / f"export-{n}.db"
    if db.exists():
        with Store(db) as s:
            if s.article_count() >= n:
                return db
        db.unlink()
    base = analysed_originals(workers=2)
    t = time.perf_counter()
    with Store(db) as s:  # about one variant in ten is identical to an earlier one and is not stored
        fill(s, grown(base, 0, int(n * 1.15)))
        count = s.article_count()
    print(f"built {db.name}: {count:,} articles in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return db


def timed(label: str, fn, rows: list[tuple[str, float, str]], note: str = "") -> object:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    rows.append((label, time.perf_counter() - t, note))
    return out


def duckdb_parquet(csv_dir: Path, out: Path) -> None:
    import duckdb

    con = duckdb.connect()
    for name in export.TABLES:
        src, dst = csv_dir / f"{name}.csv", out / f"{name}.parquet"
        con.execute(
            f"COPY (SELECT * FROM read_csv('{src}', header = true, all_varchar = false)) TO '{dst}' "
            "(FORMAT parquet, COMPRESSION zstd)"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--db", help="an existing store to time instead of a grown one")
    args = ap.parse_args()
    db = Path(args.db) if args.db else build(args.articles)
    rows: list[tuple[str, float, str]] = []
    with Reader.open(db) as reader:
        n_articles = reader.store.article_count()
        n_stories = len(reader.stories())
        tables, _n = timed("read the store into tables", lambda: export.collect(export.dossiers(reader)), rows)  # type: ignore[misc]
    sizes = {name: len(r) for name, r in tables.items()}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for d in ("csv", "arrow", "duck"):
            (root / d).mkdir()

        def write_all(fmt: str, folder: Path) -> None:
            for name, columns in export.TABLES.items():
                export.WRITERS[fmt](folder / f"{name}.{fmt}", columns, tables[name])  # type: ignore[index]

        timed("CSV (csv module)", lambda: write_all("csv", root / "csv"), rows)
        timed("Parquet: pyarrow from the rows", lambda: write_all("parquet", root / "arrow"), rows, "shipped")
        timed("Parquet: DuckDB COPY from the CSV files", lambda: duckdb_parquet(root / "csv", root / "duck"), rows,
              "plus the CSV write above")  # fmt: skip
        size = {d: sum(f.stat().st_size for f in (root / d).iterdir()) / 1e6 for d in ("csv", "arrow", "duck")}
        for fmt in ("csv", "parquet"):
            cmd = [str(Path(sys.executable).parent / "storyline"), "export", "-f", fmt, "-o", str(root / f"cli-{fmt}"),
                   "--db", str(db), "--quiet"]  # fmt: skip
            timed(f"`storyline export --format {fmt}` (whole command)", lambda c=cmd: subprocess.run(c, check=True,
                  capture_output=True), rows)  # type: ignore[misc]  # fmt: skip
    print(f"\nstore: {db} — {n_articles:,} articles, {n_stories:,} stories")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    print(f"files: CSV {size['csv']:.1f} MB, Parquet (pyarrow) {size['arrow']:.1f} MB, "
          f"Parquet (DuckDB) {size['duck']:.1f} MB\n")  # fmt: skip
    print("| step | seconds | |\n|---|---:|---|")
    for label, s, note in rows:
        print(f"| {label} | {s:.2f} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

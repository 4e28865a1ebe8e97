"""atheris harness over the ingest entry point: bytes in, articles or one-line problems out.

Run by tests/test_robustness.py for a bounded number of inputs; run it longer by hand with
    python tests/fuzz/fuzz_ingest.py -max_total_time=600 tests/fuzz/corpus
Any input that makes it raise is written by libFuzzer as crash-*; keep it in tests/fuzz/crashes/
so the regression test replays it.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from storyline.extract import ExtractError, extract
    from storyline.ingest.paths import read_one
    from storyline.records import IngestProblem

NAMES = ["a.txt", "a.html", "a.jsonl", "a.rss", "a.warc", "a.html.gz", "a.warc.gz", "a"]


def check(data: bytes) -> None:
    """The contract: never raise; every document either extracts or fails with ExtractError."""
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    for item in read_one(name, data[1:], max_bytes=1_000_000):
        if isinstance(item, IngestProblem):
            assert item.reason and "\n" not in item.reason
            continue
        try:
            art = extract(item)
        except ExtractError as e:
            assert str(e) and "\n" not in str(e)
            continue
        assert art.paragraphs and all(p.strip() for p in art.paragraphs)


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

"""Quote attribution's share of the analysis: the rules and the speaker chooser beside spaCy's parse.

Parses N BBC politics articles once, then times `extract_quotes` (rules, candidates and the
learned chooser) over all of them, best of three, and prints it as a ratio of the parse. A quote
change is compared by running this at two commits (`farm-bench`, or a worktree with PYTHONPATH
at its src/): the ratio, not the seconds, is what carries between runs on a busy machine.

    python bench/quote_stage.py [--articles 150]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from storyline.analyze.nlp import spacy_nlp
from storyline.analyze.pipeline import rules_input
from storyline.analyze.quotes import extract_quotes
from storyline.extract import ExtractError, extract
from storyline.records import RawDocument

POLITICS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "bbc" / "politics"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=150)
    args = ap.parse_args()
    files = sorted(POLITICS.glob("*.txt"))[: args.articles]
    if not files:
        print(f"no articles under {POLITICS}", file=sys.stderr)
        return 1
    arts = []
    for f in files:
        try:
            arts.append(extract(RawDocument(source=str(f), data=f.read_bytes(), content_type="text")))
        except ExtractError:
            continue
    nlp = spacy_nlp()
    t0 = time.perf_counter()
    parsed = [(nlp(a.text), nlp(a.title or ""), a.text) for a in arts]
    t_parse = time.perf_counter() - t0
    inputs = [(doc, text, rules_input(doc, title, text)) for doc, title, text in parsed]
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for doc, text, (_sents, sentence_of, ments, roles) in inputs:
            extract_quotes(doc, text, ments, roles, sentence_of)
        best = min(best, time.perf_counter() - t0)
    print(f"{len(arts)} articles: spaCy parse {t_parse:.1f} s, quotes {best:.2f} s (best of 3), "
          f"quotes / parse {best / t_parse:.3f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

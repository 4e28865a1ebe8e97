"""The seed visit story's facts: are the sentences that report one fact in one claim row, and only they?

Gold (eval/data/seed-facts/gold.json): the facts that two or more of the four seed articles on
the visit report, each with the sentences (headlines included, as character offsets) that state it in each file,
annotated by a helper that never ran storyline nor read its code or output.

Rules, fixed before any result was seen:
- Articles: the four files the gold lists, read as `storyline ingest` reads a .txt file (extract,
  then analyze); claims and rows as the dossier makes them (`build_claims`, the static embedder).
- A gold sentence is the claim whose text, spaces collapsed, equals it, holds it or is held by it
  (the headline claim: the article's title); a gold sentence no claim holds is "not a claim" and
  counted as missed.
- Gold pair: two gold sentences of different files listed under one fact.
- recall in one row: the share of gold pairs whose two claims are in one claim row (the issue's
  measure: "pairs in one claim", target >= 0.9); recall connected: in one row or in two rows
  linked as *related*.
- precision in one row: of the pairs of claims of different files in one row whose two sentences
  are both gold sentences, the share that share a fact. Rows mixing facts: rows holding gold
  sentences of two facts that no sentence pair of theirs shares.
- Added after the first run (a second view, not a change of the above): a fact is aligned
  between two files when any sentence of the one and any of the other given for it are in one row
  (or, connected, in linked rows). A row holds one claim per article, so where a file states a fact
  in its headline, standfirst and body, at most one of them can share the other file's row: the
  sentence-pair measure cannot reach 1 by design, this one can.
- Baselines, same run: MiniLM cosine best match per other article >= 0.75 (eval/alignment.py's),
  and pairing every two gold sentences of different files (precision's base rate).

    python eval/seed_facts.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from alignment import best_match_pairs

from storyline.analyze import analyze_batch
from storyline.analyze.nlp import embed as minilm
from storyline.analyze.static import embed
from storyline.compare.claims import HEADLINE, Claim, ClaimGroup, build_claims
from storyline.extract import extract
from storyline.records import AnalyzedArticle, RawDocument

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "samples" / "seeds"
GOLD = Path(__file__).resolve().parent / "data" / "seed-facts" / "gold.json"

Sent = tuple[int, str]  # (article index, normalised sentence)
Pair = tuple[Sent, Sent]


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pair(a: Sent, b: Sent) -> Pair:
    return (a, b) if a <= b else (b, a)


def load() -> tuple[list[str], dict[str, list[Sent]], list[AnalyzedArticle]]:
    gold = json.loads(GOLD.read_text("utf-8"))
    files: list[str] = gold["files"]
    texts = {name: (SEEDS / name).read_text("utf-8") for name in files}
    facts = {  # the gold gives character offsets into each file (no article text is stored in the repo)
        f["id"]: [
            (files.index(name), norm(texts[name][a:b])) for name, spans in f["sentences"].items() for a, b in spans
        ]
        for f in gold["facts"]
    }
    raws = [RawDocument(source=name, data=(SEEDS / name).read_bytes(), content_type="text") for name in files]
    return files, facts, analyze_batch([extract(r) for r in raws])


def claim_of(claims: list[Claim], arts: list[AnalyzedArticle], s: Sent) -> int | None:
    """The claim a gold sentence is (see the rules), or None."""
    art, text = s
    for k, c in enumerate(claims):
        if c.article != art:
            continue
        ct = norm(arts[art].article.title or "") if c.sentence == HEADLINE else norm(c.text)
        if ct and (ct == text or text in ct or ct in text):
            return k
    return None


def gold_pairs(facts: dict[str, list[Sent]]) -> dict[Pair, set[str]]:
    out: dict[Pair, set[str]] = {}
    for fid, ss in facts.items():
        for a, b in combinations(sorted(set(ss)), 2):
            if a[0] != b[0]:
                out.setdefault(pair(a, b), set()).add(fid)
    return out


def storyline_rows(arts: list[AnalyzedArticle]) -> tuple[list[ClaimGroup], list[Claim]]:
    return build_claims([(a.article, list(a.sentences), list(a.mentions)) for a in arts], embed)


def score(
    rows: list[list[int]], links: list[set[int]], sent_claim: dict[Sent, int | None], facts: dict[str, list[Sent]],
    verbose: bool = False, text: dict[int, str] | None = None,
) -> tuple[float, float, float, int, int, float, float]:  # fmt: skip
    """recall in one row, recall connected, precision in one row (n pairs), rows mixing facts,
    and the fact-and-file-pair recalls (in one row, connected). Rows may overlap (a baseline's
    pairs are rows of two)."""
    gold = gold_pairs(facts)
    together = {(min(x, y), max(x, y)) for ks in rows for x, y in combinations(ks, 2)}
    near = {
        (min(x, y), max(x, y)) for r, ks in enumerate(rows) for h in links[r] for x in ks for y in rows[h]
    } | together
    facts_of_claim: dict[int, set[str]] = {}
    for fid, ss in facts.items():
        for s in ss:
            k = sent_claim.get(s)
            if k is not None:
                facts_of_claim.setdefault(k, set()).add(fid)
    by_file: dict[tuple[str, int, int], list[tuple[bool, bool]]] = {}
    one = connected = 0
    for (a, b), fids in gold.items():
        ka, kb = sent_claim.get(a), sent_claim.get(b)
        key = (min(ka, kb), max(ka, kb)) if ka is not None and kb is not None else None
        same, linked = key in together, key in near
        one, connected = one + same, connected + linked
        for fid in fids:
            by_file.setdefault((fid, min(a[0], b[0]), max(a[0], b[0])), []).append((same, linked))
    right = total = mixed = 0
    for ks in rows:
        labelled = [k for k in ks if k in facts_of_claim]
        pairs = list(combinations(labelled, 2))
        ok = [bool(facts_of_claim[x] & facts_of_claim[y]) for x, y in pairs]
        right, total = right + sum(ok), total + len(ok)
        if pairs and not all(ok):
            mixed += 1
            if verbose and text is not None:
                print("  mixed row: " + " || ".join(f"{text[k][:60]} {sorted(facts_of_claim[k])}" for k in labelled))
    file_one = sum(any(x for x, _ in v) for v in by_file.values()) / len(by_file)
    file_conn = sum(any(y for _, y in v) for v in by_file.values()) / len(by_file)
    prec = right / total if total else float("nan")
    return one / len(gold), connected / len(gold), prec, total, mixed, file_one, file_conn


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verbose", action="store_true", help="print rows mixing facts and gold pairs missed")
    args = ap.parse_args()
    files, facts, arts = load()
    groups, claims = storyline_rows(arts)
    index = {id(c): k for k, c in enumerate(claims)}
    sent_claim = {s: claim_of(claims, arts, s) for ss in facts.values() for s in ss}
    missing = sorted(s for s, k in sent_claim.items() if k is None)
    gold = gold_pairs(facts)
    print(f"{len(files)} files, {len(facts)} facts, {len(sent_claim)} gold sentences ({len(missing)} not a claim), "
          f"{len(gold)} gold pairs\n")  # fmt: skip
    text = {k: c.text for k, c in enumerate(claims)}
    print(f"{'':28} {'sentence pairs':^20} {'':26} {'fact x file pairs':^20}")
    print(f"{'aligner':28} {'in one row':>10} {'connected':>9} {'precision':>9} {'pairs':>5} {'mixed rows':>10} "
          f"{'in one row':>10} {'connected':>9}")  # fmt: skip
    rows = [[index[id(c)] for c in g.claims] for g in groups]
    links = [set(g.related) for g in groups]
    results = {"storyline": score(rows, links, sent_claim, facts, args.verbose, text)}
    # MiniLM cosine: each claim with its best match in every other article, at >= 0.75 (pairs, as rows of two)
    matched = best_match_pairs(claims, minilm([c.text for c in claims]))
    cos_rows = [list(m) for m in sorted(matched)]
    results["MiniLM cosine >= 0.75"] = score(cos_rows, [set() for _ in cos_rows], sent_claim, facts)
    labelled = sorted({k for k in sent_claim.values() if k is not None})
    every = [[x, y] for x, y in combinations(labelled, 2) if claims[x].article != claims[y].article]
    results["pair every gold sentence"] = score(every, [set() for _ in every], sent_claim, facts)
    for name, (one, conn, prec, n, mixed, f_one, f_conn) in results.items():
        print(f"{name:28} {one:10.3f} {conn:9.3f} {prec:9.3f} {n:5d} {mixed:10d} {f_one:10.3f} {f_conn:9.3f}")
    if args.verbose:
        for s in missing:
            print(f"  not a claim: {files[s[0]]}: {s[1][:90]}")
        row_of = {k: r for r, ks in enumerate(rows) for k in ks}
        for (a, b), fids in sorted(gold.items()):
            ka, kb = sent_claim.get(a), sent_claim.get(b)
            if ka is not None and kb is not None and row_of.get(ka) != row_of.get(kb):
                print(f"  missed {sorted(fids)}: {a[1][:60]} || {b[1][:60]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

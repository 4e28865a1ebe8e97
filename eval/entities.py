"""Alias-merge precision and recall of in-article entity resolution, on hand annotations.

For each annotated article (eval/data/entities), every PERSON mention that the gold names is
paired with every other such mention written differently ("Ms Adebayo" / "Grace Adebayo"); a pair
is a true merge when both belong to the same gold person. Precision: of the pairs storyline
merged (same canonical name), how many are the same person; recall: of the same-person pairs,
how many storyline merged. Titles count for telling people apart ("Mr Li" / "Ms Li").

    python eval/entities.py [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
from itertools import combinations
from pathlib import Path

from storyline.analyze import analyze_batch
from storyline.extract import extract
from storyline.extract.boilerplate import normalize
from storyline.records import RawDocument

ROOT = Path(__file__).resolve().parent / "data"
_TITLE = re.compile(r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady)\.?\s+$")


def load() -> list[tuple[str, str, list[list[str]]]]:
    out = []
    for path in sorted((ROOT / "entities").glob("*.ents")):
        text = (ROOT / "quotes" / f"{path.stem}.txt").read_text("utf-8").partition("\n===\n")[0]
        out.append(
            (
                path.stem,
                text,
                [[x.strip() for x in line.split("|")] for line in path.read_text().splitlines() if line.strip()],
            )
        )
    for path in sorted((ROOT / "entities").glob("*.txt")):
        text, _, gold = path.read_text("utf-8").partition("\n===\n")
        out.append(
            (path.stem, text, [[x.strip() for x in line.split("|")] for line in gold.splitlines() if line.strip()])
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    data = load()
    arts = [extract(RawDocument(source=n, data=t.encode(), content_type="text")) for n, t, _ in data]
    analyzed = analyze_batch(arts)
    tp = pred_pairs = gold_pairs = 0
    false_merges: list[str] = []
    for (name, _t, clusters), a in zip(data, analyzed, strict=True):
        forms: dict[str, set[int]] = {}
        for cid, cluster in enumerate(clusters):
            for form in cluster:
                forms.setdefault(normalize(form), set()).add(cid)
        text = a.article.text
        items = []
        for m in a.mentions:
            if m.label != "PERSON":
                continue
            title = _TITLE.search(text[max(0, m.start - 6) : m.start])
            full = normalize((title.group(0) if title else "") + m.text)
            bare = normalize(m.text)
            ids = forms.get(full) or forms.get(bare)
            if ids and len(ids) == 1:
                items.append((full, next(iter(ids)), m.canonical))
        for (f1, g1, c1), (f2, g2, c2) in combinations(items, 2):
            if f1 == f2:
                continue
            same_gold, same_pred = g1 == g2, c1 == c2
            gold_pairs += same_gold
            pred_pairs += same_pred
            tp += same_gold and same_pred
            if same_pred and not same_gold:
                false_merges.append(f"{name}: {f1} = {f2}")
            if args.verbose and same_gold and not same_pred:
                print(f"  {name}: not merged: {f1} / {f2} ({c1} vs {c2})")
    p = tp / pred_pairs if pred_pairs else 0.0
    r = tp / gold_pairs if gold_pairs else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{len(data)} articles, {gold_pairs} same-person mention pairs written differently")
    print(f"alias merge: precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  false merges {len(false_merges)}")
    for fm in false_merges:
        print(f"  false merge: {fm}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

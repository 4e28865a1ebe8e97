"""ROUGE-1/2/L of storyline's cited summary against hand-written references, beside LexRank and lead-3.

All three pick 3 sentences from the same outlets' articles (eval/data/alignment), in the same run:
lead-3 takes the first three sentences of the first outlet; LexRank ranks sentences by PageRank
over their TF-IDF cosine graph (Erkan & Radev 2004, continuous variant); storyline is
`storyline.compare.summarize`, the summary the dossier prints. Scores are F1, averaged over stories.
"Repeats" is the share of pairs of summary sentences that state one same fact (the claim labels of
eval/data/alignment; unlabelled lines state no shared fact): a summary of distinct facts scores 0.

    python eval/summary.py
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stories import load

from storyline.analyze.static import embed  # what dossiers compare with
from storyline.compare import summarize

K = 3


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def rouge_n(pred: str, ref: str, n: int) -> float:
    def grams(t: list[str]) -> Counter:
        return Counter(tuple(t[i : i + n]) for i in range(len(t) - n + 1))

    p, r = grams(tokens(pred)), grams(tokens(ref))
    overlap = sum((p & r).values())
    if not overlap:
        return 0.0
    prec, rec = overlap / sum(p.values()), overlap / sum(r.values())
    return 2 * prec * rec / (prec + rec)


def rouge_l(pred: str, ref: str) -> float:
    a, b = tokens(pred), tokens(ref)
    if not a or not b:
        return 0.0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            cur[j] = prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1])
        prev = cur
    lcs = prev[-1]
    if not lcs:
        return 0.0
    prec, rec = lcs / len(a), lcs / len(b)
    return 2 * prec * rec / (prec + rec)


def lexrank(sentences: list[str], k: int, damping: float = 0.85) -> list[str]:
    docs = [Counter(tokens(s)) for s in sentences]
    df = Counter(w for d in docs for w in d)
    n = len(docs)
    vecs = []
    for d in docs:
        v = {w: c * math.log((n + 1) / (df[w] + 0.5)) for w, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    sim = np.array([[sum(x * b.get(w, 0.0) for w, x in a.items()) for b in vecs] for a in vecs])
    sim = sim / sim.sum(axis=1, keepdims=True)
    score = np.ones(n) / n
    for _ in range(100):
        score = (1 - damping) / n + damping * sim.T @ score
    order = sorted(np.argsort(-score)[:k])
    return [sentences[i] for i in order]


def repeats(story, picked: list[str]) -> tuple[int, int]:
    """(pairs of picked sentences with one claim label, pairs) for one story."""
    label = {t: lab for ls in story.lines for lab, t in ls}

    def of(text: str) -> str:
        return next((lab for t, lab in label.items() if text in t or t in text), "-")

    labels = [of(t) for t in picked]
    pairs = [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :]]
    return sum(a == b != "-" for a, b in pairs), len(pairs)


def main() -> int:
    stories = load()
    systems = {"storyline": [], "LexRank": [], "lead-3": []}
    repeated = {name: [0, 0] for name in systems}
    for s in stories:
        sents = [x.text for a in s.analyzed for x in a.sentences]
        ours = summarize([(a.article, list(a.sentences)) for a in s.analyzed], embed, K)
        chosen = {
            "storyline": [x.text for x in ours],
            "LexRank": lexrank(sents, K),
            "lead-3": [x.text for x in s.analyzed[0].sentences[:K]],
        }
        picks = {name: " ".join(texts) for name, texts in chosen.items()}
        for name, texts in chosen.items():
            same, n = repeats(s, texts)
            repeated[name][0] += same
            repeated[name][1] += n
        for name, text in picks.items():
            systems[name].append(
                (rouge_n(text, s.reference, 1), rouge_n(text, s.reference, 2), rouge_l(text, s.reference))
            )
    print(f"{len(stories)} stories, reference summaries written by hand, {K} sentences per system\n")
    print(f"{'system':10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'repeats':>8}")
    for name, rows in systems.items():
        r1, r2, rl = (sum(x[i] for x in rows) / len(rows) for i in range(3))
        rep = repeated[name][0] / (repeated[name][1] or 1)
        print(f"{name:10} {r1:8.3f} {r2:8.3f} {rl:8.3f} {rep:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

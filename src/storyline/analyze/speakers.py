"""Who said it, chosen by evidence: a learned chooser over every speaker an article offers a quote.

The rules in quotes.py propose one speaker per quote; `quotes.candidates` lists everyone else the
article names near it, each with evidence features (where the name stands, whether it is the
subject of the sentence's verb of saying, who spoke last, what kind of name it is). A small
gradient-boosted model, trained by scripts/train_speaker_model.py on PolNeAR's train split and
BBC politics 001-048 and shipped as speakers.json, scores each candidate; the best one is the
speaker and its score the quote's confidence (below `speaker_min_confidence` the output calls the
speaker uncertain; below `speaker_rules_below`, or within `speaker_overrule_margin` of the rules'
pick's score, the rules' own pick stands). A second model, the
keeper, takes back a span the rules left out as a scare quote where it reads as someone's words.
Pure Python at run time: the trees are read once and walked by hand.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from storyline.records import Quote
from storyline.settings import SETTINGS as S

MODEL_PATH = Path(__file__).with_name("speakers.json")
_WORDS = re.compile(r"\w+")
_INDEFINITE = re.compile(r"(?:an?|one)\s", re.I)  # "a Labour MP", "one senior Tory": someone not named there


@dataclass(frozen=True)
class Candidate:
    """Someone who could have said a quote, with the evidence for it."""

    name: str  # canonical name (or the rules' words for an unnamed speaker: "a spokesman")
    kind: str  # "person", "body" or "other"
    speaker_text: str | None  # the words that name them nearest the quote
    role: str | None
    cue: str | None  # the verb of saying whose subject they are, if any
    span: tuple[int, int] | None  # where speaker_text stands in the article
    features: dict[str, float]


@dataclass(frozen=True)
class Found:
    """A quoted span with everyone who could have said it; `ruled_in` when the rules take it as a
    quote (the others they leave out as scare quotes or titles, and the keeper may take back)."""

    quote: Quote
    candidates: list[Candidate]
    ruled_in: bool
    shape: dict[str, float]  # what the span looks like: length, framing, the rules' reason to leave it out


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    learning_rate: float
    trees: tuple[dict[str, list[Any]], ...]

    def score(self, feats: dict[str, float]) -> float:
        """The probability that this candidate said the quote."""
        x = [feats.get(f, 0.0) for f in self.features]
        raw = 0.0
        for t in self.trees:
            node = 0
            left, right, feature, threshold, value = t["l"], t["r"], t["f"], t["t"], t["v"]
            while left[node] >= 0:
                node = left[node] if x[feature[node]] <= threshold[node] else right[node]
            raw += self.learning_rate * value[node]
        return 1.0 / (1.0 + math.exp(-raw))


@dataclass(frozen=True)
class Models:
    speaker: Model  # which candidate said it
    keeper: Model | None  # whether a span the rules leave out is a quote after all
    keep_level: float  # the keeper's level, chosen by the training script (see its docstring)


def _model(data: dict[str, Any]) -> Model:
    return Model(tuple(data["features"]), float(data["learning_rate"]), tuple(data["trees"]))


def load(path: Path = MODEL_PATH) -> Models | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text("utf-8"))
    keep = data.get("keep")
    return Models(_model(data), _model(keep) if keep else None, float(keep["level"]) if keep else 1.0)


@lru_cache(maxsize=1)
def model() -> Models | None:
    """The shipped models, read once per process; None before the training script has run."""
    return load()


# the best candidate's evidence the keeper reads: a span with a clear speaker is more often a quote
KEEP_FROM_CANDIDATE = ("governs", "clause_subject", "clause_subject_nearest", "in_sentence", "person", "org",
                       "sentence_speaker", "rule")  # fmt: skip


def keep_features(f: Found, p: float, best: Candidate) -> dict[str, float]:
    """What the keeper weighs: the span's shape and how well its best candidate is placed."""
    return {
        **f.shape,
        "best_score": p,
        **{f"best_{k}": best.features.get(k, 0.0) for k in KEEP_FROM_CANDIDATE},
    }


def best_candidate(m: Model, cands: list[Candidate]) -> tuple[float, Candidate] | None:
    """The best-scored candidate; "he said" is never someone the article calls Ms, and words said of
    someone ("was accused of being a “…”") are never theirs."""
    scored = [(m.score(c.features), c) for c in cands if not c.features.get("gender_clash") and not c.features.get("said_of")]
    return max(scored, key=lambda sc: sc[0]) if scored else None


def choose(found: list[Found], sentence_of: list[int], models: Models | None = None) -> list[Quote]:
    """Each quote with its best-scored candidate as speaker and that score as its confidence; the
    spans the rules left out come back only where the keeper is sure they are someone's words."""
    models = models or model()
    if models is None:
        return [f.quote for f in found if f.ruled_in]
    m = models.speaker
    out = []
    for f in found:
        q, cands = f.quote, f.candidates
        top = best_candidate(m, cands)
        if not f.ruled_in:
            keeper = models.keeper
            if (
                keeper is None
                or top is None
                or len(_WORDS.findall(q.text)) < 2  # a quoted word is a term: the keeper never learnt on one
                or keeper.score(keep_features(f, *top)) < models.keep_level
            ):
                continue
        if top is None:
            out.append(q)
            continue
        p, best = top
        ruled = [(m.score(c.features), c) for c in cands if c.features.get("rule")]
        if p < S.speaker_rules_below:  # too unsure to overrule the rules: their pick stands, as uncertain
            if not ruled:
                out.append(q)  # the rules found no one either
                continue
            p, best = ruled[0]
        elif ruled and p - ruled[0][0] < S.speaker_overrule_margin:  # not clearly surer than the rules' pick
            p, best = ruled[0]
        if best.kind == "person" and _INDEFINITE.match(best.speaker_text or "") and best.name not in (best.speaker_text or ""):
            p = min(p, S.speaker_described_confidence)  # "a Labour MP" named later: a reading, never asserted
        start, end = best.span if best.span else (None, None)
        out.append(
            replace(
                q,
                speaker=best.name,
                speaker_text=best.speaker_text,
                speaker_kind=best.kind,
                speaker_role=best.role,
                cue=best.cue,
                confidence=round(p, 3),
                speaker_start=start,
                speaker_end=end,
                speaker_sentence=sentence_of[start] if start is not None and sentence_of[start] >= 0 else None,
            )
        )
    return out

"""Claims, their alignment across outlets, and the facts on which aligned claims disagree.

A claim is a sentence, or an article's headline or standfirst, that states a fact or reports an action (bare
quotes are "who said what", not claims). Claims of different articles are scored in pairs by a
small logistic model over evidence (sentence-embedding cosine, shared names, content words and
figures, headlines, mutual best match, how early each sentence comes and how close it is to the
story's centroid and its article's lead, the story's size, and how many of the story's articles
use the words two claims share), trained on ECB+
topics 1-35 by `scripts/train_claim_scorer.py` and shipped as `claim_pairs.json`. Pairs scored at
the *reports* level are grouped into facts (one claim per article, every two members alike and
confirmed by evidence beyond the embedding, or scored sure);
pairs at the *related* level link two facts about the same event that differ in detail. Numbers,
dates and titles that differ within a fact, between outlets, are conflicts.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from storyline.analyze import static
from storyline.lexicon import NUMBER_WORDS
from storyline.output import Cell, Citation, Cited, ClaimRow, Conflict, ConflictVersion, Part, Status
from storyline.records import (
    HEADLINE_SENTENCE,
    STANDFIRST_SENTENCE,
    UNKNOWN_OUTLET,
    Article,
    Mention,
    Sentence,
    outlet_label,
)
from storyline.settings import SETTINGS as S

MODEL_PATH = Path(__file__).with_name("claim_pairs.json")
HEADLINE = HEADLINE_SENTENCE  # the `sentence` of a claim that is its article's headline (as of a quote in it)
STANDFIRST = STANDFIRST_SENTENCE  # ... and of one that is its standfirst (the summary under the headline)
PARTS: dict[int, Part] = {
    HEADLINE: "headline",
    STANDFIRST: "standfirst",
}  # how each is cited; any other index is "body"
CANDIDATE = S.claim_candidate
CLASH_COSINE = S.clash_cosine
CLASH_RATIO = S.clash_ratio
LINK = S.claim_link
SURE = S.claim_sure
QUOTED_SHARE = S.claim_quoted_share
FEATURES = (
    "cosine",
    "cosine_squared",
    "words",  # Jaccard of content-word stems
    "weighted_words",  # the same, each stem weighted by its IDF over the story's claims
    "names",  # Jaccard of the names (people, organisations, places) the two sentences mention
    "shared_figure",  # both state one same number
    "headlines",  # how many of the two are headlines (0-2)
    "mutual",  # each is the other's best match between their two articles
    "first_position",  # log(1 + position) of the earlier-placed of the two (0: a headline or standfirst)
    "last_position",  # ... and of the later-placed: a story's main event is told first, background later
    "central_min",  # the lower of the two claims' cosines to the story's centroid (its main event)
    "central_max",  # ... and the higher
    "lead_min",  # the lower of the two claims' cosines to their own article's first claim (its headline or lead)
    "lead_max",  # ... and the higher
    "articles",  # log of the story's article count: a large story holds more events, so likeness means less
    "spread",  # the shared stems, each weighted by the share of the story's articles that use it: the main event's words
    "spread_squared",  # ... each weighted by that share squared: words nearly every article uses count most
)
_STOP = frozenset(
    "the a an of to in on for and or but with at by from as is was were are be been has have had that this it its "
    "their his her he she they we said says told would will could after before over about into than more most also "
    "not no new one two three".split()
)
_WORDNUM = NUMBER_WORDS
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9, "tn": 1e12,
          "trillion": 1e12}  # fmt: skip
_CURRENCY = {"$": "$", "us$": "$", "usd": "$", "£": "£", "gbp": "£", "€": "€", "eur": "€", "¥": "¥", "a$": "A$",
             "c$": "C$", "hk$": "HK$", "rmb": "CNY", "yuan": "CNY", "dollars": "$", "pounds": "£", "euros": "€"}  # fmt: skip
_COUNT_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred"
_NUMBER = r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)" r"|(?P<w>\b(?:" + _COUNT_WORDS + r")\b)"
_FIGURE = re.compile(
    r"(?P<cur>US\$|A\$|C\$|HK\$|[$£€¥])?\s?(?:" + _NUMBER + r")"
    r"(?P<scale>\s?(?:bn|mn|tn|k|m|thousand|million|billion|trillion)\b)?"
    r"(?P<pct>\s?(?:%|per ?cent\b|percent\b))?",
    re.I,
)
_FIRST_LETTERS = "".join(sorted({w[0] for w in _COUNT_WORDS.split("|")}))
# where a figure's number can start: a digit or a count word (the lookahead rejects most letters at once)
_ANY_NUMBER = re.compile(r"\d|\b(?=[" + _FIRST_LETTERS + r"])(?:" + _COUNT_WORDS + r")\b", re.I)
_PREFIX = len("HK$ ")  # the longest currency and space `_FIGURE` takes before a number
_APPROX = re.compile(
    r"(?:more than|over|at least|about|around|nearly|almost|up to|some|roughly|fewer than|less than|under|"
    r"approximately|estimated|an estimated|as many as|as much as|between|from|within|top|topping)\s*$",
    re.I,
)
_RANGE_AFTER = re.compile(r"^\s*(?:-|–|to|and|or)\s*(?:US\$|[$£€¥])?\s?\d", re.I)
_RANGE_BEFORE = re.compile(r"\d\s*(?:-|–|to|and|or)\s*(?:US\$|[$£€¥])?\s?$", re.I)


@dataclass(frozen=True)
class ClaimModel:
    """The pair scorer's weights and the two probabilities that make a pair *reports* or *related*."""

    coef: tuple[float, ...]
    intercept: float
    reports: float  # probability at which two claims state the same fact
    related: float  # probability at which two claims are about the same event, in other detail

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(x @ np.asarray(self.coef) + self.intercept)))

    def can_reach(self, known: dict[str, np.ndarray], ranges: np.ndarray) -> np.ndarray:
        """Per pair, whether it can score either level when only the `known` features are computed,
        every other at its most favourable value in `ranges` (features x (low, high)): the pairs that
        cannot need no other feature. A large story's size alone lowers every score, so most of its
        hundreds of thousands of weak pairs are settled by their cosine and shared words."""
        level = min(self.reports, self.related)
        need = math.log(level / (1.0 - level)) - 1e-9  # a logit a hair under the level: rounding never drops a pair
        total: Any = self.intercept
        for k, (name, c) in enumerate(zip(FEATURES, self.coef, strict=True)):
            total = total + (c * known[name] if name in known else max(c * ranges[k, 0], c * ranges[k, 1]))
        return np.asarray(total >= need)


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> ClaimModel:
    d = json.loads(path.read_text("utf-8"))
    if tuple(d["features"]) != FEATURES:
        raise ValueError(f"{path}: features {d['features']} are not {list(FEATURES)}: retrain it")
    return ClaimModel(tuple(d["coef"]), float(d["intercept"]), float(d["reports"]), float(d["related"]))


@dataclass(frozen=True)
class Claim:
    article: int  # index into the story's article list
    sentence: int  # the sentence's index, or HEADLINE / STANDFIRST
    text: str
    names: frozenset[str]
    words: frozenset[str]
    numbers: dict[str, float]  # what is counted -> value ("mower": 40000, "%": 7, "money:$": 2.75e10)
    values: frozenset[float] = frozenset()  # every number stated, approximate ones included
    position: int = 0  # 0 for a headline or standfirst, 1 + the sentence index otherwise

    @property
    def headline(self) -> bool:
        return self.sentence == HEADLINE


@dataclass
class ClaimGroup:
    claims: list[Claim] = field(default_factory=list)
    related: set[int] = field(default_factory=set)  # indices of the groups about the same event


def _figure_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches `_FIGURE.finditer(text)` gives, tried only where a number starts (and the few
    characters a currency takes before it): the pattern itself is slow to reject a position."""
    pos = 0
    while hit := _ANY_NUMBER.search(text, pos):
        for start in range(max(pos, hit.start() - _PREFIX), hit.start() + 1):
            if m := _FIGURE.match(text, start):
                yield m
                pos = m.end()
                break
        else:
            pos = hit.start() + 1


def figures(text: str) -> dict[str, float]:
    """Exact figures with what they count: '40,000 robot lawnmowers' -> {'lawnmower': 40000}.

    Approximate figures ("more than 30"), either end of a range ("10-12", "between 10 and 12") and a
    conversion in brackets ("$27.5bn (£14.5bn)") are left out: none of them contradicts another value.
    Money is one value in its currency ("$27.5bn" == "$27,500 million"); years are the timeline's.
    """
    out: dict[str, float] = {}
    for m in _figure_matches(text):
        if not (m.group("n") or m.group("w")):
            continue
        before, after = text[max(0, m.start() - 24) : m.start()], text[m.end() :]
        if _APPROX.search(before) or _RANGE_AFTER.match(after) or _RANGE_BEFORE.search(before):
            continue
        if m.group("cur") and re.search(r"[(\[]\s*(?:about |around |roughly |or )?$", before):
            continue  # "$27.5bn (£14.5bn)": the bracketed figure is the first one converted
        if m.group("w"):
            value = float(_WORDNUM[m.group("w").lower()])
        else:
            value = float(m.group("n").replace(",", ""))
        scale = (m.group("scale") or "").strip().lower()
        cur = (m.group("cur") or "").lower()
        words = re.findall(r"[a-z$£€]+", after.lower())[:3]
        if not cur and words and words[0] in _CURRENCY and not m.group("pct"):
            cur = words[0]  # "27.5 billion dollars"
        if cur:
            out["money:" + _CURRENCY.get(cur, cur)] = value * _SCALE.get(scale, 1.0)
            continue
        if m.group("pct"):
            out["%"] = value
            continue
        if 1900 <= value <= 2100 and m.group("n") and "." not in m.group("n") and not scale:
            continue  # a year: dates are compared by the timeline, not here
        value *= _SCALE.get(scale, 1.0)
        unit = next((w for w in words if w not in _STOP and len(w) > 2), None)
        if unit:
            if unit.endswith("ies"):
                unit = unit[:-3] + "y"
            elif unit.endswith("s") and not unit.endswith("ss"):
                unit = unit[:-1]  # "trimmers" -> "trimmer", "cordless" stays
            rest = re.match(r"\s*[A-Za-z-]+\s+of\s+(?:the\s+)?([a-z]+)", after)
            out[unit + (f" of {rest.group(1)}" if rest else "")] = value  # "two days of talks" is not "90 days"
    return out


_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")


def _stems(lower: list[str]) -> frozenset[str]:
    return frozenset(w.rstrip("s")[:6] for w in lower if len(w) > 3 and w not in _STOP)


def _claim(article: int, idx: int, text: str, names: frozenset[str], words: list[str] | None = None) -> Claim:
    lower = [w.lower() for w in (_WORD.findall(text) if words is None else words)]
    values = frozenset(float(n.replace(",", "")) for n in _DIGITS.findall(text))
    values |= {float(_WORDNUM[w]) for w in lower if w in _WORDNUM}
    position = 0 if idx < 0 else idx + 1
    return Claim(article, idx, text, names, _stems(lower), figures(text), values, position)


def split_claims(
    article_index: int,
    sentences: list[Sentence],
    mentions: list[Mention],
    title: str | None = None,
    standfirst: str | None = None,
    article_text: str | None = None,
) -> list[Claim]:
    """The headline, standfirst and sentences that state something (not bare quotes, questions or fragments).
    With the `article_text`, a sentence inside a quote that runs over several sentences is a quote too
    ('"… my posture on that. And I think the Chinese government understands …"'), as the quote finder reads it."""
    inside = _quoted_chars(article_text) if article_text else None
    out = []
    for idx, text in ((HEADLINE, title), (STANDFIRST, standfirst)):
        if text and len(_WORD.findall(text)) >= 3 and not text.rstrip().endswith("?"):
            out.append(_claim(article_index, idx, text.strip(), frozenset()))
    named: dict[int, set[str]] = {}
    for m in mentions:
        if m.label in ("PERSON", "ORG", "GPE", "FAC"):
            named.setdefault(m.sentence, set()).add(m.canonical.lower())
    for s in sentences:
        text = s.text.strip()
        words = _WORD.findall(text)
        if (
            len(words) < 4
            or text.endswith("?")
            or text[:1] in "“\"‘'"
            or text.count('"') % 2
            or text.count("“") != text.count("”")
        ):
            continue
        quoted = sum(len(q) for q in re.findall(r"[“\"‘][^”\"’]*[”\"’]", text))
        if inside is not None:
            quoted = max(quoted, sum(inside[s.start : s.end]))
        if quoted > QUOTED_SHARE * len(text):
            continue  # a quote is "who said what", not a claim of the outlet
        out.append(_claim(article_index, s.idx, text, frozenset(named.get(s.idx, ())), words))
    return out


def _quoted_chars(text: str) -> list[bool]:
    """Which characters of an article's text the quote finder reads as quoted (analyze/quotes.py)."""
    from storyline.analyze.quotes import find_spans, paragraph_spans

    inside = [False] * len(text)
    for sp in find_spans(text, paragraph_spans(text)):
        inside[sp.start : sp.end] = [True] * (sp.end - sp.start)
    return inside


@dataclass(frozen=True)
class Pairs:
    """The scored candidate pairs of a story's claims: indices, FEATURES rows, and whether evidence confirms them.
    `story` scores any other pair the same way (`group_facts` asks it for the pairs `pair_features` left out)."""

    i: np.ndarray
    j: np.ndarray
    x: np.ndarray
    confirmed: np.ndarray  # bool: the embedding and the shared names, words or figures agree (`confirmed`)
    story: StoryPairs | None = None


def confirmed(
    cos: np.ndarray, shared_names: np.ndarray, overlap: np.ndarray, shared_units: np.ndarray,
    shared_values: np.ndarray, mutual: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Evidence beyond the embedding that two claims state one fact, not two facts of one event:
    a close embedding alone pairs "40,000 mowers were recalled" with "shares fell 7%". One entry per pair."""
    names = shared_names > 0
    return (
        (shared_values & (cos >= CANDIDATE))  # "about 11,000 children" / "around 11,000 pupils"
        | ((cos >= 0.78) & (names | (overlap >= 0.15) | shared_units))
        | ((cos >= 0.65) & (overlap >= 0.2))
        | ((cos >= 0.55) & ((overlap >= 0.3) | (names & (overlap >= 0.15)) | (shared_units & (overlap >= 0.12))))
        | (mutual & ((overlap >= 0.08) | names | (cos >= 0.55)))  # each other's best match
    )


def _incidence(sets: list[frozenset[Any]]) -> tuple[Any, list[Any]]:
    """A sparse claims x items matrix, 1 where a claim has the item, and the item of each column."""
    from scipy.sparse import csr_matrix

    index: dict[Any, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for r, items in enumerate(sets):
        for x in items:
            rows.append(r)
            cols.append(index.setdefault(x, len(index)))
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), max(1, len(index)))), list(index)


def _scaled(m: Any, weight: np.ndarray) -> Any:
    """`m` with each column multiplied by its item's weight."""
    from scipy.sparse import diags

    return (m @ diags(weight)).tocsr()


def _shared(a: Any, b: Any, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
    """Per pair k, row ii[k] of `a` dotted with row jj[k] of `b` (what two claims share, weighted):
    the product taken S.claim_pair_block rows at a time, dense, over the pairs sorted by `ii`."""
    order = None if np.all(ii[:-1] <= ii[1:]) else np.argsort(ii, kind="stable")
    si, sj = (ii, jj) if order is None else (ii[order], jj[order])
    out = np.zeros(len(ii))
    bt = b.T.tocsc()
    step = S.claim_pair_block
    for r0 in range(0, a.shape[0], step):
        lo, hi = np.searchsorted(si, [r0, r0 + step])
        if lo < hi:
            block = (a[r0 : r0 + step] @ bt).toarray()
            out[lo:hi] = block[si[lo:hi] - r0, sj[lo:hi]]
    if order is not None:
        out[order] = out.copy()
    return out


class StoryPairs:
    """What the FEATURES of any pair of a story's claims are computed from, computed once per story."""

    def __init__(self, claims: list[Claim], vectors: np.ndarray) -> None:
        from scipy.sparse import csr_matrix

        n = len(claims)
        self.n = n
        self.sims = vectors @ vectors.T
        arts = np.fromiter((c.article for c in claims), dtype=np.int64, count=n)
        self.arts = arts
        # each claim's best match in every other article: one argmax per article (an article's claims are adjacent)
        self.best = np.zeros((n, int(arts.max()) + 1), dtype=np.int64)
        for art in np.unique(arts):
            cols = np.flatnonzero(arts == art)
            lo, hi = int(cols[0]), int(cols[-1]) + 1
            if hi - lo == len(cols):
                self.best[:, art] = lo + np.argmax(self.sims[:, lo:hi], axis=1)
            else:
                self.best[:, art] = cols[np.argmax(self.sims[:, cols], axis=1)]
        self.words, stems = _incidence([c.words for c in claims])
        df = np.asarray(self.words.sum(axis=0)).ravel()
        idf = np.log((n + 1) / np.maximum(df, 1.0))
        by_article = csr_matrix((np.ones(n), (arts, np.arange(n))), shape=(int(arts.max()) + 1, n)) @ self.words
        by_article.data[:] = 1.0  # article x stem: 1 where one of the article's claims has it
        spread = np.asarray(by_article.sum(axis=0)).ravel() / len(np.unique(arts))
        names = [c.names for c in claims]  # a name in a quarter of all claims tells no claim apart
        counts: dict[str, int] = {}
        for ns in names:
            for x in ns:
                counts[x] = counts.get(x, 0) + 1
        common = {x for x, k in counts.items() if k > max(2, n // 4)}
        names = [ns - common for ns in names]
        self.sets: dict[str, list[frozenset[Any]]] = {  # what a few pairs share is counted on these sets; many, on the matrices below
            "words": [c.words for c in claims], "names": names, "values": [c.values for c in claims],
            "units": [frozenset(c.numbers) for c in claims],
        }  # fmt: skip
        self.idf = dict(zip(stems, idf[: len(stems)].tolist(), strict=True))  # a story with no words has one empty column
        self.spread = dict(zip(stems, spread[: len(stems)].tolist(), strict=True))
        self.size = np.asarray(self.words.sum(axis=1)).ravel()
        self.weighted = _scaled(self.words, idf)
        self.mass = np.asarray(self.weighted.sum(axis=1)).ravel()
        self.spread_m = _scaled(self.words, spread)
        self.spread_sq_m = _scaled(self.words, spread * spread)
        self.spread_max = float(np.asarray(self.spread_m.sum(axis=1)).max())
        self.name_m, _ = _incidence(names)
        self.n_names = np.asarray(self.name_m.sum(axis=1)).ravel()
        self.values_m, _ = _incidence([c.values for c in claims])
        self.units_m, _ = _incidence([frozenset(c.numbers) for c in claims])
        self.headlines = np.fromiter((c.headline for c in claims), dtype=float, count=n)
        self.position = np.log1p(np.fromiter((c.position for c in claims), dtype=float, count=n))
        centroid = vectors.mean(axis=0)
        self.central = (vectors @ (centroid / (np.linalg.norm(centroid) or 1.0))).astype(np.float64)
        first = np.full(int(arts.max()) + 1, -1, dtype=np.int64)
        for k in range(n - 1, -1, -1):  # each article's first claim (its headline, or its lead sentence)
            first[arts[k]] = k
        self.lead = self.sims[np.arange(n), first[arts]].astype(np.float64)
        self.articles = math.log(len(np.unique(arts)))

    def candidates(self) -> tuple[np.ndarray, np.ndarray]:
        """The pairs of claims of different articles at cosine >= CANDIDATE, in row-major order."""
        ii, jj = np.nonzero(self.sims >= CANDIDATE)
        keep = (ii < jj) & (self.arts[ii] != self.arts[jj])
        return ii[keep], jj[keep]

    def shared(
        self, kind: str, ii: np.ndarray, jj: np.ndarray, weighted: bool | Literal["spread", "spread_squared"] = False
    ) -> np.ndarray:
        """Per pair, how many of its `kind` (words, names, values, units) the two claims share, or the
        weight of the words they share: their IDF (`weighted` True), or the share of the story's
        articles that use each ("spread"), or that share squared. A few pairs (as `group_facts` asks
        for) by set intersection; many by sparse products, whose set-up a few pairs need not pay for."""
        if len(ii) > S.claim_few_pairs:
            a = {"words": self.words, "names": self.name_m, "values": self.values_m, "units": self.units_m}[kind]
            by = {True: self.weighted, "spread": self.spread_m, "spread_squared": self.spread_sq_m}
            return _shared(by[weighted] if weighted else a, a, ii, jj)
        sets = self.sets[kind]
        both = [sets[i] & sets[j] for i, j in zip(ii.tolist(), jj.tolist(), strict=True)]
        if weighted:
            weight = self.idf if weighted is True else self.spread
            power = 2 if weighted == "spread_squared" else 1
            return np.array([sum(weight[w] ** power for w in s) for s in both], dtype=float)
        return np.array([len(s) for s in both], dtype=float)

    def likeness(self, ii: np.ndarray, jj: np.ndarray) -> dict[str, np.ndarray]:
        """The features that decide most pairs: cosine, and the words two claims share (plain, and
        weighted by IDF and by spread)."""
        shared_words = self.shared("words", ii, jj)
        union = self.size[ii] + self.size[jj] - shared_words
        overlap = np.divide(shared_words, union, out=np.zeros(len(ii)), where=union > 0)
        shared_weight = self.shared("words", ii, jj, weighted=True)
        weight = self.mass[ii] + self.mass[jj] - shared_weight
        idf_share = np.divide(shared_weight, weight, out=np.zeros(len(ii)), where=weight > 0)
        cos = self.sims[ii, jj].astype(np.float64)
        spread = self.shared("words", ii, jj, weighted="spread")  # known here, or `can_reach` would keep every pair
        return {
            "cosine": cos,
            "cosine_squared": cos * cos,
            "words": overlap,
            "weighted_words": idf_share,
            "spread": spread,
        }

    def features(
        self, ii: np.ndarray, jj: np.ndarray, like: dict[str, np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The FEATURES rows (pairs x features) of pairs (ii[k], jj[k]), and whether evidence confirms each;
        `like` is what `likeness` gave for these pairs, when the caller has it."""
        like = like or self.likeness(ii, jj)
        cos, overlap, idf_share = like["cosine"], like["words"], like["weighted_words"]
        shared_names = self.shared("names", ii, jj)
        name_union = self.n_names[ii] + self.n_names[jj] - shared_names
        name_jaccard = np.divide(shared_names, name_union, out=np.zeros(len(ii)), where=name_union > 0)
        shared_values = self.shared("values", ii, jj) > 0
        shared_units = self.shared("units", ii, jj) > 0
        arts, best = self.arts, self.best
        mutual = (best[ii, arts[jj]] == jj) & (best[jj, arts[ii]] == ii)
        h, pos, central, lead = self.headlines, self.position, self.central, self.lead
        rows = np.stack([  # one row per feature, then seen as pairs x features (a view: no copy)
            cos, cos * cos, overlap, idf_share, name_jaccard, shared_values.astype(float),
            h[ii] + h[jj], mutual.astype(float),
            np.minimum(pos[ii], pos[jj]), np.maximum(pos[ii], pos[jj]),
            np.minimum(central[ii], central[jj]), np.maximum(central[ii], central[jj]),
            np.minimum(lead[ii], lead[jj]), np.maximum(lead[ii], lead[jj]), np.full(len(ii), self.articles),
            like["spread"], self.shared("words", ii, jj, weighted="spread_squared"),
        ]).T  # fmt: skip
        return rows, confirmed(cos, shared_names, overlap, shared_units, shared_values, mutual)

    def ranges(self) -> np.ndarray:
        """Each feature's lowest and highest possible value in this story (features x 2)."""
        pos, central, lead = self.position, self.central, self.lead
        return np.array([
            (-1.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 2.0), (0.0, 1.0),
            (pos.min(), pos.max()), (pos.min(), pos.max()), (central.min(), central.max()),
            (central.min(), central.max()), (lead.min(), lead.max()), (lead.min(), lead.max()),
            (self.articles, self.articles), (0.0, self.spread_max), (0.0, self.spread_max),
        ])  # fmt: skip


def pair_features(claims: list[Claim], vectors: np.ndarray, model: ClaimModel | None = None) -> Pairs:
    """Candidate pairs (claims of different articles at cosine >= CANDIDATE) and their FEATURES rows;
    with a `model`, only those that can reach one of its levels or clash (`ClaimModel.can_reach`).

    All pairs at once, as sparse products: a 200-article story has about 660,000 pairs at CANDIDATE."""
    if len({c.article for c in claims}) < 2:  # pairs join articles: one article has none
        return Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, len(FEATURES))), np.zeros(0, bool))
    story = StoryPairs(claims, vectors)
    ii, jj = story.candidates()
    like = story.likeness(ii, jj)
    if model is not None:  # the rest only where the pair can reach a level, or clash (`group_facts`)
        keep = model.can_reach(like, story.ranges()) | (like["cosine"] >= CLASH_COSINE)
        ii, jj, like = ii[keep], jj[keep], {k: v[keep] for k, v in like.items()}
    x, ok = story.features(ii, jj, like)
    return Pairs(ii, jj, x, ok, story)


def _plain_count(c: Claim) -> float | None:
    plain = [v for u, v in c.numbers.items() if u != "%" and not u.startswith("money:") and v >= 10]
    return plain[0] if len(plain) == 1 else None


def clash(a: Claim, b: Claim) -> bool:
    """Two claims that give one quantity different values: "7 percent" / "9 per cent" of the same
    fall, "40,000 of its lawnmowers" / "45,000 machines" (one count each, in other words)."""

    def near(x: float, y: float) -> bool:
        return x != y and min(x, y) > 0 and max(x, y) / min(x, y) <= CLASH_RATIO

    shared = a.numbers.keys() & b.numbers.keys()
    if shared:
        return any(near(a.numbers[u], b.numbers[u]) for u in shared)
    x, y = _plain_count(a), _plain_count(b)
    return x is not None and y is not None and near(x, y)


def group_facts(
    claims: list[Claim], vectors: np.ndarray, pairs: Pairs, p: np.ndarray, model: ClaimModel
) -> list[ClaimGroup]:
    """Facts from scored pairs: confirmed *reports* pairs joined best first, *related* pairs linking two facts."""
    ii, jj = pairs.i, pairs.j
    n = len(claims)
    codes = ii.astype(np.int64) * n + jj  # np.nonzero's row-major order: sorted, so looked up by bisection
    parent = list(range(len(claims)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(claims))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def alike(gi: int, gj: int, level: float, every: bool = False) -> bool:
        """Average link: the pairs across two would-be parts of one fact score `level` on average
        (a pair not scored counts 0), and none is below LINK: "met Han Zheng" + "met Han Zheng on
        the first visit in five years" + "the first visit in five years" is two facts, not one.
        With `every`, each of those pairs is also confirmed by evidence (`confirmed`) or scores SURE."""
        a, b = members[gi], members[gj]
        if {claims[x].article for x in a} & {claims[x].article for x in b}:
            return False  # one claim per article in a fact
        if float((vectors[a] @ vectors[b].T).min()) < LINK:
            return False
        xa, yb = np.asarray(a, dtype=np.int64)[:, None], np.asarray(b, dtype=np.int64)[None, :]
        want = (np.minimum(xa, yb) * n + np.maximum(xa, yb)).ravel()
        found, total = np.zeros(len(want), bool), 0.0
        if len(codes):
            at = np.minimum(np.searchsorted(codes, want), len(codes) - 1)
            found = codes[at] == want
            total = float(p[at[found]].sum())  # as p[at][found]: the same sum, in the same order
            if every and not (pairs.confirmed[at[found]] | (p[at[found]] >= SURE)).all():
                return False
        if pairs.story is not None and not found.all():  # pairs left out as unable to act: scored now
            mi, mj = want[~found] // n, want[~found] % n
            keep = pairs.story.sims[mi, mj] >= CANDIDATE  # a pair under CANDIDATE counts 0
            if every and not keep.all():
                return False  # ... and is confirmed by nothing
            if keep.any():
                x, ok = pairs.story.features(mi[keep], mj[keep])
                q = model.probability(x)
                if every and not (ok | (q >= SURE)).all():
                    return False
                total += float(q.sum())
        elif every and not found.all():
            return False  # pairs not scored, and no story to score them: nothing confirms them
        return total / (len(a) * len(b)) >= level

    order = np.argsort(-p, kind="stable")
    ranked = p[order]
    # the loops below walk only the pairs that can act, best first (the same order as walking all)
    for k in order[(ranked >= model.reports) & pairs.confirmed[order]].tolist():
        gi, gj = find(int(ii[k])), find(int(jj[k]))
        if gi == gj or not alike(gi, gj, model.reports, every=True):
            continue
        parent[gj] = gi
        members[gi].extend(members.pop(gj))
    # a figure given differently: one fact on which outlets disagree, not two facts
    counted = np.fromiter((bool(c.numbers) for c in claims), bool, count=len(claims))
    near = (
        ((p >= model.related) | (pairs.x[:, FEATURES.index("cosine")] >= CLASH_COSINE)) & counted[ii] & counted[jj]
        if len(p)
        else np.zeros(0, bool)
    )  # `clash` needs a figure on both sides
    for k in order[near[order]].tolist():
        i, j = int(ii[k]), int(jj[k])
        gi, gj = find(i), find(j)
        if gi == gj or not clash(claims[i], claims[j]) or not alike(gi, gj, 0.0):
            continue
        parent[gj] = gi
        members[gi].extend(members.pop(gj))
    roots = sorted(members, key=lambda r: min((claims[x].article, claims[x].sentence) for x in members[r]))
    index = {r: n for n, r in enumerate(roots)}
    groups = [ClaimGroup(sorted((claims[x] for x in members[r]), key=lambda c: (c.article, c.sentence))) for r in roots]
    group_of = np.fromiter((index[find(x)] for x in range(len(claims))), np.int64, count=len(claims))
    linked = p >= model.related
    for gi, gj in zip(group_of[ii[linked]].tolist(), group_of[jj[linked]].tolist(), strict=True):
        if gi != gj:
            groups[gi].related.add(gj)
            groups[gj].related.add(gi)
    return groups


def align(claims: list[Claim], vectors: np.ndarray, model: ClaimModel | None = None) -> list[ClaimGroup]:
    """Group claims of different articles that state the same fact, and link facts of one event."""
    model = model or load_model()
    pairs = pair_features(claims, vectors, model)
    p = model.probability(pairs.x) if len(pairs.x) else np.zeros(0)
    return group_facts(claims, vectors, pairs, p, model)


Versions = dict[Any, list[Claim]]  # value -> the claims that give it


def between_outlets(versions: Versions, outlet_of: Callable[[Claim], str]) -> Versions:
    """The versions that set outlets against each other: an outlet giving two values (its headline
    rounds, its body is exact) disagrees with no one, so it leaves every side."""
    seen: dict[str, set[Any]] = {}
    for value, cs in versions.items():
        for c in cs:
            seen.setdefault(outlet_of(c), set()).add(value)
    both = {o for o, vs in seen.items() if len(vs) > 1}
    kept = {v: [c for c in cs if outlet_of(c) not in both] for v, cs in versions.items()}
    kept = {v: cs for v, cs in kept.items() if cs}
    return kept if len(kept) > 1 else {}


@dataclass(frozen=True)
class Clash:
    """One fact given differently by outlets: `kind` "number" or "date", `what` the quantity
    ("count", "$", "date"), `values` each version with the claims that give it."""

    kind: Literal["number", "date"]
    what: str
    values: Versions


@dataclass(frozen=True)
class TitleClash:
    """One person given different titles: title key -> outlet -> the words that outlet used."""

    person: str
    titles: dict[str, dict[str, set[str]]]


def number_conflicts(group: ClaimGroup, outlet_of: Callable[[Claim], str] | None = None) -> list[Clash]:
    """Counts that the claims of one fact give differently for the same thing, between outlets."""
    outlet_of = outlet_of or (lambda c: str(c.article))
    out = []
    units: dict[str, Versions] = {}
    for c in group.claims:
        for unit, value in c.numbers.items():
            units.setdefault(unit, {}).setdefault(value, []).append(c)
    for unit, values in units.items():
        values = between_outlets(values, outlet_of)
        if values and max(values) / (min(values) or 1e-9) <= CLASH_RATIO:
            out.append(Clash("number", unit.removeprefix("money:"), values))
    if not out and len(group.claims) > 1:
        # "recalling 40,000 of its mowers" / "recalled 45,000 machines": the same count, other words
        counts: Versions = {}
        for c in group.claims:
            if (plain := _plain_count(c)) is not None:
                counts.setdefault(plain, []).append(c)
        counts = between_outlets(counts, outlet_of)
        plain_values = sorted(counts)
        if (
            len(plain_values) > 1
            and plain_values[-1] / plain_values[0] <= CLASH_RATIO
            and not any(set(a.numbers) & set(b.numbers) for a in group.claims for b in group.claims if a is not b)
        ):
            out.append(Clash("number", "count", counts))
    return out


_NATIONAL = re.compile(r"\b(?:british|uk|u\.k\.|us|u\.s\.|american|chinese|french|german|the)\b\s*", re.I)


def title_conflicts(
    people_roles: dict[str, dict[str, list[str]]],
) -> list[TitleClash]:
    """Different titles for one person across outlets ("Foreign Minister" vs "Foreign Secretary").

    `people_roles` is person -> outlet -> the titles that outlet gives; an outlet that gives both
    titles takes neither side. Each title keeps the words the outlets used ("forms").
    """
    out = []
    for person, by_outlet in people_roles.items():
        titles: dict[str, dict[str, set[str]]] = {}  # key -> outlet -> forms
        for outlet, roles in by_outlet.items():
            for r in roles:
                if r[:1].isupper() and "," not in r:  # a capitalised title, not a description
                    key = " ".join(_NATIONAL.sub("", r).replace("-", " ").lower().split())
                    if key:
                        titles.setdefault(key, {}).setdefault(outlet, set()).add(r)
        heads: dict[str, set[str]] = {}  # "secretary" -> outlets; "Home Secretary" and "Secretary" agree
        for key, outlets in titles.items():
            heads.setdefault(key.split()[-1], set()).update(outlets)
        both = {o for o in by_outlet if sum(o in os for os in heads.values()) > 1}
        sides = {h: os - both for h, os in heads.items() if os - both}
        if len(sides) > 1:
            kept = {
                k: {o: fs for o, fs in v.items() if o not in both} for k, v in titles.items() if k.split()[-1] in sides
            }
            out.append(TitleClash(person, {k: v for k, v in kept.items() if v}))
    return out


def build_claims(
    articles: list[tuple[Article, list[Sentence], list[Mention]]],
    embed: Callable[[list[str]], np.ndarray],
    model: ClaimModel | None = None,
) -> tuple[list[ClaimGroup], list[Claim]]:
    """Every article's claims (its headline and standfirst included) and the facts they group into."""
    claims: list[Claim] = []
    for i, (art, sents, mentions) in enumerate(articles):
        claims.extend(split_claims(i, sents, mentions, art.title, art.standfirst, art.text))
    vectors = embed([c.text for c in claims]) if claims else np.zeros((0, static.dims()), dtype=np.float32)
    return align(claims, vectors, model), claims


def date_conflicts(
    group: ClaimGroup,
    stated: dict[tuple[int, int], tuple[str, str]],
    outlet_of: Callable[[Claim], str] | None = None,
) -> list[Clash]:
    """Claims of one fact that put it on different days ("on Tuesday" vs "on Wednesday"), between outlets."""
    values: Versions = {}
    for c in group.claims:
        if (c.article, c.sentence) in stated:
            values.setdefault(stated[(c.article, c.sentence)][0], []).append(c)
    values = between_outlets(values, outlet_of or (lambda c: str(c.article)))
    return [Clash("date", "date", values)] if values else []


def _title_sentence(entry: tuple[Article, list[Sentence], list[Mention]], person: str, form: str) -> Cited | None:
    """Where an article gives a person a title: the first sentence (or headline) with both in it."""
    art, sents, mentions = entry
    named = {m.sentence for m in mentions if m.canonical == person}
    for s in sents:
        if form.lower() in s.text.lower() and (s.idx in named or not named):
            return citation(art, s.idx, s.text).cited()
    if art.title and form.lower() in art.title.lower():
        return citation(art, HEADLINE, art.title).cited()
    return None


def citation(art: Article, sentence: int, text: str) -> Citation:
    """How a dossier cites a sentence (or HEADLINE / STANDFIRST): article, part, index (None for those), words."""
    return Citation(
        article=art.id,
        source=art.source,
        outlet=art.outlet,
        outlet_label=outlet_label(art),
        sentence=None if sentence < 0 else sentence,
        part=PARTS.get(sentence, "body"),
        text=text,
    )


@dataclass(frozen=True)
class ClaimsReport:
    """The corroboration matrix of a story: its columns, its rows (facts) and the conflicts found."""

    outlets: list[str]
    claims: list[ClaimRow]
    conflicts: list[Conflict]


def claims_report(
    articles: list[tuple[Article, list[Sentence], list[Mention]]],
    embed: Callable[[list[str]], np.ndarray],
    roles: list[dict[str, list[str]]],
    stated_dates: dict[tuple[int, int], tuple[str, str]] | None = None,
    built: tuple[list[ClaimGroup], list[Claim]] | None = None,
) -> ClaimsReport:
    """The dossier's `claims`, `matrix` and `conflicts`, most widely reported facts first.

    A row is one fact. Its cells say, per outlet, whether the outlet *reports* it, reports only a
    *related* fact of the same event (other detail), *contradicts* it (a conflicting figure or date)
    or does not report it. A fact is "corroborated" only when two or more known outlets report it:
    the articles of unknown outlet share one column, "unknown outlet", which never corroborates
    (they may be one outlet's; copies never reach here).
    `stated_dates` maps (article index, sentence) to the (ISO date, words) a sentence states;
    `built` is what `build_claims` gave for these articles, when the caller has it already.
    """
    groups, _ = built or build_claims(articles, embed)
    outlets = sorted({outlet_label(a) for a, _s, _m in articles})

    def outlet_of(c: Claim) -> str:
        return outlet_label(articles[c.article][0])

    def cite(c: Claim) -> Citation:
        return citation(articles[c.article][0], c.sentence, c.text)

    rows: list[ClaimRow] = []
    conflicts: list[Conflict] = []
    same: dict[tuple[Any, ...], int] = {}  # a conflict's kind and sides -> its index in `conflicts`
    headlines = {a.title for a, _s, _m in articles if a.title}
    for g in groups:
        by_outlet = {outlet_of(c): c for c in g.claims}
        conflict = number_conflicts(g, outlet_of) + date_conflicts(g, stated_dates or {}, outlet_of)
        minority: set[str] = set()  # the outlets on a side smaller than the largest
        for x in conflict:
            sizes = {v: len({outlet_of(c) for c in cs}) for v, cs in x.values.items()}
            top = max(sizes.values())
            tied = sum(n == top for n in sizes.values()) > 1
            for v, cs in x.values.items():
                if tied or sizes[v] < top:
                    minority |= {outlet_of(c) for c in cs}
        related_claims = [c for h in sorted(g.related) for c in groups[h].claims if outlet_of(c) not in by_outlet]
        related_outlets = {outlet_of(c) for c in related_claims}
        cells: dict[str, Cell] = {}
        for outlet in outlets:
            if outlet in minority:
                cells[outlet] = "contradicts"
            elif outlet in by_outlet:
                cells[outlet] = "reports"
            elif outlet in related_outlets:
                cells[outlet] = "related"
            else:
                cells[outlet] = "not reported"
        known = len(by_outlet.keys() - {UNKNOWN_OUTLET})
        status: Status = "conflicting" if conflict else ("corroborated" if known > 1 else "single-source")
        lead = next((c for c in g.claims if c.sentence >= 0), g.claims[0])  # a sentence reads better than a headline
        rows.append(
            ClaimRow(
                text=lead.text,
                status=status,
                outlets=sorted(by_outlet),
                cells=cells,
                sources=[cite(c) for c in g.claims],
                related_sources=[cite(c) for c in related_claims],
            )
        )
        for x in conflict:
            made = Conflict(
                kind=x.kind,
                about=x.what,
                claim=lead.text,
                versions=[
                    ConflictVersion(
                        value=value,
                        outlets=sorted({outlet_of(c) for c in cs}),
                        sentences=[cite(c).cited() for c in cs],
                    )
                    for value, cs in sorted(x.values.items())
                ],
            )
            # the headlines' "40,000 mowers" / "45,000 mowers" and the bodies' are one disagreement
            sides = (made.kind, tuple((v.value, tuple(v.outlets)) for v in made.versions))  # words may differ
            if sides not in same:
                same[sides] = len(conflicts)
                conflicts.append(made)
                continue
            kept = conflicts[same[sides]]
            conflicts[same[sides]] = kept.model_copy(
                update={
                    **({"claim": lead.text, "about": made.about} if lead.sentence >= 0 and kept.claim in headlines else {}),
                    "versions": [
                        a.model_copy(update={"sentences": a.sentences + [c for c in b.sentences if c not in a.sentences]})
                        for a, b in zip(kept.versions, made.versions, strict=True)
                    ],
                }
            )
    people: dict[str, dict[str, list[str]]] = {}
    where: dict[tuple[str, str], list[int]] = {}  # (person, outlet) -> article indices
    for i, ((art, _s, _m), r) in enumerate(zip(articles, roles, strict=True)):
        for person, rs in r.items():
            people.setdefault(person, {}).setdefault(outlet_label(art), []).extend(rs)
            where.setdefault((person, outlet_label(art)), []).append(i)
    for t in title_conflicts(people):
        versions = []
        for key, by in t.titles.items():
            cited: list[Cited] = []
            for outlet, forms in sorted(by.items()):
                for i in where.get((t.person, outlet), []):
                    found = next(
                        (hit for f in sorted(forms) if (hit := _title_sentence(articles[i], t.person, f))), None
                    )
                    if found:
                        cited.append(found)
                        break
            versions.append(ConflictVersion(value=key, outlets=sorted(by), sentences=cited))
        conflicts.append(Conflict(kind="title", about=t.person, claim=f"{t.person}'s title", versions=versions))
    rows.sort(key=lambda r: (-len(set(r.outlets) - {UNKNOWN_OUTLET}), -len(r.outlets), r.status != "conflicting"))
    return ClaimsReport(outlets=outlets, claims=rows, conflicts=conflicts)

"""Claims, their alignment across outlets, and the facts on which aligned claims disagree.

A claim is a sentence, or a clause of a long sentence, that states a fact or reports an action.
Two claims from different outlets are the same claim when their embeddings are close *and* the
names and content words they share say so: a cosine threshold alone merges "40,000 mowers were
recalled" with "shares fell 7%" in a short recall story, and misses paraphrases that share
names. Each outlet contributes at most one claim to an aligned group. Numbers, dates and titles
that differ within a group are conflicts; otherwise the outlets differ in wording, not in fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from storyline.records import Article, Mention, Sentence, outlet_label

STRONG = 0.78  # cosine at which two claims are the same claim on their own
WEAK = 0.55  # cosine at which shared names or words must confirm it
MUTUAL = 0.38  # cosine enough for two claims that are each other's best match between two articles
LINK = 0.35  # every pair within a group must be at least this similar
_STOP = frozenset(
    "the a an of to in on for and or but with at by from as is was were are be been has have had that this it its "
    "their his her he she they we said says told would will could after before over about into than more most also "
    "not no new one two three".split()
)
_NUM = re.compile(
    r"(?<![\w.])(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?P<suffix>\s?(?:%|per ?cent|percent|m\b|bn\b|million|billion|k\b))?"
    r"|(?P<w>\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred)\b)",
    re.I,
)
_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}  # fmt: skip
_APPROX = re.compile(
    r"(?:more than|over|at least|about|around|nearly|almost|up to|some|roughly|fewer than|less than)\s*$", re.I
)


@dataclass
class Claim:
    article: int  # index into the story's article list
    sentence: int
    text: str
    names: frozenset[str]
    words: frozenset[str]
    numbers: dict[str, float]  # unit word -> value ("mowers": 40000, "%": 7, "year": 5)
    values: frozenset[float] = frozenset()  # every number stated, approximate ones included


@dataclass
class ClaimGroup:
    claims: list[Claim] = field(default_factory=list)


def _numbers(text: str) -> dict[str, float]:
    """Numbers with the word they count: '40,000 robot lawnmowers' -> {'lawnmowers': 40000}."""
    out: dict[str, float] = {}
    for m in _NUM.finditer(text):
        if _APPROX.search(text[max(0, m.start() - 14) : m.start()]):
            continue  # "more than 30" does not contradict "31"
        if m.group("w"):
            value = float(_WORDNUM[m.group("w").lower()])
            tail = text[m.end() :]
        else:
            value = float(m.group("n").replace(",", ""))
            if m.group("suffix"):
                s = m.group("suffix").strip().lower()
                unit = "%" if s in ("%", "percent", "per cent", "percent") or "cent" in s else s
                out[unit] = value
                continue
            tail = text[m.end() :]
            if 1900 <= value <= 2100 and "." not in m.group("n"):
                continue  # a year: dates are compared by the timeline, not here
        words = re.findall(r"[a-z]+", tail.lower())[:3]
        unit = next((w for w in words if w not in _STOP and len(w) > 2), None)
        if unit:
            out[unit[:-3] + "y" if unit.endswith("ies") else unit.rstrip("s")] = value
    return out


def split_claims(article_index: int, sentences: list[Sentence], mentions: list[Mention]) -> list[Claim]:
    """Sentences that state something (not bare quotes, questions or fragments), as claims."""
    out = []
    for s in sentences:
        text = s.text.strip()
        words = re.findall(r"[A-Za-z][A-Za-z']*", text)
        if (
            len(words) < 4
            or text.endswith("?")
            or text[:1] in "“\"‘'"
            or text.count('"') % 2
            or text.count("“") != text.count("”")
        ):
            continue
        quoted = sum(len(q) for q in re.findall(r"[“\"‘][^”\"’]*[”\"’]", text))
        if quoted > 0.7 * len(text):
            continue  # a quote is "who said what", not a claim of the outlet
        names = frozenset(
            m.canonical.lower() for m in mentions if m.sentence == s.idx and m.label in ("PERSON", "ORG", "GPE", "FAC")
        )
        content = frozenset(
            w.lower().rstrip("s")[:6] for w in words if w.lower() not in _STOP and len(w) > 3
        )  # crude stems
        values = frozenset(float(n.replace(",", "")) for n in re.findall(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", text))
        values |= {float(_WORDNUM[w.lower()]) for w in words if w.lower() in _WORDNUM}
        out.append(Claim(article_index, s.idx, text, names, content, _numbers(text), values))
    return out


def _confirmed(a: Claim, b: Claim, cos: float) -> float:
    """The alignment score of two claims: 0 unless embedding and overlap agree."""
    shared_names = len(a.names & b.names)
    union = len(a.words | b.words) or 1
    overlap = len(a.words & b.words) / union
    shared_units = set(a.numbers) & set(b.numbers)
    if cos >= 0.4 and ((a.values & b.values) or "%" in shared_units):
        return cos + 0.15  # "about 11,000 children" / "around 11,000 pupils"; "4.6%" / "4.8%"
    if cos >= STRONG and (shared_names or overlap >= 0.15 or shared_units):
        return cos
    if cos >= 0.65 and overlap >= 0.2:
        return cos
    if cos >= WEAK and (
        overlap >= 0.3 or (shared_names >= 1 and overlap >= 0.15) or (shared_units and overlap >= 0.12)
    ):
        return cos
    return 0.0


def align(claims: list[Claim], vectors: np.ndarray) -> list[ClaimGroup]:
    """Group claims of different articles that state the same thing; best matches first."""
    sims = vectors @ vectors.T if len(claims) else np.zeros((0, 0))
    # a name in a quarter of all claims (the story's protagonist, its country) tells no claim apart
    counts: dict[str, int] = {}
    for c in claims:
        for n in c.names:
            counts[n] = counts.get(n, 0) + 1
    common = {n for n, k in counts.items() if k > max(2, len(claims) // 4)}
    claims = [replace(c, names=c.names - common) for c in claims]
    long_story = len(claims) > 24 * 2  # in long articles a "best match" is often just the least bad
    # Only pairs above the lowest cosine any rule accepts are looked at, and each claim's best match
    # in every other article is one argmax per article: a 200-article story has millions of pairs.
    arts = np.fromiter((c.article for c in claims), dtype=np.int64, count=len(claims))
    best = np.zeros((len(claims), int(arts.max()) + 1 if len(claims) else 0), dtype=np.int64)
    for art in np.unique(arts):
        cols = np.flatnonzero(arts == art)
        best[:, art] = cols[np.argmax(sims[:, cols], axis=1)]
    floor = min(0.4, STRONG, 0.65, WEAK, MUTUAL)
    near = np.triu(sims >= floor, k=1) & (arts[:, None] != arts[None, :])
    pairs = []
    for i, j in zip(*np.nonzero(near), strict=True):
        i, j = int(i), int(j)
        a, b = claims[i], claims[j]
        cos = float(sims[i, j])
        sc = _confirmed(a, b, cos)
        if not sc:
            mutual = best[i, b.article] == j and best[j, a.article] == i
            overlap = len(a.words & b.words) / (len(a.words | b.words) or 1)
            if (
                mutual
                and cos >= (MUTUAL + 0.07 if long_story else MUTUAL)
                and (overlap >= 0.08 or a.names & b.names or a.values & b.values or cos >= 0.55)
            ):
                sc = cos
        if sc:
            pairs.append((sc, i, j))
    pairs.sort(reverse=True)
    group_of = list(range(len(claims)))
    members: dict[int, set[int]] = {i: {i} for i in range(len(claims))}

    def find(i: int) -> int:
        while group_of[i] != i:
            group_of[i] = group_of[group_of[i]]
            i = group_of[i]
        return i

    for _sc, i, j in pairs:
        gi, gj = find(i), find(j)
        if gi == gj:
            continue
        arts_i = {claims[k].article for k in members[gi]}
        arts_j = {claims[k].article for k in members[gj]}
        if arts_i & arts_j:
            continue  # one claim per article in a group
        # complete link: every member must be at least weakly similar to every other
        if min(float(sims[a, b]) for a in members[gi] for b in members[gj]) < LINK:
            continue
        group_of[gj] = gi
        members[gi] |= members.pop(gj)
    return [
        ClaimGroup([claims[k] for k in sorted(ms, key=lambda k: (claims[k].article, claims[k].sentence))])
        for ms in members.values()
    ]


def number_conflicts(group: ClaimGroup) -> list[dict[str, Any]]:
    """Counts that the aligned claims give differently for the same thing."""
    out = []
    units: dict[str, dict[float, list[Claim]]] = {}
    for c in group.claims:
        for unit, value in c.numbers.items():
            units.setdefault(unit, {}).setdefault(value, []).append(c)
    for unit, values in units.items():
        if len(values) > 1:
            out.append({"kind": "number", "what": unit, "values": values})
    if not out and len(group.claims) > 1:
        # "recalling 40,000 of its mowers" / "recalled 45,000 machines": the same count, other words
        counts = {}
        for c in group.claims:
            plain = [v for u, v in c.numbers.items() if u != "%" and v >= 10]
            if len(plain) == 1:
                counts.setdefault(plain[0], []).append(c)
        values = sorted(counts)
        if (
            len(values) > 1
            and values[-1] / values[0] <= 1.5
            and not any(set(a.numbers) & set(b.numbers) for a in group.claims for b in group.claims if a is not b)
        ):
            out.append({"kind": "number", "what": "count", "values": counts})
    return out


_NATIONAL = re.compile(r"\b(?:british|uk|u\.k\.|us|u\.s\.|american|chinese|french|german|the)\b\s*", re.I)


def title_conflicts(
    people_roles: dict[str, dict[str, list[str]]],
) -> list[dict[str, Any]]:
    """Different titles for one person across outlets ("Foreign Minister" vs "Foreign Secretary")."""
    out = []
    for person, by_outlet in people_roles.items():
        titles: dict[str, list[str]] = {}
        for outlet, roles in by_outlet.items():
            for r in roles:
                if r[:1].isupper() and "," not in r:  # a capitalised title, not a description
                    key = " ".join(_NATIONAL.sub("", r).replace("-", " ").lower().split())
                    if key:
                        titles.setdefault(key, []).append(outlet)
        heads = {k.split()[-1] for k in titles}
        if len(titles) > 1 and len(heads) > 1:
            out.append({"person": person, "titles": {k: sorted(set(v)) for k, v in titles.items()}})
    return out


def build_claims(
    articles: list[tuple[Article, list[Sentence], list[Mention]]],
    embed: Callable[[list[str]], np.ndarray],
) -> tuple[list[ClaimGroup], list[Claim]]:
    claims: list[Claim] = []
    for i, (_art, sents, mentions) in enumerate(articles):
        claims.extend(split_claims(i, sents, mentions))
    vectors = embed([c.text for c in claims]) if claims else np.zeros((0, 384), dtype=np.float32)
    return align(claims, vectors), claims


def date_conflicts(group: ClaimGroup, stated: dict[tuple[int, int], tuple[str, str]]) -> list[dict[str, Any]]:
    """Aligned claims that put the same event on different days ("on Tuesday" vs "on Wednesday")."""
    values: dict[float | str, list[Claim]] = {}
    for c in group.claims:
        if (c.article, c.sentence) in stated:
            values.setdefault(stated[(c.article, c.sentence)][0], []).append(c)
    return [{"kind": "date", "what": "date", "values": values}] if len(values) > 1 else []


def claims_report(
    articles: list[tuple[Article, list[Sentence], list[Mention]]],
    embed: Callable[[list[str]], np.ndarray],
    roles: list[dict[str, list[str]]],
    stated_dates: dict[tuple[int, int], tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The dossier's `claims`, `matrix` and `conflicts`, most widely reported claims first.

    `stated_dates` maps (article index, sentence) to the (ISO date, words) a sentence states.
    """
    groups, _ = build_claims(articles, embed)
    outlets = sorted({outlet_label(a) for a, _s, _m in articles})
    rows = []
    conflicts = []
    for g in groups:
        by_outlet = {outlet_label(articles[c.article][0]): c for c in g.claims}
        conflict = number_conflicts(g) + date_conflicts(g, stated_dates or {})
        cells = {}
        for outlet in outlets:
            c = by_outlet.get(outlet)
            if c is None:
                cells[outlet] = "not reported"
                continue
            disagrees = any(
                any(c in cs for cs in x["values"].values())
                and len(next(cs for cs in x["values"].values() if c in cs)) < max(len(v) for v in x["values"].values())
                for x in conflict
            ) or (conflict and all(len(v) == 1 for x in conflict for v in x["values"].values()))
            cells[outlet] = "contradicts" if disagrees else "reports"
        status = "conflicting" if conflict else ("corroborated" if len(by_outlet) > 1 else "single-source")
        lead = g.claims[0]
        sources = [
            {
                "article": articles[c.article][0].id,
                "source": articles[c.article][0].source,
                "outlet": articles[c.article][0].outlet,
                "outlet_label": outlet_label(articles[c.article][0]),
                "sentence": c.sentence,
                "text": c.text,
            }
            for c in g.claims
        ]
        row = {"text": lead.text, "status": status, "outlets": sorted(by_outlet), "cells": cells, "sources": sources}
        rows.append(row)
        for x in conflict:
            conflicts.append(
                {
                    "kind": x["kind"],
                    "about": x["what"],
                    "claim": lead.text,
                    "versions": [
                        {
                            "value": value,
                            "outlets": sorted({outlet_label(articles[c.article][0]) for c in cs}),
                            "sentences": [
                                {"article": articles[c.article][0].id, "sentence": c.sentence, "text": c.text}
                                for c in cs
                            ],
                        }
                        for value, cs in sorted(x["values"].items())
                    ],
                }
            )
    people: dict[str, dict[str, list[str]]] = {}
    for (art, _s, _m), r in zip(articles, roles, strict=True):
        for person, rs in r.items():
            people.setdefault(person, {}).setdefault(outlet_label(art), []).extend(rs)
    for t in title_conflicts(people):
        conflicts.append(
            {
                "kind": "title",
                "about": t["person"],
                "claim": f"{t['person']}'s title",
                "versions": [{"value": k, "outlets": v, "sentences": []} for k, v in t["titles"].items()],
            }
        )
    rows.sort(key=lambda r: (-len(r["outlets"]), r["status"] != "conflicting"))
    return {"outlets": outlets, "claims": rows, "conflicts": conflicts}

"""Roles and affiliations from the words around a name.

"Foreign Affairs Committee chairwoman Alicia Kearns" -> "chair, Foreign Affairs Committee";
"Tomas Ferreira, the city's chief bridge engineer," -> "chief bridge engineer";
"Foreign Secretary James Cleverly" -> "Foreign Secretary";
"the Archbishop of Canterbury, Dr Rowan Williams," -> "Archbishop of Canterbury".
"""

from __future__ import annotations

import re
from typing import Any

from storyline.lexicon import HONORIFICS
from storyline.records import Mention

ROLE_WORDS = frozenset(
    """minister secretary president chancellor leader chair chairman chairwoman chairperson spokesperson
    spokesman spokeswoman director executive engineer mayor councillor organiser officer editor correspondent
    analyst ambassador diplomat adviser advisor head manager founder owner teacher governor senator mp
    professor researcher economist commissioner chief boss steward campaigner activist lawyer judge captain
    coach deputy reporter presenter historian scientist doctor nurse official representative negotiator
    secretary-general premier king queen prince princess pope envoy inspector superintendent constable
    secretary-of-state administrator principal archbishop bishop justice speaker attorney""".split()
)
NORMAL = {"chairman": "chair", "chairwoman": "chair", "chairperson": "chair", "spokesman": "spokesperson",
          "spokeswoman": "spokesperson", "advisor": "adviser"}  # fmt: skip
TITLES = HONORIFICS
_APPOS = re.compile(r"^,\s+(?:the\s+|a\s+|an\s+)?(?P<r>[^,.;:“”\"()]{3,90}?)\s*(?:,|\.|$)")
_OF = re.compile(r"^(?P<pre>.*?)\b(?P<role>\w+)\s+of\s+(?:the\s+)?(?P<org>.+)$")


def _norm(word: str) -> str:
    return NORMAL.get(word.lower(), word.lower() if word.islower() else word)


MODIFIERS = {"former", "ex", "acting", "deputy", "senior", "chief", "top", "then", "interim", "shadow", "outgoing"}


def _premodifier_role(doc: Any, ent_start: int) -> str | None:
    i = ent_start - 1
    while i >= 0 and doc[i].text.lower().rstrip(".") in TITLES:
        i -= 1
    end = i + 1
    sent_start = doc[ent_start].sent.start  # Token.sent walks the doc: look it up once
    while i >= sent_start:
        t = doc[i]
        if (t.pos_ in ("PROPN", "NOUN", "ADJ") and t.text.replace("-", "").isalpha()) or t.text == "-":
            i -= 1
            continue
        break
    if i > sent_start and doc[i].text == "of" and i + 1 < end and doc[i + 1].text[:1].isupper():
        # "US Secretary of State Antony Blinken": a capitalised "<role> of <thing>" title
        j = i - 1
        while j >= sent_start and doc[j].pos_ in ("PROPN", "NOUN", "ADJ") and doc[j].text.isalpha():
            j -= 1
        if j + 1 < i and doc[i - 1].text.lower() in ROLE_WORDS and doc[i - 1].text[:1].isupper():
            return doc[j + 1 : end].text
    span = doc[i + 1 : end]
    words = [t.text for t in span]
    if not words or words[-1].lower() not in ROLE_WORDS:
        return None
    head = _norm(words[-1])
    if words[-1][0].islower() or words[-1].lower() in ("leader", "chief"):
        mods = [w.lower() for w in words[:-1] if w.lower() in MODIFIERS or w[0].islower()]
        body = [w for w in words[:-1] if w.lower() not in MODIFIERS and not w[0].islower()]
        role = " ".join([*mods, head])
        if len(body) >= 2:  # "Foreign Affairs Committee chairwoman" -> "chair, Foreign Affairs Committee"
            return f"{role}, {' '.join(body)}"
        return " ".join([*mods, *body, head])  # "former Tory leader", "Chinese president"
    return span.text  # "Foreign Secretary", "Vice-President"


def _apposition_role(text: str, end: int) -> str | None:
    m = _APPOS.match(text[end : end + 120])
    if not m:
        return None
    phrase = m.group("r").strip()
    words = re.findall(r"[\w'-]+", phrase.lower())
    if not words or len(words) > 12 or not (set(words) & ROLE_WORDS) or {"to", "who", "which"} & set(words):
        return None
    phrase = re.sub(r"^[\w]+['’]s\s+", "", phrase)  # "the city's chief bridge engineer"
    of = _OF.match(phrase)
    if of and of.group("role").lower() in ROLE_WORDS:
        return f"{_norm(of.group('role'))}, {of.group('org')}"
    return phrase


_BEFORE = re.compile(r"(?:^|\s)(?i:the)\s+(?P<r>[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,7}),\s+$")


def _title_before_role(text: str, start: int) -> str | None:
    """ "the Archbishop of Canterbury, Dr Rowan Williams," -> "Archbishop of Canterbury": a title set
    before the name, between commas (the name's own titles, Dr or Lord, skipped)."""
    before = text[max(0, start - 100) : start]
    while (t := re.search(r"(?:^|\s)([A-Z][a-z]+\.?)\s+$", before)) and t.group(1).lower().rstrip(".") in TITLES:
        before = before[: t.start(1)]
    m = _BEFORE.search(before)
    if not m:
        return None
    phrase = m.group("r").strip()
    words = re.findall(r"[\w'-]+", phrase.lower())
    return phrase if set(words) & ROLE_WORDS else None


def extract_roles(doc: Any, mentions: list[Mention]) -> dict[str, list[str]]:
    """canonical person -> the roles the article gives them, in order of first appearance."""
    out: dict[str, list[str]] = {}
    at = {x.start: x for x in reversed(mentions)}  # the first mention starting there, as before
    text = doc.text  # Doc.text joins every token on each call
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        m = at.get(ent.start_char)
        if m is None:
            continue
        for role in (
            _premodifier_role(doc, ent.start),
            _apposition_role(text, ent.end_char),
            _title_before_role(text, ent.start_char),
        ):
            if role and role not in out.setdefault(m.canonical, []):
                out[m.canonical].append(role)
    return {k: v for k, v in out.items() if v}

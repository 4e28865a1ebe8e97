"""Entity mentions and in-article alias resolution ("Mr Cleverly" -> "James Cleverly").

A single-word or titled mention resolves to a full name of the same article that contains it;
when two full names share the word (Wang Yi, Wang Wenbin), the nearest one before it wins. An
organisation's acronym or short form resolves to its full name in the same article ("the NAO" ->
"National Audit Office", "the Lib Dems" -> "Liberal Democrats").
"""

from __future__ import annotations

import re
from typing import Any

from storyline.lexicon import HONORIFICS, OFFICES, ROLE_HEADS
from storyline.records import Mention

LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
# Honorifics and offices before a name are not part of it ("Prime Minister Rishi Sunak" -> "Rishi Sunak").
TITLES = re.compile(
    r"^(?:(?:" + "|".join(sorted(HONORIFICS | {"mx", "professor"}) + list(OFFICES)) + r")\.?\s+)+", re.I
)
_POSSESSIVE = re.compile(r"[’']s?$")
_MINOR = {"of", "and", "the", "for", "on", "in", "&"}


def abbreviates(short: str, full: str) -> bool:
    """`short` is `full`'s acronym ("NAO": National Audit Office) or its words cut short ("Lib Dems")."""
    fw = full.split()
    if short.isupper() and 2 <= len(short) <= 6 and len(fw) > 1:
        return "".join(w[0] for w in fw if w.lower() not in _MINOR) == short
    sw = short.split()
    return (
        len(sw) == len(fw) > 1
        and sw != fw
        and all(len(a.rstrip("s")) >= 3 and b.lower().startswith(a.rstrip("s").lower()) for a, b in zip(sw, fw, strict=True))
    )


def clean_name(text: str, label: str) -> str:
    """Strip titles, possessives, 'the' and stray punctuation from an entity's text."""
    s = " ".join(text.split()).strip(' /,;:-–—"“”‘’()')
    s = _POSSESSIVE.sub("", s).strip()
    if label == "PERSON":
        s = TITLES.sub("", s)
    if label in {"ORG", "FAC", "EVENT", "LOC"} and s.lower().startswith("the "):
        s = s[4:]
    return s.strip(" /,;:-")


_ORG_WORDS = {"group", "post", "bank", "party", "council", "trust", "association", "union", "company", "news", "times"}


def _titled_name(ent: Any) -> bool:
    """An "organisation" that is a person's name after their role: "spokesman Glyn Davies", which the
    tagger can take for an ORG. Two or three capitalised words, the word before them a role."""
    doc = ent.doc
    return (
        ent.start > 0
        and doc[ent.start - 1].text.lower() in ROLE_HEADS - {"owner"}  # "owner Menatep Group" is a company
        and 2 <= len(ent) <= 3
        and all(t.is_alpha and t.is_title and t.text.lower() not in _ORG_WORDS for t in ent)
    )


def mentions(doc: Any, sentence_of: list[int]) -> list[Mention]:
    """Mentions of one spaCy Doc, with each alias mapped to the article's full name."""
    raw: list[tuple[int, int, str, str, str]] = []
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        label = "PERSON" if ent.label_ == "ORG" and _titled_name(ent) else ent.label_
        name = clean_name(ent.text, label)
        if len(name) < 2 or not any(c.isalpha() for c in name) or "\n" in ent.text:
            continue
        raw.append((ent.start_char, ent.end_char, ent.text, label, name))
    full_people = [(s, name) for s, _e, _t, label, name in raw if label == "PERSON" and " " in name]
    people_words: dict[str, list[tuple[int, str]]] = {}
    for start, name in full_people:
        for word in name.split():
            people_words.setdefault(word, []).append((start, name))
    full_orgs = [(s, name) for s, _e, _t, label, name in raw if label in ("ORG", "NORP") and " " in name]
    out: list[Mention] = []
    for start, end, text, label, name in raw:
        canonical = name
        words = name.split()
        if label in ("ORG", "NORP") and (options := [o for o in full_orgs if abbreviates(name, o[1])]):
            before = [o for o in options if o[0] <= start]
            canonical = (before[-1] if before else options[0])[1]
        elif len(words) == 1 and name in people_words:
            options = people_words[name]
            before = [o for o in options if o[0] <= start]
            canonical = (before[-1] if before else options[0])[1]
            label = "PERSON"
        elif label == "PERSON":
            longer = [n for _s, n in full_people if n != name and n.endswith(" " + name)]
            if longer:
                canonical = max(longer, key=len)
        out.append(Mention(sentence_of[start] if start < len(sentence_of) else -1, start, end, text, label, canonical))
    return out

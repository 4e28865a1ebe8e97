"""Build the first-name genders that let "he" and "she" skip a person (src/storyline/analyze/first_names.json).

Read from real news, by pattern, no model: in one article, "Sue Essex" and "Ms Essex" make "Sue" a
she; "Gordon Brown" and "Mr Brown" make "Gordon" a he. Each first name keeps the gender of at
least MIN_VOTES articles, where at least SHARE of its articles agree ("Jan" and "Kim" go both
ways and are left out). Sources: PolNeAR's train split and the BBC corpus (`../shared/`), except
BBC politics 101-140, the quote attribution dev set that eval/polnear.py scores.

    python scripts/build_first_names.py
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "src" / "storyline" / "analyze" / "first_names.json"
MIN_VOTES = 2  # articles that agree before a name is trusted
SHARE = 0.9  # of the articles that give the name a gender, the share that must agree
HE, SHE = ("Mr", "Sir", "Lord"), ("Mrs", "Ms", "Miss", "Dame", "Lady", "Baroness")
_TITLED = re.compile(r"\b(" + "|".join(HE + SHE) + r")\.?\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_FULL = r"\b([A-Z][a-z]{1,14})\s+(?:[A-Z]\.\s+)?SURNAME\b"
_NOT_NAMES = {"The", "A", "An", "Mr", "Mrs", "Ms", "Miss", "Sir", "Lord", "Lady", "Dame", "Baroness", "Dr", "But",
              "And", "Prime", "Minister", "Secretary", "President", "Chancellor", "Leader", "Labour", "Tory", "When",
              "Chief", "Professor", "Judge", "Senator", "Governor", "Speaker", "General", "Deputy", "Shadow"}  # fmt: skip


def texts() -> list[str]:
    out = [p.read_text("utf-8", errors="replace") for p in sorted((SHARED / "data/polnear/train/text").glob("*"))]
    for p in sorted((SHARED / "corpora/bbc").glob("*/*.txt")):
        if p.parent.name == "politics" and 101 <= int(p.stem) <= 140:
            continue  # the BBC quote dev set
        out.append(p.read_text("utf-8", errors="replace"))
    return out


def votes(text: str) -> dict[str, str]:
    """First name -> "he"/"she" in one article (a name given both there is left out)."""
    by_surname: dict[str, set[str]] = {}
    for title, surname in _TITLED.findall(text):
        by_surname.setdefault(surname, set()).add("he" if title in HE else "she")
    found: dict[str, set[str]] = {}
    lower = set(re.findall(r"\b[a-z]+\b", text))
    for surname, genders in by_surname.items():
        firsts = {f for f in re.findall(_FULL.replace("SURNAME", re.escape(surname)), text) if f not in _NOT_NAMES}
        if len(genders) != 1 or len(firsts) != 1:
            continue  # "Ivanka Trump" beside "Mr Trump": a family shares the surname, not the title
        first = next(iter(firsts))
        if first.lower() not in lower:  # "As Brown said": a word that opens a sentence is no name
            found.setdefault(first, set()).update(genders)
    return {f: next(iter(g)) for f, g in found.items() if len(g) == 1}


def main() -> int:
    counts: dict[str, Counter[str]] = {}
    docs = texts()
    for text in docs:
        for first, gender in votes(text).items():
            counts.setdefault(first, Counter())[gender] += 1
    table = {}
    for first, c in sorted(counts.items()):
        gender, n = c.most_common(1)[0]
        if n >= MIN_VOTES and n / sum(c.values()) >= SHARE:
            table[first] = gender
    OUT.write_text(json.dumps({"source": f"{len(docs)} articles (see scripts/build_first_names.py)",
                               "names": table}, indent=0, sort_keys=True) + "\n", "utf-8")  # fmt: skip
    she = sum(g == "she" for g in table.values())
    print(f"{len(table)} first names ({she} she, {len(table) - she} he) from {len(docs)} articles -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

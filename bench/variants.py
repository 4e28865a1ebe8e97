"""Larger corpora from the 2,108 BBC News articles in ../shared/corpora/bbc, read at run time.

Variant k of an article (k = 0 is the original) gets another outlet, a publication date spread
over the year, its body paragraphs after the lead shuffled, and light rewording (a few common
words swapped for synonyms), so near-duplicate detection and clustering see realistic pressure:
same events told by several outlets, not byte-identical copies. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

BBC = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "bbc"
OUTLETS = ["BBC News", "Northern Wire Service", "The Ledger", "Coastline Post", "Daily Courier", "Aldwin FM News",
           "Valley Gazette", "Island Herald", "Skerra Gazette", "Lindfield Live"]  # fmt: skip
SYNONYMS = {"said": "stated", "says": "states", "big": "large", "rise": "increase", "fall": "drop", "buy": "purchase",
            "help": "assist", "show": "reveal", "start": "begin", "end": "finish", "plan": "proposal", "firm": "company",
            "government": "administration", "also": "additionally", "but": "however,"}  # fmt: skip


def originals() -> list[tuple[str, str, list[str]]]:
    """(section/name, title, paragraphs) of every BBC article, in a stable order."""
    out = []
    for path in sorted(BBC.glob("*/*.txt")):
        text = path.read_text("latin-1")
        lines = [x.strip() for x in text.splitlines()]
        title = lines[0]
        paras = [x for x in lines[1:] if x]
        out.append((f"{path.parent.name}/{path.stem}", title, paras))
    return out


def reword(text: str, rng: random.Random, rate: float = 0.3) -> str:
    def swap(m: re.Match[str]) -> str:
        w = m.group(0)
        alt = SYNONYMS.get(w.lower())
        return alt if alt and rng.random() < rate else w

    return re.sub(r"\b[a-z]+\b", swap, text)


def variants(n: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """n JSON-Lines records: the originals first, then variant 1 of each, and so on."""
    base = originals()
    rng = random.Random(seed)
    start = dt.date(2005, 1, 1)
    for i in range(n):
        key, title, paras = base[i % len(base)]
        k = i // len(base)
        offset = zlib.crc32(key.encode()) % 300  # the same event falls on nearby days in every outlet
        day = start + dt.timedelta(days=offset if k == 0 else offset + rng.randint(0, 2))
        body = list(paras)
        if k:
            tail = body[1:]
            rng.shuffle(tail)
            body = [reword(p, rng) for p in [body[0], *tail]]
        yield {
            "url": f"https://{OUTLETS[k % len(OUTLETS)].lower().replace(' ', '-')}.example/{key}/{k}",
            "title": title if k == 0 else reword(title, rng),
            "outlet": OUTLETS[k % len(OUTLETS)],
            "published": day.isoformat(),
            "text": "\n\n".join(body),
        }


def write_jsonl(path: Path, n: int, seed: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for rec in variants(n, seed):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path

"""Load the annotated multi-outlet stories of eval/data/alignment (shared by alignment and summary)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from storyline.analyze import analyze_batch
from storyline.extract import extract
from storyline.records import AnalyzedArticle, RawDocument

DATA = Path(__file__).resolve().parent / "data" / "alignment"


@dataclass
class Story:
    name: str
    outlets: list[str]
    lines: list[list[tuple[str, str]]]  # per outlet: (label, sentence)
    reference: str
    analyzed: list[AnalyzedArticle]


def load() -> list[Story]:
    stories = []
    raw_all = []
    for path in sorted(DATA.glob("*.txt")):
        body, _, reference = path.read_text("utf-8").partition("## reference")
        outlets: list[str] = []
        lines: list[list[tuple[str, str]]] = []
        for line in body.splitlines():
            if line.startswith("# outlet:"):
                outlets.append(line.split(":", 1)[1].strip())
                lines.append([])
            elif line.startswith("["):
                label, _, text = line[1:].partition("] ")
                lines[-1].append((label, text.strip()))
        raws = [
            RawDocument(
                source=f"{path.stem}/{o}",
                data=json.dumps(
                    {
                        "title": f"{o} on {path.stem}",
                        "outlet": o,
                        "published": "2025-05-05",
                        "text": "\n\n".join(t for _l, t in ls),
                    }
                ).encode(),
                content_type="json",
            )
            for o, ls in zip(outlets, lines, strict=True)
        ]
        stories.append(Story(path.stem, outlets, lines, " ".join(reference.split()), []))
        raw_all.append(raws)
    flat = analyze_batch([extract(r) for raws in raw_all for r in raws])
    k = 0
    for s in stories:
        s.analyzed = flat[k : k + len(s.outlets)]
        k += len(s.outlets)
    return stories

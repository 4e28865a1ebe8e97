"""The hand-annotated fixtures in eval/data/cleaning: inputs, gold body paragraphs, sample corpus.

`python eval/fixtures.py build` rewrites samples/corpus/ from the annotations, so the sample corpus
that `storyline run` ships with and the cleaning evaluation can never drift apart.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "eval" / "data" / "cleaning"
CORPUS = ROOT / "samples" / "corpus"


def parse_ann(path: Path) -> tuple[str, list[str]]:
    """(input text, gold body paragraphs) of one .ann file; adjacent B| lines form one paragraph."""
    lines_in: list[str] = []
    gold: list[str] = []
    prev_b = False
    for raw in path.read_text("utf-8").splitlines():
        if not raw.strip():
            lines_in.append("")
            prev_b = False
            continue
        tag, _, text = raw.partition("|")
        if tag not in {"B", "H", "S", "M", "X"}:
            raise ValueError(f"{path.name}: line without a tag: {raw[:40]!r}")
        lines_in.append(text)
        if tag == "B":
            if prev_b:
                gold[-1] += " " + text.strip()
            else:
                gold.append(text.strip())
        prev_b = tag == "B"
    return "\n".join(lines_in).strip("\n") + "\n", gold


def cases() -> list[tuple[str, str, str, list[str]]]:
    """(name, kind, input, gold) for every annotated article; kind is 'text' or 'html'."""
    out = []
    for path in sorted(DATA.glob("*.ann")):
        text, gold = parse_ann(path)
        out.append((path.stem, "text", text, gold))
    for path in sorted(DATA.glob("*.html")):
        gold = [x for x in (DATA / f"{path.stem}.gold.txt").read_text("utf-8").splitlines() if x.strip()]
        out.append((path.stem, "html", path.read_text("utf-8"), gold))
    return out


# Which annotated articles make up the sample corpus, and in which format each is shipped.
CORPUS_FILES = {
    "bridge-ledger-inspection": "the-ledger/2025-02-03-kestrel-cables.txt",
    "bridge-wire-closure": "nws-wire/kestrel-bridge-closed.txt",
    "bridge-courier-closure": "daily-courier/bridge-of-fears.txt",
    "bridge-radio-closure": "aldwin-fm/kestrel-bridge-closed.txt",
    "methane-ledger": "the-ledger/nordvik-methane-pact.html",
    "robot-wire-recall": "nws-wire/solvane-recall.txt",
    "robot-coastline-copy": "coastline-post/solvane-recall.txt",
    "robot-courier-recall": "daily-courier/killer-robot-mowers.txt",
}


def build() -> list[Path]:
    """Write samples/corpus/ from the annotations (plus a JSON Lines file and an RSS feed)."""
    written = []
    by_name = {name: (kind, text) for name, kind, text, _ in cases()}
    for name, rel in CORPUS_FILES.items():
        target = CORPUS / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(by_name[name][1], encoding="utf-8")
        written.append(target)
    # The Coastline Post article arrives as a JSON Lines export, as a CMS or scraper would give it.
    text = by_name["methane-coastline"][1]
    record = {
        "url": "https://coastline-post.example/climate/nordvik-methane-pact",
        "outlet": "Coastline Post",
        "published": "2025-06-05T16:10:00+01:00",
        "text": text,
    }
    target = CORPUS / "coastline-post" / "export.jsonl"
    target.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(target)
    written.append(CORPUS / "nws-wire" / "feed.xml")  # written by hand, see samples/README.md
    return written


if __name__ == "__main__":
    if sys.argv[1:] == ["build"]:
        for p in build():
            print(p.relative_to(ROOT))
    elif len(sys.argv) == 3 and sys.argv[1] == "input":
        print(parse_ann(DATA / f"{sys.argv[2]}.ann")[0], end="")
    else:
        print("usage: fixtures.py build | input NAME", file=sys.stderr)
        sys.exit(2)

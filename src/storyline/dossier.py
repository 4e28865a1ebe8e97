"""Assemble a story's dossier from the store: the one place that feeds stored records to compare."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import numpy as np

from storyline.compare import merge_entities, merge_quotes, summarize
from storyline.compare.claims import Claim, ClaimGroup, build_claims, claims_report
from storyline.compare.timeline import claim_date, timeline
from storyline.records import Article, Mention, Sentence, Story, outlet_label
from storyline.store.repo import Store

SCHEMA_ID = "https://storyline.invalid/schema/dossier-1.json"
Loaded = tuple[Article, dict[str, Any], list[Sentence], list[Mention]]  # an article with what the store adds


def _embed_cached(store: Store) -> Any:
    """Sentence embeddings, computed once per sentence text and kept in the store."""

    def embed(texts: list[str]) -> np.ndarray:
        from storyline.analyze.nlp import embed as model_embed

        hashes = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        have = store.cached_vectors(list(set(hashes)))
        missing = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in have}.items())
        if missing:
            vecs = model_embed([t for _h, t in missing])
            new = {h: v for (h, _t), v in zip(missing, vecs, strict=True)}
            try:
                store.cache_vectors(new)
            except Exception:
                pass
            have.update(new)
        return np.stack([have[h] for h in hashes]) if hashes else np.zeros((0, 384), dtype=np.float32)

    return embed


def article_record(a: Article, extra: dict[str, Any]) -> dict[str, Any]:
    """The documented JSON shape of one article (`storyline show --json`)."""
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
        "language": a.language,
        "version": extra.get("version"),
        "copy_of": extra.get("copy_of"),
        "story": extra.get("story_id"),
        "text": a.text,
    }


def _related(store: Store, story: Story) -> list[dict[str, Any]]:
    related = []
    for other in store.stories(list(story.related)) if story.related else []:
        relation = "related"
        if other.first_date and story.first_date:
            relation = "earlier" if other.first_date < story.first_date else "later"
        related.append({"id": other.id, "title": other.title, "first_date": other.first_date, "relation": relation})
    related.sort(key=lambda r: (r["first_date"] or "9999", r["id"]))
    return related


def _comparison(
    store: Store,
    independent: list[Loaded],
    related: list[dict[str, Any]],
    embed: Any,
    built: tuple[list[ClaimGroup], list[Claim]] | None = None,
) -> dict[str, Any]:
    """Claims, matrix, conflicts, differences and timeline of a story's independent articles."""
    dated = {}
    stated: dict[tuple[int, int], tuple[str, str]] = {}  # (article index, sentence) -> date the text states
    for i, (a, _e, sents, _m) in enumerate(independent):
        refs = store.date_refs(a.id)
        for sent in sents:
            dated[(a.id, sent.idx)] = claim_date(sent.idx, a.published, refs)
            if dated[(a.id, sent.idx)][1]:
                stated[(i, sent.idx)] = dated[(a.id, sent.idx)]  # type: ignore[assignment]
    report = claims_report(
        [(a, s, m) for a, _e, s, m in independent],
        embed,
        [store.roles(a.id) for a, _e, _s, _m in independent],
        stated,
        built,
    )
    earlier = []
    for r in related:
        other = store.story(r["id"])
        if other and other.first_date and other.articles:
            first = store.article(other.articles[0].id)
            sents = store.sentences(first.id) if first else []
            earlier.append({
                "date": other.first_date[:10], "date_text": None, "what": sents[0].text if sents else other.title,
                "status": "related story", "story": other.id,
                "sources": [{"article": first.id, "source": first.source, "outlet": first.outlet,
                             "outlet_label": outlet_label(first), "sentence": 0, "text": sents[0].text if sents else ""}],
            })  # fmt: skip
    return {
        "differences": differences(report),
        "claims": report["claims"],
        "matrix_outlets": report["outlets"],
        "conflicts": report["conflicts"],
        "timeline": timeline(report["claims"], dated, earlier),
    }


def compare_story(store: Store, story_id: int) -> dict[str, Any]:
    """Only the comparison part of a dossier (`storyline compare`): no summary, quotes or entities."""
    story = store.story(story_id)
    if story is None:
        raise KeyError(f"no story {story_id}")
    independent = [x for x in _load(store, [a.id for a in story.articles]) if not x[1].get("copy_of")]
    return {
        "story": {"id": story.id, "title": story.title},
        **_comparison(store, independent, _related(store, story), _embed_cached(store)),
    }


def build_dossier(store: Store, story_id: int, summary_sentences: int = 5) -> dict[str, Any]:
    story = store.story(story_id)
    if story is None:
        raise KeyError(f"no story {story_id}")
    loaded = _load(store, [a.id for a in story.articles])
    independent = [x for x in loaded if not x[1].get("copy_of")]
    related = _related(store, story)
    embed = _embed_cached(store)
    built = build_claims([(a, s, m) for a, _e, s, m in independent], embed)  # one alignment for matrix and summary
    compared = _comparison(store, independent, related, embed, built)
    quotes = [store.quotes(a.id) for a, _e, _s, _m in independent]
    return {
        "$schema": SCHEMA_ID,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "story": {
            "id": story.id,
            "title": story.title,
            "first_date": story.first_date,
            "last_date": story.last_date,
            "outlets": story.outlets,
            "article_count": len(story.articles),
            "independent_count": len(independent),
            "related": related,
        },
        "summary": summarize(
            [(a, s) for a, _e, s, _m in independent], embed, summary_sentences, quotes=quotes, facts=built
        ),
        **compared,
        "quotes": merge_quotes([(a, q) for (a, _e, _s, _m), q in zip(independent, quotes, strict=True)]),
        "entities": merge_entities([(a, m, store.roles(a.id)) for a, _e, _s, m in independent]),
        "articles": [
            {
                **article_record(a, e),
                "outlet_label": outlet_label(a),
                "copy_similarity": e.get("copy_similarity"),
                "sentences": [{"idx": x.idx, "paragraph": x.paragraph, "start": x.start, "end": x.end} for x in s],
            }
            for a, e, s, _m in loaded
        ],
    }


def differences(report: dict[str, Any], single: int = 3) -> str:
    """The "Where outlets differ" paragraph: conflicts first, then notable single-source claims."""
    parts = []
    for c in report["conflicts"]:
        versions = "; ".join(f"{_fmt(v['value'])} ({', '.join(v['outlets'])})" for v in c["versions"])
        if c["kind"] == "number":
            parts.append(f"Outlets give different figures for {c['about']}: {versions}.")
        elif c["kind"] == "date":
            parts.append(f"Outlets date “{c['claim']}” differently: {versions}.")
        else:
            parts.append(f"Outlets give {c['about']} different titles: {versions}.")
    n_outlets = len(report["outlets"])
    if not report["conflicts"] and n_outlets > 1:
        parts.append(
            "No figures or titles conflict between outlets; where they differ it is in emphasis and wording, not in fact."
        )
    singles = [c for c in report["claims"] if c["status"] == "single-source"]
    singles.sort(key=lambda c: (any(q in c["text"] for q in '“"‘'), -len(c["text"])))  # facts before quotes
    if n_outlets > 1 and singles:
        shown = singles[:single]
        parts.append("Reported by one outlet only: " + " ".join(f"{c['outlets'][0]}: “{c['text']}”" for c in shown))
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
    out = []
    for sid in ids:
        story = store.story(sid)
        if story is None:
            raise KeyError(f"no story {sid}")
        arts = [store.article(a.id) for a in story.articles if a.copy_of is None]
        out.append((sid, [a for a in arts if a is not None]))
    return out


def quotes_of(store: Store, story_id: int | None = None, speaker: str | None = None) -> list[dict[str, Any]]:
    """Quotes merged across outlets, story by story (`storyline quotes`)."""
    out = []
    for sid, arts in _groups(store, story_id):
        for q in merge_quotes([(a, store.quotes(a.id)) for a in arts]):
            if speaker and speaker.lower() not in (q["speaker"] or "").lower():
                continue
            out.append({"story": sid, **q})
    return out


def entities_of(store: Store, story_id: int | None = None) -> list[dict[str, Any]]:
    """Canonical entities of a story, or of each story (`storyline entities`)."""
    out = []
    for sid, arts in _groups(store, story_id):
        for e in merge_entities([(a, store.mentions(a.id), store.roles(a.id)) for a in arts]):
            out.append({"story": sid, **e})
    return out

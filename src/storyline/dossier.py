"""Assemble a story's dossier from the store: the one place that feeds stored records to compare."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import numpy as np

from storyline.compare import merge_entities, merge_quotes, summarize
from storyline.records import Article, outlet_label
from storyline.store.repo import Store

SCHEMA_ID = "https://storyline.invalid/schema/dossier-1.json"


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


def build_dossier(store: Store, story_id: int, summary_sentences: int = 5) -> dict[str, Any]:
    story = store.story(story_id)
    if story is None:
        raise KeyError(f"no story {story_id}")
    loaded = _load(store, [a.id for a in story.articles])
    independent = [x for x in loaded if not x[1].get("copy_of")]
    related = []
    for other in store.stories(list(story.related)) if story.related else []:
        relation = "related"
        if other.first_date and story.first_date:
            relation = "earlier" if other.first_date < story.first_date else "later"
        related.append({"id": other.id, "title": other.title, "first_date": other.first_date, "relation": relation})
    related.sort(key=lambda r: (r["first_date"] or "9999", r["id"]))
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
        "summary": summarize([(a, s) for a, _e, s, _m in independent], _embed_cached(store), summary_sentences),
        "quotes": merge_quotes([(a, store.quotes(a.id)) for a, _e, _s, _m in independent]),
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


def _load(store: Store, ids: list[str]) -> list[tuple[Article, dict[str, Any], list[Any], list[Any]]]:
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

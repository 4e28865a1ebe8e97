"""Where a newly stored article goes: into its original's story as a copy, into a story, or a new one.

Three steps, so that the choice can be followed and tested without a store: `gather` reads what
bears on it (a near-duplicate, candidate stories, key frequencies), `decide` chooses (a pure
function), `apply` writes the choice. `place` runs them inside the engine's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from storyline.extract.outlets import MERGE_MIN_INITIALS, initials, is_acronym, same_outlet
from storyline.records import AnalyzedArticle, Article, StoryState
from storyline.stories import cluster, dedup

if TYPE_CHECKING:
    from storyline.store.repo import Store

Outcome = Literal["new", "copy", "version", "unchanged"]


@dataclass(frozen=True)
class CopyOf:
    """A stored article this one nearly duplicates, and the story that one is in."""

    original: Article
    story: int | None
    similarity: float


@dataclass(frozen=True)
class Context:
    """What the store knows that bears on one article's placement."""

    features: cluster.Features
    copy: CopyOf | None
    candidates: tuple[StoryState, ...] = ()
    dfs: dict[str, int] | None = None
    n_docs: int = 0


@dataclass(frozen=True)
class Placement:
    """The choice: `story` is the story joined (None for a new one); for a copy, which article is
    the copy of which (`copy`, `original`), since a reprint may have arrived before its wire original."""

    kind: Literal["copy", "join", "new"]
    story: int | None
    score: float
    links: tuple[tuple[int, float], ...] = ()
    copy: str | None = None
    original: str | None = None
    title: str | None = None  # a new story's title


def gather(store: Store, a: AnalyzedArticle, sig: tuple[int, ...], f: cluster.Features) -> Context:
    """Read what the decision needs. The article is recorded already (its bands and keys counted)."""
    art = a.article
    found = dedup.find_copy(sig, store.copy_candidates(dedup.band_keys(sig), exclude=art.id))
    copy = None
    if found is not None:
        original = store.article(found[0])
        if original is not None:
            copy = CopyOf(original, store.story_of(found[0]), found[1])
            if copy.story is not None:
                return Context(f, copy)  # a copy goes where its original is: no story needs scoring
    dfs, n_docs = store.key_dfs(list(f.keys))
    keys = [k for k, _ in cluster.top_keys(f, dfs, n_docs)]
    return Context(f, copy, tuple(store.story_candidates(keys)), dfs, n_docs)


def decide(a: AnalyzedArticle, ctx: Context) -> Placement:
    """A copy joins its original's story; otherwise the best-scoring story in the time window, or none."""
    art = a.article
    if ctx.copy is not None and ctx.copy.story is not None:
        old = ctx.copy.original
        if dedup.new_is_original(art, old):  # the wire copy arrived after a reprint of it
            copy, original = old.id, art.id
        else:
            copy, original = art.id, old.id
        return Placement("copy", ctx.copy.story, ctx.copy.similarity, copy=copy, original=original)
    d = cluster.decide(ctx.features, list(ctx.candidates), ctx.dfs or {}, ctx.n_docs)
    if d.join is not None:
        return Placement("join", d.join, d.score, d.links)
    return Placement("new", None, d.score, d.links, title=art.title or a.sentences[0].text[:120])


def apply(store: Store, a: AnalyzedArticle, f: cluster.Features, p: Placement) -> int:
    """Write the placement; returns the article's story."""
    art = a.article
    if p.kind == "copy":
        assert p.story is not None and p.copy is not None and p.original is not None
        store.mark_copy(p.copy, p.original, p.score)
        store.add_member(art.id, p.story, p.score)
        return p.story
    if p.kind == "join":
        assert p.story is not None
        story_id = p.story
        store.add_member(art.id, story_id, p.score)
        state = cluster.add(store.story_state(story_id), f)
        store.save_story(state, story_title(store, state, art))
    else:
        story_id = store.save_story(cluster.new_state(0, f), p.title or "")
        store.add_member(art.id, story_id, p.score)
    for other, score in p.links:
        store.link(story_id, other, score)
    return story_id


def place(store: Store, a: AnalyzedArticle, sig: tuple[int, ...] | None = None) -> tuple[Outcome, int | None]:
    """Store one analyzed article and put it into a story (inside the caller's transaction).

    Returns what happened ("new", "copy", "version" or "unchanged") and the story it went to.
    `sig` is the article's MinHash signature when a worker already computed it.
    """
    if store.has_content(a.article.content_hash):  # another process stored it while we were analysing
        return "unchanged", store.story_of(a.article.id)
    if (outlet := stored_outlet(store, a.article.outlet)) != a.article.outlet:
        a = replace(a, article=replace(a.article, outlet=outlet))
    art = a.article
    sig = sig or dedup.signature(art.text)
    f = cluster.features(a)
    new = store.save_article(a, sig, f.keys)
    store.add_bands(art.id, dedup.band_keys(sig))
    if not new:
        return "version", store.story_of(art.id)
    store.count_keys(f.keys)
    p = decide(a, gather(store, a, sig, f))
    return ("copy" if p.kind == "copy" else "new"), apply(store, a, f, p)


def stored_outlet(store: Store, name: str | None) -> str | None:
    """The name the store knows this outlet by, so that one outlet is counted once: a spelling
    stored earlier ("the Ledger" -> "The Ledger"), the full name of an acronym ("NWS" -> "Northern
    Wire Service"). A full name arriving after its acronym renames the articles stored under it."""
    if name is None:
        return None
    if same := store.outlets_named(name):
        return same[0]
    if is_acronym(name):
        if len(name) >= MERGE_MIN_INITIALS:
            full = [o for o in store.outlet_names() if not is_acronym(o) and same_outlet(o, name)]
            if full:
                return full[0]
        return name
    short = initials(name)
    if len(short) >= MERGE_MIN_INITIALS and same_outlet(short, name):
        for old in store.outlets_named(short):
            if old == short:  # the acronym exactly: "Nws" is not one
                store.rename_outlet(old, name)
    return name


def _headline_penalty(title: str | None) -> float:
    """Tabloid-style headlines make poor story titles: quotes up front, shouting, great length."""
    if not title:
        return 9.0
    shouting = sum(1 for w in title.split() if len(w) > 2 and w.isupper())
    return 0.1 * (title[:1] in "‘'\"“") + 0.05 * shouting + 0.1 * (len(title) > 110)


def story_title(store: Store, state: StoryState, art: Article) -> str:
    """The story's name: the headline of its most central member, preferring sober headlines."""
    members = store.member_vectors(state.id)
    if not members:
        return art.title or ""
    centroid = state.centroid
    best = max(members, key=lambda m: float(np.dot(m[2], centroid)) - _headline_penalty(m[1]))
    return best[1] or art.title or ""

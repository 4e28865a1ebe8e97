"""`storyline recluster`: re-examine every story of a store at once, and rewrite them.

Grouping is stories/regroup.py's (every pair scored under the whole store's IDF, average-link,
independent of input order). Copies follow their original. Each new group keeps the id of the old
story it shares most articles with, so most ids stay; an old story whose articles all went
elsewhere becomes an alias of the group that took most of them, so its id keeps resolving.
Articles, sentences and quotes are not touched: only which story each article belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storyline.analyze.nlp import VECTOR_DIM
from storyline.records import StoryState
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store
from storyline.stories import regroup
from storyline.stories.placement import story_title

# Ingest ends with a regroup up to this many stored articles (bench/recluster.py: 1.7 s at 1k,
# 15 s at 5k, 41 s at 10k, 114 s and 4.4 GB at 20k); above it, `storyline recluster` does it when asked.
AUTO_MAX_ARTICLES = S.auto_regroup_max_articles


@dataclass(frozen=True)
class ReclusterReport:
    articles: int
    before: int  # stories before
    after: int  # stories after
    kept: int  # story ids that stayed
    merged: int  # old stories that became an alias of another
    links: int

    def summary(self) -> str:
        return (
            f"{self.articles} articles: {self.before} stories before, {self.after} after "
            f"({self.kept} ids kept, {self.merged} merged into others); {self.links} storyline links"
        )


def _words_keys(row: dict) -> dict[str, int]:
    """Keys for an article stored before keys were kept: its names and content words."""
    out: dict[str, int] = {}
    for k in row["names"]:
        out[k] = out.get(k, 0) + 1
    for w in regroup.words(row["text"]):
        out[f"w:{w}"] = out.get(f"w:{w}", 0) + 1
    return out


def copy_sets(rows: list[dict]) -> dict[str, list[str]]:
    """Each set of copies (an original and the articles that copy it), under the one grouping
    compares: the lowest id that has a lead vector, not whichever came first, so that the input
    order cannot change what is compared (the original, in a set none of which has one). Maps that
    id to the set's other members."""
    of = {r["id"]: r["copy_of"] for r in rows}
    sets: dict[str, list[str]] = {}
    for r in rows:
        root = r["id"]
        seen = {root}
        while of.get(root) is not None and of[root] not in seen:  # a copy of a copy leads to the original
            root = of[root]
            seen.add(root)
        sets.setdefault(root, []).append(r["id"])
    vectored = {r["id"] for r in rows if r["vector"] is not None}
    out: dict[str, list[str]] = {}
    for root, members in sets.items():
        head = min((a for a in members if a in vectored), default=root)
        out[head] = sorted(a for a in members if a != head)
    return out


def profiles(rows: list[dict]) -> list[regroup.Profile]:
    """The articles grouping compares: one per set of copies (the others follow it)."""
    compared = copy_sets(rows)
    return [
        regroup.Profile(
            id=r["id"],
            vector=r["vector"].astype(np.float64) / (float(np.linalg.norm(r["vector"])) or 1.0),
            names=r["names"],
            text=" ".join([r["title"] or "", r["text"]]),
            date=r["published"][:10] if r["published"] else None,
        )
        for r in rows
        if r["id"] in compared and r["vector"] is not None
    ]


def recluster(store: Store, model: regroup.PairModel | None = None) -> ReclusterReport:
    """Regroup every story in one transaction; a failure leaves the store as it was."""
    with store.transaction():
        return _recluster(store, model)


def _recluster(store: Store, model: regroup.PairModel | None) -> ReclusterReport:
    rows = store.grouping_rows()
    by_id = {r["id"]: r for r in rows}
    groups, links = regroup.group(profiles(rows), model)
    copies = copy_sets(rows)
    old_members = store.story_members()
    old_of = {a: sid for sid, ms in old_members.items() for a in ms}
    full = [sorted(g + [c for a in g for c in copies.get(a, [])]) for g in groups]
    # an article grouping cannot compare (no lead vector: not analysed as English), and copies of
    # it, stay together in a story of their own rather than lose the one they had
    grouped = {a for g in full for a in g}
    for a in sorted(old_of):
        if a not in grouped and by_id.get(a, {}).get("copy_of") is None:
            alone = sorted([a, *(c for c in copies.get(a, []) if c in old_of)])
            groups.append([a])
            full.append(alone)
            grouped.update(alone)
    for a in sorted(set(old_of) - grouped):  # a copy whose original has no story: keep it where it was
        groups.append([a])
        full.append([a])
    # shared[sid][gi]: how many of old story sid's articles group gi holds
    shared: dict[int, dict[int, int]] = {}
    for gi, members in enumerate(full):
        for a in members:
            if a in old_of:
                by_group = shared.setdefault(old_of[a], {})
                by_group[gi] = by_group.get(gi, 0) + 1
    # each group keeps the old id it shares most articles with; bigger overlaps choose first
    claims = sorted((-c, sid, gi) for sid, by_group in shared.items() for gi, c in by_group.items())
    id_of: dict[int, int] = {}
    taken: set[int] = set()
    for _, sid, gi in claims:
        if gi not in id_of and sid not in taken:
            id_of[gi] = sid
            taken.add(sid)
    # an old id no group kept points at the group that took most of its articles
    aliases = {
        sid: max(by_group, key=lambda g: (by_group[g], -g)) for sid, by_group in shared.items() if sid not in taken
    }
    stories = []
    for gi, members in enumerate(full):
        originals = groups[gi]  # copies are members but, as in cluster.py, not part of the state
        vecs = [by_id[a]["vector"] for a in originals if by_id[a]["vector"] is not None]
        keys: dict[str, int] = {}
        dates = []
        for a in originals:
            for k in by_id[a]["keys"] or _words_keys(by_id[a]):
                keys[k] = keys.get(k, 0) + 1
            if by_id[a]["published"]:
                dates.append(by_id[a]["published"][:10])
        state = StoryState(
            id=id_of.get(gi, 0),
            vector_sum=np.sum(vecs, axis=0).astype(np.float32) if vecs else np.zeros(VECTOR_DIM, dtype=np.float32),
            n=len(originals),
            keys=keys,
            first_date=min(dates) if dates else None,
            last_date=max(dates) if dates else None,
        )
        stories.append((state, members))
    ids = store.rewrite_stories([(s, "", m) for s, m in stories], links, aliases)
    for sid, (state, members) in zip(ids, stories, strict=True):
        final = StoryState(sid, state.vector_sum, state.n, state.keys, state.first_date, state.last_date)
        first = store.article(members[0])
        store.save_story(final, story_title(store, final, first) if first else "")
    return ReclusterReport(
        articles=len(rows),
        before=len(old_members),
        after=len(stories),
        kept=len(id_of),
        merged=len(aliases),
        links=len(links),
    )

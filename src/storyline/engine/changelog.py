"""The change log, written at the end of each ingest run: what the run taught storyline about each
story it touched (compare/changes.py decides what changed; this reads the before and after).

The "before" of a story is its snapshot from the last run that logged it, else the story without
the articles this run stored; a story that is new in this run logs its articles only (all else in
it is new too, and its dossier shows it). A run that stores more than CHANGE_LOG_MAX_ARTICLES is a bulk load:
it logs its new articles only and forgets the touched stories' snapshots, since comparing every
touched story twice would cost more than the ingest, and "everything is new" tells no one anything.
"""

from __future__ import annotations

import datetime as dt
import json

from storyline.compare.changes import EMPTY, Found, diff
from storyline.compare.claims import HEADLINE, citation
from storyline.dossier import StoredEmbed, story_seen
from storyline.output import StorySeen
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store

CHANGE_LOG_MAX_ARTICLES = S.change_log_max_articles


def _now(store: Store) -> str:
    """This run's time, later than every time logged before (two runs in one clock tick stay in order)."""
    now = dt.datetime.now(dt.UTC)
    last = store.latest_change()
    if last is not None and dt.datetime.fromisoformat(last) >= now:
        now = dt.datetime.fromisoformat(last) + dt.timedelta(microseconds=1)
    return now.isoformat(timespec="microseconds")


def _rows(story: int, at: str, found: list[Found]) -> list[tuple[int, str, str, str, str, str]]:
    return [
        (story, at, f.kind, f.what, json.dumps(f.outlets, ensure_ascii=False),
         json.dumps([c.model_dump(mode="json") for c in f.citations], ensure_ascii=False))
        for f in found
    ]  # fmt: skip


def record(store: Store, stories: set[int], articles: list[str]) -> int:
    """Log what storing `articles` changed in `stories` (inside one transaction); returns the rows logged."""
    if not articles:
        return 0
    new = frozenset(articles)
    rows: list[tuple[int, str, str, str, str, str]] = []
    with store.transaction():
        at = _now(store)
        if len(new) > CHANGE_LOG_MAX_ARTICLES:
            for aid in articles:
                art, sid = store.article(aid), store.story_of(aid)
                if art is not None and sid is not None:
                    head = citation(art, HEADLINE, art.title or art.paragraphs[0][:200]).cited()
                    rows += _rows(sid, at, [Found("new article", head.text, [head.outlet_label], [head])])
            store.drop_snapshots(stories)
        else:
            embed = StoredEmbed(store)
            for sid in sorted(stories):
                story = store.story(sid)
                if story is None:
                    continue
                kept = store.snapshot(sid)
                if kept is not None:
                    before = StorySeen.model_validate_json(kept)
                elif any(a.id not in new for a in story.articles):
                    before = story_seen(store, sid, exclude=new, embed=embed)
                else:
                    before = EMPTY
                after = story_seen(store, sid, embed=embed)
                found = diff(before, after)
                if before is EMPTY:  # a new story: everything in it is new; its articles say so
                    found = [f for f in found if f.kind == "new article"]
                rows += _rows(sid, at, found)
                store.save_snapshot(sid, at, after.model_dump_json())
        store.add_changes(rows)
    return len(rows)

"""Stories correct themselves: a split event is merged back, a wrong join is split, ids keep resolving."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import numpy as np
from conftest import CORPUS, stories_json

from storyline.engine.local import ingest
from storyline.engine.recluster import copy_sets, profiles
from storyline.records import StoryState
from storyline.store.repo import Store
from storyline.stories import regroup


def _groups(stories: list[dict]) -> set[frozenset[str]]:
    return {
        frozenset(Path(a["source"]).parent.name + "/" + Path(a["source"]).name for a in s["articles"]) for s in stories
    }


def _rewrite(db: Path, plan: list[list[str]]) -> list[int]:
    """Force the store's stories into `plan` (lists of article ids), as a bad placement would leave them."""
    with Store(db) as store, store.transaction():
        old = store.story_members()
        vectors = {r["id"]: r["vector"] for r in store.grouping_rows()}
        stories = []
        for members in plan:
            sid = next((s for s, ms in old.items() if set(ms) == set(members)), 0)
            state = StoryState(sid, np.sum([vectors[a] for a in members], axis=0), len(members), {})
            stories.append((state, "forced", members))
        return store.rewrite_stories(stories, [], {})


def _split_db(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [str(CORPUS)], regroup=False)
    return db


def test_recluster_merges_a_split_event_and_the_old_id_resolves(cli, tmp_path):
    db = _split_db(tmp_path)
    before = stories_json(cli, db)
    bridge = next(s for s in before if any("bridge-of-fears" in a["source"] for a in s["articles"]))
    assert len(bridge["articles"]) == 3
    lone = next(a["id"] for a in bridge["articles"] if "bridge-of-fears" in a["source"])
    rest = [a["id"] for a in bridge["articles"] if a["id"] != lone]
    others = [[a["id"] for a in s["articles"]] for s in before if s["id"] != bridge["id"]]
    ids = _rewrite(db, [rest, [lone], *others])
    split_id = ids[1]
    assert len(stories_json(cli, db)) == len(before) + 1

    code, _, err = cli("recluster", "--db", db)
    assert code == 0 and "merged into others" in err
    after = stories_json(cli, db)
    assert _groups(after) == _groups(before)
    merged = next(s for s in after if any(a["id"] == lone for a in s["articles"]))
    assert {a["id"] for a in merged["articles"]} == {lone, *rest}
    # the id a reader saw for the split-off story opens the merged story's dossier, citations and all
    code, out, _ = cli("dossier", str(split_id), "--db", db, "--format", "json")
    assert code == 0
    dossier = json.loads(out)
    assert dossier["story"]["id"] == merged["id"]
    assert {a["id"] for a in dossier["articles"]} == {lone, *rest}
    code, out, _ = cli("articles", "--story", str(split_id), "--db", db, "--json")
    assert code == 0 and {a["id"] for a in json.loads(out)} == {lone, *rest}


def test_recluster_splits_a_wrong_join_and_loses_nothing(cli, tmp_path):
    db = _split_db(tmp_path)
    before = stories_json(cli, db)
    methane = next(s for s in before if any("methane" in a["source"] for a in s["articles"]))
    recall = next(s for s in before if any("solvane-recall" in a["source"] for a in s["articles"]))
    wrong = [a["id"] for a in methane["articles"]] + [a["id"] for a in recall["articles"]]
    rest = [[a["id"] for a in s["articles"]] for s in before if s["id"] not in (methane["id"], recall["id"])]
    _rewrite(db, [wrong, *rest])
    assert len(stories_json(cli, db)) == len(before) - 1

    assert cli("recluster", "--db", db)[0] == 0
    after = stories_json(cli, db)
    assert _groups(after) == _groups(before)
    with sqlite3.connect(db) as con:
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        n_members = con.execute("SELECT count(*) FROM story_articles").fetchone()[0]
        empty = con.execute(
            "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM story_articles)"
        ).fetchone()[0]
    assert n_articles == n_members == sum(len(s["articles"]) for s in after) and empty == 0


def test_grouping_does_not_depend_on_input_order(tmp_path):
    db = _split_db(tmp_path)
    with Store(db) as store:
        ps = profiles(store.grouping_rows())
    first, first_links = regroup.group(ps)
    for seed in range(3):
        shuffled = list(ps)
        random.Random(seed).shuffle(shuffled)
        assert regroup.group(shuffled) == (first, first_links)
    # and the stories found are the sample corpus's events, not one per article or one in all
    assert 3 <= len(first) < len(ps)


def test_ingest_in_any_order_gives_the_same_stories(cli, tmp_path):
    files = sorted(str(p) for p in CORPUS.rglob("*") if p.is_file())
    found, compared = [], []
    for name, order in (("a", files), ("b", files[::-1])):
        db = tmp_path / f"{name}.db"
        with Store(db) as store:
            report = ingest(store, order)
        assert report.regrouped
        with Store(db) as store:
            rows = store.grouping_rows()
        found.append(_groups(stories_json(cli, db)))
        compared.append(sorted(p.id for p in profiles(rows)))
    assert found[0] == found[1]
    # a reprint and its original are one article to grouping, compared by the same one either way
    assert compared[0] == compared[1]


def test_which_of_two_copies_came_first_does_not_change_what_grouping_compares():
    """Ingest marks the later of two copies as the copy; grouping compares the same one either way."""
    vec = np.ones(4, dtype=np.float32)

    def row(aid: str, copy_of: str | None, title: str) -> dict:
        return {"id": aid, "vector": vec, "names": (), "title": title, "text": "Kestrel Bridge shut.",
                "published": None, "keys": None, "copy_of": copy_of}  # fmt: skip

    wire_first = [row("a1", None, "Wire"), row("b2", "a1", "Reprint"), row("c3", "b2", "Reprint of reprint")]
    reprint_first = [row("a1", "b2", "Wire"), row("b2", None, "Reprint"), row("c3", "b2", "Reprint of reprint")]
    for rows in (wire_first, reprint_first):
        assert [p.id for p in profiles(rows)] == ["a1"]
        assert copy_sets(rows) == {"a1": ["b2", "c3"]}

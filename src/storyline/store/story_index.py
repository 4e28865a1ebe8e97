"""The store's story index: clustering state, membership, storyline links and merged-story aliases."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

import numpy as np

from storyline.records import (
    Story,
    StoryArticle,
    StoryState,
)
from storyline.store.connection import StoreBase, _f32, _now


class StoryIndex(StoreBase):
    """Stories: their clustering state, members, links and aliases, and the story list."""

    def count_keys(self, keys: Iterable[str]) -> None:
        self.db.executemany(
            "INSERT INTO key_df VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET df = df + 1", [(k,) for k in keys]
        )

    def key_dfs(self, keys: list[str]) -> tuple[dict[str, int], int]:
        """Document frequency of each key, and the number of articles (for IDF)."""
        out: dict[str, int] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                {r[0]: r[1] for r in self.db.execute(f"SELECT key, df FROM key_df WHERE key IN ({marks})", chunk)}
            )
        n = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return out, n

    def story_candidates(self, keys: list[str], limit: int = 50) -> list[StoryState]:
        """Stories sharing the most of these keys: an inverted-index lookup, not a scan."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"""SELECT s.* FROM stories s JOIN (SELECT story_id, count(*) AS c FROM story_keys
                WHERE key IN ({marks}) GROUP BY story_id ORDER BY c DESC LIMIT ?) k ON k.story_id = s.id""",
            (*keys, limit),
        ).fetchall()
        return [self._state(r) for r in rows]

    def story_state(self, story_id: int) -> StoryState:
        return self._state(self.db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone())

    @staticmethod
    def _state(r: sqlite3.Row) -> StoryState:
        return StoryState(
            id=r["id"],
            vector_sum=np.frombuffer(r["vector_sum"], dtype=np.float32).copy(),
            n=r["n"],
            keys=json.loads(r["keys"]),
            first_date=r["first_date"],
            last_date=r["last_date"],
        )

    def save_story(self, s: StoryState, title: str) -> int:
        """Insert or update a story; id 0 means new. Returns the story's id."""
        now = _now()
        keys = json.dumps(s.keys, sort_keys=True)
        if s.id:
            self.db.execute(
                "UPDATE stories SET title=?, n=?, first_date=?, last_date=?, vector_sum=?, keys=?, updated_at=? WHERE id=?",
                (title, s.n, s.first_date, s.last_date, _f32(s.vector_sum), keys, now, s.id),
            )
            story_id = s.id
        else:
            cur = self.db.execute(
                "INSERT INTO stories (title, n, first_date, last_date, vector_sum, keys, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (title, s.n, s.first_date, s.last_date, _f32(s.vector_sum), keys, now, now),
            )
            story_id = int(cur.lastrowid or 0)
            self.db.execute("DELETE FROM story_aliases WHERE old = ?", (story_id,))  # SQLite reused a dropped id
        self.db.executemany("INSERT OR IGNORE INTO story_keys VALUES (?, ?)", [(k, story_id) for k in s.keys])
        return story_id

    def add_member(self, article_id: str, story_id: int, score: float | None) -> None:
        self.db.execute("INSERT OR REPLACE INTO story_articles VALUES (?,?,?,?)", (article_id, story_id, score, _now()))

    def story_of(self, article_id: str) -> int | None:
        row = self.db.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def link(self, a: int, b: int, score: float) -> None:
        if a == b:
            return
        lo, hi = min(a, b), max(a, b)
        self.db.execute(
            "INSERT INTO story_links VALUES (?,?,?) ON CONFLICT(a, b) DO UPDATE SET score = max(score, excluded.score)",
            (lo, hi, score),
        )

    def grouping_rows(self) -> list[dict[str, Any]]:
        """What recluster needs of every stored article: vector, names, text, date, keys, copy_of."""
        names: dict[str, list[str]] = {}
        for r in self.db.execute("SELECT article_id, label, canonical FROM mentions ORDER BY article_id, start"):
            names.setdefault(r[0], []).append(f"{r[1].lower()}:{r[2].lower()}")
        rows = self.db.execute(
            "SELECT id, vector, title, text, published, keys, copy_of, copy_similarity FROM articles ORDER BY id"
        ).fetchall()
        return [
            {
                "id": r["id"],
                "vector": np.frombuffer(r["vector"], dtype=np.float32).copy() if r["vector"] else None,
                "title": r["title"],
                "text": r["text"],
                "published": r["published"],
                "keys": json.loads(r["keys"]) if r["keys"] else None,
                "copy_of": r["copy_of"],
                "names": tuple(names.get(r["id"], ())),
            }
            for r in rows
        ]

    def story_members(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for r in self.db.execute("SELECT story_id, article_id FROM story_articles ORDER BY story_id, article_id"):
            out.setdefault(r[0], []).append(r[1])
        return out

    def rewrite_stories(
        self,
        stories: list[tuple[StoryState, str, list[str]]],
        links: list[tuple[int, int, float]],
        aliases: dict[int, int],
    ) -> list[int]:
        """Replace every story by these (state with id 0 = new, title, member ids); the caller's transaction.

        Links are indexes into `stories`; `aliases` maps a dropped story id to the index of the story
        that took its articles. Returns the story ids in the order given.
        """
        keep = {s.id for s, _, _ in stories if s.id}
        old = [r[0] for r in self.db.execute("SELECT id FROM stories")]
        self.db.execute("DELETE FROM story_links")
        self.db.execute("DELETE FROM story_keys")
        ids = []
        for state, title, members in stories:
            sid = self.save_story(state, title)
            ids.append(sid)
            self.db.executemany(
                "UPDATE story_articles SET story_id = ? WHERE article_id = ?", [(sid, m) for m in members]
            )
        for sid in old:
            if sid not in keep:
                self.db.execute("DELETE FROM stories WHERE id = ?", (sid,))
        for dropped, index in aliases.items():
            self.db.execute("INSERT OR REPLACE INTO story_aliases VALUES (?, ?)", (dropped, ids[index]))
            # the change log follows the story's articles; the dropped story's snapshot is stale
            self.db.execute("UPDATE changes SET story_id = ? WHERE story_id = ?", (ids[index], dropped))
            self.db.execute("DELETE FROM story_snapshots WHERE story_id = ?", (dropped,))
        # an alias that pointed at a story dropped now follows it to where its articles went
        for dropped, index in aliases.items():
            self.db.execute("UPDATE story_aliases SET new = ? WHERE new = ?", (ids[index], dropped))
        for a, b, score in links:
            self.link(ids[a], ids[b], score)
        return ids

    def resolve_story(self, story_id: int) -> int | None:
        """The story an id names now: itself, or the story it was merged into by recluster."""
        if self.db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone():
            return story_id
        try:
            row = self.db.execute("SELECT new FROM story_aliases WHERE old = ?", (story_id,)).fetchone()
        except sqlite3.OperationalError:  # a store from before schema 6, opened read-only
            return None
        return int(row[0]) if row else None

    def member_vectors(self, story_id: int) -> list[tuple[str, str | None, np.ndarray]]:
        rows = self.db.execute(
            """SELECT a.id, a.title, a.vector FROM articles a JOIN story_articles m ON m.article_id = a.id
               WHERE m.story_id = ? AND a.copy_of IS NULL""",
            (story_id,),
        ).fetchall()
        return [(r["id"], r["title"], np.frombuffer(r["vector"], dtype=np.float32)) for r in rows]

    def counts(self) -> dict[str, int]:
        return {
            t: self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "article_versions", "stories", "sentences", "mentions")
        }

    def story_index(self) -> list[tuple[int, str | None, str | None, int]]:
        """(id, first date, last date, number of articles) of every story: enough to filter, sort
        and page the list without loading any story's members."""
        rows = self.db.execute(
            """SELECT s.id, s.first_date, s.last_date, count(m.article_id) FROM stories s
               LEFT JOIN story_articles m ON m.story_id = s.id GROUP BY s.id"""
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def data_version(self) -> tuple[int, str | None, str | None]:
        """Changes whenever an article (or a version of one) is stored and the change log grows:
        the key for caches of what the store holds."""
        r = self.db.execute("SELECT count(*), max(ingested_at), (SELECT max(at) FROM changes) FROM articles").fetchone()
        return (r[0], r[1], r[2])

    def stories(self, ids: list[int] | None = None) -> list[Story]:
        where, args = "", []
        if ids is not None:
            where = f"WHERE s.id IN ({','.join('?' * len(ids))})"
            args = ids
        rows = self.db.execute(
            f"SELECT * FROM stories s {where} ORDER BY coalesce(first_date, '9999'), id", args
        ).fetchall()
        members: dict[int, list[StoryArticle]] = {}
        for r in self.db.execute(
            f"""SELECT m.story_id, a.id, a.source, a.outlet, a.published, a.title, a.copy_of FROM story_articles m
                JOIN articles a ON a.id = m.article_id {where.replace("s.id", "m.story_id")}
                ORDER BY coalesce(a.published, '9999'), a.ingested_at, a.id""",
            args,
        ):
            members.setdefault(r["story_id"], []).append(
                StoryArticle(r["id"], r["source"], r["outlet"], r["published"], r["title"], r["copy_of"])
            )
        links: dict[int, list[int]] = {}
        link_where = f"WHERE a IN ({','.join('?' * len(ids))}) OR b IN ({','.join('?' * len(ids))})" if ids else ""
        for r in self.db.execute(
            f"SELECT a, b FROM story_links {link_where} ORDER BY score DESC", [*ids, *ids] if ids else []
        ):
            links.setdefault(r["a"], []).append(r["b"])
            links.setdefault(r["b"], []).append(r["a"])
        return [
            Story(
                id=r["id"],
                title=r["title"],
                articles=tuple(members.get(r["id"], [])),
                related=tuple(links.get(r["id"], [])),
                first_date=r["first_date"],
                last_date=r["last_date"],
            )
            for r in rows
        ]

    def story(self, story_id: int) -> Story | None:
        found = self.stories([story_id])
        return found[0] if found else None

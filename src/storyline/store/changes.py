"""The change log: what storyline learned about each story, and when."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from storyline.store.connection import StoreBase


class ChangeStore(StoreBase):
    """The changes table (one row per thing learned) and story_snapshots (each story as last seen,
    the baseline of the next run's changes)."""

    def snapshot(self, story_id: int) -> str | None:
        r = self.db.execute("SELECT data FROM story_snapshots WHERE story_id = ?", (story_id,)).fetchone()
        return r[0] if r else None

    def save_snapshot(self, story_id: int, at: str, data: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO story_snapshots VALUES (?, ?, ?)", (story_id, at, data))

    def drop_snapshots(self, story_ids: Iterable[int]) -> None:
        self.db.executemany("DELETE FROM story_snapshots WHERE story_id = ?", [(s,) for s in story_ids])

    def add_changes(self, rows: Iterable[tuple[int, str, str, str, str, str]]) -> None:
        """Rows of (story, at, kind, what, outlets JSON, citations JSON)."""
        self.db.executemany(
            "INSERT INTO changes (story_id, at, kind, what, outlets, citations) VALUES (?, ?, ?, ?, ?, ?)", rows
        )

    def changes(self, story_id: int | None = None, since: str | None = None, limit: int | None = None) -> list[Any]:
        """Change rows, newest first (in the order each run logged them), of one story or all."""
        sql = "SELECT story_id, at, kind, what, outlets, citations FROM changes WHERE 1"
        args: list[Any] = []
        if story_id is not None:
            sql += " AND story_id = ?"
            args.append(story_id)
        if since is not None:
            sql += " AND at > ?"
            args.append(since)
        sql += " ORDER BY at DESC, id"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return list(self.db.execute(sql, args))

    def last_changed(self, story_id: int) -> str | None:
        """When the latest change of a story was learned."""
        r = self.db.execute("SELECT max(at) FROM changes WHERE story_id = ?", (story_id,)).fetchone()
        return r[0] if r else None

    def last_changes(self, story_ids: list[int]) -> dict[int, str]:
        """Story -> the time of its latest change, for these stories (the web marks those changed since a visit)."""
        out: dict[int, str] = {}
        for i in range(0, len(story_ids), 500):
            chunk = story_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT story_id, max(at) FROM changes WHERE story_id IN ({marks}) GROUP BY story_id", chunk
            )
            out.update({r[0]: r[1] for r in rows})
        return out

    def latest_change(self) -> str | None:
        """When the change log last grew."""
        at: str | None = self.db.execute("SELECT max(at) FROM changes").fetchone()[0]
        return at

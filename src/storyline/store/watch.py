"""What `storyline watch` remembers of each source between polls and across restarts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storyline.store.connection import StoreBase


@dataclass(frozen=True)
class WatchState:
    """One watched source as last checked.

    The validators (`etag`, `last_modified`) of the last answer that was stored are sent back, so a
    server whose feed has not changed answers 304 and nothing is refetched, even after a restart;
    `mtime` is the time of the latest change seen in a watched file or folder (None: read it again).
    `failures` counts failed checks in a row and `next_at` is when a failing source is tried next;
    times are ISO 8601 in UTC.
    """

    source: str  # the URL as given, or the absolute path
    etag: str | None = None
    last_modified: str | None = None
    mtime: float | None = None
    checked_at: str | None = None
    status: str | None = None  # the last check's outcome, in words
    failures: int = 0
    next_at: str | None = None


_COLUMNS = "source, etag, last_modified, mtime, checked_at, status, failures, next_at"


class WatchStore(StoreBase):
    """The watch_sources table: per source, the validators of its last answer and its retry state."""

    def watch_state(self, source: str) -> WatchState | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM watch_sources WHERE source = ?", (source,)).fetchone()
        return WatchState(**dict(row)) if row else None

    def watch_states(self) -> list[WatchState]:
        return [WatchState(**dict(r)) for r in self.db.execute(f"SELECT {_COLUMNS} FROM watch_sources ORDER BY source")]

    def save_watch_states(self, states: Iterable[WatchState]) -> None:
        """Record checked sources, all in one transaction: written only after what their check found
        is stored, so a run stopped in between checks them again rather than losing anything."""
        rows = [
            (s.source, s.etag, s.last_modified, s.mtime, s.checked_at, s.status, s.failures, s.next_at) for s in states
        ]
        if not rows:
            return
        with self.transaction():
            self.db.executemany(
                f"INSERT OR REPLACE INTO watch_sources ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )

"""What `storyline watch` remembers of each source between polls and across restarts."""

from __future__ import annotations

from storyline.store.connection import StoreBase


class WatchStore(StoreBase):
    """The watch_sources table: per source, the validators of its last answer and its retry state."""

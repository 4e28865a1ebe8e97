"""The change log: what storyline learned about each story, and when."""

from __future__ import annotations

from storyline.store.connection import StoreBase


class ChangeStore(StoreBase):
    """The changes and story_snapshots tables."""

"""The SQLite store: the only package that speaks SQL, and the seam between runs.

One file in WAL mode; writers take the lock up front (BEGIN IMMEDIATE) and wait for each other
(busy timeout) instead of failing; every ingest batch is one transaction, so a killed run leaves
whole batches or nothing. Reads open it read-only (`Store(path, readonly=True)`) and never migrate.

`Store` is assembled from one class per concern, each in its own module: the connection and
migrations (connection.py), articles (articles.py), the story index (story_index.py), search
(search.py), text vectors (vectors.py), the change log (changes.py) and watched sources (watch.py).
"""

from __future__ import annotations

from storyline.store.articles import ArticleStore
from storyline.store.changes import ChangeStore
from storyline.store.connection import MIGRATIONS, SCHEMA_VERSION, StoreError
from storyline.store.search import SearchStore
from storyline.store.story_index import StoryIndex
from storyline.store.vectors import VectorStore
from storyline.store.watch import WatchStore

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "StoreError"]


class Store(ArticleStore, StoryIndex, SearchStore, VectorStore, ChangeStore, WatchStore):
    """A storyline store: every read and write of the pipeline, by concern."""

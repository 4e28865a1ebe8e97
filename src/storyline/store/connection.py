"""The store's connection, schema and migrations: the SQL every other part of the store builds on.

One file in WAL mode; writers take the lock up front (BEGIN IMMEDIATE) and wait for each other
(busy timeout) instead of failing; every ingest batch is one transaction, so a killed run leaves
whole batches or nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Self

import numpy as np

SCHEMA_VERSION = 12
# version -> SQL that upgrades from version-1; version 1 is schema.sql itself.
MIGRATIONS: dict[int, str] = {
    2: """
    CREATE TABLE quotes (
        article_id TEXT NOT NULL REFERENCES articles(id),
        idx INTEGER NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT, speaker_text TEXT, speaker_kind TEXT NOT NULL, speaker_role TEXT, cue TEXT,
        partial INTEGER NOT NULL,
        paragraph INTEGER NOT NULL, sentence INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE INDEX quotes_speaker ON quotes(speaker);
    CREATE TABLE roles (
        article_id TEXT NOT NULL REFERENCES articles(id),
        canonical TEXT NOT NULL,
        role TEXT NOT NULL
    );
    CREATE INDEX roles_article ON roles(article_id);
    CREATE TABLE date_refs (
        article_id TEXT NOT NULL REFERENCES articles(id),
        phrase TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, sentence INTEGER NOT NULL, value TEXT
    );
    CREATE INDEX date_refs_article ON date_refs(article_id);
    """,
    3: """
    CREATE VIRTUAL TABLE articles_fts USING fts5(id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2');
    INSERT INTO articles_fts (id, title, text) SELECT id, coalesce(title, ''), text FROM articles;
    """,
    # bench/incremental.py found two scans per stored article: re-pointing copies of a copy, and
    # finding an article's search row by an unindexed column (search rows now share the rowid);
    # bench/web_latency.py, a scan of every story link per story shown.
    4: """
    CREATE INDEX IF NOT EXISTS articles_copy_of ON articles(copy_of);
    CREATE INDEX IF NOT EXISTS story_links_b ON story_links(b);
    DELETE FROM articles_fts;
    INSERT INTO articles_fts (rowid, id, title, text) SELECT rowid, id, coalesce(title, ''), text FROM articles;
    """,
    # bench/web_latency.py: names are looked up case-blind, which a plain index cannot serve.
    5: """
    DROP INDEX IF EXISTS mentions_canonical;
    CREATE INDEX IF NOT EXISTS mentions_canonical_nocase ON mentions(canonical COLLATE NOCASE);
    DROP INDEX IF EXISTS quotes_speaker;
    CREATE INDEX IF NOT EXISTS quotes_speaker_nocase ON quotes(speaker COLLATE NOCASE);
    """,
    # recluster: each article's clustering keys (a story's keys are rebuilt from its members), and
    # the ids of stories merged into others, so that old links and bookmarks keep resolving.
    6: """
    ALTER TABLE articles ADD COLUMN keys TEXT;
    CREATE TABLE IF NOT EXISTS story_aliases (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
    """,
    # each stored article's outlet is matched case-blind against those stored (one name per outlet)
    7: """
    CREATE INDEX IF NOT EXISTS articles_outlet_nocase ON articles(outlet COLLATE NOCASE);
    """,
    # following a story: what each watched source last answered (so a restart sends conditional
    # requests instead of refetching), and the change log with the state each story was last seen in
    8: """
    CREATE TABLE IF NOT EXISTS watch_sources (
        source TEXT PRIMARY KEY,
        etag TEXT, last_modified TEXT, mtime REAL,
        checked_at TEXT, status TEXT, failures INTEGER NOT NULL DEFAULT 0, next_at TEXT
    );
    CREATE TABLE IF NOT EXISTS changes (
        id INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        what TEXT NOT NULL,
        outlets TEXT NOT NULL,
        citations TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS changes_story ON changes(story_id, at);
    CREATE INDEX IF NOT EXISTS changes_at ON changes(at);
    CREATE TABLE IF NOT EXISTS story_snapshots (story_id INTEGER PRIMARY KEY, at TEXT NOT NULL, data TEXT NOT NULL);
    """,
    # who said it, with evidence: the speaker chooser's confidence and where the speaker's words stand
    # (quotes stored before have neither: shown as the rules gave them)
    9: """
    ALTER TABLE quotes ADD COLUMN confidence REAL;
    ALTER TABLE quotes ADD COLUMN speaker_start INTEGER;
    ALTER TABLE quotes ADD COLUMN speaker_end INTEGER;
    ALTER TABLE quotes ADD COLUMN speaker_sentence INTEGER;
    """,
    # what dossiers compare is embedded by the static embedder now (analyze/static.py): MiniLM's
    # vectors are another space and width, so they go; a dossier looks the missing ones up
    10: """
    DELETE FROM sentence_vectors;
    """,
    # a quote in the headline or the standfirst: its offsets are into that text, not the body's
    11: """
    ALTER TABLE quotes ADD COLUMN part TEXT NOT NULL DEFAULT 'body';
    """,
    # the captions and pull quotes a page printed again (Article.display): a quote there is counted
    12: """
    ALTER TABLE articles ADD COLUMN display TEXT NOT NULL DEFAULT '[]';
    """,
}


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why in one line."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _f32(v: Iterable[float] | np.ndarray) -> bytes:
    return np.asarray(v, dtype=np.float32).tobytes()


class StoreBase:
    """One SQLite connection to a store file, its schema kept current, and transactions."""

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = str(path)
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"{self.path}: no such store (run `storyline ingest` first)")
                self.db = self._open_readonly()
            else:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            self.db.execute("PRAGMA busy_timeout = 60000")
            if not readonly:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.row_factory = sqlite3.Row
            if not readonly:
                self._migrate()
            elif (version := self._version()) != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store has schema {version}, this storyline reads {SCHEMA_VERSION}"
                    + (
                        " (open it once for writing, e.g. `storyline recluster`, to upgrade)"
                        if version < SCHEMA_VERSION
                        else ""
                    )
                )
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot open store: {e}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open_readonly(self) -> sqlite3.Connection:
        """A connection that cannot write. A WAL store in a folder this user may not write (a read-only
        copy or mount) cannot get its shared-memory file, and is then read as immutable."""
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None, timeout=60)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            db.close()
        return sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, isolation_level=None)

    def _version(self) -> int:
        try:
            row = self.db.execute("SELECT version FROM schema_version").fetchone()
        except sqlite3.OperationalError:  # no such table: a new file
            return 0
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        """Bring the schema up to date; a store that is current is only read (no write lock taken)."""
        if self._version() == SCHEMA_VERSION:
            return
        with self.transaction():
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self.db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store has schema {version}, newer than this storyline ({SCHEMA_VERSION})"
                )
            if version == 0:
                sql = resources.files("storyline.store").joinpath("schema.sql").read_text("utf-8")
                for statement in sql.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute("INSERT INTO schema_version VALUES (1)")
                version = 1
            for v in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[v].split(";"):
                    if statement.strip() and not self._has_column(statement):
                        self.db.execute(statement)
                self.db.execute("UPDATE schema_version SET version = ?", (v,))

    def _has_column(self, statement: str) -> bool:
        """An ADD COLUMN whose column is there already (SQLite has no IF NOT EXISTS for columns)."""
        words = statement.split()
        if [w.upper() for w in words[:2]] != ["ALTER", "TABLE"] or "ADD" not in [w.upper() for w in words]:
            return False
        table, column = words[2], words[words.index("COLUMN") + 1] if "COLUMN" in words else words[4]
        return any(r[1] == column for r in self.db.execute(f"PRAGMA table_info({table})"))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

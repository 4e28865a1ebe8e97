"""The SQLite store: the only module that speaks SQL, and the seam between runs.

One file in WAL mode; writers take the lock up front (BEGIN IMMEDIATE) and wait for each other
(busy timeout) instead of failing; every ingest batch is one transaction, so a killed run leaves
whole batches or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from storyline.records import (
    AnalyzedArticle,
    Article,
    DateRef,
    Mention,
    Quote,
    Sentence,
    Story,
    StoryArticle,
    StoryState,
)

SCHEMA_VERSION = 6
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
}


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why in one line."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _f32(v: Iterable[float] | np.ndarray) -> bytes:
    return np.asarray(v, dtype=np.float32).tobytes()


class Store:
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

    def __enter__(self) -> Store:
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

    # -- schema -----------------------------------------------------------------------------
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

    # -- ingest side ------------------------------------------------------------------------
    def has_content(self, content_hash: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM article_versions WHERE content_hash = ?", (content_hash,)).fetchone()
            is not None
        )

    def save_article(self, a: AnalyzedArticle, minhash: tuple[int, ...], keys: dict[str, int] | None = None) -> bool:
        """Store an article (or a new version of one); True when it is new, False for a new version.

        `keys` are its clustering keys (cluster.features), kept so that recluster can rebuild stories.
        """
        art = a.article
        now = _now()
        row = self.db.execute("SELECT id, version FROM articles WHERE key = ?", (art.key,)).fetchone()
        version = (row["version"] + 1) if row else 1
        values = (
            art.content_hash, version, art.source, art.url, art.title, art.outlet, art.byline, art.published,
            art.published_note, art.dateline, art.standfirst, art.text, json.dumps(list(art.photo_credits)),
            art.language, art.content_type, art.raw, _f32(a.vector), np.asarray(minhash, dtype=np.uint64).tobytes(),
            json.dumps(keys, sort_keys=True) if keys is not None else None,
        )  # fmt: skip
        if row:
            self.db.execute(
                """UPDATE articles SET content_hash=?, version=?, source=?, url=?, title=?, outlet=?, byline=?,
                   published=?, published_note=?, dateline=?, standfirst=?, text=?, photo_credits=?, language=?,
                   content_type=?, raw=?, vector=?, minhash=?, keys=?, ingested_at=? WHERE id=?""",
                (*values, now, art.id),
            )
            for table in ("sentences", "mentions", "lsh_bands", "quotes", "roles", "date_refs"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", (art.id,))
        else:
            self.db.execute(
                """INSERT INTO articles (content_hash, version, source, url, title, outlet, byline, published,
                   published_note, dateline, standfirst, text, photo_credits, language, content_type, raw, vector,
                   minhash, keys, ingested_at, id, key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (*values, now, art.id, art.key),
            )
        rowid = self.db.execute("SELECT rowid FROM articles WHERE id = ?", (art.id,)).fetchone()[0]
        if row:
            self.db.execute("DELETE FROM articles_fts WHERE rowid = ?", (rowid,))
        self.db.execute(
            "INSERT INTO articles_fts (rowid, id, title, text) VALUES (?,?,?,?)",
            (rowid, art.id, art.title or "", art.text),
        )
        self.db.execute(
            "INSERT INTO article_versions VALUES (?,?,?,?,?,?,?,?)",
            (art.id, version, art.content_hash, art.source, art.title, art.text, art.raw, now),
        )
        self.db.executemany(
            "INSERT INTO sentences VALUES (?,?,?,?,?,?)",
            [(art.id, s.idx, s.paragraph, s.start, s.end, s.text) for s in a.sentences],
        )
        self.db.executemany(
            "INSERT INTO mentions VALUES (?,?,?,?,?,?,?)",
            [(art.id, m.sentence, m.start, m.end, m.text, m.label, m.canonical) for m in a.mentions],
        )
        self.db.executemany(
            "INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (art.id, i, q.text, q.speaker, q.speaker_text, q.speaker_kind, q.speaker_role, q.cue, int(q.partial),
                 q.paragraph, q.sentence, q.start, q.end)
                for i, q in enumerate(a.quotes)
            ],
        )  # fmt: skip
        self.db.executemany(
            "INSERT INTO roles VALUES (?,?,?)", [(art.id, name, r) for name, rs in a.roles.items() for r in rs]
        )
        self.db.executemany(
            "INSERT INTO date_refs VALUES (?,?,?,?,?,?)",
            [(art.id, d.phrase, d.start, d.end, d.sentence, d.value) for d in a.dates],
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO sentence_vectors VALUES (?, ?)", [(k, _f32(v)) for k, v in a.text_vectors.items()]
        )
        return row is None

    def add_bands(self, article_id: str, bands: list[str]) -> None:
        self.db.executemany("INSERT INTO lsh_bands VALUES (?, ?)", [(b, article_id) for b in bands])

    def copy_candidates(self, bands: list[str], exclude: str) -> list[tuple[str, tuple[int, ...]]]:
        """Articles sharing an LSH band with these, with their signatures."""
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        rows = self.db.execute(
            f"""SELECT a.id, a.minhash FROM articles a WHERE a.id IN
                (SELECT DISTINCT article_id FROM lsh_bands WHERE band IN ({marks})) AND a.id != ?""",
            (*bands, exclude),
        ).fetchall()
        return [(r["id"], tuple(np.frombuffer(r["minhash"], dtype=np.uint64).tolist())) for r in rows]

    def mark_copy(self, article_id: str, original: str, similarity: float) -> None:
        """Mark a copy; copies of the copy now point at the original too."""
        self.db.execute(
            "UPDATE articles SET copy_of=?, copy_similarity=? WHERE id=?", (original, similarity, article_id)
        )
        self.db.execute("UPDATE articles SET copy_of=? WHERE copy_of=?", (original, article_id))
        self.db.execute("UPDATE articles SET copy_of=NULL, copy_similarity=NULL WHERE id=?", (original,))

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

    # -- read side --------------------------------------------------------------------------
    def article_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

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

    def data_version(self) -> tuple[int, str | None]:
        """Changes whenever an article is stored: the key for caches of what the store holds."""
        r = self.db.execute("SELECT count(*), max(ingested_at) FROM articles").fetchone()
        return (r[0], r[1])

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

    def article_ids(self, story_id: int | None = None) -> list[str]:
        if story_id is None:
            rows = self.db.execute("SELECT id FROM articles ORDER BY coalesce(published, '9999'), ingested_at, id")
        else:
            rows = self.db.execute(
                """SELECT a.id FROM articles a JOIN story_articles m ON m.article_id = a.id WHERE m.story_id = ?
                   ORDER BY coalesce(a.published, '9999'), a.ingested_at, a.id""",
                (story_id,),
            )
        return [r[0] for r in rows]

    def article(self, article_id: str) -> Article | None:
        r = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if r is None:
            return None
        return Article(
            id=r["id"], key=r["key"], content_hash=r["content_hash"], source=r["source"], url=r["url"],
            title=r["title"], outlet=r["outlet"], byline=r["byline"], published=r["published"],
            published_note=r["published_note"], dateline=r["dateline"], standfirst=r["standfirst"],
            paragraphs=tuple(r["text"].split("\n\n")), photo_credits=tuple(json.loads(r["photo_credits"])),
            language=r["language"], raw=r["raw"], content_type=r["content_type"],
        )  # fmt: skip

    def article_extra(self, article_id: str) -> dict[str, Any]:
        """Store-side facts about an article: version, copy, story, ingest time."""
        r = self.db.execute(
            """SELECT a.version, a.copy_of, a.copy_similarity, a.ingested_at, m.story_id FROM articles a
               LEFT JOIN story_articles m ON m.article_id = a.id WHERE a.id = ?""",
            (article_id,),
        ).fetchone()
        return dict(r) if r else {}

    def sentences(self, article_id: str) -> list[Sentence]:
        return [
            Sentence(r["idx"], r["paragraph"], r["start"], r["end"], r["text"])
            for r in self.db.execute("SELECT * FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,))
        ]

    def mentions(self, article_id: str) -> list[Mention]:
        return [
            Mention(r["sentence"], r["start"], r["end"], r["text"], r["label"], r["canonical"])
            for r in self.db.execute("SELECT * FROM mentions WHERE article_id = ? ORDER BY start", (article_id,))
        ]

    def quotes(self, article_id: str) -> list[Quote]:
        return [
            Quote(r["text"], r["speaker"], r["speaker_text"], r["speaker_kind"], r["speaker_role"], r["cue"],
                  bool(r["partial"]), r["paragraph"], r["sentence"], r["start"], r["end"])
            for r in self.db.execute("SELECT * FROM quotes WHERE article_id = ? ORDER BY idx", (article_id,))
        ]  # fmt: skip

    def roles(self, article_id: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self.db.execute(
            "SELECT canonical, role FROM roles WHERE article_id = ? ORDER BY rowid", (article_id,)
        ):
            out.setdefault(r[0], []).append(r[1])
        return out

    def date_refs(self, article_id: str) -> list[DateRef]:
        return [
            DateRef(r["phrase"], r["start"], r["end"], r["sentence"], r["value"])
            for r in self.db.execute("SELECT * FROM date_refs WHERE article_id = ? ORDER BY start", (article_id,))
        ]

    def search(self, query: str, limit: int = 500) -> list[str]:
        """Article ids matching a full-text query (words, "phrases", prefix*), best first."""
        terms = [
            '"' + t.replace('"', '""') + '"' + ("*" if t.endswith("*") else "")
            for t in query.replace("*", "* ").split()
        ]
        terms = [t.replace('*"*', '"*') for t in terms if t.strip('"*')]
        if not terms:
            return []
        rows = self.db.execute(
            "SELECT id FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?", (" ".join(terms), limit)
        )
        return [r[0] for r in rows]

    def stories_with(
        self, outlet: str | None = None, person: str | None = None, article_ids: list[str] | None = None
    ) -> set[int]:
        """Ids of stories having an article from this outlet / naming this person / among these articles."""
        sql = "SELECT DISTINCT m.story_id FROM story_articles m JOIN articles a ON a.id = m.article_id WHERE 1"
        args: list[Any] = []
        if outlet:
            sql += " AND a.outlet = ?"
            args.append(outlet)
        if person:
            sql += " AND a.id IN (SELECT article_id FROM mentions WHERE canonical = ? COLLATE NOCASE)"
            args.append(person)
        if article_ids is not None:
            sql += f" AND a.id IN ({','.join('?' * len(article_ids))})"
            args.extend(article_ids)
        return {r[0] for r in self.db.execute(sql, args)}

    def outlets(self) -> list[str]:
        return [
            r[0]
            for r in self.db.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet")
        ]

    def people(self, limit: int = 300) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT canonical FROM mentions WHERE label = 'PERSON' GROUP BY canonical ORDER BY count(DISTINCT article_id) DESC, canonical LIMIT ?",
                (limit,),
            )
        ]

    def copies_of(self, article_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE copy_of = ?", (article_id,))]

    def entity_articles(self, name: str) -> list[str]:
        """Articles that name this entity or quote it."""
        rows = self.db.execute(
            "SELECT article_id FROM mentions WHERE canonical = ? COLLATE NOCASE UNION SELECT article_id FROM quotes WHERE speaker = ? COLLATE NOCASE",
            (name, name),
        )
        return [r[0] for r in rows]

    def entity_stories(self, name: str, speaking: bool = False) -> list[int]:
        """Stories that name this entity or quote it; with `speaking`, only those that quote it."""
        inner = "SELECT article_id FROM quotes WHERE speaker = ? COLLATE NOCASE"
        args: tuple[str, ...] = (name,)
        if not speaking:
            inner = f"SELECT article_id FROM mentions WHERE canonical = ? COLLATE NOCASE UNION {inner}"
            args = (name, name)
        rows = self.db.execute(
            f"SELECT DISTINCT story_id FROM story_articles WHERE article_id IN ({inner}) ORDER BY story_id", args
        )
        return [r[0] for r in rows]

    def entity_sentences(self, name: str, limit: int = 200) -> list[dict[str, Any]]:
        """The sentences that name this entity, once per article and sentence: oldest article first."""
        rows = self.db.execute(
            """SELECT m.article_id, m.sentence, min(m.start) AS first, s.text, a.outlet, a.source
               FROM mentions m JOIN sentences s ON s.article_id = m.article_id AND s.idx = m.sentence
               JOIN articles a ON a.id = m.article_id
               WHERE m.canonical = ? COLLATE NOCASE
               GROUP BY m.article_id, m.sentence
               ORDER BY coalesce(a.published, '9999'), m.article_id, first LIMIT ?""",
            (name, limit),
        )
        return [
            {"article": r["article_id"], "sentence": r["sentence"], "text": r["text"], "outlet": r["outlet"],
             "source": r["source"]}
            for r in rows
        ]  # fmt: skip

    def find_articles(self, prefix: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE id LIKE ? LIMIT 5", (prefix + "%",))]

    # -- text embeddings (written with each article, read by dossiers) --------------------------
    def text_vectors(self, hashes: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(f"SELECT hash, vector FROM sentence_vectors WHERE hash IN ({marks})", chunk):
                out[r[0]] = np.frombuffer(r[1], dtype=np.float32)
        return out

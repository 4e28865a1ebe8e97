"""The store's articles: written once per version at ingest, read by every later stage."""

from __future__ import annotations

import json

import numpy as np

from storyline.records import (
    AnalyzedArticle,
    Article,
    DateRef,
    Mention,
    Quote,
    Sentence,
    Stored,
)
from storyline.store.connection import StoreBase, _f32, _now


class ArticleStore(StoreBase):
    """Articles and what analysis found in them: sentences, mentions, quotes, roles, dates; copies."""

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
            json.dumps(list(art.display)), art.language, art.content_type, art.raw, _f32(a.vector), np.asarray(minhash, dtype=np.uint64).tobytes(),
            json.dumps(keys, sort_keys=True) if keys is not None else None,
        )  # fmt: skip
        if row:
            self.db.execute(
                """UPDATE articles SET content_hash=?, version=?, source=?, url=?, title=?, outlet=?, byline=?,
                   published=?, published_note=?, dateline=?, standfirst=?, text=?, photo_credits=?, display=?, language=?,
                   content_type=?, raw=?, vector=?, minhash=?, keys=?, ingested_at=? WHERE id=?""",
                (*values, now, art.id),
            )
            for table in ("sentences", "mentions", "lsh_bands", "quotes", "roles", "date_refs"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", (art.id,))
        else:
            self.db.execute(
                """INSERT INTO articles (content_hash, version, source, url, title, outlet, byline, published,
                   published_note, dateline, standfirst, text, photo_credits, display, language, content_type, raw,
                   vector, minhash, keys, ingested_at, id, key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
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
            "INSERT INTO quotes (article_id, idx, text, speaker, speaker_text, speaker_kind, speaker_role, cue,"
            " partial, paragraph, sentence, start, end, confidence, speaker_start, speaker_end, speaker_sentence, part)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (art.id, i, q.text, q.speaker, q.speaker_text, q.speaker_kind, q.speaker_role, q.cue, int(q.partial),
                 q.paragraph, q.sentence, q.start, q.end, q.confidence, q.speaker_start, q.speaker_end, q.speaker_sentence,
                 q.part)
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

    def outlets_named(self, name: str) -> list[str]:
        """The spellings of this outlet name stored so far, case-blind, the first stored first."""
        rows = self.db.execute(
            "SELECT outlet FROM articles WHERE outlet = ? COLLATE NOCASE GROUP BY outlet ORDER BY min(rowid)", (name,)
        )
        return [r[0] for r in rows]

    def outlet_names(self) -> list[str]:
        """Every outlet name stored, each once."""
        rows = self.db.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet")
        return [r[0] for r in rows]

    def rename_outlet(self, old: str, new: str) -> None:
        """Give every article of outlet `old` the name `new` (an acronym stored before its full name)."""
        self.db.execute("UPDATE articles SET outlet = ? WHERE outlet = ?", (new, old))

    def article_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

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
            display=tuple(json.loads(r["display"])), language=r["language"], raw=r["raw"], content_type=r["content_type"],
        )  # fmt: skip

    def article_extra(self, article_id: str) -> Stored:
        """Store-side facts about an article: version, copy, story, ingest time."""
        r = self.db.execute(
            """SELECT a.version, a.copy_of, a.copy_similarity, a.ingested_at, m.story_id FROM articles a
               LEFT JOIN story_articles m ON m.article_id = a.id WHERE a.id = ?""",
            (article_id,),
        ).fetchone()
        return Stored(**dict(r)) if r else Stored()

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
                  bool(r["partial"]), r["paragraph"], r["sentence"], r["start"], r["end"], r["confidence"],
                  r["speaker_start"], r["speaker_end"], r["speaker_sentence"], r["part"])
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

    def copies_of(self, article_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE copy_of = ?", (article_id,))]

    def find_articles(self, prefix: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE id LIKE ? LIMIT 5", (prefix + "%",))]

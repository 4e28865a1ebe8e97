"""The store's search: FTS5 over titles and text, and the entity and facet lookups of the web."""

from __future__ import annotations

from typing import Any

from storyline.store.connection import StoreBase

# Around each matched word of a snippet: private-use characters, so that no article text can pass
# for a marker (a snippet whose text holds one comes without markers).
HIT_OPEN, HIT_CLOSE = "\ue000", "\ue001"


def fts_query(query: str) -> str:
    """A user's query as an FTS5 expression: each word quoted (no operators), prefix* kept."""
    terms = [
        '"' + t.replace('"', '""') + '"' + ("*" if t.endswith("*") else "") for t in query.replace("*", "* ").split()
    ]
    return " ".join(t.replace('*"*', '"*') for t in terms if t.strip('"*'))


class SearchStore(StoreBase):
    """Full-text search and the lookups of the web's filters and entity pages."""

    def search(self, query: str, limit: int = 500) -> list[str]:
        """Article ids matching a full-text query (words, "phrases", prefix*), best first."""
        match = fts_query(query)
        if not match:
            return []
        rows = self.db.execute(
            "SELECT id FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?", (match, limit)
        )
        return [r[0] for r in rows]

    def snippets(self, query: str, article_ids: list[str], words: int = 18) -> dict[str, str]:
        """Article id -> a few words of its title or text around the match, each matched word
        between HIT_OPEN and HIT_CLOSE: why the article matched, for the articles given."""
        match = fts_query(query)
        if not match or not article_ids:
            return {}
        rows = self.db.execute(
            f"""SELECT id, snippet(articles_fts, -1, ?, ?, '…', ?), snippet(articles_fts, -1, '', '', '…', ?)
                FROM articles_fts WHERE articles_fts MATCH ? AND id IN ({",".join("?" * len(article_ids))})""",
            (HIT_OPEN, HIT_CLOSE, words, words, match, *article_ids),
        )
        return {
            r[0]: r[2] if HIT_OPEN in r[2] or HIT_CLOSE in r[2] else r[1] for r in rows
        }  # a marker in the text itself: no highlight rather than a wrong one

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

"""`storyline.open(db)`: the same records the CLI prints, for notebooks and scripts."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from storyline.output import Change, Comparison, Dossier, StoryEntity, StoryQuote
from storyline.records import Article, Story


class Storyline:
    """A store opened for ingesting and reading; every read goes through the read layer
    (`storyline.reads.Reader`), the same one the CLI and the web use."""

    def __init__(self, db: str | Path = "storyline.db") -> None:
        from storyline.reads import Reader
        from storyline.store.repo import Store

        self.store = Store(db)
        self.reader = Reader(self.store)

    def ingest(self, paths: str | Iterable[str], **options: Any) -> Any:
        from storyline.engine.local import ingest

        if isinstance(paths, str | Path):
            paths = [str(paths)]
        return ingest(self.store, [str(p) for p in paths], **options)

    def recluster(self) -> Any:
        """Re-examine every story at once (as `storyline recluster`); returns what changed."""
        from storyline.engine.recluster import recluster

        return recluster(self.store)

    def stories(self) -> builtins.list[Story]:
        return self.reader.stories()

    def story(self, story_id: int) -> Story | None:
        """A story by id; the id of a story merged into another by recluster finds that one."""
        return self.reader.story(story_id)

    def article(self, article_id: str) -> Article | None:
        return self.reader.article(article_id)

    def articles(self, story: int | None = None) -> builtins.list[Article]:
        return self.reader.articles(story)

    def dossier(self, story_id: int, **options: Any) -> Dossier:
        """A story's dossier as a typed record; `storyline.output.dump(d)` gives the JSON of `dossier --format json`."""
        return self.reader.dossier(story_id, **options)

    def compare(self, story_id: int) -> Comparison:
        """The corroboration matrix, conflicts and timeline of a story (as `storyline compare --json`)."""
        return self.reader.comparison(story_id)

    def quotes(self, story: int | None = None, speaker: str | None = None) -> builtins.list[StoryQuote]:
        """Who said what, merged across outlets (the records `storyline quotes --json` prints)."""
        return self.reader.quotes(story, speaker)

    def entities(self, story: int | None = None) -> builtins.list[StoryEntity]:
        """Canonical entities with aliases and roles (the records `storyline entities --json` prints)."""
        return self.reader.entities(story)

    def changes(self, story: int | None = None, since: str | None = None) -> builtins.list[Change]:
        """The change log, newest first (as `storyline changes --json`); `since` as `--since`
        (2026-12-01, 2026-12-01T09:30, 2h)."""
        from storyline.reads import since_time

        return self.reader.changes(story, since_time(since) if since else None)

    def export(self, out_dir: str | Path, format: str = "csv", story: int | None = None) -> Any:
        """The tables of `storyline export` (stories, articles, claims, quotes, entities, conflicts, changes)
        written to `out_dir` as CSV or Parquet; returns what was written (`export.Exported`)."""
        from storyline import export

        if format not in ("csv", "parquet"):
            raise ValueError(f"unknown export format {format!r} (csv or parquet)")
        if story is not None and self.reader.story(story) is None:
            raise KeyError(f"no story {story}")
        return export.write(out_dir, export.dossiers(self.reader, story), format)  # type: ignore[arg-type]

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Storyline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(db: str | Path = "storyline.db") -> Storyline:
    """Open (or create) a store."""
    return Storyline(db)

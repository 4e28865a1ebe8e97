"""Tables for spreadsheets and notebooks: stories, articles, the claims matrix, quotes, entities,
conflicts and the change log, as CSV or Parquet (`storyline export`, `storyline.open(db).export(...)`). Parquet is
written by pyarrow (bench/export.py measured it against DuckDB's writer).

Every table is built from the same typed dossier records the JSON export gives (one dossier per
story, read-only), so a table never says something the dossier does not. Column names and types
are fixed here, in TABLES, and printed by `storyline export --columns`; README lists them. Lists
are Parquet lists and, in CSV, the items joined by "; ". Parquet holds the exact text; in CSV a
cell that a spreadsheet would run as a formula starts with an apostrophe (see `_csv_text`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from storyline.output import Citation, Cited, Dossier

Format = Literal["csv", "parquet"]
Kind = Literal["int", "float", "bool", "str", "list", "int_list"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    about: str


def _cols(*spec: tuple[str, Kind, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in spec)


_CITE: tuple[tuple[str, Kind, str], ...] = (
    ("article_id", "str", "the article that says it"),
    ("sentence", "int", "index of the sentence in that article; empty for a headline or standfirst"),
    ("part", "str", "body, headline or standfirst"),
    ("sentence_text", "str", "the exact words cited"),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "stories": _cols(
        ("story_id", "int", "story id (as `storyline stories`)"),
        ("title", "str", "the story's title"),
        ("first_date", "str", "earliest publication date (ISO 8601), empty when none is known"),
        ("last_date", "str", "latest publication date"),
        ("articles", "int", "articles in the story, copies included"),
        ("independent_articles", "int", "articles that are not near-duplicate copies"),
        ("outlets", "list", "known outlets of the independent articles"),
        ("unknown_outlet_articles", "int", "independent articles whose outlet is not known"),
        ("related_stories", "int_list", "ids of stories of the same storyline"),
    ),
    "articles": _cols(
        ("article_id", "str", "article id"),
        ("story_id", "int", "its story"),
        ("outlet", "str", "outlet, empty when not known"),
        ("title", "str", "headline"),
        ("byline", "str", "author(s) as printed"),
        ("published", "str", "publication date or time (ISO 8601)"),
        ("published_note", "str", "how a date not printed in full was obtained"),
        ("url", "str", "canonical URL, when the input gave one"),
        ("source", "str", "path or URL it was read from"),
        ("language", "str", "ISO 639-1 code"),
        ("copy_of", "str", "id of the article this one nearly duplicates"),
        ("copy_similarity", "float", "MinHash similarity to that article"),
        ("words", "int", "words in the cleaned text"),
        ("text", "str", "cleaned body; paragraphs separated by a blank line"),
    ),
    "claims": _cols(
        ("story_id", "int", "its story"),
        ("claim_id", "int", "the claim's row in the story's matrix (0 = most widely reported)"),
        ("claim", "str", "the claim, in the words of its first source"),
        ("status", "str", "corroborated (two or more known outlets report it), single-source or conflicting"),
        ("outlet", "str", "one column of the matrix: an outlet, or 'unknown outlet'"),
        ("cell", "str", "reports, related (other detail of the same event), contradicts or not reported"),
        ("sentences", "int", "how many sentences of this outlet's articles say it (the first is cited)"),
        *_CITE,
    ),
    "quotes": _cols(
        ("story_id", "int", "its story"),
        ("quote_id", "int", "the distinct quote within the story; one row per outlet's printing of it"),
        ("speaker", "str", "canonical name of the person or body quoted; empty when unattributed"),
        ("speaker_role", "str", "the role the articles give the speaker"),
        ("speaker_kind", "str", "person, body or other"),
        ("confidence", "float", "the speaker chooser's confidence in the speaker, 0-1; empty for no speaker"),
        ("uncertain", "bool", "the speaker is a guess (confidence under speaker_min_confidence)"),
        ("quote", "str", "the quote as this article printed it"),
        ("speaker_text", "str", "the words naming the speaker in this article"),
        ("cue", "str", "said, told, warned, ..."),
        ("partial", "bool", "a quoted fragment inside reported speech"),
        ("outlet", "str", "the printing article's outlet, or 'unknown outlet'"),
        ("article_id", "str", "the printing article"),
        ("sentence", "int", "index of the sentence in that article"),
        ("start", "int", "character offset of the quoted words in the article text"),
        ("end", "int", "end offset"),
        ("speaker_start", "int", "where the words naming the speaker in this article start"),
        ("speaker_sentence", "int", "the sentence holding those words: the evidence for the speaker"),
        ("part", "str", "body, headline, standfirst or display (a caption or pull quote printed again): where this "
         "article printed it (start and end are into it)"),
    ),
    "entities": _cols(
        ("story_id", "int", "its story"),
        ("name", "str", "canonical name"),
        ("type", "str", "spaCy label: PERSON, ORG, GPE, LOC, NORP, FAC or EVENT"),
        ("aliases", "list", "other names the articles use"),
        ("roles", "list", "roles and affiliations the articles give"),
        ("outlets", "list", "outlets that name it"),
        ("articles", "int", "articles that name it"),
        ("mentions", "int", "times it is named"),
    ),
    "conflicts": _cols(
        ("story_id", "int", "its story"),
        ("conflict_id", "int", "the conflict within the story; one row per version and cited sentence"),
        ("kind", "str", "number, date or title"),
        ("about", "str", "what is given differently (a quantity, a person)"),
        ("claim", "str", "the claim they disagree on"),
        ("value", "str", "this version's value"),
        ("outlets", "list", "outlets giving this version"),
        *_CITE,
    ),
    "changes": _cols(
        ("story_id", "int", "its story"),
        ("at", "str", "UTC time storyline learned it (the end of an ingest run)"),
        (
            "kind",
            "str",
            "new article, new claim, claim gained outlets, claim lost outlets, new conflict, new quote, new speaker",
        ),
        ("what", "str", "the article's title, the claim, the conflict, the quote or the speaker"),
        ("outlets", "list", "the outlets it came from (for a claim: those it gained or lost)"),
        ("citations", "int", "how many sentences say it (the first is cited)"),
        *_CITE,
    ),
}


def _cite(c: Citation | Cited) -> list[Any]:
    return [c.article, c.sentence, c.part, c.text]


def rows(d: Dossier) -> dict[str, list[list[Any]]]:
    """A story's dossier as rows of every table, in TABLES' column order."""
    s = d.story
    sid = s.id
    out: dict[str, list[list[Any]]] = {name: [] for name in TABLES}
    out["stories"].append([
        sid, s.title, s.first_date, s.last_date, s.article_count, s.independent_count, list(s.outlets),
        s.unknown_outlet_articles, [r.id for r in s.related],
    ])  # fmt: skip
    for a in d.articles:
        out["articles"].append([
            a.id, sid, a.outlet, a.title, a.byline, a.published, a.published_note, a.url, a.source, a.language,
            a.copy_of, a.copy_similarity, len(a.text.split()), a.text,
        ])  # fmt: skip
    for i, c in enumerate(d.claims):
        for outlet in d.matrix_outlets:
            cell = c.cells.get(outlet, "not reported")
            pool = c.sources if cell in ("reports", "contradicts") else c.related_sources if cell == "related" else []
            cited = [x for x in pool if x.outlet_label == outlet]
            cite = _cite(cited[0]) if cited else [None] * len(_CITE)
            out["claims"].append([sid, i, c.text, c.status, outlet, cell, len(cited), *cite])
    for i, q in enumerate(d.quotes):
        for src in q.sources:
            out["quotes"].append([
                sid, i, q.speaker, q.speaker_role, q.speaker_kind, q.confidence, q.uncertain, src.text,
                src.speaker_text, src.cue, src.partial, src.outlet_label, src.article, src.sentence, src.start,
                src.end, src.speaker_start, src.speaker_sentence, src.part,
            ])  # fmt: skip
    for e in d.entities:
        out["entities"].append([
            sid, e.name, e.type, list(e.aliases), list(e.roles), list(e.outlets), len(e.articles), e.mentions,
        ])  # fmt: skip
    for i, x in enumerate(d.conflicts):
        for v in x.versions:
            options: list[Cited | None] = [*v.sentences] or [None]
            for said in options:
                cite = _cite(said) if said is not None else [None] * len(_CITE)
                out["conflicts"].append([sid, i, x.kind, x.about, x.claim, v.value_text, list(v.outlets), *cite])
    for ch in d.changes:
        cite = _cite(ch.citations[0]) if ch.citations else [None] * len(_CITE)
        out["changes"].append([sid, ch.at, ch.kind, ch.what, list(ch.outlets), len(ch.citations), *cite])
    return out


@dataclass(frozen=True)
class Exported:
    """What an export wrote: table -> (file, rows)."""

    files: dict[str, tuple[Path, int]]
    stories: int


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(text: str) -> str:
    """Scraped text a spreadsheet would run as a formula ("=HYPERLINK(...)") starts with an
    apostrophe, which spreadsheets show as text; a plain number ("-5") is left alone."""
    if text.startswith(_FORMULA):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def _csv_value(v: Any, kind: Kind) -> Any:
    if v is None:
        return ""
    if kind in ("list", "int_list"):
        return _csv_text("; ".join(str(x) for x in v))
    if kind == "bool":
        return "true" if v else "false"
    if kind == "str":
        return _csv_text(v)
    return v


def _write_csv(path: Path, columns: tuple[Column, ...], data: list[list[Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([c.name for c in columns])
        kinds = [c.kind for c in columns]
        for r in data:
            w.writerow([_csv_value(v, k) for v, k in zip(r, kinds, strict=True)])


def _write_parquet(path: Path, columns: tuple[Column, ...], data: list[list[Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {
        "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string(),
        "list": pa.list_(pa.string()), "int_list": pa.list_(pa.int64()),
    }  # fmt: skip
    schema = pa.schema([pa.field(c.name, types[c.kind]) for c in columns])
    arrays = [pa.array([r[i] for r in data], type=types[c.kind]) for i, c in enumerate(columns)]
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path, compression="zstd")


WRITERS: dict[Format, Callable[[Path, tuple[Column, ...], list[list[Any]]], None]] = {
    "csv": _write_csv,
    "parquet": _write_parquet,
}


def collect(dossiers: Iterable[Dossier]) -> tuple[dict[str, list[list[Any]]], int]:
    """Every table's rows over these dossiers, and how many stories they were."""
    tables: dict[str, list[list[Any]]] = {name: [] for name in TABLES}
    n = 0
    for d in dossiers:
        n += 1
        for name, r in rows(d).items():
            tables[name].extend(r)
    return tables, n


def write(out_dir: str | Path, dossiers: Iterable[Dossier], fmt: Format = "csv") -> Exported:
    """Write every table to `out_dir` (created) as `<table>.csv` or `<table>.parquet`.

    Each file is written beside its final name and moved into place, so an export that fails
    leaves the files of an earlier export whole.
    """
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r} (csv or parquet)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables, n = collect(dossiers)
    files: dict[str, tuple[Path, int]] = {}
    for name, columns in TABLES.items():
        path = out / f"{name}.{fmt}"
        tmp = path.with_name(path.name + ".part")
        WRITERS[fmt](tmp, columns, tables[name])
        os.replace(tmp, path)
        files[name] = (path, len(tables[name]))
    return Exported(files=files, stories=n)


def dossiers(reader: Any, story: int | None = None, progress: Callable[[int], None] | None = None) -> Iterator[Dossier]:
    """The dossiers an export covers: one story's, or every story's (without summaries, which no table holds)."""
    ids = [story] if story is not None else [s.id for s in reader.stories()]
    for sid in ids:
        yield reader.dossier(sid, summary_sentences=0, changes_since="")  # "": the whole change log
        if progress:
            progress(sid)


def describe() -> str:
    """The columns of every table, as `storyline export --columns` prints them."""
    lines = []
    for name, columns in TABLES.items():
        lines.append(f"{name}:")
        lines.extend(f"  {c.name:24} {c.kind:6} {c.about}" for c in columns)
    return "\n".join(lines)

"""The typed records that flow forward through the pipeline.

Each stage takes records of the previous stage and returns new ones; nothing here knows about
SQL, the CLI or the models, so every stage can be tested and parallelised on its own.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np


@dataclass(frozen=True)
class RawDocument:
    """One input document as read from a file, feed entry, JSON line or WARC record."""

    source: str  # path or URL it came from (for display and provenance)
    data: bytes  # the raw input, kept in the store
    content_type: str  # "text", "html", "json"
    url: str | None = None  # canonical URL when the input gives one
    meta: dict[str, Any] = field(default_factory=dict)  # metadata the container gave (feed, JSONL)


@dataclass(frozen=True)
class IngestProblem:
    """A document that could not be turned into an article, with a one-line reason."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class Article:
    """A cleaned article: the body paragraphs and the metadata found beside them.

    Unknown metadata is None, never guessed; `published_note` says how a date was obtained when it
    was not printed in full (for example a year inferred from "Aug. 30" plus "on Wednesday").
    """

    id: str
    key: str  # what identifies "the same article" across versions (URL, or content hash)
    content_hash: str
    source: str
    url: str | None
    title: str | None
    outlet: str | None
    byline: str | None
    published: str | None  # ISO 8601 date or datetime
    published_note: str | None
    dateline: str | None
    standfirst: str | None
    paragraphs: tuple[str, ...]
    photo_credits: tuple[str, ...] = ()
    language: str | None = None
    # lines the page printed again as display copy (a caption or pull quote repeating the body): left
    # out of the body, kept so that a quote an outlet chose to display is counted where it printed it
    display: tuple[str, ...] = ()
    raw: bytes = b""
    content_type: str = "text"

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Sentence:
    idx: int
    paragraph: int
    start: int  # character offsets into Article.text
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A named-entity mention with the in-article canonical name it resolves to."""

    sentence: int
    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, ...
    canonical: str


QuotePart = Literal["body", "headline", "standfirst", "display"]
HEADLINE_SENTENCE = -1  # a Quote's `sentence` in the headline (as compare/claims.py cites a headline) ...
STANDFIRST_SENTENCE = -2  # ... and in the standfirst
DISPLAY_SENTENCE = -3  # ... and in a display line (Article.display): a caption or pull quote


@dataclass(frozen=True)
class Quote:
    """A direct or partial quote and who said it; offsets are into Article.text, or, for a quote in
    the headline or the standfirst (`part`), into Article.title or Article.standfirst (`sentence`
    is then HEADLINE_SENTENCE or STANDFIRST_SENTENCE and `paragraph` -1), or, for one printed again
    in a caption or pull quote (`part` "display"), into Article.display[paragraph] (`sentence`
    DISPLAY_SENTENCE)."""

    text: str
    speaker: str | None  # canonical name of the person or body
    speaker_text: str | None  # the words that name the speaker ("the senior Tory", "she")
    speaker_kind: str  # "person", "body" or "other"
    speaker_role: str | None
    cue: str | None  # "said", "told Sky News", "warned"
    partial: bool
    paragraph: int
    sentence: int
    start: int
    end: int
    # How sure the speaker chooser is (analyze/speakers.py), and where the words it chose the speaker
    # by stand in the text: a reader can see why (None when no speaker was found).
    confidence: float | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_sentence: int | None = None  # the sentence those words are in: the evidence
    part: QuotePart = "body"


@dataclass(frozen=True)
class DateRef:
    """A date phrase resolved against the publication date ("last month" -> 2023-07)."""

    phrase: str
    start: int
    end: int
    sentence: int
    value: str | None  # ISO date, "YYYY-MM" or "YYYY"; None when there is no date to resolve against


@dataclass(frozen=True)
class AnalyzedArticle:
    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    vector: tuple[float, ...]  # document embedding (title + lead), unit length
    terms: dict[str, int] = field(default_factory=dict)  # content words (nouns, names, numbers) -> count
    roles: dict[str, list[str]] = field(default_factory=dict)  # canonical person -> roles in this article
    quotes: tuple[Quote, ...] = ()
    dates: tuple[DateRef, ...] = ()
    language: str | None = None
    # vector_key(text) -> unit embedding of each text a dossier may compare (headline, standfirst,
    # sentences): computed at ingest so that building a dossier only reads
    text_vectors: dict[str, np.ndarray] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Stored:
    """What the store knows of an article besides its text: version, copy, story, when it came."""

    version: int | None = None
    copy_of: str | None = None
    copy_similarity: float | None = None
    ingested_at: str | None = None
    story_id: int | None = None


@dataclass(frozen=True)
class StoryArticle:
    id: str
    source: str
    outlet: str | None
    published: str | None
    title: str | None
    copy_of: str | None = None


@dataclass(frozen=True)
class Story:
    id: int
    title: str
    articles: tuple[StoryArticle, ...]
    related: tuple[int, ...]
    first_date: str | None
    last_date: str | None

    @property
    def outlets(self) -> list[str]:
        """The known outlets of its independent articles (an unknown outlet is not one: see outlet_label)."""
        return sorted({a.outlet for a in self.articles if a.copy_of is None and a.outlet})

    @property
    def unknown_outlet_articles(self) -> int:
        """Independent articles whose outlet is not known."""
        return sum(1 for a in self.articles if a.copy_of is None and not a.outlet)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "outlets": self.outlets,
            "unknown_outlet_articles": self.unknown_outlet_articles,
            "articles": [asdict(a) for a in self.articles],
            "related": list(self.related),
        }


def vector_key(text: str) -> str:
    """The key a text's embedding is stored under (the same words share one vector)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


UNKNOWN_OUTLET = "unknown outlet"


def outlet_label(a: StoryArticle | Article) -> str:
    """Name an outlet for showing and counting. Every article of unknown outlet shares one label,
    so that two of them never count as two outlets: they may well be one outlet's copies."""
    return a.outlet or UNKNOWN_OUTLET


@dataclass
class StoryState:
    """What clustering needs to know of a story; the store keeps it between runs."""

    id: int
    vector_sum: np.ndarray
    n: int
    keys: dict[str, int] = field(default_factory=dict)  # key -> number of member articles with it
    first_date: str | None = None
    last_date: str | None = None

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm else self.vector_sum

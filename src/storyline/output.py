"""The typed records of storyline's output half: what `compare/` and `dossier.py` return.

They are pydantic models, frozen like the ingest records, so that one definition gives the code
its types, the JSON of `dossier --format json` (`dump`) and the JSON Schema of dossiers
(`dossier_schema`): nothing is written twice. They are serialised only at the edge (CLI, web, API,
templates); inside the pipeline they are attributes, never dict keys.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from storyline.records import QuotePart

SCHEMA_ID = "https://storyline.invalid/schema/dossier-1.json"

Part = QuotePart  # where a citation or a quote stands: "body", "headline", "standfirst" or "display"
Cell = Literal["reports", "related", "contradicts", "not reported"]
Status = Literal["corroborated", "single-source", "conflicting"]

_SENTENCE = "Index of the sentence in that article; null when the headline or standfirst is cited."
_PART = "Whether the citation is a sentence of the text, the headline or the standfirst."
_LABEL = "Outlet, or 'unknown outlet' (every article whose outlet is not known shares that label)."
_UNKNOWN = (
    "Independent articles whose outlet is not known: they share the 'unknown outlet' column and never corroborate."
)
_DIFFERENCES = "The 'Where outlets differ' paragraph: conflicts and notable single-source claims."
_CLAIMS = "Facts aligned across outlets (one row per fact, headlines included), most widely reported first."
_TIMELINE = "Events in date order, the linked earlier stories included."


class Record(BaseModel):
    """Frozen, and strict about its fields: a typo in a field name fails where it is made."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Cited(Record):
    """One sentence (or headline, or standfirst) of one article, as a conflict cites it."""

    article: str = Field(description="Article id.")
    outlet: str | None
    outlet_label: str = Field(description=_LABEL)
    sentence: int | None = Field(description=_SENTENCE)
    part: Part = Field(description=_PART)
    text: str = Field(description="That article's sentence.")


class Citation(Record):
    """How a dossier cites a source sentence: the article, where it came from, and the exact words."""

    article: str = Field(description="Article id.")
    source: str = Field(description="Path or URL the article came from.")
    outlet: str | None
    outlet_label: str = Field(description=_LABEL)
    sentence: int | None = Field(description=_SENTENCE)
    part: Part = Field(description=_PART)
    text: str = Field(description="That article's sentence.")

    def cited(self) -> Cited:
        """The same citation without its source path (as conflicts list them)."""
        return Cited(**self.model_dump(exclude={"source"}))


class ClaimRow(Record):
    """One fact of the corroboration matrix: which outlets report it, and where."""

    text: str
    status: Status = Field(
        description="'corroborated': two or more independent outlets report the fact; "
        "'conflicting': outlets give it different figures or dates."
    )
    outlets: list[str]
    cells: dict[str, Cell] = Field(
        description="Outlet -> 'reports' (states this fact), 'related' (states another fact of the same event), "
        "'contradicts' (gives a conflicting figure or date) or 'not reported': the corroboration matrix row."
    )
    sources: list[Citation]
    related_sources: list[Citation] = Field(
        description="Sentences of other outlets about the same event, in other detail (the 'related' cells)."
    )


class ConflictVersion(Record):
    value: float | str
    outlets: list[str]
    sentences: list[Cited] = Field(description="The sentences (or headlines) that give this version.")

    @property
    def value_text(self) -> str:
        """The value as text: 40000, not 40000.0 (tables and the change log)."""
        v = self.value
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


class Conflict(Record):
    """Outlets that give one fact different figures or dates, or one person different titles."""

    kind: Literal["number", "date", "title"]
    about: str
    claim: str
    versions: list[ConflictVersion]


class QuoteSource(Record):
    """One outlet's printing of a quote."""

    article: str
    source: str
    outlet: str | None
    outlet_label: str = Field(description=_LABEL)
    text: str = Field(description="The quote as this outlet printed it.")
    speaker_text: str | None = Field(
        description="The words naming the speaker in this article ('she', 'the senior Tory')."
    )
    cue: str | None
    partial: bool
    sentence: int = Field(
        description="Index of the sentence in that article (-1: the headline, -2: the standfirst, -3: a display line)."
    )
    start: int = Field(
        description="Character offset of the quoted words in the article text (or headline, standfirst, display line)."
    )
    end: int
    confidence: float | None = Field(
        default=None, description="How sure the speaker chooser is of this article's speaker, 0-1 (None: no speaker)."
    )
    speaker_start: int | None = Field(
        default=None, description="Where the words the speaker was chosen by (speaker_text) start in the article."
    )
    speaker_end: int | None = None
    speaker_sentence: int | None = Field(
        default=None, description="Index of the sentence holding those words: the evidence for the speaker."
    )
    part: Part = Field(
        default="body",
        description="body, headline, standfirst or display (a caption or pull quote printed again): where this "
        "outlet printed the quote.",
    )


class MergedQuote(Record):
    """One distinct quote, once, with every outlet that carried it."""

    text: str
    speaker: str | None = Field(description="Canonical name of the person or body quoted.")
    speaker_role: str | None
    speaker_kind: Literal["person", "body", "other"]
    cue: str | None = Field(description="'said', 'told Sky News', 'warned', ...")
    partial: bool = Field(description="A quoted fragment inside reported speech.")
    confidence: float | None = Field(
        default=None, description="The speaker chooser's confidence in `speaker`, the best of its sources' (0-1)."
    )
    uncertain: bool = Field(
        default=False,
        description="The speaker is a guess (confidence under speaker_min_confidence): shown as 'possibly …'.",
    )
    outlets: list[str]
    sources: list[QuoteSource] = Field(min_length=1)


class StoryQuote(MergedQuote):
    """A merged quote with the story it belongs to (`storyline quotes`)."""

    story: int | None


class EntityRow(Record):
    """One real person, body or place of a story, merged across outlets."""

    name: str
    type: str = Field(description="spaCy label: PERSON, ORG, GPE, LOC, NORP, FAC or EVENT.")
    aliases: list[str]
    roles: list[str] = Field(
        description="Roles and affiliations the articles give, e.g. 'chair, Foreign Affairs Committee'."
    )
    articles: list[str]
    outlets: list[str]
    mentions: int


class StoryEntity(EntityRow):
    """An entity row with the story it belongs to (`storyline entities`)."""

    story: int | None


class TimelineEvent(Record):
    date: str
    date_text: str | None = Field(description="The words that state the date, if the sentence has them.")
    what: str
    status: Status | Literal["related story"]
    sources: list[Citation]
    story: int | None = Field(description="Set for events of a linked story.")


class SummarySentence(Record):
    text: str
    sources: list[Citation] = Field(min_length=1)


class RelatedStory(Record):
    id: int
    title: str
    first_date: str | None
    relation: Literal["earlier", "later", "related"]


class StoryHeader(Record):
    id: int
    title: str
    first_date: str | None = Field(
        description="Earliest known publication date (ISO 8601); null when no article states one."
    )
    last_date: str | None
    outlets: list[str] = Field(
        description="Known outlets of the independent articles (syndicated copies are not counted)."
    )
    unknown_outlet_articles: int = Field(description=_UNKNOWN)
    article_count: int
    independent_count: int = Field(description="Articles that are not near-duplicate copies of another.")
    related: list[RelatedStory] = Field(description="Stories of the same storyline.")


class StoryRef(Record):
    id: int
    title: str


class SentenceSpan(Record):
    idx: int
    paragraph: int
    start: int
    end: int


class ArticleRecord(Record):
    """One article as `storyline show --json` prints it."""

    id: str
    source: str
    url: str | None
    title: str | None
    outlet: str | None
    byline: str | None
    published: str | None
    published_note: str | None = Field(description="How a date not printed in full was obtained.")
    dateline: str | None
    standfirst: str | None
    photo_credits: list[str]
    display: list[str] = Field(
        default_factory=list,
        description="Captions and pull quotes the page printed again, left out of text; a quote with part "
        "'display' is in one of them.",
    )
    language: str | None
    version: int | None
    copy_of: str | None = Field(description="Id of the article this one is a near-duplicate of.")
    story: int | None
    text: str = Field(description="Cleaned body; paragraphs separated by a blank line.")


class DossierArticle(ArticleRecord):
    outlet_label: str = Field(description=_LABEL)
    copy_similarity: float | None
    sentences: list[SentenceSpan] = Field(
        description="Sentence boundaries as character offsets into text; summary sources cite them by idx."
    )


ChangeKind = Literal[
    "new article", "new claim", "claim gained outlets", "claim lost outlets", "new conflict", "new quote", "new speaker"
]


class Change(Record):
    """One thing storyline learned about a story, when it learned it, and the sentences that say it."""

    story: int
    at: str = Field(description="UTC time storyline learned it: the end of the ingest run (ISO 8601).")
    kind: ChangeKind
    what: str = Field(description="The article's title, the claim, the conflict, the quote or the speaker.")
    outlets: list[str] = Field(description="The outlets it came from (for a claim: those it gained or lost).")
    citations: list[Cited] = Field(description="The sentences (or headlines) that say it.")


class StorySeen(Record):
    """A story as the change log last saw it: what the next run's changes are measured against."""

    articles: dict[str, Cited] = Field(description="Article id -> its headline (or first sentence) cited.")
    claims: list[ClaimRow]
    conflicts: list[Conflict]
    quotes: list[MergedQuote]


class Comparison(Record):
    """What `storyline compare` shows: the matrix, conflicts, differences and timeline of a story."""

    story: StoryRef
    differences: str = Field(description=_DIFFERENCES)
    claims: list[ClaimRow] = Field(description=_CLAIMS)
    matrix_outlets: list[str] = Field(description="Columns of the corroboration matrix.")
    unknown_outlet_articles: int = Field(description=_UNKNOWN)
    conflicts: list[Conflict]
    timeline: list[TimelineEvent] = Field(description=_TIMELINE)


class Dossier(Record):
    """One story: its articles from several outlets, the entities they share, and an extractive
    summary whose every sentence cites the articles that report it."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_uri: str = Field(SCHEMA_ID, alias="$schema")
    generated_at: str = Field(description="UTC time the dossier was built (ISO 8601).")
    story: StoryHeader
    changes_since: str | None = Field(
        description="The time `changes` start after (the previous dossier's, or the one asked for); "
        "null: `changes` are those of the latest ingest that changed the story."
    )
    changes: list[Change] = Field(description="What changed: the change log of the story, newest first.")
    summary: list[SummarySentence] = Field(
        description="Extractive summary: each sentence is quoted exactly from its first source."
    )
    differences: str = Field(description=_DIFFERENCES)
    claims: list[ClaimRow] = Field(description=_CLAIMS)
    matrix_outlets: list[str] = Field(description="Columns of the corroboration matrix.")
    unknown_outlet_articles: int = Field(description=_UNKNOWN)
    conflicts: list[Conflict]
    timeline: list[TimelineEvent] = Field(description=_TIMELINE)
    quotes: list[MergedQuote] = Field(
        description="Who said what: each distinct quote once, with every outlet that carried it."
    )
    entities: list[EntityRow] = Field(
        description="People, organisations and places of the story, one row per real entity, "
        "merged across outlets (most widely reported first)."
    )
    articles: list[DossierArticle]


class StoryArticleRow(Record):
    id: str
    source: str
    outlet: str | None
    published: str | None
    title: str | None
    copy_of: str | None


class StoryRow(Record):
    """A story as `storyline stories --json` lists it, with the web list's sparkline."""

    id: int
    title: str
    first_date: str | None
    last_date: str | None
    outlets: list[str]
    unknown_outlet_articles: int = Field(description=_UNKNOWN)
    articles: list[StoryArticleRow]
    related: list[int]
    sparkline: str = Field(description="Articles per day across the story's span, as SVG polyline points.")
    snippet: str | None = Field(
        None,
        description="With a search (`q`): words of the story's best-matching article around the match, each "
        "matched word between U+E000 and U+E001 (private-use characters); null without a search.",
    )
    snippet_article: str | None = Field(None, description="Id of the article the snippet is from.")
    last_change: str | None = Field(None, description="When storyline last learned something about it (UTC).")


class StoryList(Record):
    """One page of the filtered story list (`/api/stories`)."""

    stories: list[StoryRow]
    total: int
    page: int
    pages: int
    outlets: list[str] = Field(description="Outlets the list can be filtered by.")
    people: list[str] = Field(description="People the list can be filtered by.")
    latest_change: str | None = Field(
        None, description="The latest change in the store (UTC): what a visit has seen up to, in the server's clock."
    )


class ArticleMark(Record):
    """An entity mention in an article's text (character offsets)."""

    start: int
    end: int
    text: str
    label: str
    name: str = Field(description="The canonical name the mention resolves to.")


class ArticleQuoteMark(Record):
    """A quote in an article's text (character offsets)."""

    start: int
    end: int
    text: str
    speaker: str | None
    cue: str | None
    partial: bool
    confidence: float | None = None
    uncertain: bool = False
    speaker_text: str | None = None
    speaker_start: int | None = Field(default=None, description="The words the speaker was chosen by.")
    speaker_end: int | None = None
    part: Part = Field(
        default="body", description="body, headline, standfirst or display: the text the offsets are into."
    )
    line: int | None = Field(default=None, description="For part 'display': the index of that line in display.")


class ArticlePage(ArticleRecord):
    """One article with what analysis found in it (`/api/articles/ID`)."""

    outlet_label: str = Field(description=_LABEL)
    sentences: list[SentenceSpan]
    entities: list[ArticleMark]
    quotes: list[ArticleQuoteMark]
    copies: list[str] = Field(description="Ids of the articles that are near-duplicates of this one.")
    story_title: str | None


class Mentioned(Record):
    article: str
    outlet: str = Field(description=_LABEL)
    sentence: int
    text: str


class EntityPage(Record):
    """Everything said by and about one person or body (`/api/entities/NAME`)."""

    name: str
    type: str | None
    aliases: list[str]
    roles: list[str]
    stories: list[StoryRef]
    said: list[StoryQuote] = Field(description="Quotes storyline attributes to this entity.")
    mentioned: list[Mentioned] = Field(description="Sentences that name it, once per article and sentence.")


def dump(record: BaseModel, include: set[str] | None = None) -> Any:
    """A record as plain JSON data (the edge: CLI, web, API users who want dicts, templates)."""
    return record.model_dump(mode="json", by_alias=True, include=include)


def dossier_schema() -> dict[str, Any]:
    """The JSON Schema of dossiers, generated from `Dossier` (`storyline schema` prints it)."""
    schema = Dossier.model_json_schema(by_alias=True, mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "storyline dossier",
        **{k: v for k, v in schema.items() if k != "title"},
    }

"""The read layer: what the CLI, the web and the Python API show, built once from a store read-only.

`storyline dossier 3`, `/stories/3` and `sl.dossier(3)` are one call here, so they cannot drift
apart. A `Reader` never writes: open it on a path (`Reader.open`, read-only) or on a store the
caller has open already. Every view is an output record (`storyline.output`); the edges dump it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Self

from storyline.dossier import (
    article_record,
    build_dossier,
    change_log,
    compare_story,
    entities_of,
    quotes_of,
    spans,
)
from storyline.output import (
    ArticleMark,
    ArticlePage,
    ArticleQuoteMark,
    ArticleRecord,
    Change,
    Comparison,
    Dossier,
    EntityPage,
    Mentioned,
    StoryEntity,
    StoryList,
    StoryQuote,
    StoryRef,
    StoryRow,
)
from storyline.records import Article, Story, StoryArticle, outlet_label
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store


class BadFilter(ValueError):
    """A filter value the story list cannot apply; the message names it and says why."""


def day(name: str, value: str | None) -> str | None:
    """A date filter as YYYY-MM-DD, or BadFilter: a list silently unfiltered would mislead."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise BadFilter(f"{name}={value!r} is not a date: use YYYY-MM-DD") from None


_AGO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.I)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def since_time(value: str, now: dt.datetime | None = None) -> str:
    """A time to show changes after, as the change log writes times (UTC, ISO 8601): a date
    (its midnight, UTC), a date and time (UTC unless it says otherwise), or an age ("90m", "2h", "3d")."""
    now = now or dt.datetime.now(dt.UTC)
    if m := _AGO.match(value):
        return (now - dt.timedelta(seconds=float(m.group(1)) * _UNIT_S[m.group(2).lower()])).isoformat(
            timespec="microseconds"
        )
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadFilter(
            f"since={value!r} is not a time: use 2026-12-01, 2026-12-01T09:30 or an age such as 2h"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def page_number(value: str | int | None) -> int:
    """A page of the story list (1 when not given), or BadFilter for one that is not a whole number."""
    if value is None or value == "":
        return 1
    try:
        n = int(value)
    except ValueError:
        raise BadFilter(f"page={value!r} is not a page number: use 1, 2, ...") from None
    if n < 1:
        raise BadFilter(f"page={value!r} is not a page number: use 1, 2, ...")
    return n


class Reader:
    """Views of one store. Story ids of stories merged by recluster answer for the story they joined."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, path: str | Path) -> Reader:
        """A reader on its own read-only connection (StoreError, one line, when there is no store)."""
        return cls(Store(path, readonly=True))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- stories and articles ---------------------------------------------------------------------
    def story_id(self, story_id: int) -> int:
        return self.store.resolve_story(story_id) or story_id

    def stories(self) -> list[Story]:
        return self.store.stories()

    def story(self, story_id: int) -> Story | None:
        return self.store.story(self.story_id(story_id))

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def articles(self, story: int | None = None) -> list[Article]:
        ids = self.store.article_ids(None if story is None else self.story_id(story))
        return [a for i in ids if (a := self.store.article(i)) is not None]

    def find_articles(self, prefix: str) -> list[str]:
        """Ids starting with `prefix` (at most five): what a user typing a short id may mean."""
        return self.store.find_articles(prefix)

    def article_record(self, article_id: str) -> ArticleRecord | None:
        art = self.store.article(article_id)
        return article_record(art, self.store.article_extra(article_id)) if art is not None else None

    # -- what a story's articles say --------------------------------------------------------------
    def dossier(
        self, story_id: int, summary_sentences: int = S.summary_sentences, changes_since: str | None = None
    ) -> Dossier:
        """KeyError when there is no such story. `changes_since` (UTC ISO time): what *What changed* starts after."""
        return build_dossier(
            self.store, self.story_id(story_id), summary_sentences=summary_sentences, changes_since=changes_since
        )

    def changes(self, story: int | None = None, since: str | None = None) -> list[Change]:
        """The change log, newest first: of one story (KeyError if none) or all, after `since` (UTC ISO)."""
        sid = None
        if story is not None:
            sid = self.story_id(story)
            if self.store.story(sid) is None:
                raise KeyError(f"no story {story}")
        return change_log(self.store, sid, since)

    def comparison(self, story_id: int) -> Comparison:
        return compare_story(self.store, self.story_id(story_id))

    def quotes(self, story: int | None = None, speaker: str | None = None) -> list[StoryQuote]:
        return quotes_of(self.store, None if story is None else self.story_id(story), speaker)

    def entities(self, story: int | None = None) -> list[StoryEntity]:
        return entities_of(self.store, None if story is None else self.story_id(story))

    # -- the web's pages --------------------------------------------------------------------------
    def story_list(
        self,
        q: str | None = None,
        outlet: str | None = None,
        person: str | None = None,
        since: str | None = None,
        until: str | None = None,
        page: int = 1,
        facets: tuple[list[str], list[str]] | None = None,
    ) -> StoryList:
        """One page of the filtered story list, newest first; only that page's members are loaded.
        `facets` (outlets, people) are passed in when the caller has them for this data version;
        a `since` or `until` that is not a date raises BadFilter."""
        since, until = day("since", since), day("until", until)
        s = self.store
        keep: set[int] | None = None
        hits: dict[str, int] = {}  # matching article -> its rank, best first
        if q:
            hits = {a: k for k, a in enumerate(s.search(q))}
            keep = s.stories_with(article_ids=list(hits))
        if outlet or person:
            found = s.stories_with(outlet=outlet or None, person=person or None)
            keep = found if keep is None else keep & found
        index = [
            (sid, first, last, n)
            for sid, first, last, n in s.story_index()
            if (keep is None or sid in keep)
            and not (since and (last or "")[:10] < since)
            and not (until and (first or "9999")[:10] > until)
        ]
        index.sort(key=lambda r: (r[2] or "", r[3]), reverse=True)
        pages = max(1, -(-len(index) // S.page_size))
        page = min(max(1, page), pages)
        shown = index[(page - 1) * S.page_size : page * S.page_size]
        order = {sid: k for k, (sid, *_rest) in enumerate(shown)}
        stories = sorted(s.stories([sid for sid, *_rest in shown]), key=lambda st: order[st.id])
        # with a search, each story says why it matched: the words around the match in its best-ranked article
        best = {
            st.id: min((a.id for a in st.articles if a.id in hits), key=hits.__getitem__, default="") for st in stories
        }
        snippets = s.snippets(q, [a for a in best.values() if a]) if q else {}
        changed = s.last_changes([st.id for st in stories])
        rows = [
            StoryRow(
                **st.to_dict(),
                sparkline=sparkline([a.published for a in st.articles]),
                snippet=snippets.get(best[st.id]),
                snippet_article=best[st.id] if best[st.id] in snippets else None,
                last_change=changed.get(st.id),
            )
            for st in stories
        ]
        outlets, people = facets or self.facets()
        return StoryList(
            stories=rows, total=len(index), page=page, pages=pages, outlets=outlets, people=people,
            latest_change=s.latest_change(),
        )  # fmt: skip

    def facets(self) -> tuple[list[str], list[str]]:
        """The outlets and people the list can be filtered by."""
        return self.store.outlets(), self.store.people()

    def data_version(self) -> tuple[int, str | None, str | None]:
        return self.store.data_version()

    def article_page(self, article_id: str) -> ArticlePage | None:
        s = self.store
        art = s.article(article_id)
        if art is None:
            return None
        extra = s.article_extra(article_id)
        record = article_record(art, extra)
        story = s.story(record.story) if record.story is not None else None
        return ArticlePage(
            **vars(record),
            outlet_label=outlet_label(art),
            sentences=spans(s.sentences(article_id)),
            entities=[ArticleMark(start=m.start, end=m.end, text=m.text, label=m.label, name=m.canonical) for m in s.mentions(article_id)],
            quotes=[
                ArticleQuoteMark(
                    start=q.start, end=q.end, text=q.text, speaker=q.speaker, cue=q.cue, partial=q.partial,
                    confidence=q.confidence, speaker_text=q.speaker_text, speaker_start=q.speaker_start,
                    speaker_end=q.speaker_end, part=q.part, line=q.paragraph if q.part == "display" else None,
                    uncertain=q.confidence is not None and q.confidence < S.speaker_min_confidence,
                )
                for q in s.quotes(article_id)
            ],
            copies=s.copies_of(article_id),
            story_title=story.title if story else None,
        )  # fmt: skip

    def entity_page(self, name: str) -> EntityPage | None:
        """Everything said by and about one person or body; None when no article names it."""
        s = self.store
        story_ids = s.entity_stories(name)
        if not story_ids and not s.entity_articles(name):
            return None
        # a merged quote takes its speaker from one of its sources: only stories that quote them count
        said = [
            q
            for sid in s.entity_stories(name, speaking=True)
            for q in quotes_of(s, sid)
            if (q.speaker or "").lower() == name.lower()
        ]
        mentioned = [
            Mentioned(
                article=r["article"],
                outlet=outlet_label(StoryArticle(r["article"], r["source"], r["outlet"], None, None)),
                sentence=r["sentence"],
                text=r["text"],
            )
            for r in s.entity_sentences(name, limit=200)
        ]
        merged = [e for sid in story_ids for e in entities_of(s, sid) if e.name.lower() == name.lower()]
        return EntityPage(
            name=merged[0].name if merged else name,  # as the articles spell it, whatever was typed
            type=merged[0].type if merged else None,
            aliases=sorted({a for e in merged for a in e.aliases}),
            roles=list(dict.fromkeys(r for e in merged for r in e.roles)),
            stories=[StoryRef(id=st.id, title=st.title) for st in s.stories(story_ids)],
            said=said,
            mentioned=mentioned,
        )


def sparkline(dates: list[str | None], width: int = 120, height: int = 24) -> str:
    """Articles per day across the story's span, as the points of an SVG polyline."""
    days = sorted(d[:10] for d in dates if d)
    if not days:
        return ""
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    if first == last:
        return f"0,{height / 2:.1f} {width},{height / 2:.1f}"  # one day: a level line
    span = (last - first).days
    counts = Counter(days)
    top = max(counts.values())
    pts = []
    for i in range(span + 1):
        day = (first + dt.timedelta(days=i)).isoformat()
        x = i * width / span
        y = height - 2 - (counts.get(day, 0) / top) * (height - 4)
        pts.append(f"{x:.1f},{y:.1f}")
    return " ".join(pts)

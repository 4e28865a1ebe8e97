"""Story placement decided without a store: `placement.decide` is a pure function of what was gathered."""

from __future__ import annotations

import numpy as np

from storyline.records import AnalyzedArticle, Article, Mention, Sentence, StoryState
from storyline.stories import cluster
from storyline.stories.placement import Context, CopyOf, decide

TEXT = "The Kestrel bridge was closed on Friday after inspectors found cracks in two of its piers."


def _article(aid: str, published: str | None, outlet: str | None = None, title: str | None = "Bridge closed",
             dateline: str | None = None) -> AnalyzedArticle:  # fmt: skip
    art = Article(
        id=aid, key=aid, content_hash=aid, source=f"{aid}.txt", url=None, title=title, outlet=outlet, byline=None,
        published=published, published_note=None, dateline=dateline, standfirst=None, paragraphs=(TEXT,),
    )  # fmt: skip
    vec = np.zeros(384, dtype=np.float32)
    vec[0] = 1.0
    mentions = (Mention(0, 4, 18, "Kestrel bridge", "FAC", "Kestrel bridge"),)
    return AnalyzedArticle(
        art, (Sentence(0, 0, 0, len(TEXT), TEXT),), mentions, tuple(vec.tolist()), {"bridge": 1, "piers": 1}
    )


def _story(story_id: int, f: cluster.Features, first: str, last: str) -> StoryState:
    return StoryState(story_id, f.vector.copy(), 1, dict.fromkeys(f.keys, 1), first, last)


def test_a_copy_goes_into_its_originals_story_and_the_wire_original_is_recognised():
    reprint = _article("reprint", "2025-03-14", outlet="Aldwin FM News", dateline="ALDWIN (NWS) -")
    wire = _article("wire", "2025-03-14", outlet="NWS")
    f = cluster.features(wire)
    p = decide(wire, Context(f, CopyOf(reprint.article, story=7, similarity=0.93)))
    assert (p.kind, p.story, p.copy, p.original) == ("copy", 7, "reprint", "wire")  # the reprint arrived first
    later = _article("later", "2025-03-15", outlet="Other Paper")
    p = decide(later, Context(cluster.features(later), CopyOf(wire.article, story=7, similarity=0.9)))
    assert (p.kind, p.copy, p.original) == ("copy", "later", "wire")


def test_a_copy_whose_original_has_no_story_is_placed_like_any_article():
    a = _article("a", "2025-03-14")
    f = cluster.features(a)
    p = decide(a, Context(f, CopyOf(_article("b", None).article, story=None, similarity=0.9), (), {}, 1))
    assert p.kind == "new" and p.story is None and p.title == "Bridge closed"


def test_the_same_event_joins_and_a_month_later_is_only_linked():
    a = _article("a", "2025-03-14")
    f = cluster.features(a)
    dfs = dict.fromkeys(f.keys, 2)
    same_days = _story(3, f, "2025-03-13", "2025-03-14")
    p = decide(a, Context(f, None, (same_days,), dfs, 10))
    assert (p.kind, p.story) == ("join", 3) and p.score >= cluster.JOIN_THRESHOLD
    month_before = _story(4, f, "2025-02-01", "2025-02-10")
    p = decide(a, Context(f, None, (month_before,), dfs, 10))
    assert p.kind == "new" and p.links and p.links[0][0] == 4  # one storyline, not one event


def test_an_untitled_article_names_its_new_story_by_its_first_sentence():
    a = _article("a", None, title=None)
    p = decide(a, Context(cluster.features(a), None, (), {}, 1))
    assert p.kind == "new" and p.title == TEXT[:120]

"""Our own cleaner for scraped article text: keep every body paragraph, drop the leftovers.

Scrapers (and trafilatura on some pages) leave ads, newsletter and donation nags, share and
comment widgets, repeated headlines, photo captions printed two or three times and pull quotes
that repeat a body sentence. Each line is classified once, in passes from the most certain
(fixed widget phrases) to the most contextual (what sits before the body or after it), and every
dropped line keeps its reason (`Cleaned.dropped`) so the evaluations can show why.

A line is dropped only on evidence that it is not body (a known boilerplate shape, a repeat of a
caption or headline, a place in a boilerplate block), never on one weak cue alone such as a missing
full stop or a "we" beside a "you": on real pages those cues alone threw away lists, reviews and
recipe steps (eval/extraction.py).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import regex

from storyline.extract import dates
from storyline.extract.metadata import (
    byline_from_line,
    outlet_from_line,
    photo_credits,
    split_dateline,
)
from storyline.settings import SETTINGS as S

_WIDGETS = re.compile(
    r"^(?:advertisement|advert|ad|sponsored(?: content)?|promoted(?: content)?|story continues below(?: advertisement)?"
    r"|share(?: this)?(?: (?:post|article|story|page))?(?: (?:via|on))?(?: \w+)?:?|share on \w+|tweet|email|print"
    r"|continue reading|read more|click to comment|comments?|\d+ comments?|leave a comment|view (?:all )?comments"
    r"|inline feedbacks|notify of|latest headlines|most read|most popular|trending|related(?: articles| stories| content)?"
    r"|more on this story|top stories|you may also like|recommended|connect with us|follow us(?: on \w+)?|don'?t miss"
    r"|sign up|subscribe|log ?in|sign in|register|skip to (?:main )?content|menu|search|home|close"
    r"|thank you for registering|thanks for signing up|back to top|listen to (?:this )?article.*"
    r"|share or comment on this article:?|comments? \(?\d+\)?|\(?\d+\)? comments?|share what you think|join the conversation"
    r"|log in to comment|the comments below have not been moderated\.?|related topics|related internet links"
    r"|(?:notifications|alerts) can be (?:managed|switched off|turned off)(?: at any time)? in (?:your )?browser"
    r"(?: settings| preferences)\.?|accept(?: all)? cookies|manage cookies"
    r"|https?://\S+)[.!…]*$",
    re.I,
)
_WIDGET_PHRASES = re.compile(
    r"(?:please refresh (?:the|your) (?:page|browser)|sign up (?:to|for) (?:our|the)\b|get (?:our|the) \w+ newsletter"
    r"|delivered (?:straight )?to your inbox|we use cookies|cookie (?:policy|settings)|by clicking (?:accept|subscribe)"
    r"|(?:read|see) more:|^related:|^read more\b|^watch:|^listen:|^see also:|turn on notifications|enable notifications"
    r"|support (?:our|independent) journalism|make a (?:donation|contribution)"
    r"|^click here\b|^subscribe to (?:the |our )?\S+ (?:youtube|newsletter|channel|podcast)|\byour inbox\b"
    r"|error processing your subscription)",
    re.I,
)
# Shapes of links to other stories: a headline tagged "[VIDEO]"/"[INSIGHT]" (express.co.uk and
# others), a headline set in capitals without a full stop (Fox's inline "related" links).
_LINK_TEASER = regex.compile(
    r"\[(?:VIDEO|VIDEOS|INSIGHT|REACTION|PICTURES|PICS|POLL|LIVE|LATEST|REVEAL|ANALYSIS)\]\W*$", regex.I
)
_CAPS_TEASER_MIN_WORDS = S.caps_teaser_min_words
# Lines after which only comment threads, share bars and link lists follow.
_SECTION_END = re.compile(
    r"^(?:share or comment on this article|comments? \(?\d+\)?|\(?\d+\)? comments?|join the conversation|log in to comment"
    r"|click to comment|view (?:all )?comments|latest headlines|most read|more on this story|related topics"
    r"|share this (?:post|article|story)(?: via)?)\b",
    re.I,
)
# Widget headings above a list of links: the short non-sentences that follow are that list.
_LIST_HEADING = re.compile(
    r"^(?:you may also like|don'?t miss|related(?: articles| stories| content)?|recommended|trending"
    r"|most popular|read more|more from)\b",
    re.I,
)
# Of those, the ones that open a comment thread, where even short sentences are readers' comments. After
# a link-list heading ("Most read in world news") a sentence means the article goes on.
_COMMENTS_START = re.compile(
    r"^(?:share or comment|comments?\b|\(?\d+\)? comments?|join the conversation|log in to comment"
    r"|click to comment|view (?:all )?comments)",
    re.I,
)
# Words of an outlet's appeal to its reader: money, sign-ups, "your support".
_APPEAL_WORDS = re.compile(
    r"\b(?:contribut(?:e|ion)s?|donat(?:e|ion|ions|ing)|subscri(?:be|ber|bers|bing|ption|ptions)|paywalls?"
    r"|membership|your support|support(?:ing)? (?:us|our)|newsletters?|bulletins?|sign(?:ing)? up"
    r"|(?:independent|quality) journalism|ad-free)\b",
    re.I,
)
_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣*]|-(?=\s))\s*")
# A line that ends as a sentence does, in any script: a sentence terminal (. ! ? 。 ！ ? । ؟ …), a
# colon or semicolon, a closing quote, or an emoji, with closing brackets and quotes after it.
_END = regex.compile(
    r"(?:[\p{Sentence_Terminal}…:;]|\p{Extended_Pictographic})[\p{Pe}\p{Pf}\"'’”」』»]*\s*$|[\"”’»」』]\s*$"
)
_FULL_STOP = regex.compile(r"[.。．][\p{Pe}\p{Pf}\"'’”」』»]*\s*$")
# Scripts written without spaces between words: each character counts as a word.
_SPACELESS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]")
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|‘[^’]*’(?!\w)")
_OPENING_QUOTES = "“\"‘'«「"
_YOU = re.compile(r"\b(?:you|your|yours)\b", re.I)
_WE = re.compile(r"\b(?:we|us|our|ours)\b", re.I)
# Who stands where in a picture. "(R)" alone is no cue: in US news it is a party ("Gov. Scott Walker (R)").
_CAPTION_CUES = re.compile(
    r"\((?:L|left|right|centre|center|pictured)\)|, (?:left|right|centre|center|pictured),|\bpictured\b", re.I
)
_WEEKDAY_IN_TEXT = re.compile(
    r"\b(?:on|this|late on|early on)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


# Line kinds that are boilerplate for certain, after which a run of short lines is boilerplate too.
_BOILERPLATE = frozenset({"widget", "outlet line", "reader appeal", "date line"})
# What an uncredited caption may stand beside: other captions and lines printed twice.
_CAPTION_BESIDE = frozenset({"photo caption", "repeated line", "pull quote"})
# Word counts that tell lines apart (settings.py says why each has its value).
_MIN_WORDS_WITHOUT_SENTENCE = S.min_words_without_sentence
_HEADLINE_MAX_WORDS = S.headline_max_words
_LEAD_SENTENCE_WORDS = S.lead_sentence_words
_BYLINE_MAX_WORDS = S.byline_max_words
_PULL_QUOTE_MIN_WORDS = S.pull_quote_min_words
_REPEAT_MIN_WORDS = S.repeat_min_words


def normalize(line: str) -> str:
    """Compare lines regardless of quote style, case, spacing and punctuation."""
    s = unicodedata.normalize("NFKC", line).lower()
    s = re.sub(r"[^\w\s]", " ", s)
    return " ".join(s.split())


def words(line: str) -> int:
    """Words in a line, counting each character of a script written without spaces as one."""
    spaceless = len(_SPACELESS.findall(line))
    if not spaceless:
        return len(line.split())
    return spaceless + len(_SPACELESS.sub(" ", line).split())


def sentence_like(line: str) -> bool:
    return bool(_END.search(line))


@dataclass
class Cleaned:
    """What the cleaner found in one article's text."""

    title: str | None = None
    standfirst: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    published_note: str | None = None
    dateline: str | None = None
    photo_credits: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)

    @property
    def display(self) -> list[str]:
        """The dropped lines that are the page's display copy (captions, pull quotes, a body sentence
        printed again): no body, but where an outlet shows off the words it quotes."""
        return [line for line, why in self.dropped if why in DISPLAY_KINDS]


DISPLAY_KINDS = frozenset({"photo caption", "repeated line", "pull quote"})


def split_lines(text: str) -> list[str]:
    """Lines of text, with hard-wrapped paragraphs joined back together."""
    return _split_blocks(text)[0]


def _split_blocks(text: str) -> tuple[list[str], list[bool]]:
    """split_lines, and for each line whether it stands alone between blank lines in a text that
    separates its paragraphs with blank lines (how a plain-text title is set apart)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    blocks = re.split(r"\n\s*\n", text)
    paragraphed = sum(1 for b in blocks if b.strip()) > 1
    out: list[str] = []
    alone: list[bool] = []
    for block in blocks:
        first = len(out)
        for line in (" ".join(x.split()) for x in block.split("\n")):
            if not line:
                continue
            if len(out) > first and not _END.search(out[-1]) and re.match(r"[a-z(]", line) and len(out[-1]) > 40:
                out[-1] = out[-1] + " " + line
            else:
                out.append(line)
                alone.append(False)
        if paragraphed and len(out) == first + 1:
            alone[first] = True
    return out, alone


def _reader_address(line: str) -> int:
    """How plainly the outlet talks to its reader, counting three cues (we/us, you, an appeal word
    such as "contribution"): 2 = all three ("Your support helps us..."), 1 = two of them (reviews and
    columns say "we" and "you" too), 0 = fewer."""
    if line[:1] in _OPENING_QUOTES:
        return 0
    bare = _QUOTED.sub(" ", line)
    cues = bool(_WE.search(bare)) + bool(_YOU.search(bare)) + bool(_APPEAL_WORDS.search(bare))
    return max(cues - 1, 0)


def clean_lines(
    lines: list[str],
    title: str | None = None,
    today: dt.date | None = None,
    alone: list[bool] | None = None,
    title_in_text: bool = True,
) -> Cleaned:
    """Classify each line as body or leftover and collect the metadata the leftovers state.

    `alone` marks lines set apart by blank lines: such a short first line is the title even when it
    ends with a full stop. With `title_in_text` False (a record whose title field is missing), only
    a first line that is no sentence is taken for the title, so a first sentence stays in the body.
    """
    given_date = dates.find_date_line(title) if title else None
    if given_date is not None:
        # A "title" that is only a date ("Thursday, December 11, 2008") is the page's date line, as
        # pasted text often opens: it dates the article, and the headline is looked for in the text.
        title = None
    out = Cleaned(title=title, published=given_date)
    n = len(lines)
    alone = alone or [False] * n
    kind: list[str | None] = [None] * n
    bullets = [bool(_BULLET.match(x)) for x in lines]
    lines = [_BULLET.sub("", x) if b else x for x, b in zip(lines, bullets, strict=True)]
    norms = [normalize(x) for x in lines]
    address = [_reader_address(x) for x in lines]  # read once: the appeal block below grows in passes
    date_at: int | None = None

    # 1. Fixed widgets, metadata lines, reader appeals.
    for i, line in enumerate(lines):
        outlet = outlet_from_line(line)
        if not norms[i]:
            kind[i] = "no words"  # rules, bullets and punctuation left alone on a line
        elif outlet and (words(line) <= 12 or re.search(r"\b(?:notifications|alerts) from\b", line, re.I)):
            out.outlet = out.outlet or outlet
            kind[i] = "outlet line"
        elif _WIDGETS.match(line) or (
            line[:1] not in _OPENING_QUOTES and _WIDGET_PHRASES.search(_QUOTED.sub(" ", line)) and words(line) <= 25
        ):
            kind[i] = "widget"
        elif (iso := dates.find_date_line(line)) is not None:
            if out.published is None:
                out.published = iso
            date_at = i if date_at is None else date_at
            kind[i] = "date line"
        elif address[i] == 2:
            kind[i] = "reader appeal"
        elif _LINK_TEASER.search(line) or _caps_teaser(line):
            kind[i] = "link to another story"
    # A line that only talks to the reader belongs to an appeal it stands beside ("We aim to get back
    # to you within 48 hours" under a sign-up pitch); alone, among body lines, it is body.
    grew = True
    while grew:
        grew = False
        for i in range(n):
            if kind[i] is None and address[i] == 1:
                if _neighbour_kind(kind, i, -1) == "reader appeal" or _neighbour_kind(kind, i, 1) == "reader appeal":
                    kind[i] = "reader appeal"
                    grew = True

    # 2. Photo captions with a credit, and lines printed more than once.
    for i, line in enumerate(lines):
        if kind[i] is None:
            credits = photo_credits(line)
            if credits and (not sentence_like(line) or line.rstrip(" .)").endswith(tuple(credits))):
                out.photo_credits.extend(c for c in credits if c not in out.photo_credits)
                kind[i] = "photo caption"
    caption_norms = {norms[i] for i in range(n) if kind[i] == "photo caption"}
    for i in range(n):
        if kind[i] is None and norms[i] in caption_norms:
            kind[i] = "photo caption"

    # 3. The title (given by HTML/JSON, or the first line that reads as a headline before the body
    # begins) and its repeats. The search stops at the first line that reads as body (a sentence of
    # eight words or more, or a long paragraph), so a later line is never taken for the title.
    if out.title is None:
        for i in range(n):
            if kind[i] is not None or words(lines[i]) < 2:
                continue
            if _headline_like(lines[i], alone[i] and title_in_text):
                out.title = lines[i]
                kind[i] = "title"
                break
            if words(lines[i]) > _HEADLINE_MAX_WORDS or (sentence_like(lines[i]) and words(lines[i]) >= 8):
                break
    title_norm = normalize(out.title) if out.title else None
    title_at = next((i for i in range(n) if kind[i] == "title"), -1)
    for i in range(n):
        if kind[i] is None and title_norm and norms[i] == title_norm:
            kind[i] = "repeated headline"

    # 4. Byline: "By Jane Doe" near the top, or a bare name right beside the date line.
    for i in range(min(n, title_at + 12)):
        if kind[i] is None and i > title_at:
            near = date_at is not None and abs(i - date_at) == 1
            byline = byline_from_line(lines[i], near_date=near) if words(lines[i]) <= _BYLINE_MAX_WORDS else None
            if byline and (near or lines[i].lower().startswith(("by ", "words by", "reporting by"))):
                out.byline = out.byline or byline
                kind[i] = "byline"

    # 5. Repeated lines: a line printed twice in a row (a caption under its picture and again in the
    # gallery), or a long body sentence printed again elsewhere without its full stop (set again as a
    # caption). A line that recurs as it was, apart from its twin, is content (recipe steps,
    # interview questions, a refrain).
    seen: dict[str, int] = {}
    for i in range(n):
        if kind[i] is None:
            first = seen.get(norms[i])
            prev = _neighbour(kind, i, -1)
            if first is None:
                seen[norms[i]] = i
            elif (prev is not None and norms[prev] == norms[i]) or (
                words(lines[i]) >= _REPEAT_MIN_WORDS and sentence_like(lines[i]) != sentence_like(lines[first])
            ):
                kind[i] = "repeated line"
                if not sentence_like(lines[first]) and words(lines[first]) >= 8:
                    kind[first] = "photo caption"

    # 6. Pull quotes: a line that repeats part of a longer body line and is set as display text (no
    # final full stop) or has a name printed under it. A sentence that a longer one merely quotes
    # again is body.
    kept = [i for i in range(n) if kind[i] is None]
    for i in kept:
        if words(lines[i]) >= _PULL_QUOTE_MIN_WORDS and any(
            j != i and len(norms[j]) > len(norms[i]) and norms[i] in norms[j] for j in kept
        ):
            nxt = i + 1
            named = nxt < n and kind[nxt] is None and words(lines[nxt]) <= 4 and not sentence_like(lines[nxt])
            if named or not sentence_like(lines[i]):
                kind[i] = "pull quote"
                if named:
                    kind[nxt] = "pull quote attribution"

    # 7. Captions without credit: a line that says who stands left or right or is pictured, or a long
    # line with no full stop beside another caption or copy. Lacking a full stop alone is no evidence
    # (lists, tour dates, embedded posts all lack one): on the extraction benchmark's dev pages,
    # dropping such a line when it stood alone between two sentences lost more body than captions.
    for i, line in enumerate(lines):
        if kind[i] is None and i > title_at and not bullets[i] and line[:1] not in _OPENING_QUOTES:
            if _CAPTION_CUES.search(line) and words(line) <= 45:
                kind[i] = "photo caption"
            elif 10 <= words(line) <= 45 and not sentence_like(line):
                beside = [j for j in (_neighbour(kind, i, -1), _neighbour(kind, i, 1)) if j is not None]
                if any(kind[j] in _CAPTION_BESIDE for j in beside):
                    kind[i] = "photo caption"

    # 8. Where the body starts: a dateline, or the first paragraph after the byline/date block.
    kept = [i for i in range(n) if kind[i] is None]
    body_start = None
    for i in kept[:8]:
        dateline, agency, monthday, rest = split_dateline(lines[i])
        if dateline:
            body_start = i
            out.dateline = dateline
            if agency and out.outlet is None:
                out.outlet = agency
            lines[i] = rest
            if monthday and out.published is None:
                _infer_published(out, monthday, lines[i], today)
            break
    if body_start is None:
        meta_at = [i for i in range(n) if kind[i] in ("byline", "date line") and i > title_at]
        if meta_at and meta_at[0] <= title_at + 6:
            # the body starts at the first real sentence after the byline/date block
            body_start = next(
                (i for i in kept if i > meta_at[-1] and sentence_like(lines[i]) and words(lines[i]) >= 8), None
            )
            for i in kept:
                if body_start is not None and meta_at[-1] < i < body_start:
                    kind[i] = "widget"
            kept = [i for i in kept if kind[i] is None]
    standfirst = [i for i in kept if i > title_at and (body_start is not None and i < body_start)]
    if body_start is None:  # bullets right under the headline are a standfirst too
        for i in kept:
            if i > title_at and bullets[i]:
                standfirst.append(i)
            elif i > title_at:
                break
    for i in standfirst:
        kind[i] = "standfirst"
    if standfirst:
        out.standfirst = " ".join(lines[i] for i in standfirst)

    # 9. Widgets before the headline (short labels: sections, breadcrumbs; a sentence there stays) and
    # after the last body sentence.
    kept = [i for i in range(n) if kind[i] is None]
    for i in kept:
        if i < title_at and not sentence_like(lines[i]):
            kind[i] = "widget"
    # Short lines after the last sentence are widgets only once boilerplate has begun below the body
    # (an outlet line, a widget, an appeal): a closing list or a sign-off line is body.
    last_sentence = max((i for i in kept if sentence_like(lines[i])), default=-1)
    tail_from = next((i for i in range(last_sentence + 1, n) if kind[i] in _BOILERPLATE), n)
    for i in kept:
        if i > tail_from and words(lines[i]) <= 20:
            kind[i] = "widget"
    # 10. After a "comments" / "most read" / "share this article" marker only short widget lines follow.
    body = [i for i in range(n) if kind[i] is None]
    ends = [i for i in range(n) if _SECTION_END.match(lines[i]) and len([b for b in body if b < i]) >= 2]
    ends += [i for i in range(n) if kind[i] == "widget" and _LIST_HEADING.match(lines[i]) and i not in ends]
    ends.sort()
    comments_at = next((e for e in ends if _COMMENTS_START.match(lines[e])), None)
    for e in ends:
        for i in body:
            if i <= e or kind[i] is not None or words(lines[i]) >= 15:
                continue
            if comments_at is not None and e == comments_at:
                kind[i] = "after the article"
            elif sentence_like(lines[i]):
                break  # a sentence after a link list's heading: the article goes on
            else:
                kind[i] = "after the article"

    # 11. A few words and no sentence anywhere (a page's <title> alone, a stray label) is no article.
    body = [i for i in range(n) if kind[i] is None]
    if (
        not any(sentence_like(lines[i]) for i in body)
        and sum(words(lines[i]) for i in body) < _MIN_WORDS_WITHOUT_SENTENCE
    ):
        for i in body:
            kind[i] = "too little text"

    for i in range(n):
        if kind[i] is None:
            out.paragraphs.append(lines[i])
        else:
            out.dropped.append((lines[i], kind[i] or ""))
    return out


def _caps_teaser(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return (
        len(letters) >= 12
        and all(c.isupper() for c in letters)
        and words(line) >= _CAPS_TEASER_MIN_WORDS
        and not sentence_like(line)
        and line[:1] not in _OPENING_QUOTES
        and not _SPACELESS.search(line)
    )


def _neighbour(kind: list[str | None], i: int, step: int) -> int | None:
    """The index of the nearest line before (step -1) or after (+1) i that has words."""
    j = i + step
    while 0 <= j < len(kind) and kind[j] == "no words":
        j += step
    return j if 0 <= j < len(kind) else None


def _neighbour_kind(kind: list[str | None], i: int, step: int) -> str | None:
    j = _neighbour(kind, i, step)
    return kind[j] if j is not None else None


def _headline_like(line: str, set_apart: bool) -> bool:
    """A headline is short; it ends without a full stop, or stands alone as the text's first block
    and does not read as a lead sentence (a text with no title line keeps its first sentence)."""
    if len(line) >= 300 or words(line) > _HEADLINE_MAX_WORDS:
        return False
    if not _FULL_STOP.search(line):
        return True
    return set_apart and words(line) < _LEAD_SENTENCE_WORDS


def _infer_published(out: Cleaned, monthday: str, first_paragraph: str, today: dt.date | None) -> None:
    """Year of a wire dateline ("Aug. 30") from the weekday the lead names ("on Wednesday")."""
    partial = dates.parse_partial(monthday)
    m = _WEEKDAY_IN_TEXT.search(first_paragraph)
    if partial is None or m is None:
        return
    day = dates.infer_year(partial, m.group(1), today or dt.date.today())
    if day is not None:
        out.published = day.isoformat()
        out.published_note = (
            f"year inferred: the dateline says {monthday!r} and the lead says {m.group(0)!r}; "
            f"{day.isoformat()} is the latest such {m.group(1)}"
        )


def clean_text(
    text: str, title: str | None = None, today: dt.date | None = None, title_in_text: bool = True
) -> Cleaned:
    lines, alone = _split_blocks(text)
    return clean_lines(lines, title=title, today=today, alone=alone, title_in_text=title_in_text)

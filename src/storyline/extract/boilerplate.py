"""Our own cleaner for scraped article text: keep every body paragraph, drop the leftovers.

Scrapers (and trafilatura on some pages) leave ads, newsletter and donation nags, share and
comment widgets, repeated headlines, photo captions printed two or three times and pull quotes
that repeat a body sentence. Each line is classified once, in passes from the most certain
(fixed widget phrases) to the most contextual (what sits before the body or after it), and every
dropped line keeps its reason so the evaluation and `storyline show --explain` can show them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from storyline.extract import dates
from storyline.extract.metadata import (
    byline_from_line,
    outlet_from_line,
    photo_credits,
    split_dateline,
)

_WIDGETS = re.compile(
    r"^(?:advertisement|advert|ad|sponsored(?: content)?|promoted(?: content)?|story continues below(?: advertisement)?"
    r"|share(?: this)?(?: (?:post|article|story|page))?(?: (?:via|on))?(?: \w+)?:?|share on \w+|tweet|email|print"
    r"|continue reading|read more|click to comment|comments?|\d+ comments?|leave a comment|view (?:all )?comments"
    r"|inline feedbacks|notify of|latest headlines|most read|most popular|trending|related(?: articles| stories| content)?"
    r"|more on this story|top stories|you may also like|recommended|connect with us|follow us(?: on \w+)?"
    r"|sign up|subscribe|log ?in|sign in|register|skip to (?:main )?content|menu|search|home|close"
    r"|thank you for registering|thanks for signing up|back to top|listen to (?:this )?article.*"
    r"|share or comment on this article:?|comments? \(?\d+\)?|\(?\d+\)? comments?|share what you think|join the conversation"
    r"|log in to comment|the comments below have not been moderated\.?|related topics|related internet links"
    r"|notifications can be managed in browser preferences\.?|accept(?: all)? cookies|manage cookies)\.?$",
    re.I,
)
_WIDGET_PHRASES = re.compile(
    r"(?:please refresh (?:the|your) (?:page|browser)|sign up (?:to|for) (?:our|the)\b|get (?:our|the) \w+ newsletter"
    r"|delivered (?:straight )?to your inbox|we use cookies|cookie (?:policy|settings)|by clicking (?:accept|subscribe)"
    r"|(?:read|see) more:|^related:|^read more\b|^watch:|^listen:|^see also:|turn on notifications|enable notifications"
    r"|support (?:our|independent) journalism|make a (?:donation|contribution)|this article (?:was|is) (?:amended|updated))",
    re.I,
)
# Lines after which only comment threads, share bars and link lists follow.
_SECTION_END = re.compile(
    r"^(?:share or comment on this article|comments? \(?\d+\)?|\(?\d+\)? comments?|join the conversation|log in to comment"
    r"|click to comment|view (?:all )?comments|latest headlines|most read|more on this story|related topics"
    r"|share this (?:post|article|story)(?: via)?)\b",
    re.I,
)
_APPEAL_WORDS = re.compile(r"\b(?:contribut\w*|donat\w*|subscri\w*|paywall|membership|support(?:ing)? us)\b", re.I)
_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣*]|-(?=\s))\s*")
_END = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$|[\"”’]\s*$")
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|‘[^’]*’(?!\w)")
_YOU = re.compile(r"\b(?:you|your|yours)\b", re.I)
_WE = re.compile(r"\b(?:we|us|our|ours)\b", re.I)
_CAPTION_CUES = re.compile(
    r"\((?:L|R|left|right|centre|center|pictured)\)|, (?:left|right|centre|center|pictured),|\bpictured\b", re.I
)
_WEEKDAY_IN_TEXT = re.compile(
    r"\b(?:on|this|late on|early on)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def normalize(line: str) -> str:
    """Compare lines regardless of quote style, case, spacing and punctuation."""
    s = unicodedata.normalize("NFKC", line).lower()
    s = re.sub(r"[^\w\s]", " ", s)
    return " ".join(s.split())


def words(line: str) -> int:
    return len(line.split())


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


def split_lines(text: str) -> list[str]:
    """Lines of text, with hard-wrapped paragraphs joined back together."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(x.split()) for x in block.split("\n")]
        lines = [x for x in lines if x]
        for line in lines:
            if out and out[-1] and not _END.search(out[-1]) and re.match(r"[a-z(]", line) and len(out[-1]) > 40:
                out[-1] = out[-1] + " " + line
            else:
                out.append(line)
        out.append("")
    return [x for x in out if x]


def _reader_appeal(line: str) -> bool:
    """The outlet talking to its reader ("Your support helps us...") rather than reporting."""
    if line[:1] in "“\"‘'":
        return False
    bare = _QUOTED.sub(" ", line)
    return bool(_WE.search(bare) and (_YOU.search(bare) or _APPEAL_WORDS.search(bare)))


def clean_lines(lines: list[str], title: str | None = None, today: dt.date | None = None) -> Cleaned:
    """Classify each line as body or leftover and collect the metadata the leftovers state."""
    out = Cleaned(title=title)
    n = len(lines)
    kind: list[str | None] = [None] * n
    bullets = [bool(_BULLET.match(x)) for x in lines]
    lines = [_BULLET.sub("", x) if b else x for x, b in zip(lines, bullets, strict=True)]
    norms = [normalize(x) for x in lines]
    date_at: int | None = None

    # 1. Fixed widgets, metadata lines, reader appeals.
    for i, line in enumerate(lines):
        outlet = outlet_from_line(line)
        if not norms[i]:
            kind[i] = "no words"  # rules, bullets and punctuation left alone on a line
        elif outlet and (words(line) <= 12 or re.search(r"\b(?:notifications|alerts) from\b", line, re.I)):
            out.outlet = out.outlet or outlet
            kind[i] = "outlet line"
        elif _WIDGETS.match(line) or (_WIDGET_PHRASES.search(line) and words(line) <= 40):
            kind[i] = "widget"
        elif (iso := dates.find_date_line(line)) is not None:
            if out.published is None:
                out.published = iso
            date_at = i if date_at is None else date_at
            kind[i] = "date line"
        elif _reader_appeal(line):
            kind[i] = "reader appeal"

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

    # 3. The title (given by HTML/JSON, or the first heading-like line) and its repeats.
    if out.title is None:
        for i, line in enumerate(lines):
            if kind[i] is None and words(line) >= 2 and not line.endswith(".") and len(line) < 300:
                out.title = line
                kind[i] = "title"
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
            byline = byline_from_line(lines[i], near_date=near)
            if byline and (near or lines[i].lower().startswith(("by ", "words by", "reporting by"))):
                out.byline = out.byline or byline
                kind[i] = "byline"

    # 5. Repeated lines (captions printed again, copies of a body paragraph): keep the first.
    seen: dict[str, int] = {}
    for i in range(n):
        if kind[i] is None:
            if norms[i] in seen:
                kind[i] = "repeated line"
                first = seen[norms[i]]
                if not sentence_like(lines[first]) and words(lines[first]) >= 8:
                    kind[first] = "photo caption"
            else:
                seen[norms[i]] = i

    # 6. Pull quotes: a line that repeats part of a longer body line, and the name printed under it.
    kept = [i for i in range(n) if kind[i] is None]
    for i in kept:
        if words(lines[i]) >= 5 and any(
            j != i and len(norms[j]) > len(norms[i]) and norms[i] in norms[j] for j in kept
        ):
            kind[i] = "pull quote"
            nxt = i + 1
            if nxt < n and kind[nxt] is None and words(lines[nxt]) <= 4 and not sentence_like(lines[nxt]):
                kind[nxt] = "pull quote attribution"

    # 7. Captions without credit: a long line that is not a sentence, or that names who is left/right.
    for i, line in enumerate(lines):
        if kind[i] is None and i > title_at and not bullets[i] and line[:1] not in "“\"‘'":
            if (words(line) >= 10 and not sentence_like(line)) or (_CAPTION_CUES.search(line) and words(line) <= 45):
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

    # 9. Widgets before the headline and after the last body sentence.
    kept = [i for i in range(n) if kind[i] is None]
    for i in kept:
        if i < title_at:
            kind[i] = "widget"
    last_sentence = max((i for i in kept if sentence_like(lines[i])), default=-1)
    for i in kept:
        if i > last_sentence and words(lines[i]) <= 20:
            kind[i] = "widget"
    # 10. After a "comments" / "most read" / "share this article" marker only short widget lines follow.
    body = [i for i in range(n) if kind[i] is None]
    ends = [i for i in range(n) if _SECTION_END.match(lines[i]) and len([b for b in body if b < i]) >= 2]
    if ends:
        for i in body:
            if i > ends[0] and words(lines[i]) < 15:
                kind[i] = "after the article"

    for i in range(n):
        if kind[i] is None:
            out.paragraphs.append(lines[i])
        else:
            out.dropped.append((lines[i], kind[i] or ""))
    return out


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


def clean_text(text: str, title: str | None = None, today: dt.date | None = None) -> Cleaned:
    return clean_lines(split_lines(text), title=title, today=today)

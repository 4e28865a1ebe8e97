"""RawDocument -> Article: pick the extractor for the input's type, then our cleaner."""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import functools
import hashlib
import json
import logging
import re
from typing import Any

from storyline.extract import dates, outlets
from storyline.extract.boilerplate import Cleaned, clean_text, normalize
from storyline.ingest.decode import NotText, decode, scrub, scrub_all
from storyline.records import Article, RawDocument
from storyline.settings import SETTINGS as S


class ExtractError(ValueError):
    """The document holds no article we can use; the message is the one-line reason."""


logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its parse errors become our one-line reasons
logging.getLogger("htmldate").setLevel(logging.CRITICAL)
MAX_TEXT_CHARS = S.max_text_chars
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_B = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LANGUAGE_SAMPLE_CHARS = S.language_sample_chars
LANGUAGE_MIN_LETTERS = S.language_min_letters
MAX_HTML_TAGS = S.max_html_tags
# What trafilatura is asked for: the body only, as much of it as it can find.
TRAFILATURA_OPTIONS: dict[str, Any] = {"include_comments": False, "include_tables": True, "favor_recall": True}
# A page's own JSON-LD `articleBody` far longer than trafilatura's text: use the publisher's copy.
FALLBACK_RATIO = S.jsonld_fallback_ratio
FALLBACK_MIN_GAIN = S.jsonld_fallback_min_gain
_JSONLD = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.I | re.S)
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "blockquote", "pre", "dd", "dt", "figcaption", "td"}


def _html_blocks(html: bytes | str) -> str:
    """Plain text of an HTML fragment, one block element per line (for short feed/JSON bodies)."""
    import lxml.html

    # Control characters survive libxml2's parse but make lxml refuse to write the tree (the
    # fuzzer found it: a NUL in text beside a <script> being dropped).
    if isinstance(html, str):
        html = _CONTROL.sub(" ", html)
    elif not html.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # NULs are part of UTF-16
        html = _CONTROL_B.sub(b" ", html)
    try:  # huge_tree: deeply nested pages (thousands of <div>s) are still parsed, not refused
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True, recover=True))
        for bad in root.xpath("//script|//style|//noscript|//template"):
            bad.drop_tree()
    except (ValueError, lxml.etree.ParserError, lxml.etree.XMLSyntaxError):
        return _strip_tags(html)
    lines = [" ".join(el.text_content().split()) for el in root.iter() if isinstance(el.tag, str) and el.tag in _BLOCKS]
    lines = [x for x in lines if x]
    if lines:
        return "\n\n".join(lines)
    return " ".join(root.text_content().split()) or _strip_tags(html)


def _strip_tags(html: bytes | str) -> str:
    """Last resort for markup libxml2 gives up on (nesting thousands deep): tags out, blocks kept."""
    import html as htmllib

    s = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    s = re.sub(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>", " ", s)
    s = re.sub(r"(?i)</?(?:p|div|h[1-6]|li|br|article|section|blockquote)\b[^>]*>", "\n\n", s)
    s = htmllib.unescape(re.sub(r"<[^>]*>", " ", s))
    return "\n\n".join(" ".join(x.split()) for x in s.split("\n\n") if x.strip())


def _jsonld_body(html: bytes | str) -> str | None:
    """The longest `articleBody` the page states in its JSON-LD metadata, as paragraphs."""
    s = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    found: list[str] = []
    for m in _JSONLD.finditer(s):
        try:
            _collect_bodies(json.loads(m.group(1)), found, depth=0)
        except (ValueError, RecursionError):
            continue
    if not found:
        return None
    body = max(found, key=len)
    if "<" in body:  # some publishers put the body's HTML there
        body = _html_blocks(body)
    return "\n\n".join(" ".join(x.split()) for x in re.split(r"\n\s*\n|\n", body) if x.strip()) or None


def _collect_bodies(node: object, found: list[str], depth: int) -> None:
    if depth > 20:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "articleBody" and isinstance(value, str):
                found.append(value)
            else:
                _collect_bodies(value, found, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _collect_bodies(value, found, depth + 1)


def _html_to_cleaned(
    html: bytes | str, today: dt.date | None, url: str | None = None, title: str | None = None
) -> Cleaned:
    """Main text by trafilatura (or the fallbacks), then our cleaner. `title`, when the container
    gives one (a feed entry's, a JSON record's), is the title: no line of the text is taken for it."""
    import trafilatura

    tags = html.count(b"<") if isinstance(html, bytes) else html.count("<")
    if tags > MAX_HTML_TAGS:
        raise ExtractError(f"{tags:,} tags, more than the {MAX_HTML_TAGS:,} a news page has (not an article page)")
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, **TRAFILATURA_OPTIONS)
    except Exception:
        doc = None
    meta = (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)) if doc is not None else {}
    text = meta.get("text") or ""
    fuller = _jsonld_body(html)
    if fuller and len(fuller.split()) >= max(FALLBACK_RATIO * len(text.split()), len(text.split()) + FALLBACK_MIN_GAIN):
        text = fuller  # the publisher's own copy of the body holds much more than trafilatura found
    if not text.strip():
        text = _html_blocks(html)
    if not text.strip():
        raise ExtractError("no article text found in the HTML")
    title = title or meta.get("title") or None
    cleaned = clean_text(text, title=title, today=today)
    cleaned.outlet = meta.get("sitename") or cleaned.outlet
    cleaned.byline = meta.get("author") or cleaned.byline
    if meta.get("date"):
        cleaned.published = dates.parse_date(str(meta["date"])) or cleaned.published
    if not cleaned.title and meta.get("title"):
        cleaned.title = meta["title"]
    return cleaned


def _any_date(value: object) -> str | None:
    """Dates as JSON Lines and feeds carry them: ISO 8601, RFC 822, or what bylines print."""
    if not isinstance(value, str) or not value.strip():
        return None
    iso = dates.parse_date(value)
    if iso:
        return iso
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.isoformat(timespec="minutes")


def _from_json(raw: RawDocument, today: dt.date | None) -> tuple[Cleaned, str | None]:
    """The cleaned record, and the outlet it names itself (a JSON Lines record's own `outlet`)."""
    try:
        obj = scrub_all(json.loads(raw.data))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ExtractError(f"not valid JSON: {e}") from None
    except RecursionError:
        raise ExtractError("JSON nested too deeply to be an article") from None
    if not isinstance(obj, dict):
        raise ExtractError("JSON record is not an object")
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    body = obj.get("text") or obj.get("content")
    if isinstance(obj.get("html"), str) and not isinstance(body, str):
        url = obj.get("url") if isinstance(obj.get("url"), str) else None
        cleaned = _html_to_cleaned(obj["html"], today, url=url, title=title)
    elif isinstance(body, str):
        if "<p" in body or "<br" in body:  # feeds often carry HTML in their text fields
            cleaned = _html_to_cleaned(f"<html><body><article>{body}</article></body></html>", today, title=title)
        else:
            cleaned = clean_text(body, title=title, today=today, title_in_text=False)
    else:
        raise ExtractError('no "text" or "html" field')
    for key in ("byline", "author"):
        if isinstance(obj.get(key), str) and obj[key].strip():
            cleaned.byline = obj[key].strip()
    if isinstance(obj.get("feed"), str) and obj["feed"].strip():
        cleaned.outlet = obj["feed"]  # the feed's title: what the container says, below a known host
    published = _any_date(obj.get("published") or obj.get("date"))
    if published:
        cleaned.published, cleaned.published_note = published, None
    own = obj.get("outlet")
    return cleaned, own if isinstance(own, str) and own.strip() else None


def content_hash(title: str | None, paragraphs: list[str] | tuple[str, ...]) -> str:
    """Same words in the same order = same article, whatever the quote style or spacing."""
    text = normalize(title or "") + "\n" + "\n".join(normalize(p) for p in paragraphs)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid, whose model ships in its wheel); None when
    there is too little text to tell. Analysis is English-only, but every article keeps its language."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if sum(c.isalpha() for c in sample) < LANGUAGE_MIN_LETTERS:
        return None
    return str(_language_identifier().classify(sample)[0])


@functools.cache
def _language_identifier():  # type: ignore[no-untyped-def]
    """py3langid's packaged model, unpacked in memory once per process. (py3langid's own loader
    unpacks it to a temporary file, which fails on a full or read-only disk.)"""
    import io
    import lzma

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import _to_array

    with lzma.open(MODEL_DIR / MODEL_FILE) as src, np.load(io.BytesIO(src.read()), allow_pickle=False) as m:
        return LanguageIdentifier(
            np.asarray(m["ptc"]),
            np.asarray(m["pc"]),
            m["classes"].tolist(),
            _to_array(m["nextmove"]),
            m["out_feat"].tolist(),
            tk_row=_to_array(m["nextmove_row"]),
        )


def _scrub_cleaned(c: Cleaned) -> None:
    """No lone surrogate reaches the store, whichever extractor let it through."""
    for name in ("title", "standfirst", "outlet", "byline", "published_note", "dateline"):
        value = getattr(c, name)
        if isinstance(value, str):
            setattr(c, name, scrub(value))
    c.paragraphs = [scrub(p) for p in c.paragraphs]
    c.photo_credits = [scrub(p) for p in c.photo_credits]
    c.dropped = [(scrub(line), why) for line, why in c.dropped]


def extract(raw: RawDocument, today: dt.date | None = None) -> Article:
    """Turn one raw document into a cleaned Article, or raise ExtractError with the reason.

    `raw.meta["outlet"]` is the outlet the user named for it (`ingest --outlet`); see extract/outlets.py.
    """
    given = raw.meta.get("outlet") if isinstance(raw.meta.get("outlet"), str) else None
    if raw.content_type == "json":
        cleaned, own = _from_json(raw, today)
        given = own or given
    elif raw.content_type == "html":
        cleaned = _html_to_cleaned(raw.data, today, url=raw.url)
    else:
        try:
            text, _ = decode(raw.data)
        except NotText as e:
            raise ExtractError(str(e)) from None
        cleaned = clean_text(text, today=today)
    if not cleaned.paragraphs:
        what = "only a headline" if cleaned.title else "nothing"
        where = "in the HTML" if raw.content_type == "html" else "after cleaning"
        raise ExtractError(f"no article text found {where} ({what} left)")
    size = sum(len(p) + 2 for p in cleaned.paragraphs) - 2 + len(cleaned.title or "")
    if size > MAX_TEXT_CHARS:
        raise ExtractError(
            f"{size:,} characters of text after cleaning, more than the {MAX_TEXT_CHARS:,} an article may have"
        )
    _scrub_cleaned(cleaned)
    chash = content_hash(cleaned.title, cleaned.paragraphs)
    key = raw.url or f"sha256:{chash}"
    return Article(
        id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:12],
        key=key,
        content_hash=chash,
        source=raw.source,
        url=raw.url,
        title=cleaned.title,
        outlet=outlets.choose(given=scrub(given) if given else None, url=raw.url, found=cleaned.outlet),
        byline=cleaned.byline,
        published=cleaned.published,
        published_note=cleaned.published_note,
        dateline=cleaned.dateline,
        standfirst=cleaned.standfirst,
        paragraphs=tuple(cleaned.paragraphs),
        photo_credits=tuple(cleaned.photo_credits),
        display=tuple(cleaned.display),
        language=guess_language(" ".join(cleaned.paragraphs)),
        raw=raw.data,
        content_type=raw.content_type,
    )

"""Readers for each container format; each yields RawDocuments or IngestProblems.

A container (JSON Lines, feed, WARC) that is broken part-way still yields what came before the
break, then one problem naming where it broke.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

from storyline.records import IngestProblem, RawDocument

Item = RawDocument | IngestProblem


def read_jsonl(source: str, data: bytes) -> Iterator[Item]:
    """One article per line: {"url","title","text"|"html","published","outlet","byline"}."""
    for lineno, line in enumerate(data.splitlines(), 1):
        yield from jsonl_line(source, lineno, line)


def jsonl_line(source: str, lineno: int, line: bytes) -> Iterator[Item]:
    """One JSON Lines record, or a problem naming the file and line; nothing for a blank line."""
    if not line.strip():
        return
    where = f"{source}:{lineno}"
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        yield IngestProblem(where, f"not valid JSON ({e.__class__.__name__}: {str(e)[:80]})")
        return
    if not isinstance(obj, dict):
        yield IngestProblem(where, "JSON line is not an object")
        return
    if not isinstance(obj.get("text") or obj.get("html") or obj.get("content"), str):
        yield IngestProblem(where, 'JSON line has no "text" or "html" string')
        return
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    yield RawDocument(source=url or where, data=line.strip(), content_type="json", url=url)


def read_feed(source: str, data: bytes) -> Iterator[Item]:
    """RSS 2.0 / Atom entries become JSON records, the full content when the feed carries it."""
    import feedparser

    parsed = feedparser.parse(data)
    version = parsed.get("version") or ""
    if not parsed.entries:
        reason = "not an RSS/Atom feed" if not version else "feed has no entries"
        if parsed.get("bozo") and not version:
            reason += f" ({str(parsed.get('bozo_exception'))[:80]})"
        yield IngestProblem(source, reason)
        return
    outlet = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries, 1):
        content = ""
        if entry.get("content"):
            content = max((c.get("value") or "" for c in entry.content), key=len)
        summary = entry.get("summary") or ""  # feedparser gives None for some broken entries
        body = content if len(content) >= len(summary) else summary
        if not body.strip():
            yield IngestProblem(f"{source}#{n}", "feed entry has no text")
            continue
        link = entry.get("link")
        record = {
            "url": link,
            "title": entry.get("title"),
            "html": body,
            "published": entry.get("published") or entry.get("updated"),
            "outlet": outlet,
            "byline": entry.get("author"),
        }
        yield RawDocument(
            source=link or f"{source}#{n}",
            data=json.dumps(record, ensure_ascii=False).encode("utf-8"),
            content_type="json",
            url=link,
        )


def read_warc(source: str, data: bytes) -> Iterator[Item]:
    """Every HTML response record of a WARC / WARC.gz becomes an article."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type != "response":
                continue
            ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
            if "html" not in ctype.lower():
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = record.content_stream().read()
            count += 1
            yield RawDocument(
                source=url or f"{source}#{count}",
                data=body,
                content_type="html",
                url=url,
                meta={"fetched": record.rec_headers.get_header("WARC-Date")},
            )
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, AttributeError, TypeError, IndexError) as e:
        # warcio raises assorted errors on malformed records; each means "broken WARC" here
        yield IngestProblem(source, f"broken WARC after {count} HTML records ({str(e)[:80] or type(e).__name__})")
        return
    if count == 0:
        yield IngestProblem(source, "WARC has no HTML response records")

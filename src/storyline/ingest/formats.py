"""Readers for each container format; each yields RawDocuments or IngestProblems.

A container (JSON Lines, feed, WARC) that is broken part-way still yields what came before the
break, then one problem naming where it broke.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

from storyline.ingest.decode import scrub, scrub_all
from storyline.records import IngestProblem, RawDocument
from storyline.settings import SETTINGS as S

Item = RawDocument | IngestProblem
_SURROGATE_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|(\d{1,10}));")


def _no_surrogate(m: re.Match[bytes]) -> bytes:
    """A numeric character reference, unless it names a UTF-16 surrogate: then U+FFFD's."""
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    return b"&#xfffd;" if 0xD800 <= code <= 0xDFFF else m.group(0)


WARC_RECORD_MAX_BYTES = S.warc_record_max_bytes
WARC_FILE_FACTOR = S.warc_file_factor


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
        yield IngestProblem(where, f"not valid JSON ({e.__class__.__name__}: {scrub(str(e))[:80]})")
        return
    except RecursionError:
        yield IngestProblem(where, "JSON nested too deeply to be an article")
        return
    if not isinstance(obj, dict):
        yield IngestProblem(where, "JSON line is not an object")
        return
    if not isinstance(obj.get("text") or obj.get("html") or obj.get("content"), str):
        yield IngestProblem(where, 'JSON line has no "text" or "html" string')
        return
    url = scrub(obj["url"]) if isinstance(obj.get("url"), str) else None
    yield RawDocument(source=url or where, data=line.strip(), content_type="json", url=url)


def read_feed(source: str, data: bytes) -> Iterator[Item]:
    """RSS 2.0 / Atom entries become JSON records, the full content when the feed carries it."""
    import feedparser

    # A character reference to a lone surrogate ("&#xd800;") makes feedparser raise while decoding it.
    data = _SURROGATE_REF.sub(_no_surrogate, data)
    try:
        parsed = feedparser.parse(data)
    except Exception as e:  # feedparser's own failures on hostile input: this file only
        yield IngestProblem(source, f"cannot parse the feed ({type(e).__name__}: {scrub(str(e))[:80]})")
        return
    version = parsed.get("version") or ""
    if not parsed.entries:
        reason = "not an RSS/Atom feed" if not version else "feed has no entries"
        if parsed.get("bozo") and not version:
            reason += f" ({str(parsed.get('bozo_exception'))[:80]})"
        yield IngestProblem(source, reason)
        return
    outlet = parsed.feed.get("title")
    for n, parsed_entry in enumerate(parsed.entries, 1):
        entry: dict[str, Any] = scrub_all(dict(parsed_entry))  # type: ignore[assignment]  # "&#xd800;" -> U+FFFD
        content = ""
        if entry.get("content"):
            content = max((c.get("value") or "" for c in entry["content"] if isinstance(c, dict)), key=len, default="")
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
            "feed": scrub(outlet) if isinstance(outlet, str) else None,  # the outlet unless a known host says otherwise
            "byline": entry.get("author"),
        }
        yield RawDocument(
            source=link or f"{source}#{n}",
            data=json.dumps(record, ensure_ascii=False).encode("utf-8"),
            content_type="json",
            url=link,
        )


def read_warc(source: str, data: bytes, max_bytes: int = S.max_bytes) -> Iterator[Item]:
    """Every HTML response record of a WARC / WARC.gz becomes an article.

    Records are read with a ceiling, so a small .warc.gz cannot unpack into gigabytes: a record
    over WARC_RECORD_MAX_BYTES is skipped with a problem, and the file stops once its records have
    unpacked to WARC_FILE_FACTOR times the ingest size limit.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    unpacked = 0
    budget = WARC_FILE_FACTOR * max_bytes
    try:
        for n, record in enumerate(ArchiveIterator(io.BytesIO(data)), 1):
            if record.rec_type != "response":
                continue
            ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
            if "html" not in ctype.lower():
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{source}#{n}"
            limit = min(WARC_RECORD_MAX_BYTES, budget - unpacked)
            body = record.content_stream().read(limit + 1)
            unpacked += len(body)
            if len(body) > limit:
                if limit < WARC_RECORD_MAX_BYTES:
                    yield IngestProblem(
                        source, f"WARC unpacks to more than {budget / 1e6:.0f} MB; the records after #{n} were not read"
                    )
                    return
                yield IngestProblem(where, f"WARC record unpacks to more than {WARC_RECORD_MAX_BYTES / 1e6:.0f} MB")
                continue
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

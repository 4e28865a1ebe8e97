"""Expand what the user named (files, folders, globs, '-') and read each input by its format."""

from __future__ import annotations

import glob
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.ingest.decode import sniff_binary
from storyline.ingest.formats import Item, jsonl_line, read_feed, read_jsonl, read_warc
from storyline.records import IngestProblem, RawDocument
from storyline.settings import SETTINGS as S

DEFAULT_MAX_BYTES = S.max_bytes
TEXT_EXT = {".txt", ".text", ".md", ""}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_EXT = {".jsonl", ".ndjson", ".json"}
FEED_EXT = {".rss", ".atom", ".xml", ".feed"}
WARC_EXT = {".warc"}
# Every extension ingest reads by name (any of them may also be gzipped); the web's uploads use it too.
INPUT_EXT = tuple(sorted((TEXT_EXT - {""}) | HTML_EXT | JSONL_EXT | FEED_EXT | WARC_EXT))


def accepts(name: str) -> bool:
    """Whether ingest reads a file of this name by its extension (`report.json`, `crawl.warc.gz`)."""
    lower = name.lower()
    stem = lower[:-3] if lower.endswith(".gz") else lower
    return Path(stem).suffix in INPUT_EXT


def expand(paths: Iterable[str], follow_symlinks: bool = False) -> Iterator[str | IngestProblem]:
    """Files in the order named; folders recursively (sorted, hidden files skipped); globs.

    Inside a folder, a symbolic link that leads outside it is skipped with a problem unless
    `follow_symlinks`: a folder of scraped files should not pull in ~/.ssh because a link says so.
    """
    for p in paths:
        if p == "-":
            yield p
        elif os.path.isdir(p):
            top = os.path.realpath(p)
            for root, dirs, files in os.walk(p, followlinks=follow_symlinks):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if f.startswith("."):
                        continue
                    path = os.path.join(root, f)
                    if not follow_symlinks and os.path.islink(path) and not _inside(os.path.realpath(path), top):
                        yield IngestProblem(
                            os.path.abspath(path), "a link to a file outside the folder (see --follow-symlinks)"
                        )
                        continue
                    yield path
        elif os.path.exists(p):
            yield p
        elif any(c in p for c in "*?["):
            matches = sorted(m for m in glob.glob(p, recursive=True) if os.path.isfile(m))
            if not matches:
                yield IngestProblem(p, "no files match this pattern")
            yield from matches
        else:
            yield IngestProblem(p, "no such file or folder")


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def kind_of(name: str, data: bytes) -> str:
    """Decide the format from the name, then from the first bytes."""
    lower = name.lower()
    stem = lower[:-3] if lower.endswith(".gz") else lower
    ext = Path(stem).suffix
    if ext == ".warc" or data.startswith(b"WARC/"):
        return "warc"
    head = data[:2048].lstrip().lower()
    if ext in FEED_EXT or (head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head)):
        return "feed"
    if ext in JSONL_EXT:
        return "jsonl"
    if ext in HTML_EXT or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if ext in TEXT_EXT:
        return "text"
    if head.startswith(b"{"):
        return "jsonl"
    return "text"


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress with a ceiling, so a small .gz cannot expand into gigabytes."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, max_bytes + 1)
    if len(out) > max_bytes:
        raise ValueError(f"decompresses to more than the size limit ({max_bytes // 1_000_000} MB)")
    return out


def read_one(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Read one named input (file contents or stdin) into documents."""
    if not data.strip():
        yield IngestProblem(name, "empty file")
        return
    lower = name.lower()
    if lower.endswith(".gz") and not lower.endswith(".warc.gz"):
        try:
            data = _gunzip(data, max_bytes)
        except (zlib.error, ValueError, EOFError) as e:
            yield IngestProblem(name, f"cannot decompress: {e}")
            return
        if not data.strip():
            yield IngestProblem(name, "empty file")
            return
    kind = kind_of(name, data)
    if kind == "warc":
        yield from read_warc(name, data, max_bytes)
        return
    what = sniff_binary(data)
    if what:
        yield IngestProblem(name, f"not a text article: {what}")
        return
    if kind == "feed":
        yield from read_feed(name, data)
    elif kind == "jsonl":
        yield from read_jsonl(name, data)
    else:
        yield RawDocument(source=name, data=data, content_type=kind)


STREAMED = (".jsonl", ".ndjson", ".jsonlines")
STREAM_FROM = S.stream_jsonl_from


def _streamable(p: str) -> bool:
    """A large file named and looking like JSON Lines (not binary, first record an object)."""
    if p == "-" or not p.lower().endswith(STREAMED):
        return False
    try:
        if os.path.getsize(p) < STREAM_FROM:
            return False
        with open(p, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    return sniff_binary(head) is None and kind_of(p, head) == "jsonl"


def stream_jsonl(name: str, max_bytes: int) -> Iterator[Item]:
    """A JSON Lines file of any size, a line at a time: the size limit holds per article, not per file.

    A corpus of 100k articles is one file of hundreds of MB; reading it whole would hold it all in
    memory, so it is read line by line and only an oversized line is refused.
    """
    try:
        with open(name, "rb") as fh:
            lineno = 0
            while True:
                line = fh.readline(max_bytes + 1)
                if not line:
                    return
                lineno += 1
                if len(line) > max_bytes and not line.endswith(b"\n"):
                    yield IngestProblem(f"{name}:{lineno}", f"line too large (> limit {max_bytes / 1e6:.0f} MB)")
                    while line and not line.endswith(b"\n"):  # skip the rest of it
                        line = fh.readline(1 << 20)
                    continue
                yield from jsonl_line(name, lineno, line)
    except OSError as e:
        yield IngestProblem(name, f"cannot read: {e.strerror or e}")


def one_document(name: str) -> bool:
    """Whether a file holds one article by its name (text, HTML), not many (feed, JSON Lines, WARC)."""
    if name == "-":
        return False
    lower = name.lower()
    stem = lower[:-3] if lower.endswith(".gz") else lower
    return Path(stem).suffix in TEXT_EXT | HTML_EXT


def read_sources(
    paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES, follow_symlinks: bool = False
) -> Iterator[Item]:
    """Every document named by `paths`, in order, with a problem for each input that fails."""
    return read_listed(expand(paths, follow_symlinks=follow_symlinks), max_bytes)


def read_listed(listed: Iterable[str | IngestProblem], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Every document of inputs already listed by `expand`, in order."""
    for p in listed:
        if isinstance(p, IngestProblem):
            yield p
            continue
        if _streamable(p):
            yield from stream_jsonl(os.path.abspath(p), max_bytes)
            continue
        if p == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            name = "<stdin>"
        else:
            name = os.path.abspath(p)
            try:
                size = os.path.getsize(p)
                if size > max_bytes:
                    yield IngestProblem(
                        name, f"file too large ({size / 1e6:.1f} MB > limit {max_bytes / 1e6:.0f} MB; see --max-bytes)"
                    )
                    continue
                with open(p, "rb") as fh:
                    data = fh.read(max_bytes + 1)
            except OSError as e:
                yield IngestProblem(name, f"cannot read: {e.strerror or e}")
                continue
        if len(data) > max_bytes:
            yield IngestProblem(name, f"input too large (> limit {max_bytes / 1e6:.0f} MB; see --max-bytes)")
            continue
        yield from read_one(name, data, max_bytes)


__all__ = ["expand", "kind_of", "one_document", "read_listed", "read_one", "read_sources"]

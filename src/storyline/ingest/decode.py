"""Bytes to text: BOMs, UTF-8, then cp1252/latin-1, and a refusal for binary data."""

from __future__ import annotations

import codecs
import re

_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x7fELF": "an executable",
    b"RIFF": "a RIFF media file",
    b"\x1f\x8b": "gzip data that is not a known format (.html.gz, .jsonl.gz, .warc.gz)",
}


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """Text that can be encoded: a lone UTF-16 surrogate (`"\\ud800"` in JSON, `&#xd800;` in a feed)
    becomes U+FFFD, the replacement character, instead of breaking the write of the whole record."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def scrub_all(value: object) -> object:
    """`scrub` over every string in a parsed JSON value."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(str(k)): scrub_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_all(v) for v in value]
    return value


class NotText(ValueError):
    """Raised with a one-line reason when bytes are not text we can read."""


def sniff_binary(data: bytes) -> str | None:
    """Name what binary data is, or None when it looks like text."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            return what
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None
    head = data[:8192]
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if head and controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text and say which encoding was used."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise NotText(f"invalid {enc} text at byte {e.start}") from None
    what = sniff_binary(data)
    if what:
        raise NotText(f"not a text article: {what}")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"

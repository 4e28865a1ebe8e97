"""Ingest: turn paths, folders, globs and stdin into RawDocuments (or one-line problems)."""

from storyline.ingest.paths import DEFAULT_MAX_BYTES, read_sources

__all__ = ["DEFAULT_MAX_BYTES", "read_sources"]

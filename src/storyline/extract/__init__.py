"""Extract: RawDocument -> Article (main text and metadata)."""

from storyline.extract.article import ExtractError, extract

__all__ = ["ExtractError", "extract"]

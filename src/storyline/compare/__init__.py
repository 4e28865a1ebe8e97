"""Compare: one story's articles -> the parts of its dossier (entities, quotes, cited summary)."""

from storyline.compare.entities import merge_entities
from storyline.compare.quotes import merge_quotes
from storyline.compare.summary import summarize

__all__ = ["merge_entities", "merge_quotes", "summarize"]

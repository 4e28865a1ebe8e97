"""Compare: one story's articles -> the parts of its dossier (shared entities, cited summary)."""

from storyline.compare.entities import shared_entities
from storyline.compare.summary import summarize

__all__ = ["shared_entities", "summarize"]

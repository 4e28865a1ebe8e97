"""Analyze: Article -> AnalyzedArticle (sentences, entity mentions with aliases, vectors)."""

from storyline.analyze.pipeline import analyze_batch

__all__ = ["analyze_batch"]

"""Entities merged across the outlets of a story: one row per canonical name."""

from __future__ import annotations

from collections import Counter
from typing import Any

from storyline.records import Article, Mention, outlet_label


def shared_entities(articles: list[tuple[Article, list[Mention]]], min_articles: int = 2) -> list[dict[str, Any]]:
    """Entities named by at least `min_articles` articles, most widely reported first."""
    by_name: dict[str, dict[str, Any]] = {}
    for art, mentions in articles:
        for m in mentions:
            key = m.canonical.lower()
            row = by_name.setdefault(
                key,
                {
                    "name": m.canonical,
                    "labels": Counter(),
                    "aliases": set(),
                    "articles": [],
                    "outlets": set(),
                    "mentions": 0,
                },
            )
            row["labels"][m.label] += 1
            row["mentions"] += 1
            if m.text.strip() != m.canonical:
                row["aliases"].add(" ".join(m.text.split()))
            if art.id not in row["articles"]:
                row["articles"].append(art.id)
                row["outlets"].add(outlet_label(art))
            if len(m.canonical) > len(row["name"]):
                row["name"] = m.canonical
    out = [
        {
            "name": r["name"],
            "type": r["labels"].most_common(1)[0][0],
            "aliases": sorted(r["aliases"]),
            "articles": r["articles"],
            "outlets": sorted(r["outlets"]),
            "mentions": r["mentions"],
        }
        for r in by_name.values()
        if len(r["articles"]) >= min_articles
    ]
    out.sort(key=lambda r: (-len(r["outlets"]), -r["mentions"], r["name"]))
    return out

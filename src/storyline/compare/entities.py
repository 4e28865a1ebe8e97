"""Entities merged across the outlets of a story: one row per real person or body.

Names were already resolved within each article ("Mr Cleverly" -> "James Cleverly"); across
articles a lone surname joins the one full name that contains it, and never a second one, so
Wang Yi and Wang Wenbin stay apart.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from storyline.output import EntityRow
from storyline.records import Article, Mention, outlet_label


def _is_slip(m: Mention) -> bool:
    """Obvious NER slips: credits ("Florence Lo/"), demonyms tagged as places ("Uyghurs")."""
    text = m.text.strip()
    if "/" in text or text.endswith(("/", "-")):
        return True
    return m.label in ("GPE", "LOC") and text.endswith(("urs", "ians", "ese", "ans")) and text[:1].isupper()


def merge_entities(
    articles: list[tuple[Article, list[Mention], dict[str, list[str]]]], min_articles: int = 1
) -> list[EntityRow]:
    """Canonical entities with aliases, roles, articles, outlets and mention counts."""
    full_people: dict[str, set[str]] = {}
    for _art, mentions, _roles in articles:
        for m in mentions:
            if m.label == "PERSON" and " " in m.canonical:
                for word in m.canonical.split():
                    full_people.setdefault(word, set()).add(m.canonical)

    org_mentions = Counter(m.canonical for _a, ms, _r in articles for m in ms if m.label == "ORG" and " " in m.canonical)
    orgs = sorted(org_mentions, key=lambda o: (-org_mentions[o], o))  # most named first: no set order decides

    def key_of(m: Mention) -> str:
        if m.label == "PERSON" and " " not in m.canonical and len(full_people.get(m.canonical, ())) == 1:
            return next(iter(full_people[m.canonical])).lower()
        if m.label == "PERSON" and " " not in m.canonical:  # "Robotics" cut from "Solvane Robotics"
            org = next((o for o in orgs if o.endswith(" " + m.canonical)), None)
            if org:
                return org.lower()
        return m.canonical.lower()

    rows: dict[str, dict[str, Any]] = {}
    for art, mentions, roles in articles:
        for m in mentions:
            if _is_slip(m):
                continue
            key = key_of(m)
            row = rows.setdefault(
                key,
                {"name": m.canonical, "labels": Counter(), "aliases": set(), "roles": [], "articles": [], "outlets": set(), "mentions": 0},
            )  # fmt: skip
            row["labels"][m.label] += 1
            row["mentions"] += 1
            alias = " ".join(m.text.split())
            row["aliases"].add(alias)
            if len(m.canonical) > len(row["name"]):
                row["name"] = m.canonical
            if art.id not in row["articles"]:
                row["articles"].append(art.id)
                row["outlets"].add(outlet_label(art))
                for r in roles.get(m.canonical, []):
                    if r not in row["roles"]:
                        row["roles"].append(r)
    out = [
        EntityRow(
            name=r["name"],
            type=r["labels"].most_common(1)[0][0],
            aliases=sorted(a for a in r["aliases"] if a != r["name"]),
            roles=r["roles"],
            articles=r["articles"],
            outlets=sorted(r["outlets"]),
            mentions=r["mentions"],
        )
        for r in rows.values()
        if len(r["articles"]) >= min_articles
    ]
    out.sort(key=lambda r: (-len(r.outlets), -r.mentions, r.name))
    return out

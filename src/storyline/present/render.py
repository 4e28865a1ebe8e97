"""Render dossiers and the run index as Markdown or self-contained HTML (scraped text escaped)."""

from __future__ import annotations

import json
import re
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from storyline.output import Dossier, dump

_env = Environment(
    loader=PackageLoader("storyline.present", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True, default=False),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _md(text: object) -> str:
    """Escape Markdown control characters in scraped text so it cannot inject links or HTML."""
    s = "" if text is None else str(text)
    for ch in "\\`*_{}[]<>#|":
        s = s.replace(ch, "\\" + ch)
    return s


def _safe_url(url: object) -> str | None:
    """Only http(s) URLs become links; anything else is shown as text."""
    s = str(url or "")
    return s if s.lower().startswith(("http://", "https://")) else None


_env.filters["md"] = _md
_env.filters["safe_url"] = _safe_url


_GENERATED = re.compile(r'(?:storyline-generated-at" content="|Generated )([0-9][0-9T:.+\-]{9,40})(?:"| by storyline)')


def generated_at(text: str) -> str | None:
    """When a dossier rendered by render_dossier (JSON, Markdown or HTML) was generated."""
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text).get("generated_at")
        except (ValueError, AttributeError):
            return None
        return value if isinstance(value, str) else None
    found = _GENERATED.findall(text)  # HTML: the <meta> in the head; Markdown: its last line
    return (found[0] if text.lstrip().lower().startswith("<!doctype") else found[-1]) if found else None


def render_dossier(record: Dossier, fmt: str) -> str:
    """The dossier as JSON, Markdown or HTML: here, at the edge, the record becomes plain data."""
    dossier = dump(record)
    if fmt == "json":
        return json.dumps(dossier, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return _env.get_template("dossier.md.j2").render(d=dossier)
    if fmt == "html":
        articles = [{**a, "paragraphs_html": _paragraphs(a)} for a in dossier["articles"]]
        return _env.get_template("dossier.html.j2").render(d={**dossier, "articles": articles})
    raise ValueError(f"unknown format {fmt!r} (md, json, html)")


def _paragraphs(a: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Group an article's sentences by paragraph so each can carry an anchor for citations."""
    text = a["text"]
    paras: dict[int, list[dict[str, Any]]] = {}
    for s in a.get("sentences") or []:
        paras.setdefault(s["paragraph"], []).append({"idx": s["idx"], "text": text[s["start"] : s["end"]]})
    if not paras:
        return [[{"idx": i, "text": p}] for i, p in enumerate(text.split("\n\n"))]
    return [paras[k] for k in sorted(paras)]


def render_index(stories: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(stories, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return _env.get_template("index.md.j2").render(stories=stories)
    if fmt == "html":
        return _env.get_template("index.html.j2").render(stories=stories)
    raise ValueError(f"unknown format {fmt!r} (md, json, html)")

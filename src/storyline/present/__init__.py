"""Present: dossiers as JSON (with a JSON Schema), Markdown and self-contained HTML."""

from storyline.present.render import render_dossier, render_index

__all__ = ["render_dossier", "render_index"]

"""Present: dossiers as JSON (with a JSON Schema), Markdown and self-contained HTML."""

from storyline.present.render import generated_at, render_dossier, render_index

__all__ = ["generated_at", "render_dossier", "render_index"]

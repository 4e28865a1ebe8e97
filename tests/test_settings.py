"""Thresholds and limits live in one place: settings.py names each with its reason, and no stage
keeps a numeric threshold of its own at module level."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from conftest import ROOT

from storyline.settings import SETTINGS, described

# Module-level numbers that are facts, not choices: formats, widths, ids.
NOT_THRESHOLDS = {
    "SCHEMA_VERSION",  # the store's schema
    "VECTOR_DIM",  # MiniLM's width
    "HEADLINE",  # sentence index standing for a headline
    "STANDFIRST",  # ... and for a standfirst
    "MAX_STORY_ID",  # SQLite's largest integer
    "ROWS",  # derived: permutations / bands
    "_CHUNK",  # read size of a fetch
    "AUTO",  # the value standing for `--workers auto`
}


def _literal_number(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.BinOp):
        return _literal_number(node.left) and _literal_number(node.right)
    return False


def test_no_stage_keeps_a_numeric_threshold_of_its_own():
    found = []
    for path in sorted((ROOT / "src" / "storyline").rglob("*.py")):
        if path.name == "settings.py":
            continue
        for node in ast.parse(path.read_text("utf-8")).body:
            target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
            value = getattr(node, "value", None)
            if isinstance(target, ast.Name) and target.id.lstrip("_").isupper() and value is not None:
                if _literal_number(value) and target.id not in NOT_THRESHOLDS:
                    found.append(f"{Path(path).relative_to(ROOT)}: {target.id}")
    assert found == [], "name these in settings.py, with why: " + ", ".join(found)


def test_settings_command_lists_every_setting_with_its_reason(cli):
    code, out, _ = cli("settings", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == [r["name"] for r in described()]
    assert all(len(r["why"].split()) >= 4 for r in rows), [r["name"] for r in rows if len(r["why"].split()) < 4]
    by_name = {r["name"]: r["value"] for r in rows}
    assert by_name["join_threshold"] == SETTINGS.join_threshold
    code, text, _ = cli("settings")
    assert "[stories]" in text and "join_threshold" in text


def test_the_stages_decide_by_the_settings():
    """The values the code uses are the ones `storyline settings` shows."""
    from storyline.compare import claims, summary
    from storyline.engine import recluster
    from storyline.extract import boilerplate
    from storyline.stories import cluster, dedup, regroup

    assert cluster.JOIN_THRESHOLD == SETTINGS.join_threshold and cluster.WINDOW_DAYS == regroup.WINDOW_DAYS
    assert dedup.COPY_THRESHOLD == SETTINGS.copy_threshold
    assert claims.CANDIDATE == SETTINGS.claim_candidate and summary.REDUNDANT == SETTINGS.summary_redundant
    assert recluster.AUTO_MAX_ARTICLES == SETTINGS.auto_regroup_max_articles
    assert boilerplate._LEAD_SENTENCE_WORDS == SETTINGS.lead_sentence_words

"""The shipped sample corpus is exactly what the hand annotations describe (no drift)."""

from __future__ import annotations

import sys

from conftest import CORPUS, ROOT

sys.path.insert(0, str(ROOT / "eval"))
import fixtures


def test_sample_corpus_matches_annotations():
    by_name = {name: text for name, _kind, text, _gold in fixtures.cases()}
    for name, rel in fixtures.CORPUS_FILES.items():
        assert (CORPUS / rel).read_text("utf-8") == by_name[name], rel
    assert len(fixtures.cases()) >= 15

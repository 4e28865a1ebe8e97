"""What dossiers compare is embedded at ingest by the static embedder distilled from MiniLM."""

from __future__ import annotations

import sqlite3

import numpy as np

from storyline.analyze import static
from storyline.dossier import StoredEmbed, build_dossier
from storyline.store.repo import SCHEMA_VERSION, Store


def test_a_paraphrase_is_nearer_than_another_fact_of_the_same_story():
    """The alignment's first evidence: the same fact in other words beats shared topic words."""
    a, b, c = static.embed([
        "The harbour board approved the new ferry terminal on Tuesday.",
        "On Tuesday the port authority gave the go-ahead for a new ferry terminal.",
        "Shares in the ferry operator fell 7% after the harbour board meeting.",
    ])  # fmt: skip
    assert np.allclose([np.linalg.norm(v) for v in (a, b, c)], 1.0, atol=1e-5)
    assert float(a @ b) > float(a @ c) + 0.05
    assert not static.embed([""]).any() and static.embed([]).shape == (0, static.dims())


def test_ingest_stores_the_static_vectors_so_that_a_dossier_computes_none(corpus_db):
    with Store(corpus_db, readonly=True) as store:
        widths = {r[0] for r in store.db.execute("SELECT DISTINCT length(vector) FROM sentence_vectors")}
        assert widths == {4 * static.dims()}
        story = max(store.stories(), key=lambda s: len(s.articles))
        embed = StoredEmbed(store)
        build_dossier(store, story.id, embed=embed)
        assert embed.computed == 0


def test_a_store_with_minilm_sentence_vectors_drops_them_on_upgrade_and_its_dossiers_stay_the_same(corpus_db, tmp_path):
    old = tmp_path / "old.db"
    src = sqlite3.connect(corpus_db)
    dst = sqlite3.connect(old)
    src.backup(dst)
    src.close()
    rng = np.random.default_rng(0)
    hashes = [r[0] for r in dst.execute("SELECT hash FROM sentence_vectors")]
    dst.executemany(  # what schema 9 held: MiniLM's 384-wide vectors
        "UPDATE sentence_vectors SET vector = ? WHERE hash = ?",
        [(rng.standard_normal(384).astype(np.float32).tobytes(), h) for h in hashes],
    )
    dst.execute("UPDATE schema_version SET version = 9")
    dst.commit()
    dst.close()
    with Store(old) as store:
        assert store.db.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
        assert store.db.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0] == 0
    with Store(corpus_db, readonly=True) as fresh, Store(old, readonly=True) as upgraded:
        for story in fresh.stories():
            embed = StoredEmbed(upgraded)
            again = build_dossier(upgraded, story.id, embed=embed)
            assert embed.computed > 0  # looked up in memory, not written back
            assert again.claims == build_dossier(fresh, story.id).claims
        assert upgraded.db.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0] == 0

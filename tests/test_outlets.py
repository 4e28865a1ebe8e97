"""Outlets: one name per outlet, the user's word for it, and no corroboration from articles whose
outlet nobody knows (the BBC's background paragraph must not be "corroborated by 6 outlets")."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPUS

from storyline.engine.local import IngestProgress, ingest
from storyline.extract import outlets
from storyline.store.repo import Store

# One event told three times by one outlet, with the background paragraph it repeats in each.
BACKGROUND = (
    "The Kestrel Bridge carries about 40,000 vehicles a day between the two halves of Port Aldwin "
    "and was opened in 1968."
)
BRIEFS = {
    "monday.txt": (
        "Kestrel Bridge closed after crack found in cable anchor\n\n"
        "Port Aldwin closed the Kestrel Bridge on Monday after engineers found a crack in a cable anchor, "
        "the city council said.\n\n" + BACKGROUND + "\n\nDrivers were sent on a diversion through the harbour tunnel."
    ),
    "tuesday.txt": (
        "Kestrel Bridge crack: closure to last three weeks\n\n"
        "The Kestrel Bridge in Port Aldwin will stay closed for three weeks while the cracked cable anchor is "
        "repaired, the city council said on Tuesday.\n\n"
        + BACKGROUND
        + "\n\nShuttle buses will run across the harbour."
    ),
    "wednesday.txt": (
        "Kestrel Bridge repairs begin as ferries take commuters\n\n"
        "Repairs began on Wednesday on the cracked cable anchor that closed Port Aldwin's Kestrel Bridge, "
        "the city council said.\n\n" + BACKGROUND + "\n\nFree ferries carried 6,000 commuters on the first day."
    ),
}


@pytest.fixture
def briefs(tmp_path):
    folder = tmp_path / "bbc"
    folder.mkdir()
    for name, text in BRIEFS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _story(cli, db):
    code, out, _ = cli("stories", "--json", "--db", db)
    assert code == 0
    stories = json.loads(out)
    assert len(stories) == 1, [s["title"] for s in stories]
    return stories[0]


def _compare(cli, db, story):
    code, out, _ = cli("compare", story, "--json", "--db", db)
    assert code == 0
    return json.loads(out)


def _background(d):
    return next(c for c in d["claims"] if "40,000 vehicles" in c["text"])


def test_a_folder_named_as_one_outlet_is_one_outlet(briefs, tmp_path, cli):
    db = tmp_path / "s.db"
    code, _, _ = cli("ingest", briefs, "--outlet", "BBC News", "--db", db, "--quiet")
    assert code == 0
    story = _story(cli, db)
    assert story["outlets"] == ["BBC News"] and story["unknown_outlet_articles"] == 0
    d = _compare(cli, db, story["id"])
    assert d["matrix_outlets"] == ["BBC News"]
    assert _background(d)["status"] == "single-source"  # one outlet repeating itself corroborates nothing
    assert not [c for c in d["claims"] if c["status"] == "corroborated"]


def test_articles_of_unknown_outlet_share_one_column_and_never_corroborate(briefs, tmp_path, cli):
    db = tmp_path / "s.db"
    assert cli("ingest", briefs, "--db", db, "--quiet")[0] == 0
    story = _story(cli, db)
    assert story["outlets"] == [] and story["unknown_outlet_articles"] == 3
    d = _compare(cli, db, story["id"])
    assert d["matrix_outlets"] == ["unknown outlet"] and d["unknown_outlet_articles"] == 3
    row = _background(d)
    assert row["status"] == "single-source" and row["outlets"] == ["unknown outlet"]
    assert len({s["article"] for s in row["sources"]}) == 3  # every sentence still cited
    for fmt, said in (
        ("md", "unknown outlet: 3 articles"),
        ("html", "stands for 3 articles whose outlet is not known"),
    ):
        code, out, _ = cli("dossier", story["id"], "--format", fmt, "--db", db)
        assert code == 0 and said in out, fmt
    code, out, _ = cli("stories", "--db", db)
    assert "0 (+3 unknown)" in out


def test_one_known_outlet_and_an_unknown_one_is_not_corroboration(briefs, tmp_path, cli):
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [str(briefs / "monday.txt")], outlet="BBC News")
        ingest(store, [str(briefs / "tuesday.txt"), str(briefs / "wednesday.txt")])
    story = _story(cli, db)
    d = _compare(cli, db, story["id"])
    assert d["matrix_outlets"] == ["BBC News", "unknown outlet"]
    row = _background(d)
    assert row["outlets"] == ["BBC News", "unknown outlet"] and row["status"] == "single-source"
    assert row["cells"] == {"BBC News": "reports", "unknown outlet": "reports"}


def test_two_named_outlets_do_corroborate(briefs, tmp_path, cli):
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [str(briefs / "monday.txt")], outlet="BBC News")
        ingest(store, [str(briefs / "tuesday.txt")], outlet="Port Aldwin Gazette")
    d = _compare(cli, db, _story(cli, db)["id"])
    assert _background(d)["status"] == "corroborated"


def _jsonl(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


def test_outlet_from_the_host_the_page_and_the_record(tmp_path):
    body = "<html><head><meta property='og:site_name' content='{site}'></head><body><article><p>{text}</p></article></body></html>"
    text = "Port Aldwin closed the Kestrel Bridge on Monday after engineers found a crack in a cable anchor."
    records = [
        {
            "url": "https://www.bbc.co.uk/news/uk-1",
            "title": "One",
            "html": body.format(site="BBC", text=text + " One."),
        },
        {"url": "https://news.bbc.com/2", "title": "Two", "html": body.format(site="BBC Sport", text=text + " Two.")},
        {"url": "https://www.port-aldwin.co.uk/3", "title": "Three", "text": text + " Three."},
        {
            "url": "https://gazette.example/4",
            "title": "Four",
            "html": body.format(site="the Gazette", text=text + " 4."),
        },
        {"url": "https://www.theguardian.com/5", "outlet": "Observer", "title": "Five", "text": text + " Five."},
        {"url": "http://10.0.0.7/6", "title": "Six", "text": text + " Six."},
    ]
    _jsonl(tmp_path / "a.jsonl", records)
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, [str(tmp_path / "a.jsonl")], outlet="Given Name")
        assert not report.problems
        got = {store.article(a).title: store.article(a).outlet for a in report.articles}
    # the record's own outlet, else the user's: --outlet covers every record that names none
    assert got == {t: "Given Name" for t in ("One", "Two", "Three", "Four", "Six")} | {"Five": "Observer"}
    with Store(tmp_path / "t.db") as store:
        report = ingest(store, [str(tmp_path / "a.jsonl")])
        got = {store.article(a).title: store.article(a).outlet for a in report.articles}
    assert got == {
        "One": "BBC News",  # the host table, over the page's "BBC"
        "Two": "BBC News",  # a subdomain of a listed host, over "BBC Sport"
        "Three": "port-aldwin.co.uk",  # nothing names it: the registrable domain
        "Four": "The Gazette",  # an unlisted host: the page's own name (trafilatura capitalises it)
        "Five": "Observer",  # the record's own
        "Six": None,  # an address is not an outlet
    }


def test_a_feed_names_its_entries_unless_their_host_is_known(tmp_path):
    item = (
        "<item><title>{t}</title><link>{link}</link><description>Port Aldwin closed the Kestrel Bridge on Monday "
        "after engineers found a crack in one of its cable anchors, {t}.</description></item>"
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>World news | The Guardian</title>'
        + item.format(t="one", link="https://www.theguardian.com/world/1")
        + item.format(t="two", link="https://syndication.example/2")
        + "</channel></rss>"
    )
    (tmp_path / "f.rss").write_text(feed, encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, [str(tmp_path / "f.rss")])
        got = {store.article(a).title: store.article(a).outlet for a in report.articles}
    assert got == {"one": "The Guardian", "two": "World news | The Guardian"}


@pytest.mark.parametrize("order", ["acronym first", "full name first"])
def test_an_acronym_and_its_full_name_are_one_outlet(tmp_path, order, cli):
    """The demo's wire: "(NWS)" in its text files' datelines, "Northern Wire Service" as its feed's title."""
    wire = tmp_path / "wire"
    shutil.copytree(CORPUS / "nws-wire", wire)
    paths = [str(wire / "kestrel-bridge-closed.txt"), str(wire / "feed.xml")]
    if order == "full name first":
        paths.reverse()
    db = tmp_path / "s.db"
    with Store(db) as store:
        for p in paths:
            ingest(store, [p])
        assert store.outlet_names() == ["Northern Wire Service"]


def test_the_demo_names_each_outlet_once(corpus_db, cli):
    code, out, _ = cli("articles", "--json", "--db", corpus_db)
    assert code == 0
    names = {a["outlet"] for a in json.loads(out)}
    assert "NWS" not in names and "Northern Wire Service" in names


def test_names_that_only_look_alike_stay_apart():
    assert outlets.same_outlet("NWS", "Northern Wire Service")
    assert outlets.same_outlet("the guardian", "The Guardian")
    assert outlets.same_outlet("AP", "The Associated Press")
    assert not outlets.same_outlet("CP", "Coastline Post")  # two letters are too ambiguous
    assert not outlets.same_outlet("The Ledger", "Ledger Weekly")
    assert outlets.registrable_domain("news.example.co.uk") == "example.co.uk"
    assert outlets.registrable_domain("www.example.com") == "example.com"
    assert outlets.canonical(" BBC ") == "BBC News"


def test_a_bad_outlet_name_is_a_one_line_error(briefs, tmp_path, cli):
    code, _, err = cli("ingest", briefs, "--outlet", "  ", "--db", tmp_path / "s.db")
    assert code == 2 and "--outlet" in err and len(err.strip().splitlines()) == 1


def test_progress_counts_finished_work_against_the_total(briefs, tmp_path):
    (briefs / "empty.txt").write_text("", encoding="utf-8")  # skipped: it counts as done, not stored
    seen: list[IngestProgress] = []
    with Store(tmp_path / "s.db") as store:
        ingest(store, [str(briefs)], progress=seen.append, batch_size=2)
    assert {p.total for p in seen} == {4}
    done = [p.done for p in seen]
    assert done == sorted(done) and done[-1] == 4  # never runs ahead of the work, ends at the total
    assert seen[-1].stored == 3 and all(p.stored <= p.done <= p.read for p in seen)
    assert seen[-1].seconds_left == 0


def test_progress_of_a_feed_has_no_total(tmp_path):
    seen: list[IngestProgress] = []
    with Store(tmp_path / "s.db") as store:
        ingest(store, [str(CORPUS / "nws-wire" / "feed.xml")], progress=seen.append)
    assert seen and all(p.total is None and p.seconds_left is None for p in seen)
    assert seen[-1].stored == seen[-1].done > 0

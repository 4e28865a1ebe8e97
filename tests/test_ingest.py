"""Every input format lands as articles; bad input is skipped with a one-line reason."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS

from storyline.engine.local import ingest
from storyline.store.repo import SCHEMA_VERSION, Store

ARTICLE_HTML = """<!doctype html><html><head><title>Dock strike ends after pay deal | Harbour Times</title>
<meta property="og:site_name" content="Harbour Times"><meta name="author" content="Nell Carver">
<meta property="article:published_time" content="2025-05-02T08:00:00+00:00"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Dock strike ends after pay deal</h1>
<p>Dock workers in Port Aldwin voted on Thursday to end a nine-day strike after accepting a 6% pay rise.</p>
<p>The union said 84% of members who voted backed the offer from the port authority.</p>
<p>"It was a long nine days, but we won," said shop steward Ray Quinlan.</p>
<p>Ships that had queued in the estuary began unloading on Friday morning.</p></article>
<footer>© Harbour Times</footer></body></html>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Gazette</title><id>urn:x</id><updated>2025-05-03T10:00:00Z</updated>
<entry><title>New bus route links valley towns</title><id>urn:1</id><link href="https://valley.example/bus-route"/>
<updated>2025-05-03T10:00:00Z</updated><author><name>Ian Moss</name></author>
<content type="html">&lt;p&gt;A new bus route linking Kirkby Dale and Oldmoor will start running on Monday, the county council said.&lt;/p&gt;&lt;p&gt;Buses will run every hour from 7am to 7pm.&lt;/p&gt;</content></entry>
</feed>"""


def _warc(records: list[tuple[str, bytes]], compress: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=compress)
    for url, body in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.db") as s:
        yield s


def _titles(store: Store) -> set[str]:
    return {store.article(i).title for i in store.article_ids()}


def test_each_format_lands(tmp_path, store):
    (tmp_path / "in" / "deep").mkdir(parents=True)
    page = ARTICLE_HTML.encode()
    (tmp_path / "in" / "page.html").write_bytes(page)
    (tmp_path / "in" / "deep" / "page2.html.gz").write_bytes(gzip.compress(page.replace(b"nine-day", b"ten-day")))
    (tmp_path / "in" / "feed.atom").write_text(ATOM)
    (tmp_path / "in" / "crawl.warc.gz").write_bytes(
        _warc([("https://harbour.example/strike", page.replace(b"84%", b"85%"))], compress=True)
    )
    lines = [
        {"url": "https://x.example/1", "title": "Library opens on Sundays", "outlet": "Skerra Gazette",
         "published": "2025-06-27", "text": "Four libraries will open on Sundays from September, the council said."},
        "this line is not JSON",
        {"url": "https://x.example/2", "title": "Pool reopens", "html": "<p>The town pool reopened on Saturday after repairs to its roof.</p>"},
    ]  # fmt: skip
    (tmp_path / "in" / "export.jsonl").write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines))
    report = ingest(store, [str(tmp_path / "in")])
    assert report.ingested == 6
    assert [p.source.endswith("export.jsonl:2") for p in report.problems] == [True]
    assert "not valid JSON" in report.problems[0].reason
    assert _titles(store) >= {
        "Dock strike ends after pay deal",
        "New bus route links valley towns",
        "Library opens on Sundays",
        "Pool reopens",
    }
    html = next(store.article(i) for i in store.article_ids() if store.article(i).source.endswith("page.html"))
    assert html.outlet == "Harbour Times" and html.byline == "Nell Carver" and html.published.startswith("2025-05-02")
    assert html.paragraphs[0].startswith("Dock workers in Port Aldwin voted")
    assert not any("Home" in p or "©" in p for p in html.paragraphs)
    feed = next(
        store.article(i) for i in store.article_ids() if store.article(i).url == "https://valley.example/bus-route"
    )
    assert (feed.outlet, feed.byline, feed.published) == ("Valley Gazette", "Ian Moss", "2025-05-03T10:00+00:00")
    warc = next(
        store.article(i) for i in store.article_ids() if store.article(i).url == "https://harbour.example/strike"
    )
    assert "85%" in warc.text


def test_bad_inputs_get_one_line_reasons_and_good_ones_still_land(tmp_path, store):
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (d / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (d / "notafeed.rss").write_text("<html><body>hello</body></html>")
    (d / "broken.warc.gz").write_bytes(_warc([("https://a.example/x", ARTICLE_HTML.encode())], compress=True)[:200])
    (d / "latin1.txt").write_bytes(
        "Café owners protest\n\nCafé owners in Skerra protested on Monday against a new tax on outdoor tables, saying it would cost them €900 a year.\n".encode(
            "cp1252"
        )
    )
    report = ingest(store, [str(d), str(tmp_path / "missing.txt")], max_bytes=10_000_000)
    reasons = {Path(p.source).name: p.reason for p in report.problems}
    assert reasons["empty.txt"] == "empty file"
    assert "PNG" in reasons["photo.txt"]
    assert "PDF" in reasons["report.pdf"]
    assert "not an RSS/Atom feed" in reasons["notafeed.rss"]
    assert "WARC" in reasons["broken.warc.gz"]
    assert reasons["missing.txt"] == "no such file or folder"
    assert all("\n" not in r for r in reasons.values())
    assert report.ingested == 1
    art = store.article(store.article_ids()[0])
    assert "€900" in art.text and art.title == "Café owners protest"


def test_size_limit(tmp_path, store):
    big = tmp_path / "big.txt"
    big.write_text("Headline here\n\n" + "A sentence of filler text. " * 2000)
    report = ingest(store, [str(big)], max_bytes=10_000)
    assert report.ingested == 0 and "too large" in report.problems[0].reason


def test_reingest_is_a_no_op_and_new_url_version_is_a_version(tmp_path, store):
    first = ingest(store, [str(CORPUS / "nws-wire")])
    counts = store.counts()
    again = ingest(store, [str(CORPUS / "nws-wire")])
    assert again.ingested == 0 and again.unchanged == first.ingested
    assert store.counts() == counts
    rec = {
        "url": "https://x.example/a",
        "title": "Tram line approved",
        "text": "The city approved a new tram line on Monday.",
    }
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(rec))
    ingest(store, [str(path)])
    rec["text"] = "The city approved a new tram line on Monday after a four-hour debate."
    path.write_text(json.dumps(rec))
    report = ingest(store, [str(path)])
    assert report.new_versions == 1 and report.ingested == 0
    ids = [i for i in store.article_ids() if store.article(i).url == "https://x.example/a"]
    assert len(ids) == 1
    assert "four-hour debate" in store.article(ids[0]).text
    assert store.article_extra(ids[0]).version == 2
    assert store.db.execute("SELECT count(*) FROM article_versions WHERE article_id=?", ids).fetchone()[0] == 2


def test_stdin_and_glob(tmp_path):
    db = tmp_path / "s.db"
    text = (CORPUS / "nws-wire" / "solvane-recall.txt").read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "storyline.cli", "ingest", "-", str(CORPUS / "daily-courier" / "*.txt"), "--db", str(db), "--json"],
        input=text, capture_output=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert report["ingested"] == 3 and report["skipped"] == []
    con = sqlite3.connect(db)
    assert {r[0] for r in con.execute("SELECT source FROM articles")} >= {"<stdin>"}


def test_a_large_json_lines_file_is_read_a_line_at_a_time(tmp_path, store):
    """A corpus file bigger than the size limit still lands; only the oversized record is refused."""
    from storyline.ingest.paths import STREAM_FROM

    lines = [
        json.dumps({"url": f"https://valley.example/{i}", "title": t, "outlet": "Valley Gazette",
                    "published": "2025-05-03", "text": body})
        for i, (t, body) in enumerate([
            ("Ferry fares frozen", "Ferry fares to the islands will stay at last year's level, the operator said."),
            ("New library opens", "Oldmoor's new library opened on Saturday with 40,000 books on its shelves."),
        ])
    ]  # fmt: skip
    huge = json.dumps({"url": "https://valley.example/huge", "title": "Huge", "text": "word " * (STREAM_FROM // 5)})
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join([lines[0], huge, lines[1]]) + "\n", encoding="utf-8")
    assert path.stat().st_size > STREAM_FROM
    report = ingest(store, [str(path)], max_bytes=STREAM_FROM // 2)
    assert report.ingested == 2
    assert [(p.source, p.reason.split(" (")[0]) for p in report.problems] == [(f"{path}:2", "line too large")]
    assert {store.article(i).title for i in store.article_ids()} == {"Ferry fares frozen", "New library opens"}


def test_a_store_from_before_schema_4_is_upgraded_and_search_follows_new_versions(tmp_path):
    """Search rows moved to the articles' rowids in schema 4; an older store is upgraded in place."""
    db = tmp_path / "old.db"

    def version(text: str) -> Path:
        path = tmp_path / "in.jsonl"
        rec = {"url": "https://harbour.example/cranes", "title": "Harbour works", "outlet": "Harbour Times",
               "published": "2025-05-02", "text": text}  # fmt: skip
        path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
        return path

    with Store(db) as store:
        ingest(store, [str(version("Two new cranes arrived at Port Aldwin on Friday, the harbour board said."))])
        article = store.article_ids()[0]
    with sqlite3.connect(db) as con:  # what a schema-3 store looks like: search rows on their own rowids
        con.executescript("""
            UPDATE schema_version SET version = 3; DROP INDEX articles_copy_of; DROP INDEX story_links_b;
            DELETE FROM articles_fts;
            INSERT INTO articles_fts (rowid, id, title, text) SELECT rowid + 100, id, title, text FROM articles;
        """)  # fmt: skip
    with Store(db) as store:
        assert store.search("cranes") == [article]
        report = ingest(store, [str(version("The ferry timetable for the summer was published on Friday."))])
        assert report.new_versions == 1
        assert store.search("timetable") == [article]
        assert store.search("cranes") == []
        assert store.db.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION

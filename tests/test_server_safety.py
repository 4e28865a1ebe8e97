"""`storyline serve` as an attacker would try it, against a real server on loopback.

Second loopback servers play the attacker's site and an internal service; the store is a real file
and is checked with `integrity_check` after every probe.
"""

from __future__ import annotations

import http.server
import io
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import CORPUS, running_server, wait_for_job, write_headers

from storyline.engine.local import ingest
from storyline.ingest.fetch import FetchError, address_allowed, fetch
from storyline.store.repo import Store

BODY = "The harbour board approved a new ferry terminal for the east quay on Tuesday, ending a two-year dispute."


@contextmanager
def loopback_http(handler: type[http.server.BaseHTTPRequestHandler], host: str = "127.0.0.1") -> Iterator[int]:
    httpd = http.server.ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield httpd.server_port
    finally:
        httpd.shutdown()
        httpd.server_close()


class Internal(http.server.BaseHTTPRequestHandler):
    """An internal service on this machine that must never be fetched."""

    def do_GET(self) -> None:
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/secret")
            self.end_headers()
            return
        if self.path.startswith("/trickle"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(30):
                    self.wfile.write(b"<p>")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            return
        if self.path.startswith("/huge"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body>" + b"<p>ferry</p>" * 700_000)
            return
        page = f"<html><head><title>Internal admin secret</title></head><body><article><p>SECRET-TOKEN-42 {BODY}</p></article></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(page.encode())

    def log_message(self, *args: object) -> None:
        pass


def _articles(db: Path) -> int:
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return c.execute("SELECT count(*) FROM articles").fetchone()[0]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("safety") / "s.db"
    with Store(db) as store:
        ingest(store, [str(CORPUS / "nws-wire")])
    with running_server(db) as (base, proc):
        yield base, db, proc


def test_other_host_names_are_refused(served):
    base, _db, _proc = served
    port = base.rsplit(":", 1)[1]
    assert httpx.get(base + "/api/stories", headers={"Host": "attacker.example"}).status_code == 421
    assert httpx.get(base + "/", headers={"Host": f"rebind.attacker.example:{port}"}).status_code == 421
    assert httpx.get(base + "/api/stories", headers={"Host": f"localhost:{port}"}).status_code == 200
    assert httpx.get(base + "/api/stories").status_code == 200


def test_writes_from_another_origin_or_without_the_token_are_refused(served):
    base, db, _proc = served
    before = _articles(db)
    form = {"text": "Fabricated story\n\n" + BODY}
    token = write_headers(base)
    for headers in (
        {},  # no token: a plain cross-site form post carries none
        {"X-Storyline-Token": "guess"},
        {**token, "Origin": "http://127.0.0.1:9"},  # another origin, even with the token
        {**token, "Sec-Fetch-Site": "same-site"},
        {**token, "Sec-Fetch-Site": "cross-site"},
        {**token, "Origin": "null"},
    ):
        for path in ("/api/ingest", "/ingest"):
            r = httpx.post(base + path, data=form, headers=headers)
            assert r.status_code == 403, (path, headers, r.text)
    assert _articles(db) == before
    r = httpx.post(base + "/api/ingest", data=form, headers={**token, "Origin": base, "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 202
    assert wait_for_job(base, r.json())["status"] == "done"
    assert _articles(db) == before + 1


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "[::1]", "0.0.0.0", "0", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "[::ffff:127.0.0.1]"],
)
def test_urls_into_this_machine_are_refused(served, host):
    base, db, _proc = served
    before = _articles(db)
    with loopback_http(Internal) as port:
        url = f"http://{host}:{port}/secret"
        r = httpx.post(base + "/api/ingest", data={"url": url}, headers=write_headers(base))
        job = wait_for_job(base, r.json())
    assert job["status"] == "done" and job["rejected"], job
    assert "loopback, private or reserved" in job["rejected"][0] or "cannot resolve" in job["rejected"][0]
    assert _articles(db) == before
    assert "SECRET-TOKEN-42" not in httpx.get(base + "/api/stories", params={"q": "SECRET"}).text


def test_each_redirect_hop_is_checked_and_a_fetch_has_one_deadline_and_size_limit():
    public = {"127.0.0.2"}  # stands in for a public address; 127.0.0.1 stays internal
    with loopback_http(Internal, host="127.0.0.2") as port:
        ok = fetch(f"http://127.0.0.2:{port}/page", max_bytes=1_000_000, allowed=public.__contains__)
        assert b"SECRET-TOKEN-42" in ok.data and ok.url.endswith("/page")
        with pytest.raises(FetchError, match=r"127\.0\.0\.1"):
            fetch(f"http://127.0.0.2:{port}/redirect", max_bytes=1_000_000, allowed=public.__contains__)
        started = time.monotonic()
        with pytest.raises(FetchError, match="longer than 3 s"):
            fetch(f"http://127.0.0.2:{port}/trickle", max_bytes=1_000_000, allowed=public.__contains__, deadline_s=3)
        assert time.monotonic() - started < 10
        with pytest.raises(FetchError, match="larger than"):
            fetch(f"http://127.0.0.2:{port}/huge", max_bytes=1_000_000, allowed=public.__contains__)
    assert not address_allowed("10.1.2.3") and not address_allowed("169.254.169.254") and not address_allowed("::1")
    assert not address_allowed("::ffff:192.168.0.1") and not address_allowed("224.0.0.1")
    assert address_allowed("93.184.216.34") and address_allowed("10.1.2.3", allow_private=True)


def test_fetched_article_keeps_its_url(tmp_path):
    db = tmp_path / "f.db"
    with Store(db) as store:
        ingest(store, [str(CORPUS / "nws-wire")])
    with running_server(db, "--allow-private-urls") as (base, _proc), loopback_http(Internal) as port:
        url = f"http://127.0.0.1:{port}/story.html"
        job = wait_for_job(
            base, httpx.post(base + "/api/ingest", data={"url": url}, headers=write_headers(base)).json()
        )
        assert job["status"] == "done" and "1 ingested" in job["summary"], job
        with Store(db, readonly=True) as s:
            arts = [s.article(i) for i in s.article_ids()]
        fetched = [a for a in arts if a and a.title == "Internal admin secret"]
        assert fetched and fetched[0].url == url and fetched[0].source == url


def _bomb(size: int) -> bytes:
    """A .warc.gz of a few hundred KB whose one HTML record unpacks to `size` bytes."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    class Zeros(io.RawIOBase):
        def __init__(self) -> None:
            self.left = size

        def readable(self) -> bool:
            return True

        def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
            k = min(len(b), self.left)
            b[:k] = b"a" * k
            self.left -= k
            return k

    out = io.BytesIO()
    w = WARCWriter(out, gzip=True)
    hdr = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    w.write_record(
        w.create_warc_record("https://example.org/bomb", "response", payload=io.BufferedReader(Zeros()), length=size, http_headers=hdr)
    )  # fmt: skip
    return out.getvalue()


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_a_decompression_bomb_and_poison_records_are_skipped_one_line_each(served):
    base, db, proc = served
    before = _articles(db)
    bomb = _bomb(1_000_000_000)
    assert len(bomb) < 5_000_000  # within the upload limit
    deep = (
        json.dumps({"url": "https://example.org/deep", "title": "x", "text": "y", "z": 0})[:-1]
        + ', "n": '
        + "[" * 1200
        + "]" * 1200
        + "}"
    )
    poison = "\n".join([
        deep,
        '{"url": "https://example.org/sur", "title": "Lone \\ud800 surrogate", "text": "' + BODY + ' \\ud800"}',
        json.dumps({"url": "https://example.org/fine", "title": "A ferry timetable changes", "text": "The Skerra ferry will run an extra evening sailing from June, the operator said on Tuesday."}),
    ])  # fmt: skip
    rss = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour Radio</title>"
        "<item><title>Bad &#xd800; item</title><link>https://example.org/rss-bad</link><description>"
        "Ferry fares will rise by 5% in May &#xd800; the operator said on Monday after a review.</description></item>"
        "</channel></rss>"
    )
    files = [
        ("files", ("bomb.warc.gz", bomb, "application/gzip")),
        ("files", ("poison.jsonl", poison.encode(), "application/json")),
        ("files", ("poison.rss", rss.encode(), "application/rss+xml")),
    ]
    job = wait_for_job(
        base, httpx.post(base + "/api/ingest", files=files, headers=write_headers(base), timeout=60).json()
    )
    assert job["status"] == "done", job
    problems = "\n".join(job["problems"])
    assert "bomb.warc.gz#1: WARC record unpacks to more than" in problems
    assert "poison.jsonl:1: JSON nested too deeply" in problems
    assert "3 ingested" in job["summary"], job  # the surrogate record, the fine one, the feed item
    assert _articles(db) == before + 3
    assert _peak_rss_mb(proc.pid) < 1500
    with Store(db, readonly=True) as s:
        titles = {a.title for a in (s.article(i) for i in s.article_ids()) if a}
    assert "Lone \ufffd surrogate" in titles  # the lone surrogate replaced, the record kept


def test_too_many_jobs_at_once_are_refused_and_odd_ids_are_not_found(tmp_path):
    db = tmp_path / "j.db"
    with Store(db) as store:
        ingest(store, [str(CORPUS / "nws-wire")])
    with running_server(db, "--allow-private-urls") as (base, _proc), loopback_http(Internal) as port:
        h = write_headers(base)
        slow = {"url": f"http://127.0.0.1:{port}/trickle"}
        first = [httpx.post(base + "/api/ingest", data=slow, headers=h) for _ in range(2)]
        assert [r.status_code for r in first] == [202, 202]
        third = httpx.post(base + "/api/ingest", data=slow, headers=h)
        assert third.status_code == 429 and "running already" in third.text
        for r in first:
            assert wait_for_job(base, r.json())["status"] == "done"
        assert (
            httpx.post(base + "/api/ingest", data={"text": "Ferry fares rise\n\n" + BODY}, headers=h).status_code == 202
        )
        assert httpx.get(base + "/api/stories/99999999999999999999999").status_code in (404, 422)
        assert httpx.get(base + "/stories/99999999999999999999").status_code in (404, 422)


def test_links_out_of_an_ingested_folder_are_not_followed(tmp_path, cli):
    folder, outside = tmp_path / "in", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("Private notes on the budget\n\n" + BODY + "\n")
    (folder / "story.txt").write_text("Ferry terminal approved\n\n" + BODY.replace("east", "west") + "\n")
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    db = tmp_path / "l.db"
    code, _out, err = cli("ingest", folder, "--db", db)
    assert code == 0 and "link.txt: a link to a file outside the folder (see --follow-symlinks)" in err
    assert _articles(db) == 1
    code, _out, err = cli("ingest", folder, "--db", db, "--follow-symlinks")
    assert code == 0 and _articles(db) == 2

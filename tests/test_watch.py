"""`storyline watch` against a real news site on loopback whose feed grows between polls.

The site (a `http.server` in a thread) answers conditional requests as a real one does (ETag,
Last-Modified, 304) and can be told to fail (500) or to trickle; the store is a real file. Loopback
is a private address, so every watch here opts in, as a user would, with --allow-private-urls.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storyline.engine.watch import HostSpacing, Watcher, backoff_s, due_at, parse_every, source_of
from storyline.store.repo import Store
from storyline.store.watch import WatchState

STORYLINE = str(Path(sys.executable).with_name("storyline"))

# Four short news items, each its own event, as a local paper's feed would carry them.
ENTRIES = {
    "ferry-terminal": (
        "Harbour board approves east quay ferry terminal",
        "The Brennock harbour board approved a new ferry terminal for the east quay on Tuesday, ending a "
        "two-year dispute with residents over traffic. Work will start in March and cost 14 million pounds, "
        "the board's chair, Moira Lyle, said.",
    ),
    "evening-sailing": (
        "Skerra ferry adds an evening sailing from June",
        "The Skerra island ferry will run an extra evening sailing from the first of June, its operator said "
        "on Wednesday. Islanders had asked for a later boat for three summers, and the council agreed to pay "
        "for the crew.",
    ),
    "lighthouse": (
        "Kell Point lighthouse to be restored by volunteers",
        "Volunteers will restore the Kell Point lighthouse over the next two summers after the trust that "
        "owns it won a heritage grant of 400,000 pounds. The lamp room has been shut since storms broke its "
        "windows in 2019.",
    ),
    "dock-strike": (
        "Dock workers at Port Anvar vote to strike over shifts",
        "Dock workers at Port Anvar voted on Thursday to strike for two days next month over a new shift "
        "pattern, their union said. The port's owner said it would keep the container terminal open with "
        "managers.",
    ),
}
EDITED = (
    ENTRIES["ferry-terminal"][0],
    ENTRIES["ferry-terminal"][1].replace("two-year dispute", "three-year dispute")
    + " Residents said on Wednesday that they would appeal the decision in the courts.",
)


class Site:
    """A news site: /feed.xml holds `entries` (an RSS feed with the validators of its content), and
    any other path can be told to answer 500 (`broken`), to trickle (`slow`) or to be a page (`pages`)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str]] = {}
        self.broken: set[str] = set()
        self.slow: set[str] = set()
        self.pages: dict[str, tuple[str, str]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}  # path -> (body, Content-Type)
        self.ignore_validators = False
        self.requests: list[tuple[str, dict[str, str], float]] = []  # (path, headers, time) of every request
        self.asked = threading.Condition()
        self._changed = time.time()
        self.base = ""

    def set_entries(self, entries: dict[str, tuple[str, str]]) -> None:
        self.entries = dict(entries)
        self._changed += 60  # Last-Modified moves on by a minute

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{title}</title><link>{self.base}/news/{slug}</link>"
            f"<pubDate>Tue, 11 Mar 2025 09:00:00 GMT</pubDate><description>&lt;p&gt;{text}&lt;/p&gt;</description></item>"
            for slug, (title, text) in self.entries.items()
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Brennock Harbour News</title>"
            f"<link>{self.base}/</link>{items}</channel></rss>"
        ).encode()

    def seen(self, path: str) -> list[dict[str, str]]:
        return [h for p, h, _t in self.requests if p == path]

    def when(self, path: str) -> list[float]:
        return [t for p, _h, t in self.requests if p == path]

    def wait_for(self, path: str, times: int = 1, timeout: float = 60) -> None:
        with self.asked:
            assert self.asked.wait_for(lambda: len(self.seen(path)) >= times, timeout), (path, self.requests)

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with site.asked:
                    site.requests.append((self.path, dict(self.headers.items()), time.monotonic()))
                    site.asked.notify_all()
                if self.path in site.broken:
                    self.send_error(500)
                elif self.path in site.slow:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    try:
                        for _ in range(120):
                            self.wfile.write(b"<p>")
                            self.wfile.flush()
                            time.sleep(0.25)
                    except OSError:
                        pass
                elif self.path in site.pages:
                    title, text = site.pages[self.path]
                    self._send(f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                               f"<p>{text}</p></article></body></html>".encode(), "text/html")  # fmt: skip
                elif self.path in site.files:
                    self._send(*site.files[self.path])
                elif self.path == "/feed.xml":
                    self._send(site.feed(), "application/rss+xml", conditional=True)
                else:
                    self.send_error(404)

            def _send(self, body: bytes, ctype: str, conditional: bool = False) -> None:
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                modified = email.utils.formatdate(site._changed, usegmt=True)
                if conditional and not site.ignore_validators:
                    match = self.headers.get("If-None-Match")
                    if match == etag or (match is None and self.headers.get("If-Modified-Since") == modified):
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if conditional:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", modified)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    httpd.daemon_threads = True
    site.base = f"http://127.0.0.1:{httpd.server_port}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()


def stored(db: Path) -> dict[str, int]:
    """Each stored article's URL (or source) with its number of versions."""
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(c.execute("SELECT coalesce(url, source), version FROM articles").fetchall())


def watcher(store: Store, *sources: str, **kw: object) -> Watcher:
    kw = {"allow_private": True, "host_spacing_s": 0.0, **kw}
    return Watcher(store, [source_of(s) for s in sources], **kw)  # type: ignore[arg-type]


def some(*slugs: str) -> dict[str, tuple[str, str]]:
    return {s: ENTRIES[s] for s in slugs}


# -- the pure parts --------------------------------------------------------------------------------


def test_intervals_spacing_and_backoff():
    assert [parse_every(t) for t in ("15m", "90s", "2h", "1h30m", "45", "1d")] == [900, 90, 7200, 5400, 45, 86400]
    for bad in ("soon", "15 minutes", "-5m", "m", ""):
        with pytest.raises(ValueError, match="not a duration"):
            parse_every(bad)
    with pytest.raises(ValueError, match="too often"):
        parse_every("5s")
    # a failing source waits the interval, then twice, four times ... up to the ceiling
    assert [backoff_s(n, 900, 3600) for n in (1, 2, 3, 4, 10)] == [900, 1800, 3600, 3600, 3600]
    assert backoff_s(3, 7200, 3600) == 7200  # never asked more often than a healthy source
    spacing = HostSpacing(5)
    assert spacing.wait_s("News.Example", 100) == 0
    spacing.note("news.example", 100)
    assert spacing.wait_s("NEWS.example", 102) == 3 and spacing.wait_s("other.example", 102) == 0
    ok = WatchState("u", checked_at="2025-03-11T09:00:00.000+00:00")
    assert due_at(ok, 900).isoformat() == "2025-03-11T09:15:00+00:00"
    failing = WatchState("u", checked_at=ok.checked_at, failures=2, next_at="2025-03-11T09:30:00.000+00:00")
    assert due_at(failing, 900).isoformat() == "2025-03-11T09:30:00+00:00"


def test_bad_sources_and_intervals_are_usage_errors(cli, tmp_path):
    for args, said in (
        (("ftp://example.org/feed",), "only http(s) URLs, files and folders"),
        ((str(tmp_path / "nowhere"),), "no such file or folder"),
        (("-",), "cannot be watched"),
    ):
        code, _out, err = cli("watch", *args, "--db", tmp_path / "w.db", "--once")
        assert code == 2 and said in err, err
    with pytest.raises(SystemExit) as e:
        cli("watch", "https://example.org/feed", "--every", "soon")
    assert e.value.code == 2


# -- polling a real site ---------------------------------------------------------------------------


def test_a_growing_feed_gives_each_entry_once_edits_become_versions_and_a_restart_repeats_nothing(tmp_path, cli):
    db = tmp_path / "w.db"
    with serving(Site()) as site:
        feed = site.base + "/feed.xml"
        with Store(db) as store:
            site.set_entries(some("ferry-terminal", "evening-sailing"))
            w = watcher(store, feed)
            assert w.poll().ingest.ingested == 2
            site.set_entries(some("ferry-terminal", "evening-sailing", "lighthouse"))
            grew = w.poll().ingest
            assert (grew.ingested, grew.unchanged, grew.new_versions) == (1, 2, 0)
            site.set_entries({**some("evening-sailing", "lighthouse"), "ferry-terminal": EDITED})
            edited = w.poll().ingest
            assert (edited.ingested, edited.new_versions) == (0, 1)
            # nothing new: the validators of the last answer go back, the site answers 304, nothing is read
            quiet = w.poll()
            assert quiet.not_modified == 1 and quiet.ingest is None
            last = site.seen("/feed.xml")[-1]
            assert last["If-None-Match"].startswith('"') and last["If-Modified-Since"].endswith("GMT")
        urls = {
            f"{site.base}/news/{s}": v for s, v in (("ferry-terminal", 2), ("evening-sailing", 1), ("lighthouse", 1))
        }
        assert stored(db) == urls

        # a restart: a new run on the same store sends the stored validators and stores nothing twice
        code, _out, err = cli("watch", feed, "--once", "--allow-private-urls", "--db", db)
        assert code == 0 and "checked 1 source (1 not modified): nothing new" in err, err
        assert site.seen("/feed.xml")[-1]["If-None-Match"] == last["If-None-Match"]
        site.set_entries({**some("evening-sailing", "lighthouse", "dock-strike"), "ferry-terminal": EDITED})
        code, _out, err = cli("watch", feed, "--once", "--allow-private-urls", "--db", db)
        assert code == 0 and "1 ingested, 3 already stored" in err, err
        site.ignore_validators = True  # a server that always answers in full: ingest's content hash still holds
        code, _out, err = cli("watch", feed, "--once", "--allow-private-urls", "--db", db)
        assert code == 0 and "0 ingested, 4 already stored" in err, err
        assert stored(db) == {**urls, f"{site.base}/news/dock-strike": 1}


def test_a_failing_source_is_reported_and_retried_while_the_others_go_on(tmp_path, cli):
    db = tmp_path / "w.db"
    site = Site()
    site.broken.update({"/broken", "/down"})
    site.slow.add("/slow")
    site.files["/report.pdf"] = (b"%PDF-1.7\n" + bytes(range(256)) * 8, "application/pdf")
    site.files["/empty.xml"] = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Quiet</title></channel></rss>",
                                "application/rss+xml")  # fmt: skip
    with serving(site):
        feed, broken, slow, down, pdf, empty = (
            site.base + p for p in ("/feed.xml", "/broken", "/slow", "/down", "/report.pdf", "/empty.xml")
        )
        with Store(db) as store:
            site.set_entries(some("lighthouse"))
            w = watcher(store, broken, slow, pdf, empty, feed, every_s=60, deadline_s=1)
            first = w.poll()
            assert site.when("/report.pdf")[0] - site.when("/slow")[0] < 3  # the trickling page was cut at 1 s
            assert first.ingest.ingested == 1 and first.checked == 5 and not first.ingest.problems
            assert {(f.source, f.reason, f.retry_in_s) for f in first.failures} == {
                (broken, "the server answered 500 Internal Server Error", 60),
                (slow, "took longer than 1 s", 60),
                (pdf, "not a text article: a PDF document", 60),
            }  # and a feed with no entries yet is not a failure
            assert store.watch_state(broken).failures == 1
            second = w.poll([source_of(broken)])  # still down: the wait doubles
            assert [f.retry_in_s for f in second.failures] == [120]
            site.broken.discard("/broken")
            site.pages["/broken"] = ENTRIES["dock-strike"]  # back, as a page
            third = w.poll([source_of(broken)])
            assert not third.failures and third.ingest.ingested == 1
            assert store.watch_state(broken).failures == 0
        assert set(stored(db)) == {site.base + "/news/lighthouse", broken}

        # on the command line: one line per failing source, the others go on, exit 0 unless all failed
        code, _out, err = cli("watch", down, feed, "--once", "--allow-private-urls", "--db", db)
        assert code == 0, err
        assert f"storyline: {down}: the server answered 500 Internal Server Error (retrying in 900 s)" in err
        code, _out, err = cli("watch", down, "--once", "--allow-private-urls", "--db", db)
        assert code == 1 and "(retrying in 1800 s)" in err, err
        # loopback is private: without the opt-in, the server's address rules refuse it before connecting
        asked = len(site.requests)
        code, _out, err = cli("watch", feed, "--once", "--db", db)
        assert code == 1 and "a loopback, private or reserved address" in err and len(site.requests) == asked, err


def test_a_folder_is_read_again_only_when_something_in_it_changes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for slug in ("ferry-terminal", "evening-sailing"):
        title, text = ENTRIES[slug]
        (folder / f"{slug}.txt").write_text(f"{title}\n\n{text}\n")
    with Store(tmp_path / "w.db") as store:
        w = watcher(store, str(folder), settle_s=0)
        assert w.poll().ingest.ingested == 2
        assert w.poll().ingest is None  # nothing newer: not read at all
        title, text = ENTRIES["lighthouse"]
        (tmp_path / "lighthouse.txt").write_text(f"{title}\n\n{text}\n")
        os.utime(tmp_path / "lighthouse.txt", (1e9, 1e9))  # written long ago, then moved in
        os.replace(tmp_path / "lighthouse.txt", folder / "lighthouse.txt")
        moved = w.poll().ingest
        assert (moved.ingested, moved.unchanged) == (1, 2)
        assert store.article_count() == 3


def test_the_loop_picks_up_each_new_entry_once_and_stops_at_once(tmp_path):
    """Polls on an interval: a feed that grows while it waits has each new entry stored once."""
    db = tmp_path / "w.db"
    done: dict[str, object] = {}
    with serving(Site()) as site:
        site.set_entries(some("ferry-terminal"))
        w: list[Watcher] = []

        def run() -> None:
            with Store(db) as store:  # the store belongs to the thread that runs the watch
                w.append(watcher(store, site.base + "/feed.xml", every_s=0.3))
                done["summary"] = w[0].run()

        thread = threading.Thread(target=run)
        thread.start()
        site.wait_for("/feed.xml", 2)
        for grown in (
            some("ferry-terminal", "evening-sailing"),
            some("ferry-terminal", "evening-sailing", "lighthouse"),
        ):
            site.set_entries(grown)
            site.wait_for("/feed.xml", len(site.seen("/feed.xml")) + 3)  # the new feed fetched and ingested
        stopped = time.monotonic()
        w[0].stop()
        thread.join(10)
        assert not thread.is_alive() and time.monotonic() - stopped < 3
    summary = done["summary"]
    assert summary.ingested == 3 and summary.stopped and summary.polls >= 6  # type: ignore[attr-defined]
    assert sorted(stored(db).values()) == [1, 1, 1]
    assert all("If-None-Match" in h for h in site.seen("/feed.xml")[1:])  # conditional after the first


def test_sigterm_stops_cleanly_with_everything_fetched_stored_and_a_restart_resumes(tmp_path):
    """`storyline watch` as a process: SIGTERM during a slow fetch stores the feed fetched before it
    (exit 0); the next run fetches the page that was cut off, leaves the feed checked a moment ago
    for its turn, and a SIGTERM while it sleeps ends it at once."""
    db = tmp_path / "w.db"
    site = Site()
    site.slow.add("/page")
    with serving(site):
        site.set_entries(some("ferry-terminal", "evening-sailing"))
        args = [STORYLINE, "watch", site.base + "/feed.xml", site.base + "/page", "--every", "1h",
                "--allow-private-urls", "--db", str(db)]  # fmt: skip
        proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
        site.wait_for("/page")
        assert site.when("/page")[0] - site.when("/feed.xml")[0] >= 4.9  # one host: requests spaced
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "checked 1 source (stopped before the rest): 2 ingested" in err, err
        assert "stopped; watched 2 sources, 1 poll: 2 ingested" in err, err
        assert sorted(stored(db)) == [site.base + "/news/evening-sailing", site.base + "/news/ferry-terminal"]

        site.slow.clear()
        site.pages["/page"] = ENTRIES["dock-strike"]
        proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        lines = []
        for line in proc.stderr:  # up to the first poll's line: then it sleeps for an hour
            lines.append(line)
            if "checked " in line or len(lines) > 20:
                break
        stopped = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _out, rest = proc.communicate(timeout=30)
        assert proc.returncode == 0 and time.monotonic() - stopped < 5, lines
        assert "checked 1 source: 1 ingested" in lines[-1], lines
        assert "stopped; watched 2 sources, 1 poll: 1 ingested" in rest, rest
    assert len(site.seen("/feed.xml")) == 1 and len(site.seen("/page")) == 2
    assert len(stored(db)) == 3 and set(stored(db).values()) == {1}


def test_what_changed_after_a_poll_is_exactly_the_new_facts_and_quotes(tmp_path, cli):
    """The issue's promise end to end: the feed grows by a second report of one event; the dossier's
    What changed lists that report's facts and quotes, citing it, and none of the first's; a restart adds nothing."""
    import json

    second = (
        "Brennock east quay terminal: residents to seek review",
        "The Brennock harbour board approved a new ferry terminal for the east quay on Tuesday, ending a two-year "
        "dispute with residents. Residents will ask the High Court for a judicial review of the decision, their "
        "group said on Wednesday. “We were never shown the traffic figures,” said Sam Orrin, who leads the "
        "Brennock Quay Residents' Association.",
    )
    db = tmp_path / "w.db"
    with serving(Site()) as site:
        feed = site.base + "/feed.xml"
        site.set_entries(some("ferry-terminal"))
        assert cli("watch", feed, "--once", "--allow-private-urls", "--db", db)[0] == 0
        site.set_entries({**some("ferry-terminal"), "quay-review": second})
        assert cli("watch", feed, "--once", "--allow-private-urls", "--db", db)[0] == 0
        out = cli("stories", "--json", "--db", db)[1]
        (story,) = json.loads(out)
        new_id = next(a["id"] for a in story["articles"] if a["source"].endswith("/news/quay-review"))
        changes = json.loads(cli("dossier", story["id"], "--format", "json", "--db", db)[1])["changes"]
        kinds = [c["kind"] for c in changes]
        assert kinds.count("new article") == 1 and "new quote" in kinds and "new speaker" in kinds
        assert all(x["article"] == new_id for c in changes for x in c["citations"]), changes
        said = " ".join(c["what"] for c in changes)
        assert "judicial review" in said and "never shown the traffic figures" in said and "Sam Orrin" in said
        assert "14 million pounds" not in said and "Work will start in March" not in said  # the first report's
        assert cli("watch", feed, "--once", "--allow-private-urls", "--db", db)[0] == 0  # a restart: nothing new
        log = json.loads(cli("changes", "--json", "--db", db)[1])
        assert len([c for c in log if c["at"] == changes[0]["at"]]) == len(changes)
        assert len({c["at"] for c in log}) == 2  # two runs stored something; the third, nothing

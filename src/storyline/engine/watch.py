"""`storyline watch`: poll feeds, pages, files and folders on an interval; what is new goes through ingest.

Each poll checks the sources that are due, one after another:

- a URL is fetched by `ingest.fetch.fetch`, under the address rules, deadline and size limit of the
  server's URL ingest, as a conditional request carrying the validators (ETag, Last-Modified) of
  the last answer stored, so that an unchanged feed costs a 304; two requests to one host are
  `settings.watch_host_spacing_s` apart;
- a file or folder is rescanned: when nothing in it changed since the last poll (`newest_mtime`),
  it is not read at all; otherwise it is ingested again, and ingest's content-hash skip keeps what
  is stored already from being analysed twice.

What one poll found goes through one `engine.local.ingest` call, the normal ingest: an entry seen
before is "already stored", an edited one (same URL, new text) becomes a new version. Only after
that are the sources' new validators saved, so a run stopped in between checks them again and
ingest skips what it stored: a restart neither loses nor repeats anything. A source that fails
(DNS, an HTTP error, the deadline, the size limit, not a feed) is reported and tried again after a
wait that starts at the interval and doubles with each failure in a row, up to
`settings.watch_max_backoff_s`; the others go on.

Stopping: `stop()`, or `on_signal` installed as the SIGINT/SIGTERM handler, ends the run after the
current step. A sleep ends at once; a fetch in flight when a signal comes is abandoned (nothing of it
was stored or remembered, so the next run fetches it again); what was fetched before it is
ingested, and `run` returns. A second signal interrupts the ingest too (KeyboardInterrupt; every
batch is a transaction, so the store keeps whole batches).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from storyline.engine.local import IngestReport, ingest
from storyline.ingest import DEFAULT_MAX_BYTES
from storyline.ingest.fetch import FetchError, documents_of, fetch
from storyline.ingest.paths import expand
from storyline.records import IngestProblem, RawDocument
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store
from storyline.store.watch import WatchState

_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_GLOB = "*?["
_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


# -- the pure parts: intervals, spacing, backoff, what is due --------------------------------------


def parse_every(text: str, minimum: float = S.watch_min_every_s) -> float:
    """`--every`: '90s', '15m', '2h', '1h30m', '1d' or a bare number of seconds, as seconds.

    Raises ValueError with the one-line reason: not a duration, or shorter than `minimum`.
    """
    t = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?", t):
        seconds = float(t)
    elif re.fullmatch(f"(?:{_DURATION.pattern})+", t):
        seconds = sum(float(n) * _UNIT_S[u] for n, u in _DURATION.findall(t))
    else:
        raise ValueError(f"{text!r} is not a duration (say 90s, 15m, 2h or 1h30m)")
    if seconds < minimum:
        raise ValueError(f"{text!r} is too often: at most one poll every {minimum:g} s")
    return seconds


def backoff_s(failures: int, every_s: float, max_s: float = S.watch_max_backoff_s) -> float:
    """How long a source that failed `failures` times in a row waits before its next try: the
    interval, doubling with each further failure, up to `max_s` (never less than the interval, so a
    failing server is not asked more often than a healthy one)."""
    return min(every_s * 2.0 ** min(max(failures - 1, 0), 32), max(max_s, every_s))


class HostSpacing:
    """When each host last answered, so that two requests to one host are `spacing_s` apart."""

    def __init__(self, spacing_s: float) -> None:
        self.spacing_s = spacing_s
        self._last: dict[str, float] = {}

    def wait_s(self, host: str, now: float) -> float:
        """Seconds to wait at monotonic time `now` before asking `host` again."""
        last = self._last.get(host.lower())
        return 0.0 if last is None else max(0.0, last + self.spacing_s - now)

    def note(self, host: str, now: float) -> None:
        self._last[host.lower()] = now


def due_at(state: WatchState | None, every_s: float) -> dt.datetime:
    """When a source is next checked: at once if never checked; a failing one at its retry time;
    any other one interval after its last check (so a restart, or a new --every, keeps the rhythm)."""
    if state is None or state.checked_at is None:
        return _NEVER
    if state.failures and state.next_at:
        return dt.datetime.fromisoformat(state.next_at)
    return dt.datetime.fromisoformat(state.checked_at) + dt.timedelta(seconds=every_s)


@dataclass(frozen=True)
class Source:
    """One thing to watch; `key` is how the store remembers it: the URL as given, or an absolute path."""

    key: str
    is_url: bool

    @property
    def host(self) -> str:
        return (urlsplit(self.key).hostname or "") if self.is_url else ""


def source_of(text: str) -> Source:
    """A SOURCE argument: an http(s) URL, or a file, folder or glob. Raises ValueError with the reason."""
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{text}: only http(s) URLs, files and folders can be watched")
        return Source(text, True)
    if text == "-":
        raise ValueError("- (standard input) cannot be watched: it is read once (use `storyline ingest -`)")
    if not os.path.exists(text) and not any(c in text for c in _GLOB):
        raise ValueError(f"{text}: no such file or folder")
    return Source(os.path.abspath(text), False)


def newest_mtime(path: str, follow_symlinks: bool = False) -> float | None:
    """The latest change among the files `path` names (as ingest lists them) and, for a folder or
    glob, the folders holding them; None when it names no file.

    A file's time is the later of its modification and status-change times: writing it changes
    both, and moving a file in (even one with an old modification time) changes the second; a
    folder's changes when an entry is added, removed or renamed, so a subfolder moved in is seen
    too. An equal stamp therefore means there is nothing new to read.
    """
    files = [p for p in expand([path], follow_symlinks=follow_symlinks) if isinstance(p, str)]
    if not files:
        return None
    paths = set(files)
    if os.path.isdir(path):
        for root, dirs, _files in os.walk(path, followlinks=follow_symlinks):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            paths.add(root)
    elif not os.path.isfile(path):  # a glob: the folders its matches are in
        paths.update(os.path.dirname(os.path.abspath(f)) for f in files)
    stamps = []
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            continue
        stamps.append(max(st.st_mtime, st.st_ctime))
    return max(stamps, default=None)


# -- records ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """A source whose check failed: the one-line reason, and when it is tried again."""

    source: str
    reason: str
    retry_in_s: float

    def __str__(self) -> str:
        return f"{self.source}: {self.reason} (retrying in {self.retry_in_s:.0f} s)"


@dataclass(frozen=True)
class PollReport:
    """What one poll did. `ingest` is None when it found nothing to read (every source unchanged or
    failed); `stopped` when a stop cut it short and some due sources were left for the next run."""

    at: str
    checked: int
    not_modified: int
    failures: tuple[Failure, ...]
    ingest: IngestReport | None
    stopped: bool = False

    def summary(self) -> str:
        parts = []
        if self.not_modified:
            parts.append(f"{self.not_modified} not modified")
        if self.failures:
            parts.append(f"{len(self.failures)} failed")
        if self.stopped:
            parts.append("stopped before the rest")
        head = f"checked {self.checked} source{'s' * (self.checked != 1)}" + (f" ({', '.join(parts)})" if parts else "")
        return head + ": " + (self.ingest.summary() if self.ingest else "nothing new")


@dataclass(frozen=True)
class WatchSummary:
    """What a whole run did: the line `storyline watch` ends with."""

    sources: int
    polls: int
    ingested: int
    new_versions: int
    failures: int
    stopped: bool

    def summary(self) -> str:
        return (
            f"{'stopped; ' if self.stopped else ''}watched {self.sources} source{'s' * (self.sources != 1)}, "
            f"{self.polls} poll{'s' * (self.polls != 1)}: {self.ingested} ingested, {self.new_versions} new versions, "
            f"{self.failures} failed checks"
        )


@dataclass(frozen=True)
class _Checked:
    """One source's check: the state to remember once what it found is stored, and what it found."""

    state: WatchState
    documents: tuple[RawDocument | IngestProblem, ...] = ()
    path: str | None = None  # a file or folder to ingest
    not_modified: bool = False
    failure: Failure | None = None


class _Abandoned(BaseException):
    """A stop signal arrived during a fetch: the fetch is dropped (BaseException: nothing catches it)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="milliseconds")


# -- the watcher -----------------------------------------------------------------------------------


class Watcher:
    """Polls `sources` into `store` every `every_s` seconds (or once); see the module docstring.

    `allow_private` and `allowed` are `fetch`'s address rule (the user's --allow-private-urls; a
    test's hook); `deadline_s` and `max_bytes` limit each fetch; `on_poll` hears every PollReport.
    The store must be used by the thread that calls `run`.
    """

    def __init__(
        self,
        store: Store,
        sources: Sequence[Source],
        *,
        every_s: float = S.watch_every_s,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allow_private: bool = False,
        allowed: Callable[[str], bool] | None = None,
        deadline_s: float = S.fetch_deadline_s,
        host_spacing_s: float = S.watch_host_spacing_s,
        max_backoff_s: float = S.watch_max_backoff_s,
        settle_s: float = S.watch_mtime_settle_s,
        outlet: str | None = None,
        follow_symlinks: bool = False,
        on_poll: Callable[[PollReport], None] | None = None,
    ) -> None:
        self.store = store
        self.sources = list(dict.fromkeys(sources))  # a source named twice is checked once
        self.every_s = every_s
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.allowed = allowed
        self.deadline_s = deadline_s
        self.max_backoff_s = max_backoff_s
        self.settle_s = settle_s
        self.outlet = outlet
        self.follow_symlinks = follow_symlinks
        self.on_poll = on_poll
        self._spacing = HostSpacing(host_spacing_s)
        self._stop = threading.Event()
        self._fetching = False
        self._polls = self._ingested = self._new_versions = self._failures = 0

    # stopping

    def stop(self) -> None:
        """End the run after the current step (safe from any thread): a sleep ends at once, a fetch
        in flight finishes within its deadline and is stored with the rest."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def on_signal(self, signum: int, frame: object) -> None:
        """A SIGINT/SIGTERM handler for the thread that calls `run`: the first signal stops the run
        (abandoning a fetch in flight), a second one interrupts whatever is running."""
        if self._stop.is_set():
            raise KeyboardInterrupt
        self._stop.set()
        if self._fetching:
            raise _Abandoned

    # running

    def run(self, once: bool = False) -> WatchSummary:
        """Poll what is due, sleep until the next source is due, and again, until stopped; with
        `once`, check every source one time (whatever is due: cron decides when) and return."""
        while not self._stop.is_set():
            now = _now()
            due = [s for s in self.sources if once or due_at(self.store.watch_state(s.key), self.every_s) <= now]
            if due:
                self.poll(due)
            if once or not self.sources:
                break
            self._stop.wait(self.next_check_s())
        return WatchSummary(
            len(self.sources), self._polls, self._ingested, self._new_versions, self._failures, self._stop.is_set()
        )

    def next_check_s(self) -> float:
        """Seconds until the next source is due (0: one is due now)."""
        wake = min((due_at(self.store.watch_state(s.key), self.every_s) for s in self.sources), default=_NEVER)
        return max(0.0, (wake - _now()).total_seconds())

    def poll(self, sources: Sequence[Source] | None = None) -> PollReport:
        """Check `sources` (default: all) one after another, ingest what they brought in one go, then
        remember what each answered. A stop between sources leaves the rest for the next run."""
        started = _iso(_now())
        checks: list[_Checked] = []
        stopped = False
        for src in self.sources if sources is None else sources:
            if self._stop.is_set():
                stopped = True
                break
            state = self.store.watch_state(src.key) or WatchState(src.key)
            try:
                check = self._check_url(src, state) if src.is_url else self._check_path(src, state)
            except Exception as e:  # one failing source never stops the others
                check = self._failed(state, f"{type(e).__name__}: {' '.join(str(e).split())[:160]}")
            if check is None:  # abandoned by a stop
                stopped = True
                break
            checks.append(check)
        documents = [d for c in checks for d in c.documents]
        paths = [c.path for c in checks if c.path]
        report = None
        if documents or paths:
            report = ingest(
                self.store, paths, documents=documents, max_bytes=self.max_bytes, outlet=self.outlet,
                follow_symlinks=self.follow_symlinks,
            )  # fmt: skip
        self.store.save_watch_states(c.state for c in checks)
        failures = tuple(c.failure for c in checks if c.failure)
        poll = PollReport(started, len(checks), sum(c.not_modified for c in checks), failures, report, stopped)
        self._polls += 1
        self._failures += len(failures)
        if report:
            self._ingested += report.ingested
            self._new_versions += report.new_versions
        if self.on_poll:
            self.on_poll(poll)
        return poll

    def _check_url(self, src: Source, state: WatchState) -> _Checked | None:
        wait = self._spacing.wait_s(src.host, time.monotonic())
        if wait > 0 and self._stop.wait(wait):
            return None
        try:
            self._fetching = True
            try:
                got = fetch(
                    src.key, max_bytes=self.max_bytes, allow_private=self.allow_private, deadline_s=self.deadline_s,
                    allowed=self.allowed, etag=state.etag, last_modified=state.last_modified,
                )  # fmt: skip
            finally:
                self._fetching = False
                self._spacing.note(src.host, time.monotonic())
        except _Abandoned:
            return None
        except FetchError as e:
            reason = str(e)
            return self._failed(state, reason.removeprefix(f"{src.key}: "))
        ok = replace(state, checked_at=_iso(_now()), failures=0, next_at=None)
        if got.not_modified:
            return _Checked(
                replace(ok, etag=got.etag, last_modified=got.last_modified, status="not modified"), not_modified=True
            )
        found = documents_of(got)
        if not any(isinstance(d, RawDocument) for d in found):
            reason = next((p.reason for p in found if isinstance(p, IngestProblem)), "nothing to read")
            if "has no entries" not in reason:
                return self._failed(state, reason)
            # an empty feed is not a failure (its entries may come), and there is nothing to ingest
            return _Checked(replace(ok, etag=got.etag, last_modified=got.last_modified, status="no entries"))
        new = replace(ok, etag=got.etag, last_modified=got.last_modified, status=f"fetched ({len(found)} entries)")
        return _Checked(new, documents=tuple(found))

    def _check_path(self, src: Source, state: WatchState) -> _Checked:
        if not os.path.exists(src.key) and not any(c in src.key for c in _GLOB):
            return self._failed(state, "no such file or folder")
        stamp = newest_mtime(src.key, self.follow_symlinks)
        ok = replace(state, checked_at=_iso(_now()), failures=0, next_at=None)
        if stamp is None or stamp == state.mtime:
            return _Checked(replace(ok, status="unchanged", mtime=stamp), not_modified=True)
        settled = time.time() - stamp >= self.settle_s  # else read it again next time: it may still change
        return _Checked(replace(ok, status="read", mtime=stamp if settled else None), path=src.key)

    def _failed(self, state: WatchState, reason: str) -> _Checked:
        failures = state.failures + 1
        wait = backoff_s(failures, self.every_s, self.max_backoff_s)
        now = _now()
        new = replace(
            state, checked_at=_iso(now), status=f"failed: {reason}", failures=failures,
            next_at=_iso(now + dt.timedelta(seconds=wait)),
        )  # fmt: skip
        return _Checked(new, failure=Failure(state.source, reason, wait))

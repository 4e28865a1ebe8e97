"""The engine: read -> extract -> analyze (batched) -> store + cluster, one transaction a batch.

This process reads, extracts and is the store's one writer; the analysis of each batch runs on
an `Analyzer` (inline, worker processes, or Dask workers) and comes back in order, so every
backend builds the same stories. Articles whose content is already stored are skipped before any
model runs, so re-ingesting a folder costs a read and a hash per file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field

from storyline.engine import changelog
from storyline.engine.recluster import AUTO_MAX_ARTICLES, recluster
from storyline.engine.workers import Analyzed, Analyzer, local_analyzer
from storyline.extract import ExtractError, extract
from storyline.ingest import DEFAULT_MAX_BYTES
from storyline.ingest.decode import scrub
from storyline.ingest.paths import expand, one_document, read_listed
from storyline.records import Article, IngestProblem, RawDocument
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store, StoreError
from storyline.stories.placement import place


@dataclass
class IngestReport:
    """What one ingest run did; printed as the summary line."""

    ingested: int = 0
    new_versions: int = 0
    unchanged: int = 0
    copies: int = 0
    problems: list[IngestProblem] = field(default_factory=list)
    stories: set[int] = field(default_factory=set)
    not_english: list[str] = field(default_factory=list)  # stored whole with their language, not analysed as English
    articles: list[str] = field(default_factory=list)  # ids of the articles this run stored
    regrouped: bool = False  # the stories were re-examined at the end (engine/recluster.py)
    changes: int = 0  # rows the change log gained (engine/changelog.py)

    @property
    def seen(self) -> int:
        return self.ingested + self.new_versions + self.unchanged + len(self.problems)

    def summary(self) -> str:
        parts = [f"{self.ingested} ingested"]
        if self.new_versions:
            parts.append(f"{self.new_versions} new versions")
        parts.append(f"{self.unchanged} already stored")
        if self.copies:
            parts.append(f"{self.copies} marked as copies")
        if self.not_english:
            parts.append(f"{len(self.not_english)} not in English (stored with their language)")
        parts.append(f"{len(self.problems)} skipped")
        regrouped = " (stories re-examined)" if self.regrouped else ""
        return ", ".join(parts) + f"; {len(self.stories)} stories touched{regrouped}"


@dataclass(frozen=True)
class IngestProgress:
    """Where a run stands, for a progress display: counts of finished work, never of work queued.

    `done` counts documents finished (stored, found already stored, or skipped); `stored` the
    articles analysed and committed. `total` is the number of documents to expect when it is known
    before reading: every input is a single-article file (text, HTML) or an already-read document;
    a feed, JSON Lines or WARC file holds an unknown number, and then `total` is None.
    """

    done: int
    stored: int
    read: int
    total: int | None
    elapsed_s: float
    source: str

    @property
    def rate(self) -> float | None:
        """Documents finished per second so far."""
        return self.done / self.elapsed_s if self.done and self.elapsed_s > 0 else None

    @property
    def seconds_left(self) -> float | None:
        """Time left at the rate so far, when the total is known."""
        if self.total is None or not self.rate:
            return None
        return max(0.0, (self.total - self.done) / self.rate)


def _reason(e: BaseException) -> str:
    """An exception as a one-line reason, short and printable."""
    text = " ".join(str(e).split())[:100]
    return scrub(f"{type(e).__name__}: {text}" if text else type(e).__name__)


def ingest(
    store: Store,
    paths: Iterable[str],
    *,
    batch_size: int = S.batch_size,
    max_bytes: int = DEFAULT_MAX_BYTES,
    today: dt.date | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    workers: int = 1,
    analyzer: Analyzer | None = None,
    follow_symlinks: bool = False,
    documents: Iterable[RawDocument | IngestProblem] = (),
    regroup: bool = True,
    outlet: str | None = None,
    changes: bool = True,
) -> IngestReport:
    """Ingest everything `paths` names, then `documents` (read already: uploads, a fetched page);
    each batch of articles is committed as one transaction.

    `workers` > 1 analyses batches in that many processes; `analyzer` (e.g. the Dask engine's)
    replaces the local one and is left open for the caller to close. With `regroup`, a run that
    stored anything ends by re-examining the store's stories (engine/recluster.py), so that an
    article bridging two stories of one event merges them, when the store is small enough for
    that to cost less than the ingest itself (recluster.AUTO_MAX_ARTICLES). `outlet` names the
    outlet of every document read (extract/outlets.py: a JSON Lines record's own outlet still wins).
    `progress` is called with an IngestProgress after each document read and each batch stored.
    With `changes`, the run ends by logging what it changed in each story (engine/changelog.py).
    """
    report = IngestReport()
    listed = list(expand(paths, follow_symlinks=follow_symlinks))
    documents = list(documents)
    files = [p for p in listed if isinstance(p, str)]
    total = len(listed) + len(documents) if all(one_document(f) for f in files) else None
    started = time.monotonic()
    read = 0
    last = ""

    def tell() -> None:
        if progress:
            stored = report.ingested + report.new_versions
            progress(IngestProgress(report.seen, stored, read, total, time.monotonic() - started, last))

    pending: list[Article] = []
    pending_hashes: set[str] = set()
    in_flight: deque[Future[Analyzed]] = deque()
    own = analyzer is None
    runner: Analyzer | None = analyzer  # the local one starts with the first batch: a re-ingest needs no models

    def write(future: Future[Analyzed]) -> None:
        # Dated articles first: they anchor stories in time, so an undated article that follows is
        # compared with stories whose dates are known, whatever order the files came in.
        analyzed = []
        for item in future.result():
            if isinstance(item, IngestProblem):
                report.problems.append(item)
            else:
                analyzed.append(item)
        analyzed.sort(key=lambda x: x[0].article.published is None)
        try:
            with store.transaction():
                outcomes = [(a, *place(store, a, sig)) for a, sig in analyzed]
        except sqlite3.Error as e:
            raise StoreError(f"{store.path}: cannot write ({e}); the batch being written was rolled back") from None
        for a, outcome, story in outcomes:  # counted only once the batch is committed
            if outcome in ("new", "copy"):
                report.ingested += 1
                if a.article.language != "en":
                    report.not_english.append(a.article.source)
            report.copies += outcome == "copy"
            report.new_versions += outcome == "version"
            report.unchanged += outcome == "unchanged"
            if story is not None:
                report.stories.add(story)
            if outcome in ("new", "copy", "version"):
                report.articles.append(a.article.id)
        tell()

    def flush() -> None:
        nonlocal runner
        if not pending:
            return
        if runner is None:
            runner = local_analyzer(workers)
        in_flight.append(runner.submit(list(pending)))
        pending.clear()
        pending_hashes.clear()
        while len(in_flight) > runner.depth:
            write(in_flight.popleft())

    try:
        for item in itertools.chain(read_listed(listed, max_bytes=max_bytes), documents):
            if isinstance(item, RawDocument) and outlet:
                item = dataclasses.replace(item, meta={**item.meta, "outlet": outlet})
            read += 1
            last = item.source
            if isinstance(item, IngestProblem):
                report.problems.append(item)
            else:
                try:
                    art = extract(item, today=today)
                except ExtractError as e:
                    report.problems.append(IngestProblem(item.source, str(e)))
                    art = None
                except Exception as e:
                    # one malformed record never stops the run: it is skipped with the reason
                    report.problems.append(IngestProblem(item.source, f"cannot read this record ({_reason(e)})"))
                    art = None
                if art is not None:
                    if art.content_hash in pending_hashes or store.has_content(art.content_hash):
                        report.unchanged += 1
                    else:
                        pending.append(art)
                        pending_hashes.add(art.content_hash)
                        if len(pending) >= batch_size:
                            flush()
            tell()
        flush()
        while in_flight:
            write(in_flight.popleft())
    finally:
        if own and runner is not None:
            runner.close()
    if regroup and report.articles and store.article_count() <= AUTO_MAX_ARTICLES:
        recluster(store)
        report.regrouped = True
        report.stories = {s for s in (store.story_of(a) for a in report.articles) if s is not None}
    if changes and report.articles:
        report.changes = changelog.record(store, report.stories, report.articles)
    return report

"""Where the per-article analysis runs: inline, in worker processes, or on any Executor (Dask).

Every backend takes batches of extracted articles in order and hands back futures of the analysed
records with their MinHash signatures, in the same order, so the single writer that clusters and
stores them sees exactly what the local engine sees: the same stories whatever runs the models.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from storyline.analyze.pipeline import parse_batch, texts_to_embed, with_vectors
from storyline.records import AnalyzedArticle, Article, IngestProblem
from storyline.settings import SETTINGS as S
from storyline.stories import dedup

AUTO = 0  # `--workers auto`: see AutoAnalyzer

# Each article of a batch, in order: analysed with its MinHash signature, or why its analysis failed.
Analyzed = list[tuple[AnalyzedArticle, tuple[int, ...]] | IngestProblem]


def parse_each(batch: list[Article]) -> list[AnalyzedArticle | IngestProblem]:
    """The batch parsed at once; should that raise, article by article, so one bad article costs only itself."""
    try:
        return list(parse_batch(batch))
    except Exception as e:
        if len(batch) == 1:
            return [_failed(batch[0], e)]
    out: list[AnalyzedArticle | IngestProblem] = []
    for art in batch:
        try:
            out.extend(parse_batch([art]))
        except Exception as e:
            out.append(_failed(art, e))
    return out


def _failed(art: Article, e: Exception) -> IngestProblem:
    msg = " ".join(str(e).split())
    msg = msg if len(msg) <= 160 else msg[:159] + "…"
    return IngestProblem(art.source, f"analysis failed ({type(e).__name__}: {msg})")


def complete(items: list[AnalyzedArticle | IngestProblem], vectors: Any = None) -> Analyzed:
    """Embeddings (computed here unless given) and the MinHash signature, which runs where the
    models do: the LSH half of candidate search."""
    parsed = [x for x in items if isinstance(x, AnalyzedArticle)]
    done = iter(with_vectors(parsed, vectors))
    out: Analyzed = []
    for x in items:
        if isinstance(x, AnalyzedArticle):
            a = next(done)
            out.append((a, dedup.signature(a.article.text)))
        else:
            out.append(x)
    return out


def analyze_remote(batch: list[Article]) -> Analyzed:
    """The task a spawned worker process or Dask worker runs; its models load on the first call and stay."""
    return complete(parse_each(batch))


def forks() -> bool:
    """Whether local worker processes are forked, starting with the models this process has loaded
    (on Linux); elsewhere fork is unsafe and they are spawned, loading their own."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def warm_worker() -> None:
    """One core per worker: torch would otherwise start a thread per core in every process.

    Set after the models load, since loading the embedder sets torch's threads for the process.
    """
    import torch

    from storyline.analyze import static
    from storyline.analyze.nlp import embedder, spacy_nlp

    spacy_nlp(), embedder(), static.table(), static.tokenizer()
    torch.set_num_threads(1)


class Analyzer:
    """Submit batches, get futures back; `close` releases whatever was started."""

    def submit(self, batch: list[Article]) -> Future[Analyzed]:
        raise NotImplementedError

    @property
    def depth(self) -> int:
        """How many batches may be in flight before the writer waits (bounds memory)."""
        return 1

    def warm(self) -> None:
        """Start the workers and load their models now rather than on the first batch."""
        for f in [self.submit([]) for _ in range(self.depth)]:
            f.result()

    def close(self) -> None:
        pass


class InlineAnalyzer(Analyzer):
    """One worker: spaCy on this thread while the previous batch embeds on another.

    Torch keeps a thread per core: with MiniLM on the leads only (the rest is the static
    embedder's lookup), one thread or two made no difference (35.2 s and 35.0 s for 300 articles
    on two cores).
    """

    def __init__(self) -> None:
        import torch

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-embed")
        self._threads = torch.get_num_threads()

    def submit(self, batch: list[Article]) -> Future[Analyzed]:
        items = parse_each(batch)
        return self._pool.submit(_finish, items)

    def finish(self, parsed: Future[list[AnalyzedArticle | IngestProblem]]) -> Future[Analyzed]:
        """A batch parsed elsewhere (a forked worker), given its vectors here once it is back.

        The embedding thread waits for it in turn: batches are written in order anyway."""
        return self._pool.submit(lambda: _finish(parsed.result()))

    def close(self) -> None:
        import torch

        self._pool.shutdown(wait=True)
        torch.set_num_threads(self._threads)


def _finish(items: list[AnalyzedArticle | IngestProblem]) -> Analyzed:
    from storyline.analyze.nlp import embed

    texts = texts_to_embed([x for x in items if isinstance(x, AnalyzedArticle)])
    return complete(items, embed(texts) if texts else None)


def _forked(workers: int) -> ProcessPoolExecutor:
    """Worker processes forked from this one, spaCy loaded first so that each starts with it: no
    5-10 s of loading per process (bench/RESULTS.md). They run `parse_each` only, never torch
    (whose threads do not survive a fork): the parent adds the vectors."""
    from storyline.analyze.nlp import spacy_nlp

    spacy_nlp()
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


class ForkedAnalyzer(Analyzer):
    """`--workers N` on Linux: N forked processes parse, this process embeds and stores."""

    def __init__(self, workers: int, inline: InlineAnalyzer | None = None) -> None:
        self._inline = inline or InlineAnalyzer()  # its embedding thread gives every batch its vectors
        self._workers = workers
        self._pool = _forked(workers)

    @property
    def depth(self) -> int:
        return 2 * self._workers

    def warm(self) -> None:
        from storyline.analyze import static
        from storyline.analyze.nlp import embedder

        embedder(), static.table(), static.tokenizer()
        super().warm()

    def submit(self, batch: list[Article]) -> Future[Analyzed]:
        return self._inline.finish(self._pool.submit(parse_each, batch))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._inline.close()


class ExecutorAnalyzer(Analyzer):
    """Batches go to an Executor's workers: local processes, or a Dask client's executor."""

    def __init__(self, executor: Executor, workers: int, owned: bool = False) -> None:
        self._executor = executor
        self._workers = workers
        self._owned = owned

    @property
    def depth(self) -> int:
        return 2 * self._workers

    def submit(self, batch: list[Article]) -> Future[Analyzed]:
        return self._executor.submit(analyze_remote, batch)

    def close(self) -> None:
        if self._owned:
            self._executor.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes, spawned so that none inherits this process's torch threads."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm_worker
    )


class AutoAnalyzer(Analyzer):
    """The default: the first `after` batches inline; then, on a machine of two cores or more,
    worker processes. On Linux they are forked (one per core, up to S.auto_max_workers) and take
    every batch while this process embeds and stores: forked, they start with its models, in no
    time. Elsewhere one spawned process joins the inline parse, taking a batch whenever it has
    none, since loading its models costs seconds a short run would not win back.

    A small run (the sample corpus: one batch) starts no process at all. 300 BBC articles on two
    cores (bench/RESULTS.md): see `bench/throughput.py`.
    """

    def __init__(self, after: int = S.auto_worker_after, cores: int | None = None) -> None:
        self._inline = InlineAnalyzer()
        self._after = after
        self._cores = cores if cores is not None else (os.cpu_count() or 1)
        self._seen = 0
        self._forked: ForkedAnalyzer | None = None
        self._pool: ProcessPoolExecutor | None = None  # the spawned process, where there is no fork
        self._remote: Future[Analyzed] | None = None  # the batch that process has, while it has one

    @property
    def depth(self) -> int:
        if self._forked is not None:
            return self._forked.depth
        # the process's batch may be the oldest in flight: the main thread parses on meanwhile
        return 1 if self._pool is None else 4

    @property
    def started(self) -> bool:
        """Whether worker processes were started."""
        return self._forked is not None or self._pool is not None

    def warm(self) -> None:
        self._inline.warm()

    def submit(self, batch: list[Article]) -> Future[Analyzed]:
        self._seen += 1
        if not self.started and self._seen > self._after and self._cores >= 2:
            if forks():
                self._forked = ForkedAnalyzer(min(self._cores, S.auto_max_workers), self._inline)
            else:
                self._pool = _pool(1)
        if self._forked is not None:
            return self._forked.submit(batch)
        if self._pool is not None and (self._remote is None or self._remote.done()):
            self._remote = self._pool.submit(analyze_remote, batch)
            return self._remote
        return self._inline.submit(batch)

    def close(self) -> None:
        if self._forked is not None:
            self._forked.close()  # closes the inline analyzer too
        else:
            self._inline.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def local_analyzer(workers: int) -> Analyzer:
    """`workers` = AUTO: AutoAnalyzer; 1: inline; more: that many worker processes."""
    if workers == AUTO:
        return AutoAnalyzer()
    if workers <= 1:
        return InlineAnalyzer()
    if forks():
        return ForkedAnalyzer(workers)
    return ExecutorAnalyzer(_pool(workers), workers, owned=True)

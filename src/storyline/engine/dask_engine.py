"""The Dask engine: the per-article stages (extract is cheap and stays; parse, embed, MinHash) run on
Dask workers, while this process clusters and writes the store, the one writer SQLite wants.

With no scheduler address a `LocalCluster` of `workers` processes is started for the run and
stopped after it; with one, the run borrows that cluster's workers, which need storyline (and its
model packages) installed in their environment.
"""

from __future__ import annotations

from typing import Any

from storyline.engine.workers import ExecutorAnalyzer, warm_worker


class DaskError(RuntimeError):
    """The cluster could not be reached or started; the message says which."""


class DaskAnalyzer(ExecutorAnalyzer):
    def __init__(self, client: Any, cluster: Any | None, workers: int) -> None:
        super().__init__(client.get_executor(pure=False), workers)
        self._client = client
        self._cluster = cluster

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def dask_analyzer(scheduler: str | None = None, workers: int = 2) -> DaskAnalyzer:
    """Connect to `scheduler` (host:port) or start a local cluster; models load once per worker."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:  # pragma: no cover - a dependency of storyline
        raise DaskError(f"the Dask engine needs the 'distributed' package ({e})") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="10s")
        else:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
            )
            client = Client(cluster)
        client.run(warm_worker)
        n = len(client.scheduler_info().get("workers", {})) or workers
    except (OSError, TimeoutError) as e:
        if cluster is not None:
            cluster.close()
        raise DaskError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {e}") from None
    return DaskAnalyzer(client, cluster, n)

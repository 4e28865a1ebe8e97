"""Shared fixtures: real files, a real SQLite store, the real models (loaded once per session)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "samples" / "corpus"
SEEDS = ROOT.parent / "shared" / "samples" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def cli(capsys):
    """Run `storyline ARGS` in this process; returns (exit code, stdout, stderr)."""
    from storyline.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """The shipped sample corpus ingested once into a real store file."""
    from storyline.engine.local import ingest
    from storyline.store.repo import Store

    db = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with Store(db) as store:
        report = ingest(store, [str(CORPUS)])
    assert not report.problems, report.problems
    return db


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the sample corpus folder."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


def stories_json(cli, db: Path) -> list[dict]:
    code, out, _ = cli("stories", "--db", db, "--json")
    assert code == 0
    return json.loads(out)


def write_headers(base: str) -> dict[str, str]:
    """What a client of this server's API sends with a write: its token (read from /api/token)."""
    import httpx

    return {"X-Storyline-Token": httpx.get(base + "/api/token").json()["token"]}


def wait_for_job(base: str, job: dict) -> dict:
    """Poll an ingest job of the server at `base` until it is no longer running; its last state."""
    import httpx

    for _ in range(600):
        job = httpx.get(f"{base}/api/jobs/{job['id']}").json()
        if job["status"] != "running":
            return job
        time.sleep(0.2)
    raise AssertionError(f"job still running: {job}")


@contextmanager
def running_server(db: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`storyline serve` on a free loopback port, as a real process; yields its base URL."""
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api/stories", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("storyline serve did not start")
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)

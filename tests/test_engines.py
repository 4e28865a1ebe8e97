"""Worker processes, the default auto engine and Dask workers build the same stories as the in-process engine."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CORPUS, stories_json


def _shape(cli, db: Path) -> set[tuple[frozenset[str], frozenset[str]]]:
    """Each story as (its member sources, its related stories' member sources): ids may differ."""
    stories = stories_json(cli, db)
    members = {s["id"]: frozenset(a["source"] for a in s["articles"]) for s in stories}
    return {(members[s["id"]], frozenset().union(*(members[r] for r in s["related"]))) for s in stories}


def _quotes(cli, db: Path) -> list[tuple[str, str]]:
    code, out, _ = cli("quotes", "--db", db, "--json")
    assert code == 0
    return sorted((q["speaker"] or "", q["text"]) for q in json.loads(out))


def test_worker_processes_and_dask_match_the_local_engine(cli, tmp_path):
    # Small batches, so several are in flight at once and must still be written in input order.
    runs = {
        "local": ("--workers", "1"),
        "auto": (),  # the default: 3 batches of 4, so its worker processes start for the second
        "workers": ("--workers", "2"),
        "dask": ("--engine", "dask", "--workers", "2"),
    }
    shapes, quotes = {}, {}
    for name, extra in runs.items():
        db = tmp_path / f"{name}.db"
        code, _out, err = cli("ingest", CORPUS, "--db", db, "--batch-size", "4", "--quiet", *extra)
        assert code == 0, err
        shapes[name], quotes[name] = _shape(cli, db), _quotes(cli, db)
    assert len(shapes["local"]) >= 4
    assert any(len(members) >= 3 for members, _related in shapes["local"])
    assert shapes["auto"] == shapes["local"]
    assert shapes["workers"] == shapes["local"]
    assert shapes["dask"] == shapes["local"]
    assert quotes["local"] and all(quotes[name] == quotes["local"] for name in runs)


def test_auto_adds_a_worker_process_past_its_first_batches_and_only_with_a_second_core(tmp_path):
    from storyline.engine.local import ingest
    from storyline.engine.workers import AutoAnalyzer
    from storyline.store.repo import Store

    for cores, started in ((1, False), (2, True)):
        analyzer = AutoAnalyzer(after=1, cores=cores)
        with Store(tmp_path / f"{cores}.db") as store:
            report = ingest(store, [str(CORPUS)], batch_size=4, analyzer=analyzer)
        analyzer.close()
        assert analyzer.started is started
        assert report.ingested == 11 and not report.problems


def test_an_unreachable_scheduler_is_one_clear_line(cli, tmp_path):
    db = tmp_path / "s.db"
    code, _out, err = cli("ingest", CORPUS, "--db", db, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert code != 0
    assert "127.0.0.1:9" in err and len(err.strip().splitlines()) == 1
    assert not db.exists()

"""Reads never write: dossiers, listings and every web page work on a store nobody may write to,
and the dossier's JSON Schema, generated from its typed records, is the one its output obeys."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import jsonschema
import pytest

from storyline.output import dossier_schema

OPENED: list[str] | None = None  # while a test records: every SQLite database this process opens


def _audit(event: str, args: tuple) -> None:
    if event == "sqlite3.connect" and OPENED is not None:
        OPENED.append(str(args[0]))


sys.addaudithook(_audit)


@contextmanager
def opens() -> Iterator[list[str]]:
    """The databases opened meanwhile, as sqlite3.connect was given them (a read-only one says mode=ro)."""
    global OPENED
    OPENED = []
    try:
        yield OPENED
    finally:
        OPENED = None


@pytest.fixture
def readonly_store(corpus_db) -> Iterator[Path]:
    """A copy of the sample corpus store in a folder of its own, file and folder read-only (which
    stops writes for any user but root: the audit of opens below holds for root too)."""
    folder = Path(tempfile.mkdtemp(prefix="storyline-ro-"))
    db = folder / "corpus.db"
    shutil.copy(corpus_db, db)  # the session store is closed, so its WAL is checkpointed into the file
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield db
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def _digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def _only_read(opened: list[str], db: Path) -> None:
    mine = [o for o in opened if str(db) in o]
    assert mine, "the store was never opened"
    assert all(o.startswith("file:") and "mode=ro" in o for o in mine), mine


def test_dossiers_and_listings_only_read_the_store(cli, readonly_store):
    before = _digest(readonly_store)
    with opens() as opened:
        code, out, err = cli("stories", "--json", "--db", readonly_store)
        assert code == 0, err
        stories = json.loads(out)
        sid = stories[0]["id"]
        for args in (
            ("dossier", sid, "-f", "json"),
            ("dossier", sid, "-f", "md"),
            ("dossier", sid, "-f", "html"),
            ("compare", sid),
            ("compare", sid, "--json"),
            ("quotes", "--story", sid, "--json"),
            ("entities", "--story", sid, "--json"),
            ("articles", "--json"),
            ("show", stories[0]["articles"][0]["id"], "--json"),
        ):
            code, out, err = cli(*args, "--db", readonly_store)
            assert code == 0, (args, err)
            assert out.strip(), args
        dossier = json.loads(cli("dossier", sid, "-f", "json", "--db", readonly_store)[1])
    _only_read(opened, readonly_store)
    jsonschema.validate(dossier, dossier_schema())
    assert dossier["claims"] and dossier["summary"]
    assert _digest(readonly_store) == before


def test_web_pages_only_read_the_store(readonly_store):
    """A real server on loopback, in this process so that its opens are seen."""
    import uvicorn

    from storyline.web.app import create_app

    before = _digest(readonly_store)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(str(readonly_store)), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    base = f"http://127.0.0.1:{port}"
    with opens() as opened:
        thread.start()
        try:
            for _ in range(300):
                if server.started:
                    break
                time.sleep(0.1)
            stories = httpx.get(base + "/api/stories", timeout=30).json()["stories"]
            sid = stories[0]["id"]
            dossier = httpx.get(f"{base}/api/stories/{sid}", timeout=120).json()
            person = next(e["name"] for e in dossier["entities"] if e["type"] == "PERSON")
            for path in (
                "/", f"/stories/{sid}", f"/articles/{dossier['articles'][0]['id']}", f"/entities/{person}",
                f"/api/entities/{person}", "/?q=bridge", "/ingest",
            ):  # fmt: skip
                r = httpx.get(base + path, timeout=120)
                assert r.status_code == 200, (path, r.text[:300])
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    _only_read(opened, readonly_store)
    jsonschema.validate(dossier, dossier_schema())
    assert _digest(readonly_store) == before


def test_the_audit_sees_a_writable_open(cli, corpus_db, tmp_path):
    """The guard the tests above rely on: a command that writes is seen opening the store for writing."""
    db = tmp_path / "copy.db"
    shutil.copy(corpus_db, db)
    with opens() as opened:
        assert cli("recluster", "--db", db)[0] == 0
    assert any(o == str(db) for o in opened), opened


def test_schema_is_strict_so_output_that_drifts_from_it_fails(cli, corpus_db):
    schema = dossier_schema()
    code, out, _ = cli("schema")
    assert code == 0 and json.loads(out) == schema
    sid = json.loads(cli("stories", "--json", "--db", corpus_db)[1])[0]["id"]
    d = json.loads(cli("dossier", sid, "-f", "json", "--db", corpus_db)[1])
    jsonschema.validate(d, schema)
    renamed = {**d, "claims": [{**d["claims"][0], "outlet": d["claims"][0]["outlets"]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(renamed, schema)  # an unknown field
    missing = {k: v for k, v in d.items() if k != "timeline"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(missing, schema)
    cell = {**d["claims"][0], "cells": {o: "maybe" for o in d["claims"][0]["cells"]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**d, "claims": [cell]}, schema)


def test_openapi_describes_the_dossier_with_the_same_schema(corpus_db):
    from storyline.web.app import create_app

    spec = create_app(str(corpus_db)).openapi()
    op = spec["paths"]["/api/stories/{story_id}"]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/Dossier")
    components = spec["components"]["schemas"]
    assert set(components["Dossier"]["properties"]) == set(dossier_schema()["properties"])
    assert components["Dossier"]["required"] == dossier_schema()["required"]


def test_every_vector_a_dossier_compares_was_stored_at_ingest(corpus_db):
    """So that no page view waits for a model: every story's dossier embeds nothing."""
    from storyline.dossier import StoredEmbed, build_dossier, compare_story
    from storyline.store.repo import Store

    with Store(corpus_db, readonly=True) as store:
        for story in store.stories():
            embed = StoredEmbed(store)
            d = build_dossier(store, story.id, embed=embed)
            compare_story(store, story.id, embed=embed)
            assert d.claims and embed.computed == 0, (story.id, embed.computed)

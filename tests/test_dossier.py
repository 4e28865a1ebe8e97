"""Dossiers: valid against their schema, every summary sentence quoted from a cited source, HTML escaped."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import jsonschema
from conftest import stories_json

from storyline.engine.local import ingest
from storyline.store.repo import Store


def _schema() -> dict:
    from storyline.output import dossier_schema

    return dossier_schema()


def test_json_dossier_is_valid_and_cites_real_sentences(cli, corpus_db):
    bridge = next(s for s in stories_json(cli, corpus_db) if len(s["articles"]) == 3 and "Kestrel" in s["title"])
    code, out, _ = cli("dossier", bridge["id"], "--format", "json", "--db", corpus_db, "--sentences", "4")
    assert code == 0
    d = json.loads(out)
    jsonschema.validate(d, _schema())
    assert len(d["summary"]) == 4
    texts = {a["id"]: a["text"] for a in d["articles"]}
    lead_ins = {
        (a["id"], part): a[{"headline": "title"}.get(part, part)]
        for a in d["articles"]
        for part in ("headline", "standfirst")
    }
    for item in d["summary"]:
        assert item["text"] in texts[item["sources"][0]["article"]]  # extractive: never rewritten
        for src in item["sources"]:  # another outlet's headline can report the same fact
            assert src["text"] in texts[src["article"]] or src["text"] == lead_ins.get((src["article"], src["part"]))
    assert any(len(item["sources"]) >= 2 for item in d["summary"])  # something is corroborated
    names = {e["name"]: e for e in d["entities"]}
    assert "Tomas Ferreira" in names and len(names["Tomas Ferreira"]["outlets"]) >= 2
    assert "Ferreira" in names["Tomas Ferreira"]["aliases"] or "Mr Ferreira" in names["Tomas Ferreira"]["aliases"]
    assert d["story"]["related"] and d["story"]["related"][0]["relation"] == "earlier"


def test_markdown_and_html(cli, corpus_db, tmp_path):
    sid = stories_json(cli, corpus_db)[0]["id"]
    out = tmp_path / "d.html"
    assert cli("dossier", sid, "--format", "html", "-o", out, "--db", corpus_db)[0] == 0
    page = out.read_text()
    assert (
        page.startswith("<!doctype html>")
        and "<h2>Summary</h2>" in page
        and "http" not in page.split("<body>")[0].replace("http-equiv", "")
    )
    code, md, _ = cli("dossier", sid, "--format", "md", "--db", corpus_db)
    assert code == 0 and md.startswith("# ") and "## Summary" in md and "## Articles" in md


def test_untrusted_text_is_escaped(tmp_path, cli):
    evil = tmp_path / "evil.jsonl"
    rec = {
        "url": "javascript:alert(1)",
        "title": "<script>alert('title')</script> Mayor <b>resigns</b>",
        "outlet": "<img src=x onerror=alert(1)>",
        "text": "The mayor of Kirkby Dale resigned on Monday <script>alert('body')</script> after a vote.\n\n"
                "She said: \"<img src=x onerror=alert(2)> I am proud of what we did.\"",
    }  # fmt: skip
    evil.write_text(json.dumps(rec))
    db = tmp_path / "e.db"
    with Store(db) as store:
        ingest(store, [str(evil)])
    out = tmp_path / "e.html"
    assert cli("dossier", 1, "--format", "html", "-o", out, "--db", db)[0] == 0
    page = out.read_text()
    assert "<script>" not in page and "<img" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;" in page
    code, md, _ = cli("dossier", 1, "--format", "md", "--db", db)
    assert code == 0
    assert re.search(r"(?<!\\)<", md) is None  # every "<" of scraped text is backslash-escaped


def test_compare_finds_conflicts_and_single_source_claims(cli, corpus_db):
    recall = next(s for s in stories_json(cli, corpus_db) if "Solvane" in s["title"] or "mower" in s["title"].lower())
    code, out, _ = cli("dossier", recall["id"], "--format", "json", "--db", corpus_db)
    d = json.loads(out)
    jsonschema.validate(d, _schema())
    versions = {tuple(sorted(v["value"] for v in c["versions"])) for c in d["conflicts"] if c["kind"] == "number"}
    assert (40000.0, 45000.0) in versions  # recalled mowers: wire vs tabloid
    assert (7.0, 9.0) in versions  # share price fall
    conflicting = [c for c in d["claims"] if c["status"] == "conflicting"]
    assert conflicting and all(set(c["cells"].values()) & {"contradicts"} for c in conflicting)
    assert any(c["status"] == "single-source" for c in d["claims"])
    assert "different figures" in d["differences"]
    texts = {a["id"]: a["text"] for a in d["articles"]}
    titles = {a["id"]: a["title"] for a in d["articles"]}
    standfirsts = {a["id"]: a["standfirst"] for a in d["articles"]}
    for c in d["claims"]:
        for src in c["sources"] + c["related_sources"]:
            if src["part"] == "headline":  # headlines and standfirsts are claims too, cited as such
                assert src["sentence"] is None and src["text"] == titles[src["article"]]
            elif src["part"] == "standfirst":
                assert src["sentence"] is None and src["text"] == standfirsts[src["article"]]
            else:
                assert src["text"] in texts[src["article"]]
    code, out, _ = cli("compare", recall["id"], "--db", corpus_db)
    assert code == 0 and "conflicting" in out and "Where outlets differ" in out


def test_timeline_puts_the_earlier_linked_story_first(cli, corpus_db):
    bridge = next(s for s in stories_json(cli, corpus_db) if "Kestrel" in s["title"] and len(s["articles"]) == 3)
    code, out, _ = cli("dossier", bridge["id"], "--format", "json", "--db", corpus_db)
    assert code == 0
    timeline = json.loads(out)["timeline"]
    dates = [e["date"] for e in timeline]
    assert dates == sorted(dates) and len(timeline) >= 2
    assert timeline[0]["story"] is not None and timeline[0]["date"] == "2025-02-03"  # the inspection report
    assert any(e["date"] == "2025-03-14" and e["date_text"] == "on Friday" for e in timeline)


def test_outlets_that_date_an_event_differently_conflict(tmp_path, cli):
    recs = [
        {"url": "https://a.example/1", "title": "Harbour crane collapses", "outlet": "Harbour Times", "published": "2025-05-08",
         "text": "A crane collapsed at the Port Aldwin container terminal on Tuesday, injuring two workers.\n\nThe port authority said the crane was 30 years old."},
        {"url": "https://b.example/2", "title": "Crane collapse at Port Aldwin terminal", "outlet": "Valley Gazette", "published": "2025-05-08",
         "text": "A crane collapsed at the Port Aldwin container terminal on Wednesday, injuring two workers.\n\nInvestigators are examining the crane."},
    ]  # fmt: skip
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in recs))
    db = tmp_path / "c.db"
    with Store(db) as store:
        ingest(store, [str(tmp_path / "c.jsonl")])
    code, out, _ = cli("dossier", 1, "--format", "json", "--db", db)
    d = json.loads(out)
    dates = [c for c in d["conflicts"] if c["kind"] == "date"]
    assert code == 0 and len(dates) == 1
    assert {v["value"]: v["outlets"] for v in dates[0]["versions"]} == {
        "2025-05-06": ["Harbour Times"],
        "2025-05-07": ["Valley Gazette"],
    }
    assert "date" in d["differences"] and "differently" in d["differences"]


def test_rows_are_facts_and_the_summary_repeats_none(cli, corpus_db):
    """One row per fact (one claim per article), "corroborated" only with two outlets reporting it;
    summary sentences of distinct facts, the most widely reported first."""
    for story in stories_json(cli, corpus_db):
        code, out, _ = cli("dossier", story["id"], "--format", "json", "--db", corpus_db)
        assert code == 0
        d = json.loads(out)
        for c in d["claims"]:
            arts = [s["article"] for s in c["sources"]]
            assert len(arts) == len(set(arts))
            outlets = {s["outlet_label"] for s in c["sources"]}
            assert (c["status"] == "corroborated") <= (len(outlets) >= 2)
            assert sorted(outlets) == c["outlets"]
            for o, cell in c["cells"].items():
                assert (cell == "reports") <= (o in outlets)
                assert (cell == "related") <= (o in {s["outlet_label"] for s in c["related_sources"]})
        seen: set[tuple[str, int | None]] = set()
        widths = []
        for item in d["summary"]:
            cited = {(s["article"], s["sentence"]) for s in item["sources"]}
            assert not cited & seen, f"summary repeats a fact: {item['text']}"
            seen |= cited
            widths.append(len({s["outlet_label"] for s in item["sources"]}))
        assert widths == sorted(widths, reverse=True)
        code, out, _ = cli("compare", story["id"], "--all", "--db", corpus_db)  # every kind of cell prints
        assert code == 0 and "○ the same event in other detail" in out


_ENTITIES_SCRIPT = """
from storyline.compare.entities import merge_entities
from storyline.records import Article, Mention

art = Article("a1", "k", "h", "a.txt", None, None, None, None, None, None, None, None, ("text",))
orgs = ["the Anti-Terrorism Bill", "the Prevention of Terrorism Bill", "the Crime Bill", "the Identity Cards Bill"]
mentions = [Mention(0, 0, 1, o, "ORG", o) for o in orgs]
mentions += [Mention(1, 0, 1, orgs[1], "ORG", orgs[1]), Mention(2, 0, 4, "Bill", "PERSON", "Bill")]
print(sorted((e.name, e.mentions) for e in merge_entities([(art, mentions, {})])))
"""


def test_which_entity_a_bare_word_joins_does_not_depend_on_the_process(tmp_path):
    # "Bill" (tagged a person) is cut from one of several bills: it joins the one named most, and
    # the entity list is the same in every process, not decided by the order of a set of strings
    outs = {
        subprocess.run(
            [sys.executable, "-c", _ENTITIES_SCRIPT], env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in range(8)
    }  # fmt: skip
    assert len(outs) == 1, outs
    assert "('the Prevention of Terrorism Bill', 3)" in outs.pop()


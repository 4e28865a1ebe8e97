"""Conflicts only between comparable values given by different outlets, each side citing its sentences."""

from __future__ import annotations

import json

from storyline.compare.claims import figures
from storyline.engine.local import ingest
from storyline.store.repo import Store


def test_a_figure_and_its_conversion_are_one_value_and_ranges_or_estimates_are_not_exact():
    assert figures("The deal is worth $27.5bn (£21.6bn), officials said.") == {"money:$": 27.5e9}
    assert figures("The agreement is worth $27.5 billion.") == {"money:$": 27.5e9}
    assert figures("It will cost 27,500 million dollars.") == {"money:$": 27.5e9}
    assert figures("Between 300 and 400 workers will be hired.") == {}
    assert figures("Some 300-400 workers will be hired.") == {}
    assert figures("More than 300 workers will be hired.") == {}
    assert figures("Results are expected within 90 days.") == {}
    assert figures("Negotiators held two days of talks.") == {"day of talks": 2}  # not "days" of anything else
    assert figures("The terminal will handle 40,000 containers a week.") == {"container": 40000}
    assert figures("Shares fell 7 per cent.") == {"%": 7}
    assert figures("It opened in 1998.") == {}  # years are the timeline's


def _dossier(tmp_path, cli, records: list[dict]) -> dict:
    path = tmp_path / "story.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest(store, [str(path)])
        assert len(store.stories()) == 1
    code, out, _ = cli("dossier", 1, "--format", "json", "--db", db)
    assert code == 0
    return json.loads(out)


def test_only_real_disagreements_between_outlets_are_conflicts(tmp_path, cli):
    base = {"published": "2025-06-04"}
    recs = [
        {**base, "url": "https://harbour.example/1", "outlet": "Harbour Times",
         "title": "Foreign Minister Ada Brennan signs Port Aldwin terminal deal",
         "text": "Foreign Secretary Ada Brennan signed the Port Aldwin container terminal deal on Tuesday.\n\n"
                 "The deal is worth $27.5bn (£21.6bn), officials said.\n\n"
                 "Negotiators held two days of talks in Port Aldwin before the signing.\n\n"
                 "Between 300 and 400 workers will be hired at the terminal.\n\n"
                 "The terminal will handle 40,000 containers a week when it opens."},
        {**base, "url": "https://valley.example/2", "outlet": "Valley Gazette",
         "title": "Port Aldwin container terminal deal signed",
         "text": "Foreign Secretary Ada Brennan signed the Port Aldwin container terminal agreement on Tuesday.\n\n"
                 "The agreement is worth $27.5 billion, officials said.\n\n"
                 "The two sides are expected to publish the results of the talks within 90 days.\n\n"
                 "About 350 workers will be hired at the terminal.\n\n"
                 "The terminal will handle 45,000 containers a week when it opens."},
        {**base, "url": "https://coast.example/3", "outlet": "Coastline Post",
         "title": "Brennan signs terminal deal in Port Aldwin",
         "text": "Foreign Secretary Ada Brennan has signed a deal for a new container terminal at Port Aldwin.\n\n"
                 "The deal, worth $27.5bn, was signed on Tuesday after talks.\n\n"
                 "Around 350 jobs will be created at the terminal."},
    ]  # fmt: skip
    d = _dossier(tmp_path, cli, recs)
    kinds = [(c["kind"], c["about"]) for c in d["conflicts"]]
    # the container count is the one real disagreement; the rest only look like one
    assert [k for k in kinds if k[0] == "number"] == [("number", "container")], kinds
    assert not [k for k in kinds if k[0] == "title"]  # Harbour Times's headline says Minister, its body Secretary
    (conflict,) = [c for c in d["conflicts"] if c["kind"] == "number"]
    sides = {v["value"]: v for v in conflict["versions"]}
    assert set(sides) == {40000.0, 45000.0}
    assert sides[40000.0]["outlets"] == ["Harbour Times"] and sides[45000.0]["outlets"] == ["Valley Gazette"]
    texts = {a["id"]: a["text"] for a in d["articles"]}
    for value, v in sides.items():
        assert v["sentences"], "each side cites its sentences"
        for s in v["sentences"]:
            assert f"{value:,.0f}" in s["text"] and s["text"] in texts[s["article"]]
    row = next(c for c in d["claims"] if c["status"] == "conflicting")
    assert "contradicts" in row["cells"].values()
    assert "different figures for container" in d["differences"]


def test_a_title_conflict_cites_the_sentences_of_each_side(tmp_path, cli):
    recs = [
        {"url": "https://harbour.example/1", "outlet": "Harbour Times", "published": "2025-06-04",
         "title": "Brennan visits Port Aldwin",
         "text": "Foreign Minister Ada Brennan visited the Port Aldwin container terminal on Tuesday.\n\n"
                 "Brennan met dock workers and union leaders during the visit."},
        {"url": "https://valley.example/2", "outlet": "Valley Gazette", "published": "2025-06-04",
         "title": "Brennan tours Port Aldwin terminal",
         "text": "Trade Secretary Ada Brennan visited the Port Aldwin container terminal on Tuesday.\n\n"
                 "Brennan met dock workers and union leaders at the terminal."},
    ]  # fmt: skip
    d = _dossier(tmp_path, cli, recs)
    titles = [c for c in d["conflicts"] if c["kind"] == "title"]
    assert len(titles) == 1, d["conflicts"]
    versions = {v["value"]: v for v in titles[0]["versions"]}
    assert {tuple(v["outlets"]) for v in versions.values()} == {("Harbour Times",), ("Valley Gazette",)}
    for v in versions.values():
        assert v["sentences"] and all(s["sentence"] == 0 for s in v["sentences"])


def test_headlines_and_standfirsts_are_claims_cited_as_such(tmp_path, cli):
    standfirst = "The council says repairs to the cracked anchor of the Kestrel Bridge are finished"
    (tmp_path / "harbour.txt").write_text(
        f"Kestrel Bridge to reopen on Monday\n\n{standfirst}\n\nBy Ann Lee, Harbour Times\n\n"
        "Drivers will be able to cross the Kestrel Bridge in Port Aldwin again from Monday morning.\n\n"
        "The bridge was closed for three weeks after engineers found a crack."
    )
    (tmp_path / "valley.txt").write_text(
        "Port Aldwin bridge repairs completed\n\nBy Tom Hale, Valley Gazette\n\n"
        "Repairs to the cracked anchor of the Kestrel Bridge are finished, the council said on Wednesday.\n\n"
        "The Kestrel Bridge will reopen to traffic on Monday, the council said."
    )
    db = tmp_path / "s.db"
    with Store(db) as store:  # plain text names no outlet here: the user does
        ingest(store, [str(tmp_path / "harbour.txt")], outlet="Harbour Times")
        ingest(store, [str(tmp_path / "valley.txt")], outlet="Valley Gazette")
    code, out, _ = cli("dossier", 1, "--format", "json", "--db", db)
    assert code == 0
    d = json.loads(out)
    parts = {(s["source"].rsplit("/", 1)[-1], s["part"]) for c in d["claims"] for s in c["sources"]}
    assert ("harbour.txt", "standfirst") in parts and ("harbour.txt", "headline") in parts, parts
    repairs = next(c for c in d["claims"] if any(s["part"] == "standfirst" for s in c["sources"]))
    assert repairs["status"] == "corroborated" and len(repairs["outlets"]) == 2
    (cited,) = [s for s in repairs["sources"] if s["part"] == "standfirst"]
    assert cited["sentence"] is None and cited["text"] == standfirst


def test_a_figure_given_differently_in_headlines_and_bodies_is_one_conflict(tmp_path, cli):
    base = {"published": "2025-06-04"}
    recs = [
        {**base, "url": "https://harbour.example/1", "outlet": "Harbour Times",
         "title": "Kelby Tools recalls 40,000 hedge trimmers over switch fault",
         "text": "Kelby Tools said on Tuesday it was recalling 40,000 of its cordless hedge trimmers after owners "
                 "reported that the switch stuck on.\n\n"
                 "The company said nobody had been hurt."},
        {**base, "url": "https://valley.example/2", "outlet": "Valley Gazette",
         "title": "45,000 hedge trimmers recalled as switch sticks on",
         "text": "Kelby Tools is recalling 45,000 cordless hedge trimmers because their switch can stick on, "
                 "the company said on Tuesday.\n\n"
                 "Nobody has been injured, according to the company."},
    ]  # fmt: skip
    d = _dossier(tmp_path, cli, recs)
    numbers = [c for c in d["conflicts"] if c["kind"] == "number"]
    assert len(numbers) == 1, [(c["about"], c["claim"]) for c in numbers]
    (conflict,) = numbers
    assert conflict["claim"] != recs[0]["title"] and conflict["claim"] != recs[1]["title"]  # a body sentence reads better
    for v in conflict["versions"]:
        parts = sorted(s["part"] for s in v["sentences"])
        assert parts == ["body", "headline"], v  # each side cites its headline and its body sentence

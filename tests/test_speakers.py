"""The speaker chooser: each quote's speaker comes with a confidence and the words it was chosen by,
and a guess is never printed as a fact."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import sqlite3

import pytest

from storyline.analyze import analyze_batch, speakers
from storyline.compare.quotes import merge_quotes
from storyline.compare.summary import _unattributed
from storyline.extract import extract
from storyline.records import Quote, RawDocument, Sentence
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store
from storyline.stories.dedup import signature

ARTICLE = """\
Minister defends trade visit to Veldoria

Trade Minister Maria Lindqvist has defended her two-day visit to Veldoria, the first by a minister in six years.

“We will not change Veldoria in a week,” Ms Lindqvist said.

Opposition spokesman Tomas Berg said the visit sent the wrong signal. “It rewards bad behaviour,” he said.

The committee's report states: “Veldoria remains a threat to our interests and to our partners.”
"""


@pytest.fixture(scope="module")
def analyzed():
    art = extract(RawDocument(source="v.txt", data=ARTICLE.encode(), content_type="text"), today=dt.date(2026, 1, 1))
    (a,) = analyze_batch([art])
    return a


def _quote(a, words: str) -> Quote:
    return next(q for q in a.quotes if q.text.startswith(words))


def test_the_shipped_chooser_is_loaded_and_scores_every_speaker(analyzed):
    assert speakers.model() is not None, (
        "src/storyline/analyze/speakers.json is missing: run scripts/train_speaker_model.py"
    )
    for q in analyzed.quotes:
        assert q.speaker is None or 0.0 <= q.confidence <= 1.0


def test_each_speaker_cites_the_words_it_was_chosen_by(analyzed):
    text = analyzed.article.text
    q = _quote(analyzed, "We will not change")
    assert q.speaker == "Maria Lindqvist" and q.cue == "said"
    assert text[q.speaker_start : q.speaker_end] == "Ms Lindqvist"
    assert q.confidence >= S.speaker_min_confidence
    q = _quote(analyzed, "It rewards bad behaviour")
    assert q.speaker == "Tomas Berg"
    # "he said": the evidence is the pronoun next to the quote, in the quote's own sentence (not the "he" in "the")
    assert text[q.speaker_start : q.speaker_end] == "he" and q.speaker_sentence == q.sentence
    sent = next(s for s in analyzed.sentences if s.idx == q.speaker_sentence)
    assert sent.start <= q.speaker_start < sent.end


def test_a_guess_is_shown_as_uncertain_never_as_the_speaker(analyzed, tmp_path, cli):
    q = _quote(analyzed, "Veldoria remains a threat")
    assert q.speaker != "Tomas Berg" or q.confidence < S.speaker_min_confidence  # the last man named said nothing here
    src = tmp_path / "v.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "s.db"
    assert cli("ingest", str(src), "--db", str(db))[0] == 0
    code, out, _ = cli("quotes", "--json", "--db", str(db))
    assert code == 0
    rows = {r["text"][:20]: r for r in json.loads(out)}
    threat = rows["Veldoria remains a t"]
    assert threat["uncertain"] == (threat["speaker"] is not None and threat["confidence"] < S.speaker_min_confidence)
    lindqvist = rows["We will not change V"]
    assert lindqvist["uncertain"] is False and lindqvist["sources"][0]["speaker_sentence"] is not None
    code, out, _ = cli("quotes", "--db", str(db))
    line = next(x for x in out.splitlines() if "Veldoria remains" in x)
    if threat["uncertain"]:
        assert f"possibly {threat['speaker']} (uncertain" in line
    code, md, _ = cli("dossier", "1", "--format", "md", "--db", str(db))
    row = next(x for x in md.splitlines() if "Veldoria remains" in x)
    assert not row.startswith("| Tomas Berg |")


def _q(text: str, speaker: str | None, confidence: float | None, sentence: int = 0) -> Quote:
    return Quote(text, speaker, speaker, "person", None, "said", False, 0, sentence, 0, len(text), confidence)


def test_merged_quotes_take_the_surest_printing_and_flag_guesses(analyzed):
    a = dataclasses.replace(analyzed.article, id="a1", outlet="The Ledger")
    b = dataclasses.replace(analyzed.article, id="b1", outlet="Coastline Post")
    (m,) = merge_quotes([(a, [_q("we will rebuild the pier", "Rhona MacLeod", 0.3)]),
                         (b, [_q("we will rebuild the pier", "Rhona MacLeod", 0.9)])])  # fmt: skip
    assert m.confidence == 0.9 and not m.uncertain
    (m,) = merge_quotes([(a, [_q("we will rebuild the pier", "Rhona MacLeod", 0.3)])])
    assert m.uncertain and m.speaker == "Rhona MacLeod"
    sentence = Sentence(0, 0, 0, 30, "“We will rebuild the pier,” she said.")
    assert _unattributed(sentence, [_q("We will rebuild the pier", "Rhona MacLeod", 0.3)])  # no name in the summary
    assert not _unattributed(sentence, [_q("We will rebuild the pier", "Rhona MacLeod", 0.9)])


def test_a_store_of_the_previous_schema_keeps_its_quotes(tmp_path, analyzed):
    db = tmp_path / "old.db"
    with Store(db) as store:
        store.save_article(analyzed, signature(analyzed.article.text))
    con = sqlite3.connect(db)
    for col in ("confidence", "speaker_start", "speaker_end", "speaker_sentence"):
        con.execute(f"ALTER TABLE quotes DROP COLUMN {col}")
    con.execute("UPDATE schema_version SET version = 8")  # the schema before the chooser
    con.commit()
    con.close()
    with Store(db) as store:
        quotes = store.quotes(analyzed.article.id)
    assert [q.text for q in quotes] == [q.text for q in analyzed.quotes]
    assert all(q.confidence is None for q in quotes)  # stored before the chooser: the rules' speakers, unscored


def test_a_partial_quote_framed_without_a_verb_of_saying_is_kept_and_a_scare_quote_is_not():
    """'attacked the board as “…”' is her words although "attacked" is not a verb of saying; the rules
    leave such spans out with the scare quotes, and the keeper takes back only this one."""
    text = (
        "Councillor steps up attack on harbour board\n\n"
        "Harbour board members met on Monday to discuss the terminal budget.\n\n"
        "In recent weeks, opposition leader Petra Holm has attacked the harbour board as "
        "“a club of secret spenders who answer to nobody”.\n\n"
        "Board chairwoman Ingrid Solheim said the accounts were published every quarter.\n\n"
        "Critics of the ‘mega-terminal’ have been quiet since last month.\n"
    )
    art = extract(RawDocument(source="h.txt", data=text.encode(), content_type="text"), today=dt.date(2026, 1, 1))
    (a,) = analyze_batch([art])
    assert [(q.text, q.speaker, q.partial) for q in a.quotes] == [
        ("a club of secret spenders who answer to nobody", "Petra Holm", True)
    ]


def _stump(scores: dict[float, float]) -> speakers.Model:
    """A one-feature model that gives each value of feature "x" the probability asked for."""
    values = sorted(scores)
    raw = [math.log(scores[v] / (1 - scores[v])) for v in values]
    return speakers.Model(("x",), 1.0, ({"l": [1, -1, -1], "r": [2, -1, -1], "f": [0, 0, 0],
                                         "t": [(values[0] + values[1]) / 2, 0, 0], "v": [0.0, *raw]},))  # fmt: skip


def test_the_chooser_overrules_the_rules_only_when_clearly_surer():
    """A candidate the chooser scores a shade above the rules' cued pick (an organisation that stands
    nearer the quote) does not take the quote; one it is clearly surer of does."""

    def chosen(rule_p: float, other_p: float) -> str | None:
        q = Quote("We do need a consistent approach.", None, None, "other", None, None, False, 0, 0, 10, 44)
        cands = [
            speakers.Candidate("Brian Gold", "person", "he", None, "said", (0, 2), {"x": 0.0, "rule": 1.0}),
            speakers.Candidate("NHS", "body", "NHS", None, None, (50, 53), {"x": 1.0}),
        ]
        models = speakers.Models(_stump({0.0: rule_p, 1.0: other_p}), None, 1.0)
        (out,) = speakers.choose([speakers.Found(q, cands, True, {})], list(range(60)), models)
        return out.speaker

    assert chosen(0.43, 0.47) == "Brian Gold"
    assert chosen(0.43, 0.90) == "NHS"

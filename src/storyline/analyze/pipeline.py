"""Run the per-article analysis over a batch: one nlp.pipe and one embedding call per batch.

`parse_batch` (spaCy and the rules on its output) and `with_vectors` (the embeddings: each
article's lead with MiniLM, for clustering, and every text a dossier compares with the static
embedder, so that dossiers only read) are separate so that an engine can embed one batch on
another core while spaCy parses the next; `analyze_batch` does both.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np

from storyline.analyze import static
from storyline.analyze.dates import resolve_dates
from storyline.analyze.entities import mentions
from storyline.analyze.nlp import embed, spacy_nlp
from storyline.analyze.quotes import display_quotes, extract_quotes, part_quotes
from storyline.analyze.roles import extract_roles
from storyline.records import AnalyzedArticle, Article, Mention, Sentence, vector_key


def sentences(doc: object, text: str) -> list[Sentence]:
    """spaCy's sentences, never running across a paragraph break."""
    out: list[Sentence] = []
    para_starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n" and text[i - 1 : i] == "\n":
            para_starts.append(i + 1)
    for sent in doc.sents:  # type: ignore[attr-defined]
        start = sent.start_char
        for piece in text[sent.start_char : sent.end_char].split("\n\n"):
            s = start + (len(piece) - len(piece.lstrip()))
            e = start + len(piece.rstrip())
            if e > s:
                para = max(i for i, p in enumerate(para_starts) if p <= s)
                out.append(Sentence(len(out), para, s, e, text[s:e]))
            start += len(piece) + 2
    return out


def terms(doc: Any) -> dict[str, int]:
    """Content words that tell one event from another: nouns, names and numbers.

    Token flags come out of the Doc as one array: a Python loop over token attributes cost as
    much as a tenth of the parse.
    """
    from spacy.attrs import IS_ALPHA, IS_STOP, LIKE_NUM, POS
    from spacy.symbols import NOUN, PROPN

    out: dict[str, int] = {}
    if not len(doc):
        return out
    flags = doc.to_array([POS, IS_ALPHA, IS_STOP, LIKE_NUM])
    noun = ((flags[:, 0] == NOUN) | (flags[:, 0] == PROPN)) & (flags[:, 1] == 1) & (flags[:, 2] == 0)
    for i in np.flatnonzero(noun | (flags[:, 3] == 1)):
        text = doc[int(i)].text
        if flags[i, 3] or len(text) > 2:
            key = text.lower()
            out[key] = out.get(key, 0) + 1
    return out


def lead(article: Article, sents: list[Sentence], n: int = 2) -> str:
    """What the story is about: the headline and the first sentences of the body.

    Two sentences cluster as well as three on eval/clustering.py and cost a third less to embed.
    """
    return " ".join([article.title or "", *[s.text for s in sents[:n]]]).strip()


def analyze_batch(articles: list[Article]) -> list[AnalyzedArticle]:
    """Everything the store keeps about each article: parse, then embed the leads."""
    return with_vectors(parse_batch(articles))


_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def comparable(text: str) -> bool:
    """Whether a dossier may compare this sentence, as a claim or a summary candidate: its quote
    marks pair up, and it has four words or more (compare/claims.py and compare/summary.py take
    only sentences like this, so what they compare was embedded here)."""
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return False
    return len(_WORD.findall(text)) >= 4 or len(text.split()) >= 6


def dossier_texts(a: AnalyzedArticle) -> list[str]:
    """The texts of an article a dossier may embed: headline, standfirst and comparable sentences."""
    texts = [t.strip() for t in (a.article.title, a.article.standfirst) if t and t.strip()]
    return texts + [s.text for s in a.sentences if comparable(s.text)]


def texts_to_embed(analyzed: list[AnalyzedArticle]) -> list[str]:
    """The texts of the batch MiniLM embeds, each once: the leads, which group stories."""
    return list(dict.fromkeys(lead(a.article, list(a.sentences)) for a in analyzed))


def with_vectors(parsed: list[AnalyzedArticle], vectors: Any = None) -> list[AnalyzedArticle]:
    """The parsed records with their embeddings: `vectors` are MiniLM's of `texts_to_embed(parsed)`,
    computed here unless given; what dossiers compare gets the static embedder's (a lookup, so
    always here)."""
    if not parsed:
        return []
    leads = texts_to_embed(parsed)
    vecs = embed(leads) if vectors is None else vectors
    of = dict(zip(leads, np.asarray(vecs, dtype=np.float32), strict=True))
    compared = [dossier_texts(a) for a in parsed]
    texts = list(dict.fromkeys(t for ts in compared for t in ts))
    text_of = dict(zip(texts, static.embed(texts), strict=True))
    return [
        dataclasses.replace(
            a,
            vector=tuple(float(x) for x in of[lead(a.article, list(a.sentences))]),
            text_vectors={vector_key(t): text_of[t] for t in ts},
        )
        for a, ts in zip(parsed, compared, strict=True)
    ]


def rules_input(doc: Any, title_doc: Any, text: str) -> tuple[list[Sentence], list[int], list[Mention], dict]:
    """What the rules over one parsed article start from: sentences, each character's sentence,
    entity mentions and the roles the body and the headline give people."""
    sents = sentences(doc, text)
    sentence_of = [-1] * (len(text) + 1)
    for s in sents:
        for i in range(s.start, s.end):
            sentence_of[i] = s.idx
    ments = mentions(doc, sentence_of)
    roles = extract_roles(doc, ments)
    # headlines give titles too ("Foreign Minister James Cleverly faces backlash"): outlets disagree there
    for name, rs in extract_roles(title_doc, mentions(title_doc, [-1] * (len(title_doc.text) + 1))).items():
        roles.setdefault(name, []).extend(r for r in rs if r not in roles.get(name, []))
    return sents, sentence_of, ments, roles


_QUOTE_MARKS = re.compile("[‘“\"]")  # a headline or standfirst without one quotes no one: not parsed for it


def parse_batch(articles: list[Article]) -> list[AnalyzedArticle]:
    """spaCy over the batch and the rules over its output; the records come back without vectors."""
    if not articles:
        return []
    nlp = spacy_nlp()
    texts = [a.text for a in articles]
    out_sents: list[list[Sentence]] = []
    out_mentions = []
    out_terms: list[dict[str, int]] = []
    extras: list[dict] = []
    titles = list(nlp.pipe([a.title or "" for a in articles], batch_size=64))
    for doc, text, art, title_doc in zip(nlp.pipe(texts, batch_size=16), texts, articles, titles, strict=True):
        sents, sentence_of, ments, roles = rules_input(doc, title_doc, text)
        out_sents.append(sents)
        out_mentions.append(ments)
        out_terms.append(terms(doc))
        body = extract_quotes(doc, text, ments, roles, sentence_of)
        heads = []
        if art.title and _QUOTE_MARKS.search(art.title):
            heads += part_quotes("headline", title_doc, body, ments, roles)
        if art.standfirst and _QUOTE_MARKS.search(art.standfirst):
            heads += part_quotes("standfirst", nlp(art.standfirst), body, ments, roles)
        extras.append({
            "roles": roles,
            # in reading order: the headline's, the standfirst's, the body's; then the display copy's
            "quotes": (*heads, *body, *display_quotes(art.display, body)),
            "dates": tuple(resolve_dates(text, art.published, sentence_of)),
        })  # fmt: skip
    return [
        AnalyzedArticle(article=a, sentences=tuple(s), mentions=tuple(m), vector=(), terms=t, language=a.language, **x)
        for a, s, m, t, x in zip(articles, out_sents, out_mentions, out_terms, extras, strict=True)
    ]

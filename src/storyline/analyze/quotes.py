"""Direct and partial quotes with their speakers.

Quote marks are found on the text (straight and curly double quotes, and the curly single quotes
of British tabloid house style); the speaker comes from the dependency parse: the subject of the
nearest speech verb outside the quote in the same sentence. Then, in order: a quote with no verb
of its own takes the speaker of the previous quote in its paragraph ("“A,” he said. “B.”"), of an
introducing "X said:" paragraph, or of the previous paragraph's quote when it is a continuation
paragraph and nothing intervenes. Pronouns and descriptions ("she", "the senior Tory") resolve to
the last person who spoke or was named; bodies ("the committee", "the report") to the
organisation the article names.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from storyline.analyze import speakers
from storyline.analyze.speakers import Candidate, Found
from storyline.lexicon import HE_HONORIFICS, HONORIFICS, ROLE_HEADS, SHE_HONORIFICS
from storyline.records import DISPLAY_SENTENCE, HEADLINE_SENTENCE, STANDFIRST_SENTENCE, Mention, Quote
from storyline.settings import SETTINGS as S

SPEECH = frozenset(
    """say says said saying tell tells told telling add adds added insist insists insisted warn warns warned
    accuse accuses accused urge urges urged state states stated ask asks asked explain explains explained
    claim claims claimed argue argues argued note notes noted write writes wrote tweet tweets tweeted
    announce announces announced declare declares declared reply replies replied vow vows vowed admit
    admits admitted acknowledge acknowledges acknowledged concede concedes conceded
    reiterate reiterates reiterated confirm confirms confirmed recall recalls recalled stress
    stresses stressed emphasise emphasised emphasize emphasized suggest suggests suggested maintain
    maintains maintained describe describes described label labels labelled labeled call calls called
    predict predicts predicted promise promises promised complain complains complained recognise
    recognises recognised believe believes believed describe quipped joked told""".split()
)
# More verbs of saying, as bases; their -s/-ed/-ing forms are made below (the pipeline has no lemmatizer).
# "continue" is left out: "monitoring would continue" says nothing.
_MORE_SPEECH = """respond answer counter retort reply fume sigh muse remark comment observe boast lament
    exclaim shout yell scream chant cry plead beg demand allege contend assert testify recount
    praise criticise criticize slam blast dismiss deny denounce hail mock deride dub brand caution advise
    quip joke scoff sneer snap gush rave insist whisper mutter grumble concede predict report point question
    conclude agree disagree charge term tout recommend propose wonder condemn decry lambast characterize
    characterise welcome blame refer""".split()


def _forms(base: str) -> set[str]:
    stem = base[:-1] if base.endswith("e") else base
    ed = (
        base + "d"
        if base.endswith("e")
        else (stem[:-1] + "ied" if base.endswith("y") and base[-2] not in "aeiou" else base + "ed")
    )
    s_form = (
        base + "es"
        if base.endswith(("sh", "ch", "s", "x"))
        else (base[:-1] + "ies" if base.endswith("y") and base[-2] not in "aeiou" else base + "s")
    )
    if base.endswith(("p", "t", "b")) and len(base) <= 4 and base[-2] in "aeiou" and base[-3] not in "aeiou":
        ed, ing = base + base[-1] + "ed", base + base[-1] + "ing"  # snap -> snapped, quip -> quipped
    else:
        ing = stem + "ing"
    return {base, s_form, ed, ing}


# every form of every verb: "adding that ...", "condemned it as ..."
SPEECH = frozenset(f for b in (*SPEECH, *_MORE_SPEECH) for f in _forms(b)) | SPEECH
PRONOUNS = {"he", "she", "they", "i", "we"}
_TO_LISTENER = {"told", "tell", "tells", "telling", "asked", "ask", "asks", "asking", "urged", "urge", "urges"}
# "Mr Reilly" is a he and "Ms Solheim" a she: enough to skip a speaker "he said" cannot mean
_GENDERED_TITLE = re.compile(rf"\b(?:({'|'.join(HE_HONORIFICS)})|({'|'.join(SHE_HONORIFICS)}))\.?\s+$")
TITLE_WORDS = HONORIFICS | {"professor", "president"}  # not part of a name a speaker is known by
# Heads of descriptions that stand for a person ("the Republican nominee", "the senior Tory"); any
# other "the ..." subject is not resolved to the last person named.
PERSON_HEADS = ROLE_HEADS | {
    "nominee", "candidate", "senator", "governor", "congressman", "congresswoman", "lawmaker", "representative",
    "businessman", "businesswoman", "billionaire", "tory", "democrat", "republican", "official", "adviser", "advisor",
    "aide", "diplomat", "politician", "premier", "king", "queen", "prince", "princess", "star", "actor", "actress",
    "singer", "chef", "father", "mother", "wife", "husband", "son", "daughter", "man", "woman", "boy", "girl",
    "veteran", "mogul", "tycoon", "host", "presenter", "author", "writer", "scientist", "doctor", "professor",
    "spokesman", "spokeswoman", "spokesperson", "ambassador", "general", "commander", "sheriff", "attorney", "mp",
    "peer", "baroness", "lord", "frontrunner", "incumbent", "challenger", "leader", "deputy",
}  # fmt: skip
BODY_HEADS = {
    "committee", "ministry", "report", "office", "council", "government", "department", "agency", "company",
    "firm", "union", "police", "court", "party", "group", "panel", "statement", "board", "authority", "trust",
    "commission", "embassy", "spokesman", "spokeswoman", "spokesperson", "mps", "campaigners", "organisers",
    "document",
}  # fmt: skip
_SPOKES = {"spokesman", "spokeswoman", "spokesperson"}
_DOCUMENTS = {"report", "statement", "document"}  # the BODY_HEADS that are papers, not the people who wrote them
# how an article gives a document to its author, between the two: "Oxfam's [latest] report",
# "Oxfam says in a report", "the Audit Office published a report"; and "a report by [the] Audit Office"
_OWNS = re.compile(r"['’]s?\s+(?:[\w-]+\s+){0,2}", re.I)
_ISSUES = re.compile(
    r"\s+(?:says|said|warns|warned|argues|argued|claims|claimed|found|finds|concludes|concluded|published|"
    r"released|issued|produced|commissioned|wrote)\s+(?:in\s+)?(?:a|an|its|his|her|their|the)\s+(?:[\w-]+\s+){0,2}",
    re.I,
)
_BY = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:by|from|of)\s+(?:the\s+)?", re.I)
_OPEN_CLOSE = {"“": "”", '"': '"', "‘": "’"}
# A short quoted phrase in title case is the name of a show, a book or a campaign.
_TITLE_CASE = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|the|and|a|an|in|on|for|to|with|at|It)\s+)*[A-Z][\w'’-]*)*")
# What frames a partial quote as someone's words without a verb of saying: "pounding Trump as a “…”",
# "likened the refugees to a “…”", "called them “…”".
_AS_FRAME = re.compile(r"\b(?:as|like|to)(?:\s+(?:an?|the|his|her|their))?\s*$", re.I)
_NAMING_FRAME = re.compile(
    r"\b(?:call(?:s|ed|ing)?|dub(?:s|bed|bing)?|label(?:s|led|ed|ling|ing)?|brand(?:s|ed|ing)?|term(?:s|ed)?|"
    r"describ(?:e|es|ed|ing)|likened|compar(?:e|es|ed|ing)|prais(?:e|es|ed|ing)|mock(?:s|ed|ing)?)\b[^.!?]{0,60}$",
    re.I,
)
# A quote signed with the speaker's name after a dash, as quote lists and epigraphs print them.
_SIGNED = re.compile(r"[\s.,]*[―—–]\s*((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,3})\s*[.,]?\s*(?=$|\n)")


# A second closing ” a few words after a closed quote, with no opening mark or sentence end between:
# the writer misplaced the first one ('the “discourteous” and inaccurate” comment'), and the quote runs
# to the second. A curly ” closes nothing else, so a stray one can only end the quote before it.
_STRAY_CLOSE = re.compile(r"[^“”\"‘.!?\n]{0,20}?\w[^“”\"‘.!?\n]{0,20}?”(?!\w)")  # (”like: a misprinted “)


@dataclass
class _Span:
    start: int  # offsets of the quoted words (inside the marks) in the article text
    end: int
    paragraph: int
    opened: bool  # begins with a quote mark
    closed: bool  # its closing mark is in this paragraph


def _closing_at(para: str, close: str) -> int | None:
    """Where `close` first closes a quote in `para` (a ’ inside a word is an apostrophe)."""
    for j, c in enumerate(para):
        if c == close and (close != "’" or j + 1 == len(para) or not para[j + 1].isalnum()):
            return j
    return None


def _opens_next_sentence(para: str, j: int) -> bool:
    """A straight quote mark at j that opens a new quoted sentence: after ". " and before a word."""
    return j >= 2 and para[j - 1] == " " and para[j - 2] in ".!?" and j + 1 < len(para) and para[j + 1].isalnum()


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of an article's text (paragraphs are separated by a blank line)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for chunk in text.split("\n\n"):
        out.append((pos, pos + len(chunk)))
        pos += len(chunk) + 2
    return out


def find_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[_Span]:
    """Quoted stretches of each paragraph; an unclosed quote runs to the paragraph's end."""
    spans: list[_Span] = []
    for pi, (ps, pe) in enumerate(paragraphs):
        para = text[ps:pe]
        i = 0
        taken: list[tuple[int, int]] = []
        last = spans[-1] if spans else None
        if last is not None and last.paragraph == pi - 1 and not last.closed and para[:1] not in '“"‘':
            # the quote left open goes on here, printed without an opening mark: its closing mark (curly
            # or single; a straight one could as well open a new quote) ends it
            close = _OPEN_CLOSE.get(text[last.start - 1], "")
            close = "" if close == '"' else close  # a straight mark could as well open a new quote
            j = _closing_at(para, close) if close else None
            if close and j is not None and not any(c in para[:j] for c in '“"‘' if c != close):
                spans.append(_Span(ps, ps + j, pi, False, True))
                i = j + 1
        while i < len(para):
            ch = para[i]
            if ch in '“"' or (ch == "‘" and (i == 0 or not para[i - 1].isalnum())):
                close = _OPEN_CLOSE[ch]
                j = i + 1
                run_on = False
                while j < len(para):
                    if ch == '"' and para[j] == '"' and _opens_next_sentence(para, j):
                        run_on = True  # '"A. "B."': A's closing mark was lost with its paragraph break
                        break
                    if para[j] == close and (close != "’" or j + 1 == len(para) or not para[j + 1].isalnum()):
                        break
                    if ch == '"' and para[j] == "“":
                        break
                    j += 1
                closed = j < len(para) and not run_on
                if run_on:
                    inner_s, inner_e = i + 1, j - 1
                    if para[inner_s:inner_e].strip():
                        taken.append((inner_s, inner_e))
                        spans.append(_Span(ps + inner_s, ps + inner_e, pi, True, False))
                    i = j
                    continue
                if ch == "‘" and not closed and i > 0 and not para[:i].rstrip().endswith((":", ",")):
                    i += 1  # a stray apostrophe, not an unclosed quote in mid-paragraph
                    continue
                if closed and close == "”" and (stray := _STRAY_CLOSE.match(para, j + 1)):
                    j = stray.end() - 1  # '“discourteous” and inaccurate”': the first ” was misplaced
                inner_s, inner_e = i + 1, j
                if para[inner_s:inner_e].strip():
                    taken.append((inner_s, inner_e))
                    spans.append(_Span(ps + inner_s, ps + inner_e, pi, True, closed))
                i = j + 1
            else:
                i += 1
    return spans


def _speech_verb(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.text.lower() in SPEECH


def _subject(verb: Any, quoted: list[bool] | None = None) -> Any | None:
    """Who does the saying; never a word inside a quote (`quoted`, by character), however it parsed."""
    for child in verb.children:  # passive: "was accused of ... by a Labour MP"
        if child.dep_ == "agent":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
    if any(c.dep_ == "nsubjpass" for c in verb.children) and any(c.dep_ == "auxpass" for c in verb.children):
        # "was accused of being a “stooge” by a Labour MP", the agent parsed under the quote: the
        # one accused is not the speaker
        for t in verb.subtree:
            if t.i > verb.i and t.lower_ == "by" and t.dep_ == "prep" and (quoted is None or not quoted[t.idx]):
                objs = [c for c in t.children if c.dep_ == "pobj"]
                if objs and (objs[0].ent_type_ == "PERSON" or objs[0].lower_ in PERSON_HEADS):
                    return objs[0]
    for child in verb.children:
        if quoted is not None and quoted[child.idx]:
            continue  # '"It the winter," said Tom Reilly.' can parse with "It" as the subject of "said"
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.text.lower() in ("which", "who", "that") and verb.dep_ == "relcl":
                if child.dep_ == "nsubjpass":
                    continue  # "a reality that should be recognised": what is said, not who says it
                return verb.head  # "a report which recognises ..."
            if child.text.lower() in ("which", "that") and child.dep_ == "nsubj":
                # "a report published Wednesday, by the foreign affairs panel, that refers to ...", parsed as a
                # verb of its own: the noun just before the relative pronoun, not the sentence's subject
                before = child.i - 1
                while before > verb.sent.start and verb.doc[before].is_punct:
                    before -= 1
                if before >= verb.sent.start and verb.doc[before].pos_ in ("NOUN", "PROPN"):
                    return verb.doc[before]
            if child.text.lower() not in ("it", "this", "that", "which"):
                return child
    if verb.dep_ == "pcomp" and verb.head.text.lower() == "as" and verb.head.head.pos_ == "VERB":
        # "The paper quoted a spokesman as saying": the spokesman; "Mr Browne quoted its plan as
        # saying": the plan is his source, and he the one quoting it; "was quoted as saying": its subject
        quoting = verb.head.head
        obj = next((c for c in quoting.children if c.dep_ == "dobj"), None)
        if obj is not None and (obj.ent_type_ in ("PERSON", "ORG") or obj.lemma_.lower() in PERSON_HEADS):
            return obj
        return _subject(quoting, quoted)
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb and verb.head.pos_ in ("VERB", "AUX"):
        # "labelled ... and urged ...", "welcomed it, saying ...", "used it to promise"
        return _subject(_past_reported(verb.head), quoted)
    if verb.dep_ == "ROOT" and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        # "In an article for the Times, Ms Dunwoody, who chairs ..., says:" can parse with the name as an
        # apposition of what comes before it and the verb with no subject: the name before the verb
        named = [
            t for t in verb.sent
            if t.i < verb.i and t.dep_ == "appos" and t.ent_type_ == "PERSON" and (quoted is None or not quoted[t.idx])
        ]  # fmt: skip
        if named:
            return named[-1]
    # "..., said Wang." / "said Mr Han" is sometimes parsed with the name as an object (but whoever
    # is told or asked something is the listener: "told BBC News")
    for t in verb.doc[verb.i + 1 : verb.i + 4] if verb.text.lower() not in _TO_LISTENER else ():
        if t.pos_ == "PROPN" and t.ent_type_ in ("PERSON", "ORG"):
            return t
        if t.pos_ not in ("PROPN", "DET", "ADJ"):
            break
    return None


def _cue(verb: Any) -> str:
    """The verb with what says where or to whom: "told Sky News", "accused ... of"."""
    words = [verb.text]
    for child in verb.rights:
        if child.dep_ in ("dobj", "dative") and child.pos_ == "PROPN":
            words.append(" ".join(t.text for t in child.subtree))
            break
        if (
            child.dep_ == "prep"
            and child.text.lower() in ("of", "to")
            and verb.text.lower() in ("accused", "told", "accuses")
        ):
            words.append("… " + child.text)
            break
    return " ".join(words)


def _noun_phrase(tok: Any) -> Any:
    """The subject's words without appositions or relative clauses."""
    left = tok
    for t in tok.lefts:
        if t.dep_ in ("det", "amod", "compound", "poss", "nmod", "nummod"):
            left = t if t.i < left.i else left
        if t.dep_ == "poss" and t.left_edge.i < left.i:  # "the charity's director": the possessor's own "the"
            left = t.left_edge
    return tok.doc[left.i : tok.i + 1]


_NAMED_BODIES = {"committee", "panel", "commission", "council", "board", "inquiry"}
_NOT_PARTY = {"The", "British", "UK", "US", "Commons", "Senate", "House"}  # "Tory MPs" speak for no committee
_MEMBERS = {"mps", "lawmakers", "legislators", "peers"}  # the members of a committee, speaking as it


def _named_body(phrase: Any) -> str | None:
    """The name an article gave a body it now calls "the committee": its last earlier phrase with that
    head and a capitalised word before it ("the Commons work and pensions committee")."""
    head = phrase[-1].text.lower()
    for tok in reversed(phrase.doc[: phrase.start]):
        if tok.text.lower() != head:
            continue
        np = _noun_phrase(tok)
        words = [t for t in np if t.dep_ not in ("det", "poss", "case")]
        if len(words) > 1 and any(t.text[:1].isupper() for t in words[:-1]):
            return " ".join(t.text for t in words)
    return None


def _body_subject_before(doc: Any, pos: int, start: int, ctx: _Context) -> tuple[str, str] | None:
    """Who "it said" is: the last body that was a main clause's subject between `start` (the
    paragraph's start) and `pos` ("The committee reached its conclusions ... It warned that ...")."""
    for tok in reversed(doc[: doc.char_span(pos, pos + 1, alignment_mode="expand").start]):
        if tok.idx < start:
            return None
        if tok.dep_ not in ("nsubj", "nsubjpass") or tok.text.lower() in ("it", "this", "that", "which"):
            continue
        if ctx.in_quote and ctx.in_quote[tok.idx]:
            continue
        if tok.head.dep_ != "ROOT":
            continue
        name, kind = ctx.resolve(_noun_phrase(tok), _subtree(tok))
        return (name, kind) if name and kind == "body" else None
    return None


def _past_reported(head: Any) -> Any:
    """The clause a trailing "describing it as" belongs to: not a clause the sentence reports ("It warned
    that it could be years before the CSA was fit, describing it as ..." is the warning's, not the CSA's)."""
    while (
        head.dep_ in ("advcl", "ccomp")
        and head.head is not head
        and any(c.dep_ == "mark" for c in head.children)
        and not _speech_verb(head)
    ):
        head = head.head
    return head


def _it_subject(verb: Any) -> Any | None:
    """An "it" that does the saying ("It warned that ...", "..., describing it as"), which `_subject` leaves out."""
    while True:
        it = next((c for c in verb.children if c.dep_ == "nsubj" and c.text.lower() == "it"), None)
        if it is not None:
            return it
        if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb and verb.head.pos_ in ("VERB", "AUX"):
            verb = _past_reported(verb.head)
            continue
        return None


def _propn_name(tok: Any) -> str | None:
    """A name the tagger missed: "Gareth Mills" from its PROPN compound chain, titles dropped."""
    if tok.pos_ != "PROPN":
        return None
    words = [t for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN" and t.i < tok.i]
    chain = [t.text for t in [*words, tok] if t.text.lower().rstrip(".") not in TITLE_WORDS]
    return " ".join(chain) or None


def _subtree(tok: Any) -> Any:
    """The subject with its appositions and modifiers, but not its relative clauses."""
    lo, hi = tok.i, tok.i
    for t in tok.subtree:
        if t.dep_ in ("relcl", "acl") or any(
            a.dep_ in ("relcl", "acl") for a in t.ancestors if a.i != tok.i and a in tok.subtree
        ):
            continue
        lo, hi = min(lo, t.i), max(hi, t.i)
    return tok.doc[lo : hi + 1]


def _main_clause_at(doc: Any, char: int) -> bool:
    """Whether the subject at `char` belongs to its sentence's main clause (its verb the root, or
    joined to it by "and"), not to a clause inside it ("if Mr Blunkett could return", "that he led")."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None or not len(span):
        return False
    tok = span[0]
    while tok.dep_ in ("appos", "compound", "flat") and tok.head is not tok:
        tok = tok.head
    verb = tok.head
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    return verb.dep_ == "ROOT"


@lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """First name -> "he"/"she", as real news gives them titles (built by scripts/build_first_names.py)."""
    return dict(json.loads(Path(__file__).with_name("first_names.json").read_text("utf-8"))["names"])


class _Context:
    """What the article has said so far: who spoke last, who was named last, roles."""

    def __init__(self, mentions: list[Mention], roles: dict[str, list[str]], text: str = "", doc: Any = None) -> None:
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.doc = doc  # the parse, where a phrase's role in its sentence says who it stands for
        self._authoring: set[int] = set()  # the papers whose author is being looked for (no cycles)
        self.roles = roles
        self.text = text
        self.in_quote: list[bool] = []  # per character of `text`, whether it is inside a quote (set once found)
        self.events: list[tuple[int, str, str]] = []  # (position, canonical, kind) of named speakers so far
        self.subjects: list[tuple[int, str]] = []  # (position, canonical) of people who are a verb's subject
        # ... of a main clause's verb: who a sentence is about, where "he" and "she" look first ("Asked if
        # Mr Blunkett could return, he replied" is not Mr Blunkett's reply)
        self.main_subjects: list[tuple[int, str]] = []
        self.pronoun: dict[str, str] = {}  # canonical -> "he"/"she", from the titles the article gives them
        for m in self.mentions:
            if m.label != "PERSON":
                continue
            first = (m.text.split() or [""])[0]  # the title before the name, or inside the mention
            t = _GENDERED_TITLE.search(text[max(0, m.start - 8) : m.start]) or _GENDERED_TITLE.search(first + " ")
            if t:
                self.pronoun.setdefault(m.canonical, "he" if t.group(1) else "she")
                self.pronoun.setdefault(m.canonical.split()[-1], "he" if t.group(1) else "she")
        names = first_names()  # where no title says, a first name may: "Sue Essex" is a she
        for m in self.mentions:
            words = m.canonical.split()
            if m.label == "PERSON" and len(words) > 1 and m.canonical not in self.pronoun and words[0] in names:
                self.pronoun[m.canonical] = names[words[0]]

    def fits(self, name: str | None, pronoun: str) -> bool:
        """Whether "he"/"she" can be this person: yes unless a title (for them or their surname) says otherwise."""
        words = (name or "").split()
        known = self.pronoun.get(name or "") or (self.pronoun.get(words[-1]) if words else None)
        if words and words[-1] in ("spokesman", "spokeswoman"):  # "the prime minister's official spokesman"
            known = "he" if words[-1] == "spokesman" else "she"
        return known in (None, pronoun)

    def mention_at(self, start: int, end: int) -> Mention | None:
        """The named entity that heads a phrase (its last word), if any."""
        inside = [
            m for m in self.mentions if m.start < end and end <= m.end + 1 and m.label in ("PERSON", "ORG", "GPE")
        ]
        return max(inside, key=lambda m: m.end - m.start) if inside else None

    def by_word(self, words: list[str]) -> str | None:
        """'Cleverly' or 'Mr Han' -> the full name of the article that contains the word."""
        names = {m.canonical for m in self.mentions if m.label == "PERSON" and " " in m.canonical}
        bare = [w for w in words if w.lower().rstrip(".") not in TITLE_WORDS]
        if not bare:
            return None
        hits = sorted({n for n in names if all(w in n.split() for w in bare)})
        return hits[0] if len(hits) == 1 else None

    def reported_subjects(self, verb: Any) -> set[str]:
        """The people who are subjects of what a verb of saying reports: in "Mr Blair has failed,
        he claimed" the "he" who claims is not Mr Blair, the one claimed about."""
        clauses = [verb.head] if verb.dep_ in ("parataxis", "ccomp") and verb.head is not verb else []
        clauses += [c for c in verb.children if c.dep_ == "ccomp"]
        out = set()
        for clause in clauses:
            for c in clause.children:
                if c.dep_ in ("nsubj", "nsubjpass") and (m := self.mention_at(c.idx, c.idx + len(c.text))):
                    out.add(m.canonical)
        return out

    def by_role(self, desc: str) -> str | None:
        """The one person whose role, as the article gives it, is this capitalised title or begins with it."""
        if not desc:
            return None
        hits = {
            name
            for name, roles in self.roles.items()
            for r in roles
            if r[:1].isupper() and (r.lower() == desc or r.lower().startswith(desc + " "))
        }
        return hits.pop() if len(hits) == 1 else None

    def last_speaker_before(self, pos: int) -> tuple[str, str] | None:
        done = [e for e in self.events if e[0] < pos]
        return (done[-1][1], done[-1][2]) if done else None

    def document_owner(self, head: str, pos: int) -> str | None:
        """Whose report "the report said" is: the organisation or person the article last gives one
        to before `pos`, outside quotes ("Oxfam says in a report", "Oxfam's report", "a report by the
        Audit Office"); None when the report the article last names before it has no such author."""
        for hit in reversed(list(re.finditer(rf"\b{re.escape(head)}s?\b", self.text[:pos], re.I))):
            if self.in_quote and self.in_quote[hit.start()]:
                continue
            if self.text[max(0, hit.start() - 4) : hit.start()].lower() == "the ":
                continue  # "the report" points back to the report; it does not introduce one
            near = [m for m in self.mentions if m.label in ("ORG", "PERSON") and abs(m.start - hit.start()) < 80]
            for m in near:
                if m.end <= hit.start():
                    between = self.text[m.end : hit.start()]
                    if _OWNS.fullmatch(between) or _ISSUES.fullmatch(between):
                        return m.canonical
                elif _BY.fullmatch(self.text[hit.end() : m.start]):
                    return m.canonical
            tok = self._token_at(hit.start())
            if tok is not None:  # "Her committee has published a report which ...": the parse gives its author
                return self.body_of(_noun_phrase(tok), tok)
            return None  # the report last introduced has no author the article names
        return None

    def _token_at(self, pos: int) -> Any | None:
        if self.doc is None:
            return None
        span = self.doc.char_span(pos, pos + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def committee_of(self, pos: int) -> str | None:
        """Who "the MPs" or "lawmakers" are in a report on a committee's work: the committee the article
        last names before `pos`, else one it names in the next paragraph ("a report by British MPs said
        ... The report by the Foreign Affairs Committee")."""
        bodies = [
            m for m in self.mentions
            if m.label == "ORG" and m.canonical.split()[-1].lower() in _NAMED_BODIES
            and not (self.in_quote and self.in_quote[m.start])
        ]  # fmt: skip
        before = [m for m in bodies if m.end <= pos]
        if before:
            return before[-1].canonical
        after = [m for m in bodies if m.start >= pos and self.text.count("\n\n", pos, m.start) <= 1]
        return after[0].canonical if after else None

    def _body_named(self, tok: Any | None) -> str | None:
        """The body a word stands for, when resolving it names one other than the word itself."""
        if tok is None:
            return None
        name, kind = self.resolve(_noun_phrase(tok), _subtree(tok))
        return name if name and kind == "body" and name.lower() != tok.text.lower() else None

    def _author(self, paper: Any) -> str | None:
        """Who wrote a paper: "the report by X", "X has published a report which ...", "a report
        published Wednesday, by the foreign affairs panel" (however that "by" parsed)."""
        for prep in paper.children:
            if prep.dep_ == "prep" and prep.text.lower() in ("by", "from"):
                if name := self._body_named(next((c for c in prep.children if c.dep_ == "pobj"), None)):
                    return name
        if paper.dep_ == "dobj" and paper.head.pos_ == "VERB":
            subj = next((c for c in paper.head.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.lower_ not in ("it", "which", "that", "who") and (name := self._body_named(subj)):
                return name
        after = re.match(r"[^.;:“”\"\n]{0,40}?\bby\s+", self.text[paper.idx + len(paper.text) :])
        tok = self._token_at(paper.idx + len(paper.text) + after.end()) if after else None
        while tok is not None and tok.dep_ in ("det", "compound", "amod") and tok.head is not tok:
            tok = tok.head
        return self._body_named(tok) if tok is not None and tok.pos_ in ("NOUN", "PROPN") else None

    def body_of(self, phrase: Any, root: Any) -> str | None:
        """The body a phrase with a body's or a paper's head stands for, where its own words or its place
        in the sentence say: "the report by the Foreign Affairs Committee", "her committee" (the one
        the article makes her chair of), "the foreign affairs panel" (the Foreign Affairs Committee),
        "the committee has published a report which ..." (the committee's)."""
        head = root.text.lower()
        if head in _DOCUMENTS or head.rstrip("s") in _DOCUMENTS:
            if root.i in self._authoring:  # a parse that leads from a paper back to itself
                return None
            self._authoring.add(root.i)
            try:
                return self._author(root)
            finally:
                self._authoring.discard(root.i)
        if head not in _NAMED_BODIES:
            return None
        poss = [t for t in root.children if t.dep_ == "poss" and t.lower_ in ("her", "his")]
        if poss:  # "Her committee": the body the article makes the last such person a member of
            people = [
                m.canonical for m in self.mentions
                if m.label == "PERSON" and m.end <= phrase.start_char and self.fits(m.canonical, "she" if poss[0].lower_ == "her" else "he")
            ]  # fmt: skip
            for name in reversed(people):
                for role in self.roles.get(name, []):
                    body = next((p for p in role.split(", ") if p.split()[-1:] == [head.capitalize()]), None)
                    if body:
                        return body
            return None
        own = [t for t in phrase if t.dep_ not in ("det", "poss", "case")]
        if len(own) > 1 and any(t.text[:1].isupper() for t in own[:-1]):
            # "the Commons work and pensions committee": a name in itself, the tagger's or not
            m = self.mention_at(phrase.start_char, phrase.end_char)
            return m.canonical if m is not None and m.label == "ORG" else " ".join(t.text for t in own)
        mods = [t.lower_ for t in phrase if t.dep_ in ("compound", "amod") and t.i < root.i]
        if mods and all(t.islower() for t in phrase.text.split()):  # "the foreign affairs panel"
            hits = {
                m.canonical for m in self.mentions
                if m.label == "ORG" and m.canonical.split()[-1].lower() in _NAMED_BODIES
                and all(w in m.canonical.lower().split() for w in mods)
            }  # fmt: skip
            if len(hits) == 1:
                return hits.pop()
        return None

    def named_later(self, phrase: Any) -> str | None:
        """Who "a Labour MP" is when the article goes on to name one person of that party and none
        before it ("... by a Labour MP. ... called on Labour's Sir Chris Bryant to withdraw the
        comment"); None for a source kept anonymous or a party the article ties to several people."""
        party = [t.text for t in phrase[1:-1] if t.text[:1].isupper() and t.text not in _NOT_PARTY]
        sent = phrase[-1].sent.text.lower()
        if len(party) != 1 or any(w in sent for w in ("anonym", "not to be named", "unnamed", "not authori")):
            return None
        tie = re.compile(
            rf"\b{re.escape(party[0])}(?:['’]s\s+(?:(?:Sir|Dame|Lord|Baroness|Dr|Mr|Mrs|Ms|Sen\.|Rep\.)\s+)?"
            rf"|\s+(?:{'|'.join(sorted(PERSON_HEADS))})\s+)$",
            re.I,
        )  # "Labour's Sir Chris Bryant", "Labour MP Chris Bryant": the party tied to the name before it
        tied = {
            m.canonical for m in self.mentions
            if m.label == "PERSON" and tie.search(self.text[max(0, m.start - 40) : m.start])
        }  # fmt: skip
        if len(tied) != 1:
            return None
        name = tied.pop()
        first = min(m.start for m in self.mentions if m.canonical == name)
        return name if first > phrase.end_char else None

    def last_person_before(self, pos: int) -> str | None:
        people = [m for m in self.mentions if m.label == "PERSON" and m.end <= pos]
        return people[-1].canonical if people else None

    def resolve(self, phrase: Any, subtree: Any = None) -> tuple[str | None, str]:
        """Canonical name and kind ("person", "body", "other") of a speaker phrase.

        `subtree` is the subject with its appositions: "the airport's chief executive, Nadia Rahman".
        """
        root = phrase[-1]
        named = [x for x in self.mentions if x.label == "PERSON" and x.start <= root.idx < x.end]
        appos = [
            x
            for t in root.children
            if t.dep_ == "appos"
            for x in self.mentions
            if x.label == "PERSON" and x.start <= t.idx < x.end
        ]
        if appos and not named:  # "The Lord Chief Justice, Lord Woolf, who is ..., said": the name, not the title
            return appos[0].canonical, "person"
        lead = [t.text.lower() for t in phrase]
        if not named and lead and lead[0] == "the" and (name := self.by_role(" ".join(lead[1:]))):
            return name, "person"  # "the Archbishop of Canterbury said": the one person the article gives that title
        if subtree is not None and len(subtree) <= 12:
            people = [
                x
                for x in self.mentions
                if x.label == "PERSON" and subtree.start_char <= x.start and x.end <= subtree.end_char
            ]
            own = [x for x in people if x.start <= root.idx < x.end]
            appos = [t for t in root.children if t.dep_ == "appos" and t.pos_ == "PROPN"]
            if own:
                return own[0].canonical, "person"
            if appos and root.text.lower() in ROLE_HEADS:  # "the chief executive, Nadia Rahman,"
                name = _propn_name(appos[0])
                if name:
                    return self.by_word(name.split()) or name, "person"
            if people:
                return people[0].canonical, "person"
        words = [t.text.lower() for t in phrase]
        head = words[-1] if words else ""
        party = [t for t in phrase[:-1] if t.text[:1].isupper() and t.text not in _NOT_PARTY]
        if head in _MEMBERS and not party and (body := self.committee_of(phrase.start_char)):
            return body, "body"  # "The MPs said": the committee whose report the article is reporting
        if head in BODY_HEADS and (body := self.body_of(phrase, root)):
            return body, "body"
        m = self.mention_at(phrase.start_char, phrase.end_char)
        if m is not None:
            return m.canonical, "person" if m.label == "PERSON" else "body"
        if phrase[-1].pos_ == "PROPN" and (name := self.by_word([t.text for t in phrase])):
            return name, "person"
        if (
            (name := _propn_name(phrase[-1]))
            and phrase[-1].ent_type_ not in ("ORG", "GPE", "NORP", "LOC", "FAC")
            and head not in PERSON_HEADS  # "the Ealing North MP" is a description, not a name
        ):
            return name, "person"  # a name the tagger did not mark
        last = self.last_speaker_before(phrase.start_char)
        if len(words) == 1 and head in ("he", "she"):
            pos = phrase.start_char
            reported = self.reported_subjects(phrase[-1].head)
            subj = [e for e in self.main_subjects if e[0] < pos and self.fits(e[1], head) and e[1] not in reported]
            events = [e for e in self.events if e[0] < pos and (e[2] != "person" or self.fits(e[1], head))]
            last = (events[-1][1], events[-1][2]) if events else None
            if subj and (last is None or last[1] != "person" or subj[-1][0] > events[-1][0]):
                return subj[-1][1], "person"
            if last and last[1] == "person":
                return last
            people = [m for m in self.mentions if m.label == "PERSON" and m.end <= pos and self.fits(m.canonical, head)]
            return (people[-1].canonical if people else None), "person"
        if len(words) == 1 and head in PRONOUNS:  # "they", "we", "I": whoever spoke last
            return last or (None, "other")
        if head in _SPOKES and not self.mention_at(phrase.start_char, phrase.end_char):
            possessor = [t for t in phrase if t.dep_ == "poss" and t.head.i == root.i and t.pos_ == "NOUN"]
            if possessor:  # "the prime minister's official spokesman": someone the article names by that description
                return phrase.text, "person"
            if words == ["the", head]:  # "the spokesman said" again: the one it described
                before = [e for e in self.events if e[0] < phrase.start_char and e[1].endswith(f" {head}")]
                if before:
                    return before[-1][1], "person"
        if head in BODY_HEADS or (head.endswith("s") and head[:-1] in BODY_HEADS):
            if subtree is not None and len(subtree) <= 12:
                inner = [
                    x
                    for x in self.mentions
                    if x.label == "ORG" and subtree.start_char <= x.start and x.end <= subtree.end_char
                ]
                if inner:  # "a spokesman for the insurer, Harbourside Mutual"
                    return inner[-1].canonical, "body"
            if head.rstrip("s") in _DOCUMENTS and (owner := self.document_owner(head.rstrip("s"), phrase.start_char)):
                return owner, "body"  # "the report said": the report Oxfam published
            orgs = [
                x for x in self.mentions
                if x.label == "ORG" and x.end <= phrase.end_char and head.rstrip("s") in x.canonical.lower()
            ]  # fmt: skip
            if orgs:
                return orgs[-1].canonical, "body"
            if head in _NAMED_BODIES and (name := _named_body(phrase)):
                return name, "body"  # "the committee": "the Commons work and pensions committee" the article named
            if head not in ("report", "statement", "document", "reports", "mps", "police"):  # "the company", "a spokesman"
                bodies = [e for e in self.events if e[0] < phrase.start_char and e[2] == "body"]
                if bodies:
                    return bodies[-1][1], "body"
                named = [x for x in self.mentions if x.label == "ORG" and x.end <= phrase.start_char]
                if named:
                    return named[-1].canonical, "body"
            if head.rstrip("s") in _DOCUMENTS and words[0] == "the":
                done = [e for e in self.events if e[0] < phrase.start_char and e[2] != "other"]
                if done and "\n\n" not in self.text[done[-1][0] : phrase.start_char]:
                    # "Mr Houston is alleged to have said ... The document reportedly said": the paper of
                    # whoever this paragraph has just reported, where the article names no author
                    return done[-1][1], done[-1][2]
            return phrase[-1].text, "body"  # an unnamed body: "report", "committee"
        if words and words[0] in ("a", "an") and head in PERSON_HEADS and (name := self.named_later(phrase)):
            return name, "person"  # "a Labour MP", named further on as "Labour's Sir Chris Bryant"
        if words and words[0] == "the":  # "the senior Tory", "the Foreign Secretary": someone already named
            if head not in PERSON_HEADS:  # "the newspaper", "the video": not a person named before
                inside = [x for x in self.mentions if phrase.start_char <= x.start and x.end <= phrase.end_char]
                if inside and inside[-1].label in ("ORG", "PERSON"):  # "the state-backed Global Times newspaper"
                    return inside[-1].canonical, "person" if inside[-1].label == "PERSON" else "body"
                return phrase.text, "other"
            desc = " ".join(words[1:])
            place = next((t.text for t in phrase if t.dep_ == "poss" and t.ent_type_ in ("GPE", "NORP")), None)
            if place:  # "the US's top diplomat": the one person named so far whose role is the US's
                hits = {
                    m.canonical for m in self.mentions
                    if m.label == "PERSON" and m.end <= phrase.start_char
                    and any(r.split()[:1] == [place] for r in self.roles.get(m.canonical, []))
                }  # fmt: skip
                if len(hits) == 1:
                    return hits.pop(), "person"
            for name, roles in self.roles.items():
                if any(desc == r.lower() or desc in r.lower().split(", ")[0] for r in roles):
                    return name, "person"
            if last and last[1] == "person":
                return last
            return self.last_person_before(phrase.start_char), "person"
        return phrase.text, "other"


def extract_quotes(
    doc: Any,
    text: str,
    mentions: list[Mention],
    roles: dict[str, list[str]],
    sentence_of: list[int],
    chooser: bool = True,
) -> list[Quote]:
    """Every quote of one article, in order, with speaker, cue, offsets and confidence.

    The rules propose a speaker; the learned chooser (`speakers.choose`) then weighs every
    candidate the article offers, the rules' pick among them. `chooser=False` keeps the rules' pick
    (with its span): the eval's baseline."""
    found = quote_candidates(doc, text, mentions, roles, sentence_of)
    return speakers.choose(found, sentence_of) if chooser else [f.quote for f in found if f.ruled_in]


def quote_candidates(
    doc: Any, text: str, mentions: list[Mention], roles: dict[str, list[str]], sentence_of: list[int]
) -> list[Found]:
    """Every quoted span with its candidate speakers (what the chooser and its trainer read): the
    rules' quotes (`ruled_in`), and the spans they leave out as scare quotes or titles."""
    paragraphs = paragraph_spans(text)
    spans = find_spans(text, paragraphs)
    ctx = _Context(mentions, roles, text, doc)
    in_quote = [False] * (len(text) + 1)
    for s in spans:
        for k in range(max(0, s.start - 1), min(len(text), s.end + 1)):
            in_quote[k] = True
    ctx.in_quote = in_quote
    # speech verbs outside quotes, with the sentence they govern
    verbs = [t for t in doc if _speech_verb(t) and not in_quote[t.idx]]
    for m in ctx.mentions:
        if m.label == "PERSON" and not in_quote[m.start]:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            r = span.root if span is not None else None
            if r is not None and (
                r.dep_ in ("nsubj", "nsubjpass") or (r.dep_ == "appos" and r.head.dep_ in ("nsubj", "nsubjpass"))
            ):
                ctx.subjects.append((m.start, m.canonical))
    for t in doc:  # subjects that are names the tagger missed ("Bellini, 47, fired back")
        if t.dep_ in ("nsubj", "nsubjpass") and not in_quote[t.idx] and t.ent_type_ in ("", "PERSON"):
            name = _propn_name(t)
            tagged = next((m for m in ctx.mentions if m.label == "PERSON" and m.start <= t.idx < m.end), None)
            if tagged is not None:  # "Prime Minister Yulia Tymoshenko said": the name, not its title words
                if not any(p == tagged.start for p, _n in ctx.subjects):
                    ctx.subjects.append((tagged.start, tagged.canonical))
            elif name and t.text.lower() not in PERSON_HEADS and not any(p == t.idx for p, _n in ctx.subjects):
                # ("the Salford MP" is a description, not a name: who it is, the article says elsewhere)
                ctx.subjects.append((t.idx, ctx.by_word(name.split()) or name))
    ctx.subjects.sort()
    ctx.main_subjects = [(p, n) for p, n in ctx.subjects if _main_clause_at(doc, p)]
    for v in verbs:  # "X said she had spoken to ..." makes X the last speaker, quote or not
        subj = _subject(v, in_quote)
        if subj is not None:
            phrase = _noun_phrase(subj)
            tree = _subtree(subj)
            people = [
                x for x in ctx.mentions if x.label == "PERSON" and tree.start_char <= x.start and x.end <= tree.end_char
            ]
            # the name the subject's head is ("Fostering Network executive director Robert Tapsfield" is Tapsfield)
            people = [x for x in people if x.start <= subj.idx < x.end] or people
            who = people[0] if people and len(tree) <= 12 else ctx.mention_at(phrase.start_char, phrase.end_char)
            name = (
                who.canonical
                if who is not None
                else ctx.by_word([t.text for t in phrase])
                if phrase[-1].pos_ == "PROPN"
                else None
            )
            if name is None and who is None and phrase[-1].text.lower() in _SPOKES:
                said, _k = ctx.resolve(phrase, tree)  # "the prime minister's official spokesman said"
                name = said if said and said.endswith(f" {phrase[-1].text.lower()}") else None
            if name:
                ctx.events.append((v.idx, name, "person" if who is None or who.label == "PERSON" else "body"))
    ctx.events.sort()
    out: list[Quote] = []
    dropped: list[tuple[Quote, dict[str, float]]] = []  # spans the rules do not take as quotes, and why
    shapes: dict[int, dict[str, float]] = {}  # what each kept span looks like (by start)
    prev: Quote | None = None
    cued: set[int] = set()  # quotes with an attribution of their own
    for s in spans:
        qtext = text[s.start : s.end].strip()
        # the attribution may be its own sentence right after the closing mark ('... homes?" Mr Grant said.')
        sent = doc.char_span(max(0, s.start - 2), min(len(text), s.end + 3), alignment_mode="expand")
        sentences = {t.sent.start for t in sent} if sent is not None and len(sent) else set()
        pstart, pend = paragraphs[s.paragraph]
        cands = [v for v in verbs if v.sent.start in sentences and pstart <= v.idx < pend]
        # a verb after the quote that introduces a quote of its own ('"... the border." Mr Beddow called
        # them "impressive"', '... Mr Morgan said: "..."') attributes that one, not this one
        # (a quote that ends its sentence: '"My hope," he said, "is ..."' is one quote cut by its attribution)
        if text[s.end - 1 : s.end] in (".", "!", "?", "…") or text[s.end + 1 : s.end + 2] in (".", "!", "?"):
            cands = [
                v for v in cands
                if v.idx < s.end
                or not (
                    any(v.idx < o.start < v.sent.end_char for o in spans)
                    or any(c.dep_ == "ccomp" and c.idx > v.idx for c in v.children)  # "X said 2,000 had come"
                )
            ]  # fmt: skip
        if prev is not None and prev.paragraph == s.paragraph and not text[prev.end + 1 : s.start - 1].strip():
            # '"... it is anger." "This will mean ..." Mike German said': a quote right after the last
            # one goes on with its speaker unless its own sentence has a verb of saying
            own = doc.char_span(s.start, s.end, alignment_mode="expand")
            own_sents = {t.sent.start for t in own} if own is not None and len(own) else set()
            cands = [v for v in cands if v.sent.start in own_sents and s.start <= v.idx < s.end + 3] or (
                [] if prev.speaker else cands
            )
        speaker = canonical = cue = role = None
        kind = "other"
        if cands:
            cued.add(s.start)
            # the nearest verb of saying that has a subject ("maintaining sea walls" has none; "says" has)
            by_distance = sorted(cands, key=lambda v: min(abs(v.idx - s.start), abs(v.idx - s.end)))
            verb = next((v for v in by_distance if _subject(v, in_quote) is not None), by_distance[0])
            subj = _subject(verb, in_quote)
            cue = _cue(verb)
            if subj is not None:
                phrase = _noun_phrase(subj)
                speaker = phrase.text
                canonical, kind = ctx.resolve(phrase, _subtree(subj))
            elif (it := _it_subject(verb)) is not None and not in_quote[it.idx]:
                body = _body_subject_before(doc, it.idx, pstart, ctx)
                if body is not None:
                    speaker, (canonical, kind) = it.text, body
        if canonical is None and s.closed:  # '“...” ― Pamela Padilla': a name signed after a dash
            signed = _SIGNED.match(text, s.end + 1, pend)
            if signed:
                signer = ctx.mention_at(signed.start(1), signed.end(1))
                speaker = signed.group(1)
                canonical = signer.canonical if signer is not None else ctx.by_word(speaker.split()) or speaker
                kind = "person" if signer is None or signer.label == "PERSON" else "body"
                cued.add(s.start)
        if canonical is None and not cands and s.closed:
            # 'But he said the NHS needed to change. "We do need a consistent approach."': a quote right
            # after a sentence in which a person says something goes on with that person
            lead = [
                v for v in verbs
                if pstart <= v.idx < s.start and (prev is None or v.idx > prev.end) and v.sent.end_char <= s.start
            ]  # fmt: skip
            if lead and not text[lead[-1].sent.end_char : s.start - 1].strip():
                in_sent = [v for v in lead if v.sent.start == lead[-1].sent.start]
                main = next((v for v in in_sent if v.dep_ == "ROOT"), in_sent[0])  # "he said", not "respond"
                said = _subject(main, in_quote)
                if said is not None:
                    name, said_kind = ctx.resolve(_noun_phrase(said), _subtree(said))
                    if name and said_kind == "person":
                        speaker, canonical, cue, kind = _noun_phrase(said).text, name, _cue(main), said_kind
        if canonical is None and prev is not None and prev.paragraph == s.paragraph:
            speaker, canonical, cue, kind = prev.speaker_text, prev.speaker, prev.cue, prev.speaker_kind
        elif (
            canonical is None
            and prev is not None
            and prev.paragraph == s.paragraph - 1
            and s.start - pstart <= 1
            and not any(pstart <= v.idx < pend for v in verbs)
        ):  # a continuation paragraph: nothing intervenes since the last quote
            speaker, canonical, cue, kind = prev.speaker_text, prev.speaker, prev.cue, prev.speaker_kind
        elif (
            canonical is None
            and s.paragraph > 0
            and s.start - pstart <= 1
            and not any(pstart <= v.idx < pend for v in verbs)
            and not any(sp.paragraph == s.paragraph - 1 for sp in spans)
        ):  # 'Closer ties were feasible, it adds. \n\n "The U.K. should ..."': the paragraph before
            # reports its speaker's words without quoting them, and this one quotes them
            lps, lpe = paragraphs[s.paragraph - 1]
            lead = [v for v in verbs if lps <= v.idx < lpe]
            last_sent = lead[-1].sent if lead else None
            if last_sent is not None and last_sent.end_char >= lpe - 1:
                subj = _subject(lead[-1], in_quote)
                if subj is not None:
                    said, said_kind = ctx.resolve(_noun_phrase(subj), _subtree(subj))
                    if said and said_kind in ("person", "body") and said.lower() != subj.text.lower():
                        speaker, canonical, cue, kind = _noun_phrase(subj).text, said, _cue(lead[-1]), said_kind
                elif (it := _it_subject(lead[-1])) is not None:
                    bodies = [e for e in ctx.events if e[0] < it.idx and e[2] == "body"]
                    if bodies:
                        speaker, canonical, cue, kind = it.text, bodies[-1][1], _cue(lead[-1]), "body"
        before = text[pstart : s.start - 1].rstrip()
        after = text[s.end : min(pend, s.end + 2)]
        n_words = len(qtext.split())
        starts = not before or before.endswith((":", ",", ".", "!", "?", "…")) or s.start - pstart <= 1
        direct = starts and (
            bool(re.match(r"[.,!?…]", text[s.end - 1 : s.end]) or re.match(r"[.,!?…]", after))
            or not s.closed
            # a whole sentence quoted, its full stop printed after the mark: '"And the review ... outmoded".'
            or (
                before.endswith((".", "!", "?"))
                and qtext[:1].isupper()
                and text[s.end + 1 : s.end + 2] in (".", "!", "?")
                and n_words >= 6
            )
        )
        reason = None
        title_case = bool(_TITLE_CASE.fullmatch(qtext.strip(" ,."))) and n_words <= 6
        if not direct and (canonical is None or (n_words <= 2 and (not cands or kind not in ("person", "body")))):
            reason = "scare"  # scare quotes or a phrase nobody is quoted as saying
        elif not direct and title_case:
            reason = "title"  # "Fox News Sunday", "Morning Joe": the name of a show or a work, not words said
        elif canonical is None and n_words < 4 and s.closed:  # an open quote runs on into the next paragraph
            reason = "short"
        framing = text[max(pstart, s.start - 80) : max(pstart, s.start - 1)]
        shape = {
            "span_log_words": math.log1p(n_words),
            "span_direct": float(direct),
            "span_closed": float(s.closed),
            "span_para_start": float(s.start - pstart <= 1),
            "span_has_cue": float(bool(cands)),
            "span_rule_speaker": float(canonical is not None),
            "span_rule_person": float(kind == "person"),
            "span_title_case": float(title_case),
            "span_scare": float(reason == "scare"),
            "span_title": float(reason == "title"),
            "span_short": float(reason == "short"),
            "span_as_frame": float(bool(_AS_FRAME.search(framing))),
            "span_naming_frame": float(bool(_NAMING_FRAME.search(framing))),
            "span_capital": float(qtext[:1].isupper()),
            "span_ends_stop": float(qtext.rstrip()[-1:] in ".,!?…"),
            "span_in_parens": float(text[max(0, s.start - 2) : s.start - 1] == "("),
        }
        if reason is not None:
            dropped.append((Quote(qtext, canonical, speaker, kind, None, cue, not direct, s.paragraph,
                                  sentence_of[s.start] if s.start < len(sentence_of) else -1, s.start, s.end), shape))  # fmt: skip
            continue
        shapes[s.start] = shape
        if canonical is not None and kind == "person":
            role = next(iter(roles.get(canonical) or []), None)
        q = Quote(
            text=qtext,
            speaker=canonical,
            speaker_text=speaker,
            speaker_kind=kind,
            speaker_role=role,
            cue=cue,
            partial=not direct,
            paragraph=s.paragraph,
            sentence=sentence_of[s.start] if s.start < len(sentence_of) else -1,
            start=s.start,
            end=s.end,
        )
        out.append(q)
        prev = q
        if canonical:
            ctx.events.append((s.end, canonical, kind))
            ctx.events.sort()
    ruled = _group_speakers(_with_intros(out, text, paragraphs, verbs, ctx, in_quote), spans, cued)
    for q, shape in list(dropped):  # a subhead that is only a quote ("‘Fundamental disagreements’") echoes
        ps, pe = paragraphs[q.paragraph]  # words quoted in the body: theirs is its speaker
        words = q.text.lower().strip(" ,.")
        if text[ps:pe].strip().strip("‘’“”\"'").strip() != q.text.strip() or len(words.split()) < 2:
            continue
        src = next((r for r in ruled if r.speaker and r.start != q.start and words in r.text.lower()), None)
        if src is not None:
            ruled.append(replace(q, speaker=src.speaker, speaker_text=src.speaker_text, speaker_kind=src.speaker_kind,
                                 speaker_role=src.speaker_role, cue=src.cue))  # fmt: skip
            shapes[q.start] = shape
            dropped.remove((q, shape))
    ruled.sort(key=lambda q: q.start)
    found = [
        Found(q, c, True, shapes.get(q.start, {}))
        for q, c in candidates(ruled, doc, text, ctx, paragraphs, in_quote, verbs, sentence_of)
    ]
    if dropped:  # the spans the rules left out, with their candidates too: the keeper may take some back
        left_out = {q.start: shape for q, shape in dropped}
        merged = sorted([*ruled, *(q for q, _s in dropped)], key=lambda q: q.start)
        found += [
            Found(q, c, False, left_out[q.start])
            for q, c in candidates(merged, doc, text, ctx, paragraphs, in_quote, verbs, sentence_of, set(left_out))
            if not any(f.quote.start == q.start for f in found)
        ]
        found.sort(key=lambda f: f.quote.start)
    return found


def _with_intros(
    out: list[Quote],
    text: str,
    paragraphs: list[tuple[int, int]],
    verbs: list[Any],
    ctx: _Context,
    in_quote: list[bool],
) -> list[Quote]:
    """Give an "X said:" paragraph's speaker to the unattributed quote paragraphs right after it."""
    by_para: dict[int, list[Quote]] = {}
    for q in out:
        by_para.setdefault(q.paragraph, []).append(q)
    fixed: list[Quote] = []
    carry: tuple[str | None, str, str, str] | None = None
    for pi, (ps, pe) in enumerate(paragraphs):
        quotes = by_para.get(pi, [])
        opens_with_quote = any(q.start - ps <= 1 for q in quotes)
        if not opens_with_quote:
            carry = None
        for q in quotes:
            if carry and q.speaker is None and q.start - ps <= 1:
                name, kind, cue, said_by = carry
                role = next(iter(ctx.roles.get(name or "") or []), None) if kind == "person" else None
                q = replace(q, speaker=name, speaker_text=said_by, speaker_kind=kind, speaker_role=role, cue=cue)
            fixed.append(q)
        para = text[ps:pe].rstrip()
        if para.endswith(":") and not in_quote[max(ps, pe - 1)]:
            tail = [v for v in verbs if ps <= v.idx < pe]
            subj = _subject(tail[-1], in_quote) if tail else None
            if subj is not None:
                phrase = _noun_phrase(subj)
                name, kind = ctx.resolve(phrase, _subtree(subj))
                carry = (name, kind, _cue(tail[-1]), phrase.text)
    return fixed


def _group_speakers(quotes: list[Quote], spans: list[_Span], cued: set[int]) -> list[Quote]:
    """A quote running over several paragraphs has one speaker: the one its attribution names."""
    open_ended = {sp.start for sp in spans if not sp.closed}
    groups: list[list[int]] = []
    for i, q in enumerate(quotes):
        if (
            groups
            and quotes[groups[-1][-1]].start in open_ended
            and q.paragraph == quotes[groups[-1][-1]].paragraph + 1
        ):
            groups[-1].append(i)
        else:
            groups.append([i])
    out = list(quotes)
    for g in groups:
        own = [quotes[i] for i in g if quotes[i].start in cued and quotes[i].speaker]
        if len(g) > 1 and own:
            src = own[-1]
            for i in g:
                if quotes[i].start not in cued:
                    out[i] = replace(quotes[i], speaker=src.speaker, speaker_text=src.speaker_text, speaker_kind=src.speaker_kind,
                                     speaker_role=src.speaker_role, cue=src.cue)  # fmt: skip
    return out


_CANDIDATE_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_NOT_ROLE_WORDS = {"the", "and", "for", "his", "her", "their", "who", "she", "they", "one", "another", "former", "new"}
_LISTENER_BEFORE = re.compile(r"\b(?:told|tell|tells|telling|asked|ask|asks|to|with|interviewed|by)\s+(?:the\s+)?$", re.I)


# Verbs whose passive subject is who the quoted words are about ("was branded ‘naive’", "was accused of
# being a “stooge”"), never who said them; "was quoted as saying" is not among them.
_SAID_OF = frozenset(
    f for b in ("accuse", "brand", "call", "label", "describe", "dub", "criticise", "criticize", "attack", "slam",
                "mock", "deride", "condemn", "denounce", "blast", "lambast", "liken", "compare", "term", "portray",
                "depict", "paint", "hail", "praise", "nickname")
    for f in _forms(b)
)  # fmt: skip


def candidates(
    quotes: list[Quote],
    doc: Any,
    text: str,
    ctx: _Context,
    paragraphs: list[tuple[int, int]],
    in_quote: list[bool],
    verbs: list[Any],
    sentence_of: list[int],
    only: set[int] | None = None,
) -> list[tuple[Quote, list[Candidate]]]:
    """Each quote with everyone who could have said it: the rules' pick and every person or body the
    article names near it, each with the evidence features `speakers.choose` weighs."""
    verb_at = {v.idx: v for v in verbs}
    role_cache: dict[str, set[str]] = {}

    def role_words(name: str) -> set[str]:
        if name not in role_cache:
            role_cache[name] = set(re.findall(r"[a-z]+", " ".join(ctx.roles.get(name) or []).lower()))
        return role_cache[name]

    outside = [m for m in ctx.mentions if m.label in _CANDIDATE_LABELS and not in_quote[m.start]]
    by_name: dict[str, list[Mention]] = {}
    for m in outside:
        by_name.setdefault(m.canonical, []).append(m)
    counts = sorted(((len(v), k) for k, v in by_name.items()), reverse=True)
    rank = {k: i for i, (_n, k) in enumerate(counts)}
    para_of = _ParagraphOf([ps for ps, _pe in paragraphs])
    out: list[tuple[Quote, list[Candidate]]] = []
    for qi, q in enumerate(quotes):
        if only is not None and q.start not in only:
            continue
        pstart, pend = paragraphs[q.paragraph]
        sent = doc.char_span(max(0, q.start - 2), min(len(text), q.end + 3), alignment_mode="expand")
        # the sentences the quote and its attribution run over (a token's .sent builds a Span: ask the ends only)
        s_lo = sent[0].sent.start_char if sent is not None and len(sent) else q.start
        s_hi = sent[-1].sent.end_char if sent is not None and len(sent) else q.end
        s_lo, s_hi = max(s_lo, pstart), min(s_hi, pend)
        prev_q = quotes[qi - 1].speaker if qi else None
        next_q = quotes[qi + 1].speaker if qi + 1 < len(quotes) else None
        events = [e for e in ctx.events if e[0] < q.start]
        last_event = events[-1][1] if events else None
        para_events = {e[1] for e in ctx.events if pstart <= e[0] < pend and not q.start <= e[0] < q.end}
        sent_subjects = {n for p, n in ctx.subjects if s_lo <= p < s_hi}
        sent_events = {e[1] for e in ctx.events if s_lo <= e[0] < s_hi and not q.start <= e[0] < q.end}
        # whose verb of saying has the quote in its clause ("Will described Trump as “…”": Will's)
        first = doc.char_span(q.start, q.end, alignment_mode="expand")
        qi_tok = first[0].i if first is not None and len(first) else None
        governing = sorted(
            (verb_at[p].right_edge.i - verb_at[p].left_edge.i, n)
            for p, n, _k in ctx.events
            if p in verb_at and qi_tok is not None and verb_at[p].left_edge.i <= qi_tok <= verb_at[p].right_edge.i
        )
        governs = {n for _w, n in governing}
        # the rules' own words for the speaker as the subject of a verb of saying whose clause holds the quote
        # ("the report states: “…”"): evidence even when those words name nobody the tagger knows
        rule_words = (q.speaker_text or "").lower()
        subject_said = bool(rule_words) and qi_tok is not None and any(
            v.left_edge.i <= qi_tok <= v.right_edge.i
            and (subj := _subject(v, in_quote)) is not None
            and rule_words in _noun_phrase(subj).text.lower()
            for v in verbs
            if s_lo <= v.idx < s_hi
        )
        governs_nearest = governing[0][1] if governing else None
        # "Mr Hale was accused of being a “…” by a Labour MP": the one the words are said of, not by
        about = set()
        if qi_tok is not None:
            for v in doc[max(0, qi_tok - 30) : qi_tok]:
                if v.lower_ in _SAID_OF and v.left_edge.i <= qi_tok <= v.right_edge.i:
                    for c in v.children:
                        if c.dep_ == "nsubjpass" and (hit := ctx.mention_at(c.idx, c.idx + len(c.text))):
                            about.add(hit.canonical)
        clause = _clause_subjects(doc[qi_tok] if qi_tok is not None else None, ctx, in_quote)
        pronoun = (q.speaker_text or "").lower() if (q.speaker_text or "").lower() in ("he", "she") else None
        # the words of a description the rules took as the speaker ("the Lord Chief Justice", "the Tory leader"):
        # a candidate the article gives that role is likely the one it means
        described = {w for w in re.findall(r"[a-z]+", (q.speaker_text or "").lower()) if len(w) > 2} - _NOT_ROLE_WORDS
        cands: list[Candidate] = []
        names = [
            n
            for n, ms in by_name.items()
            if any(
                (para_of[m.start] >= q.paragraph - S.speaker_paragraphs_back and m.end <= q.start)
                or (para_of[m.start] <= q.paragraph + 1 and m.start >= q.end)
                for m in ms
            )
        ]
        rule_name = q.speaker
        if rule_name is not None and rule_name not in names:
            names.append(rule_name)
        for name in names:
            ms = by_name.get(name, [])
            before = [m for m in ms if m.end <= q.start]
            after = [m for m in ms if m.start >= q.end]
            near = before[-1] if before else None
            nxt = after[0] if after else None
            in_sent = [m for m in ms if s_lo <= m.start < s_hi]
            evidence: Mention | None = (
                min(in_sent, key=lambda m: abs(m.start - q.start))
                if in_sent
                else near
                if near is not None and para_of[near.start] == q.paragraph
                else nxt
                if nxt is not None and para_of[nxt.start] == q.paragraph
                else near or nxt
            )
            is_rule = name == rule_name
            label = evidence.label if evidence is not None else ""
            kind = "person" if label == "PERSON" else "body" if label in ("ORG", "GPE", "NORP") else "other"
            if is_rule:
                kind = q.speaker_kind
            span: tuple[int, int] | None = (evidence.start, evidence.end) if evidence is not None else None
            if is_rule and q.speaker_text:  # the rules' own words for the speaker, as a word, nearest the quote
                words = re.compile(rf"(?<!\w){re.escape(q.speaker_text)}(?!\w)")
                hits = [m.start() for m in words.finditer(text, s_lo, s_hi) if not in_quote[m.start()]]
                hits = hits or [m.start() for m in words.finditer(text, pstart, pend) if not in_quote[m.start()]]
                at = min(hits, key=lambda h: abs(h - q.start)) if hits else -1
                if at >= 0 and (span is None or not span[0] <= at < span[1]):
                    span = (at, at + len(q.speaker_text))
            listener = evidence is not None and bool(
                _LISTENER_BEFORE.search(text[max(0, evidence.start - 20) : evidence.start])
            )
            gap_before = q.start - near.end if near is not None else 10_000
            gap_after = nxt.start - q.end if nxt is not None else 10_000
            f = {
                "rule": float(is_rule),
                "rule_person": float(is_rule and q.speaker_kind == "person"),
                "rule_body": float(is_rule and q.speaker_kind == "body"),
                "rule_other": float(is_rule and q.speaker_kind == "other"),
                "rule_pronoun": float(is_rule and (q.speaker_text or "").lower() in PRONOUNS),
                "rule_named": float(is_rule and (q.speaker_text or "")[:1].isupper()
                                    and (q.speaker_text or "").lower() not in PRONOUNS),
                "rule_cued": float(is_rule and q.cue is not None),
                "rule_none": float(rule_name is None),
                "person": float(label == "PERSON"),
                "org": float(label == "ORG"),
                "place": float(label in ("GPE", "NORP")),
                "description": float(not ms),
                "in_sentence": float(bool(in_sent)),
                "in_paragraph": float(any(pstart <= m.start < pend for m in ms)),
                "log_before": math.log1p(min(gap_before, 10_000)),
                "log_after": math.log1p(min(gap_after, 10_000)),
                "paras_back": float(min(q.paragraph - para_of[near.start], 10)) if near is not None else 11.0,
                "after_in_paragraph": float(nxt is not None and para_of[nxt.start] == q.paragraph),
                "sentence_subject": float(name in sent_subjects),
                "sentence_speaker": float(name in sent_events),
                "governs": float(name in governs),
                "governs_nearest": float(name == governs_nearest),
                "rule_governs": float(q.speaker in governs),
                "rule_subject_said": float(is_rule and subject_said),
                "role_match": float(bool(described) and bool(described & role_words(name))),
                "clause_subject": float(name in clause),
                "clause_subject_nearest": float(bool(clause) and name == clause[0]),
                "paragraph_speaker": float(name in para_events),
                "last_speaker": float(name == last_event),
                "prev_quote": float(name == prev_q),
                "next_quote": float(name == next_q),
                "log_count": math.log1p(len(ms)),
                "rank": float(min(rank.get(name, 9), 9)),
                "has_role": float(bool(ctx.roles.get(name))),
                "listener": float(listener),
                "gender_clash": float(pronoun is not None and label == "PERSON" and not ctx.fits(name, pronoun)),
                "partial": float(q.partial),
                "para_start": float(q.start - pstart <= 1),
                "log_words": math.log1p(len(q.text.split())),
                "quote_cued": float(q.cue is not None),
                "said_of": float(name in about),  # never the speaker (speakers.best_candidate)
            }  # fmt: skip
            cue = q.cue if is_rule else None
            if cue is None and evidence is not None:
                said = [p for p, n, _k in ctx.events if n == name and s_lo <= p < s_hi and p in verb_at]
                cue = _cue(verb_at[said[0]]) if said else None
            speaker_text = q.speaker_text if is_rule else (text[span[0] : span[1]] if span else name)
            role = q.speaker_role if is_rule else (next(iter(ctx.roles.get(name) or []), None) if kind == "person" else None)
            cands.append(Candidate(name, kind, speaker_text, role, cue, span, f))
        rule_span = next((c.span for c in cands if c.name == rule_name), None)
        if rule_span is not None:  # "The MPs" the rules read as the committee: not also a speaker "MPs"
            cands = [c for c in cands if c.name == rule_name or c.span is None
                     or not (rule_span[0] <= c.span[0] and c.span[1] <= rule_span[1])]  # fmt: skip
        _relative(cands)
        out.append((
            replace(
                q,
                speaker_start=rule_span[0] if rule_span else None,
                speaker_end=rule_span[1] if rule_span else None,
                speaker_sentence=sentence_of[rule_span[0]] if rule_span and sentence_of[rule_span[0]] >= 0 else None,
            ),
            cands,
        ))  # fmt: skip
    return out


def _relative(cands: list[Candidate]) -> None:
    """Features that compare a candidate with the quote's others: the trees score one at a time."""
    for key in ("log_before", "log_after", "log_count"):
        values = sorted({c.features[key] for c in cands}, reverse=key == "log_count")
        for c in cands:
            c.features[key.replace("log_", "rank_")] = float(min(values.index(c.features[key]), 5))
    nearest = [min(c.features["log_before"], c.features["log_after"]) for c in cands]
    for c, v in zip(cands, nearest, strict=True):
        c.features["nearest"] = float(v == min(nearest))
        c.features["candidates"] = float(min(len(cands), 20))


def _clause_subjects(tok: Any, ctx: _Context, in_quote: list[bool]) -> list[str]:
    """The names that are subjects of the verbs whose clauses hold the quote, nearest first, whatever
    the verb ("Reid has gone after Trump as a “…”": Reid)."""
    out: list[str] = []
    if tok is None:
        return out
    for head in tok.ancestors:
        if head.pos_ not in ("VERB", "AUX"):
            continue
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass") and not in_quote[child.idx]:
                m = ctx.mention_at(child.idx, child.idx + len(child.text))
                name = m.canonical if m is not None else (ctx.by_word([child.text]) if child.pos_ == "PROPN" else None)
                if name and name not in out:
                    out.append(name)
    return out


class _ParagraphOf:
    """The paragraph a character offset is in, by bisection over the paragraphs' starts."""

    def __init__(self, starts: list[int]) -> None:
        self.starts = starts

    def __getitem__(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)


# Verbs by which a headline or standfirst puts words in someone's mouth ("has underlined the need for
# ‘direct engagement’"): the verbs of saying, and a few a summary line uses for them.
_PART_CUES = SPEECH | {f for b in ("underline", "highlight", "defend", "hail", "pledge", "signal") for f in _forms(b)}
_PART_NATIONAL = {"the", "british", "uk", "u.k.", "us", "u.s.", "american", "chinese", "britain's", "britain’s"}


def _part_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def _within(short: list[str], long_: list[str]) -> bool:
    """Whether `short` is a run of `long_`'s words."""
    n = len(short)
    return any(long_[i : i + n] == short for i in range(len(long_) - n + 1))


def _echoed(words: list[str], said_in_body: list[tuple[Quote, list[str]]]) -> tuple[Quote | None, bool]:
    """The body quote a line's quoted words repeat, where the body gives them one speaker; and
    whether the body quotes them at all (from two speakers: no telling whose the line means)."""
    echoed = [q for q, ws in said_in_body if _within(words, ws)]
    return (echoed[0] if len({q.speaker for q in echoed}) == 1 else None), bool(echoed)


def _role_key(role: str) -> str:
    return " ".join(w for w in role.lower().split() if w not in _PART_NATIONAL)


def _part_speaker(
    phrase: str, mentions: list[Mention], roles: dict[str, list[str]], body: list[Quote]
) -> tuple[str, str, float | None] | None:
    """The one person or body the article names that a headline's words mean: the name, its surname
    alone, a role the body gives exactly one person, or whoever the body's quotes by the same words
    are given to ("The Foreign Secretary said: …"). (name, kind, the confidence the body's quotes have)"""
    words = [w for w in re.findall(r"[\w'’.-]+", phrase) if w.lower().rstrip(".") not in TITLE_WORDS | {"the"}]
    if not words:
        return None
    key = " ".join(words).lower()
    labels = {m.canonical: m.label for m in mentions if m.label in ("PERSON", "ORG")}
    hits = {c for c in labels if c.lower() == key or (len(words) == 1 and c.split()[-1].lower() == key)}
    if not hits and (role := _role_key(phrase)):
        hits = {p for p, rs in roles.items() if any(_role_key(r) == role for r in rs)}
        if not hits:
            same = [q for q in body if q.speaker and q.speaker_text and _role_key(q.speaker_text) == role]
            if len({q.speaker for q in same}) == 1:  # as sure as the body's surest quote by those words
                sure = [q.confidence for q in same if q.confidence is not None]
                return str(same[0].speaker), same[0].speaker_kind, max(sure) if sure else None
            return None
    if len(hits) != 1:
        return None
    name = hits.pop()
    return name, "body" if labels.get(name) == "ORG" else "person", None


def _reduced_passive(verb: Any) -> bool:
    """A headline's passive without its auxiliary: "Hale accused of being ‘…’", "Hale branded ‘…’ by
    rival". Its subject is who the words are about, not who said them."""
    kids = list(verb.children)
    if any(c.dep_ in ("dobj", "dative", "ccomp") and c.pos_ != "PUNCT" for c in kids):
        return False  # "Hale brands critics ‘naive’", "has underlined the need for …"
    ends = verb.text.lower().endswith(("ed", "en"))
    return ends and (not any(c.dep_ in ("aux", "auxpass") for c in kids) or any(c.dep_ == "auxpass" for c in kids))


def part_quotes(
    part: Literal["headline", "standfirst"],
    doc: Any,
    body: list[Quote],
    mentions: list[Mention],
    roles: dict[str, list[str]],
) -> list[Quote]:
    """The quotes of an article's headline or standfirst (`doc`, its parse), each only with a
    speaker the article settles, since a headline quote is as often a scare quote as speech:

    - the body quotes the same words: the headline echoes that quote, and takes its speaker
      ("James Cleverly in China for ‘tough conversations’");
    - else a verb of saying in the line has for subject a name or a role the body ties to one
      person ("The Foreign Secretary has underlined the need for ‘direct engagement’"), or the
      line opens with one before a colon ("Cleverly: ‘…’"). Whoever is "accused of" words is not
      their speaker (`_subject`).
    Offsets are into the headline's or standfirst's text; `sentence` is HEADLINE_SENTENCE or
    STANDFIRST_SENTENCE."""
    text = doc.text
    sentence = HEADLINE_SENTENCE if part == "headline" else STANDFIRST_SENTENCE
    spans = find_spans(text, paragraph_spans(text))
    quoted = [False] * (len(text) + 1)
    for sp in spans:
        quoted[sp.start : sp.end] = [True] * (sp.end - sp.start)
    out: list[Quote] = []
    said_in_body = [(q, _part_words(q.text)) for q in body if q.speaker and q.part == "body"]
    for sp in spans:
        inner = text[sp.start : sp.end].strip()
        words = _part_words(inner)
        if len(inner.split()) < 2:
            continue  # ‘Fact-Checking’: a term set off, not speech
        partial = bool(_part_words(text[: sp.start]) or _part_words(text[sp.end :]))
        base = Quote(inner, None, None, "other", None, None, partial, -1, sentence, sp.start, sp.end, part=part)
        src, said = _echoed(words, said_in_body)
        if src is not None:
            out.append(replace(
                base, speaker=src.speaker, speaker_text=src.speaker_text, speaker_kind=src.speaker_kind,
                speaker_role=src.speaker_role, cue=src.cue, confidence=src.confidence,
                speaker_start=src.speaker_start, speaker_end=src.speaker_end, speaker_sentence=src.speaker_sentence,
            ))  # fmt: skip
            continue
        if said:
            continue  # the body quotes these words from two people: no telling whose the headline means
        found: tuple[tuple[str, str, float | None], str, str | None, int, int] | None = None
        verb = next((t for t in doc if sp.start <= t.idx < sp.end), None)  # from the quote's first word up
        while verb is not None and not (
            verb.pos_ in ("VERB", "AUX") and verb.text.lower() in _PART_CUES and not quoted[verb.idx]
        ):
            verb = None if verb.head.i == verb.i else verb.head  # spaCy makes a new Token each time: no `is`
        if verb is not None and not _reduced_passive(verb):
            subj = _subject(verb, quoted)
            if subj is not None and not quoted[subj.idx]:
                np_ = _noun_phrase(subj)
                if (who := _part_speaker(np_.text, mentions, roles, body)) is not None:
                    found = (who, np_.text, _cue(verb), np_.start_char, np_.end_char)
        colon = re.match(r"\s*([^:‘“\"]{2,60}?)\s*:\s*[‘“\"]?$", text[: sp.start])
        if found is None and colon and (who := _part_speaker(colon.group(1), mentions, roles, body)) is not None:
            found = (who, colon.group(1), None, colon.start(1), colon.end(1))
        if found is not None:
            (name, kind, sure), said_by, cue, s, e = found
            role = next(iter(roles.get(name) or []), None) if kind == "person" else None
            out.append(replace(
                base, speaker=name, speaker_text=said_by, speaker_kind=kind, speaker_role=role, cue=cue,
                confidence=sure, speaker_start=s, speaker_end=e, speaker_sentence=sentence,
            ))  # fmt: skip
    return out


def display_quotes(lines: tuple[str, ...] | list[str], body: list[Quote]) -> list[Quote]:
    """The quotes an outlet printed again as display copy (Article.display: captions, pull quotes, a
    body sentence set again): only words the body quotes from one speaker, who is theirs, so a
    display line settles nothing the body does not. A quoted span in the line counts; so does a
    pull quote printed without marks when the whole line is a body quote's words. Offsets are
    into the line, `paragraph` its index and `sentence` DISPLAY_SENTENCE."""
    said_in_body = [(q, _part_words(q.text)) for q in body if q.speaker and q.part == "body"]
    out: list[Quote] = []

    def echo(k: int, start: int, end: int, partial: bool) -> None:
        inner = lines[k][start:end]
        words = _part_words(inner)
        src = _echoed(words, said_in_body)[0] if len(words) >= 2 else None
        if src is None:
            return  # a term set off, or words the body gives nobody or two people
        out.append(Quote(
            inner, src.speaker, src.speaker_text, src.speaker_kind, src.speaker_role, src.cue, partial, k,
            DISPLAY_SENTENCE, start, end, src.confidence, src.speaker_start, src.speaker_end, src.speaker_sentence,
            part="display",
        ))  # fmt: skip

    for k, line in enumerate(lines):
        spans = [(sp.start, sp.end) for sp in find_spans(line, paragraph_spans(line))]
        # a caption set with straight single marks ('smells terribly'): safe here, where only an echo counts
        spans += [m.span(1) for m in _STRAIGHT_SINGLE.finditer(line) if not any(a < m.end() and m.start() < b for a, b in spans)]
        for a, b in sorted(spans):
            lead = len(line[a:b]) - len(line[a:b].lstrip())
            inner_end = a + len(line[a:b].rstrip())
            partial = bool(_part_words(line[:a]) or _part_words(line[b:]))
            echo(k, a + lead, inner_end, partial)
        if not spans and not _QUOTE_MARK.search(line) and len(_part_words(line)) >= S.pull_quote_min_words:
            lead = len(line) - len(line.lstrip())
            echo(k, lead, len(line.rstrip()), False)
    return out


_QUOTE_MARK = re.compile("[‘“\"”]")
_STRAIGHT_SINGLE = re.compile(r"(?<![\w'])'([^'\n]*\w[^'\n]*?)'(?![\w])")

"""Who said what: quotes, speakers, roles and dates, as a reader of the article would attribute them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import stories_json

from storyline.analyze import analyze_batch
from storyline.analyze.nlp import spacy_nlp
from storyline.analyze.pipeline import rules_input
from storyline.analyze.quotes import extract_quotes
from storyline.extract import extract
from storyline.records import RawDocument
from storyline.settings import SETTINGS as S

ARTICLE = """\
Harbour board approves new ferry terminal

The harbour board approved a new ferry terminal for Port Aldwin on Tuesday after a two-year planning battle.

Board chairwoman Ingrid Solheim said the decision was "long overdue".

“This terminal will serve the city for fifty years,” Ms Solheim said. “We owe it to the islanders.”

Opposition councillor Daniel Reyes, leader of the Harbour Alliance, said he had warned the board about the cost last year.

“Nobody has told us who pays if it runs over budget,” the Harbour Alliance leader said.

“Not one figure has been published.”

Harbour Alliance said in a statement that it would ask for an audit. “The public deserves the numbers,” the group said.

Ferry captain Rhona MacLeod told the Island Herald: ‘We have waited twenty years for this.

‘The old pier is falling into the sea.’

Asked about the cost, Ms Solheim said: “Every pound will be published on our website.”

Critics of the ‘mega-terminal’ have been quiet since last month.

Rhona MacLeod said the crews were "delighted", and she added that sailings would not be cut during building work.
"""


@pytest.fixture(scope="module")
def analyzed():
    art = extract(RawDocument(source="t.txt", data=ARTICLE.encode(), content_type="text"), today=dt.date(2026, 1, 1))
    art = art.__class__(**{**art.__dict__, "published": "2025-05-06"})  # Tuesday 6 May 2025
    (a,) = analyze_batch([art])
    return a


def _by_start(a, words: str):
    return next(q for q in a.quotes if q.text.startswith(words))


def test_speakers_cues_and_kinds(analyzed):
    q = _by_start(analyzed, "This terminal will serve")
    assert (q.speaker, q.cue, q.partial) == ("Ingrid Solheim", "said", False)
    assert _by_start(analyzed, "We owe it to the islanders").speaker == "Ingrid Solheim"  # attribution in the middle
    q = _by_start(analyzed, "long overdue")
    assert q.partial and q.speaker == "Ingrid Solheim"
    assert _by_start(analyzed, "Nobody has told us").speaker == "Daniel Reyes"  # "the Harbour Alliance leader"
    assert _by_start(analyzed, "Not one figure").speaker == "Daniel Reyes"  # continuation paragraph
    q = _by_start(analyzed, "The public deserves")
    assert q.speaker == "Harbour Alliance" and q.speaker_kind == "body"
    q = _by_start(analyzed, "We have waited twenty years")
    assert q.speaker == "Rhona MacLeod" and q.cue.startswith("told")
    assert _by_start(analyzed, "The old pier").speaker == "Rhona MacLeod"  # single-quote multi-paragraph quote
    assert _by_start(analyzed, "Every pound will be published").speaker == "Ingrid Solheim"  # "X said:" then quote
    assert _by_start(analyzed, "delighted").partial


def test_scare_quotes_are_not_quotes(analyzed):
    assert not any("mega-terminal" in q.text for q in analyzed.quotes)


def test_roles(analyzed):
    assert "chair" in analyzed.roles["Ingrid Solheim"][0]
    assert any(
        "leader, Harbour Alliance" in r or "leader of the Harbour Alliance" in r for r in analyzed.roles["Daniel Reyes"]
    )


def test_relative_dates_resolved_against_publication(analyzed):
    found = {d.phrase: d.value for d in analyzed.dates}
    assert found["on Tuesday"] == "2025-05-06"
    assert found["last year"] == "2024"
    assert found["last month"] == "2025-04"


def test_quotes_cli_merges_outlets(cli, corpus_db):
    bridge = next(s for s in stories_json(cli, corpus_db) if "Kestrel" in s["title"] and len(s["articles"]) == 3)
    code, out, _ = cli("quotes", "--story", bridge["id"], "--json", "--db", corpus_db)
    assert code == 0
    quotes = json.loads(out)
    assert all({"text", "speaker", "speaker_role", "cue", "partial", "sources"} <= set(q) for q in quotes)
    nobody = next(q for q in quotes if "nobody crosses" in q["text"].lower())
    assert nobody["speaker"] == "Tomas Ferreira" and len(nobody["outlets"]) == 2  # wire and tabloid wording differ
    for src in nobody["sources"]:
        assert {"article", "source", "start", "end"} <= set(src)
    code, out, _ = cli("quotes", "--speaker", "Achterberg", "--db", corpus_db)
    assert code == 0 and out and all("Helen Achterberg" in line for line in out.strip().splitlines())


def test_entities_cli(cli, corpus_db):
    code, out, _ = cli("entities", "--json", "--db", corpus_db)
    assert code == 0
    ents = json.loads(out)
    ferreira = next(e for e in ents if e["name"] == "Tomas Ferreira")
    assert ferreira["type"] == "PERSON" and "chief bridge engineer" in " ".join(ferreira["roles"])
    assert {"name", "type", "aliases", "roles", "articles"} <= set(ferreira)


def test_he_or_she_skips_a_speaker_whose_title_says_otherwise():
    """'“…,” he said.' after Ms Solheim spoke means the last man named, not her."""
    text = (
        "Ferry terminal row deepens\n\n"
        "Opposition leader Daniel Reyes spoke at the harbour meeting on Monday.\n\n"
        "“The board has hidden the cost from the islanders,” Mr Reyes said.\n\n"
        "Board chairwoman Ingrid Solheim rejected the claim.\n\n"
        "“Every figure is on our website,” Ms Solheim said.\n\n"
        "“Then why did nobody see the overrun coming?” he said.\n"
    )
    art = extract(RawDocument(source="t.txt", data=text.encode(), content_type="text"), today=dt.date(2026, 1, 1))
    (a,) = analyze_batch([art])
    assert [(q.text[:12], q.speaker) for q in a.quotes] == [
        ("The board ha", "Daniel Reyes"),
        ("Every figure", "Ingrid Solheim"),
        ("Then why did", "Daniel Reyes"),
    ]


def _analysed(text: str):
    art = extract(RawDocument(source="t.txt", data=text.encode(), content_type="text"), today=dt.date(2026, 1, 1))
    (a,) = analyze_batch([art])
    return a


def _quotes(text: str) -> list:
    return list(_analysed(text).quotes)


def _speakers(text: str) -> list[tuple[str, str | None]]:
    return [(q.text[:14], q.speaker) for q in _quotes(text)]


def _rules(text: str) -> list:
    doc = spacy_nlp()(text)
    _sents, sentence_of, mentions, roles = rules_input(doc, spacy_nlp()(""), text)
    return extract_quotes(doc, text, mentions, roles, sentence_of, chooser=False)


def test_real_news_shapes_of_attribution():
    """Shapes seen in PolNeAR and BBC articles: a lost paragraph break between quoted sentences, a
    listener named after "told", a quote signed after a dash, a description that holds a name."""
    text = (
        "Ferry row reaches parliament\n\n"
        'Harbour minister Kate Osei said: "The board has lost control of the budget. "We will ask for an audit '
        'within the month." Opposition leader Daniel Reyes told Island Radio he welcomed the audit.\n\n'
        "“Nobody should pay for a terminal they never asked for.” ― Morag Innes\n\n"
        "The state-owned Island Herald newspaper demanded the board “publish every invoice now”.\n"
    )
    assert _speakers(text) == [
        ("The board has ", "Kate Osei"),
        ("We will ask fo", "Kate Osei"),
        ("Nobody should ", "Morag Innes"),
        ("publish every ", "Island Herald"),
    ]


def test_a_quote_goes_on_into_a_paragraph_printed_without_its_opening_mark():
    text = (
        "Former leader attacks visit\n\n"
        "Sir Iain Duncan Smith, one of the MPs sanctioned by Beijing, said: ‘I don’t understand why he’s there.\n\n"
        "This is a country that has locked up journalists and is spying on us and stealing our secrets.’\n\n"
        "The Foreign Office said the visit would go ahead.\n"
    )
    assert _speakers(text) == [
        ("I don’t unders", "Iain Duncan Smith"),
        ("This is a coun", "Iain Duncan Smith"),
    ]


def test_a_title_resolves_to_the_person_the_article_gives_it():
    """A title set before the name between commas is that person's ("The Lord Chief Justice, Lord
    Woolf, said"), and the title alone later means the same person; an acronym is its organisation."""
    text = (
        "Tributes paid to harbour judge\n\n"
        "The Chief Harbour Judge, Lady Ingrid Solheim, who sat for thirty years, said it was the judge's "
        '"patient work" that had kept the port at peace.\n\n'
        "The funeral will be led by the Bishop of Aldwin, Dr Morag Innes, on Friday.\n\n"
        'The Bishop of Aldwin said: "He listened to everyone who came before him."\n\n'
        "The Harbour Audit Office praised his rulings. "
        'The HAO said: "His judgments saved the port millions."\n'
    )
    assert _speakers(text) == [
        ("patient work", "Ingrid Solheim"),
        ("He listened to", "Morag Innes"),
        ("His judgments ", "Harbour Audit Office"),
    ]


def test_he_who_claims_is_not_the_one_claimed_about():
    """ "Mr Osei has failed, he claimed": the "he" is the speaker of the speech, not Mr Osei."""
    text = (
        "Islands heading the wrong way, says Reyes\n\n"
        "Opposition leader Daniel Reyes used his New Year message to attack the harbour minister, Tom Osei.\n\n"
        '"The islands are heading in the wrong direction," Mr Reyes said.\n\n'
        'Mr Osei has failed to mend the ferries, he claimed, saying he had the "wrong answer" to every question.\n'
    )
    assert _speakers(text) == [
        ("The islands ar", "Daniel Reyes"),
        ("wrong answer", "Daniel Reyes"),
    ]


def test_a_description_with_a_possessive_is_read_whole():
    """ "the charity's director added" is a description of someone already speaking (the "the" is
    the possessor's), and "Harbour Relief's Morag Innes" is cited whole, not as "Relief's Morag Innes"."""
    text = (
        "Charity urges aid rise\n\n"
        "The minister is being urged to double aid, Harbour Relief says in a report.\n\n"
        "\"Rich islands are giving less and less,\" Harbour Relief's Morag Innes said.\n\n"
        "\"The poorest children are paying with their lives,\" the charity's director added.\n"
    )
    assert [(q.speaker, q.speaker_text) for q in _quotes(text)] == [
        ("Morag Innes", "Harbour Relief's Morag Innes"),
        ("Morag Innes", "the charity's director"),
    ]



def test_he_and_she_look_first_to_who_the_sentence_before_is_about():
    """ "Asked if Mr Osei could return, he replied": the one asked is the reply's "he", and Mr Osei
    only the subject of the question; "she believed Mr Reyes acted" leaves the next "she" to the one
    who believed (a Baroness is a she)."""
    text = (
        "Osei row should end - Reyes\n\n"
        "Premier Daniel Reyes said it was time to draw a line under the row surrounding Tom Osei.\n\n"
        "The opposition have called for a second inquiry into the visa for Mr Osei's cousin. "
        "At the end of his trip, Mr Reyes said he still admired Mr Osei and thought his integrity was intact.\n\n"
        "In his first comments since the report, Mr Reyes told the Harbour Gazette he had not read it. "
        'But told the Gazette: "As far as I am concerned, we have drawn a line under that."\n\n'
        "Asked if Mr Osei could return to the cabinet at some point, he replied: "
        '"I have made my admiration for Tom very clear. He has been a tremendous colleague."\n\n'
        "Baroness Ama Mensah, who chaired the inquiry, said she believed Mr Reyes acted without a plan. "
        '"Now we have to make the best of it," she told the Gazette.\n'
    )
    assert _speakers(text) == [
        ("As far as I am", "Daniel Reyes"),
        ("I have made my", "Daniel Reyes"),
        ("Now we have to", "Ama Mensah"),
    ]


def test_the_report_said_is_the_words_of_whoever_published_the_report():
    """ "Harbour Relief says in a report ... The report said: “…”": the quote is Harbour Relief's,
    not a speaker called "report"."""
    text = (
        "Minister told to double aid\n\n"
        "Some 45,000 island children will go hungry before 2030, Harbour Relief says in a report, Paying Late. "
        "The call comes as the minister prepares to chair the regional summit.\n\n"
        'The report said: "Hunger threatens the shared prosperity of every island." '
        "It also points out that in 1990 the islands agreed to spend 1% of their incomes on aid.\n"
    )
    assert [(q.text[:14], q.speaker, q.speaker_text) for q in _quotes(text)] == [
        ("Hunger threate", "Harbour Relief", "The report"),
    ]


def test_the_speaker_is_the_name_the_subject_is_not_the_name_before_it():
    """ "Harbour Relief executive director Robert Almond criticised the system. “…”": the quote is
    Robert Almond's, not his organisation's (which the tagger may take for a person)."""
    text = (
        "Carers to get minimum allowance\n\n"
        "Foster carers are to be guaranteed a minimum allowance to help cover their costs, the government has announced.\n\n"
        "Harbour Relief executive director Robert Almond criticised the existing system. "
        '"There is just no logic to a system which values children differently depending on where they live. '
        '"And with a shortage of carers, it is not a sustainable situation."\n'
    )
    assert [q.speaker for q in _quotes(text)] == ["Robert Almond", "Robert Almond"]


def test_a_quote_that_goes_on_is_not_given_to_the_next_speaker():
    """ '“…,” he said. “…” Mr Beddow called them “impressive”': the second quote goes on with the one
    who just spoke; Mr Beddow's verb attributes his own quote, as 'X said: “…”' attributes the one after it."""
    text = (
        "Waiting times to be cut\n\n"
        "Hospital waiting times for patients on the islands are to be cut, Health Minister Jane Hollis said.\n\n"
        'Dr Richard Lowe, secretary of the island medical association, welcomed the new targets "to make faster '
        'progress". "However, much remains to be done on waiting lists," he said. '
        '"Capacity must be built into the system with sustained investment." '
        'Health analyst Tony Beddow, from the Island Institute, called the new targets "reasonably impressive".\n\n'
        'Opposition spokeswoman Kirsty Wells called the new target "hugely unambitious". '
        '"It leaves patients on the islands still waiting two years." '
        'Conservative health spokesman Jon Morgan said: "We are spending more money but waiting lists have gone up."\n'
    )
    assert [q.speaker for q in _quotes(text)] == [
        "Richard Lowe", "Richard Lowe", "Richard Lowe", "Tony Beddow",
        "Kirsty Wells", "Kirsty Wells", "Jon Morgan",
    ]  # fmt: skip


def test_quoted_as_saying():
    """ "Mr Brandt quoted its plan as saying: “…”" is his quote (the plan is his source); so is what
    he "was quoted as saying"; "The Gazette quoted Ana Lind as saying “…”" is hers."""
    text = (
        "Health checks for migrants\n\n"
        'The government says the opposition are "a bit late" to the issue. '
        "Immigration minister Tom Brandt quoted its five-year plan for immigration, as saying: "
        '"We are implementing our existing powers by targeted health screening."\n\n'
        'Opposition leader Ana Lind spoke next. Mr Brandt was later quoted as saying "the checks will take weeks".\n\n'
        'The Harbour Gazette quoted Ana Lind as saying "the plan has come far too late for the islands".\n'
    )
    assert [q.speaker for q in _quotes(text) if len(q.text.split()) > 3] == ["Tom Brandt", "Tom Brandt", "Ana Lind"]


def test_a_quote_that_goes_on_is_not_given_to_the_next_one_to_report_something():
    """ '“…” Correspondent Simon Hale said 2,000 people had turned out': Hale reports his own news;
    the quote before goes on with the league's spokesman."""
    text = (
        "Hunts meet after ban\n\n"
        "Mike Hobson, from the league, said video evidence of the law being broken was to be passed to police. "
        '"Our evidence suggests that most hunts did operate within the law. '
        '"However, we have received reports of what we believe is clearly illegal activity." '
        "Correspondent Simon Hale at Postbridge said 2,000 people had turned out to welcome the hunt.\n"
    )
    assert [q.speaker for q in _quotes(text)] == ["Mike Hobson", "Mike Hobson"]



def test_a_name_after_a_role_is_a_person_though_tagged_an_organisation():
    """ "spokesman Emyr Davies said": the tagger can take the name for an organisation; after a role
    it is a person (in the entity list, and as a speaker whom "he" can mean)."""
    text = (
        "Ferry fares to rise\n\n"
        "Harbour party spokesman Emyr Davies said that for the minister to claim that ferry users should see "
        'very little change "is taking spin to the very verge of deception". '
        'He added: "Around a third of islanders will pay more for every crossing this year."\n'
    )
    a = _analysed(text)
    assert {(m.text, m.label) for m in a.mentions if "Davies" in m.text} == {("Emyr Davies", "PERSON")}
    assert [(q.speaker, q.speaker_kind) for q in a.quotes] == [("Emyr Davies", "person")] * 2


def test_a_first_name_tells_who_she_can_be():
    """ "Helen Marsh ... announced by Chancellor Gordon Pryce. She said she was “confident …”": no
    title says so, but Gordon is a he, so "she" is Helen Marsh (first names learnt from real news)."""
    text = (
        "Councils get funding rise\n\n"
        'Finance Minister Helen Marsh said it was a "good deal" for local government. '
        "The settlement includes the full sum from the Treasury announced by Chancellor Gordon Pryce. "
        "But opposition parties said rebanding of council taxes would mean steep rises. "
        'She said where spending rises were kept down she was "confident that councils will be able to set '
        'council taxes at reasonable levels."\n'
    )
    assert [q.speaker for q in _quotes(text) if len(q.text.split()) > 3] == ["Helen Marsh"]



def test_a_quote_after_what_someone_said_goes_on_with_them():
    """ 'But he said the NHS needed to change. “We do need a consistent approach.”': the rules give
    the quote to the one who just said something, though no verb of saying sits beside it (their pick
    is the chooser's evidence, and stands where the chooser is unsure)."""
    text = (
        'Dr Brian Gold told Radio Harbour: "There is no doubt that the mainland has done a lot of useful work."\n\n'
        "But he said the NHS in the islands also needed to create a healthier population rather than respond "
        "only to ill health, and a balanced view of priorities was important. "
        '"We do need a consistent approach across the islands, and patients will be the main test of it." '
        "He said staff wanted a period of calm after so much change."
    )
    rules = _rules(text)
    assert [q.speaker for q in rules] == ["Brian Gold", "Brian Gold"]


def test_a_description_as_subject_is_not_a_name_and_a_passive_clause_says_nothing():
    """ "the Stockport MP told ..." is the minister named before, so "she added" is her too; and in
    "It was a reality that should be recognised, she said" what is recognised is not a speaker."""
    text = (
        "Minister defends stop and search\n\n"
        "Home Office minister Ruth Calder said innocent people would be stopped more often. "
        "Rules for visitors could also be made tougher, she told a Commons inquiry.\n\n"
        '"The threat is most likely to come from a small group of extremists," the Stockport MP told the committee.\n\n'
        '"It means that some of our powers will be felt more by one community." '
        "It was a reality that should be recognised, she said. "
        '"If a threat is from one place then our action is going to be aimed there," she added.\n'
    )
    assert [q.speaker for q in _quotes(text)] == ["Ruth Calder"] * 3
    rules = _rules(text)
    assert [q.speaker_text for q in rules] == ["the Stockport MP", "she", "she"]  # the rules' own evidence


def test_he_after_a_described_spokesman_is_the_spokesman():
    """ "the prime minister's official spokesman ... the spokesman said. '…' he added": the article
    names nobody, so the quote is the spokesman's, by that description, not the last named person's."""
    text = (
        "Row over minister's remarks\n\n"
        'Campaign chairman Omar Haddad accused the minister of "playing politics" before the election.\n\n'
        '"She is dividing our community," he said. Later, the prime minister\'s official spokesman urged '
        "people to read the remarks in context. The minister had meant that checks were not aimed at one "
        "group, the spokesman said.\n\n"
        '"What is happening is that these powers are aimed at people suspected of planning attacks. '
        '"It is not aimed at a particular community, it is not police policy," he added.\n'
    )
    got = [q.speaker for q in _quotes(text) if q.text.startswith(("What is", "It is not"))]
    assert got == ["the prime minister's official spokesman"] * 2


def test_a_whole_sentence_quoted_with_its_full_stop_after_the_mark_is_a_quote():
    """ '"And the review, which will look at ..., is to be tied to evidence".': a quoted sentence, though
    British style prints its full stop after the closing mark, is not a phrase in scare quotes."""
    text = (
        "Retirement ages to go\n\n"
        'Pensions minister Ann Poole told a conference that the rules were "out of date". '
        '"We are sweeping them away for people under 65, and giving those above it a right to ask. '
        '"And the review in 2030, which will look at whether it is time to end them entirely, is to be '
        'tied to evidence". She said the department wanted more older people in work.\n'
    )
    rules = _rules(text)
    assert [(q.text[:7], q.partial) for q in rules if q.text.startswith(("We are", "And the"))] == [
        ("We are ", False),
        ("And the", False),
    ]


def test_a_document_nobody_is_named_as_writing_is_the_paper_of_who_was_just_reported():
    """ "Mr Crane is alleged to have said ... The document reportedly said: '…'": with no author named
    for it, the document is the views the paragraph has just given to Mr Crane, not a speaker "document"."""
    text = (
        "Party suspends candidate\n\n"
        "The Harbour Party has suspended its candidate Peter Crane over his reported views. "
        'Mr Crane is alleged to have said that the town\'s parks should be "sold to the highest bidder" and '
        "proposed closing the library. "
        'The document reportedly said: "We are looking for the return of the old ways of running the town."\n'
    )
    q = next(q for q in _quotes(text) if q.text.startswith("We are looking"))
    assert q.speaker == "Peter Crane"


def test_it_that_warns_is_the_body_the_paragraph_is_about_by_the_name_the_article_gave_it():
    """ "A report by the Commons transport committee ... The committee reached its conclusions ... It
    warned ..., describing it as 'a failing organisation'": the committee's words, by its full name,
    not those of the agency the warning is about."""
    text = (
        "Ferry agency could be scrapped\n\n"
        "A report by the Commons transport committee called for the Island Ferry Agency to be wound up. "
        "The committee reached its conclusions after it found that 25,000 complaints were unanswered. "
        'It warned that it could be five years before the agency was "fit for purpose", describing it as '
        '"a failing organisation" with passengers facing long delays.\n'
    )
    got = [(q.text, q.speaker) for q in _rules(text)]
    assert got == [
        ("fit for purpose", "Commons transport committee"),
        ("a failing organisation", "Commons transport committee"),
    ]


def test_a_name_parsed_as_an_apposition_before_a_verb_with_no_subject_is_its_speaker():
    """ "In an article for the Times newspaper, Ms Dunwoody, who chairs the committee, says: '…'" can
    parse with the name hung on "newspaper" and "says" with no subject: the name is still the speaker."""
    text = (
        "Speed limits row\n\n"
        "Campaigners including Labour backbencher Gwen Harrow oppose the plan. "
        "In an article for the Times newspaper, Ms Harrow, who chairs the Transport Select Committee, says: "
        '"Slight increases to low car speeds increase hugely the risks to pedestrians and cyclists."\n'
    )
    assert [q.speaker for q in _rules(text)] == ["Gwen Harrow"]


def test_a_committee_report_is_the_committee_s_words_by_every_name_the_article_gives_it():
    """ "Her committee has published a report which says “…”", "The MPs said", "The report also said": a
    committee report's words are the committee's (the one the article makes her chair of), not a
    speaker "report" or "MPs"; but "Tory MPs" speak for no committee."""
    text = (
        "Minister flies to Lisbon for trade talks\n\n"
        "Transport Committee chairwoman Maria Ellison said she had spoken to the minister before the visit.\n\n"
        "Her committee has published a report which describes “the state of the ports as a risk to trade”.\n\n"
        "The cross-party Transport Committee called on the Government to publish its plan.\n\n"
        "The MPs said the Government “should have had a plan for the ports years ago”.\n\n"
        "The report also said the Government has failed to take “adequate action” on dredging.\n\n"
        "Some Tory MPs said the talks were “a waste of time and money”.\n"
    )
    got = {q.text[:12]: q.speaker for q in _rules(text)}
    assert got["the state of"] == "Transport Committee"
    assert got["should have "] == "Transport Committee"
    assert got["adequate act"] == "Transport Committee"
    assert got.get("a waste of t") != "Transport Committee"


def test_a_report_by_a_panel_the_article_names_otherwise_is_that_committee_s():
    """ "a new report, published Wednesday by the transport panel" and then "the report states: …" and,
    after a paragraph of its reported words ("it adds"), an unattributed quote paragraph: the committee's."""
    text = (
        "Ports plan criticised\n\n"
        "Parliament's Transport Committee chair Maria Ellison said the plan was late.\n\n"
        "The visit was overshadowed by a new report published Wednesday, by the transport panel, that calls the ports a risk.\n\n"
        '"The ports lack all the money they need to be dredged, and their managers know it," the report states.\n\n'
        "Closer ties with shipping firms were feasible if the ministry was not so cautious, it adds.\n\n"
        '"The ministry should loosen its rules on who can bid for the dredging work. Other countries do."\n'
    )
    assert [q.speaker for q in _rules(text)] == ["Transport Committee", "Transport Committee"]


def test_the_one_accused_is_not_who_said_it_and_a_country_s_top_official_is_its_named_one():
    """ "X was accused of being a “stooge” by a Labour MP": never X's words; "the US's top diplomat
    told ..." is the person the article introduced as "US Secretary of State ...", not the last speaker."""
    text = (
        "Minister meets US counterpart\n\n"
        "Foreign Secretary Tom Hale held talks with US Secretary of State Ruth Alder in London.\n\n"
        "“We will keep talking to Beijing,” Mr Hale said.\n\n"
        "“Both countries see the value of talking,” the US’s top diplomat told the press conference.\n\n"
        "Last week, Mr Hale was accused of being a “Chinese stooge” by a Labour MP for refusing to take "
        "sanctioned MPs with him.\n"
    )
    got = {q.text[:12]: q.speaker for q in _quotes(text)}
    assert got["Both countri"] == "Ruth Alder"
    assert got.get("Chinese stoo") != "Tom Hale"


def test_a_subhead_that_quotes_the_body_has_the_body_quote_s_speaker():
    """A subhead that is only a quoted phrase ("‘Fundamental disagreements’") repeats words quoted in the
    body: it is that speaker's quote, not an unattributed one."""
    text = (
        "Minister raises rights in talks\n\n"
        "Foreign Secretary Tom Hale met his counterpart in Beijing on Wednesday.\n\n"
        "‘Fundamental disagreements’\n\n"
        "“We are clear-eyed about the areas where we have fundamental disagreements with China,” Mr Hale added.\n"
    )
    got = [(q.text, q.speaker) for q in _rules(text)]
    assert ("Fundamental disagreements", "Tom Hale") in got


HEADED = """\
Minister in Beijing for ‘frank talks’ with counterparts

The Foreign Secretary has underlined the need for ‘open dialogue’ with Beijing despite concerns about its conduct.

Jo Writer
Tuesday 20 June 2023 15:38 BST

Tom Hale has met senior officials in Beijing in a visit aimed at easing tensions.

The Foreign Secretary insisted the visit would allow him to have “frank talks” with his hosts.

“We will keep talking,” Mr Hale said.
"""


def test_a_headline_and_a_standfirst_quote_have_the_speaker_the_article_gives_them():
    """The headline's ‘frank talks’ echoes the body's quote, and the standfirst's "The Foreign Secretary
    has underlined the need for ‘open dialogue’" is the Foreign Secretary the body names: both are
    Tom Hale's, cited in the part they are printed in, with offsets into it."""
    a = _analysed(HEADED)
    parts = {q.part: q for q in a.quotes if q.part != "body"}
    assert set(parts) == {"headline", "standfirst"}
    head, stand = parts["headline"], parts["standfirst"]
    assert (head.text, head.speaker) == ("frank talks", "Tom Hale")
    assert (stand.text, stand.speaker, stand.cue) == ("open dialogue", "Tom Hale", "underlined")
    assert a.article.title[head.start : head.end] == "frank talks"
    assert a.article.standfirst[stand.start : stand.end] == "open dialogue"
    assert [q.part for q in a.quotes][:2] == ["headline", "standfirst"]  # in reading order


@pytest.mark.parametrize(
    ("title", "speaker"),
    [
        ("Hale accused of being ‘Beijing's poodle’ by rival", None),  # the one accused did not say it
        ("Hale branded ‘naive’ over China trip", None),
        ("Town braces for ‘the storm of the decade’", None),  # a scare quote nobody in the story said
        ("Hale: ‘We will not be silenced on rights’", "Tom Hale"),
        ("Hale insists ‘we will keep talking’", "Tom Hale"),
    ],
)
def test_a_headline_quote_is_kept_only_with_a_speaker_the_article_settles(title: str, speaker: str | None):
    text = f"{title}\n\nTom Hale met officials in Beijing on Tuesday.\n\n“We will keep talking,” Mr Hale said.\n"
    heads = [q for q in _quotes(text) if q.part == "headline"]
    assert [q.speaker for q in heads] == ([speaker] if speaker else [])


def test_a_misplaced_closing_mark_ends_the_quote_at_the_second_one():
    """ "the “discourteous” and inaccurate” comment": the writer misplaced the first closing mark; the
    quote is the words up to the second, not the one word before the first."""
    text = (
        "Minister rejects jibe\n\n"
        "But Mr Hale said “I don’t take ministers on visits with me” as he called on Labour’s Sir Rob Kemp to "
        "withdraw the “discourteous” and inaccurate” comment during an angry exchange.\n"
    )
    got = [(q.text, q.speaker) for q in _rules(text)]
    assert ("discourteous” and inaccurate", "Mr Hale") in got or ("discourteous” and inaccurate", "Hale") in got
    assert not any(t == "discourteous" for t, _s in got)


def test_a_report_that_refers_to_something_as_quotes_its_author():
    """ "a new report published Wednesday, by the transport panel, that refers to the ports as a “…”" is
    the panel's wording (the Transport Committee the article names), not the sentence subject's."""
    text = (
        "Ports plan criticised\n\n"
        "Parliament's Transport Committee chair Maria Ellison said the plan was late.\n\n"
        "Mr Hale's mission threatened to be overshadowed by a new report published Wednesday, by the transport "
        'panel, that refers to the ports as a "national liability," the first time lawmakers have done so.\n'
    )
    got = {q.text: q.speaker for q in _rules(text)}
    assert got.get("national liability,") == "Transport Committee"


def test_someone_described_by_party_and_named_later_is_a_guess_shown_as_uncertain():
    """ "accused of being a “stooge” by a Labour MP", and later "called on Labour's Sir Rob Kemp to
    withdraw the comment": Kemp is the one Labour MP the article names, so the quote is his, but only
    as a reading (uncertain); a source kept anonymous is never given a name."""
    text = (
        "Minister rejects jibe\n\n"
        "Foreign Secretary Tom Hale met officials in Beijing.\n\n"
        "Last week, Mr Hale was accused of being a “Beijing poodle” by a Labour MP for refusing to take "
        "sanctioned MPs with him.\n\n"
        "Mr Hale called on Labour’s Sir Rob Kemp to withdraw the comment.\n"
    )
    (q,) = [q for q in _quotes(text) if q.text == "Beijing poodle"]
    assert q.speaker == "Rob Kemp" and q.speaker_text == "a Labour MP"
    assert q.confidence is not None and q.confidence < S.speaker_min_confidence  # shown as "possibly Rob Kemp"
    anonymous = text.replace("by a Labour MP for", "by a Labour MP, who asked not to be named, for")
    assert not any(q.speaker == "Rob Kemp" for q in _quotes(anonymous) if q.text == "Beijing poodle")
    named_first = text.replace("Foreign Secretary Tom Hale met", "Labour’s Sir Rob Kemp and Foreign Secretary Tom Hale met")
    assert not any(q.speaker == "Rob Kemp" for q in _rules(named_first) if q.text == "Beijing poodle")


DISPLAYED = """\
Minister defends China visit

Former leader Sir Ian Drake warned that Mr Hale's visit ‘smells terribly’ of appeasement and questioned its value.

Former leader Sir Ian Drake warned that Mr Hale's visit 'smells terribly' of appeasement and questioned its value

Tom Hale met officials in Beijing on Tuesday, the first visit by a foreign secretary in five years.

I'm looking at the options for a further visit, but there are no details at this stage

Tom Hale

Mr Hale said: “I have raised human rights at every meeting. And of course, I'm looking at the options for a further visit, but there are no details at this stage.”

The trip was billed as a ‘fresh start’ for relations with Beijing, though little has changed since the spring.

The trip was billed as a ‘fresh start’ for relations with Beijing, though little has changed since the spring
"""


def test_a_quote_printed_again_in_a_caption_or_pull_quote_is_counted_there_with_the_body_s_speaker():
    """A caption repeating a body sentence (straight marks) and a pull quote printed without marks are
    the outlet's display copy: left out of the body, but each is a printing of a body quote, with that
    quote's speaker and offsets into the display line. Words quoted in the body from nobody (a scare
    quote) settle nothing in a caption either."""
    a = _analysed(DISPLAYED)
    assert "smells terribly' of" not in a.article.text  # the repeat is not body
    shown = [q for q in a.quotes if q.part == "display"]
    assert [(q.text, q.speaker) for q in shown] == [
        ("smells terribly", "Ian Drake"),
        ("I'm looking at the options for a further visit, but there are no details at this stage", "Tom Hale"),
    ]
    for q in shown:
        assert a.article.display[q.paragraph][q.start : q.end] == q.text
    assert not any(q.text == "fresh start" for q in a.quotes)


def test_the_chooser_never_gives_words_to_the_one_they_are_said_of():
    """However the learned chooser scores them, the person a quote is said of ("X was accused of being a
    “…” by a Labour MP") is never picked as its speaker, as "he said" is never someone called Ms."""
    from storyline.analyze import speakers
    from storyline.analyze.speakers import Candidate

    models = speakers.model()
    assert models is not None
    feats = {"person": 1.0, "in_sentence": 1.0, "sentence_subject": 1.0, "clause_subject": 1.0, "rank": 0.0}
    accused = Candidate("Tom Hale", "person", "Mr Hale", None, None, (0, 7), {**feats, "said_of": 1.0})
    other = Candidate("Rob Kemp", "person", "Rob Kemp", None, None, (50, 58), {**feats, "rank": 5.0, "in_sentence": 0.0})
    best = speakers.best_candidate(models.speaker, [accused, other])
    assert best is not None and best[1].name == "Rob Kemp"
    assert speakers.best_candidate(models.speaker, [accused]) is None

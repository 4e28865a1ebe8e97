"""Body text is kept unless there is evidence it is not body: one cause of lost text per test.

Each fixture reproduces a way real articles lost paragraphs (PolNeAR titles ending in ".", CJK pages,
review pages, lists, recipes, tables, pages trafilatura reads only in part), written for these tests.
"""

from __future__ import annotations

import json

from storyline.extract import extract
from storyline.extract.boilerplate import clean_text
from storyline.records import RawDocument


def _text(data: str, kind: str = "text", url: str | None = None):
    return extract(RawDocument(source=f"fixture.{kind}", data=data.encode("utf-8"), content_type=kind, url=url))


def _page(body: str, title: str = "Harbour board approves new ferry terminal", head: str = "") -> str:
    return (
        f"<html><head><title>{title}</title>{head}</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>© Harbour Gazette 2025</footer></body></html>"
    )


PARAS = [
    "The harbour board on Tuesday approved a new ferry terminal for the east quay, ending a two-year dispute.",
    "The terminal will cost £48m and open in 2027, the board said in a statement after the vote.",
    "Opponents had argued that the east quay was too shallow for the larger ferries now in service.",
    "Board chair Helen Marsh said the dredging plan answered those concerns in full.",
]


def test_title_ending_with_a_full_stop_keeps_every_paragraph():
    # The PolNeAR shape: first line the title, with a full stop; a quote paragraph further down
    # used to be taken for the title and everything above it dropped.
    text = (
        "Harbour board backs the east quay terminal.\n\n"
        + "\n\n".join(PARAS[:3])
        + '\n\n"It is the right place," Marsh said. "The dredging plan answers every concern."\n\n'
        + PARAS[3]
        + "\n"
    )
    a = _text(text)
    assert a.title == "Harbour board backs the east quay terminal."
    assert list(a.paragraphs) == [
        *PARAS[:3],
        '"It is the right place," Marsh said. "The dredging plan answers every concern."',
        PARAS[3],
    ]


def test_a_text_without_a_title_line_keeps_its_first_sentence():
    # Sentence-per-line text (as ECB+ is printed) and JSON Lines without a title: the first
    # sentence is body, not a headline.
    a = _text("\n".join(PARAS) + "\n")
    assert a.paragraphs[0] == PARAS[0] and len(a.paragraphs) == 4
    record = json.dumps({"url": "https://example.org/ferry", "text": "\n\n".join(PARAS)})
    b = _text(record, kind="json")
    assert b.paragraphs[0] == PARAS[0] and len(b.paragraphs) == 4


def test_japanese_article_is_kept_whole_with_its_language():
    paras = [
        "港湾委員会は火曜日、東岸の新しいフェリーターミナルの建設を承認した。",
        "ターミナルの建設費は四十八億円で、二〇二七年に開業する予定だという。",
        "反対派は、東岸は大型フェリーには浅すぎると主張していた。",
        "委員長は、しゅんせつ計画で懸念には十分に答えたと述べた",
    ]
    html = _page("".join(f"<p>{p}</p>" for p in paras), title="新フェリーターミナルを承認")
    a = _text(html, kind="html")
    assert list(a.paragraphs) == paras  # the last line has no full stop and is still body
    assert a.language == "ja"
    plain = _text("新フェリーターミナルを承認\n\n" + "\n\n".join(paras) + "\n")
    assert list(plain.paragraphs) == paras and plain.title == "新フェリーターミナルを承認"


def test_review_talking_to_the_reader_is_body_but_a_donation_appeal_is_not():
    review = [
        "We spent a week with the Halden X2 and you will notice the battery first: it lasted us four days.",
        "If you mostly read on it, we think the cheaper model is the better buy for you.",
        "The screen is sharp, though glare outdoors remains a problem.",
    ]
    appeal = "Your support helps us keep our journalism free for everyone: please make a contribution today."
    c = clean_text("Halden X2 review: a week with the long-life tablet\n\n" + "\n\n".join([*review, appeal]) + "\n")
    assert c.paragraphs == review
    assert appeal in dict(c.dropped)


def test_lines_without_a_full_stop_are_not_taken_for_captions():
    lines = [
        "The band announced its first tour in a decade on Monday. The dates are:",
        "March 3 – Leeds, First Direct Arena",
        "March 5 – Glasgow, OVO Hydro, with special guests from the original line-up and a string section",
        "March 8 – London, The O2",
        "Fans reacted within minutes on social media 🎉",
        "Tickets go on sale on Friday at 9am, the promoter said, and will be limited to four per buyer because "
        "the last tour sold out in under an hour and resale sites listed seats at ten times their face value "
        "which the band called a disgrace to the people who had supported them from the start and promised "
        "would not happen again whatever it took and however long the queue",
    ]
    c = clean_text("Reunited band announces tour\n\n" + "\n\n".join(lines) + "\n")
    assert c.paragraphs == lines


def test_repeated_recipe_steps_stay_but_a_caption_printed_twice_goes():
    steps = [
        "Heat the oven to 200C and line a tray with baking paper.",
        "Stir well",
        "Add the flour and the milk, a little at a time.",
        "Stir well",
        "Pour into the tray and bake for 25 minutes.",
    ]
    caption = "The finished tray bake, cut into squares and dusted with sugar, on a board in the test kitchen"
    c = clean_text("A tray bake for a crowd\n\n" + "\n\n".join([steps[0], caption, caption, *steps[1:]]) + "\n")
    assert c.paragraphs == [*steps[:1], *steps[1:]]
    assert [why for line, why in c.dropped if line == caption] == ["photo caption", "repeated line"]


def test_an_article_that_is_a_table_keeps_its_rows():
    rows = [("1", "Kestrel Rovers", "62"), ("2", "Ashby Town", "58"), ("3", "Millbrook United", "51")]
    table = (
        "<table><tr><th>Pos</th><th>Club</th><th>Points</th></tr>"
        + "".join(f"<tr><td>{p}</td><td>{c}</td><td>{pts}</td></tr>" for p, c, pts in rows)
        + "</table>"
    )
    html = _page(
        "<p>The final standings of the Northern League after the last round of matches:</p>" + table,
        title="Northern League final standings",
    )
    a = _text(html, kind="html")
    text = "\n".join(a.paragraphs)
    for _, club, pts in rows:
        assert club in text and pts in text


def test_publisher_body_in_json_ld_rescues_a_page_read_in_part():
    # The page shows the first part of the story in its markup and states the whole of it in its
    # JSON-LD: trafilatura reads the markup, storyline notices how much more the page has.
    sentences = [
        f"On day {n} of the inquiry, witness number {n} told the panel that the quay had flooded {n + 2} times."
        for n in range(1, 41)
    ]
    head = (
        '<script type="application/ld+json">'
        + json.dumps(
            {"@type": "NewsArticle", "headline": "Quay inquiry hears witnesses", "articleBody": "\n".join(sentences)}
        )
        + "</script>"
    )
    html = _page("".join(f"<p>{x}</p>" for x in sentences[:10]) + "<div class='more'>Continue reading</div>", head=head)
    a = _text(html, kind="html")
    assert list(a.paragraphs) == sentences


def test_party_letters_and_sentences_starting_with_by_are_body():
    lines = [
        "Gov. Dana Whitfield (R) signed the bill on Friday, a win for rural hospitals.",
        "By contrast, the Senate version had stalled in committee for most of the year.",
        "Sen. Omar Haskins (D) called the law overdue.",
    ]
    c = clean_text("Governor signs rural hospitals bill\n\n" + "\n\n".join(lines) + "\n")
    assert c.paragraphs == lines and c.byline is None


def test_after_a_most_read_box_the_article_goes_on():
    c = clean_text(
        "Plague case confirmed in hunter\n\n"
        + "\n\n".join(PARAS[:2])
        + "\n\nMost read in world news\n\nMan bitten by shark survives\n\nTen best beaches revealed\n\n"
        "How is the plague spread?\n\nThe disease spreads through flea bites, health officials said.\n"
    )
    assert c.paragraphs[-2:] == [
        "How is the plague spread?",
        "The disease spreads through flea bites, health officials said.",
    ]
    assert ("Man bitten by shark survives", "after the article") in c.dropped

"""The cleaner keeps every body paragraph and drops what scraping leaves behind."""

from __future__ import annotations

import datetime as dt

from storyline.extract.boilerplate import clean_text
from storyline.extract.dates import PartialDate, infer_year, parse_date, parse_partial

TABLOID = """\
Advertisement

Council boss QUITS over missing £2m – ‘I take full responsibility’

Council boss QUITS over missing £2m – ‘I take full responsibility’

  • Finance chief leaves after auditors find gap in the accounts
  • Police have been asked to investigate

The head of finance at Brackley Council resigned today after auditors found £2m missing from a reserve fund.

Martin Oduya, 58, said: ‘I take full responsibility for what happened on my watch.

‘I will help the auditors in every way I can.’

Council leader Sue Penrose said the money had been moved between accounts over three years.

Martin Oduya leaves the council offices in Brackley on Monday evening after resigning from his post

Council leader Sue Penrose said the money had been moved between accounts over three years

Share this article
Click to comment
Latest Headlines
"""

INDY = """\
Stay up to date with notifications from The Morning Star Herald

Notifications can be managed in browser preferences.

Minister promises rail timetable review

The transport minister says passengers deserve trains that run on time.

Leah Montgomery
Wednesday 9 April 2025 10:15 BST
The minister at a station in Leeds (Jo Platt/PA)
The minister at a station in Leeds (Jo Platt/PA) (PA Wire)

Your support helps us tell the story

From reproductive rights to climate change, our reporters are on the ground. Your support keeps our journalism free for everyone to read.

Transport minister Karl Engstrom has ordered a review of rail timetables after a winter of cancellations.

He said: “Passengers deserve trains that run on time, every time.”

Passengers deserve trains that run on time, every time

Karl Engstrom

The review will report in the autumn, Mr Engstrom said.

Thank you for registering
"""

WIRE = """\
Advertisement

Volcano erupts near island capital

Lava flows near the town of Sarra on Tuesday. Residents were evacuated overnight. Photo by Ana Ruiz/EPA
Lava flows near the town of Sarra on Tuesday. Residents were evacuated overnight. Photo by Ana Ruiz/EPA

SARRA, Oct. 14 (UPI) -- A volcano erupted near the island capital of Sarra on Tuesday, forcing about 3,000 residents from their homes, officials said.

Advertisement

"We moved everyone in time," the island's governor said.

Published: by Island Radio Network
Get our bulletins
We reply to every request within two days
"""


def test_tabloid_leftovers_removed_and_quotes_kept():
    c = clean_text(TABLOID)
    assert c.title == "Council boss QUITS over missing £2m – ‘I take full responsibility’"
    assert c.paragraphs == [
        "The head of finance at Brackley Council resigned today after auditors found £2m missing from a reserve fund.",
        "Martin Oduya, 58, said: ‘I take full responsibility for what happened on my watch.",
        "‘I will help the auditors in every way I can.’",
        "Council leader Sue Penrose said the money had been moved between accounts over three years.",
    ]
    assert c.standfirst and c.standfirst.startswith("Finance chief leaves")
    reasons = dict(c.dropped)
    assert reasons["Share this article"] == "widget"
    assert "photo caption" in reasons.values() or "repeated line" in reasons.values()


def test_reader_appeal_pull_quote_byline_date_and_outlet():
    c = clean_text(INDY)
    assert c.outlet == "The Morning Star Herald"
    assert c.byline == "Leah Montgomery"
    assert c.published == "2025-04-09T10:15+01:00"
    assert c.standfirst == "The transport minister says passengers deserve trains that run on time."
    assert c.photo_credits == ["Jo Platt/PA", "PA Wire"]
    assert c.paragraphs == [
        "Transport minister Karl Engstrom has ordered a review of rail timetables after a winter of cancellations.",
        "He said: “Passengers deserve trains that run on time, every time.”",
        "The review will report in the autumn, Mr Engstrom said.",
    ]


def test_wire_dateline_year_inferred_from_weekday_and_said_so():
    c = clean_text(WIRE, today=dt.date(2026, 11, 22))
    assert c.dateline == "SARRA, Oct. 14 (UPI)"
    assert c.outlet == "Island Radio Network"  # the "Published: by" line beats the agency
    assert c.published == "2025-10-14"  # 14 Oct 2025 was a Tuesday
    assert c.published_note and "inferred" in c.published_note
    assert c.paragraphs[0].startswith("A volcano erupted")
    assert c.paragraphs[-1] == '"We moved everyone in time," the island\'s governor said.'
    assert len(c.paragraphs) == 2


def test_unknown_metadata_stays_unknown():
    c = clean_text("Ferry fares to rise\n\nFares on the island ferry will rise by 5% in May, the operator said.\n")
    assert (c.outlet, c.byline, c.published, c.dateline) == (None, None, None, None)
    assert c.title == "Ferry fares to rise"


def test_hard_wrapped_paragraphs_are_joined():
    text = "Title of the piece here\n\nThe council said the new library would open\nin the spring, two years late.\n"
    assert clean_text(text).paragraphs == ["The council said the new library would open in the spring, two years late."]


def test_dates():
    assert parse_date("Tuesday 20 June 2023 15:38 BST") == "2023-06-20T15:38+01:00"
    assert parse_date("June 20, 2023") == "2023-06-20"
    assert parse_date("2023-06-20T15:38:00Z") == "2023-06-20T15:38+00:00"
    assert parse_date("31 February 2023") is None
    assert parse_partial("Aug. 30") == PartialDate(8, 30)
    assert infer_year(PartialDate(8, 30), "Wednesday", dt.date(2026, 1, 1)) == dt.date(2023, 8, 30)


def test_a_title_that_is_only_a_date_is_the_date_line_and_the_headline_is_found_in_the_text():
    """Pasted pages often open with their date: taken for the headline, it would hide the real one."""
    import json

    from storyline.extract import extract
    from storyline.records import RawDocument

    record = {
        "title": "Thursday, December 11, 2008",
        "text": "Harbour board approves Kestrel ferry link\n\n"
        "The harbour board voted on Wednesday to fund a ferry link across the Kestrel estuary.\n\n"
        "Services are due to start in the spring.",
    }
    a = extract(RawDocument("feed.jsonl#3", json.dumps(record).encode(), "json"))
    assert a.title == "Harbour board approves Kestrel ferry link"
    assert a.published and a.published.startswith("2008-12-11")
    assert a.paragraphs[0].startswith("The harbour board voted")

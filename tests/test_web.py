"""The web UI in a real browser (Debian's Chromium driven by Playwright) against a real server."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from conftest import CORPUS, ROOT, running_server, wait_for_job, write_headers
from playwright.sync_api import expect

from storyline.engine.local import ingest
from storyline.store.repo import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("STORYLINE_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))
XSS = {
    "url": "javascript:window.__xss=1",
    "title": "<script>window.__xss=1</script>Mayor <img src=x onerror=window.__xss=1> resigns",
    "outlet": "<img src=x onerror=window.__xss=1>",
    "text": (
        "The mayor of Kirkby Dale resigned on Monday <script>window.__xss=1</script> after a vote of no <mark>confidence</mark>.\n\n"
        "“<img src=x onerror=window.__xss=1> I am proud of what we did,” said Mayor Jane <b onmouseover=window.__xss=1>Doe</b>.\n\n"
        "Councillor Ravi Patel said: “<a href=javascript:window.__xss=1>click</a> The town deserves better.”"
    ),
}

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    (folder / "evil.jsonl").write_text(json.dumps(XSS))
    db = folder / "web.db"
    with Store(db) as store:
        ingest(store, [str(CORPUS), str(folder / "evil.jsonl")])
    with running_server(db, "--allow-private-urls") as (base, _proc):  # the feed test serves from loopback
        yield base, db


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    ctx.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_stories_search_dossier_and_citation(server, page):
    base, _db = server
    page.goto(base + "/")
    assert page.locator("a.story-link").count() >= 5
    _shot(page, "stories")
    page.fill("input[name=q]", "mowers")
    page.click("button[type=submit]")
    links = page.locator("a.story-link")
    assert links.count() == 1 and "Solvane" in links.first.inner_text()
    links.first.click()
    page.wait_for_url("**/stories/*")
    assert page.locator("h2", has_text="Corroboration").is_visible()
    assert page.locator("td.cell.contradicts").count() >= 2  # 40,000 vs 45,000 mowers, 7% vs 9%
    _shot(page, "dossier")
    cite = page.locator("ol.summary a").first
    title = cite.get_attribute("title")
    assert title  # hovering shows the source sentence
    cite.click()
    page.wait_for_url("**/articles/*#s*")
    anchor = page.url.split("#", 1)[1]
    assert page.locator(f"#{anchor}").count() == 1
    assert title[:40] in page.locator("article.body").inner_text()
    _shot(page, "article")


def test_search_results_show_why_each_story_matched(server, page):
    """Each story found shows words of its best-matching article with the matched words marked; the
    scraped text around them stays text (only the matched words become <mark>)."""
    base, _db = server
    found = httpx.get(base + "/api/stories", params={"q": "bridge"}).json()["stories"]
    assert len(found) >= 2
    for s in found:
        assert "\ue000" in s["snippet"] and "\ue001" in s["snippet"], s["snippet"]
        assert s["snippet_article"] in [a["id"] for a in s["articles"]]
    assert all(s["snippet"] is None for s in httpx.get(base + "/api/stories").json()["stories"])
    page.goto(base + "/?q=bridge")
    assert page.locator("p.snippet").count() == len(found)
    marks = page.locator("p.snippet mark").all_inner_texts()
    assert len(marks) >= len(found) and {m.lower() for m in marks} == {"bridge"}, marks
    _shot(page, "search")
    page.locator("p.snippet a.cite").first.click()
    page.wait_for_url("**/articles/*")
    assert "bridge" in page.locator("article.body").inner_text().lower()

    mayor = page.locator("tr", has=page.locator("a.story-link", has_text="resigns")).locator("p.snippet")
    page.goto(base + "/?q=proud")
    snippet = mayor
    assert "<img src=x onerror=window.__xss=1>" in snippet.inner_text()  # shown, as text
    assert snippet.locator("mark").all_inner_texts() == ["proud"]
    page.goto(base + "/?q=confidence")
    assert "<mark>confidence</mark>" in snippet.inner_text()  # the article's own <mark> is text too
    assert snippet.locator("mark").all_inner_texts() == ["confidence"]
    assert page.locator("main img").count() == 0 and page.evaluate("window.__xss") is None


def test_a_bad_date_filter_says_so_instead_of_showing_no_stories(server, page):
    base, _db = server
    r = httpx.get(base + "/api/stories", params={"since": "notadate"})
    assert r.status_code == 400 and "since='notadate' is not a date" in r.json()["detail"]
    page.goto(base + "/?since=notadate")
    assert "is not a date: use YYYY-MM-DD" in page.locator("#filter-error").inner_text()
    assert page.locator("a.story-link").count() >= 5  # the stories are there, listed without the date
    assert "Ingest some articles" not in page.content()
    page.goto(base + "/?since=2999-01-01")
    assert page.locator("#filter-error").count() == 0
    assert "No stories match these filters" in page.content() and "Ingest some articles" not in page.content()
    since = httpx.get(base + "/api/stories", params={"since": "2025-03-14"}).json()
    assert 0 < since["total"] <= httpx.get(base + "/api/stories").json()["total"]
    r = httpx.get(base + "/api/stories", params={"page": "two"})
    assert r.status_code == 400 and "page='two' is not a page number" in r.json()["detail"]
    page.goto(base + "/?page=-1&since=2025-03-14")
    assert "is not a page number" in page.locator("#filter-error").inner_text()
    assert page.locator("a.story-link").count() == since["total"]  # the good filter still applies


def test_who_said_what_filter_and_entity_page(server, page):
    base, _db = server
    page.goto(base + "/")
    page.locator("a.story-link", has_text="Kestrel Bridge after crack").click()
    page.fill("#quote-filter", "Ferreira")
    rows = page.locator("h2:has-text('Who said what') + input + table tbody tr:visible")
    assert rows.count() >= 1 and all("Ferreira" in rows.nth(i).inner_text() for i in range(rows.count()))
    page.goto(base + "/entities/Tomas%20Ferreira")
    assert "chief bridge engineer" in page.inner_text("main")
    assert page.locator("ul.said li").count() >= 2
    _shot(page, "entity")


def test_quotes_filter_by_outlet_and_the_story_list_by_outlet_and_person(server, page):
    base, _db = server
    page.goto(base + "/")
    page.locator("a.story-link", has_text="Kestrel Bridge after crack").click()
    page.wait_for_url("**/stories/*")
    quotes = httpx.get(page.url.replace("/stories/", "/api/stories/")).json()["quotes"]
    speakers = " ".join(q["speaker"] or "" for q in quotes).lower()
    labels = {src["outlet_label"] for q in quotes for src in q["sources"]}
    outlet = next(o for o in sorted(labels) if o.lower() not in speakers and o != "NWS")  # a name no speaker has
    carrying = [q for q in quotes if any(src["outlet_label"] == outlet for src in q["sources"])]
    assert 0 < len(carrying) < len(quotes)
    page.fill("#quote-filter", outlet)
    rows = page.locator("h2:has-text('Who said what') + input + table tbody tr:visible")
    expect(rows).to_have_count(len(carrying))
    assert all(outlet in rows.nth(i).locator("td").nth(3).inner_text() for i in range(rows.count()))
    page.fill("#quote-filter", "")
    expect(rows).to_have_count(len(quotes))

    for name, value in (("outlet", "The Ledger"), ("person", "Tomas Ferreira")):
        want = httpx.get(base + "/api/stories", params={name: value}).json()["stories"]
        assert 0 < len(want) < httpx.get(base + "/api/stories").json()["total"], name
        page.goto(base + "/")
        page.select_option(f"select[name={name}]", value)
        page.click("button[type=submit]")
        page.wait_for_url(f"**/?*{name}=*")
        assert page.locator("a.story-link").all_inner_texts() == [s["title"] for s in want], name
        assert page.locator(f"select[name={name}]").input_value() == value  # the form keeps the filter
    assert all(any(a["outlet"] == "The Ledger" for a in s["articles"]) for s in
               httpx.get(base + "/api/stories", params={"outlet": "The Ledger"}).json()["stories"])  # fmt: skip


def test_names_link_to_their_entity_pages(server, page):
    """On the web a speaker or a person named links to everything said by and about them; a static
    dossier has no server, so its names link to their row of its own people table."""
    from storyline.present.render import render_dossier
    from storyline.reads import Reader

    base, db = server
    page.goto(base + "/")
    page.locator("a.story-link", has_text="Kestrel Bridge after crack").click()
    page.wait_for_url("**/stories/*")
    story = int(page.url.rsplit("/", 1)[1])
    d = httpx.get(f"{base}/api/stories/{story}").json()
    speaker_cells = page.locator("h2:has-text('Who said what') + input + table tbody td:first-child")
    for i, q in enumerate(d["quotes"]):
        if q["speaker"]:
            link = speaker_cells.nth(i).locator("a.person")
            assert link.get_attribute("href") == "/entities/" + quote(q["speaker"], safe="")
    people = [e["name"] for e in d["entities"] if e["type"] in ("PERSON", "ORG")]
    table = page.locator("h2:has-text('People and organisations') + table tbody td:first-child a.person")
    assert table.all_inner_texts() == people
    page.locator("h2:has-text('Who said what') + input + table a.person", has_text="Tomas Ferreira").first.click()
    page.wait_for_url("**/entities/Tomas%20Ferreira")
    assert page.locator("h1").inner_text() == "Tomas Ferreira" and page.locator("ul.said li").count() >= 2

    quoting = next(src["article"] for q in d["quotes"] if q["speaker"] == "Tomas Ferreira" for src in q["sources"])
    page.goto(f"{base}/articles/{quoting}")
    # why that speaker: the words the speaker was chosen by are underlined, the quote says cue and confidence
    src = next(
        s for q in d["quotes"] if q["speaker"] == "Tomas Ferreira" for s in q["sources"] if s["article"] == quoting
    )
    who = page.locator("mark.who")
    assert who.count() >= 1 and who.first.get_attribute("title").startswith("speaker of “")
    assert src["speaker_text"] in who.all_inner_texts()
    assert "confidence" in page.locator("mark.q").first.get_attribute("title")
    quoted = page.locator("table.meta-table tr:has(th:text('Quoted')) a.person")
    assert "Tomas Ferreira" in quoted.all_inner_texts()
    quoted.filter(has_text="Tomas Ferreira").click()
    page.wait_for_url("**/entities/Tomas%20Ferreira")

    with Reader.open(db) as r:
        page.set_content(render_dossier(r.dossier(story), "html"))
    assert page.locator("a[href^='/entities/']").count() == 0
    links = page.locator("a.person")
    assert links.count() >= 1
    for i in range(links.count()):
        target = page.locator(links.nth(i).get_attribute("href"))
        assert target.locator("td").first.inner_text() == links.nth(i).inner_text()  # the name's own row


def test_a_headline_quote_is_marked_in_the_headline_not_in_the_body(browser, tmp_path):
    """A quote in the headline or standfirst is shown there with its speaker on hover; its offsets,
    which are into that line, never mark words of the body."""
    from test_quotes import HEADED

    (tmp_path / "hale.txt").write_text(HEADED, encoding="utf-8")
    db = tmp_path / "h.db"
    with Store(db) as store:
        ingest(store, [str(tmp_path / "hale.txt")])
        (aid,) = store.article_ids()
        assert {q.part for q in store.quotes(aid)} == {"headline", "standfirst", "body"}  # kept as stored
    with running_server(db) as (base, _proc):
        page = browser.new_page()
        page.goto(f"{base}/articles/{aid}")
        head = page.locator("h1 mark.q")
        assert head.inner_text() == "frank talks" and head.get_attribute("title").startswith("Tom Hale")
        assert page.locator("p.standfirst mark.q").inner_text() == "open dialogue"
        body = page.locator("article.body mark.q").all_inner_texts()
        assert sorted(body) == ["We will keep talking,", "frank talks"]
        api = httpx.get(f"{base}/api/articles/{aid}").json()
        assert [q["part"] for q in api["quotes"]][:2] == ["headline", "standfirst"]
        page.close()


def test_a_quote_printed_again_in_a_caption_is_shown_apart_from_the_body(browser, tmp_path):
    """A caption or pull quote that prints a body quote again is kept in the store beside the article
    and shown under the body, its quote marked with the body's speaker; the body shows the quote once."""
    from test_quotes import DISPLAYED

    (tmp_path / "drake.txt").write_text(DISPLAYED, encoding="utf-8")
    db = tmp_path / "d.db"
    with Store(db) as store:
        ingest(store, [str(tmp_path / "drake.txt")])
        (aid,) = store.article_ids()
        art = store.article(aid)
        assert art is not None and any("'smells terribly'" in line for line in art.display)  # kept as stored
    with running_server(db) as (base, _proc):
        page = browser.new_page()
        page.goto(f"{base}/articles/{aid}")
        shown = page.locator("section.display mark.q")
        assert shown.all_inner_texts() == [
            "smells terribly",
            "I'm looking at the options for a further visit, but there are no details at this stage",
        ]
        assert shown.first.get_attribute("title").startswith("Ian Drake")
        assert page.locator("article.body mark.q").all_inner_texts().count("smells terribly") == 1
        api = httpx.get(f"{base}/api/articles/{aid}").json()
        first = next(q["line"] for q in api["quotes"] if q["part"] == "display")
        assert api["display"][first].startswith("Former leader Sir Ian Drake")
        page.close()


def test_matrix_headers_of_long_outlet_names_never_overlap(browser, tmp_path):
    """Outlet names of any length stay readable above their own column, on the web and in the static file."""
    from storyline.present.render import render_dossier
    from storyline.reads import Reader

    names = ["The Washington Post — Politics", "Northern Wire Service",
             "Aldwin Community Broadcasting FM (Evening Edition)",
             "Internationale Zeitung für Wirtschaft und Gesellschaft — English Service",
             "Nordvik-Ostraven-Handelsblatt-Onlineausgabe", "Daily Courier"]  # fmt: skip
    texts = [
        "The Skerra ferry terminal was closed on Tuesday after a fire broke out in the ticket hall, the harbour "
        "authority said. About 300 passengers were evacuated and nobody was hurt. Ferries will sail from the north "
        "pier until Friday, the authority added. Insurers were assessing the damage.",
        "Around 350 people were led out of the Skerra ferry terminal on Tuesday when fire spread through its ticket "
        "hall. Harbour master Ingrid Solberg said the building would stay shut until engineers had checked the roof. "
        "Sailings move to the north pier until Friday.",
        "Ferries from Skerra are leaving from the north pier this week after Tuesday's fire in the terminal's ticket "
        "hall. The harbour authority said the terminal was closed and about 300 passengers had been evacuated.",
        "A fire in the ticket hall of the Skerra ferry terminal on Tuesday forced the harbour authority to close the "
        "building. Freight operators warned of delays while sailings run from the north pier until Friday.",
        "Passengers were evacuated from the Skerra ferry terminal on Tuesday after a fire in the ticket hall. The "
        "harbour authority closed the terminal and said ferries would use the north pier until Friday.",
        "Fire tore through the ticket hall of the Skerra ferry terminal on Tuesday. About 350 passengers were "
        "evacuated, the harbour authority said, and nobody was hurt. Ferries will sail from the north pier until Friday.",
    ]
    lines = [json.dumps({"url": f"https://news{i}.example/ferry", "outlet": o, "title": f"Fire shuts Skerra ferry terminal ({i})",
                         "published": "2025-04-01", "text": t}) for i, (o, t) in enumerate(zip(names, texts, strict=True))]  # fmt: skip
    (tmp_path / "ferry.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "ferry.db"
    with Store(db) as store:
        ingest(store, [str(tmp_path / "ferry.jsonl")])
    with Reader.open(db) as r:
        (story,) = r.stories()
        (tmp_path / "dossier.html").write_text(render_dossier(r.dossier(story.id), "html"), encoding="utf-8")
    measure = """els => els.map(th => { const r = document.createRange(); r.selectNodeContents(th);
        const t = r.getBoundingClientRect(), c = th.getBoundingClientRect();
        return {title: th.title, label: th.textContent.trim(), text: [t.left, t.top, t.right, t.bottom],
                cell: [c.left, c.top, c.right, c.bottom]}; })"""

    def check(page, where: str) -> None:
        columns = httpx.get(f"{base}/api/stories/{story.id}").json()["matrix_outlets"]
        assert len(columns) >= 5 and max(map(len, columns)) >= 40, columns
        heads = page.eval_on_selector_all("table.matrix th.o", measure)
        tl, tt, tr, tb = page.eval_on_selector("table.matrix", "t => { const b = t.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }")  # fmt: skip
        width = page.viewport_size["width"]
        assert [h["title"] for h in heads] == [h["label"] for h in heads] == columns, where  # the full name, shown
        for h in heads:
            (x0, y0, x1, y1), (c0, d0, c1, d1) = h["text"], h["cell"]
            assert c0 - 0.5 <= x0 and x1 <= c1 + 0.5 and d0 - 0.5 <= y0 and y1 <= d1 + 0.5, (where, h)  # in its cell
            assert tl - 0.5 <= x0 and x1 <= tr + 0.5 and tt - 0.5 <= y0 and y1 <= tb + 0.5, (where, h)  # in the table
            assert 0 <= x0 and x1 <= width, (where, h)  # on the screen
        for a, b in itertools.combinations(heads, 2):
            (a0, a1, a2, a3), (b0, b1, b2, b3) = a["text"], b["text"]
            assert a2 <= b0 + 0.5 or b2 <= a0 + 0.5 or a3 <= b1 + 0.5 or b3 <= a1 + 0.5, (where, a, b)

    with running_server(db) as (base, _proc):
        ctx = browser.new_context(viewport={"width": 1200, "height": 900})
        page = ctx.new_page()
        try:
            page.goto(f"{base}/stories/{story.id}")
            check(page, "web")
            _shot(page, "matrix-long-outlets")
            page.set_viewport_size({"width": 760, "height": 900})
            check(page, "web, narrow")
            _shot(page, "matrix-long-outlets-narrow")
            page.set_viewport_size({"width": 1200, "height": 900})
            page.goto((tmp_path / "dossier.html").as_uri())
            check(page, "static file")
        finally:
            ctx.close()


def test_entity_lookup_is_case_blind_and_cites_each_sentence_once(server):
    base, _db = server
    exact = httpx.get(base + "/api/entities/Tomas%20Ferreira").json()
    typed = httpx.get(base + "/api/entities/tomas%20ferreira").json()
    assert typed["name"] == "Tomas Ferreira"
    assert typed["said"] == exact["said"] and typed["mentioned"] == exact["mentioned"]
    assert all(q["speaker"] == "Tomas Ferreira" for q in exact["said"])
    cited = [(m["article"], m["sentence"]) for m in exact["mentioned"]]
    assert len(cited) == len(set(cited)) >= 3
    assert all("Ferreira" in m["text"] for m in exact["mentioned"])
    assert len({m["outlet"] for m in exact["mentioned"]}) >= 3
    assert httpx.get(base + "/api/entities/Nobody%20Here").status_code == 404


def test_upload_lands_in_a_story_without_restart(server, page, tmp_path):
    base, _db = server
    article = tmp_path / "lighthouse.txt"
    article.write_text(
        "Skerra lighthouse keeper retires after 41 years\n\n"
        "The last keeper of the Skerra lighthouse, Morag Innes, retired on Friday after 41 years in the job.\n\n"
        "“The light never went out on my watch,” Ms Innes said.\n"
    )
    page.goto(base + "/ingest")
    _shot(page, "ingest")
    page.set_input_files("#files", str(article))
    page.fill("#outlet", "Skerra Gazette")  # plain text names no outlet: the user does
    page.click("#submit")
    page.wait_for_url("**/ingest/jobs/*")
    expect(page.locator("#status")).to_have_text("done", timeout=120_000)  # polled by the page's own script
    assert "1 ingested" in page.inner_text("#summary")
    assert page.inner_text("#documents") == "1 of 1" and page.inner_text("#stored") == "1"
    _shot(page, "job")
    page.goto(base + "/?q=lighthouse")
    story = page.locator("a.story-link").first
    assert "lighthouse keeper retires" in story.inner_text()
    story.click()
    assert "Skerra Gazette" in page.locator("span.pill").all_inner_texts()


def test_uploads_are_type_and_size_checked(server):
    base, _db = server
    h = write_headers(base)
    png = ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    r = httpx.post(base + "/api/ingest", files={"files": png}, headers=h)
    assert r.status_code == 400 and "not a supported type" in r.text
    r = httpx.post(
        base + "/api/ingest", files={"files": ("sneaky.txt", b"%PDF-1.7\n" + bytes(100), "text/plain")}, headers=h
    )
    assert r.status_code == 400 and "PDF" in r.text
    r = httpx.post(base + "/api/ingest", files={"files": ("big.txt", b"a" * 5_000_001, "text/plain")}, headers=h)
    assert r.status_code == 400 and "larger than" in r.text
    r = httpx.post(base + "/api/ingest", data={"text": "Title\n\nBody.", "outlet": "Evil\x1b[2J"}, headers=h)
    assert r.status_code == 400 and "outlet" in r.text


def test_uploads_take_every_type_ingest_reads(server):
    """The web has no list of its own: a Markdown or gzipped JSON Lines upload is read like a file."""
    import gzip

    base, _db = server
    h = write_headers(base)
    text = "Harbour ferry fares rise\n\nFerry fares across the harbour rise by a fifth from Monday, the operator said."
    line = json.dumps({"title": "Pier lights fixed", "text": "The pier lights were repaired on Tuesday after a storm."})
    files = [("files", ("notes.md", text.encode(), "text/markdown")),
             ("files", ("feed.jsonl.gz", gzip.compress(line.encode() + b"\n"), "application/gzip"))]  # fmt: skip
    job = httpx.post(base + "/api/ingest", files=files, headers=h).json()
    assert job["rejected"] == [] and job["files"] == 2
    job = wait_for_job(base, job)
    assert job["status"] == "done" and "2 ingested" in job["summary"], job


def test_untrusted_text_never_runs(server, page):
    """Payloads in titles, outlets, quotes, entity names and URLs are shown as text, never run."""
    base, _db = server
    page.goto(base + "/?q=Kirkby")
    link = page.locator("a.story-link").first
    assert "<script>" in link.inner_text()  # shown, as text
    link.click()
    page.wait_for_url("**/stories/*")
    story_url = page.url
    page.locator("ul.articles a").first.click()
    page.wait_for_url("**/articles/*")
    dossier = httpx.get(story_url.replace("/stories/", "/api/stories/")).json()
    people = [e["name"] for e in dossier["entities"] if e["type"] == "PERSON"]
    assert people and dossier["quotes"]
    for url in (base + "/", story_url, page.url, f"{base}/entities/{quote(people[0], safe='')}"):
        assert page.goto(url).ok, url
        for el in page.locator("main a, main mark, main td").all()[:60]:  # hover what a reader would
            if el.is_visible():
                el.hover(timeout=2000)
        assert page.evaluate("window.__xss") is None, url
        assert page.locator("main img[src=x]").count() == 0
        assert page.locator("main a[href^='javascript']").count() == 0
    assert page.dialogs == []
    _shot(page, "xss")
    api = httpx.get(story_url.replace("/stories/", "/api/stories/")).json()
    assert api["articles"][0]["title"].startswith("<script>")  # the data itself is kept as it was


def test_api_and_docs_work_offline(server, page):
    base, _db = server
    spec = httpx.get(base + "/api/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}"} <= set(spec["paths"])
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "/api/docs")
    assert page.locator("code", has_text="/api/stories").count() >= 1
    page.goto(base + "/")
    assert all(u.startswith(base) for u in requests), [u for u in requests if not u.startswith(base)]


def test_feed_url_is_fetched_only_when_given(server, tmp_path):
    """A feed URL pasted into the ingest page is fetched (here from a server on loopback)."""
    import http.server
    import threading
    from functools import partial

    (tmp_path / "feed.xml").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour Radio</title><item><title>Ferry timetable changes</title>"
        "<link>https://harbour-radio.example/ferry-timetable</link><description>The Skerra ferry will run an extra evening "
        "sailing from June, the operator Skerra Lines said on Tuesday.</description></item></channel></rss>"
    )
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base, _db = server
    try:
        r = httpx.post(
            base + "/api/ingest",
            data={"url": f"http://127.0.0.1:{httpd.server_port}/feed.xml"},
            headers=write_headers(base),
        )
        assert r.status_code == 202
        job = wait_for_job(base, r.json())
        assert job["status"] == "done" and "1 ingested" in job["summary"], job
        titles = [
            s["title"] for s in httpx.get(base + "/api/stories", params={"q": "ferry timetable"}).json()["stories"]
        ]
        assert "Ferry timetable changes" in titles
    finally:
        httpd.shutdown()
    assert (
        httpx.post(base + "/api/ingest", data={"url": "file:///etc/passwd"}, headers=write_headers(base)).status_code
        == 400
    )


def test_a_long_story_list_is_paged(tmp_path):
    """Hundreds of stories come a page at a time, newest first, with links between the pages."""
    import datetime as dt
    import random

    rng = random.Random(5)
    syllables = ["ka", "lo", "mir", "tes", "van", "dor", "pel", "shu", "ri", "gal", "nob", "fen"]
    lines = []
    for i in range(130):  # a place, a date and a product of its own each: 130 separate stories
        place = "".join(rng.choice(syllables) for _ in range(3)).title()
        thing = "".join(rng.choice(syllables) for _ in range(2))
        day = dt.date(2024, 1, 1) + dt.timedelta(days=9 * i)
        lines.append(json.dumps({
            "url": f"https://fairs.example/{i}", "title": f"{place} holds its first {thing} fair",
            "outlet": "Fair Weekly", "published": day.isoformat(),
            "text": f"The village of {place} held its first {thing} fair on Saturday, with {i + 20} stalls.",
        }))  # fmt: skip
    (tmp_path / "fairs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "fairs.db"
    with Store(db) as store:
        ingest(store, [str(tmp_path / "fairs.jsonl")])
    with running_server(db) as (base, _proc):
        first = httpx.get(base + "/api/stories").json()
        assert first["total"] > 100 and first["pages"] >= 2 and len(first["stories"]) == 100
        second = httpx.get(base + "/api/stories", params={"page": 2}).json()
        assert len(second["stories"]) == first["total"] - 100
        ids = [s["id"] for s in first["stories"] + second["stories"]]
        assert len(set(ids)) == first["total"]
        dates = [s["last_date"] for s in first["stories"] + second["stories"]]
        assert dates == sorted(dates, reverse=True)
        html = httpx.get(base + "/").text
        assert f"{first['total']} stories" in html and 'rel="next" href="/?page=2"' in html
        assert 'rel="prev"' in httpx.get(base + "/?page=2").text


def test_a_page_on_another_origin_cannot_plant_articles(server, page, tmp_path):
    """An attacker's page (another loopback server) auto-submits a form to the ingest endpoints, in
    Chromium, as it would from any site the user visits: nothing reaches the store."""
    import http.server
    import sqlite3
    import threading
    from functools import partial

    base, db = server
    with sqlite3.connect(db) as c:
        before = c.execute("SELECT count(*) FROM articles").fetchone()[0]
    for action in ("/ingest", "/api/ingest"):
        (tmp_path / "attack.html").write_text(
            f"<html><body><form id=f method=post action='{base}{action}' enctype='multipart/form-data'>"
            "<input name=token value=guess><textarea name=text>Minister resigns in disgrace\n\n"
            "The minister resigned on Monday after admitting to fabricated expenses, aides said.</textarea></form>"
            "<script>document.getElementById('f').submit()</script></body></html>"
        )
        httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
        )
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            with page.expect_response(lambda r: r.url.startswith(base)) as answer:
                page.goto(f"http://127.0.0.1:{httpd.server_port}/attack.html")
            assert answer.value.status == 403
        finally:
            httpd.shutdown()
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM articles").fetchone()[0] == before
    assert "Minister resigns" not in httpx.get(base + "/api/stories", params={"q": "minister disgrace"}).text


def test_stories_with_news_since_the_last_visit_are_marked(tmp_path, page):
    """The list marks a story that changed since this browser last looked; its dossier opens on
    *What changed*, the news marked; once read, the mark goes. Kept in the browser, no accounts."""
    db = tmp_path / "news.db"
    with Store(db) as store:
        ingest(store, [str(CORPUS / "nws-wire" / "solvane-recall.txt"), str(CORPUS / "the-ledger")])
    with running_server(db) as (base, _proc):
        page.goto(base + "/")
        assert page.locator(".news:visible").count() == 0  # a first visit: nothing is news yet
        with Store(db) as store:  # another outlet's article on the mower recall arrives
            ingest(store, [str(CORPUS / "daily-courier" / "killer-robot-mowers.txt")])
        page.goto(base + "/")
        marked = page.locator("tr:has(.news:visible)")
        assert marked.count() == 1 and "Solvane" in marked.inner_text()
        marked.locator("a.story-link").click()
        assert "changes_since=" in page.url
        unseen = page.locator("#changes li.change.unseen")
        assert unseen.count() >= 2
        assert "45,000 killer robot mowers recalled" in page.locator("#changes").inner_text()
        assert unseen.first.locator("a.cite").first.get_attribute("href").startswith("/articles/")
        _shot(page, "what-changed")
        page.goto(base + "/")
        assert page.locator(".news:visible").count() == 0  # read now
        page.goto(base + page.locator("a.story-link", has_text="Solvane").get_attribute("href"))
        assert page.locator("#changes li.change.unseen").count() == 0

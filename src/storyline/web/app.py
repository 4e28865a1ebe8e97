"""`storyline serve`: a local web app over the store. Routes only: the views come from the read
layer (`storyline.reads`), ingest jobs from `web/jobs.py`, URL fetching from `ingest/fetch.py`.

Pages are rendered on the server with Jinja2 (autoescaped: scraped text is untrusted) and use a
little vendored JavaScript; every page's data is also under /api/. Each request opens its own
read-only connection, so ingest jobs (a background thread with its own connection) and other
processes can write to the store at the same time.

What the server trusts: requests whose `Host` is the address it listens on (or `localhost`, or a
name given with --allowed-host), so a page elsewhere cannot reach it by DNS rebinding; and writes
(ingest) only from its own pages: the `Origin` and `Sec-Fetch-Site` headers must say same-origin
and the form or the `X-Storyline-Token` header must carry the server's token (GET /api/token).
URLs it fetches must lead to public addresses unless started with --allow-private-urls.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

from fastapi import FastAPI, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from storyline.output import ArticlePage, Dossier, EntityPage, StoryList, dump
from storyline.reads import BadFilter, Reader, day, page_number, since_time
from storyline.settings import SETTINGS as S
from storyline.store.repo import StoreError
from storyline.store.search import HIT_CLOSE, HIT_OPEN
from storyline.web.jobs import IngestJobs, Job, JobRefused, upload_name

PAGE_SIZE = S.page_size
MAX_STORY_ID = 2**63 - 1  # SQLite's largest integer: a larger id is simply not a story
T = TypeVar("T")
CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"


def _safe_url(url: object) -> str | None:
    s = str(url or "")
    return s if re.match(r"^https?://", s, re.I) else None


def _host_name(host_header: str) -> str:
    """The name part of a Host header: 'localhost:8000' -> 'localhost', '[::1]:8000' -> '::1'."""
    h = host_header.strip().lower()
    if h.startswith("["):
        return h[1 : h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def allowed_host_names(bind: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host names the server answers to: the address it is bound to, localhost when it listens on
    loopback (or on every address), and the names the user added."""
    names = {bind.strip("[]").lower(), *(e.strip().lower() for e in extra if e.strip())}
    try:
        addr = ipaddress.ip_address(bind.strip("[]"))
        if addr.is_loopback or addr.is_unspecified:
            names |= {"localhost", "127.0.0.1", "::1"}
    except ValueError:
        pass
    return frozenset(names)


def create_app(
    db: str,
    max_upload_bytes: int = S.max_upload_bytes,
    max_files: int = S.max_upload_files,
    host: str = "127.0.0.1",
    allowed_hosts: Iterable[str] = (),
    allow_private_urls: bool = False,
) -> FastAPI:
    app = FastAPI(
        title="storyline",
        version="1",
        description="Stories, dossiers, articles and entities from a storyline store.",
        docs_url=None,  # FastAPI's docs page loads its scripts from a CDN; ours is served locally
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    env = Environment(
        loader=ChoiceLoader(
            [PackageLoader("storyline.web", "templates"), PackageLoader("storyline.present", "templates")]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = _safe_url
    env.filters["urlq"] = lambda s: quote(str(s), safe="")
    env.globals.update(HIT_OPEN=HIT_OPEN, HIT_CLOSE=HIT_CLOSE)  # a search snippet's markers, <mark> in the page
    jobs = IngestJobs(db, max_upload_bytes, max_files, allow_private_urls)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    token = secrets.token_urlsafe(24)  # per server run: a page elsewhere cannot know it
    env.globals["csrf_token"] = token
    hosts = allowed_host_names(host, allowed_hosts)

    @app.middleware("http")
    async def trust_only_own_origin(request: Request, call_next: Any) -> Response:
        """Refuse other Host names (DNS rebinding) and cross-site writes (CSRF) before any route runs."""
        if _host_name(request.headers.get("host", "")) not in hosts:
            return PlainTextResponse(
                "storyline: this server answers only to " + ", ".join(sorted(hosts)) + " (see --allowed-host)", 421
            )
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            site = request.headers.get("sec-fetch-site")
            origin = request.headers.get("origin")
            if site is not None and site not in ("same-origin", "none"):
                return PlainTextResponse("storyline: writes are accepted only from this server's own pages", 403)
            if origin is not None and (urlsplit(origin).netloc or origin) != request.headers.get("host", ""):
                return PlainTextResponse("storyline: writes are accepted only from this server's own pages", 403)
        return await call_next(request)

    def check_token(form_token: str, header_token: str | None) -> None:
        given = header_token or form_token
        if not given or not secrets.compare_digest(given, token):
            raise HTTPException(
                403, "missing or wrong token: send the form from /ingest, or X-Storyline-Token (GET /api/token)"
            )

    def reader() -> Reader:
        try:
            return Reader.open(db)  # each request its own read-only connection
        except StoreError as e:
            raise HTTPException(503, str(e)) from None

    def page(name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(web=True, **ctx)
        headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}
        return HTMLResponse(html, status_code=status_code, headers=headers)

    # -- data: the read layer's views, cached where a view is costly -------------------------
    facets: dict[str, Any] = {}  # outlets and people for the filters, kept until the store changes
    dossiers: dict[tuple[Any, ...], Dossier] = {}  # (story, members, data version, changes since)

    def stories_data(
        q: str | None, outlet: str | None, person: str | None, since: str | None, until: str | None, page_no: int = 1
    ) -> StoryList:
        with reader() as r:
            version = r.data_version()
            if facets.get("version") != version:
                facets.update(version=version, lists=r.facets())
            return r.story_list(q, outlet, person, since, until, page_no, facets=facets["lists"])

    def article_data(article_id: str) -> ArticlePage:
        with reader() as r:
            return _found(r.article_page(article_id), f"no article {article_id}")

    def entity_data(name: str) -> EntityPage:
        with reader() as r:
            return _found(r.entity_page(name), f"no entity {name!r}")

    def dossier(story_id: int, changes_since: str | None = None) -> Dossier:
        """A story's dossier, rebuilt only when the store changes (new articles, versions, changes)."""
        if not 1 <= story_id <= MAX_STORY_ID:
            raise HTTPException(404, f"no story {story_id}")
        try:
            since = since_time(changes_since) if changes_since else None
        except BadFilter as e:
            raise HTTPException(400, str(e)) from None
        with reader() as r:
            story = r.story(story_id)  # a story merged by recluster answers for it
            if story is None:
                raise HTTPException(404, f"no story {story_id}")
            key = (story.id, tuple(a.id for a in story.articles), r.data_version(), since)
            if key not in dossiers:
                dossiers[key] = r.dossier(story.id, changes_since=since)
                if len(dossiers) > S.dossier_cache:
                    dossiers.pop(next(iter(dossiers)))
        return dossiers[key]

    # -- pages ------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(q: str | None = None, outlet: str | None = None, person: str | None = None,
                     since: str | None = None, until: str | None = None, page_no: str | None = Query(None, alias="page"),
                     ) -> HTMLResponse:  # fmt: skip
        error = None
        try:
            data = stories_data(q, outlet, person, since, until, page_number(page_no))
        except BadFilter as e:  # say so, and list the stories without the bad values rather than none
            error = str(e)
            try:
                day("since", since), day("until", until)
            except BadFilter:
                since = until = None
            try:
                n = page_number(page_no)
            except BadFilter:
                n = 1
            data = stories_data(q, outlet, person, since, until, n)
        filters = {
            k: v for k, v in {"q": q, "outlet": outlet, "person": person, "since": since, "until": until}.items() if v
        }
        return page(
            "stories.html.j2",
            **dump(data),
            q=q or "",
            outlet=outlet or "",
            person=person or "",
            since=since or "",
            until=until or "",
            page_size=PAGE_SIZE,
            prev_url="/?" + urlencode({**filters, "page": data.page - 1}) if data.page > 1 else None,
            next_url="/?" + urlencode({**filters, "page": data.page + 1}) if data.page < data.pages else None,
            error=error,
            status_code=400 if error else 200,
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def dossier_page(story_id: int, changes_since: str | None = None) -> HTMLResponse:
        return page("dossier_page.html.j2", d=dump(dossier(story_id, changes_since)))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        rec = dump(article_data(article_id))
        return page(
            "article.html.j2", a=rec, paragraphs=_marked(rec),
            headline=_part_marked(rec, "headline"), standfirst=_part_marked(rec, "standfirst"),
            display=_display_marked(rec),
        )  # fmt: skip

    @app.get("/articles/{article_id}/raw", include_in_schema=False)
    def article_raw(article_id: str) -> Response:
        with reader() as r:
            art = r.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article {article_id}")
        # always plain text, never rendered: the raw input is untrusted HTML more often than not
        return PlainTextResponse(
            art.raw.decode("utf-8", "replace"),
            headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'"},
        )

    @app.get("/entities/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(name: str) -> HTMLResponse:
        return page("entity.html.j2", e=dump(entity_data(name)))

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_page() -> HTMLResponse:
        return page(
            "ingest.html.j2", jobs=jobs.recent(), max_mb=max_upload_bytes / 1e6, max_files=max_files,
            outlet_max=S.outlet_max_chars,
        )  # fmt: skip

    @app.post("/ingest", include_in_schema=False)
    async def ingest_form(
        files: Annotated[list[UploadFile] | None, File()] = None,
        text: Annotated[str, Form()] = "",
        url: Annotated[str, Form()] = "",
        outlet: Annotated[str, Form()] = "",
        token: Annotated[str, Form()] = "",
        x_storyline_token: Annotated[str | None, Header()] = None,
    ) -> Response:
        check_token(token, x_storyline_token)
        job = await _start_job(files or [], text, url, outlet)
        return RedirectResponse(f"/ingest/jobs/{job.id}", status_code=303)

    @app.get("/ingest/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(job_id: str) -> HTMLResponse:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return page("job.html.j2", job=job)

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return page("apidocs.html.j2", spec=app.openapi())

    # -- JSON API ---------------------------------------------------------------------------
    @app.get("/api/stories", summary="Stories, with optional full-text search and filters")
    def api_stories(q: str | None = Query(None, description="full-text query over titles and text (FTS5)"),
                    outlet: str | None = None, person: str | None = None,
                    since: str | None = Query(None, description="YYYY-MM-DD"),
                    until: str | None = Query(None, description="YYYY-MM-DD"),
                    page: str | None = Query(None, description=f"page of {PAGE_SIZE} stories, newest first (1, 2, ...)"),
                    ) -> StoryList:  # fmt: skip
        try:
            return stories_data(q, outlet, person, since, until, page_number(page))
        except BadFilter as e:
            raise HTTPException(400, str(e)) from None

    @app.get("/api/stories/{story_id}", summary="A story's dossier (same JSON as `storyline dossier --format json`)")
    def api_story(
        story_id: int,
        changes_since: str | None = Query(None, description="'changes' after this time (ISO 8601, or an age: 2h)"),
    ) -> Dossier:
        return dossier(story_id, changes_since)

    @app.get("/api/articles/{article_id}", summary="One article: cleaned text, metadata, entities, quotes, copies")
    def api_article(article_id: str) -> ArticlePage:
        return article_data(article_id)

    @app.get("/api/entities/{name:path}", summary="Everything said by and about one person or body")
    def api_entity(name: str) -> EntityPage:
        return entity_data(name)

    @app.get("/api/token", summary="The token this server wants with every write (X-Storyline-Token)")
    def api_token() -> dict[str, str]:
        return {"token": token}

    @app.post(
        "/api/ingest",
        summary="Upload files (multipart `files`), paste `text` or give a `url` (and an `outlet`); needs the token; returns a job",
    )
    async def api_ingest(
        files: Annotated[list[UploadFile] | None, File()] = None,
        text: Annotated[str, Form()] = "",
        url: Annotated[str, Form()] = "",
        outlet: Annotated[str, Form(description="the outlet of everything in this job, as `ingest --outlet`")] = "",
        token: Annotated[str, Form()] = "",
        x_storyline_token: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        check_token(token, x_storyline_token)
        job = await _start_job(files or [], text, url, outlet)
        return JSONResponse(dump(job), status_code=202)

    @app.get("/api/jobs/{job_id}", summary="Progress of an ingest job")
    def api_job(job_id: str) -> Job:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job

    async def _start_job(files: list[UploadFile], text: str, url: str = "", outlet: str = "") -> Job:
        """Read each upload into memory (no more than the size limit and a byte), then start the job."""
        if len(files) > max_files:
            raise HTTPException(413, f"at most {max_files} files at once")
        read = [(upload_name(f.filename), await f.read(max_upload_bytes + 1)) for f in files if f.filename]
        try:
            return jobs.start(read, text, url, outlet)
        except JobRefused as e:
            raise HTTPException(e.status, str(e)) from None

    return app


def _found(view: T | None, missing: str) -> T:
    """A view, or the 404 that says what is missing."""
    if view is None:
        raise HTTPException(404, missing)
    return view


def _quote_label(q: dict[str, Any]) -> str:
    """What hovering a quote says: its speaker (or that it has none, or that it is a guess), cue, confidence."""
    who = q["speaker"] or "unattributed"
    if q["speaker"] and q.get("uncertain"):
        who = f"possibly {who} (uncertain)"
    sure = f", confidence {q['confidence']:.2f}" if q.get("confidence") is not None else ""
    cue = f", {q['cue']}" if q.get("cue") else ""
    return f"{who}{' (partial)' if q['partial'] else ''}{cue}{sure}"


def _part_marked(rec: dict[str, Any], part: str, line: int | None = None) -> list[dict[str, Any]]:
    """The headline's, standfirst's or a display line's text as runs tagged quote/plain (its quotes'
    offsets are into it)."""
    text = (rec["display"][line] if line is not None else rec["title" if part == "headline" else "standfirst"]) or ""
    runs: list[dict[str, Any]] = []
    pos = 0
    mine = (q for q in rec["quotes"] if q.get("part") == part and q.get("line") == line)
    for q in sorted(mine, key=lambda q: q["start"]):
        if q["start"] < pos or q["end"] > len(text):
            continue
        runs += [{"text": text[pos : q["start"]], "kind": "plain", "label": ""},
                 {"text": text[q["start"] : q["end"]], "kind": "quote", "label": _quote_label(q)}]  # fmt: skip
        pos = q["end"]
    return [*runs, {"text": text[pos:], "kind": "plain", "label": ""}]


def _display_marked(rec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The captions and pull quotes printed again that hold a quote, each as runs like the headline's."""
    lines = sorted({q["line"] for q in rec["quotes"] if q.get("part") == "display" and q.get("line") is not None})
    return [_part_marked(rec, "display", k) for k in lines if k < len(rec.get("display") or [])]


def _marked(rec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The article's paragraphs as runs of text tagged quote/entity/plain, with sentence anchors."""
    text = rec["text"]
    marks: list[tuple[int, int, str, str]] = []
    body = [q for q in rec["quotes"] if q.get("part", "body") == "body"]
    for q in body:
        marks.append((q["start"], q["end"], "quote", _quote_label(q)))
    for q in body:  # the words the speaker was chosen by: why this speaker
        s, t = q.get("speaker_start"), q.get("speaker_end")
        if s is not None and t is not None and not any(a < t and s < b for a, b, _k, _l in marks):
            marks.append((s, t, "speaker", f"speaker of “{' '.join(q['text'].split()[:8])}…”"))
    for e in rec["entities"]:
        if not any(s <= e["start"] < t for s, t, _k, _l in marks):
            marks.append((e["start"], e["end"], "entity", f"{e['label']}: {e['name']}"))
    sentence_at = {s["start"]: s["idx"] for s in rec["sentences"]}
    paragraphs: list[list[dict[str, Any]]] = []
    pos = 0
    for chunk in text.split("\n\n"):
        start, end = pos, pos + len(chunk)
        cuts = {start, end} | {k for k in sentence_at if start <= k < end}
        for s, t, _k, _l in marks:
            if s < end and t > start:
                cuts |= {max(s, start), min(t, end)}
        points = sorted(cuts)
        runs: list[dict[str, Any]] = []
        for x, y in itertools.pairwise(points):
            if x in sentence_at:
                runs.append({"kind": "anchor", "id": f"s{sentence_at[x]}"})
            cover = next(((k, lab) for s, t, k, lab in marks if s <= x < t), None)
            run = {"text": text[x:y], "kind": cover[0] if cover else "plain", "label": cover[1] if cover else ""}
            if runs and runs[-1]["kind"] == run["kind"] == "plain":
                runs[-1]["text"] += run["text"]
            else:
                runs.append(run)
        paragraphs.append(runs)
        pos = end + 2
    return paragraphs

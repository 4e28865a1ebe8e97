"""`storyline serve`: a local web app over the store. Routes only; the stages do the work.

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

import dataclasses
import datetime as dt
import ipaddress
import itertools
import re
import secrets
import threading
import uuid
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import FastAPI, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from storyline.dossier import article_record, build_dossier, entities_of, quotes_of
from storyline.ingest.decode import sniff_binary
from storyline.ingest.fetch import FetchError, fetch
from storyline.ingest.paths import DEFAULT_MAX_BYTES, read_one
from storyline.output import Dossier, dump
from storyline.records import IngestProblem, RawDocument, StoryArticle, outlet_label
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store, StoreError

PAGE_SIZE = S.page_size
MAX_ACTIVE_JOBS = S.max_active_jobs
JOB_HISTORY = S.job_history
MAX_STORY_ID = 2**63 - 1  # SQLite's largest integer: a larger id is simply not a story
UPLOAD_EXT = (".txt", ".text", ".html", ".htm", ".html.gz", ".htm.gz", ".jsonl", ".ndjson", ".json", ".xml", ".rss",
              ".atom", ".warc", ".warc.gz")  # fmt: skip
CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"


def _safe_url(url: object) -> str | None:
    s = str(url or "")
    return s if re.match(r"^https?://", s, re.I) else None


def _sparkline(dates: list[str | None], width: int = 120, height: int = 24) -> str:
    """Articles per day across the story's span, as the points of an SVG polyline."""
    days = sorted(d[:10] for d in dates if d)
    if not days:
        return ""
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    if first == last:
        return f"0,{height / 2:.1f} {width},{height / 2:.1f}"  # one day: a level line
    span = (last - first).days
    counts = Counter(days)
    top = max(counts.values())
    pts = []
    for i in range(span + 1):
        day = (first + dt.timedelta(days=i)).isoformat()
        x = i * width / span
        y = height - 2 - (counts.get(day, 0) / top) * (height - 4)
        pts.append(f"{x:.1f},{y:.1f}")
    return " ".join(pts)


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
    jobs: dict[str, dict[str, Any]] = {}
    job_slots = threading.BoundedSemaphore(MAX_ACTIVE_JOBS)
    dossiers: dict[tuple[int, tuple[str, ...]], Dossier] = {}  # (story, its articles) -> dossier
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

    def store() -> Store:
        try:
            return Store(db, readonly=True)
        except StoreError as e:
            raise HTTPException(503, str(e)) from None

    def page(name: str, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(web=True, **ctx)
        return HTMLResponse(html, headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"})

    # -- data -------------------------------------------------------------------------------
    facets: dict[str, Any] = {}  # outlets and people for the filters, kept until the store changes

    def stories_data(
        q: str | None, outlet: str | None, person: str | None, since: str | None, until: str | None, page_no: int = 1
    ) -> dict[str, Any]:
        """One page of the filtered story list, newest first; only that page's members are loaded."""
        with store() as s:
            keep: set[int] | None = None
            if q:
                keep = s.stories_with(article_ids=s.search(q))
            if outlet or person:
                found = s.stories_with(outlet=outlet or None, person=person or None)
                keep = found if keep is None else keep & found
            index = [
                (sid, first, last, n)
                for sid, first, last, n in s.story_index()
                if (keep is None or sid in keep)
                and not (since and (last or "")[:10] < since)
                and not (until and (first or "9999")[:10] > until)
            ]
            index.sort(key=lambda r: (r[2] or "", r[3]), reverse=True)
            pages = max(1, -(-len(index) // PAGE_SIZE))
            page_no = min(max(1, page_no), pages)
            shown = index[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
            order = {sid: k for k, (sid, *_rest) in enumerate(shown)}
            rows = []
            for st in sorted(s.stories([sid for sid, *_rest in shown]), key=lambda st: order[st.id]):
                d = st.to_dict()
                d["sparkline"] = _sparkline([a.published for a in st.articles])
                rows.append(d)
            version = s.data_version()
            if facets.get("version") != version:
                facets.update(version=version, outlets=s.outlets(), people=s.people())
            return {
                "stories": rows, "total": len(index), "page": page_no, "pages": pages,
                "outlets": facets["outlets"], "people": facets["people"],
            }  # fmt: skip

    def article_data(article_id: str) -> dict[str, Any]:
        with store() as s:
            art = s.article(article_id)
            if art is None:
                raise HTTPException(404, f"no article {article_id}")
            rec = dump(article_record(art, s.article_extra(article_id)))
            rec["outlet_label"] = outlet_label(art)
            rec["sentences"] = [
                {"idx": x.idx, "paragraph": x.paragraph, "start": x.start, "end": x.end}
                for x in s.sentences(article_id)
            ]
            rec["entities"] = [
                {"start": m.start, "end": m.end, "text": m.text, "label": m.label, "name": m.canonical}
                for m in s.mentions(article_id)
            ]
            rec["quotes"] = [
                {
                    "start": q.start,
                    "end": q.end,
                    "text": q.text,
                    "speaker": q.speaker,
                    "cue": q.cue,
                    "partial": q.partial,
                }
                for q in s.quotes(article_id)
            ]
            rec["copies"] = s.copies_of(article_id)
            story = s.story(rec["story"]) if rec.get("story") else None
            rec["story_title"] = story.title if story else None
            return rec

    def entity_data(name: str) -> dict[str, Any]:
        with store() as s:
            story_ids = s.entity_stories(name)
            if not story_ids and not s.entity_articles(name):
                raise HTTPException(404, f"no entity {name!r}")
            # a merged quote takes its speaker from one of its sources: only stories that quote them count
            said = [
                dump(q)
                for sid in s.entity_stories(name, speaking=True)
                for q in quotes_of(s, sid)
                if (q.speaker or "").lower() == name.lower()
            ]
            mentioned = [
                {
                    "article": r["article"],
                    "outlet": outlet_label(StoryArticle(r["article"], r["source"], r["outlet"], None, None)),
                    "sentence": r["sentence"],
                    "text": r["text"],
                }
                for r in s.entity_sentences(name, limit=200)
            ]
            merged = [e for sid in story_ids for e in entities_of(s, sid) if e.name.lower() == name.lower()]
            return {
                "name": merged[0].name if merged else name,  # as the articles spell it, whatever was typed
                "type": merged[0].type if merged else None,
                "aliases": sorted({a for e in merged for a in e.aliases}),
                "roles": list(dict.fromkeys(r for e in merged for r in e.roles)),
                "stories": [{"id": st.id, "title": st.title} for st in s.stories(story_ids)],
                "said": said,
                "mentioned": mentioned,
            }

    # -- pages ------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(q: str | None = None, outlet: str | None = None, person: str | None = None,
                     since: str | None = None, until: str | None = None, page_no: int = Query(1, alias="page"),
                     ) -> HTMLResponse:  # fmt: skip
        data = stories_data(q, outlet, person, since, until, page_no)
        filters = {
            k: v for k, v in {"q": q, "outlet": outlet, "person": person, "since": since, "until": until}.items() if v
        }
        return page(
            "stories.html.j2",
            **data,
            q=q or "",
            outlet=outlet or "",
            person=person or "",
            since=since or "",
            until=until or "",
            page_size=PAGE_SIZE,
            prev_url="/?" + urlencode({**filters, "page": data["page"] - 1}) if data["page"] > 1 else None,
            next_url="/?" + urlencode({**filters, "page": data["page"] + 1}) if data["page"] < data["pages"] else None,
        )

    def dossier(story_id: int) -> Dossier:
        """A story's dossier, rebuilt only when its articles change."""
        if not 1 <= story_id <= MAX_STORY_ID:
            raise HTTPException(404, f"no story {story_id}")
        with store() as s:
            story_id = s.resolve_story(story_id) or story_id  # a story merged by recluster answers for it
            story = s.story(story_id)
        if story is None:
            raise HTTPException(404, f"no story {story_id}")
        key = (story_id, tuple(a.id for a in story.articles))
        if key not in dossiers:
            with store() as s:  # read-only: the vectors a dossier compares were stored at ingest
                dossiers[key] = build_dossier(s, story_id)
            if len(dossiers) > S.dossier_cache:
                dossiers.pop(next(iter(dossiers)))
        return dossiers[key]

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def dossier_page(story_id: int) -> HTMLResponse:
        return page("dossier_page.html.j2", d=dump(dossier(story_id)))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        rec = article_data(article_id)
        return page("article.html.j2", a=rec, paragraphs=_marked(rec))

    @app.get("/articles/{article_id}/raw", include_in_schema=False)
    def article_raw(article_id: str) -> Response:
        with store() as s:
            art = s.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article {article_id}")
        # always plain text, never rendered: the raw input is untrusted HTML more often than not
        return PlainTextResponse(
            art.raw.decode("utf-8", "replace"),
            headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'"},
        )

    @app.get("/entities/{name}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(name: str) -> HTMLResponse:
        return page("entity.html.j2", e=entity_data(name))

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_page() -> HTMLResponse:
        return page(
            "ingest.html.j2", jobs=list(jobs.values())[-10:], max_mb=max_upload_bytes / 1e6, max_files=max_files
        )

    @app.post("/ingest", include_in_schema=False)
    async def ingest_form(
        files: Annotated[list[UploadFile] | None, File()] = None,
        text: Annotated[str, Form()] = "",
        url: Annotated[str, Form()] = "",
        token: Annotated[str, Form()] = "",
        x_storyline_token: Annotated[str | None, Header()] = None,
    ) -> Response:
        check_token(token, x_storyline_token)
        job = await _start_job(files or [], text, url)
        return RedirectResponse(f"/ingest/jobs/{job['id']}", status_code=303)

    @app.get("/ingest/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(job_id: str) -> HTMLResponse:
        if job_id not in jobs:
            raise HTTPException(404, "no such job")
        return page("job.html.j2", job=jobs[job_id])

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return page("apidocs.html.j2", spec=app.openapi())

    # -- JSON API ---------------------------------------------------------------------------
    @app.get("/api/stories", summary="Stories, with optional full-text search and filters")
    def api_stories(q: str | None = Query(None, description="full-text query over titles and text (FTS5)"),
                    outlet: str | None = None, person: str | None = None,
                    since: str | None = Query(None, description="YYYY-MM-DD"),
                    until: str | None = Query(None, description="YYYY-MM-DD"),
                    page: int = Query(1, description=f"page of {PAGE_SIZE} stories, newest first"),
                    ) -> dict[str, Any]:  # fmt: skip
        return stories_data(q, outlet, person, since, until, page)

    @app.get("/api/stories/{story_id}", summary="A story's dossier (same JSON as `storyline dossier --format json`)")
    def api_story(story_id: int) -> Dossier:
        return dossier(story_id)

    @app.get("/api/articles/{article_id}", summary="One article: cleaned text, metadata, entities, quotes, copies")
    def api_article(article_id: str) -> dict[str, Any]:
        return article_data(article_id)

    @app.get("/api/entities/{name}", summary="Everything said by and about one person or body")
    def api_entity(name: str) -> dict[str, Any]:
        return entity_data(name)

    @app.get("/api/token", summary="The token this server wants with every write (X-Storyline-Token)")
    def api_token() -> dict[str, str]:
        return {"token": token}

    @app.post(
        "/api/ingest",
        summary="Upload files (multipart `files`), paste `text` or give a `url`; needs the token; returns a job",
    )
    async def api_ingest(
        files: Annotated[list[UploadFile] | None, File()] = None,
        text: Annotated[str, Form()] = "",
        url: Annotated[str, Form()] = "",
        token: Annotated[str, Form()] = "",
        x_storyline_token: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        check_token(token, x_storyline_token)
        job = await _start_job(files or [], text, url)
        return JSONResponse(_public(job), status_code=202)

    @app.get("/api/jobs/{job_id}", summary="Progress of an ingest job")
    def api_job(job_id: str) -> dict[str, Any]:
        if job_id not in jobs:
            raise HTTPException(404, "no such job")
        return _public(jobs[job_id])

    def _public(job: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in job.items() if not k.startswith("_")}

    async def _start_job(files: list[UploadFile], text: str, url: str = "") -> dict[str, Any]:
        """Read the uploads into memory (each within the size limit), then ingest them in a thread."""
        uploads: list[tuple[str, bytes]] = []  # (name, contents), read into documents in the job's thread
        rejected: list[str] = []
        if len(files) > max_files:
            raise HTTPException(413, f"at most {max_files} files at once")
        for f in files:
            if not f.filename:
                continue
            name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(f.filename).name)[:120] or "upload"
            data = await f.read(max_upload_bytes + 1)
            if len(data) > max_upload_bytes:
                rejected.append(f"{name}: larger than {max_upload_bytes / 1e6:.0f} MB")
                continue
            if not name.lower().endswith(UPLOAD_EXT):
                rejected.append(f"{name}: not a supported type ({', '.join(UPLOAD_EXT)})")
                continue
            if not name.lower().endswith((".gz", ".warc")) and sniff_binary(data):
                rejected.append(f"{name}: {sniff_binary(data)}")
                continue
            uploads.append(("upload:" + name, data))
        if text.strip():
            if len(text.encode()) > max_upload_bytes:
                raise HTTPException(413, "pasted text is too large")
            uploads.append(("pasted text", text.encode("utf-8")))
        url = url.strip()
        if url and not re.match(r"^https?://[^\s]+$", url, re.I):
            raise HTTPException(400, "only http(s) URLs can be fetched")
        if not uploads and not url:
            raise HTTPException(
                400, "; ".join(rejected) or "nothing to ingest: choose files, paste an article or give a feed URL"
            )
        if not job_slots.acquire(blocking=False):
            raise HTTPException(429, f"{MAX_ACTIVE_JOBS} ingest jobs are running already; try again when one ends")
        job: dict[str, Any] = {"id": uuid.uuid4().hex[:12], "status": "running", "documents": 0, "files": len(uploads),
               "rejected": rejected, "summary": None, "problems": [], "stories": []}  # fmt: skip
        jobs[job["id"]] = job
        finished = [k for k, j in jobs.items() if j["status"] != "running"]
        for k in finished[: max(0, len(jobs) - JOB_HISTORY)]:
            del jobs[k]
        threading.Thread(target=_run_job, args=(job, uploads, url), daemon=True).start()
        return job

    def _fetched_documents(url: str) -> list[RawDocument | IngestProblem]:
        """A page or feed the user asked for, under the address rules; documents keep the URL."""
        got = fetch(url, max_bytes=max_upload_bytes, allow_private=allow_private_urls)
        ctype = got.content_type.lower()
        ext = ".html" if "html" in ctype else ".xml" if ("xml" in ctype or "rss" in ctype or "atom" in ctype) else ""
        path = urlsplit(got.url).path
        name = got.url if Path(path).suffix or not ext else got.url.rstrip("/") + "#" + ext  # a name read_one can type
        out: list[RawDocument | IngestProblem] = []
        for item in read_one(name, got.data, DEFAULT_MAX_BYTES):
            if isinstance(item, RawDocument) and item.source == name:
                item = dataclasses.replace(item, source=got.url, url=item.url or got.url)
            elif isinstance(item, IngestProblem) and item.source == name:
                item = dataclasses.replace(item, source=got.url)
            out.append(item)
        return out

    def _run_job(job: dict[str, Any], uploads: list[tuple[str, bytes]], url: str) -> None:
        from storyline.engine.local import ingest

        try:
            docs: list[RawDocument | IngestProblem] = [
                item for name, data in uploads for item in read_one(name, data, DEFAULT_MAX_BYTES)
            ]
            if url:
                try:
                    docs += _fetched_documents(url)
                    job["files"] += 1
                except FetchError as e:
                    job["rejected"].append(str(e))
            with Store(db) as s:
                report = ingest(s, [], documents=docs, progress=lambda _src: job.update(documents=job["documents"] + 1))
            job.update(
                status="done",
                summary=report.summary(),
                problems=[f"{p.source.removeprefix('upload:')}: {p.reason}" for p in report.problems],
                stories=sorted(report.stories),
            )
        except Exception as e:
            job.update(status="failed", summary=f"{type(e).__name__}: {' '.join(str(e).split())[:200]}")
        finally:
            job_slots.release()

    return app


def _marked(rec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The article's paragraphs as runs of text tagged quote/entity/plain, with sentence anchors."""
    text = rec["text"]
    marks: list[tuple[int, int, str, str]] = []
    for q in rec["quotes"]:
        marks.append(
            (q["start"], q["end"], "quote", f"{q['speaker'] or 'unattributed'}{' (partial)' if q['partial'] else ''}")
        )
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

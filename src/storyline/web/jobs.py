"""The web app's ingest jobs: uploads checked in memory, then ingested on a thread of their own.

A `Job` record (its JSON is what `/api/jobs/ID` returns) is updated by its thread as it goes; at
most `max_active_jobs` run at once and the last `job_history` finished ones are kept.
Uploads are refused by name with the same extensions ingest reads (`ingest.paths.accepts`).
"""

from __future__ import annotations

import re
import threading
import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from storyline.ingest.decode import sniff_binary
from storyline.ingest.fetch import FetchError, fetch_documents
from storyline.ingest.paths import INPUT_EXT, accepts, read_one
from storyline.records import IngestProblem, RawDocument
from storyline.settings import SETTINGS as S
from storyline.store.repo import Store

OUTLET_MAX_CHARS = S.outlet_max_chars


class Job(BaseModel):
    """An ingest job's progress; only its own thread writes to it."""

    id: str
    status: Literal["running", "done", "failed"] = "running"
    documents: int = Field(0, description="Documents read so far.")
    done: int = Field(0, description="Documents finished so far: stored, already stored, or skipped.")
    stored: int = Field(0, description="Articles analysed and stored so far.")
    total: int | None = Field(None, description="Documents the job holds, when known.")
    files: int = Field(description="Files (and fetched URLs) being ingested.")
    rejected: list[str] = Field(description="Uploads refused, each with the reason.")
    summary: str | None = None
    problems: list[str] = Field(default_factory=list, description="Records skipped, each with the reason.")
    stories: list[int] = Field(default_factory=list, description="Stories the job's articles went to.")


class JobRefused(ValueError):
    """A request that starts no job: `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def upload_name(filename: str) -> str:
    """A file name safe to show and to type by (path parts and odd characters dropped)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename).name)[:120] or "upload"


class IngestJobs:
    def __init__(self, db: str, max_upload_bytes: int, max_files: int, allow_private_urls: bool = False) -> None:
        self.db = db
        self.max_upload_bytes = max_upload_bytes
        self.max_files = max_files
        self.allow_private_urls = allow_private_urls
        self.jobs: dict[str, Job] = {}
        self._slots = threading.BoundedSemaphore(S.max_active_jobs)

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def recent(self, n: int = 10) -> list[Job]:
        return list(self.jobs.values())[-n:]

    def check(self, name: str, data: bytes) -> str | None:
        """Why an upload is refused, or None when it may be ingested."""
        if len(data) > self.max_upload_bytes:
            return f"{name}: larger than {self.max_upload_bytes / 1e6:.0f} MB"
        if not accepts(name):
            return f"{name}: not a supported type ({', '.join(INPUT_EXT)}, or any of them .gz)"
        if not name.lower().endswith((".gz", ".warc")) and (what := sniff_binary(data)):
            return f"{name}: {what}"
        return None

    def start(self, files: list[tuple[str, bytes]], text: str, url: str = "", outlet: str = "") -> Job:
        """Check the uploads (name, contents) and start a job; JobRefused when there is nothing to do.
        `outlet` names the outlet of everything the job reads, as `ingest --outlet` does."""
        outlet = outlet.strip()
        if len(outlet) > OUTLET_MAX_CHARS or any(ord(c) < 32 for c in outlet):
            raise JobRefused(400, f"an outlet is a name of at most {OUTLET_MAX_CHARS} printable characters")
        if len(files) > self.max_files:
            raise JobRefused(413, f"at most {self.max_files} files at once")
        uploads: list[tuple[str, bytes]] = []  # read into documents in the job's thread
        rejected: list[str] = []
        for name, data in files:
            why = self.check(name, data)
            if why:
                rejected.append(why)
            else:
                uploads.append(("upload:" + name, data))
        if text.strip():
            if len(text.encode()) > self.max_upload_bytes:
                raise JobRefused(413, "pasted text is too large")
            uploads.append(("pasted text", text.encode("utf-8")))
        url = url.strip()
        if url and not re.match(r"^https?://[^\s]+$", url, re.I):
            raise JobRefused(400, "only http(s) URLs can be fetched")
        if not uploads and not url:
            raise JobRefused(
                400, "; ".join(rejected) or "nothing to ingest: choose files, paste an article or give a feed URL"
            )
        if not self._slots.acquire(blocking=False):
            raise JobRefused(429, f"{S.max_active_jobs} ingest jobs are running already; try again when one ends")
        job = Job(id=uuid.uuid4().hex[:12], files=len(uploads), rejected=rejected)
        self.jobs[job.id] = job
        finished = [k for k, j in self.jobs.items() if j.status != "running"]
        for k in finished[: max(0, len(self.jobs) - S.job_history)]:
            del self.jobs[k]
        threading.Thread(target=self._run, args=(job, uploads, url, outlet or None), daemon=True).start()
        return job

    def _run(self, job: Job, uploads: list[tuple[str, bytes]], url: str, outlet: str | None) -> None:
        from storyline.engine.local import IngestProgress, ingest

        try:
            docs: list[RawDocument | IngestProblem] = [
                item for name, data in uploads for item in read_one(name, data, S.max_bytes)
            ]
            if url:
                try:
                    docs += fetch_documents(url, self.max_upload_bytes, self.allow_private_urls)
                    job.files += 1
                except FetchError as e:
                    job.rejected.append(str(e))

            def read(p: IngestProgress) -> None:
                job.documents, job.done, job.stored, job.total = p.read, p.done, p.stored, p.total

            with Store(self.db) as s:  # the one writer of this server
                report = ingest(s, [], documents=docs, progress=read, outlet=outlet)
            job.problems = [f"{p.source.removeprefix('upload:')}: {p.reason}" for p in report.problems]
            job.stories = sorted(report.stories)
            job.summary = report.summary()
            job.status = "done"  # last: a client polling for "done" finds the rest in place
        except Exception as e:
            job.summary = f"{type(e).__name__}: {' '.join(str(e).split())[:200]}"
            job.status = "failed"
        finally:
            self._slots.release()

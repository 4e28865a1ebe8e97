"""The `storyline` command: argument parsing, progress bars and printing; the stages do the work."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storyline.settings import SETTINGS as S

DEFAULT_DB = os.environ.get("STORYLINE_DB", "storyline.db")

EPILOG = """\
examples:
  storyline ingest articles/ feed.xml crawl.warc.gz --db news.db
  storyline stories --db news.db
  storyline dossier 1 --format html -o story-1.html --db news.db
  storyline run articles/ -o out/            # everything in one go

Machine output: --json on stories, articles, show; dossier --format json (schema: storyline schema).
"""


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def _err(msg: str) -> None:
    print(f"storyline: {msg}", file=sys.stderr)


def _reader(db: str) -> Any:
    """The read layer on a read-only connection (every command that only shows something)."""
    from storyline.reads import Reader
    from storyline.store.repo import StoreError

    try:
        return Reader.open(db)
    except StoreError as e:
        raise CliError(str(e)) from None


def _store(db: str) -> Any:
    """The store opened for writing (ingest, run, recluster)."""
    from storyline.store.repo import Store, StoreError

    try:
        return Store(db)
    except StoreError as e:
        raise CliError(str(e)) from None


@contextmanager
def _progress(enabled: bool, label: str, unit: str = "documents") -> Iterator[Any]:
    """A rich progress display on a terminal; None (no display) in pipes or with --quiet.

    The callback takes an engine.local.IngestProgress (ingest), or a name (one more item done):
    the bar counts finished work only, with the total, rate and time left when the total is known.
    """
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[current]}"),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None, count="", current="")
        done = 0

        def update(p: Any) -> None:
            nonlocal done
            if isinstance(p, str):  # one more item done, of an unknown number
                done += 1
                bar.update(task, completed=done, count=f"{done} {unit}", current=p[-50:])
                return
            total = p.total if p.total is not None and p.total >= p.done else None
            count = f"{p.done:,}/{total:,} {unit}" if total is not None else f"{p.done:,} {unit}"
            count += f" · {p.stored:,} analysed and stored"
            if p.rate:
                count += f" · {p.rate:.1f}/s"
            left = p.seconds_left if total is not None else None
            if left is not None:
                count += f" · ~{_duration(left)} left"
            bar.update(task, completed=p.done, total=total, count=count, current=str(p.source)[-40:])

        yield update


def _duration(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def _outlet(name: str | None) -> str | None:
    if name is None:
        return None
    if not name.strip() or len(name) > S.outlet_max_chars or any(ord(c) < 32 for c in name):
        raise CliError(f"--outlet {name!r}: an outlet is a name of 1-{S.outlet_max_chars} printable characters")
    return name.strip()


def _ingest(args: argparse.Namespace, db: str) -> Any:
    from storyline.engine.local import ingest
    from storyline.store.repo import StoreError

    analyzer = None
    if args.engine == "dask":
        from storyline.engine.dask_engine import DaskError, dask_analyzer

        try:
            analyzer = dask_analyzer(args.scheduler, max(args.workers, 2))
        except DaskError as e:
            raise CliError(str(e)) from None
    elif args.scheduler:
        raise CliError("--scheduler needs --engine dask")
    store = _store(db)
    show = not args.quiet and sys.stderr.isatty()
    try:
        with _progress(show, "ingesting") as cb:
            report = ingest(
                store, args.paths, batch_size=args.batch_size, max_bytes=args.max_bytes, progress=cb,
                workers=args.workers, analyzer=analyzer, follow_symlinks=args.follow_symlinks,
                outlet=_outlet(args.outlet),
            )  # fmt: skip
    except StoreError as e:
        raise CliError(str(e)) from None
    finally:
        store.close()
        if analyzer is not None:
            analyzer.close()
    for p in report.problems:
        _err(f"skipped {p}")
    if not args.quiet:
        print(f"{report.summary()} (store: {db})", file=sys.stderr)
    return report


def cmd_ingest(args: argparse.Namespace) -> int:
    report = _ingest(args, args.db)
    if args.json:
        print(json.dumps({
            "ingested": report.ingested, "new_versions": report.new_versions, "unchanged": report.unchanged,
            "copies": report.copies, "stories": sorted(report.stories),
            "skipped": [{"source": p.source, "reason": p.reason} for p in report.problems],
        }, indent=2))  # fmt: skip
    nothing = report.ingested + report.new_versions + report.unchanged == 0
    return 1 if nothing else 0


def _every(value: str) -> float:
    from storyline.engine.watch import parse_every

    try:
        return parse_every(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def cmd_watch(args: argparse.Namespace) -> int:
    """Poll the sources until Ctrl-C or SIGTERM (or once); each stop leaves everything fetched stored."""
    import datetime as dt
    import signal

    from storyline.engine.watch import PollReport, Watcher, source_of
    from storyline.store.repo import StoreError

    try:
        sources = [source_of(s) for s in args.sources]
    except ValueError as e:
        raise CliError(str(e)) from None
    outlet = _outlet(args.outlet)

    def tell(poll: PollReport) -> None:
        for f in poll.failures:
            _err(str(f))
        for p in poll.ingest.problems if poll.ingest else ():
            _err(f"skipped {p}")
        if not args.quiet:
            at = dt.datetime.fromisoformat(poll.at).astimezone().strftime("%H:%M:%S")
            print(f"{at} {poll.summary()}", file=sys.stderr)

    store = _store(args.db)
    watcher = Watcher(
        store, sources, every_s=args.every, max_bytes=args.max_bytes, allow_private=args.allow_private_urls,
        outlet=outlet, follow_symlinks=args.follow_symlinks, on_poll=tell,
    )  # fmt: skip
    previous = {sig: signal.signal(sig, watcher.on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if not args.quiet and not args.once:
            every = _duration(args.every).replace("m00s", "m").replace("h00m", "h")
            wait = watcher.next_check_s()  # after a restart, what was checked recently waits its turn
            first = f"next check in {_duration(wait)}; " if wait >= 1 else ""
            print(f"storyline: watching {len(sources)} sources every {every} ({first}Ctrl-C stops)", file=sys.stderr)
        done = watcher.run(once=args.once)
    except StoreError as e:
        raise CliError(str(e)) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        store.close()
    if not args.quiet:
        print(f"{done.summary()} (store: {args.db})", file=sys.stderr)
    return 1 if args.once and done.failures == len(sources) else 0


def cmd_stories(args: argparse.Namespace) -> int:
    with _reader(args.db) as reader:
        stories = reader.stories()
    if args.json:
        print(json.dumps([s.to_dict() for s in stories], ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for col in ("id", "title", "articles", "outlets", "first", "last", "related"):
        table.add_column(col, overflow="fold")
    for s in stories:
        table.add_row(
            str(s.id), s.title, str(len(s.articles)),
            f"{len(s.outlets)} (+{s.unknown_outlet_articles} unknown)" if s.unknown_outlet_articles else str(len(s.outlets)),
            s.first_date or "", s.last_date or "",
            ",".join(map(str, s.related)),
        )  # fmt: skip
    Console(width=None if sys.stdout.isatty() else 160).print(table)
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    from storyline.output import dump

    with _reader(args.db) as reader:
        if args.story is not None and reader.story(args.story) is None:
            raise CliError(f"no story {args.story} in {args.db}")
        records = [reader.article_record(a.id) for a in reader.articles(args.story)]
    if args.json:
        print(json.dumps([dump(r) for r in records], ensure_ascii=False, indent=2))
        return 0
    for r in records:
        copy = f" (copy of {r.copy_of})" if r.copy_of else ""
        print(f"{r.id}\t{(r.published or '')[:10]:10}\t{r.outlet or '-'}\t{r.title or '(untitled)'}{copy}")
    return 0


def _resolve_article(reader: Any, ref: str) -> str:
    found = reader.find_articles(ref)
    if not found:
        raise CliError(f"no article {ref!r} (see `storyline articles`)")
    if len(found) > 1 and ref not in found:
        raise CliError(f"article id {ref!r} is ambiguous: {', '.join(found)}")
    return ref if ref in found else found[0]


def cmd_show(args: argparse.Namespace) -> int:
    from storyline.output import dump

    with _reader(args.db) as reader:
        aid = _resolve_article(reader, args.article)
        if args.raw:
            sys.stdout.buffer.write(reader.article(aid).raw)
            return 0
        rec = dump(reader.article_record(aid))
    if args.json:
        print(json.dumps(rec, ensure_ascii=False, indent=2))
        return 0
    print(rec["title"] or "(untitled)")
    print("=" * min(80, len(rec["title"] or "(untitled)")))
    for key in ("id", "source", "outlet", "byline", "published", "published_note", "dateline", "story", "copy_of"):
        if rec.get(key) is not None:
            print(f"{key + ':':16}{rec[key]}")
    if rec.get("standfirst"):
        print(f"\n{rec['standfirst']}")
    print()
    print(rec["text"])
    return 0


def _dossier(reader: Any, story_id: int, sentences: int, changes_since: str | None = None) -> Any:
    try:  # a story merged by recluster answers for its old id
        return reader.dossier(story_id, sentences, changes_since=changes_since)
    except KeyError:
        raise CliError(f"no story {story_id} (see `storyline stories`)") from None


def _since(value: str | None) -> str | None:
    from storyline.reads import BadFilter, since_time

    if value is None:
        return None
    try:
        return since_time(value)
    except BadFilter as e:
        raise CliError(str(e)) from None


def _previous(path: Path) -> str | None:
    """When the dossier already in `path` was generated: *What changed* in the new one starts there."""
    from storyline.present import generated_at
    from storyline.reads import BadFilter, since_time

    try:
        found = generated_at(path.read_text(encoding="utf-8")) if path.is_file() else None
        return since_time(found) if found else None
    except (OSError, UnicodeDecodeError, BadFilter):
        return None


def cmd_dossier(args: argparse.Namespace) -> int:
    from storyline.present import render_dossier

    since = _since(args.changes_since)
    if since is None and args.output and args.output != "-":
        since = _previous(Path(args.output))
    with _reader(args.db) as reader:
        text = render_dossier(_dossier(reader, args.story, args.sentences, since), args.format)
    if args.output and args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from storyline.present import render_dossier, render_index
    from storyline.reads import Reader

    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    db = args.db or str(out / "storyline.db")
    report = _ingest(args, db)
    if report.ingested + report.new_versions + report.unchanged == 0:
        _err("nothing could be ingested")
        return 1
    index = []
    # `run` writes the store anyway; its last connection being a writer folds the WAL back into the file
    with _store(db) as store:
        reader = Reader(store)
        stories = reader.stories()
        show = not args.quiet and sys.stderr.isatty()
        with _progress(show, "writing dossiers", "stories") as cb:
            for s in stories:
                files = {fmt: f"story-{s.id}.{fmt}" for fmt in ("md", "html", "json")}
                dossier = _dossier(reader, s.id, args.sentences, _previous(out / files["json"]))
                for fmt, name in files.items():
                    (out / name).write_text(render_dossier(dossier, fmt), encoding="utf-8")
                index.append({**s.to_dict(), "files": files})
                if cb:
                    cb(f"story {s.id}")
    for fmt in ("md", "html", "json"):
        (out / f"index.{fmt}").write_text(render_index(index, fmt), encoding="utf-8")
    print(f"{len(index)} stories from {report.seen - len(report.problems)} articles; dossiers in {out}/")
    print(f"open {out / 'index.html'}")
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    """The change log: what each ingest taught storyline about each story, with citations."""
    from storyline.output import dump

    since = _since(args.since)
    with _reader(args.db) as reader:
        try:
            changes = reader.changes(args.story, since)
        except KeyError:
            raise CliError(f"no story {args.story} (see `storyline stories`)") from None
        titles = {s.id: s.title for s in reader.stories()}
    if args.json:
        print(json.dumps([dump(c) for c in changes], ensure_ascii=False, indent=2))
        return 0
    if not changes:
        print("no changes" + (f" since {args.since}" if args.since else ""), file=sys.stderr)
        return 0
    shown: tuple[int, str] | None = None
    for c in changes:
        if (c.story, c.at) != shown:
            shown = (c.story, c.at)
            print(f"\nstory {c.story}: {titles.get(c.story, '')} — learned {c.at[:19].replace('T', ' ')} UTC")
        cites = ", ".join(
            f"{x.outlet_label} [{x.article}#{x.part if x.sentence is None else x.sentence}]" for x in c.citations[:3]
        )
        more = f" +{len(c.citations) - 3}" if len(c.citations) > 3 else ""
        print(f"  {c.kind}: {c.what}" + (f" — {cites}{more}" if cites else ""))
    return 0


def cmd_quotes(args: argparse.Namespace) -> int:
    from storyline.output import dump

    with _reader(args.db) as reader:
        try:
            quotes = reader.quotes(args.story, args.speaker)
        except KeyError as e:
            raise CliError(f"{e.args[0]} in {args.db}") from None
    if args.json:
        print(json.dumps([dump(q) for q in quotes], ensure_ascii=False, indent=2))
        return 0
    for q in quotes:
        who = q.speaker or "(unattributed)"
        if q.speaker and q.uncertain:
            who = f"possibly {q.speaker} (uncertain, {q.confidence:.2f})"
        if q.speaker_role:
            who += f" ({q.speaker_role})"
        mark = "partial " if q.partial else ""
        print(f"[story {q.story}] {who}, {q.cue or '-'}: {mark}“{q.text}” — {', '.join(q.outlets)}")
    return 0


def cmd_entities(args: argparse.Namespace) -> int:
    from storyline.output import dump

    with _reader(args.db) as reader:
        try:
            entities = reader.entities(args.story)
        except KeyError as e:
            raise CliError(f"{e.args[0]} in {args.db}") from None
    if args.json:
        print(json.dumps([dump(e) for e in entities], ensure_ascii=False, indent=2))
        return 0
    for row in entities:
        extra = f" [{'; '.join(row.roles)}]" if row.roles else ""
        aliases = f" aka {', '.join(row.aliases)}" if row.aliases else ""
        print(
            f"[story {row.story}] {row.name} ({row.type}){extra}{aliases} — {len(row.articles)} articles, "
            f"{row.mentions} mentions"
        )
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """The corroboration matrix on a terminal: claims down, outlets across."""
    from storyline.output import dump

    with _reader(args.db) as reader:
        try:
            d = reader.comparison(args.story)
        except KeyError:
            raise CliError(f"no story {args.story} (see `storyline stories`)") from None
    if args.json:
        print(
            json.dumps(
                dump(d, include={"matrix_outlets", "unknown_outlet_articles", "claims", "conflicts", "differences"}),
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    marks = {
        "reports": "[green]●[/green]",
        "related": "[green]○[/green]",
        "contradicts": "[red]✗[/red]",
        "not reported": "[dim]·[/dim]",
    }
    table = Table(title=f"story {d.story.id}: {escape(d.story.title)}", show_lines=False)
    table.add_column("claim", overflow="fold", ratio=4)
    table.add_column("status")
    for o in d.matrix_outlets:
        table.add_column(escape(o[:18]), justify="center")
    rows = [c for c in d.claims if args.all or len(c.outlets) > 1 or c.status == "conflicting"]
    for c in rows[: args.limit]:
        table.add_row(escape(c.text), c.status, *[marks[c.cells[o]] for o in d.matrix_outlets])
    console = Console(width=None if sys.stdout.isatty() else 160)
    console.print(table)
    console.print(
        "● reports this fact · ○ the same event in other detail · ✗ a conflicting figure or date · · not reported"
    )
    console.print(f"{sum(c.status == 'single-source' for c in d.claims)} single-source claims (--all shows them)")
    if d.differences:
        console.print("\nWhere outlets differ:", style="bold")
        console.print(d.differences, highlight=False, markup=False)
    return 0


def cmd_recluster(args: argparse.Namespace) -> int:
    from storyline.engine.recluster import recluster

    with _store(args.db) as store:
        report = recluster(store)
    print(report.summary(), file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from storyline.web.app import create_app

    if not Path(args.db).exists():
        raise CliError(f"{args.db}: no such store (run `storyline ingest` first)")
    print(f"storyline: serving {args.db} at http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr)
    app = create_app(
        args.db, max_upload_bytes=args.max_upload, host=args.host, allowed_hosts=args.allowed_host,
        allow_private_urls=args.allow_private_urls,
    )  # fmt: skip
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from storyline.settings import described

    rows = described()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    width = max(len(r["name"]) for r in rows)
    stage = None
    for r in rows:
        if r["stage"] != stage:
            stage = r["stage"]
            print(f"{'' if stage == rows[0]['stage'] else chr(10)}[{stage}]")
        print(f"  {r['name']:<{width}}  {r['value']!s:<10}  {r['why']}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from storyline import export

    if args.columns:
        print(export.describe())
        return 0
    if not args.output:
        raise CliError("export needs -o DIR (or --columns)")
    with _reader(args.db) as reader:
        if args.story is not None and reader.story(args.story) is None:
            raise CliError(f"no story {args.story} (see `storyline stories`)")
        total = 1 if args.story is not None else len(reader.stories())
        show = not args.quiet and sys.stderr.isatty()
        with _progress(show, "exporting", "stories") as cb:
            done = export.write(
                args.output, export.dossiers(reader, args.story, cb and (lambda sid: cb(f"story {sid}"))), args.format
            )
    for path, n in done.files.values():
        print(f"{path}\t{n} row{'s' * (n != 1)}", file=sys.stderr if args.quiet else sys.stdout)
    if not args.quiet:
        print(f"{done.stories} of {total} stories exported to {args.output}/", file=sys.stderr)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from storyline.output import dossier_schema

    print(json.dumps(dossier_schema(), ensure_ascii=False, indent=2))
    return 0


def _workers(value: str) -> int:
    """`auto` (engine.workers.AUTO) or a positive number."""
    from storyline.engine.workers import AUTO

    return AUTO if value == "auto" else _positive(value)


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def build_parser() -> argparse.ArgumentParser:
    from storyline import __version__
    from storyline.ingest import DEFAULT_MAX_BYTES

    p = argparse.ArgumentParser(
        prog="storyline",
        description="Turn news articles into stories and source-attributed dossiers, offline.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"storyline {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def db_arg(sp: argparse.ArgumentParser, default: str | None = DEFAULT_DB) -> None:
        sp.add_argument(
            "--db",
            default=default,
            help=f"SQLite store (default: {default or 'OUTDIR/storyline.db'}; env STORYLINE_DB)",
        )

    def ingest_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (recursive), globs, or - for stdin")
        sp.add_argument(
            "--batch-size",
            type=_positive,
            default=S.batch_size,
            help=f"articles analysed and committed together (default {S.batch_size})",
        )
        sp.add_argument(
            "--max-bytes",
            type=_positive,
            default=DEFAULT_MAX_BYTES,
            help="refuse inputs larger than this; JSON Lines files over 8 MB are read a line at a time and the limit holds per line (default 50 MB)",
        )
        sp.add_argument(
            "--workers", type=_workers, default="auto", metavar="N|auto",
            help="where the models run: 1 = this process only (embedding beside parsing); N = N worker "
            "processes parse (forked on Linux, this process embeds); auto (default) = this process for "
            "the first batch, then one worker process per core (at most 2) on a machine of two cores or more",
        )  # fmt: skip
        sp.add_argument(
            "--engine", choices=("local", "dask"), default="local",
            help="where the models run: this machine (local) or Dask workers (dask; default local)",
        )  # fmt: skip
        sp.add_argument(
            "--scheduler", metavar="ADDRESS",
            help="Dask scheduler to use with --engine dask (default: a local cluster of --workers, at least 2)",
        )  # fmt: skip
        sp.add_argument(
            "--follow-symlinks", action="store_true",
            help="inside folders, follow links to files outside them (default: skip those, with a reason)",
        )  # fmt: skip
        sp.add_argument(
            "--outlet", metavar="NAME",
            help="the outlet of every article read, e.g. \"BBC News\" for a folder of BBC pages (a JSON Lines "
            "record's own \"outlet\" still wins); without it: the URL's host, then what the page says",
        )  # fmt: skip
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")

    from storyline.engine.recluster import AUTO_MAX_ARTICLES

    sp = sub.add_parser("ingest", help="read articles into the store and cluster them into stories",
                        description="Read plain text, HTML (.html, .html.gz), JSON Lines, RSS/Atom and WARC files, "
                        "clean them, and add them to stories. Re-ingesting the same article does nothing; a changed "
                        "article with the same URL is stored as a new version. A run that stored anything ends by "
                        "re-examining the stories as `storyline recluster` does, while the store holds at most "
                        f"{AUTO_MAX_ARTICLES:,} articles. Exit status is 1 only when nothing "
                        "could be ingested.")  # fmt: skip
    ingest_args(sp)
    db_arg(sp)
    sp.add_argument("--json", action="store_true", help="print the ingest report as JSON")
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser(
        "watch", help="follow feeds, pages, files and folders: poll them and ingest what is new",
        description="Poll each SOURCE (an RSS/Atom feed or page URL, a file, a folder or a glob) every --every "
        "and ingest what is new, as `storyline ingest` does: an entry already stored is skipped, an edited one "
        "(same URL, new text) becomes a new version. URLs are fetched with conditional requests (the ETag and "
        "Last-Modified of the last answer, kept in the store, so a restart does not refetch), at most one "
        f"request per host every {S.watch_host_spacing_s:g} s, each fetch within {S.fetch_deadline_s:g} s and "
        "--max-bytes, and only from public addresses unless --allow-private-urls is given. A file or folder is "
        "read again only when something in it is newer. A source that fails is reported and retried later, "
        "the wait doubling with each failure in a row; the others go on. Ctrl-C or SIGTERM stops after "
        "storing everything fetched so far (exit status 0; a second one interrupts at once). With --once, exit "
        "status is 1 when every source failed.",
    )  # fmt: skip
    sp.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="http(s) URLs of feeds or pages, files, folders (recursive), globs"
    )
    sp.add_argument(
        "--every", type=_every, default=S.watch_every_s, metavar="INTERVAL",
        help=f"time between polls of each source: 90s, 15m, 2h, 1h30m (default 15m; at least "
        f"{S.watch_min_every_s:g}s)",
    )  # fmt: skip
    sp.add_argument("--once", action="store_true", help="check every source once, then exit (for cron)")
    sp.add_argument(
        "--allow-private-urls", action="store_true",
        help="let URLs lead to loopback and private networks, e.g. a feed on this machine (default: public "
        "addresses only)",
    )  # fmt: skip
    sp.add_argument(
        "--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES,
        help="refuse a fetch or file larger than this (default 50 MB)",
    )  # fmt: skip
    sp.add_argument(
        "--outlet", metavar="NAME",
        help="the outlet of every article read (as on ingest); without it: the URL's host, then what the feed says",
    )  # fmt: skip
    sp.add_argument(
        "--follow-symlinks", action="store_true",
        help="inside folders, follow links to files outside them (default: skip those, with a reason)",
    )  # fmt: skip
    db_arg(sp)
    sp.add_argument(
        "-q", "--quiet", action="store_true",
        help="no line per poll and no summary (failures and skipped entries are still printed)",
    )  # fmt: skip
    sp.set_defaults(func=cmd_watch)

    sp = sub.add_parser(
        "stories", help="list stories", description="List stories: id, title, articles, outlets, dates."
    )
    db_arg(sp)
    sp.add_argument("--json", action="store_true", help="JSON list of stories with their articles and related stories")
    sp.set_defaults(func=cmd_stories)

    sp = sub.add_parser("articles", help="list articles", description="One line per article: id, date, outlet, title.")
    db_arg(sp)
    sp.add_argument("--story", type=int, help="only the articles of this story")
    sp.add_argument("--json", action="store_true", help="full article records as a JSON list")
    sp.set_defaults(func=cmd_articles)

    sp = sub.add_parser("show", help="show one article's cleaned text and metadata",
                        description="Show one article (an id or a unique id prefix).")  # fmt: skip
    sp.add_argument("article", metavar="ARTICLE_ID")
    db_arg(sp)
    sp.add_argument(
        "--json", action="store_true", help="id, source, title, outlet, byline, published, dateline, text, ..."
    )
    sp.add_argument("--raw", action="store_true", help="print the input exactly as it was read")
    sp.set_defaults(func=cmd_show)

    sp = sub.add_parser("quotes", help="who said what: quotes with their speakers and the outlets carrying them",
                        description="Direct and partial quotes, merged across the outlets of each story.")  # fmt: skip
    db_arg(sp)
    sp.add_argument("--story", type=int, help="only this story")
    sp.add_argument("--speaker", help="only quotes whose speaker's name contains this")
    sp.add_argument(
        "--json",
        action="store_true",
        help="text, speaker, speaker_role, cue, partial, confidence, uncertain, sources (with offsets and "
        "the speaker's words)",
    )
    sp.set_defaults(func=cmd_quotes)

    sp = sub.add_parser("entities", help="people, organisations and places with aliases and roles",
                        description="Canonical entities of each story, merged across outlets.")  # fmt: skip
    db_arg(sp)
    sp.add_argument("--story", type=int, help="only this story")
    sp.add_argument("--json", action="store_true", help="name, type, aliases, roles, articles, outlets, mentions")
    sp.set_defaults(func=cmd_entities)

    sp = sub.add_parser("compare", help="the corroboration matrix of a story: claims x outlets",
                        description="Facts aligned across outlets: reported, related (same event, other detail), "
                                    "contradicted or not reported; conflicts.")  # fmt: skip
    sp.add_argument("story", type=int, metavar="STORY_ID")
    db_arg(sp)
    sp.add_argument("--all", action="store_true", help="also list claims only one outlet reports")
    sp.add_argument(
        "--limit", type=_positive, default=S.compare_rows, help=f"at most this many claims (default {S.compare_rows})"
    )
    sp.add_argument(
        "--json", action="store_true", help="claims, matrix outlets, conflicts and the differences paragraph"
    )
    sp.set_defaults(func=cmd_compare)

    sp = sub.add_parser("dossier", help="write one story's dossier (md, json, html)",
                        description="Build a story's dossier: articles, shared entities and a summary citing its sources.")  # fmt: skip
    sp.add_argument("story", type=int, metavar="STORY_ID")
    db_arg(sp)
    sp.add_argument("--format", "-f", choices=("md", "json", "html"), default="md")
    sp.add_argument("-o", "--output", help="file to write (default: standard output)")
    sp.add_argument(
        "--sentences", type=_positive, default=S.summary_sentences,
        help=f"summary length in sentences (default {S.summary_sentences})",
    )  # fmt: skip
    sp.add_argument(
        "--changes-since", metavar="TIME",
        help="'What changed' lists the changes after TIME (2026-12-01, 2026-12-01T09:30, or an age: 2h, 3d); "
        "default: since the dossier already in -o FILE, else the story's latest changes",
    )  # fmt: skip
    sp.set_defaults(func=cmd_dossier)

    sp = sub.add_parser(
        "changes", help="what changed: new articles, claims, outlets, conflicts, quotes and speakers, by story",
        description="The change log each ingest writes: per story, each new article, new claim, claim that "
        "gained or lost outlets, new conflict, new quote and new speaker, with the time storyline learned "
        "it and the sentences that say it. Newest first.",
    )  # fmt: skip
    sp.add_argument("--story", type=int, help="only this story")
    sp.add_argument("--since", metavar="TIME", help="only changes after TIME (2026-12-01, 2026-12-01T09:30, 2h, 3d)")
    sp.add_argument("--json", action="store_true", help="the changes as a JSON list")
    db_arg(sp)
    sp.set_defaults(func=cmd_changes)

    sp = sub.add_parser("recluster", help="re-examine every story at once: merge split events, split wrong joins",
                        description="Regroup all stored articles into stories by comparing every pair under the "
                        "whole store's word statistics (average-link; the result does not depend on the order "
                        "articles were ingested). Story ids are kept where a story keeps most of its articles; "
                        "the id of a story merged into another keeps resolving to it. Articles, quotes and "
                        "citations are not changed.")  # fmt: skip
    db_arg(sp)
    sp.set_defaults(func=cmd_recluster)

    sp = sub.add_parser("run", help="ingest PATHs and write every story's dossier plus an index to OUTDIR",
                        description="Ingest, cluster and write story-N.{md,html,json} and index.{md,html,json}.")  # fmt: skip
    ingest_args(sp)
    sp.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder for the dossiers")
    db_arg(sp, default=None)
    sp.add_argument(
        "--sentences", type=_positive, default=S.summary_sentences,
        help=f"summary length in sentences (default {S.summary_sentences})",
    )  # fmt: skip
    sp.set_defaults(func=cmd_run)

    sp = sub.add_parser("serve", help="browse stories, dossiers, articles and entities in a local web app",
                        description="Start the web UI and JSON API (/api/..., docs at /api/docs) over a store. "
                        "What it trusts: requests whose Host is the address it listens on, localhost, or a name "
                        "given with --allowed-host (so other sites cannot reach it by DNS rebinding); writes only "
                        "from its own pages (same-origin Origin/Sec-Fetch-Site and the server's token, which API "
                        "clients read from GET /api/token and send as X-Storyline-Token). URLs it is asked to "
                        "fetch must lead to public addresses unless --allow-private-urls is given.")  # fmt: skip
    db_arg(sp)
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    sp.add_argument("--port", type=_positive, default=8000)
    sp.add_argument(
        "--max-upload", type=_positive, default=S.max_upload_bytes, help="largest file the ingest page accepts (bytes)"
    )
    sp.add_argument(
        "--allowed-host", action="append", default=[], metavar="NAME",
        help="another name this server may be reached by (a Host header); repeat for more",
    )  # fmt: skip
    sp.add_argument(
        "--allow-private-urls", action="store_true",
        help="let the ingest page fetch URLs on loopback and private networks (default: public addresses only)",
    )  # fmt: skip
    sp.set_defaults(func=cmd_serve)

    sp = sub.add_parser(
        "export", help="tables for spreadsheets and notebooks: stories, articles, claims, quotes, entities, changes",
        description="Write stories.*, articles.*, claims.* (one row per claim x outlet: the corroboration "
        "matrix), quotes.*, entities.*, conflicts.* and changes.* (the change log) as CSV or Parquet, for one story "
        "or the whole store. "
        "`--columns` lists every column with its meaning.",
    )  # fmt: skip
    sp.add_argument("--format", "-f", choices=("csv", "parquet"), default="csv")
    sp.add_argument("-o", "--output", metavar="DIR", help="folder for the files (created)")
    sp.add_argument("--story", type=int, help="only this story (default: every story)")
    sp.add_argument("--columns", action="store_true", help="print every table's columns and stop")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar; the file list goes to stderr")
    db_arg(sp)
    sp.set_defaults(func=cmd_export)

    sp = sub.add_parser("schema", help="print the JSON Schema of dossiers")
    sp.set_defaults(func=cmd_schema)

    sp = sub.add_parser(
        "settings", help="every threshold and limit storyline decides by, with why it has its value",
        description="The thresholds and limits of every stage (src/storyline/settings.py), each with the "
        "reason for its value. Levels learned from the dev data live in the model files instead.",
    )  # fmt: skip
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_settings)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as e:
        _err(str(e))
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        _err("interrupted; everything committed so far is kept")
        return 130


if __name__ == "__main__":
    sys.exit(main())

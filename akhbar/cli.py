"""The ``akhbar`` command line."""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import socket
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from akhbar.config import load_settings


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Twisted does; TIME_WAIT is fine
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class DemoPortBusy(RuntimeError):
    pass


def cmd_db(args, settings) -> int:
    from akhbar import db

    url = db.database_url(settings)
    if args.db_command == "migrate":
        applied = db.migrate(url)
        print(f"{db.describe(url)}: applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    else:
        for migration_id, applied in db.migration_status(url):
            print(f"{'applied' if applied else 'PENDING'}  {migration_id}")
    return 0


def cmd_demo_site(args, settings) -> int:
    from akhbar.demo_site import serve

    serve(args.host or settings.demo_host, args.port or settings.demo_port)
    return 0


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def cmd_extract(args, settings) -> int:
    import transforms

    info = None
    if args.source:
        from akhbar.sources import get_source

        src = get_source(settings, args.source)
        info = transforms.SourceInfo(key=src.key, time_zone=src.time_zone, locale=src.locale)
    fetched_at = datetime.fromisoformat(args.fetched_at) if args.fetched_at else None
    if fetched_at is not None and fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    try:
        article = transforms.extract(read_page(Path(args.path)), args.url, fetched_at, info)
    except transforms.ExtractionError as exc:
        print(f"akhbar: {args.path}: {exc.code}: {exc.detail}", file=sys.stderr)
        return 1
    print(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_run(args, settings) -> int:
    from akhbar import db
    from akhbar.progress import progress

    db.migrate(db.database_url(settings))
    with progress() as reporter:
        summary = run_with_progress(settings, args.source, reporter)
    print("\n".join(summary.lines()))
    from akhbar.pipeline.health import RED

    if summary.health in RED:  # a cron job or a wrapper script must see it, not only a person
        print(f"akhbar: {args.source} is {summary.health}: {summary.health_reason}", file=sys.stderr)
        return 1
    return 0


def _while_polling(work, poll, interval: float = 1.0):
    """Run ``work()`` in a thread and call ``poll()`` every ``interval`` seconds until it returns (or raises)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        while True:
            try:
                return future.result(timeout=interval)
            except TimeoutError:
                try:
                    poll()
                except Exception as exc:  # noqa: BLE001 progress is a courtesy: a failed poll must not stop the work
                    logging.getLogger(__name__).info("progress poll failed: %s", exc)


def _count(settings, name: str, params: dict):
    from akhbar import db

    with db.transaction(db.database_url(settings)) as cur:
        cur.execute(db.query(name), params)
        return cur.fetchone()


def run_with_progress(settings, source_key: str, reporter):
    """``pipeline.run_source`` (its lease, health verdict and one-line database-loss error included), with
    the pages crawled, parsed, judged and loaded shown as they go (the steps overlap: one line each)."""
    import contextlib
    import time

    from akhbar import pipeline

    names = {"crawl": "crawl, pages", "parse": "parse, pages", "validate": "quality gate, pages",
             "load": "load, articles"}
    stages: dict[str, tuple] = {}  # stage -> (its task's context, the task)
    state = {"run_id": None, "polled": 0.0}

    def task(stage: str):
        if stage not in stages:
            context = reporter.task(f"{source_key}: {names[stage]}")
            stages[stage] = (context, context.__enter__())
        return stages[stage][1]

    def show(stage: str, counts: dict) -> None:
        if stage == "crawl":
            if counts:
                task(stage).set(done=counts["pages_fetched"], new=counts["pages_new"])
            elif time.monotonic() - state["polled"] >= 1.0:
                state["polled"] = time.monotonic()
                new, seen = _count(settings, "raw_pages_seen_in_run", {"run_id": state["run_id"]})
                task(stage).set(done=seen, new=new)
        elif stage == "parse":
            settled = counts["parsed"] + counts["parse_quarantined"]
            task(stage).set(done=settled, total=settled, quarantined=counts["parse_quarantined"])
        elif stage == "validate":
            task(stage).set(done=counts["validated"], quarantined=counts["invalid"] + counts["held_by_source_gate"])
        else:
            task(stage).set(done=counts["articles_loaded"], new=counts["articles_new"])

    def watch(run_id: int, stage: str, event: str, counts: dict) -> None:
        state["run_id"] = run_id
        try:
            show(stage, counts)
        except Exception as exc:  # noqa: BLE001 progress is a courtesy: a failed poll must not stop the work
            logging.getLogger(__name__).info("progress poll failed: %s", exc)
        if event == "done":
            context, _task = stages.pop(stage, (None, None))
            if context is not None:
                context.__exit__(None, None, None)

    try:
        return pipeline.run_source(settings, source_key, watch=watch)
    finally:
        for context, _task in stages.values():  # the stages a failure cut short
            with contextlib.suppress(Exception):
                context.__exit__(RuntimeError, RuntimeError("stopped"), None)


def reparse_with_progress(settings, run_label: str, reporter) -> dict:
    """``maintenance.reparse_outdated``, with the pages the current extractor has parsed again shown as they go."""
    import transforms
    from akhbar import db, maintenance

    def outdated() -> int:
        with db.transaction(db.database_url(settings)) as cur:
            cur.execute(db.query("reparse_progress"))
            rows = cur.fetchall()
        return sum(n for version, n in rows if maintenance.is_older(version, transforms.EXTRACTOR_VERSION))

    total = outdated()
    with reporter.task("re-parse, pages", total) as task:
        result = _while_polling(lambda: maintenance.reparse_outdated(settings, run_label=run_label),
                                lambda: task.set(done=max(total - outdated(), 0)))
        task.set(done=max(total - outdated(), 0),
                 articles_loaded=sum(c.get("articles_loaded", 0) for c in result.values()))
    return result


def cmd_demo(args, settings) -> int:
    """Migrate, serve the demo mirror, run the demo source, show what landed, stop the mirror."""
    from akhbar import db, pipeline
    from akhbar.demo_site import DemoSiteProcess

    url = db.database_url(settings)
    where = "embedded PostgreSQL in " + str(settings.embedded_pgdata) if not settings.database_url else db.describe(url)
    print(f"database: {where}")
    db.migrate(url)
    # The port is part of every demo URL, and so of every URL key: a fixed port keeps re-runs idempotent.
    if not _port_is_free(settings.demo_host, settings.demo_port):
        raise DemoPortBusy(
            f"port {settings.demo_port} on {settings.demo_host} is taken; stop what uses it or set AKHBAR_DEMO_PORT"
        )
    with DemoSiteProcess(settings.demo_host, settings.demo_port) as site:
        print(f"demo site: {site.url}/feed.xml")
        summary = pipeline.run_source(settings, "demo")
    print("\n".join(summary.lines()))
    with db.transaction(url) as cur:
        cur.execute(db.query("recent_articles"), {"limit": 5})
        rows = cur.fetchall()
    print("\nlatest articles:")
    for source_key, published_at, title, authors, canonical_url, _body in rows:
        when = published_at.isoformat() if published_at else "?"
        print(f"  {when}  {title}" + (f"  ({authors})" if authors else ""))
        print(f"      {unquote(canonical_url)}")
    print("\ntry it in SQL:")
    print("  SELECT published_at, title, authors FROM articles ORDER BY published_at DESC LIMIT 5;")
    print("  SELECT * FROM search_articles('وزارة النقل', 5);")
    print("or search from the shell:  .venv/bin/akhbar search 'وزارة النقل'")
    if not settings.database_url:
        print(f"  (connect with: psql '{url}')")
    return 0


def cmd_sources(args, settings) -> int:
    from akhbar.sources import get_source, load_registry

    if args.sources_command == "list":
        sources = load_registry(settings)
        if args.json:
            rows = [{"key": s.key, "name": s.name, "country": s.country, "locale": s.locale,
                     "time_zone": s.time_zone, "schedule": s.schedule, "verified": s.verified,
                     "discovery": [{"kind": k, "url": u} for k, u in s.discovery_urls]} for s in sources.values()]
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return 0
        print(f"{'key':<16} {'country':<7} {'locale':<6} {'schedule':<13} {'verified':<8} {'discovery':<22} name")
        for s in sources.values():
            kinds = {}
            for kind, _url in s.discovery_urls:
                kinds[kind] = kinds.get(kind, 0) + 1
            discovery = ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in kinds.items())
            print(f"{s.key:<16} {s.country:<7} {s.locale:<6} {s.schedule:<13} {str(s.verified).lower():<8} "
                  f"{discovery:<22} {s.name}")
        print(f"{len(sources)} sources, all valid ({sum(not s.verified for s in sources.values())} not verified yet)")
        return 0
    from akhbar.source_check import check_source

    sources = [get_source(settings, args.key)] if args.key else list(load_registry(settings).values())
    ok = True
    for source in sources:
        report = check_source(source, settings)
        print("\n".join(report.lines()), flush=True)
        ok = ok and report.ok
    return 0 if ok else 1


def cmd_maintenance(args, settings) -> int:
    """Re-parse history with the current extractor, purge old raw HTML, or VACUUM/ANALYZE."""
    from akhbar import db, maintenance

    db.migrate(db.database_url(settings))
    if args.task == "reparse":
        from akhbar.progress import progress

        with progress() as reporter:
            result = reparse_with_progress(settings, datetime.now(UTC).strftime("cli-%Y%m%dT%H%M%S"), reporter)
        if not result:
            print("every stored page was parsed by the current extractor; nothing to re-parse")
        for source_key, counts in result.items():
            print(f"{source_key}: {counts['pages_reset']} page(s) from extractor {', '.join(counts['from_versions'])}"
                  f" re-parsed; {counts.get('articles_loaded', 0)} article(s) loaded")
    elif args.task == "retry-quarantined":
        if not args.source:
            print("akhbar: retry-quarantined needs --source KEY", file=sys.stderr)
            return 2
        label = datetime.now(UTC).strftime("cli-%Y%m%dT%H%M%S")
        counts = maintenance.retry_quarantined(settings, args.source, run_label=label, reason=args.reason)
        again = sum(counts.get(k, 0) for k in ("parse_quarantined", "invalid", "held_by_source_gate"))
        print(f"{args.source}: {counts['pages_reset']} quarantined page(s) parsed again; "
              f"{counts.get('articles_loaded', 0)} article(s) loaded, {again} quarantined again")
    elif args.task == "purge-raw":
        result = maintenance.purge_raw_html(settings, as_of=datetime.now(UTC), days=args.days)
        if result["retention_days"] <= 0:
            print("retention is 0 days: all raw HTML is kept")
        else:
            print(f"raw HTML of {result['bodies_purged']} page(s) fetched before {result['cutoff']} dropped; "
                  "their metadata is kept")
    else:
        maintenance.vacuum_analyze(settings)
        print("VACUUM (ANALYZE) done")
    return 0


def cmd_airflow(args, settings) -> int:
    """What a production deployment runs around Airflow: the crawl pools for `airflow pools import`, and a
    check that every DAG file imports (the image build runs it)."""
    if args.airflow_command == "pools":
        from akhbar.airflow_tasks import pools

        text = json.dumps(pools(settings), indent=2, ensure_ascii=False)
        if args.write:
            Path(args.write).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return 0
    from airflow.dag_processing.dagbag import DagBag

    from akhbar.config import PROJECT_ROOT

    bag = DagBag(dag_folder=str(args.dags_folder or PROJECT_ROOT / "dags"))
    for path, error in sorted(bag.import_errors.items()):
        print(f"akhbar: import error in {path}: {error}", file=sys.stderr)
    print(f"{len(bag.dags)} DAGs: {', '.join(sorted(bag.dags))}")
    return 1 if bag.import_errors or not bag.dags else 0


def _parse_day(text: str | None):
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_stories(args, settings) -> int:
    """Cluster what has no story yet, or forget every story and cluster the whole corpus again (after a new
    scorer in akhbar/story_scorer.json, or new settings)."""
    from akhbar import db, stories

    with db.transaction(db.database_url(settings)) as cur:
        if args.task == "recluster":
            counts = stories.recluster_all(cur, settings)
        else:
            counts = stories.cluster_unclustered(cur, settings)
        cur.execute(db.query("story_totals"))
        total, multi = cur.fetchone()
    print(f"{counts.processed} articles clustered in {counts.seconds:.1f} s by scorer "
          f"{stories.Scorer.load().version}: {counts.new_stories} new stories, {counts.reprints} reprints; "
          f"{total} stories, {multi} covered by 2+ outlets")
    return 0


def cmd_search(args, settings) -> int:
    from akhbar import search

    terminal = sys.stdout.isatty()
    marks = ("\x02", "\x03") if terminal else (search.MARK_START, search.MARK_STOP)
    hits = search.search(settings, args.query, args.limit, source=args.source, date_from=args.date_from,
                         date_to=args.date_to, story=args.story, mark_start=marks[0], mark_stop=marks[1])
    if not hits:
        print("no articles match", file=sys.stderr)
        return 1
    if terminal:
        print_hits_rich(hits)
        return 0
    for hit in hits:
        when = hit.published_at.isoformat() if hit.published_at else "?"
        print(f"{hit.rank:.3f}  {when}  [{hit.source_key}]  {hit.title}")
        print(f"       {unquote(hit.url)}")
        print(f"       {' '.join(hit.snippet.split())}")
    return 0


def snippet_text(snippet: str, start: str = "\x02", stop: str = "\x03"):
    """A rich Text of a snippet whose matched phrases lie between ``start`` and ``stop``: those in bold."""
    from rich.text import Text

    text = Text()
    bold = False
    for piece in snippet.replace(start, "\0" + start + "\0").replace(stop, "\0" + stop + "\0").split("\0"):
        if piece == start:
            bold = True
        elif piece == stop:
            bold = False
        elif piece:
            text.append(piece, style="bold" if bold else None)
    return text


def print_hits_rich(hits, console=None) -> None:
    """Each hit as its title, time, source, URL and the snippet with the matches in bold."""
    from rich.console import Console
    from rich.text import Text

    console = console or Console()
    for hit in hits:
        when = hit.published_at.strftime("%Y-%m-%d %H:%M %Z") if hit.published_at else "?"
        head = Text()
        head.append(hit.title, style="bold cyan")
        head.append(f"  {when}  ", style="dim")
        head.append(hit.source_key, style="magenta")
        console.print(head)
        console.print(Text(unquote(hit.url), style="dim underline"))
        console.print(snippet_text(" ".join(hit.snippet.split())))
        console.print()


STATUS_COLUMNS = ("source", "last run", "state", "health", "articles 24 h", "quarantined 24 h", "top reason",
                  "newest article", "last success")


def status_rows(settings, now=None) -> list[tuple]:
    """One row per registry source (sources without data too): see STATUS_COLUMNS. Built on what the
    database holds today; the health verdict is the latest run's."""
    from akhbar import db
    from akhbar.sources import load_registry

    now = now or datetime.now(UTC)
    with db.transaction(db.database_url(settings)) as cur:
        cur.execute(db.query("source_status"), {"now": now})
        stored = {row[0]: row for row in cur.fetchall()}

    def when(value):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else "-"

    rows = []
    for key in load_registry(settings):
        (_key, run_id, state, started, _finished, _error, health, articles, quarantined, reason, newest,
         last_ok) = stored.get(key, (key, None, None, None, None, None, None, 0, 0, None, None, None))
        rows.append((key, when(started) + (f" (#{run_id})" if run_id else ""), state or "never run",
                     health or "-", articles, quarantined, reason or "-", when(newest), when(last_ok)))
    return rows


def cmd_status(args, settings) -> int:
    from rich.console import Console
    from rich.table import Table

    rows = status_rows(settings)
    if args.json:
        print(json.dumps([dict(zip(STATUS_COLUMNS, r, strict=True)) for r in rows], ensure_ascii=False, indent=2))
        return 0
    colours = {"loaded": "green", "failed": "red", "never run": "dim"}
    verdict_colours = {"healthy": "green", "empty": "dim", "stale": "yellow", "blocked": "red",
                       "broken_extractor": "magenta", "unreachable": "red", "-": "dim"}
    table = Table(title="akhbar sources (times in UTC)")
    for name in STATUS_COLUMNS:
        table.add_column(name, justify="right" if "24 h" in name else "left")
    for row in rows:
        style = colours.get(row[2], "yellow")
        verdict = verdict_colours.get(row[3], "yellow")
        table.add_row(row[0], row[1], f"[{style}]{row[2]}[/{style}]", f"[{verdict}]{row[3]}[/{verdict}]",
                      *(str(v) for v in row[4:]))
    Console().print(table)
    return 0


def cmd_export(args, settings) -> int:
    from akhbar import archive

    fmt = args.format or (archive.format_of(Path(args.output)) if args.output else "jsonl")
    path = Path(args.output) if args.output and args.output != "-" else None
    if fmt == "parquet" and path is None:
        print("akhbar: Parquet needs an output file: -o FILE.parquet", file=sys.stderr)
        return 2
    n = archive.export(settings, fmt, path, source=args.source, date_from=args.date_from, date_to=args.date_to)
    print(f"{n} article(s) written" + (f" to {path}" if path else ""), file=sys.stderr)
    return 0


def cmd_import(args, settings) -> int:
    from akhbar import archive, db
    from akhbar.progress import progress

    db.migrate(db.database_url(settings))
    with progress() as reporter:
        result = archive.import_file(settings, Path(args.path), args.source, match_source=args.match_source,
                                     reporter=reporter)
    print("\n".join(result.lines()))
    return 0


def _add_filters(parser) -> None:
    parser.add_argument("--source", help="only articles of this source")
    parser.add_argument("--from", dest="date_from", type=_parse_day, help="published on or after this UTC day "
                                                                          "(YYYY-MM-DD)")
    parser.add_argument("--to", dest="date_to", type=_parse_day, help="published on or before this UTC day")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description="Arabic news into PostgreSQL.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p_db = sub.add_parser("db", help="database migrations")
    p_db.add_argument("db_command", choices=["migrate", "status"])
    p_db.set_defaults(func=cmd_db)

    p_site = sub.add_parser("demo-site", help="serve the saved demo pages on 127.0.0.1")
    p_site.add_argument("--host")
    p_site.add_argument("--port", type=int)
    p_site.set_defaults(func=cmd_demo_site)

    p_ex = sub.add_parser("extract", help="extract one saved page and print it as JSON")
    p_ex.add_argument("path")
    p_ex.add_argument("--url", required=True)
    p_ex.add_argument("--fetched-at")
    p_ex.add_argument("--source")
    p_ex.set_defaults(func=cmd_extract)

    p_run = sub.add_parser("run", help="crawl, parse, validate and load one source")
    p_run.add_argument("source")
    p_run.set_defaults(func=cmd_run)

    p_src = sub.add_parser("sources", help="the source registry: list it, or check sources live")
    src_sub = p_src.add_subparsers(dest="sources_command", required=True)
    p_list = src_sub.add_parser("list", help="every registry source, validated")
    p_list.add_argument("--json", action="store_true", help="one JSON array instead of a table")
    p_check = src_sub.add_parser("check", help="fetch robots.txt and the discovery URLs live, report what they hold")
    p_check.add_argument("key", nargs="?", help="one source (default: all)")
    p_src.set_defaults(func=cmd_sources)

    p_maint = sub.add_parser("maintenance", help="re-parse history or quarantined pages, purge old raw HTML, "
                                                 "VACUUM/ANALYZE")
    p_maint.add_argument("task", choices=["reparse", "retry-quarantined", "purge-raw", "vacuum"])
    p_maint.add_argument("--source", help="retry-quarantined: the source whose quarantined pages to parse again")
    p_maint.add_argument("--reason", help="retry-quarantined: only pages with this reason, e.g. source_gate_failed")
    p_maint.add_argument("--days", type=int, help="purge-raw: days of raw HTML to keep (default AKHBAR_RAW_RETENTION_DAYS)")
    p_maint.set_defaults(func=cmd_maintenance)

    p_stories = sub.add_parser("stories", help="cluster articles into stories: what has none yet, or everything "
                                               "again after a model change")
    p_stories.add_argument("task", choices=["cluster", "recluster"])
    p_stories.set_defaults(func=cmd_stories)

    p_search = sub.add_parser("search", help="full-text search of the loaded articles (Arabic, ranked)")
    p_search.add_argument("query", help='words, "a phrase", OR, -excluded')
    p_search.add_argument("-n", "--limit", type=int, default=10)
    _add_filters(p_search)
    p_search.add_argument("--story", type=int, help="only articles of this story id")
    p_search.set_defaults(func=cmd_search)

    p_air = sub.add_parser("airflow", help="Airflow deployment: the crawl pools, and a check that the DAGs import")
    air_sub = p_air.add_subparsers(dest="airflow_command", required=True)
    p_pools = air_sub.add_parser("pools", help="every source's crawl pool (one slot) as JSON for `airflow pools import`")
    p_pools.add_argument("--write", metavar="FILE", help="write to FILE instead of stdout")
    p_check_dags = air_sub.add_parser("check-dags", help="import every DAG file; exit 1 on an import error")
    p_check_dags.add_argument("--dags-folder", type=Path)
    p_air.set_defaults(func=cmd_airflow)


    p_status = sub.add_parser("status", help="the sources table: last run, articles and quarantine in 24 h")
    p_status.add_argument("--json", action="store_true", help="one JSON array instead of a table")
    p_status.set_defaults(func=cmd_status)

    p_export = sub.add_parser("export", help="write articles as JSON lines, CSV or Parquet")
    p_export.add_argument("-o", "--output", help="the file (.jsonl, .jsonl.gz, .csv, .csv.gz, .parquet); "
                                                 "default: JSON lines on stdout")
    p_export.add_argument("--format", choices=["jsonl", "csv", "parquet"], help="default: from the file name")
    _add_filters(p_export)
    p_export.set_defaults(func=cmd_export)

    p_import = sub.add_parser("import", help="load already-extracted articles (akhbar's export, or the corpus "
                                             "format) through the quality gate, stories and load")
    p_import.add_argument("path", help="FILE.jsonl[.gz] (also .csv[.gz] and .parquet of akhbar's export)")
    p_import.add_argument("--source", required=True, help="the registry source the articles belong to")
    p_import.add_argument("--match-source", help="only records whose `source` field is this (corpus files mix "
                                                 "outlets); the others are skipped and counted")
    p_import.set_defaults(func=cmd_import)

    p_demo = sub.add_parser("demo", help="the whole job on the offline demo mirror")
    p_demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    from akhbar.archive import ImportFormatError
    from akhbar.db import DatabaseUnavailable
    from akhbar.pipeline import CrawlFailed, StepInterrupted
    from akhbar.pipeline.lifecycle import RunBusy
    from akhbar.pipeline.parsing import ParseWorkersFailed
    from akhbar.quality import QualityGateFailed
    from akhbar.sources import RegistryError

    # pgserver's platformdirs warns when XDG_RUNTIME_DIR is unset (root, containers); it falls back to /tmp.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ValueError as exc:
        print(f"akhbar: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(name)s %(message)s"
    )
    try:
        return args.func(args, settings)
    except (DatabaseUnavailable, RegistryError, CrawlFailed, DemoPortBusy, FileNotFoundError,
            QualityGateFailed, StepInterrupted, RunBusy, ImportFormatError, ParseWorkersFailed) as exc:
        print(f"akhbar: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

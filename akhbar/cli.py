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
    from akhbar import db, pipeline

    db.migrate(db.database_url(settings))
    summary = pipeline.run_source(settings, args.source)
    print("\n".join(summary.lines()))
    return 0


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
        result = maintenance.reparse_outdated(settings, run_label=datetime.now(UTC).strftime("cli-%Y%m%dT%H%M%S"))
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

    hits = search.search(settings, args.query, args.limit)
    if not hits:
        print("no articles match", file=sys.stderr)
        return 1
    for hit in hits:
        when = hit.published_at.isoformat() if hit.published_at else "?"
        print(f"{hit.rank:.3f}  {when}  [{hit.source_key}]  {hit.title}")
        print(f"       {unquote(hit.url)}")
        print(f"       {' '.join(hit.snippet.split())}")
    return 0


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
    p_search.set_defaults(func=cmd_search)

    p_demo = sub.add_parser("demo", help="the whole job on the offline demo mirror")
    p_demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    from akhbar.db import DatabaseUnavailable
    from akhbar.pipeline import CrawlFailed
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
            QualityGateFailed) as exc:
        print(f"akhbar: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

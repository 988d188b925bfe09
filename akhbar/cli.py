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
    if not settings.database_url:
        print(f"  (connect with: psql '{url}')")
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

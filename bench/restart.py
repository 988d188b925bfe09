"""A PostgreSQL restart during the load of 10,000 pages, then one more ``akhbar run``: does it load them all?

Real Arabic texts from the corpus (``../shared/corpus``, relative to the repository) are served as pages on
loopback: the markup is synthetic (a template of ours: title, canonical link, publication time, paragraphs),
only the text is real. A throwaway PostgreSQL cluster (initdb + pg_ctl in a temporary directory, never the
shared server) holds the database.

1. Baseline: ``akhbar run`` of the source on a fresh database, uninterrupted (timed).
2. Crash: ``akhbar run`` on another fresh database; once its load is inside its transaction (the test holds a
   lock the UPSERT needs, so the moment is exact), the cluster is restarted (``pg_ctl restart -m fast``).
3. One more ``akhbar run``: timed, and the pages counted by state.

Prints the counts, the exit code and stderr line of the crashed run, and the re-run's time beside the baseline's.

    nice .venv/bin/python bench/restart.py [--pages 10000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "ant-v2.1-multisource.jsonl.gz"
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from pgcluster import ThrowawayCluster

from akhbar import db
from akhbar.quality import BOILERPLATE_REGEX


def _published(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def corpus_articles(n: int) -> list[dict]:
    """The first ``n`` corpus articles that a page can carry whole: a title, a date, a body of 400+ characters
    without the gate's boilerplate markers (the gate would rightly quarantine those)."""
    import re

    boilerplate = re.compile(BOILERPLATE_REGEX)
    out, seen = [], set()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            title, text = (doc.get("title") or "").strip(), (doc.get("text") or "").strip()
            when = _published(doc.get("time") or "")
            if not (8 <= len(title) <= 300) or len(text) < 400 or when is None or boilerplate.search(text):
                continue
            if text in seen:
                continue
            seen.add(text)
            out.append({"title": title, "text": text, "published": when})
            if len(out) == n:
                break
    if len(out) < n:
        raise SystemExit(f"the corpus has only {len(out)} usable articles")
    return out


def write_site(directory: Path, port: int, articles: list[dict]) -> None:
    base = f"http://127.0.0.1:{port}"
    (directory / "a").mkdir(parents=True)
    urls = []
    for i, art in enumerate(articles, 1):
        url = f"{base}/a/{i}.html"
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in art["text"].split("\n") if p.strip())
        page = (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
                f"<title>{escape(art['title'])}</title><link rel=\"canonical\" href=\"{url}\">"
                f'<meta property="article:published_time" content="{art["published"].isoformat()}">'
                f"</head><body><article><h1>{escape(art['title'])}</h1>{paragraphs}</article></body></html>")
        (directory / "a" / f"{i}.html").write_text(page, encoding="utf-8")
        urls.append(f"<url><loc>{url}</loc><lastmod>{art['published'].isoformat()}</lastmod></url>")
    (directory / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(urls) + "\n</urlset>\n", encoding="utf-8")
    (directory / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


REGISTRY = """
[[source]]
key = "restart10k"
name = "10,000 corpus texts as pages on loopback (synthetic markup)"
country = "XX"
time_zone = "UTC"
home_url = "http://127.0.0.1:{port}/"
allowed_domains = ["127.0.0.1"]
sitemaps = ["http://127.0.0.1:{port}/sitemap.xml"]
article_patterns = ["/a/\\\\d+\\\\.html"]
schedule = "@daily"
download_delay = 0.0
concurrency_per_domain = 16
max_pages = {max_pages}
sitemap_recent_days = 100000
"""


def counts(url: str) -> dict:
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT parse_status, count(*) FROM raw_pages GROUP BY 1 ORDER BY 1")
            states = dict(cur.fetchall())
            cur.execute("SELECT count(*), count(DISTINCT url_key) FROM articles")
            articles, distinct = cur.fetchone()
            cur.execute("SELECT count(*) FROM extracted_pages")
            (staged,) = cur.fetchone()
    finally:
        conn.close()
    return {"raw_pages": states, "articles": articles, "distinct_article_keys": distinct, "staged": staged}


def akhbar_run(env: dict, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "akhbar.cli", "run", "restart10k"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def waiting_load(url: str) -> bool:
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND application_name = 'akhbar-load' AND wait_event_type = 'Lock'")
            return cur.fetchone()[0] > 0
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="akhbar-restart-"))
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.perf_counter()
    write_site(work / "site", port, corpus_articles(args.pages))
    print(f"{args.pages} pages written in {time.perf_counter() - started:.1f} s (text: {CORPUS.name})")
    site = subprocess.Popen([sys.executable, "-m", "twisted", "web", "--listen", f"tcp:{port}:interface=127.0.0.1",
                             "--path", str(work / "site")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    registry = work / "sources.toml"
    registry.write_text(REGISTRY.format(port=port, max_pages=args.pages * 2), encoding="utf-8")
    time.sleep(2)
    try:
        with ThrowawayCluster() as cluster:
            def env_for(url: str) -> dict:
                return os.environ | {"AKHBAR_DATABASE_URL": url, "AKHBAR_SOURCES_FILE": str(registry),
                                     "AKHBAR_DATA_DIR": str(work / "data")}

            baseline_s = None
            if not args.no_baseline:
                url = cluster.create_database("baseline")
                db.migrate(url)
                t = time.perf_counter()
                proc = akhbar_run(env_for(url))
                out, err = proc.communicate()
                baseline_s = time.perf_counter() - t
                baseline_counts = counts(url)
                print(f"baseline run: exit {proc.returncode} in {baseline_s:.1f} s: {baseline_counts}")

            url = cluster.create_database("crash")
            db.migrate(url)
            lock = psycopg2.connect(url)
            with lock.cursor() as cur:
                cur.execute("LOCK TABLE article_revisions IN SHARE MODE")  # the UPSERT will wait here
            t = time.perf_counter()
            proc = akhbar_run(env_for(url))
            while not waiting_load(url):
                if proc.poll() is not None:
                    raise SystemExit(f"akhbar run ended early: {proc.stderr.read()}")
                time.sleep(0.2)
            before_crash_s = time.perf_counter() - t
            before = counts(url)
            cluster.restart()
            out, err = proc.communicate()
            lines = [line for line in err.splitlines() if line.strip()]
            print(f"crashed run: load reached after {before_crash_s:.1f} s; PostgreSQL restarted; exit "
                  f"{proc.returncode}; stderr ({len(lines)} line(s)): {lines}")
            print(f"  before the re-run: {before}")
            t = time.perf_counter()
            rerun = akhbar_run(env_for(url))
            out, err = rerun.communicate()
            rerun_s = time.perf_counter() - t
            after = counts(url)
            print(f"re-run: exit {rerun.returncode} in {rerun_s:.1f} s")
            print(f"  after the re-run: {after}")
            print("\n".join("  | " + line for line in out.splitlines()))
            if baseline_s:
                print(f"re-run / uninterrupted run: {rerun_s / baseline_s:.2f}")
            if baseline_s:
                same = after == baseline_counts
                print("SAME FINAL STATE AS THE UNINTERRUPTED RUN" if same else
                      f"DIFFERENT FROM THE UNINTERRUPTED RUN: {baseline_counts}")
            settled = not set(after["raw_pages"]) & {"pending", "extracted", "validated"} and not after["staged"]
            print(f"{after['articles']} of {args.pages} pages loaded; "
                  + ("every page in a terminal state" if settled else "PAGES LEFT IN FLIGHT"))
    finally:
        site.terminate()
        site.wait(10)


if __name__ == "__main__":
    main()

"""Sources pages benchmark: how long the Airflow UI's akhbar pages take on a database of production size.

Builds a scratch database with 20 sources and, over the last 30 days, 100,000 articles, 120,000 raw pages,
12,000 quarantined pages (several reasons), 600 crawl runs and their URL outcomes (synthetic rows: only the
counts and the dates matter to these pages). Then it renders, through the app's own routes (the HTTP layer in
process, no authentication):
- GET /api/sources and GET /sources (one row per source);
- GET /sources/{key} for every source;
and, as the baseline in the same run, the query a user would run without the pages: ``v_source_health`` for
the same 30 days. It prints p50/p95 per page and the ratio against the baseline. The issue's bar: under 300 ms.

    python bench/ui.py [--articles 100000] [--sources 20] [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from akhbar import db
from akhbar.config import Settings

REGISTRY_ENTRY = """
[[source]]
key = "{key}"
name = "Source {key}"
country = "EG"
time_zone = "Africa/Cairo"
home_url = "https://www.{key}.example/"
allowed_domains = ["{key}.example"]
feeds = ["https://www.{key}.example/feed.xml"]
"""

FILL = """
INSERT INTO sources (key, name, home_url, time_zone, language, config)
SELECT 'src' || s, 'Source ' || s, 'https://www.src' || s || '.example/', 'Africa/Cairo', 'ar', '{}'
FROM generate_series(1, %(sources)s) s;

INSERT INTO crawl_runs (source_key, run_label, status, started_at, finished_at, stats)
SELECT 'src' || s, 'r' || d, CASE WHEN d %% 13 = 0 THEN 'failed' ELSE 'loaded' END,
       now() - make_interval(days => d), now() - make_interval(days => d) + interval '3 minutes', '{}'
FROM generate_series(1, %(sources)s) s, generate_series(0, 29) d;

INSERT INTO raw_pages (source_key, crawl_run_id, last_crawl_run_id, url, url_key, http_status, content_type,
                       body_sha256, fetched_at, last_seen_at, parse_status)
SELECT r.source_key, r.id, r.id, 'https://www.' || r.source_key || '.example/n/' || i,
       r.source_key || '.example/n/' || i, 200, 'text/html', md5(i::text),
       r.started_at, r.started_at, 'loaded'
FROM generate_series(1, %(pages)s) i
JOIN crawl_runs r ON r.id = 1 + (i %% (%(sources)s * 30));

INSERT INTO articles (url_key, url, canonical_url, source_key, raw_page_id, title, body, authors, agency,
                      published_at, extractor, extractor_version, fetched_at, first_loaded_at, updated_at)
SELECT p.url_key, p.url, p.url, p.source_key, p.id, 'عنوان الخبر رقم ' || p.id,
       repeat('نص الخبر الكامل كما نشر في الموقع. ', 40),
       ARRAY['كاتب ' || (p.id %% 50)], CASE WHEN p.id %% 3 = 0 THEN 'أ ش أ' END,
       p.fetched_at - interval '1 hour', 'generic', 'bench', p.fetched_at, p.fetched_at, p.fetched_at
FROM raw_pages p
WHERE p.id <= %(articles)s;

INSERT INTO quarantine (raw_page_id, crawl_run_id, source_key, url, stage, reasons, details, created_at)
SELECT p.id, p.crawl_run_id, p.source_key, p.url,
       (ARRAY['fetch', 'parse', 'validate'])[1 + p.id %% 3],
       ARRAY[(ARRAY['http_404', 'no_article', 'body_too_short', 'published_at_missing', 'http_403',
                    'title_missing', 'arabic_ratio_low', 'extractor_crashed'])[1 + p.id %% 8]],
       '{}', p.fetched_at
FROM raw_pages p
WHERE p.id > %(articles)s AND p.id <= %(articles)s + %(quarantined)s;

INSERT INTO url_outcomes (source_key, url_key, url, kind, outcome, first_seen_at, last_seen_at,
                          crawl_run_id, last_crawl_run_id)
SELECT p.source_key, p.url_key, p.url, 'page',
       (ARRAY['fetched', 'fetched', 'fetched', 'already_had', 'http_4xx', 'not_modified'])[1 + p.id %% 6],
       p.fetched_at, p.fetched_at, p.crawl_run_id, p.crawl_run_id
FROM raw_pages p;
ANALYZE;
"""

BASELINE = "SELECT * FROM v_source_health WHERE day >= current_date - 29 ORDER BY source_key, day"


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--server", default=os.environ.get("AKHBAR_BENCH_SERVER",
                                                           "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from fastapi.testclient import TestClient

    from akhbar.web.app import create_app

    quarantined = args.articles // 8
    with db.scratch_database(args.server, "akhbar_bench_ui") as url:
        registry = Path(os.environ.get("TMPDIR", "/tmp")) / f"akhbar_bench_ui_{os.getpid()}.toml"
        registry.write_text("".join(REGISTRY_ENTRY.format(key=f"src{i}") for i in range(1, args.sources + 1)),
                            encoding="utf-8")
        settings = Settings(database_url=url, sources_file=registry)
        start = time.perf_counter()
        with db.transaction(url) as cur:
            cur.execute(FILL, {"sources": args.sources, "pages": args.articles + quarantined + args.articles // 5,
                               "articles": args.articles, "quarantined": quarantined})
            cur.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quarantine),"
                        " (SELECT count(*) FROM raw_pages), (SELECT count(*) FROM url_outcomes)")
            counts = cur.fetchone()
        print(f"database: {counts[0]:,} articles, {counts[1]:,} quarantined, {counts[2]:,} raw pages, "
              f"{counts[3]:,} URL outcomes, {args.sources} sources, 30 days (filled in "
              f"{time.perf_counter() - start:.1f} s)")
        client = TestClient(create_app(settings_factory=lambda: settings, authenticate=False))

        def get(path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.text[:300])

        def baseline():
            with db.transaction(url) as cur:
                cur.execute(BASELINE)
                cur.fetchall()

        get("/sources")  # warm the templates and the connection path once
        keys = [f"src{i}" for i in range(1, args.sources + 1)]
        results = {
            "v_source_health, 30 days (baseline)": timed(baseline, args.rounds),
            "GET /api/sources": timed(lambda: get("/api/sources"), args.rounds),
            "GET /sources": timed(lambda: get("/sources"), args.rounds),
        }
        per_source: list[float] = []
        for _ in range(max(1, args.rounds // 5)):
            for key in keys:
                per_source += timed(lambda k=key: get(f"/sources/{k}"), 1)
        results["GET /sources/{key}, every source"] = per_source
        base = statistics.median(results["v_source_health, 30 days (baseline)"])
        print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'p50 / baseline':>15}")
        for name, values in results.items():
            print(f"{name:<40} {statistics.median(values):8.1f} {p95(values):8.1f} "
                  f"{statistics.median(values) / base:14.2f}x")
        worst = max(p95(v) for k, v in results.items() if k.startswith("GET"))
        print(f"slowest page p95: {worst:.1f} ms ({'under' if worst < 300 else 'OVER'} the 300 ms bar)")
        registry.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

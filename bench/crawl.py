"""Crawl speed with storage on, beside a bare Scrapy crawl of the same pages that stores nothing.

    .venv/bin/python bench/crawl.py [--port 18041] [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

Both crawls fetch the ``mirror_bench`` source of the loopback mirror (a sitemap of 2,000 small Arabic article
pages, akhbar/mirror.py) with politeness off (no delay, no AutoThrottle, 32 concurrent requests), in the same
run, one after the other:

- storage: akhbar's own crawl step (``pipeline.crawl``: the news spider, the bulk incremental check, batched
  raw-page and outcome writes) into a fresh temporary database that is dropped afterwards;
- bare: a plain Scrapy SitemapSpider over the same sitemap whose callback does nothing.

The pair is repeated ``--rounds`` times (default 3), alternating, and the medians are compared: on a shared
machine a single pair can be off by a factor of two either way.

Pages/s is pages over Scrapy's own elapsed time (from the engine start to the spider close), so process start-up
is left out of both. The storage cost is ``1 - storage_rate / bare_rate``; the target is under 30 %.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POLITENESS_OFF = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "LOG_LEVEL": "WARNING",
}

BARE_SPIDER = '''
import json, sys, time
from scrapy.spiders import SitemapSpider

class Bare(SitemapSpider):
    name = "bare"
    def __init__(self, sitemap_url, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sitemap_urls = [sitemap_url]

    def parse(self, response):
        self.crawler.stats.inc_value("bench/pages")

    def closed(self, reason):
        stats = self.crawler.stats
        elapsed = time.time() - stats.get_value("start_time").timestamp()
        print(json.dumps({"pages": stats.get_value("bench/pages", 0), "elapsed_s": elapsed}), flush=True)
'''


def bare_crawl(sitemap_url: str, scrapy_settings: dict = POLITENESS_OFF, timeout: int = 600) -> dict:
    """The bare spider's pages and Scrapy's elapsed time; ``wall_s`` includes process start-up."""
    with tempfile.TemporaryDirectory() as tmp:
        spider = Path(tmp) / "bare_spider.py"
        spider.write_text(BARE_SPIDER, encoding="utf-8")
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"sitemap_url={sitemap_url}"]
        for name, value in scrapy_settings.items():
            cmd += ["-s", f"{name}={value}"]
        cmd += ["-s", "ROBOTSTXT_OBEY=True", "-s", "USER_AGENT=akhbar-bench", "-s", "TELNETCONSOLE_ENABLED=False",
                "-s", "TWISTED_DNS_RESOLVER=spiders.resolver.LoopbackAwareResolver"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=timeout, check=True)
        wall = time.monotonic() - started
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "wall_s": wall}


def storage_crawl(admin_url: str, port: int) -> dict:
    """akhbar's crawl step into a fresh temporary database (dropped afterwards)."""

    from akhbar import db, pipeline
    from akhbar.config import Settings

    with db.scratch_database(admin_url, "akhbar_bench") as url:
        settings = Settings(database_url=url, demo_port=port, data_dir=Path(tempfile.mkdtemp()), log_level="WARNING")
        run_id = pipeline.start_run(settings, "mirror_bench")
        started = time.monotonic()
        counts = pipeline.crawl(settings, run_id, POLITENESS_OFF)
        wall = time.monotonic() - started
        with db.transaction(url) as cur:
            cur.execute("SELECT stats->'crawl' FROM crawl_runs WHERE id = %s", (run_id,))
            (crawl_stats,) = cur.fetchone()
            cur.execute("SELECT count(*), pg_size_pretty(sum(length(body))) FROM raw_pages")
            stored, stored_size = cur.fetchone()
    return {"pages": counts["outcomes"].get("fetched", 0), "elapsed_s": crawl_stats["elapsed_s"], "wall_s": wall,
            "stored": stored, "stored_size": stored_size, "batches": crawl_stats["batches"]}


def main(argv=None) -> int:
    from akhbar.demo_site import DemoSiteProcess
    from akhbar.mirror import BENCH_PAGES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18041)
    parser.add_argument("--rounds", type=int, default=3, help="bare/storage pairs, alternating (medians reported)")
    parser.add_argument("--admin-url", default=os.environ.get("AKHBAR_TEST_ADMIN_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)

    bare_rates, storage_rates = [], []
    with DemoSiteProcess("127.0.0.1", args.port) as site:
        sitemap = f"http://bench.localhost:{site.port}/sitemap.xml"
        for round_no in range(1, args.rounds + 1):
            bare = bare_crawl(sitemap)
            stored = storage_crawl(args.admin_url, site.port)
            if bare["pages"] != BENCH_PAGES or stored["pages"] != BENCH_PAGES or stored["stored"] != BENCH_PAGES:
                print(f"round {round_no}: incomplete crawl (bare {bare['pages']}, storage {stored['pages']})")
                return 2
            bare_rates.append(bare["pages"] / bare["elapsed_s"])
            storage_rates.append(stored["pages"] / stored["elapsed_s"])
            print(f"round {round_no}: bare {bare_rates[-1]:.0f} pages/s ({bare['elapsed_s']:.2f} s), storage "
                  f"{storage_rates[-1]:.0f} pages/s ({stored['elapsed_s']:.2f} s; {stored['stored']} raw pages, "
                  f"{stored['stored_size']}, {stored['batches']} write batches; {stored['wall_s']:.1f} s with "
                  "process start-up)", flush=True)

    bare_rate, storage_rate = statistics.median(bare_rates), statistics.median(storage_rates)
    cost = 1 - storage_rate / bare_rate
    print(f"pages per crawl               {BENCH_PAGES} (politeness off, 32 concurrent requests)")
    print(f"bare Scrapy (stores nothing)  {bare_rate:.0f} pages/s (median of {args.rounds})")
    print(f"akhbar crawl, storage on      {storage_rate:.0f} pages/s (median of {args.rounds})")
    print(f"ratio storage/bare            {storage_rate / bare_rate:.2f}  (storage costs {cost:.0%}; target < 30%)")
    return 0 if cost < 0.30 else 1


if __name__ == "__main__":
    sys.exit(main())

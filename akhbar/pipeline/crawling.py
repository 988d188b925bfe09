"""The crawl step: the Scrapy spider for the run's source, in its own process."""

from __future__ import annotations

import logging
import subprocess
import sys

from akhbar import db
from akhbar.config import PROJECT_ROOT, Settings
from akhbar.pipeline.runs import get_run, set_status

log = logging.getLogger(__name__)


class CrawlFailed(RuntimeError):
    pass


def crawl(settings: Settings, run_id: int, scrapy_settings: dict | None = None) -> dict:
    """Run the Scrapy spider for the run's source in its own process (Twisted's reactor cannot restart).

    ``scrapy_settings`` overrides Scrapy settings for this crawl (e.g. the benchmark turns politeness off).
    The counts returned (and merged into ``crawl_runs.stats``) say what happened to every URL discovered:
    ``urls_discovered``, ``already_had``, ``outcomes`` (per outcome) and ``discovery`` (feeds, sitemaps,
    listing pages, e.g. ``feed:not_modified``).
    """
    url = db.database_url(settings)
    run = get_run(url, run_id)
    env = settings.child_env(database_url=url)
    env["SCRAPY_SETTINGS_MODULE"] = "spiders.settings"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news",
           "-a", f"source={run['source_key']}", "-a", f"crawl_run_id={run_id}"]
    for name, value in (scrapy_settings or {}).items():
        cmd += ["-s", f"{name}={value}"]
    try:
        proc = subprocess.run(
            cmd, check=False, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=settings.crawl_timeout
        )
    except subprocess.TimeoutExpired as exc:
        error = f"crawl of {run['source_key']} exceeded {settings.crawl_timeout} s"
        with db.transaction(url) as cur:
            set_status(cur, run_id, "failed", {}, error)
        raise CrawlFailed(error) from exc
    for line in proc.stderr.splitlines():
        log.info("scrapy: %s", line)
    if proc.returncode != 0:
        tail = [line for line in proc.stderr.splitlines() if line.strip()][-5:]
        error = f"crawl of {run['source_key']} failed (exit {proc.returncode}): " + " | ".join(tail)
        with db.transaction(url) as cur:
            set_status(cur, run_id, "failed", {}, error[:2000])
        raise CrawlFailed(error)
    with db.transaction(url) as cur:
        cur.execute(db.query("raw_pages_seen_in_run"), {"run_id": run_id})
        new_pages, seen_pages = cur.fetchone()
        crawl_stats = get_run(url, run_id)["stats"].get("crawl", {})
        if crawl_stats.get("write_error"):
            error = f"crawl of {run['source_key']} could not store pages: {crawl_stats['write_error']}"
            set_status(cur, run_id, "failed", {}, error[:2000])
            cur.connection.commit()
            raise CrawlFailed(error)
        outcomes = crawl_stats.get("outcomes", {})
        counts = {"pages_fetched": seen_pages, "pages_new": new_pages,
                  "urls_discovered": crawl_stats.get("urls_discovered", 0),
                  "already_had": outcomes.get("already_had", 0),
                  "outcomes": outcomes, "discovery": crawl_stats.get("discovery", {})}
        set_status(cur, run_id, "crawled", counts)
    return counts

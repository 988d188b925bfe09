"""Item pipeline: write fetched pages to ``raw_pages`` and every URL's outcome to ``url_outcomes``, in batches.

Pages are buffered and written together (one transaction per batch, not per page): a batch is flushed when it
holds ``AKHBAR_RAW_BATCH_SIZE`` pages or ``AKHBAR_RAW_BATCH_BYTES`` of bodies, and when the spider closes.
Batches are written by one writer thread, in order, so the reactor keeps downloading while PostgreSQL works;
when more than a few batches wait, the crawl waits for the writer (the run's stats record how long, as
``write_wait_s``). At close the run's counts (outcomes per
URL kind, pages stored) go into ``crawl_runs.stats``; a failed write is recorded there as ``write_error``
and fails the crawl step.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg2
from itemadapter import ItemAdapter

from akhbar import db
from akhbar.config import load_settings
from spiders.items import UrlOutcome
from transforms.urls import url_key

log = logging.getLogger(__name__)
MAX_QUEUED_BATCHES = 4


class RawPagePipeline:
    def __init__(self, crawler, database_url: str, batch_size: int, batch_bytes: int):
        self.crawler = crawler
        self.database_url = database_url
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self.conn = None
        self.pages: list[tuple] = []
        self.page_bytes = 0
        self.outcomes: dict[tuple[str, str], tuple] = {}
        self.counts = Counter(stored_new=0, stored_unchanged=0, fetch_errors=0, batches=0)
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="akhbar-raw-writer")
        self.queued: list[Future] = []
        self.write_error: str | None = None
        self.write_wait_s = 0.0  # the reactor's time blocked on the writer (back-pressure)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, db.database_url(load_settings()), settings.getint("AKHBAR_RAW_BATCH_SIZE", 100),
                   settings.getint("AKHBAR_RAW_BATCH_BYTES", 8 * 1024 * 1024))

    def open_spider(self):
        self.conn = db.connect(self.database_url, application_name="akhbar-crawl")

    def process_item(self, item):
        if isinstance(item, UrlOutcome):
            self._outcome(item.source_key, item.url_key, item.url, item.kind, item.outcome, item.detail,
                          item.http_status, item.discovered_via, item.lastmod, item.crawl_run_id, item.seen_at)
        else:
            self._page(ItemAdapter(item))
        if len(self.pages) >= self.batch_size or self.page_bytes >= self.batch_bytes or len(self.outcomes) >= 1000:
            self.flush()
        return item

    def _outcome(self, source_key, key, url, kind, outcome, detail, status, via, lastmod, run_id, seen_at):
        # One row per key per statement (ON CONFLICT cannot touch a row twice); the later outcome wins.
        self.outcomes[(source_key, key)] = (source_key, key, url, kind, outcome, detail, status, via, lastmod,
                                            run_id, run_id, seen_at, seen_at)

    def _page(self, page: ItemAdapter) -> None:
        body = page["body"] or b""
        key = page.get("url_key") or url_key(page["url"])
        self.pages.append((
            page["source_key"], page["crawl_run_id"], page["crawl_run_id"], page["url"], key, page["final_url"],
            page["http_status"], json.dumps(page["headers"], ensure_ascii=False), page["content_type"],
            psycopg2.Binary(body) if page["body"] is not None else None, hashlib.sha256(body).hexdigest(),
            page["fetch_error"], page["fetched_at"], page["fetched_at"],
        ))
        self.page_bytes += len(body)
        if page["fetch_error"]:
            self.counts["fetch_errors"] += 1
        self._outcome(page["source_key"], key, page["url"], "page", page.get("outcome", "fetched"),
                      page.get("detail"), page["http_status"], page.get("discovered_via"), page.get("lastmod"),
                      page["crawl_run_id"], page["fetched_at"])

    def flush(self) -> None:
        """Hand the buffered rows to the writer thread."""
        if not self.pages and not self.outcomes:
            return
        pages, outcomes = self.pages, self.outcomes
        self.pages, self.page_bytes, self.outcomes = [], 0, {}
        self.queued = [f for f in self.queued if not f.done() or self._check(f)]
        if len(self.queued) >= MAX_QUEUED_BATCHES:  # back-pressure: PostgreSQL sets the pace
            started = time.monotonic()
            while len(self.queued) >= MAX_QUEUED_BATCHES:
                self._check(self.queued.pop(0), wait=True)
            self.write_wait_s += time.monotonic() - started
        self.queued.append(self.writer.submit(self._write, pages, outcomes))

    def _check(self, future: Future, wait: bool = False) -> bool:
        try:
            future.result(timeout=None if wait else 0)
        except Exception as exc:  # noqa: BLE001 (kept and reported at close; the crawl step then fails)
            log.error("writing raw pages failed: %s", exc)
            self.write_error = self.write_error or f"{exc.__class__.__name__}: {exc}"[:500]
        return False

    def _write(self, pages: list[tuple], outcomes: dict) -> None:
        # Within one statement a (url_key, body) pair may appear once: keep the first of any repeats.
        unique: dict[tuple[str, str], tuple] = {}
        for row in pages:
            unique.setdefault((row[4], row[10]), row)
        with self.conn, self.conn.cursor() as cur:
            if unique:
                inserted = db.execute_values(cur, "upsert_raw_pages", list(unique.values()),
                                             page_size=len(unique), fetch=True)
                new = sum(1 for (flag,) in inserted if flag)
                self.counts["stored_new"] += new
                self.counts["stored_unchanged"] += len(inserted) - new
            if outcomes:
                db.execute_values(cur, "upsert_url_outcomes", list(outcomes.values()), page_size=1000)
        self.counts["batches"] += 1

    def close_spider(self):
        if self.conn is None:
            return
        spider = self.crawler.spider
        now = datetime.now(UTC)
        started = self.crawler.stats.get_value("start_time")
        elapsed = (now - started).total_seconds() if started is not None else None
        budget = self.crawler.settings.getfloat("CLOSESPIDER_TIMEOUT")
        # Closed by its time budget (CLOSESPIDER_TIMEOUT) rather than because it was done.
        timed_out = bool(budget and elapsed is not None and elapsed + 0.5 >= budget)
        # A URL scheduled but never answered still gets an outcome: deferred to the next run when the time
        # budget ran out, a network error when the crawl was stopped otherwise.
        if timed_out:
            outcome, detail = "deferred", f"the crawl's time budget ({budget:g} s) ran out before it was fetched"
        else:
            outcome, detail = "network_error", "no response before the crawl stopped"
        for key, (url, via) in list(getattr(spider, "pending", {}).items()):
            self._outcome(spider.source.key, key, url, "page", outcome, detail, None, via, None,
                          spider.crawl_run_id, now)
            spider.count_outcome("page", outcome)
        for url, via, lastmod in spider.unread_sitemaps() if hasattr(spider, "unread_sitemaps") else []:
            self._outcome(spider.source.key, url_key(url), url, "sitemap", outcome, detail.replace("fetched", "read"),
                          None, via, lastmod, spider.crawl_run_id, now)
            spider.count_outcome("sitemap", outcome)
        self.flush()
        for future in self.queued:
            self._check(future, wait=True)
        self.writer.shutdown(wait=True)
        run_id = getattr(spider, "crawl_run_id", None)
        if run_id is not None:
            stats = dict(self.counts)
            if self.write_error:
                stats["write_error"] = self.write_error
            stats.update(spider.run_counts())
            stats["timed_out"] = timed_out
            stats["write_wait_s"] = round(self.write_wait_s, 3)
            if started is not None:
                stats["elapsed_s"] = round((datetime.now(UTC) - started).total_seconds(), 3)
            with self.conn, self.conn.cursor() as cur:
                cur.execute(db.query("record_crawl_stats"), (json.dumps(stats), run_id))
        self.conn.close()

"""Item pipeline: write fetched pages to ``raw_pages`` and every URL's outcome to ``url_outcomes``, in batches.

Pages are buffered and written together (one transaction per batch, not per page): a batch is flushed when it
holds ``AKHBAR_RAW_BATCH_SIZE`` pages or ``AKHBAR_RAW_BATCH_BYTES`` of bodies, and when the spider closes. At
close the run's counts (outcomes per URL kind, pages stored) go into ``crawl_runs.stats``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime

import psycopg2
from itemadapter import ItemAdapter

from akhbar import db
from akhbar.config import load_settings
from spiders.items import UrlOutcome
from transforms.urls import url_key


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
        if not self.pages and not self.outcomes:
            return
        # Within one statement a (url_key, body) pair may appear once: keep the first of any repeats.
        unique: dict[tuple[str, str], tuple] = {}
        for row in self.pages:
            unique.setdefault((row[4], row[10]), row)
        with self.conn, self.conn.cursor() as cur:
            if unique:
                inserted = db.execute_values(cur, "upsert_raw_pages", list(unique.values()),
                                             page_size=len(unique), fetch=True)
                new = sum(1 for (flag,) in inserted if flag)
                self.counts["stored_new"] += new
                self.counts["stored_unchanged"] += len(inserted) - new
            if self.outcomes:
                db.execute_values(cur, "upsert_url_outcomes", list(self.outcomes.values()), page_size=1000)
        self.counts["batches"] += 1
        self.pages, self.page_bytes, self.outcomes = [], 0, {}

    def close_spider(self):
        if self.conn is None:
            return
        spider = self.crawler.spider
        # A URL scheduled but never answered (the crawl was stopped) still gets an outcome.
        now = datetime.now(UTC)
        for key, (url, via) in list(getattr(spider, "pending", {}).items()):
            self._outcome(spider.source.key, key, url, "page", "network_error",
                          "no response before the crawl stopped", None, via, None, spider.crawl_run_id, now)
            spider.count_outcome("page", "network_error")
        self.flush()
        run_id = getattr(spider, "crawl_run_id", None)
        if run_id is not None:
            stats = dict(self.counts)
            stats.update(spider.run_counts())
            with self.conn, self.conn.cursor() as cur:
                cur.execute(db.query("record_crawl_stats"), (json.dumps(stats), run_id))
        self.conn.close()

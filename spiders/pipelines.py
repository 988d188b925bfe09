"""Item pipeline: UPSERT each fetched page into ``raw_pages``."""

from __future__ import annotations

import hashlib
import json

from itemadapter import ItemAdapter

from akhbar import db
from akhbar.config import load_settings
from transforms.urls import url_key


class RawPagePipeline:
    def __init__(self, crawler, database_url: str):
        self.crawler = crawler
        self.database_url = database_url
        self.conn = None
        self.counts = {"stored_new": 0, "stored_unchanged": 0, "fetch_errors": 0}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, db.database_url(load_settings()))

    def open_spider(self):
        self.conn = db.connect(self.database_url, application_name="akhbar-crawl")

    def close_spider(self):
        if self.conn is None:
            return
        run_id = getattr(self.crawler.spider, "crawl_run_id", None)
        if run_id is not None:
            with self.conn, self.conn.cursor() as cur:
                cur.execute(db.query("record_crawl_stats"), (json.dumps(self.counts), run_id))
        self.conn.close()

    def process_item(self, item):
        page = ItemAdapter(item)
        body = page["body"] or b""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                db.query("upsert_raw_page"),
                {
                    "source_key": page["source_key"],
                    "crawl_run_id": page["crawl_run_id"],
                    "url": page["url"],
                    "url_key": url_key(page["url"]),
                    "final_url": page["final_url"],
                    "http_status": page["http_status"],
                    "headers": json.dumps(page["headers"], ensure_ascii=False),
                    "content_type": page["content_type"],
                    "body": body if page["body"] is not None else None,
                    "body_sha256": hashlib.sha256(body).hexdigest(),
                    "fetch_error": page["fetch_error"],
                    "fetched_at": page["fetched_at"],
                },
            )
            (inserted,) = cur.fetchone()
        self.counts["stored_new" if inserted else "stored_unchanged"] += 1
        if page["fetch_error"]:
            self.counts["fetch_errors"] += 1
        return item

"""The crawl state the spider reads before fetching: which URL keys are already stored (in bulk), the HTTP
validators of discovery URLs, and whether the source has crawled before. It lives in PostgreSQL, so it
survives ephemeral workers."""

from __future__ import annotations

from datetime import datetime

from akhbar import db


class CrawlState:
    def __init__(self, database_url: str, source_key: str, run_id: int):
        self.conn = db.connect(database_url, application_name="akhbar-crawl-state")
        self.conn.autocommit = True
        self.source_key = source_key
        self.run_id = run_id

    def close(self) -> None:
        self.conn.close()

    def known(self, keys: list[str]) -> dict[str, datetime]:
        """{url_key: newest fetch} for the keys the corpus already has; one query for the whole batch."""
        if not keys:
            return {}
        with self.conn.cursor() as cur:
            cur.execute(db.query("known_url_keys"), {"keys": list(keys), "source_key": self.source_key})
            return dict(cur.fetchall())

    def validators(self) -> dict[str, tuple[str | None, str | None, datetime]]:
        with self.conn.cursor() as cur:
            cur.execute(db.query("source_http_validators"), {"source_key": self.source_key})
            return {url: (etag, modified, checked) for url, etag, modified, checked in cur.fetchall()}

    def save_validators(self, url: str, etag: str | None, last_modified: str | None, status: int,
                        checked_at: datetime) -> None:
        with self.conn.cursor() as cur:
            cur.execute(db.query("upsert_http_validator"), {
                "url": url, "source_key": self.source_key, "etag": etag, "last_modified": last_modified,
                "http_status": status, "checked_at": checked_at})

    def crawled_before(self) -> bool:
        with self.conn.cursor() as cur:
            cur.execute(db.query("previous_crawl_exists"), {"source_key": self.source_key, "run_id": self.run_id})
            return cur.fetchone()[0]

"""Stage hand-made articles as parsed pages of a crawl run (no crawl), for gate, load, story and search tests."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import psycopg2

from transforms.normalize import normalize_for_search

FETCHED = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)

REGISTRY = """
[[source]]
key = "{key}"
name = "{key}"
country = "EG"
time_zone = "Africa/Cairo"
home_url = "https://www.{key}.example/"
allowed_domains = ["{key}.example"]
feeds = ["https://www.{key}.example/feed.xml"]
"""
SOURCES = ("youm7", "masrawy", "ahram", "shorouk", "akhbarelyom")




def article(source: str, slug: str, *, title="عنوان خبر اليوم", body=None, published_at=None,
            fetched_at=FETCHED, agency=None, **extra) -> dict:
    """An extracted article as the parse step stages it."""
    body = body if body is not None else ("أعلنت وزارة الصحة اليوم تسجيل حالات جديدة في عدد من المحافظات. " * 6)
    url = f"https://www.{source}.example/news/{slug}"
    published = published_at if published_at is not None else fetched_at - timedelta(hours=2)
    data = {
        "url": url, "canonical_url": url, "title": title, "body": body,
        "published_at": published.isoformat() if published else None, "published_raw": None,
        "modified_at": None, "modified_raw": None, "authors": [], "section": None, "tags": [],
        "language": "ar", "images": [], "agency": agency, "dateline": None,
        "title_norm": normalize_for_search(title), "body_norm": normalize_for_search(body),
        "extractor": "generic", "extractor_version": "test", "source": source,
        "fetched_at": fetched_at.isoformat(),
    }
    data.update(extra)
    return data


def stage(settings, source: str, articles: list[dict], run_label: str | None = None, run_id: int | None = None
          ) -> int:
    """Open a crawl run for ``source`` (or take ``run_id``, a run still producing pages) and stage ``articles``
    as its parsed pages; returns the run id."""
    from akhbar import pipeline

    if run_id is None:
        run_id = pipeline.start_run(settings, source, run_label)
    conn = psycopg2.connect(settings.database_url)
    with conn, conn.cursor() as cur:
        for art in articles:
            fetched = datetime.fromisoformat(art["fetched_at"])
            body = json.dumps(art, ensure_ascii=False).encode()
            cur.execute(
                "INSERT INTO raw_pages (source_key, crawl_run_id, last_crawl_run_id, url, url_key, http_status,"
                " content_type, body, body_sha256, fetched_at, last_seen_at, parse_status)"
                " VALUES (%s, %s, %s, %s, %s, 200, 'text/html', %s, %s, %s, %s, 'extracted') RETURNING id",
                (source, run_id, run_id, art["url"], art["canonical_url"], body,
                 hashlib.sha256(body).hexdigest(), fetched, fetched),
            )
            (page_id,) = cur.fetchone()
            pipeline.stage_extracted(cur, [pipeline.staged_row(page_id, run_id, source, art,
                                                               url_key=art["canonical_url"])])
    conn.close()
    return run_id

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RawPage:
    """One fetch: a response as it arrived, or the reason no response arrived, and the URL's outcome."""

    source_key: str
    crawl_run_id: int
    url: str
    fetched_at: datetime
    final_url: str | None = None
    http_status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    body: bytes | None = None
    fetch_error: str | None = None
    url_key: str | None = None
    outcome: str = "fetched"
    detail: str | None = None
    discovered_via: str | None = None
    lastmod: datetime | None = None


@dataclass
class UrlOutcome:
    """The outcome of a URL that produced no raw page: a discovery document, or a page not fetched."""

    source_key: str
    crawl_run_id: int
    url: str
    url_key: str
    kind: str  # page, feed, sitemap, listing
    outcome: str
    seen_at: datetime
    detail: str | None = None
    http_status: int | None = None
    discovered_via: str | None = None
    lastmod: datetime | None = None

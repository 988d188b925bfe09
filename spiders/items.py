from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RawPage:
    """One fetch: a response as it arrived, or the reason no response arrived."""

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

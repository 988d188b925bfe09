"""The Article record: what extraction returns for one page.

It is a plain dataclass so that every layer (CLI JSON, the staging table, tests) reads the same fields.
Datetimes are always timezone-aware; ``published_raw`` keeps the string the date was parsed from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Image:
    url: str
    caption: str | None = None


@dataclass(slots=True)
class Article:
    url: str
    canonical_url: str
    title: str | None = None
    body: str | None = None  # paragraphs joined by a blank line
    published_at: datetime | None = None
    published_raw: str | None = None
    modified_at: datetime | None = None
    modified_raw: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    images: list[Image] = field(default_factory=list)
    agency: str | None = None  # the news agency the article credits, e.g. "أ ش أ", "رويترز"
    dateline: str | None = None  # the city the story is filed from, when the body opens with one
    title_norm: str = ""  # normalize_for_search(title): for search and deduplication
    body_norm: str = ""  # normalize_for_search(body)
    extractor: str = "generic"
    extractor_version: str = "0"
    source: str | None = None
    fetched_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: datetimes as ISO-8601 with offset, images as dicts."""
        data = asdict(self)
        for key in ("published_at", "modified_at", "fetched_at"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        return data

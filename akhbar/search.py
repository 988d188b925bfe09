"""Arabic full-text search over the loaded articles.

The query is folded by the same function as the documents (``normalize_for_search``), so ى finds ي and every
alef form finds the others; the SQL function ``search_articles`` folds it again (a no-op here, but it lets
analysts call the function straight from psql), drops stopwords and ranks title matches above body matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from akhbar import db
from akhbar.config import Settings


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    published_at: datetime | None
    source_key: str
    title: str
    url: str
    story_id: int | None
    rank: float
    snippet: str


def search(settings: Settings, query: str, limit: int = 20) -> list[SearchHit]:
    from transforms.normalize import normalize_for_search

    with db.transaction(db.database_url(settings)) as cur:
        cur.execute(db.query("search_articles"), {"query": normalize_for_search(query), "limit": limit})
        return [SearchHit(*row) for row in cur.fetchall()]

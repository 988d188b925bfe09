"""Arabic full-text search over the loaded articles.

The query is folded by the same function as the documents (``normalize_for_search``), so ى finds ي and every
alef form finds the others; the SQL function ``search_articles`` folds it again (a no-op here, but it lets
analysts call the function straight from psql), drops stopwords, ranks title matches above body matches (the
newest 1,000 matches at most, near-ties newest first), and cuts each snippet from the article's own text with
every matched phrase between ``mark_start`` and ``mark_stop``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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


MARK_START, MARK_STOP = "«", "»"


def search(settings: Settings, query: str, limit: int = 20, *, source: str | None = None,
           date_from: date | None = None, date_to: date | None = None, story: int | None = None,
           mark_start: str = MARK_START, mark_stop: str = MARK_STOP) -> list[SearchHit]:
    """Ranked articles for ``query``; optionally of one source, published within [date_from, date_to] (UTC
    days, both included), or of one story."""
    from transforms.normalize import normalize_for_search

    params = {"query": normalize_for_search(query), "limit": limit, "source": source, "date_from": date_from,
              "date_to": date_to, "story": story, "mark_start": mark_start, "mark_stop": mark_stop}
    with db.transaction(db.database_url(settings)) as cur:
        cur.execute(db.query("search_articles"), params)
        return [SearchHit(*row) for row in cur.fetchall()]

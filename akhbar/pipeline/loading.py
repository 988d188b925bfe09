"""The load step: a run's valid staged pages into ``articles`` in one transaction, then clustered into stories.

Clustering is not in the load's transaction: once the load commits, ``stories.cluster_loaded`` clusters every
article without a story signature in a transaction of its own, under the clustering lock (``stories.LOCK_KEY``),
so two clusterings cannot both start a story for one event. A crash between the two leaves stored, searchable,
unclustered articles, which the next load's clustering or the ``akhbar_stories`` DAG (``cluster_stories``) takes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from akhbar import db
from akhbar.config import Settings
from akhbar.pipeline import lifecycle
from akhbar.pipeline.runs import set_status

log = logging.getLogger(__name__)

# From this many staged pages on, the search vectors of a load are computed by parallel workers (when the
# server has them free): worker start-up costs a few milliseconds, a body's text search parsing about 0.3 ms.
PARALLEL_LOAD_PAGES = 200


@dataclass
class LoadResult:
    loaded: int
    inserted: int
    revisions: int
    seconds: dict[str, float]  # time per phase, for bench/load.py and the logs


def analyze_staging(url: str, settings: Settings | None = None) -> None:
    """Planner statistics for the staging table, in a short transaction of its own, before a load."""
    with (db.step_transaction(settings, "load") if settings else db.transaction(url)) as cur:
        cur.execute(db.query("analyze_staging"))


def load_staged(cur, settings: Settings, run_id: int) -> LoadResult:
    """The load inside the caller's transaction: compute the search vectors of the run's changed valid staged
    pages, UPSERT them into ``articles`` and flush the search indexes. Call analyze_staging first, outside the
    transaction, and ``stories.cluster_loaded`` after it commits."""
    seconds: dict[str, float] = {}
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        seconds[name] = now - mark
        mark = now

    cur.execute(db.query("load_session"), {"memory": settings.load_memory})
    cur.execute(db.query("count_valid_staged"), {"run_id": run_id})
    if cur.fetchone()[0] >= PARALLEL_LOAD_PAGES:
        cur.execute(db.query("load_parallel"))
    cur.execute(db.query("load_search_vectors"), {"run_id": run_id})
    phase("vectors")
    cur.execute(db.query("load_articles"), {"run_id": run_id})
    loaded, inserted, revisions = cur.fetchone()
    phase("upsert")
    cur.execute(db.query("flush_search_indexes"))
    phase("index_flush")
    return LoadResult(loaded, inserted, revisions, seconds)


def load(settings: Settings, run_id: int) -> dict:
    """UPSERT the run's valid pages into ``articles`` in one transaction, then cluster them into stories in
    another (``stories.cluster_loaded``).

    A re-crawled article whose normalized body changed keeps its newest version; the older one moves to
    ``article_revisions`` with its fetch time. A failure anywhere leaves nothing half-loaded, and a retry
    is safe (the staged pages stay until the transaction that loads them commits).
    """
    with lifecycle.lease(settings, run_id):
        return _load(settings, run_id)


def _load(settings: Settings, run_id: int) -> dict:
    from akhbar import stories

    url = db.database_url(settings)
    analyze_staging(url, settings)
    with db.step_transaction(settings, "load") as cur:
        result = load_staged(cur, settings, run_id)
        cur.execute(db.query("finish_loaded_pages"), {"run_id": run_id})
        counts = {"articles_loaded": result.loaded, "articles_new": result.inserted,
                  "revisions": result.revisions}
        set_status(cur, run_id, "loaded", counts)
    started = time.perf_counter()
    clustered = stories.cluster_loaded(settings, run_id)
    result.seconds["cluster (after the load)"] = time.perf_counter() - started
    counts.update(stories_new=clustered.new_stories, stories_joined=clustered.joined)
    log.info("load of run %s: %s articles in %s", run_id, result.loaded,
             ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items()))
    return counts


def cluster_stories(settings: Settings) -> dict:
    """The akhbar_stories step: give a story to every stored article that has none (history re-parsed,
    articles loaded before stories existed) and refresh the aggregates of stories whose members changed.

    Each load clusters what has no story once it commits; this catches what a crash between the two left, and
    history, incrementally, in one transaction.
    """
    from akhbar import stories

    with db.transaction(db.database_url(settings)) as cur:
        clustered = stories.cluster_unclustered(cur, settings)
        cur.execute(db.query("stale_story_ids"))
        stale = {story_id for (story_id,) in cur.fetchall()}
        stories.refresh(cur, stale)
        cur.execute(db.query("story_totals"))
        total, multi_source = cur.fetchone()
    return {"articles_clustered": clustered.processed, "stories_new": clustered.new_stories,
            "stories_joined": clustered.joined, "stories_refreshed": len(stale), "stories": total,
            "multi_source_stories": multi_source}

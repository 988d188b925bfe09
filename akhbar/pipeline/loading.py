"""The load step: a run's valid staged pages into ``articles``, clustered into stories, in one transaction.

Concurrency: the load's first statement takes the clustering lock (``stories.LOCK_KEY``, a transaction advisory
lock), so everything clustering reads of ``articles`` is read under it, and two sources loading at once cannot
both start a story for one event. Articles without a story (history) are the ``akhbar_stories`` DAG's work
(``cluster_stories``), not the load's.
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
    clustered: object  # akhbar.stories.ClusterCounts
    seconds: dict[str, float]  # time per phase, for bench/load.py and the logs


def analyze_staging(url: str, settings: Settings | None = None) -> None:
    """Planner statistics for the staging table, in a short transaction of its own, before a load."""
    with (db.step_transaction(settings, "load") if settings else db.transaction(url)) as cur:
        cur.execute(db.query("analyze_staging"))


def load_staged(cur, settings: Settings, run_id: int) -> LoadResult:
    """The load inside the caller's transaction: cluster the run's valid staged pages into stories, compute
    the search vectors of the changed ones, UPSERT them into ``articles`` and flush the search indexes.
    Call analyze_staging first, outside the transaction. The clustering lock is its first statement."""
    from akhbar import stories

    cur.execute("SELECT pg_advisory_xact_lock(%s)", (stories.LOCK_KEY,))
    seconds: dict[str, float] = {}
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        seconds[name] = now - mark
        mark = now

    cur.execute(db.query("load_session"), {"memory": settings.load_memory})
    clustered, touched = stories.cluster_staged(cur, settings, run_id)
    phase("cluster")
    if clustered.processed >= PARALLEL_LOAD_PAGES:
        cur.execute(db.query("load_parallel"))
    cur.execute(db.query("load_search_vectors"), {"run_id": run_id})
    phase("vectors")
    cur.execute(db.query("load_articles"), {"run_id": run_id})
    loaded, inserted, revisions = cur.fetchone()
    phase("upsert")
    cur.execute(db.query("flush_search_indexes"))
    phase("index_flush")
    stories.refresh(cur, touched)
    phase("stories_refresh")
    return LoadResult(loaded, inserted, revisions, clustered, seconds)


def load(settings: Settings, run_id: int) -> dict:
    """Cluster the run's valid pages into stories and UPSERT them into ``articles``, in one transaction.

    A re-crawled article whose normalized body changed keeps its newest version; the older one moves to
    ``article_revisions`` with its fetch time. A failure anywhere leaves nothing half-loaded, and a retry
    is safe (the staged pages stay until the transaction that loads them commits).
    """
    with lifecycle.lease(settings, run_id):
        return _load(settings, run_id)


def _load(settings: Settings, run_id: int) -> dict:
    url = db.database_url(settings)
    analyze_staging(url, settings)
    with db.step_transaction(settings, "load") as cur:
        result = load_staged(cur, settings, run_id)
        cur.execute(db.query("finish_loaded_pages"), {"run_id": run_id})
        counts = {"articles_loaded": result.loaded, "articles_new": result.inserted,
                  "revisions": result.revisions, "stories_new": result.clustered.new_stories,
                  "stories_joined": result.clustered.joined}
        set_status(cur, run_id, "loaded", counts)
    log.info("load of run %s: %s articles in %s", run_id, result.loaded,
             ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items()))
    return counts


def cluster_stories(settings: Settings) -> dict:
    """The akhbar_stories step: give a story to every stored article that has none (history re-parsed,
    articles loaded before stories existed) and refresh the aggregates of stories whose members changed.

    Loads already cluster their own pages; this catches everything else, incrementally, in one transaction.
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

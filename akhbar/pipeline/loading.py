"""The load step: a run's valid staged pages into ``articles``, then clustered into stories.

The pages go in batches of ``Settings.load_batch_size`` (raw page id ranges), one transaction each, so a call
works in bounded memory whatever the run's size, and can be made again at any time: while the run's crawl and
parse are still producing pages, it loads what the gate has passed so far. ``Settings.load_workers`` batches
(two per core by default) are loaded side by side, each in its own session and transaction: a statement that
writes never runs in parallel in PostgreSQL, and computing the search vectors is most of a load's work. A batch
that fails leaves its pages staged and valid for the next call; the batches that committed stay loaded (the
load then stops, once the batches beside the failed one have ended).

Clustering is not in the load's transactions: once the batches commit, ``stories.cluster_loaded`` clusters every
article without a story signature in a transaction of its own, under the clustering lock (``stories.LOCK_KEY``),
so two clusterings cannot both start a story for one event. A crash between the two leaves stored, searchable,
unclustered articles, which the next load's clustering or the ``akhbar_stories`` DAG (``cluster_stories``) takes.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

from akhbar import db
from akhbar.config import Settings
from akhbar.pipeline import lifecycle
from akhbar.pipeline.runs import set_status

log = logging.getLogger(__name__)

# The whole of a run's raw page ids: load_staged's default batch.
ALL_PAGES = (0, 2**63 - 1)


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


def load_staged(cur, settings: Settings, run_id: int, pages: tuple[int, int] = ALL_PAGES,
                flush: bool = True) -> LoadResult:
    """The load of one batch inside the caller's transaction: UPSERT the run's valid staged pages with raw page
    ids in ``pages`` (after, upto] into ``articles``, with the search vectors of those whose text changed, then
    (with ``flush``) move the GIN entries pending into the indexes. Call analyze_staging first, outside the
    transaction, and ``stories.cluster_loaded`` after the batches commit."""
    seconds: dict[str, float] = {}
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        seconds[name] = now - mark
        mark = now

    batch = {"run_id": run_id, "after": pages[0], "upto": pages[1]}
    cur.execute(db.query("load_session"), {"memory": settings.load_memory})
    cur.execute(db.query("load_articles"), batch)
    loaded, inserted, revisions = cur.fetchone()
    phase("upsert")
    if flush:
        cur.execute(db.query("flush_search_indexes"))
        phase("index_flush")
    return LoadResult(loaded, inserted, revisions, seconds)


def next_batch(cur, settings: Settings, run_id: int, after: int) -> tuple[int, int] | None:
    """The next load batch of the run after raw page id ``after``: (after, upto], or None when no valid staged
    page is left past it."""
    cur.execute(db.query("load_batch_bounds"), {"run_id": run_id, "after": after,
                                                "limit": settings.load_batch_size})
    (upto,) = cur.fetchone()
    return None if upto is None else (after, upto)


def load(settings: Settings, run_id: int) -> dict:
    """UPSERT the run's valid pages into ``articles``, a batch per transaction, then cluster them into stories
    in a transaction of their own (``stories.cluster_loaded``).

    A re-crawled article whose normalized body changed keeps its newest version; the older one moves to
    ``article_revisions`` with its fetch time. A failure anywhere leaves no batch half-loaded, and a retry
    is safe (a batch's staged pages stay until the transaction that loads them commits). Safe to call while
    the run is still parsed and judged: it loads the pages the gate has passed so far.
    """
    with lifecycle.lease(settings, run_id):
        return _load(settings, run_id)


def _load(settings: Settings, run_id: int) -> dict:
    from akhbar import stories

    analyze_staging(db.database_url(settings), settings)
    counts, seconds = load_batches(settings, run_id)
    started = time.perf_counter()
    clustered = stories.cluster_loaded(settings, run_id)
    seconds["cluster (after the load)"] = time.perf_counter() - started
    counts.update(stories_new=clustered.new_stories, stories_joined=clustered.joined)
    log.info("load of run %s: %s articles in %s", run_id, counts["articles_loaded"],
             ", ".join(f"{k} {v:.2f} s" for k, v in seconds.items()))
    return counts


def load_batches(settings: Settings, run_id: int) -> tuple[dict, dict[str, float]]:
    """The load's batches, one transaction each and ``settings.load_workers`` at a time, until no valid staged
    page of the run is left; then the run's status becomes ``loaded``. Call analyze_staging first. Returns the
    counts and the seconds per phase, summed over the batches (so over the batches loaded side by side, more
    than the time that passed; ``finish`` is the staging rows' removal and the pages' new state, ``commit`` the
    commits).

    Batches of one run never share a URL key (one valid staged page per key and run), so the ones loaded side
    by side write different articles. The first batch to fail raises its error here, once the others running
    have ended (committed or rolled back, each on its own).

    The GIN entries the batches append wait in the indexes' pending lists (a session appending past
    ``gin_pending_list_limit``, AKHBAR_LOAD_MEMORY, moves them into the index itself) and are moved in once,
    at the end, in the transaction that marks the run loaded: one pass per index entry instead of one per
    batch. A load that fails leaves what its committed batches appended pending, for the next load's flush (or
    autovacuum); searches read pending entries too, only more slowly."""
    counts = {"articles_loaded": 0, "articles_new": 0, "revisions": 0}
    seconds: dict[str, float] = {}
    after = 0
    with ThreadPoolExecutor(max(1, settings.load_workers), thread_name_prefix="akhbar-load") as pool:
        running: set = set()
        while True:
            with db.step_transaction(settings, "load") as cur:
                pages = next_batch(cur, settings, run_id, after)
                if pages is None and not running:  # nothing left: the run is loaded
                    started = time.perf_counter()
                    cur.execute(db.query("load_session"), {"memory": settings.load_memory})
                    cur.execute(db.query("flush_search_indexes"))
                    seconds["index_flush"] = time.perf_counter() - started
                    set_status(cur, run_id, "loaded", counts)
                    break
            if pages is not None:
                running.add(pool.submit(_load_batch, settings, run_id, pages))
                after = pages[1]
            if pages is None or len(running) >= settings.load_workers:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()  # a failed batch raises; the pool waits for the others first
                    for key, value in (("articles_loaded", result.loaded), ("articles_new", result.inserted),
                                       ("revisions", result.revisions)):
                        counts[key] += value
                    for key, value in result.seconds.items():
                        seconds[key] = seconds.get(key, 0.0) + value
    return counts, seconds


def _load_batch(settings: Settings, run_id: int, pages: tuple[int, int]) -> LoadResult:
    """One load batch in a transaction (and session) of its own: the UPSERT, then the staging rows' removal and
    the pages' new state."""
    with db.step_transaction(settings, "load") as cur:
        result = load_staged(cur, settings, run_id, pages, flush=False)  # once, at the end of the load
        started = time.perf_counter()
        cur.execute(db.query("finish_loaded_pages"), {"run_id": run_id, "after": pages[0], "upto": pages[1]})
        result.seconds["finish"] = time.perf_counter() - started
        started = time.perf_counter()
    result.seconds["commit"] = time.perf_counter() - started
    return result


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

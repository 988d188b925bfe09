"""The page lifecycle: the one owner of the state of every raw page.

::

    pending ──parse──> extracted ──validate──> validated ──load──> loaded
       │                   │                       │
       └──────────────> quarantined (reasons) <────┘        skipped (reason: another copy won)

``loaded``, ``quarantined`` and ``skipped`` are terminal; every fetched page ends in exactly one of them.
The other three are "in flight" and always belong to one crawl run (``claimed_by``, or the run that fetched
them while nobody has claimed them).

- **Lease.** A process working on a run holds the run's lease: a session-level advisory lock on
  (:data:`LEASE_CLASS`, run id), on a connection of its own (:func:`lease`). A killed process, a dropped
  connection or a restarted server releases it, so "the run is dead" is a fact the database knows.
- **Claim.** The parse step starts by claiming (:func:`claim`) every in-flight page of its source that is its
  own or whose run is dead: pages a crash left ``pending``, ``extracted`` or ``validated`` are adopted by the
  next run, never stranded. Pages a live run holds are left to it, so a scheduled run and a maintenance
  re-parse of the same source never take each other's pages or mix their gate rates.
- **Attempts.** Each claim counts as an attempt at the page. A page claimed more than
  ``Settings.max_page_attempts`` times is quarantined as :data:`ATTEMPTS_EXHAUSTED` instead of crashing
  every run after it.
- **Quarantine** (:func:`quarantine`) is the only way into that state: the verdict row, the page's state, and
  the withdrawal of the article the page stood for, so no page is both an article and quarantined.
- "The newest staged copy per URL key" is decided once, when a run's pages are validated
  (``skip_superseded_pages.sql``), and held by a unique index.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator

import psycopg2
import psycopg2.errors

from akhbar import db
from akhbar.config import Settings

OPEN_STATES = ("pending", "extracted", "validated")
TERMINAL_STATES = ("loaded", "quarantined", "skipped")
LEASE_CLASS = 0x616B6872  # first key of a run's lease (pg_advisory_lock(int, int)): "akhr"
ATTEMPTS_EXHAUSTED = "attempts_exhausted"

_held: dict[tuple[str, int], list] = {}  # (database URL, run id) -> [connection, depth]
_held_lock = threading.Lock()


class RunBusy(RuntimeError):
    """Another process holds the run's lease: it is working on the run now."""


@contextlib.contextmanager
def lease(settings: Settings, run_id: int) -> Iterator[None]:
    """Hold the run's lease while the body runs (re-entrant within a process).

    The lease is a session advisory lock on a connection of its own, so it lasts exactly as long as this
    process and its connection: there is nothing to clean up after a crash.
    """
    url = db.database_url(settings)
    key = (url, run_id)
    with _held_lock:
        entry = _held.get(key)
        if entry is not None:
            entry[1] += 1
    if entry is None:
        conn = db.connect(url, application_name=f"akhbar-lease-{run_id}")
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                # A few seconds' grace: a session that just ended (a step before this one) may not have
                # released its lease yet on the server's side.
                cur.execute("SET lock_timeout = '5s'")
                cur.execute("SELECT pg_advisory_lock(%s, %s)", (LEASE_CLASS, run_id))
        except psycopg2.errors.LockNotAvailable:
            conn.close()
            raise RunBusy(f"crawl run {run_id} is being worked on by another process") from None
        with _held_lock:
            entry = _held[key] = [conn, 1]
    try:
        yield
    finally:
        with _held_lock:
            entry[1] -= 1
            done = entry[1] == 0
            if done:
                del _held[key]
        if done:
            # Released here, not by closing: a closed session's locks go only when its server process ends. (A
            # connection the server already dropped has nothing left to release.)
            with contextlib.suppress(Exception), entry[0].cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s, %s)", (LEASE_CLASS, run_id))
            with contextlib.suppress(Exception):
                entry[0].close()


def claim(cur, settings: Settings, run_id: int, source_key: str, *, adopt: bool = True,
          fresh_only: bool = False) -> dict:
    """Claim the run's in-flight pages (and, with ``adopt``, those of its source's dead runs); quarantine the
    ones past their attempts. ``fresh_only``: leave out the pages the run claimed already (a run that claims
    again while its crawl is storing pages counts one attempt per page). Returns counts: ``claimed``,
    ``adopted`` (from other runs), ``attempts_exhausted``.
    """
    cur.execute(db.query("claim_pages"), {"lease_class": LEASE_CLASS, "run_id": run_id, "source_key": source_key,
                                          "adopt": adopt, "fresh_only": fresh_only})
    claimed = cur.fetchall()
    exhausted = [(page_id, attempts, state) for page_id, attempts, state, _owner in claimed
                 if attempts > settings.max_page_attempts]
    if exhausted:
        cur.execute("SELECT id, url FROM raw_pages WHERE id = ANY(%s)", ([p for p, _, _ in exhausted],))
        urls = dict(cur.fetchall())
        quarantine(cur, [
            (page_id, run_id, source_key, urls[page_id], "lifecycle", [ATTEMPTS_EXHAUSTED],
             json.dumps({"attempts": attempts - 1, "state": state, "limit": settings.max_page_attempts}))
            for page_id, attempts, state in exhausted])
    live = [page_id for page_id, attempts, _state, _owner in claimed if attempts <= settings.max_page_attempts]
    if live:
        cur.execute(db.query("restage_claimed_pages"), {"run_id": run_id, "ids": live})
    return {"claimed": len(live), "adopted": sum(1 for *_, owner in claimed if owner != run_id),
            "attempts_exhausted": len(exhausted)}


def forget_unfinished_crawls(cur, run_id: int, source_key: str) -> int:
    """Drop the conditional-GET validators that dead runs whose crawl never finished may have saved without the
    pages their documents listed (a killed Scrapy process), so this run reads those documents in full.
    Returns how many were dropped."""
    cur.execute(db.query("forget_unfinished_crawls"), {"lease_class": LEASE_CLASS, "run_id": run_id,
                                                       "source_key": source_key})
    return cur.fetchone()[0]


def quarantine(cur, rows, *, extractor_version: str | None = None) -> int:
    """Quarantine pages: rows of (raw_page_id, crawl_run_id, source_key, url, stage, reasons, details JSON).

    The page's state becomes ``quarantined`` (terminal: its staged copy, if any, is dropped), and an article
    the page stood for is withdrawn (its story's aggregates are refreshed). Returns the articles withdrawn.
    """
    from akhbar import stories

    rows = list(rows)
    if not rows:
        return 0
    ids = [row[0] for row in rows]
    db.execute_values(cur, "upsert_quarantine", rows, page_size=1000)
    cur.execute(db.query("unstage_pages"), {"ids": ids})
    cur.execute(db.query("set_raw_page_status"), {"status": "quarantined", "extractor_version": extractor_version,
                                                  "ids": ids})
    cur.execute(db.query("withdraw_articles"), {"ids": ids})
    withdrawn, touched = cur.fetchone()
    stories.refresh(cur, set(touched))
    return withdrawn


def standing_articles(cur, page_ids) -> set[int]:
    """Of these pages, the ones an article stands on now."""
    cur.execute(db.query("pages_with_articles"), {"ids": list(page_ids)})
    return {page_id for (page_id,) in cur.fetchall()}


def set_state(cur, page_ids, state: str, extractor_version: str | None = None) -> None:
    """Move pages to a non-quarantine state (quarantine goes through :func:`quarantine`)."""
    assert state != "quarantined", "use lifecycle.quarantine"
    if page_ids:
        cur.execute(db.query("set_raw_page_status"), {"status": state, "extractor_version": extractor_version,
                                                      "ids": list(page_ids)})


def open_pages(settings: Settings, source_key: str) -> list[tuple[str, int, int]]:
    """The source's pages in flight as (state, owning run, pages): empty once every run of it is done."""
    with db.transaction(db.database_url(settings)) as cur:
        cur.execute(db.query("open_pages"), {"source_key": source_key})
        return cur.fetchall()

"""Keeping the corpus healthy: re-parsing history, raw HTML retention, VACUUM/ANALYZE.

The ``akhbar_maintenance`` DAG runs these daily; ``akhbar maintenance ...`` runs them by hand. Each one is safe
to repeat.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from akhbar import db
from akhbar.config import Settings

log = logging.getLogger(__name__)


def version_key(version: str) -> tuple:
    """Order extractor versions: ``0.10.0`` after ``0.9.1``; a non-numeric part sorts before numbers."""
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in re.split(r"[.\-+]", version))


def is_older(version: str, current: str) -> bool:
    return version_key(version) < version_key(current)


def reparse_candidates(settings: Settings) -> dict[str, dict[str, int]]:
    """Pages that could be re-parsed, as {source: {extractor version: pages}}."""
    with db.transaction(db.database_url(settings)) as cur:
        cur.execute(db.query("reparse_candidates"))
        rows = cur.fetchall()
    found: dict[str, dict[str, int]] = {}
    for source_key, version, pages in rows:
        found.setdefault(source_key, {})[version] = pages
    return found


def _process_again(settings: Settings, source_key: str, run_label: str, reset_query: str, params: dict) -> dict:
    """Send stored pages of a source back to ``pending`` with ``reset_query`` (which returns pages reset and
    quarantine verdicts dropped), then parse, validate and load them in one new crawl run labelled
    ``run_label``, from their raw HTML. Returns the run's counts."""
    from akhbar import pipeline
    from akhbar.pipeline import lifecycle

    run_id = pipeline.start_run(settings, source_key, run_label=run_label)
    with lifecycle.lease(settings, run_id):  # the pages it resets are its own while it lives
        with db.step_transaction(settings, "reparse") as cur:
            cur.execute(db.query(reset_query), params | {"run_id": run_id})
            pages_reset, quarantine_dropped = cur.fetchone()
        counts = {"run_id": run_id, "pages_reset": pages_reset, "quarantine_dropped": quarantine_dropped}
        if pages_reset:
            # Only the pages it reset: the source's own runs keep theirs, and adopt these should it die.
            counts |= pipeline.parse(settings, run_id, adopt=False)
            counts |= pipeline.validate(settings, run_id)
            counts |= pipeline.load(settings, run_id)
    return counts


def reparse_outdated(settings: Settings, run_label: str, current_version: str | None = None) -> dict:
    """Re-parse stored raw pages whose extractor version is older than the current one, without re-crawling.

    For each source with such pages, the pages go back to ``pending`` and one crawl run labelled
    ``reparse:<run_label>`` parses, validates and loads them: articles are UPSERTed in place, and pages that
    now fail are quarantined with fresh reasons. Returns counts per source.
    """
    import transforms

    current = current_version or transforms.EXTRACTOR_VERSION
    result: dict[str, dict] = {}
    for source_key, versions in reparse_candidates(settings).items():
        older = sorted((v for v in versions if is_older(v, current)), key=version_key)
        if not older:
            continue
        counts = _process_again(settings, source_key, f"reparse:{run_label}", "reset_pages_for_reparse",
                                {"source_key": source_key, "versions": older})
        counts["from_versions"] = older
        log.info("re-parsed %s with extractor %s: %s", source_key, current, counts)
        result[source_key] = counts
    return result


def retry_quarantined(settings: Settings, source_key: str, run_label: str, reason: str | None = None) -> dict:
    """Parse, validate and load again a source's pages that were quarantined when parsed or validated, from
    their stored raw HTML, without re-crawling: for instance the pages a failed source gate held back
    (``reason="source_gate_failed"``) once the site is healthy again. Pages that still fail are quarantined
    again with fresh reasons, and a source gate that still fails raises as in a scheduled run.

    The pages go back to ``pending`` and one crawl run labelled ``retry:<run_label>`` takes them. Returns its
    counts.
    """
    counts = _process_again(settings, source_key, f"retry:{run_label}", "reset_quarantined_pages",
                            {"source_key": source_key, "reason": reason})
    log.info("retried %s quarantined page(s) of %s%s: %s", counts["pages_reset"], source_key,
             f" ({reason})" if reason else "", counts)
    return counts


def purge_raw_html(settings: Settings, as_of: datetime, days: int | None = None) -> dict:
    """Drop the HTML of finished raw pages fetched more than ``days`` before ``as_of``; metadata stays.

    ``as_of`` is the run's logical time, not the clock, so a re-run purges the same pages. ``days`` defaults
    to ``settings.raw_retention_days``; 0 or less keeps everything.
    """
    days = settings.raw_retention_days if days is None else days
    if days <= 0:
        return {"retention_days": days, "bodies_purged": 0}
    cutoff = as_of - timedelta(days=days)
    with db.transaction(db.database_url(settings)) as cur:
        cur.execute(db.query("purge_raw_bodies"), {"cutoff": cutoff, "purged_at": as_of})
        purged = cur.rowcount
    return {"retention_days": days, "cutoff": cutoff.isoformat(), "bodies_purged": purged}


def vacuum_analyze(settings: Settings) -> dict:
    """VACUUM (ANALYZE) the database: space back from purged bodies and replaced rows, fresh statistics."""
    conn = db.connect(db.database_url(settings), application_name="akhbar-maintenance")
    try:
        conn.autocommit = True  # VACUUM cannot run inside a transaction
        with conn.cursor() as cur:
            cur.execute(db.query("vacuum_analyze"))
    finally:
        conn.close()
    return {"vacuumed": True}

"""Crawl runs: registering a source, opening a run, reading it back, recording its status and counts."""

from __future__ import annotations

import json

from akhbar import db
from akhbar.config import Settings
from akhbar.sources import Source, get_source


def set_status(cur, run_id: int, status: str, stats: dict, error: str | None = None) -> None:
    cur.execute(
        db.query("set_crawl_run_status"),
        {"run_id": run_id, "status": status, "stats": json.dumps(stats), "error": error},
    )


def register_source(cur, source: Source) -> None:
    config = {
        "country": source.country,
        "locale": source.locale,
        "feeds": list(source.feeds),
        "allowed_domains": list(source.allowed_domains),
        "schedule": source.schedule,
        "extractor": source.extractor,
    }
    cur.execute(
        db.query("upsert_source"),
        {
            "key": source.key,
            "name": source.name,
            "home_url": source.home_url,
            "time_zone": source.time_zone,
            "language": source.language,
            "config": json.dumps(config, ensure_ascii=False),
        },
    )


def start_run(settings: Settings, source_key: str, run_label: str | None = None) -> int:
    """Register the source and open a crawl run (the same ``run_label`` reuses its run). Validators that a
    killed crawl of the source left behind are forgotten (``lifecycle.forget_unfinished_crawls``)."""
    from akhbar.pipeline import lifecycle

    source = get_source(settings, source_key)
    with db.transaction(db.database_url(settings)) as cur:
        register_source(cur, source)
        cur.execute(db.query("start_crawl_run"), {"source_key": source.key, "run_label": run_label})
        (run_id,) = cur.fetchone()
        lifecycle.forget_unfinished_crawls(cur, run_id, source.key)
    return run_id


def get_run(url: str, run_id: int) -> dict:
    with db.transaction(url) as cur:
        cur.execute(db.query("get_crawl_run"), {"run_id": run_id})
        row = cur.fetchone()
        if row is None:
            raise LookupError(f"no crawl run {run_id}")
        cols = [c.name for c in cur.description]
    return dict(zip(cols, row))


def quarantine_row(run_id, source_key, page_id, url, stage, reasons, details):
    """A row of ``upsert_quarantine``."""
    return (page_id, run_id, source_key, url, stage, reasons, json.dumps(details, ensure_ascii=False))

"""What the Sources pages show, read from PostgreSQL in read-only transactions.

Every query is a named file in ``sql/queries/ui_*.sql``; this module binds parameters and shapes rows into
plain dicts (the JSON API returns them as they are).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime

from akhbar import db
from akhbar.config import Settings
from akhbar.sources import load_registry

SPARK_DAYS = 14
PLOT_DAYS = 30
LATEST = 20

VERDICTS = ("healthy", "empty", "stale", "blocked", "broken_extractor", "unreachable")
# The Sources table lists what needs a person first: red verdicts, then stale, empty, healthy, never judged.
_ATTENTION = {"blocked": 0, "broken_extractor": 0, "unreachable": 0, "stale": 1, "empty": 2, "healthy": 3}


@contextlib.contextmanager
def read_only(settings: Settings) -> Iterator:
    """A cursor in a read-only transaction with short timeouts. The UI never starts an embedded database:
    without a configured one it says so."""
    if not settings.database_url:
        raise db.DatabaseUnavailable("AKHBAR_DATABASE_URL is not set for the Airflow API server")
    conn = db.connect(settings.database_url, application_name="akhbar-ui")
    try:
        conn.set_session(readonly=True)
        with conn, conn.cursor() as cur:
            cur.execute(db.query("ui_session"))
            yield cur
    finally:
        conn.close()


def _rows(cur) -> list[dict]:
    names = [c.name for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _iso(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def jsonable(row: dict) -> dict:
    return {k: ([_iso(x) for x in v] if isinstance(v, list) else _iso(v)) for k, v in row.items()}


def sources_table(settings: Settings) -> list[dict]:
    """One row per registry source: red verdicts first, then stale, empty, healthy and never judged; registry
    order within each."""
    registry = load_registry(settings)
    with read_only(settings) as cur:
        cur.execute(db.query("ui_sources"), {"keys": list(registry), "days": SPARK_DAYS})
        rows = _rows(cur)
    for row in rows:
        source = registry[row["source_key"]]
        row["name"] = row["name"] or source.name
        row["country"] = source.country
        row["dag_id"] = f"akhbar_{source.key}"
        fetched = row["pages_fetched_7d"]
        row["quarantine_rate"] = round(row["pages_quarantined_7d"] / fetched, 3) if fetched else None
        if row["second_opinion_rate"] is not None:
            row["second_opinion_rate"] = float(row["second_opinion_rate"])
    return sorted(rows, key=lambda r: _ATTENTION.get(r["health"], 4))


def source_detail(settings: Settings, key: str) -> dict:
    """Everything a source's page shows. Raises KeyError for a key not in the registry."""
    registry = load_registry(settings)
    source = registry[key]
    params = {"key": key, "days": PLOT_DAYS, "limit": LATEST}
    with read_only(settings) as cur:
        cur.execute(db.query("ui_sources"), {"keys": [key], "days": SPARK_DAYS})
        (summary,) = _rows(cur)
        cur.execute(db.query("ui_source_daily"), params)
        daily = _rows(cur)
        cur.execute(db.query("ui_source_quarantine_daily"), params)
        quarantine_daily = _rows(cur)
        cur.execute(db.query("ui_source_outcomes"), params)
        outcomes = _rows(cur)
        cur.execute(db.query("ui_source_latest_articles"), params)
        articles = _rows(cur)
        cur.execute(db.query("ui_source_latest_quarantine"), params)
        quarantined = _rows(cur)
    summary["name"] = summary["name"] or source.name
    summary["dag_id"] = f"akhbar_{key}"
    fetched = summary["pages_fetched_7d"]
    summary["quarantine_rate"] = round(summary["pages_quarantined_7d"] / fetched, 3) if fetched else None
    reasons: dict[str, dict[date, int]] = defaultdict(dict)
    for row in quarantine_daily:
        reasons[row["reason"]][row["day"]] = row["pages"]
    return {
        "source": source,
        "summary": summary,
        "days": [row["day"] for row in daily],
        "articles_per_day": [row["articles"] for row in daily],
        "quarantine_by_reason": dict(reasons),
        "outcomes": outcomes,
        "articles": articles,
        "quarantined": quarantined,
    }

"""The pipeline steps that both the CLI and the Airflow DAGs call.

    start_run -> crawl -> parse -> validate -> load

Each step takes the Settings and a crawl run id, works on what the database holds for that run, and returns
counts. Steps are safe to repeat: every write is an UPSERT on a natural key, and each step's writes are one
transaction.

The package holds one module per step, in the data's order: ``runs`` (a crawl run's record), ``crawling``,
``parsing``, ``validation``, ``loading`` and ``summary``.
"""

from __future__ import annotations

from akhbar.config import Settings
from akhbar.pipeline.crawling import CrawlFailed, crawl
from akhbar.pipeline.loading import (
    PARALLEL_LOAD_PAGES,
    LoadResult,
    analyze_staging,
    cluster_stories,
    load,
    load_staged,
)
from akhbar.pipeline.parsing import parse, stage_extracted
from akhbar.pipeline.runs import get_run, register_source, start_run
from akhbar.pipeline.summary import RunSummary, summarize
from akhbar.pipeline.validation import validate, validation_frame

__all__ = [
    "PARALLEL_LOAD_PAGES",
    "CrawlFailed",
    "LoadResult",
    "RunSummary",
    "analyze_staging",
    "cluster_stories",
    "crawl",
    "get_run",
    "load",
    "load_staged",
    "parse",
    "register_source",
    "run_source",
    "stage_extracted",
    "start_run",
    "summarize",
    "validate",
    "validation_frame",
]


def run_source(settings: Settings, source_key: str, run_label: str | None = None) -> RunSummary:
    """The whole job for one source: crawl, parse, validate, load."""
    run_id = start_run(settings, source_key, run_label)
    crawl(settings, run_id)
    parse(settings, run_id)
    validate(settings, run_id)
    load(settings, run_id)
    return summarize(settings, run_id)

"""The pipeline steps that both the CLI and the Airflow DAGs call.

    start_run -> crawl -> parse -> validate -> load

Each step takes the Settings and a crawl run id, works on what the database holds for that run, and returns
counts. Steps are safe to repeat: every write is an UPSERT on a natural key, and each step's writes are one
transaction.

The package holds one module per step, in the data's order: ``runs`` (a crawl run's record), ``crawling``,
``parsing``, ``validation``, ``loading`` and ``summary``; ``streaming`` runs the steps of ``akhbar run``
overlapping (the Airflow DAGs run them one task after the other); ``lifecycle`` owns the state of every raw
page (the claim, the adoption of a dead run's pages, the terminal states) and ``health`` gives each run its
verdict.
"""

from __future__ import annotations

import psycopg2

from akhbar.config import Settings
from akhbar.db import DatabaseUnavailable
from akhbar.pipeline import health, lifecycle
from akhbar.pipeline.crawling import CrawlFailed, crawl
from akhbar.pipeline.loading import (
    LoadResult,
    analyze_staging,
    cluster_stories,
    load,
    load_batches,
    load_staged,
)
from akhbar.pipeline.parsing import parse, stage_extracted, staged_row
from akhbar.pipeline.runs import get_run, register_source, start_run
from akhbar.pipeline.streaming import StreamingRun, Watch
from akhbar.pipeline.summary import RunSummary, summarize
from akhbar.pipeline.validation import validate, validation_frame

__all__ = [
    "CrawlFailed",
    "LoadResult",
    "RunSummary",
    "StepInterrupted",
    "StreamingRun",
    "analyze_staging",
    "cluster_stories",
    "crawl",
    "get_run",
    "health",
    "lifecycle",
    "load",
    "load_batches",
    "load_staged",
    "parse",
    "register_source",
    "run_source",
    "stage_extracted",
    "staged_row",
    "start_run",
    "summarize",
    "validate",
    "validation_frame",
]


class StepInterrupted(RuntimeError):
    """The database went away in the middle of a step. Nothing is half-written (each write is one
    transaction) and nothing is stranded (the next run adopts the run's pages): running again finishes it.
    The message is one line, naming the source, the run and the step."""

    def __init__(self, source_key: str, run_id: int | None, step: str, cause: BaseException):
        reason = " ".join(str(cause).split()) or cause.__class__.__name__
        run = f" (run {run_id})" if run_id is not None else ""
        super().__init__(f"lost the database during {step} of {source_key}{run}: {reason[:200]}; "
                         f"run `akhbar run {source_key}` again to finish it")
        self.step = step


# What losing the server looks like in psycopg2: OperationalError when a statement or a connection attempt
# fails, InterfaceError ("connection already closed") when a transaction's connection is gone at its end.
DATABASE_LOST = (DatabaseUnavailable, psycopg2.OperationalError, psycopg2.InterfaceError)


def run_source(settings: Settings, source_key: str, run_label: str | None = None,
               watch: Watch | None = None, scrapy_settings: dict | None = None) -> RunSummary:
    """The whole job for one source: crawl, parse, validate and load with the steps overlapping (parsing,
    judging and loading start on the first pages while the crawl still fetches: see ``streaming``), then the
    run's health verdict.

    The run's lease is held throughout, so no other run adopts its pages while it lives. Losing the database
    raises :class:`StepInterrupted` naming the step. ``watch(stage, event, counts)``, when given, hears each
    stage's progress and totals (the CLI draws progress with it); ``scrapy_settings`` overrides Scrapy settings
    for the crawl (a benchmark's). The summary's ``seconds`` holds the time of each phase.
    """
    step, run_id = "start", None
    streaming = None
    try:
        run_id = start_run(settings, source_key, run_label)
        with lifecycle.lease(settings, run_id):
            streaming = StreamingRun(settings, run_id, watch, scrapy_settings)
            seconds = streaming.run()
            step = "report"
            health.judge_and_record(settings, run_id)
            summary = summarize(settings, run_id)
            summary.seconds = seconds
            return summary
    except DATABASE_LOST as exc:
        if streaming is not None and step != "report":
            step = streaming.step
        raise StepInterrupted(source_key, run_id, step, exc) from exc

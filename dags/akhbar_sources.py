"""One DAG per registry source: crawl -> parse -> validate -> load -> report, and announce when articles loaded.

Each source is its own lane in the UI (paused, retried and scheduled on its own). This file only describes
order and schedule; the work is in ``akhbar.airflow_tasks`` and ``akhbar.pipeline``, imported when a task
runs. XCom carries only the crawl run id and counts. ``announce`` updates the ``akhbar://articles`` asset, only
when the load wrote articles (it is skipped otherwise). ``report`` gives the run its health verdict.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task

from akhbar import airflow_tasks
from akhbar.config import load_settings

ARTICLES = Asset(airflow_tasks.ARTICLES_ASSET_URI)
_settings = load_settings()

# 1, 2, 4 minutes between tries, at most 30.
DEFAULT_ARGS = airflow_tasks.default_args(3, timedelta(minutes=1), timedelta(minutes=30))


def build_source_dag(source):
    @dag(
        dag_id=f"akhbar_{source.key}",
        description=f"{source.name}: crawl, parse, validate, load",
        schedule=source.schedule,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        tags=["akhbar", source.country],
        doc_md=airflow_tasks.source_doc_md(source),
        default_args=DEFAULT_ARGS,
    )
    def source_pipeline():
        @task(pool=airflow_tasks.pool_name(source.key),
              execution_timeout=airflow_tasks.crawl_task_timeout(_settings))
        def crawl(**context) -> dict:
            return airflow_tasks.crawl(load_settings(), source.key, run_label=airflow_tasks.run_label(context))

        @task(execution_timeout=timedelta(minutes=30))
        def parse(crawled: dict) -> dict:
            return airflow_tasks.parse(load_settings(), crawled["run_id"])

        @task(execution_timeout=timedelta(minutes=30))
        def validate(parsed: dict) -> dict:
            return airflow_tasks.validate(load_settings(), parsed["run_id"])

        @task(execution_timeout=timedelta(minutes=30))
        def load(validated: dict) -> dict:
            return airflow_tasks.load(load_settings(), validated["run_id"])

        @task(execution_timeout=timedelta(minutes=5))
        def report(loaded: dict) -> dict:
            return airflow_tasks.report(load_settings(), loaded["run_id"])

        @task(execution_timeout=timedelta(minutes=5), outlets=[ARTICLES])
        def announce(loaded: dict) -> dict:
            return airflow_tasks.announce_articles(loaded)

        loaded = load(validate(parse(crawl())))
        report(loaded)
        announce(loaded)

    return source_pipeline()


for _source in airflow_tasks.dag_sources(_settings):
    globals()[f"akhbar_{_source.key}"] = build_source_dag(_source)

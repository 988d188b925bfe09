"""One DAG per registry source: crawl -> parse -> validate -> load.

The file only describes order and schedule. Logic lives in ``akhbar.pipeline``; heavy imports happen inside
the tasks, and XCom carries only the crawl run id and counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task

from akhbar.config import load_settings
from akhbar.sources import load_registry


def build_source_dag(source):
    @dag(
        dag_id=f"akhbar_{source.key}",
        schedule=source.schedule,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        tags=["akhbar", source.country],
        doc_md=f"**{source.name}** (`{source.key}`): feeds {', '.join(source.feeds)}; time zone {source.time_zone}.",
        default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True},
    )
    def source_pipeline():
        @task(execution_timeout=timedelta(hours=1))
        def crawl(**context) -> dict:
            from akhbar import pipeline

            settings = load_settings()
            run_id = pipeline.start_run(settings, source.key, run_label=context["run_id"])
            return {"run_id": run_id, **pipeline.crawl(settings, run_id)}

        @task(execution_timeout=timedelta(minutes=30))
        def parse(crawled: dict) -> dict:
            from akhbar import pipeline

            return {"run_id": crawled["run_id"], **pipeline.parse(load_settings(), crawled["run_id"])}

        @task(execution_timeout=timedelta(minutes=30))
        def validate(parsed: dict) -> dict:
            from akhbar import pipeline

            return {"run_id": parsed["run_id"], **pipeline.validate(load_settings(), parsed["run_id"])}

        @task(execution_timeout=timedelta(minutes=30))
        def load(validated: dict) -> dict:
            from akhbar import pipeline

            return {"run_id": validated["run_id"], **pipeline.load(load_settings(), validated["run_id"])}

        load(validate(parse(crawl())))

    return source_pipeline()


for _source in load_registry(load_settings()).values():
    globals()[f"akhbar_{_source.key}"] = build_source_dag(_source)

"""Daily upkeep: re-parse history with the current extractor, raw HTML retention, VACUUM/ANALYZE.

The work is in ``akhbar.maintenance``. Re-parsing changes articles, so ``announce`` updates the
``akhbar://articles`` asset like a source DAG's does, and is skipped when the re-parse loaded no article.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task

from akhbar import airflow_tasks
from akhbar.config import load_settings


@dag(
    dag_id="akhbar_maintenance",
    description="re-parse outdated pages, purge old raw HTML, VACUUM/ANALYZE",
    schedule="30 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["akhbar", "maintenance"],
    doc_md=(
        "### akhbar maintenance\n\n"
        "1. `reparse`: raw pages last parsed by an extractor older than `transforms.EXTRACTOR_VERSION` are "
        "parsed, validated and loaded again from the stored HTML (no re-crawl), one crawl run per source "
        "labelled `reparse:<run id>`.\n"
        "2. `purge_raw_html`: the HTML of finished pages fetched more than `AKHBAR_RAW_RETENTION_DAYS` days "
        "before the run's logical date is dropped; the rest of each row stays (0 keeps everything).\n"
        "3. `vacuum_analyze`: `VACUUM (ANALYZE)` of the articles database.\n"
    ),
    default_args=airflow_tasks.default_args(2, timedelta(minutes=5), timedelta(hours=1)),
)
def akhbar_maintenance():
    @task(execution_timeout=timedelta(hours=3))
    def reparse(**context) -> dict:
        from akhbar import maintenance

        result = maintenance.reparse_outdated(load_settings(), run_label=context["run_id"])
        return {key: {k: v for k, v in counts.items() if k != "from_versions"} for key, counts in result.items()}

    @task(execution_timeout=timedelta(hours=1))
    def purge_raw_html(**context) -> dict:
        from akhbar import maintenance

        as_of = context.get("logical_date") or context.get("data_interval_end") or context["run_after"]
        return maintenance.purge_raw_html(load_settings(), as_of=as_of)

    @task(execution_timeout=timedelta(hours=2))
    def vacuum_analyze() -> dict:
        from akhbar import maintenance

        return maintenance.vacuum_analyze(load_settings())

    @task(execution_timeout=timedelta(minutes=5), outlets=[Asset(airflow_tasks.ARTICLES_ASSET_URI)])
    def announce(reparsed: dict) -> dict:
        loaded = sum(counts.get("articles_loaded", 0) for counts in reparsed.values())
        return airflow_tasks.announce_articles({"run_id": None, "articles_loaded": loaded})

    reparsed = reparse()
    announce(reparsed)
    reparsed >> purge_raw_html() >> vacuum_analyze()


akhbar_maintenance()

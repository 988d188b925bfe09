"""Stories across sources: runs whenever a source DAG (its ``announce`` task, after a load that wrote articles) or
the maintenance re-parse updates the articles asset.

Each load already clusters its own pages; this DAG clusters whatever has no story yet and refreshes the
stories whose members changed. The work is ``akhbar.pipeline.cluster_stories`` (in ``akhbar/pipeline/loading.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task

from akhbar import airflow_tasks
from akhbar.config import load_settings


@dag(
    dag_id="akhbar_stories",
    description="cluster new articles into cross-source stories",
    schedule=[Asset(airflow_tasks.ARTICLES_ASSET_URI)],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["akhbar", "stories"],
    doc_md=(
        "### akhbar stories\n\n"
        "Triggered by the `akhbar://articles` asset, which a source DAG's `announce` (after a load that wrote "
        "articles) and the maintenance re-parse update. Gives each article that has none a reprint group (copies of one text, by "
        "shingle containment) and an event story (other outlets' write-ups of the same event within 48 h, by "
        "the learned scorer in `akhbar/story_scorer.json`), and refreshes the aggregates of stories whose "
        "members changed. See `v_stories`, `v_story_outlets` and `v_story_members` for the result."
    ),
    default_args=airflow_tasks.default_args(2, timedelta(minutes=2), timedelta(minutes=30)),
)
def akhbar_stories():
    @task(execution_timeout=timedelta(hours=1))
    def cluster() -> dict:
        from akhbar import pipeline

        return pipeline.cluster_stories(load_settings())

    cluster()


akhbar_stories()

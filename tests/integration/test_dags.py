"""Airflow: every DAG imports, and the demo source's DAG runs end to end with dag.test()."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def airflow_db():
    # A temporary SQLite metadata DB (AIRFLOW_HOME is set in conftest.py).
    subprocess.run([str(Path(sys.executable).parent / "airflow"), "db", "migrate"], check=True,
                   capture_output=True, timeout=300)


@pytest.fixture(scope="session")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags"))


def test_dags_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "akhbar_demo" in dagbag.dags
    dag = dagbag.dags["akhbar_demo"]
    assert [t.task_id for t in dag.topological_sort()] == ["crawl", "parse", "validate", "load"]
    assert "akhbar" in dag.tags
    assert all(t.retries >= 1 for t in dag.tasks)


def test_demo_dag_runs_end_to_end(airflow_db, dagbag, settings, query, monkeypatch):
    monkeypatch.setenv("AKHBAR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AKHBAR_DEMO_PORT", str(settings.demo_port))
    dag = dagbag.dags["akhbar_demo"]
    run = dag.test()
    assert str(run.state) in ("success", "DagRunState.SUCCESS"), run.state
    (articles,), = query("SELECT count(*) FROM articles")
    assert articles == 7
    (runs,), = query("SELECT count(*) FROM crawl_runs WHERE status = 'loaded' AND run_label IS NOT NULL")
    assert runs == 1

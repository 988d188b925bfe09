"""Which sources get a DAG: one broken registry entry, or an unknown key in AKHBAR_DAG_SOURCES, is one import
error naming it while every other source keeps its DAG; a task without a database URL refuses the embedded
PostgreSQL; the crawl task's timeout outlasts the crawl's own limits."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from test_dags import ROOT, _dagbag, _state, _task_states, airflow_db, dagbag  # noqa: F401 (fixtures)


def test_the_crawl_task_outlasts_the_crawls_budget_close_grace_and_signals(dagbag):  # noqa: F811
    from akhbar.airflow_tasks import dag_sources
    from akhbar.config import load_settings

    settings = load_settings()
    for source in dag_sources(settings):
        crawl = dagbag.dags[f"akhbar_{source.key}"].task_dict["crawl"]
        assert crawl.execution_timeout.total_seconds() == settings.crawl_timeout + 2 * settings.crawl_close_grace + 60


BROKEN_ENTRY = """
[[source]]
key = "typo_site"
name = "an entry with a typo in a field name"
country = "EG"
time_zone = "Africa/Cairo"
home_url = "https://typo.example/"
allowed_domains = ["typo.example"]
feeds = ["https://typo.example/rss"]
max_page = 50
"""


def test_one_broken_registry_entry_is_one_import_error_and_every_other_source_keeps_its_dag(tmp_path, monkeypatch):
    from akhbar.config import Settings
    from akhbar.sources import DEFAULT_REGISTRY, load_registry

    shipped = sorted(load_registry(Settings()))
    registry = tmp_path / "sources.toml"
    registry.write_text(DEFAULT_REGISTRY.read_text(encoding="utf-8") + BROKEN_ENTRY, encoding="utf-8")
    monkeypatch.setenv("AKHBAR_SOURCES_FILE", str(registry))
    monkeypatch.setenv("AKHBAR_DAG_SOURCES", "all")

    bag = _dagbag()

    assert set(bag.dags) == {f"akhbar_{key}" for key in shipped} | {"akhbar_maintenance", "akhbar_stories"}
    assert len(shipped) >= 17
    assert list(bag.import_errors) == [str(ROOT / "dags" / "akhbar_registry.py")]
    (error,) = bag.import_errors.values()
    assert "1 source(s) got no DAG" in error
    assert f"source #{len(shipped) + 1} ('typo_site'): unknown field(s) max_page" in error


def test_an_unknown_key_in_dag_sources_is_an_import_error_and_the_known_keys_keep_their_dags(monkeypatch):
    monkeypatch.setenv("AKHBAR_DAG_SOURCES", "demo,mirror_sham,no_such_site")

    bag = _dagbag()

    assert set(bag.dags) == {"akhbar_demo", "akhbar_mirror_sham", "akhbar_maintenance", "akhbar_stories"}
    (error,) = bag.import_errors.values()
    assert "AKHBAR_DAG_SOURCES names unknown source(s) no_such_site; known: " in error


@pytest.mark.slow
def test_a_task_without_a_database_url_refuses_the_embedded_database(airflow_db, dagbag, tmp_path,  # noqa: F811
                                                                     monkeypatch, caplog):
    monkeypatch.delenv("AKHBAR_DATABASE_URL", raising=False)
    monkeypatch.setenv("AKHBAR_DATA_DIR", str(tmp_path / "data"))
    dag = dagbag.dags["akhbar_demo"]
    dag.task_dict["crawl"].retries = 0

    with caplog.at_level(logging.ERROR):
        run = dag.test(logical_date=datetime(2026, 3, 4, tzinfo=UTC))

    assert _state(run.state) == "failed"
    assert _task_states(run)["crawl"][0] == "failed"
    assert not (tmp_path / "data").exists()  # no embedded server was started, not even its directory
    summaries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("akhbar FAILED")]
    assert any("source=demo task=crawl" in line and "DatabaseUnavailable: AKHBAR_DATABASE_URL is not set for the "
               "Airflow task akhbar_demo.crawl: the embedded PostgreSQL is refused" in line
               for line in summaries), summaries

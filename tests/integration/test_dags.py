"""Airflow: every DAG imports fast and clean, and source DAGs run end to end with dag.test() on real Postgres."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).parent / "airflow")
TEST_SOURCES = ["broken", "mirror_blocked", "mirror_redesign"]  # registry keys that only these tests define
SOURCE_TASKS = ["crawl", "parse", "validate", "load", "report", "announce"]


@pytest.fixture(scope="session")
def airflow_db(tmp_path_factory):
    """Airflow's metadata DB (a temporary SQLite file, see conftest.py) migrated, with the crawl pools."""
    from akhbar.airflow_tasks import pool_name, pools
    from akhbar.config import Settings

    subprocess.run([AIRFLOW, "db", "migrate"], check=True, capture_output=True, timeout=300)
    wanted = pools(Settings())
    for key in TEST_SOURCES:
        wanted[pool_name(key)] = {"slots": 1, "description": f"test source {key}", "include_deferred": False}
    path = tmp_path_factory.mktemp("pools") / "pools.json"
    path.write_text(json.dumps(wanted))
    subprocess.run([AIRFLOW, "pools", "import", str(path)], check=True, capture_output=True, timeout=120)


def _dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags"))


def _red_source_dag(key: str, settings, tmp_path, monkeypatch):
    """The DAG of one of the mirror's red sources (akhbar.mirror.RED_SOURCES_TOML), on the test database."""
    from akhbar.mirror import RED_SOURCES_TOML

    registry = tmp_path / "sources.toml"
    registry.write_text(RED_SOURCES_TOML, encoding="utf-8")
    monkeypatch.setenv("AKHBAR_SOURCES_FILE", str(registry))
    monkeypatch.setenv("AKHBAR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AKHBAR_DEMO_PORT", str(settings.demo_port))
    bag = _dagbag()
    assert bag.import_errors == {}
    return bag.dags[f"akhbar_{key}"]


@pytest.fixture(scope="session")
def dagbag():
    return _dagbag()


def _state(value) -> str:
    return getattr(value, "value", str(value))


def _task_states(run) -> dict[str, tuple[str, int]]:
    from airflow.utils.session import create_session

    with create_session() as session:
        return {ti.task_id: (_state(ti.state), ti.try_number) for ti in run.get_task_instances(session=session)}


def test_every_registry_source_has_a_dag_with_tags_retries_and_pool(dagbag):
    from akhbar.airflow_tasks import dag_sources, pool_name
    from akhbar.config import load_settings

    assert dagbag.import_errors == {}
    sources = dag_sources(load_settings())
    assert sources, "the registry has no source"
    assert set(dagbag.dags) == {f"akhbar_{s.key}" for s in sources} | {"akhbar_maintenance", "akhbar_stories"}
    for source in sources:
        dag = dagbag.dags[f"akhbar_{source.key}"]
        assert [t.task_id for t in dag.topological_sort()][:4] == ["crawl", "parse", "validate", "load"]
        assert {t.task_id: t.upstream_task_ids for t in dag.tasks if t.task_id in ("report", "announce")} == {
            "report": {"load"}, "announce": {"load"}}
        assert {"akhbar", source.country} <= set(dag.tags)
        assert dag.catchup is False and dag.max_active_runs == 1
        assert source.name in dag.doc_md and source.discovery_urls[0][1] in dag.doc_md
        for t in dag.tasks:
            assert t.retries >= 1 and t.retry_exponential_backoff > 1, t.task_id
            assert t.execution_timeout is not None, t.task_id
            assert t.on_failure_callback, t.task_id
        assert dag.task_dict["crawl"].pool == pool_name(source.key)
        assert [a.uri for a in dag.task_dict["announce"].outlets] == ["akhbar://articles/"]
        assert dag.task_dict["load"].outlets == []


def test_dag_files_import_in_under_0_3_s_beyond_airflow_and_import_nothing_heavy():
    # A fresh interpreter: Airflow's authoring API first, then each DAG file, timed on its own. CPU time of the
    # process, not wall time: the suite shares the machine's cores with other work, which stretches wall time
    # but not the work an import does (the scheduler re-parses these files all day: that work is the bound).
    probe = r"""
import importlib.util, json, sys, time
from pathlib import Path
from airflow.sdk import Asset, dag, task  # Airflow's own import, not counted
before = set(sys.modules)
timings = {}
for path in sorted(Path(sys.argv[1]).glob("*.py")):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    started = time.process_time()
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    timings[path.name] = time.process_time() - started
heavy = sorted(m for m in set(sys.modules) - before
               if m.split(".")[0] in {"psycopg2", "scrapy", "great_expectations", "pandas", "twisted", "lxml",
                                      "transforms", "yoyo", "pgserver", "dateparser"})
print(json.dumps({"timings": timings, "heavy": heavy}))
"""
    out = subprocess.run([sys.executable, "-c", probe, str(ROOT / "dags")], check=True, capture_output=True,
                         text=True, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(result)
    assert set(result["timings"]) == {"akhbar_sources.py", "akhbar_maintenance.py", "akhbar_stories.py",
                                      "akhbar_registry.py"}
    for name, seconds in result["timings"].items():
        assert seconds < 0.3, f"{name} took {seconds:.3f} s of CPU to import"
    assert result["heavy"] == []


def _asset_events() -> int:
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        return session.query(AssetEvent).count()


def _snapshot(query) -> dict:
    return {
        "articles": query("SELECT * FROM articles ORDER BY id"),
        "raw_pages": query("SELECT id, url_key, body_sha256, parse_status, extractor_version, crawl_run_id "
                           "FROM raw_pages ORDER BY id"),
        "quarantine": query("SELECT raw_page_id, stage, reasons FROM quarantine ORDER BY raw_page_id"),
        "crawl_runs": query("SELECT id, source_key, run_label, status FROM crawl_runs ORDER BY id"),
        "extracted_pages": query("SELECT count(*) FROM extracted_pages"),
    }


@pytest.mark.slow
def test_demo_dag_loads_articles_and_the_same_logical_date_twice_changes_nothing(
        airflow_db, dagbag, settings, query, monkeypatch):
    monkeypatch.setenv("AKHBAR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AKHBAR_DEMO_PORT", str(settings.demo_port))
    dag = dagbag.dags["akhbar_demo"]
    logical_date = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    events = _asset_events()

    first = dag.test(logical_date=logical_date)
    assert _state(first.state) == "success", _task_states(first)
    assert {task: state for task, (state, _) in _task_states(first).items()} == dict.fromkeys(SOURCE_TASKS, "success")
    (articles,), = query("SELECT count(*) FROM articles")
    assert articles == 7
    assert query("SELECT run_label, status, health FROM crawl_runs") == [
        (f"logical:{logical_date.isoformat()}", "loaded", "healthy")]
    assert _asset_events() == events + 1  # the stories DAG is told
    before = _snapshot(query)

    # Cleared and run again (the same logical date): the same verdicts, nothing changes, and a gate with
    # nothing new to judge does not count the run's earlier parse failures (6 pages) against an empty batch.
    second = dag.test(logical_date=logical_date)
    assert _state(second.state) == "success", _task_states(second)
    assert _task_states(second)["announce"][0] == "skipped"  # 0 articles loaded: no asset event
    assert _asset_events() == events + 1
    assert _snapshot(query) == before
    assert query("SELECT health FROM crawl_runs") == [("empty",)]


class _AlwaysFails(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        type(self).hits.append(self.path)
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"internal error")

    def log_message(self, *args):
        pass


@pytest.fixture
def failing_site():
    _AlwaysFails.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AlwaysFails)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_a_source_answering_500_fails_crawl_after_its_retries_and_loads_nothing(
        airflow_db, settings, query, failing_site, tmp_path, monkeypatch, caplog):
    registry = tmp_path / "sources.toml"
    registry.write_text(f"""
[[source]]
key = "broken"
name = "a mirror that answers 500 to everything"
country = "XX"
time_zone = "Africa/Cairo"
home_url = "{failing_site}/"
allowed_domains = ["127.0.0.1"]
feeds = ["{failing_site}/feed.xml"]
download_delay = 0.0
""", encoding="utf-8")
    monkeypatch.setenv("AKHBAR_SOURCES_FILE", str(registry))
    monkeypatch.setenv("AKHBAR_DATABASE_URL", settings.database_url)
    bag = _dagbag()
    assert bag.import_errors == {}
    dag = bag.dags["akhbar_broken"]
    crawl = dag.task_dict["crawl"]
    crawl.retries, crawl.retry_delay = 1, timedelta(0)  # the real backoff is minutes; the behaviour is the same

    with caplog.at_level(logging.ERROR):
        run = dag.test(logical_date=datetime(2026, 3, 2, tzinfo=UTC))

    assert _state(run.state) == "failed"
    states = _task_states(run)
    assert states["crawl"] == ("failed", 2)  # the first try and one retry
    assert {task: state for task, (state, _) in states.items() if task != "crawl"} == dict.fromkeys(
        ["parse", "validate", "load", "report", "announce"], "upstream_failed")
    assert sum(path == "/feed.xml" for path in _AlwaysFails.hits) >= 2  # asked again on the retry
    # Nothing half-loaded: no page, staging row, article or quarantine row; the run says why it failed.
    assert query("SELECT count(*) FROM raw_pages") == [(0,)]
    assert query("SELECT count(*) FROM extracted_pages") == [(0,)]
    assert query("SELECT count(*) FROM articles") == [(0,)]
    assert query("SELECT count(*) FROM quarantine") == [(0,)]
    [(status, error)] = query("SELECT status, error FROM crawl_runs WHERE source_key = 'broken'")
    assert status == "failed" and "crawl of broken could read none of its feeds" in error
    assert query("SELECT health, health_reason = error FROM crawl_runs WHERE source_key = 'broken'") == [
        ("unreachable", True)]
    assert "feed:http_5xx" in error
    summaries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("akhbar FAILED")]
    assert any("source=broken task=crawl" in line and "CrawlFailed" in line for line in summaries), summaries


@pytest.mark.slow
def test_a_source_whose_pages_all_fail_validation_fails_validate_naming_the_reason(
        airflow_db, dagbag, settings, query, monkeypatch, caplog):
    monkeypatch.setenv("AKHBAR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AKHBAR_DEMO_PORT", str(settings.demo_port))
    monkeypatch.setenv("AKHBAR_MIN_BODY_CHARS", "1000000")  # no real article is this long: every page fails
    dag = dagbag.dags["akhbar_demo"]
    assert dag.task_dict["validate"].retries == 3  # the real policy: the gate's failure is not retried anyway
    dag.task_dict["validate"].retry_delay = timedelta(0)  # (were it retried, the test would not wait minutes)

    with caplog.at_level(logging.ERROR):
        run = dag.test(logical_date=datetime(2026, 3, 3, tzinfo=UTC))

    states = _task_states(run)
    assert _state(run.state) == "failed", states
    assert states["validate"] == ("failed", 1), states  # one try: deterministic, so no retry
    assert states["load"][0] == "upstream_failed"
    assert query("SELECT count(*) FROM articles") == [(0,)]
    [(health, reason)] = query("SELECT health, health_reason FROM crawl_runs")
    assert health == "broken_extractor" and reason.startswith("demo: 100% of 9 pages failed")
    summaries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("akhbar FAILED")]
    assert any("source=demo task=validate" in line and "body_too_short" in line for line in summaries), summaries


@pytest.mark.slow
def test_maintenance_dag_reparses_purges_and_vacuums(airflow_db, dagbag, settings, query, monkeypatch):
    import transforms
    from akhbar import maintenance, pipeline

    pipeline.run_source(settings, "demo")
    monkeypatch.setenv("AKHBAR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AKHBAR_RAW_RETENTION_DAYS", "30")
    query("UPDATE raw_pages SET extractor_version = '0.0.1' WHERE extractor_version IS NOT NULL RETURNING id")
    [(newest_fetch,)] = query("SELECT max(fetched_at) FROM raw_pages")
    dag = dagbag.dags["akhbar_maintenance"]
    assert [a.uri for a in dag.task_dict["announce"].outlets] == ["akhbar://articles/"]
    assert dag.task_dict["reparse"].outlets == []
    events = _asset_events()

    run = dag.test(logical_date=newest_fetch + timedelta(days=31))

    assert _state(run.state) == "success", _task_states(run)
    assert _task_states(run)["announce"][0] == "success" and _asset_events() == events + 1
    assert query("SELECT count(*) FROM articles") == [(7,)]
    # Re-parsed: the loaded pages carry the current extractor version, through one 'reparse:' run ...
    assert query("SELECT count(*) FROM raw_pages WHERE parse_status = 'loaded' AND extractor_version = %s",
                 (transforms.EXTRACTOR_VERSION,)) == [(7,)]
    assert query("SELECT status, (stats->>'articles_loaded')::int FROM crawl_runs WHERE run_label LIKE 'reparse:%%'"
                 ) == [("loaded", 7)]
    # ... then purged (the newest page is 31 days older than the logical date), so nothing is left to re-parse.
    assert maintenance.reparse_candidates(settings) == {}
    assert query("SELECT count(*) FROM raw_pages WHERE body IS NOT NULL AND parse_status <> 'pending'") == [(0,)]
    # The next day there is nothing to re-parse: the stories DAG is not triggered.
    again = dag.test(logical_date=newest_fetch + timedelta(days=32))
    assert _state(again.state) == "success", _task_states(again)
    assert _task_states(again)["announce"][0] == "skipped" and _asset_events() == events + 1


@pytest.mark.slow
def test_stories_dag_is_triggered_by_the_articles_asset_and_clusters_what_has_no_story(
        airflow_db, dagbag, settings, query, monkeypatch):
    from akhbar.airflow_tasks import ARTICLES_ASSET_URI

    stories_dag = dagbag.dags["akhbar_stories"]
    # Scheduled on the asset that every source DAG's load task updates.
    # (Airflow normalizes the URI with a trailing slash.)
    assert [a.uri.rstrip("/") for a in stories_dag.timetable.asset_condition.objects] == [ARTICLES_ASSET_URI]
    load_outlets = [o.uri.rstrip("/") for o in dagbag.dags["akhbar_demo"].task_dict["announce"].outlets]
    assert load_outlets == [ARTICLES_ASSET_URI]

    monkeypatch.setenv("AKHBAR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AKHBAR_DEMO_PORT", str(settings.demo_port))
    source_run = dagbag.dags["akhbar_demo"].test(logical_date=datetime(2026, 3, 3, tzinfo=UTC))
    assert _state(source_run.state) == "success", _task_states(source_run)
    clustered = query("SELECT count(*) FROM article_stories")
    assert clustered == [(7,)]  # the load clustered its own pages

    # History that lost its stories (as after a re-parse of old pages) is what the stories DAG picks up.
    query("INSERT INTO story_queue (article_id, content_hash) SELECT id, content_hash FROM articles RETURNING 1")
    query("DELETE FROM article_stories RETURNING 1")
    query("DELETE FROM stories RETURNING id")
    run = stories_dag.test(logical_date=datetime(2026, 3, 3, 1, tzinfo=UTC))
    assert _state(run.state) == "success", _task_states(run)
    assert query("SELECT count(*) FROM articles a WHERE NOT EXISTS"
                 " (SELECT FROM article_stories m WHERE m.article_id = a.id)") == [(0,)]
    (stories, members), = query("SELECT count(*), sum(member_count) FROM stories WHERE kind = 'event'")
    assert members == 7 and 1 <= stories <= 7
    assert query("SELECT count(*) FROM story_queue") == [(0,)]


@pytest.mark.slow
def test_a_mirror_source_that_blocks_every_article_page_turns_red_as_blocked(
        airflow_db, dagbag, settings, query, tmp_path, monkeypatch, caplog):
    """blocked.localhost (akhbar/mirror.py): the feed answers, every article page is a 403, a captcha page or
    a 429 for an hour. The run is red, at report, as blocked, naming the source; nothing loads, every page is
    quarantined with its reason, and the stories DAG is not triggered."""
    dag = _red_source_dag("mirror_blocked", settings, tmp_path, monkeypatch)
    assert dag.task_dict["report"].retries == 3
    dag.task_dict["report"].retry_delay = timedelta(0)
    events = _asset_events()

    with caplog.at_level(logging.ERROR):
        run = dag.test(logical_date=datetime(2026, 3, 4, tzinfo=UTC))

    states = _task_states(run)
    assert _state(run.state) == "failed", states
    assert {task: state for task, (state, _) in states.items()} == {
        "crawl": "success", "parse": "success", "validate": "success", "load": "success", "report": "failed",
        "announce": "skipped"}
    assert states["report"][1] == 1  # not retried
    assert _asset_events() == events
    [(status, health, reason)] = query("SELECT status, health, health_reason FROM crawl_runs")
    assert (status, health) == ("loaded", "blocked")
    assert reason == ("mirror_blocked: 6 of 6 article fetches were blocked (HTTP 403/429 or a captcha/anti-bot "
                      "page)")
    assert query("SELECT count(*) FROM articles") == [(0,)]
    # every fetched page is quarantined with its reason: 403 three times, the captcha page twice, the 429 once
    reasons = sorted((url.rsplit("/", 1)[-1], r) for url, r in query("SELECT url, reasons FROM quarantine"))
    assert reasons == [("b1", ["http_403"]), ("b2", ["http_403"]), ("b3", ["http_403"]), ("b4", ["blocked"]),
                       ("b5", ["blocked"]), ("b6", ["http_429"])]
    assert query("SELECT health, health_reason FROM v_source_health WHERE source_key = 'mirror_blocked'") == [
        ("blocked", reason)]
    summaries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("akhbar FAILED")]
    expected = f"akhbar FAILED source=mirror_blocked task=report (try 1): AirflowFailException: blocked: {reason}"
    assert summaries == [expected], summaries


@pytest.mark.slow
def test_a_redesign_that_breaks_the_extractor_turns_red_as_broken_extractor(
        airflow_db, settings, query, tmp_path, monkeypatch, caplog):
    """redesign.localhost (akhbar/mirror.py): 12 pages in a layout the LBCI site class does not know, so our
    body is the lead paragraph alone (about 300 characters, enough for the gate) where the page has six. Every
    page of a source's first run gets the second opinion; trafilatura reads all six paragraphs, so all 12
    disagree (body_short). The articles still load, and the run is red at report as broken_extractor, naming
    the source and the field; v_source_health shows the rate."""
    dag = _red_source_dag("mirror_redesign", settings, tmp_path, monkeypatch)
    dag.task_dict["report"].retry_delay = timedelta(0)

    with caplog.at_level(logging.ERROR):
        run = dag.test(logical_date=datetime(2026, 3, 5, tzinfo=UTC))

    states = _task_states(run)
    assert _state(run.state) == "failed", states
    assert {task: state for task, (state, _) in states.items()} == {
        "crawl": "success", "parse": "success", "validate": "success", "load": "success", "report": "failed",
        "announce": "success"}
    assert states["report"][1] == 1  # not retried
    # the articles loaded: their titles and the lead paragraph are right, the rest of the body is what is lost
    assert query("SELECT count(*), min(length(body)), max(length(body)) FROM articles")[0][0] == 12
    [(health, reason)] = query("SELECT health, health_reason FROM crawl_runs")
    assert health == "broken_extractor"
    assert reason == ("the second opinion disagreed with the extractor: mirror_redesign: trafilatura disagrees "
                      "with our extraction on 12 of 12 sampled pages (100% > 20%): body_short 12/12")
    assert query("SELECT health, second_opinion_sampled, second_opinion_disagreed, second_opinion_rate "
                 "FROM v_source_health WHERE source_key = 'mirror_redesign'") == [
        ("broken_extractor", 12, 12, Decimal("1.000"))]
    summaries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("akhbar FAILED")]
    assert summaries == [("akhbar FAILED source=mirror_redesign task=report (try 1): AirflowFailException: "
                         f"broken_extractor: {reason}")], summaries

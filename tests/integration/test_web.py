"""The Sources pages in the Airflow API server: Airflow's own app (``create_app``, which mounts the plugin
found through our ``airflow.plugins`` entry point) against a real database, logged in through the simple auth
manager's real ``/auth/token``.

The articles, quarantine rows and runs are made here, so every expected number is counted from what the test
wrote, not read off the code's output.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from staging import SOURCES, article, stage

AIRFLOW = str(Path(sys.executable).parent / "airflow")
BODY = "أعلنت وزارة الصحة اليوم تسجيل حالات جديدة في عدد من المحافظات المصرية. " * 6


@pytest.fixture(scope="module")
def airflow_client():
    """Airflow's API app with its plugins, and an admin's bearer token."""
    from fastapi.testclient import TestClient

    subprocess.run([AIRFLOW, "db", "migrate"], check=True, capture_output=True, timeout=300)
    from airflow.api_fastapi.app import create_app, purge_cached_app

    purge_cached_app()
    client = TestClient(create_app())
    passwords = Path(os.environ["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated"
    user, password = next(iter(json.loads(passwords.read_text()).items()))
    response = client.post("/auth/token", json={"username": user, "password": password})
    assert response.status_code in (200, 201), response.text
    return client, {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def corpus(staged_settings, monkeypatch):
    """youm7: three articles loaded now; masrawy: two loaded, one quarantined as too short; the others never
    ran. The plugin reads its settings from the environment, as in the API server."""
    from akhbar import pipeline
    from akhbar.pipeline import health

    monkeypatch.setenv("AKHBAR_DATABASE_URL", staged_settings.database_url)
    monkeypatch.setenv("AKHBAR_SOURCES_FILE", str(staged_settings.sources_file))
    now = datetime.now(UTC)
    titles = ["وزير النقل يفتتح محطة جديدة في القاهرة", "ارتفاع أسعار الذهب في الأسواق المحلية",
              "منتخب مصر يستعد لمباراة الغد"]
    run = stage(staged_settings, "youm7", [article("youm7", f"a{i}", title=t, body=BODY + t, fetched_at=now)
                                           for i, t in enumerate(titles)])
    pipeline.validate(staged_settings, run)
    pipeline.load(staged_settings, run)
    health.judge_and_record(staged_settings, run)
    run = stage(staged_settings, "masrawy", [
        article("masrawy", "m1", title="افتتاح معرض الكتاب بمشاركة واسعة", body=BODY + "معرض", fetched_at=now),
        article("masrawy", "m2", title="الأرصاد تتوقع طقسا حارا غدا", body=BODY + "طقس", fetched_at=now),
        article("masrawy", "m3", title="خبر قصير جدا بلا متن", body="نص قصير.", fetched_at=now),
    ])
    pipeline.validate(staged_settings, run)
    pipeline.load(staged_settings, run)
    # masrawy's run is judged blocked by hand, as the report step records a verdict (the verdicts' own rules
    # are tested in test_lifecycle.py); the page shows whatever verdict the latest judged run has
    health.record(staged_settings, run, health.Verdict("blocked", "masrawy: 3 of 3 article fetches were blocked"))
    return {"titles": titles}


def test_every_endpoint_needs_a_logged_in_user(airflow_client, corpus):
    client, _headers = airflow_client
    for path in ("/akhbar/api/sources", "/akhbar/sources", "/akhbar/sources/youm7",
                 "/akhbar/sources/by-dag/akhbar_youm7"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 401, (path, response.status_code)
        response = client.get(path, headers={"Authorization": "Bearer not-a-token"}, follow_redirects=False)
        assert response.status_code in (401, 403), (path, response.status_code)


def test_api_sources_lists_every_registry_source_with_counts(airflow_client, corpus):
    client, headers = airflow_client
    response = client.get("/akhbar/api/sources", headers=headers)
    assert response.status_code == 200, response.text
    rows = {row["source_key"]: row for row in response.json()["sources"]}
    # what needs a person first (masrawy is blocked), then healthy youm7, then the never-judged in registry order
    assert list(rows) == ["masrawy", "youm7"] + [k for k in SOURCES if k not in ("masrawy", "youm7")]
    assert rows["youm7"]["articles_24h"] == 3
    assert rows["youm7"]["articles_per_day"][-1] == 3 and sum(rows["youm7"]["articles_per_day"]) == 3
    assert rows["youm7"]["pages_quarantined_7d"] == 0
    assert rows["masrawy"]["articles_24h"] == 2
    assert rows["masrawy"]["pages_fetched_7d"] == 3 and rows["masrawy"]["pages_quarantined_7d"] == 1
    assert rows["masrawy"]["quarantine_rate"] == round(1 / 3, 3)
    assert rows["masrawy"]["top_reason"] == "body_too_short"
    assert rows["ahram"]["last_run_id"] is None and rows["ahram"]["articles_24h"] == 0
    assert rows["youm7"]["last_run_status"] == "loaded"
    assert (rows["youm7"]["health"], rows["youm7"]["health_reason"]) == ("healthy", "youm7: 3 new article(s)")
    assert rows["masrawy"]["health"] == "blocked"
    assert rows["ahram"]["health"] is None


def test_sources_page_links_each_source_and_its_grid(airflow_client, corpus):
    client, headers = airflow_client
    response = client.get("/akhbar/sources", headers=headers)
    assert response.status_code == 200
    html = response.text
    assert html.count('<tr data-source="') == len(SOURCES)
    for key in SOURCES:
        assert f'href="/akhbar/sources/{key}"' in html
        assert f'href="/dags/akhbar_{key}" target="_top"' in html
    assert "<svg" in html and "<script" not in html
    assert '<span class="verdict v-healthy"' in html and '<span class="verdict v-blocked"' in html


def test_source_page_shows_latest_articles_right_to_left(airflow_client, corpus):
    client, headers = airflow_client
    response = client.get("/akhbar/sources/youm7", headers=headers)
    assert response.status_code == 200
    html = response.text
    rtl_titles = re.findall(r'<td dir="rtl" lang="ar"><a [^>]*>([^<]+)</a>', html)
    assert sorted(rtl_titles) == sorted(corpus["titles"])
    page = client.get("/akhbar/sources/masrawy", headers=headers).text
    assert page.count("body_too_short") >= 2  # the latest-quarantined table and the plot's legend
    assert "خبر قصير جدا بلا متن" in page
    assert client.get("/akhbar/sources/nosuch", headers=headers).status_code == 404


def test_dag_tab_goes_to_the_source_page(airflow_client, corpus):
    client, headers = airflow_client
    response = client.get("/akhbar/sources/by-dag/akhbar_masrawy", headers=headers, follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/akhbar/sources/masrawy"
    other = client.get("/akhbar/sources/by-dag/akhbar_stories", headers=headers)
    assert other.status_code == 200 and "not a source" in other.text


def test_plugin_declares_the_nav_entry_and_dag_tab(airflow_client):
    client, headers = airflow_client
    plugins = client.get("/api/v2/plugins", headers=headers).json()["plugins"]
    (ours,) = [p for p in plugins if p["name"] == "akhbar"]
    views = {v["destination"]: v for v in ours["external_views"]}
    assert views["nav"]["href"] == "/akhbar/sources"
    assert views["dag"]["href"] == "/akhbar/sources/by-dag/{DAG_ID}"


def test_the_pages_read_as_a_login_of_the_reader_role(corpus, staged_settings, pg_url):
    """In compose the API server reads as akhbar_ui, a login whose only grant is membership in akhbar_reader
    (docker/postgres-init.sh; migration 0023 lets the reader read what the pages count, not raw bodies)."""
    import uuid

    import psycopg2

    from akhbar.web import data

    role = f"akhbar_ui_test_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(pg_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE ROLE "{role}" LOGIN PASSWORD %s IN ROLE akhbar_reader', ("ui-pw",))
    try:
        url = pg_url.replace("postgres@", f"{role}:ui-pw@", 1)
        ui = staged_settings.with_(database_url=url)
        rows = {r["source_key"]: r for r in data.sources_table(ui)}
        assert rows["youm7"]["articles_24h"] == 3 and rows["masrawy"]["pages_quarantined_7d"] == 1
        assert data.source_detail(ui, "masrawy")["quarantined"][0]["reasons"] == ["body_too_short"]
        conn = psycopg2.connect(url)
        try:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cur:
                cur.execute("SELECT body FROM raw_pages LIMIT 1")  # raw HTML stays the owner's
            conn.rollback()
            with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction), data.read_only(ui) as cur:
                cur.execute("DELETE FROM quarantine")  # and the pages' sessions cannot write
        finally:
            conn.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f'REASSIGN OWNED BY "{role}" TO postgres; DROP OWNED BY "{role}"; DROP ROLE "{role}"')
        admin.close()

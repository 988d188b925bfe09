"""Shared test setup.

Airflow reads its configuration when first imported, so its home, DAG folder and a temporary SQLite metadata
DB are set here, before any test imports it. Database tests run against the PostgreSQL server named by
AKHBAR_TEST_ADMIN_URL (default: 127.0.0.1:5432, user postgres), in a database of their own that is
dropped at the end, so a user's data is never touched.
"""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

_airflow_home = Path(tempfile.mkdtemp(prefix="akhbar-airflow-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(_airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_airflow_home}/airflow.db",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "GX_ANALYTICS_ENABLED": "false",
    }
)

ADMIN_URL = os.environ.get("AKHBAR_TEST_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(autouse=True)
def _no_airflow_task_context():
    """A task run by ``dag.test()`` exports AIRFLOW_CTX_* into this process's environment and leaves them there;
    akhbar reads them as "inside an Airflow task" (no embedded database), so they are cleared after each test."""
    yield
    for name in [n for n in os.environ if n.startswith("AIRFLOW_CTX_")]:
        del os.environ[name]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def pg_url():
    """A fresh, migrated database on the test server; dropped after the session."""
    import psycopg2

    from akhbar import db

    name = f"akhbar_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(ADMIN_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    db.migrate(url)
    yield url
    with admin.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


@pytest.fixture
def clean_db(pg_url):
    """The test database, emptied before the test."""
    import psycopg2

    conn = psycopg2.connect(pg_url)
    with conn, conn.cursor() as cur:
        # story_term_df: the document frequencies the clustering keeps (no foreign key brings it along)
        cur.execute("TRUNCATE quarantine, articles, extracted_pages, raw_pages, crawl_runs, sources, stories, "
                    "story_term_df CASCADE")
    conn.close()
    return pg_url


@pytest.fixture(scope="session")
def demo_site():
    from akhbar.demo_site import DemoSiteProcess

    with DemoSiteProcess("127.0.0.1", free_port()) as site:
        yield site


@pytest.fixture
def settings(clean_db, demo_site, tmp_path):
    from akhbar.config import Settings

    return Settings(database_url=clean_db, demo_port=demo_site.port, data_dir=tmp_path, download_timeout=10)


@pytest.fixture(scope="session")
def query(pg_url):
    """Run one SQL statement on the test database; returns its rows (None for a statement with none)."""
    import psycopg2

    def run(sql, params=None):
        conn = psycopg2.connect(pg_url)
        try:
            with conn, conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall() if cur.description else None
        finally:
            conn.close()

    return run

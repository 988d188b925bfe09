"""Migrations and database errors, on the real PostgreSQL server."""

import subprocess
import sys
import uuid

from akhbar import db


def test_migrate_is_idempotent(pg_url):
    assert db.migrate(pg_url) == []  # the fixture applied everything already
    status = db.migration_status(pg_url)
    assert status and all(applied for _, applied in status)


def test_schema_has_the_skeleton_tables(query):
    tables = {name for (name,) in query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"sources", "crawl_runs", "raw_pages", "articles", "quarantine"} <= tables


def test_unreachable_database_is_one_clear_line(tmp_path):
    env = {"AKHBAR_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "akhbar.cli", "db", "migrate"], env=env,
                          check=False, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("akhbar: cannot connect to the database postgres@127.0.0.1:1/nowhere")
    assert "Traceback" not in proc.stderr


def test_a_scratch_database_is_migrated_then_dropped_even_when_its_user_fails(pg_url):
    # Only this test's own prefix is compared: other test sessions and benchmarks on the same server create and
    # drop databases of their own meanwhile.
    prefix = f"akhbar_scratch_test_{uuid.uuid4().hex[:6]}"

    def databases():
        with db.transaction(pg_url) as cur:
            cur.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix + "%",))
            return {r[0] for r in cur.fetchall()}

    before = databases()
    assert before == set()
    try:
        with db.scratch_database(pg_url, prefix) as url:
            with db.transaction(url) as cur:
                cur.execute("SELECT count(*) FROM articles")
                assert cur.fetchone() == (0,)
            assert len(databases() - before) == 1
            raise KeyError("the benchmark broke")
    except KeyError:
        pass
    assert databases() == before

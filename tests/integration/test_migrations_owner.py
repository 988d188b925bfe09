"""The migrations as docker compose runs them: docker/postgres-init.sh (the PostgreSQL container's first-start
script) creates a plain owner role and its database, then `python -m akhbar.cli db migrate` runs as that owner
(the akhbar-migrate service), on the real server in a fresh database. Then every migration is rolled back and
applied again, as the owner too.

Roles belong to the whole server: the test's roles and databases have unique names and are dropped at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from psycopg2.extensions import parse_dsn

from akhbar import db

ROOT = Path(__file__).resolve().parents[2]
INIT_SCRIPT = ROOT / "docker" / "postgres-init.sh"
REVOKE = "0010_security_definer_execute"


@pytest.fixture(scope="module")
def compose_db(pg_url):
    """The init script run for real, with unique names; yields (owner URL, names), drops it all afterwards."""
    suffix = uuid.uuid4().hex[:8]
    names = {"AKHBAR_DB_NAME": f"akhbar_owned_{suffix}", "AKHBAR_DB_USER": f"akhbar_owner_{suffix}",
             "AIRFLOW_DB_NAME": f"airflow_owned_{suffix}", "AIRFLOW_DB_USER": f"airflow_owner_{suffix}"}
    server = parse_dsn(pg_url)
    env = {"PATH": os.environ["PATH"], "PGHOST": server.get("host", "127.0.0.1"),
           "PGPORT": str(server.get("port", 5432)), "POSTGRES_USER": server.get("user", "postgres"),
           "AKHBAR_DB_PASSWORD": "owner-" + suffix, "AIRFLOW_DB_PASSWORD": "airflow-" + suffix, **names}
    admin = psycopg2.connect(pg_url)
    admin.autocommit = True
    try:
        init = subprocess.run(["bash", str(INIT_SCRIPT)], env=env, capture_output=True, text=True, timeout=60,
                              check=False)
        assert init.returncode == 0, init.stderr
        owner_url = (f"postgresql://{names['AKHBAR_DB_USER']}:{env['AKHBAR_DB_PASSWORD']}@{env['PGHOST']}:"
                     f"{env['PGPORT']}/{names['AKHBAR_DB_NAME']}")
        yield owner_url, names, admin
    finally:
        with admin.cursor() as cur:
            for database in (names["AKHBAR_DB_NAME"], names["AIRFLOW_DB_NAME"]):
                cur.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for role in (names["AKHBAR_DB_USER"], names["AIRFLOW_DB_USER"]):
                cur.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


def _migrate_as_compose_does(owner_url: str) -> subprocess.CompletedProcess:
    # The akhbar-migrate service: entrypoint python -m akhbar.cli, command db migrate, only the database URL.
    return subprocess.run([sys.executable, "-m", "akhbar.cli", "db", "migrate"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False,
                          env={"PATH": os.environ["PATH"], "HOME": "/nonexistent", "AKHBAR_DATABASE_URL": owner_url})


def _one(url: str, sql: str, params=None):
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()
    finally:
        conn.close()


def test_the_migrations_pass_as_the_plain_owner_role_compose_creates(compose_db):
    owner_url, names, admin = compose_db
    with admin.cursor() as cur:
        cur.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
                    (names["AKHBAR_DB_USER"],))
        assert cur.fetchone() == (False, False, False)
    # The owner could not have created akhbar_reader itself: the init script did (or found it).
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _one(owner_url, f"CREATE ROLE akhbar_reader_probe_{uuid.uuid4().hex[:6]}")

    first = _migrate_as_compose_does(owner_url)

    assert first.returncode == 0, first.stderr
    status = db.migration_status(owner_url)
    assert status and all(applied for _id, applied in status)
    assert _migrate_as_compose_does(owner_url).returncode == 0  # a second start changes nothing
    # Everything belongs to the owner; the reader reads the views and searches, PUBLIC may not search.
    assert _one(owner_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> %s",
                (names["AKHBAR_DB_USER"],)) == (0,)
    assert _one(owner_url, "SELECT has_table_privilege('akhbar_reader', 'v_articles', 'SELECT'), "
                           "has_function_privilege('akhbar_reader', 'search_articles'::regproc, 'EXECUTE'), "
                           "has_function_privilege('public', 'search_articles'::regproc, 'EXECUTE'), "
                           "has_database_privilege('akhbar_reader', current_database(), 'CONNECT'), "
                           "has_database_privilege('public', current_database(), 'CONNECT')"
                ) == (True, True, False, True, False)
    if _one(owner_url, "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'") == (1,):
        assert _one(owner_url, "SELECT to_regprocedure('search_titles_fuzzy(text, integer)') IS NOT NULL") == (True,)


def test_every_migration_rolls_back_and_applies_again_as_the_owner(compose_db):
    from yoyo import read_migrations

    owner_url, _names, _admin = compose_db
    assert _migrate_as_compose_does(owner_url).returncode == 0
    migrations = read_migrations(str(db.MIGRATIONS_DIR))
    backend = db._yoyo_backend(owner_url)

    # The REVOKE alone: rolled back, PUBLIC may search again; applied again, it may not.
    with backend.lock():
        backend.rollback_migrations(backend.to_rollback(migrations.filter(lambda m: m.id >= REVOKE)))
    assert _one(owner_url, "SELECT has_function_privilege('public', 'search_articles'::regproc, 'EXECUTE')"
                ) == (True,)
    assert REVOKE in db.migrate(owner_url)
    assert _one(owner_url, "SELECT has_function_privilege('public', 'search_articles'::regproc, 'EXECUTE')"
                ) == (False,)

    # Everything, back to an empty schema, then forward again.
    with backend.lock():
        backend.rollback_migrations(backend.to_rollback(migrations))
    assert _one(owner_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                           "AND tablename NOT LIKE '\\_yoyo%%' AND tablename <> 'yoyo_lock'") == (0,)
    again = _migrate_as_compose_does(owner_url)
    assert again.returncode == 0, again.stderr
    assert all(applied for _id, applied in db.migration_status(owner_url))


# --- on a server of its own, where akhbar_reader does not exist yet (as in a new compose volume) -------------

PG_BIN = Path("/usr/lib/postgresql/15/bin")


@pytest.fixture(scope="module")
def own_server():
    """A throwaway PostgreSQL cluster (initdb + pg_ctl on a free port; as the postgres user when run as root)."""
    import shutil
    import socket

    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL binaries in {PG_BIN}")
    import tempfile

    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="akhbar-own-pg-"))  # not under pytest's root-only tmp directory
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser: initdb refuses root")
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    data, sockets = base / "data", base / "sockets"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run([*as_user, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "--encoding=UTF8", "--locale=C.UTF-8"], check=True, capture_output=True, timeout=120)
    subprocess.run([*as_user, "mkdir", str(sockets)], check=True)
    subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"), "-o",
                    f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sockets}", "start"],
                   check=True, capture_output=True, timeout=120)
    try:
        yield port
    finally:
        subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       check=False, capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def test_on_a_new_server_the_init_script_creates_the_reader_and_the_owner_migrates(own_server):
    port = own_server
    admin_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    assert _one(admin_url, "SELECT count(*) FROM pg_roles WHERE rolname = 'akhbar_reader'") == (0,)

    # Without the init script's role, the owner's migrations stop at migration 0003 (the failure).
    admin = psycopg2.connect(admin_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("CREATE ROLE bare_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        cur.execute("CREATE DATABASE bare OWNER bare_owner")
    admin.close()
    bare = _migrate_as_compose_does(f"postgresql://bare_owner@127.0.0.1:{port}/bare")
    assert bare.returncode != 0 and "permission denied to create role" in bare.stderr

    env = {"PATH": os.environ["PATH"], "PGHOST": "127.0.0.1", "PGPORT": str(port),
           "AKHBAR_DB_PASSWORD": "owner-pw", "AIRFLOW_DB_PASSWORD": "airflow-pw", "AKHBAR_UI_DB_PASSWORD": "ui-pw"}
    init = subprocess.run(["bash", str(INIT_SCRIPT)], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert init.returncode == 0, init.stderr
    owner_url = f"postgresql://akhbar:owner-pw@127.0.0.1:{port}/akhbar"
    migrated = _migrate_as_compose_does(owner_url)
    assert migrated.returncode == 0, migrated.stderr
    assert all(applied for _id, applied in db.migration_status(owner_url))
    assert _one(owner_url, "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user") == (
        False, False)
    assert _one(owner_url, "SELECT has_table_privilege('akhbar_reader', 'v_articles', 'SELECT'), "
                           "has_function_privilege('akhbar_reader', 'search_articles'::regproc, 'EXECUTE')"
                ) == (True, True)
    assert _one(f"postgresql://postgres@127.0.0.1:{port}/airflow",
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'airflow'") == ("airflow",)
    # the Sources pages' login: a member of akhbar_reader, reading runs but not raw bodies (migration 0023)
    ui_url = f"postgresql://akhbar_ui:ui-pw@127.0.0.1:{port}/akhbar"
    assert _one(ui_url, "SELECT rolsuper, rolcreaterole, pg_has_role('akhbar_ui', 'akhbar_reader', 'MEMBER') "
                        "FROM pg_roles WHERE rolname = current_user") == (False, False, True)
    assert _one(ui_url, "SELECT count(*) FROM crawl_runs") == (0,)
    assert _one(ui_url, "SELECT has_column_privilege('raw_pages', 'body', 'SELECT'), "
                        "has_column_privilege('raw_pages', 'parse_status', 'SELECT')") == (False, True)

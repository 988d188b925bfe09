"""A throwaway PostgreSQL cluster of a test's own (initdb + pg_ctl on a free port, in a temporary directory), so
a test can restart PostgreSQL without touching the shared server that other tests use."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Self

PG_BIN = Path(os.environ.get("AKHBAR_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    """Use as a context manager: initialized and started on entry, stopped and deleted on exit. Its directory is
    made under /tmp (pytest's own are private to the user, and the server may run as the postgres user)."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="akhbar-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "socket"
        self.port = _free_port()
        # initdb and postgres refuse to run as root: run them as the postgres system user then.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, timeout: int = 120) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=timeout)

    def init(self) -> ThrowawayCluster:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self.prefix:
            shutil.chown(self.base, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync", "--locale=C.UTF-8")
        return self

    def start(self) -> None:
        opts = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.base / "server.log"),
                  "-w", "-t", "60", "start")

    def restart(self) -> None:
        """Stop (fast: every session is disconnected, open transactions roll back) and start again."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
        self.start()

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "-t", "60", "stop")

    def __enter__(self) -> Self:
        self.init()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def create_database(self, name: str) -> str:
        import psycopg2

        admin = psycopg2.connect(self.admin_url)
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        return self.url(name)

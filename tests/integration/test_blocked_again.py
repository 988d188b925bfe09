"""A source that blocks us stays red on the next run, even when its feed has not changed.

blocked.localhost (akhbar/mirror.py) answers its RSS feed with an ETag and refuses every article page. On the
second run the feed answers 304 to a conditional GET; if the crawler believed it, no article page would be asked
for again, the run would find "nothing new", and a source that still blocks us would look merely empty."""

from __future__ import annotations

import socket

import pytest

from akhbar import pipeline
from akhbar.config import Settings
from akhbar.demo_site import DemoSiteProcess
from akhbar.mirror import RED_SOURCES_TOML


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_a_blocked_source_is_blocked_again_on_the_next_run_with_an_unchanged_feed(clean_db, query, tmp_path):
    registry = tmp_path / "sources.toml"
    registry.write_text(RED_SOURCES_TOML, encoding="utf-8")
    with DemoSiteProcess("127.0.0.1", _free_port()) as site:
        settings = Settings(database_url=clean_db, demo_port=site.port, data_dir=tmp_path, sources_file=registry,
                            second_opinion=False)
        first = pipeline.run_source(settings, "mirror_blocked")
        second = pipeline.run_source(settings, "mirror_blocked")
    runs = query("SELECT id, health, health_reason FROM crawl_runs ORDER BY id")
    assert [health for _id, health, _reason in runs] == ["blocked", "blocked"], runs
    # The second run asked for the six article pages again (the mirror's feed lists six: b1..b6).
    assert runs[1][2] == ("mirror_blocked: 6 of 6 article fetches were blocked (HTTP 403/429 or a captcha/"
                          "anti-bot page)")
    assert first.run_id != second.run_id

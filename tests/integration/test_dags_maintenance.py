"""Maintenance: re-parsing history without re-crawling, raw HTML retention, VACUUM/ANALYZE (the DAG run is in
test_dags.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from akhbar import maintenance, pipeline


@pytest.fixture
def loaded(settings, query):
    """The demo mirror crawled and loaded once."""
    pipeline.run_source(settings, "demo")
    assert query("SELECT count(*) FROM articles") == [(7,)]
    return settings


@pytest.mark.parametrize(("older", "newer"), [("0.1.0", "0.2.0"), ("0.9.1", "0.10.0"), ("1.0.0", "1.0.1"),
                                              ("0.1.0rc1", "0.1.0"), ("0.1", "0.1.0")])
def test_version_order(older, newer):
    assert maintenance.is_older(older, newer)
    assert not maintenance.is_older(newer, older)
    assert not maintenance.is_older(newer, newer)


def test_reparse_brings_pages_of_an_older_extractor_up_to_date_without_crawling(loaded, query):
    import transforms

    # Pretend every page was parsed by an older extractor, and that it got one title wrong.
    query("UPDATE raw_pages SET extractor_version = '0.0.1' WHERE extractor_version IS NOT NULL RETURNING id")
    query("UPDATE articles SET title = 'old title', extractor_version = '0.0.1' RETURNING id")
    good_titles = query("SELECT url_key, title FROM extracted_pages")  # staging is cleared after load
    assert good_titles == []
    pages_before = query("SELECT count(*) FROM raw_pages")
    quarantined = query("SELECT raw_page_id, reasons FROM quarantine WHERE stage <> 'fetch' ORDER BY 1")

    result = maintenance.reparse_outdated(loaded, run_label="test")

    assert list(result) == ["demo"]
    counts = result["demo"]
    assert counts["from_versions"] == ["0.0.1"]
    assert counts["articles_loaded"] == 7
    assert query("SELECT count(*) FROM raw_pages") == pages_before  # nothing fetched
    assert query("SELECT count(*) FROM articles") == [(7,)]
    assert query("SELECT count(*) FROM articles WHERE title = 'old title'") == [(0,)]
    assert query("SELECT DISTINCT extractor_version FROM articles") == [(transforms.EXTRACTOR_VERSION,)]
    # Pages the gate or the parser rejected are rejected again, for the same reasons.
    assert query("SELECT raw_page_id, reasons FROM quarantine WHERE stage <> 'fetch' ORDER BY 1") == quarantined
    [(label, status)] = query("SELECT run_label, status FROM crawl_runs WHERE run_label LIKE 'reparse:%%'")
    assert (label, status) == ("reparse:test", "loaded")
    # Everything is current now: a second pass finds nothing to do.
    assert maintenance.reparse_outdated(loaded, run_label="again") == {}


def test_retention_drops_old_html_but_keeps_metadata_and_is_repeatable(loaded, query):
    [(newest_fetch,)] = query("SELECT max(fetched_at) FROM raw_pages")
    keep_days = 30

    # Nothing is old enough yet.
    assert maintenance.purge_raw_html(loaded, as_of=newest_fetch, days=keep_days)["bodies_purged"] == 0
    later = newest_fetch + timedelta(days=keep_days + 1)
    [(finished,)] = query("SELECT count(*) FROM raw_pages WHERE parse_status IN ('loaded', 'quarantined', 'skipped') "
                          "AND body IS NOT NULL")
    assert finished > 0
    metadata = "SELECT id, url, url_key, body_sha256, http_status, fetched_at, parse_status FROM raw_pages ORDER BY id"
    before = query(metadata)
    result = maintenance.purge_raw_html(loaded, as_of=later, days=keep_days)
    assert result["bodies_purged"] == finished
    assert query("SELECT count(*) FROM raw_pages WHERE body IS NOT NULL AND parse_status <> 'pending'") == [(0,)]
    assert query("SELECT count(*) FROM raw_pages WHERE body_purged_at = %s", (later,)) == [(finished,)]
    # Metadata stays: the URL, its key, the hash, the status and the fetch time.
    assert query(metadata) == before
    assert query("SELECT count(*) FROM articles WHERE raw_page_id IS NULL") == [(0,)]
    # Repeatable, and purged pages are not offered for re-parsing.
    assert maintenance.purge_raw_html(loaded, as_of=later, days=keep_days)["bodies_purged"] == 0
    query("UPDATE raw_pages SET extractor_version = '0.0.1' WHERE extractor_version IS NOT NULL RETURNING id")
    assert maintenance.reparse_outdated(loaded, run_label="after-purge") == {}
    # 0 days keeps everything.
    assert maintenance.purge_raw_html(loaded, as_of=later, days=0)["bodies_purged"] == 0


def test_vacuum_analyze_runs_outside_a_transaction(settings, query):
    maintenance.vacuum_analyze(settings)
    [(vacuumed, analyzed)] = query(
        "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'articles'")
    assert (vacuumed, analyzed) == (True, True)

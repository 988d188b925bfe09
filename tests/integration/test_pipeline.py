"""The whole job on the loopback demo mirror and a real PostgreSQL: crawl subprocess, parse, GX, load."""

import json

import pytest

from akhbar import pipeline

with open("tests/fixtures/truth.jsonl", encoding="utf-8") as _fh:
    FIXTURES_TRUTH = [json.loads(line) for line in _fh]
# Real pages with every field the gate needs. The CNN page shows no publication date anywhere, so the gate
# must quarantine it instead of loading it with a made-up one.
LOADABLE = [t for t in FIXTURES_TRUTH if t["published"]]
FEED_ENTRIES = 14
COUNTS_SQL = "SELECT (SELECT count(*) FROM raw_pages), (SELECT count(*) FROM articles), (SELECT count(*) FROM quarantine)"


@pytest.fixture
def first_run(settings):
    return pipeline.run_source(settings, "demo")


def test_demo_run_loads_the_real_articles(first_run, query):
    titles = {title for (title,) in query("SELECT title FROM articles")}
    assert titles == {t["title"] for t in LOADABLE}
    rows = query("SELECT count(*) FILTER (WHERE published_at IS NULL), count(*) FILTER (WHERE body = ''),"
                 " count(*) FROM articles")
    assert rows == [(0, 0, len(LOADABLE))]
    assert first_run.counts["articles_loaded"] == len(LOADABLE)


def test_every_fetched_url_is_accounted_for(first_run, query):
    # 8 real pages, a copy of one of them and 5 broken ones in the feed; each is a raw page, and each raw page
    # is loaded, quarantined with reasons, or skipped with a reason.
    statuses = dict(query("SELECT parse_status, count(*) FROM raw_pages GROUP BY 1"))
    assert sum(statuses.values()) == FEED_ENTRIES
    assert statuses == {"loaded": len(LOADABLE), "quarantined": 6, "skipped": 1}
    (skip_reason,), = query("SELECT skip_reason FROM raw_pages WHERE parse_status = 'skipped'")
    assert skip_reason.startswith("same article as raw page ")
    reasons = {url.rsplit("/", 1)[-1]: reasons for url, reasons in query("SELECT url, reasons FROM quarantine")}
    assert reasons["empty.html"] == ["empty_page"]
    assert reasons["report.pdf"] == ["not_html"]
    assert reasons["gone.html"] == ["http_404"]
    assert reasons["members.html"] == ["robots_disallowed"]
    assert reasons["undeclared-cp1256.html"]  # decoded, but too short to be an article
    assert "published_at_missing" in reasons["index.html"]  # CNN Arabic: no date on the page
    assert statuses["quarantined"] == len(reasons)
    assert dict(first_run.quarantined_by_reason)["not_html"] == 1


def test_raw_html_is_kept_byte_for_byte(first_run, query):
    (body, sha), = query("SELECT body, body_sha256 FROM raw_pages WHERE url LIKE %s", ("%cp1256.html",))
    import hashlib

    assert hashlib.sha256(bytes(body)).hexdigest() == sha
    assert bytes(body).decode("windows-1256")  # stored as fetched, not re-encoded


def test_running_twice_changes_nothing(first_run, settings, query):
    before = query(COUNTS_SQL)
    articles_before = query("SELECT url_key, title, updated_at FROM articles ORDER BY url_key")
    second = pipeline.run_source(settings, "demo")
    assert query(COUNTS_SQL) == before
    assert query("SELECT url_key, title, updated_at FROM articles ORDER BY url_key") == articles_before
    # The crawl is incremental: every feed entry is already stored, so none is downloaded again.
    assert second.counts["pages_fetched"] == 0 and second.counts["pages_new"] == 0
    assert second.counts["urls_discovered"] == FEED_ENTRIES and second.counts["already_had"] == FEED_ENTRIES
    assert second.counts.get("articles_loaded", 0) == 0


def test_published_times_are_right(first_run, query):
    rows = dict(query("SELECT title, published_at FROM articles"))
    from datetime import datetime

    for truth in LOADABLE:
        assert rows[truth["title"]] == datetime.fromisoformat(truth["published"]), truth["file"]


def test_two_parses_of_one_source_at_once_take_different_pages(settings, query, pg_url):
    """A page that another parse holds (a re-parse by the maintenance DAG, say) is skipped, not parsed twice
    and not waited for."""
    import threading

    import psycopg2

    run_id = pipeline.start_run(settings, "demo")
    pipeline.crawl(settings, run_id)
    pending = [r[0] for r in query("SELECT id FROM raw_pages WHERE parse_status = 'pending' ORDER BY id")]
    assert len(pending) == FEED_ENTRIES
    held = pending[:4]
    other = psycopg2.connect(pg_url)  # the other parse, in the middle of its batch
    try:
        with other.cursor() as cur:
            cur.execute("SELECT id FROM raw_pages WHERE id = ANY(%s) FOR UPDATE", (held,))
        result = {}
        worker = threading.Thread(target=lambda: result.update(pipeline.parse(settings, run_id)))
        worker.start()
        worker.join(30)
        assert not worker.is_alive(), "parse waited for pages another transaction holds"
        assert result["parsed"] + result["parse_quarantined"] == FEED_ENTRIES - len(held)
        assert query("SELECT id FROM raw_pages WHERE parse_status = 'pending' ORDER BY id") == [(i,) for i in held]
    finally:
        other.rollback()
        other.close()
    pipeline.parse(settings, run_id)  # released: the next parse takes them
    assert query("SELECT count(*) FROM raw_pages WHERE parse_status = 'pending'") == [(0,)]


def test_quarantined_pages_can_be_retried_from_their_raw_html(first_run, settings, query, capsys, monkeypatch):
    """A page the source gate held back while the site was broken loads once retried; pages that still fail are
    quarantined again with the same reason, and fetch-time verdicts (404, robots.txt) are left alone."""
    from akhbar import cli, maintenance

    before = query("SELECT stage, reasons FROM quarantine ORDER BY raw_page_id")
    # the gate's hold on a good page, as a failed source gate leaves it
    (page_id,), = query("SELECT raw_page_id FROM articles WHERE title LIKE 'وزارة النقل%%'")
    query("DELETE FROM articles WHERE raw_page_id = %s", (page_id,))
    query("UPDATE raw_pages SET parse_status = 'quarantined' WHERE id = %s", (page_id,))
    query("INSERT INTO quarantine (raw_page_id, crawl_run_id, source_key, url, stage, reasons) "
          "SELECT id, crawl_run_id, source_key, url, 'validate', '{source_gate_failed}' FROM raw_pages WHERE id = %s",
          (page_id,))

    counts = maintenance.retry_quarantined(settings, "demo", run_label="t1", reason="source_gate_failed")
    assert (counts["pages_reset"], counts["articles_loaded"]) == (1, 1)
    assert query("SELECT count(*) FROM articles WHERE raw_page_id = %s", (page_id,)) == [(1,)]
    assert query("SELECT stage, reasons FROM quarantine ORDER BY raw_page_id") == before

    monkeypatch.setenv("AKHBAR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AKHBAR_DATA_DIR", str(settings.data_dir))
    assert cli.main(["maintenance", "retry-quarantined", "--source", "demo"]) == 0
    parse_or_gate = sum(1 for stage, _ in before if stage in ("parse", "validate"))
    assert f"demo: {parse_or_gate} quarantined page(s) parsed again; 0 article(s) loaded, {parse_or_gate} " \
           "quarantined again" in capsys.readouterr().out
    assert query("SELECT stage, reasons FROM quarantine ORDER BY raw_page_id") == before
    assert query("SELECT count(*) FROM raw_pages WHERE parse_status = 'pending'") == [(0,)]

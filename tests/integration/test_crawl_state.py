"""The incremental check before fetching: which URL keys count as already had, in one query."""

from __future__ import annotations

from datetime import UTC, datetime

from spiders.state import CrawlState
from transforms.urls import url_key

T = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)


def test_known_keys_include_canonical_urls_and_final_outcomes_but_not_transient_failures(clean_db, query):
    def key(path):
        return url_key("https://www.example.com" + path)

    query("INSERT INTO sources (key, name, home_url) VALUES ('s', 'S', 'https://example.com/')")
    query("INSERT INTO crawl_runs (id, source_key, status) VALUES (1, 's', 'crawled')")
    page = ("INSERT INTO raw_pages (source_key, crawl_run_id, url, url_key, http_status, body_sha256, fetch_error,"
            " fetched_at, last_seen_at) VALUES ('s', 1, %s, %s, %s, %s, %s, %s, %s) RETURNING id")
    (raw_id,), = query(page, ("https://example.com/amp/a", key("/a"), 200, "x", None, T, T))
    query(page, ("https://example.com/slow", key("/slow"), None, "y", "timeout", T, T))
    query(page, ("https://example.com/down", key("/down"), 503, "z", None, T, T))
    query(page, ("https://example.com/403", key("/403"), 403, "w", None, T, T))
    query("INSERT INTO articles (url_key, url, canonical_url, source_key, raw_page_id, title, body, extractor,"
          " extractor_version, fetched_at) VALUES (%s, 'https://example.com/a', 'https://example.com/story-a', 's',"
          " %s, 't', 'b', 'generic', '1.0.0', %s)", (key("/story-a"), raw_id, T))
    query("INSERT INTO url_outcomes (source_key, url_key, url, outcome, crawl_run_id, last_crawl_run_id,"
          " first_seen_at, last_seen_at) VALUES ('s', %s, 'https://example.com/private', 'robots_disallowed', 1, 1,"
          " %s, %s), ('s', %s, 'https://example.com/blocked', 'blocked', 1, 1, %s, %s)",
          (key("/private"), T, T, key("/blocked"), T, T))
    state = CrawlState(clean_db, "s", run_id=2)
    try:
        known = state.known([key(p) for p in ("/a", "/story-a", "/slow", "/down", "/403", "/private",
                                               "/blocked", "/new")])
        assert state.crawled_before()
    finally:
        state.close()
    # The AMP URL and the article's rel=canonical share the article's keys; timeouts, 5xx and blocks are
    # tried again on a later run.
    assert set(known) == {key("/a"), key("/story-a"), key("/private")}
    assert known[key("/a")] == T

"""A real Scrapy crawl over loopback of the mirror's three sources (akhbar/mirror.py): the outcome of every URL,
then a second crawl that downloads nothing again, then a page revision found through a sitemap's lastmod."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from akhbar import pipeline
from akhbar.config import Settings
from akhbar.demo_site import DemoSiteProcess
from transforms.urls import url_key

SOURCES = ("mirror_masr", "mirror_sham", "mirror_khaleej")

# Read off the mirror's pages (akhbar/mirror.py) by hand: what a correct crawler records for each URL.
EXPECTED = {
    ("masr.localhost", "/news/2026/01/08/1001"): "fetched",
    ("masr.localhost", "/news/2026/01/08/1002"): "fetched",
    ("masr.localhost", "/news/2026/01/08/1003"): "fetched",
    ("masr.localhost", "/news/2026/01/08/flaky-500"): "fetched",  # 500 twice, then OK
    ("masr.localhost", "/news/2026/01/08/busy-429"): "fetched",  # 429 Retry-After: 1, then OK
    ("masr.localhost", "/news/2026/01/08/cp1256"): "fetched",  # windows-1256, no charset
    ("masr.localhost", "/news/2026/01/08/slow"): "timeout",
    ("masr.localhost", "/news/2026/01/08/truncated"): "truncated",
    ("masr.localhost", "/news/2026/01/08/huge"): "too_large",
    ("masr.localhost", "/news/2026/01/08/moved"): "offsite",  # redirect to elsewhere.localhost
    ("elsewhere.localhost", "/news/2026/01/08/partner"): "offsite",  # offsite link in the feed
    ("masr.localhost", "/private/2026/01/08/members"): "robots_disallowed",
    ("masr.localhost", "/news/2026/01/08/missing"): "http_4xx",  # 404
    ("masr.localhost", "/news/2026/01/08/removed"): "http_4xx",  # 410
    ("masr.localhost", "/news/2026/01/08/down"): "http_5xx",  # 503 every time
    ("masr.localhost", "/news/2026/01/08/photo"): "not_html",  # PNG served as text/html
    ("masr.localhost", "/news/2026/01/08/check"): "blocked",  # captcha page, status 200
    ("masr.localhost", "/news/2026/01/08/forbidden"): "blocked",  # 403
    ("masr.localhost", "/news/2026/01/08/rate-limited"): "blocked",  # 429, Retry-After: 3600
    ("sham.localhost", "/news/2001"): "fetched",  # Atom feed and listing page
    ("sham.localhost", "/news/2002"): "fetched",  # Atom feed
    ("sham.localhost", "/news/2003"): "fetched",  # listing page
    ("sham.localhost", "/news/2004"): "fetched",  # listing page, linked as /amp and with a #fragment
    ("khaleej.localhost", "/2026/01/08/article-3001"): "fetched",  # news sitemap
    ("khaleej.localhost", "/2026/01/08/article-3002"): "fetched",  # news and monthly sitemaps
    ("khaleej.localhost", "/2026/01/07/article-3003"): "fetched",  # monthly sitemap
    ("khaleej.localhost", "/2020/03/17/article-0001"): "fetched",  # monthly sitemap, lastmod 2020
}
DISCOVERY = {
    ("masr.localhost", "/rss.xml"), ("sham.localhost", "/atom.xml"), ("sham.localhost", "/section/politics"),
    ("khaleej.localhost", "/sitemap_index.xml"), ("khaleej.localhost", "/sitemaps/news.xml"),
    ("khaleej.localhost", "/sitemaps/2026-01.xml"),
}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _control(site, path: str):
    request = urllib.request.Request(site.url + path, headers={"Host": "control.localhost"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read()) if path == "/log" else response.read()


def _crawl_all(settings) -> dict:
    counts = {}
    for key in SOURCES:
        run_id = pipeline.start_run(settings, key)
        counts[key] = {"run_id": run_id, **pipeline.crawl(settings, run_id, {"AKHBAR_RETRY_BACKOFF": 0.2})}
    return counts


@pytest.fixture(scope="module")
def crawls(pg_url, query, tmp_path_factory):
    """Three crawls of the mirror, with what the database and the mirror's request log held after each."""
    query("TRUNCATE quarantine, articles, extracted_pages, raw_pages, crawl_runs, sources CASCADE")
    with DemoSiteProcess("127.0.0.1", free_port()) as site:
        # mirror_masr's registry entry sets a 2 s timeout and a 1 MB size limit for its slow and huge pages.
        settings = Settings(database_url=pg_url, demo_port=site.port, data_dir=tmp_path_factory.mktemp("crawl"))
        key = {(h, p): url_key(f"http://{h}:{site.port}{p}") for h, p in [*EXPECTED, *DISCOVERY]}
        out = {"key": key, "port": site.port}
        out["first"] = _crawl_all(settings)
        out["first_log"] = _control(site, "/log")
        out["outcomes"] = {k: (o, d, kind) for k, o, d, kind in query(
            "SELECT url_key, outcome, detail, kind FROM url_outcomes")}
        out["view"] = query("SELECT url, source, outcome, detail, last_seen FROM v_url_outcomes")
        out["raw_pages"] = query("SELECT url_key, body_sha256 FROM raw_pages ORDER BY 1, 2")
        _control(site, "/reset")  # forget the log (and the hit counts)
        out["second"] = _crawl_all(settings)
        out["second_log"] = _control(site, "/log")
        out["raw_pages_after_second"] = query("SELECT url_key, body_sha256 FROM raw_pages ORDER BY 1, 2")
        # A new revision of one article: its sitemap lastmod moves past the stored fetch. And an old article
        # appears in the sitemap: an incremental run takes only recent entries.
        time.sleep(1.1)
        _control(site, "/bump?host=khaleej.localhost&path=/2026/01/07/article-3003")
        _control(site, "/publish?path=/2019/05/01/article-0002&lastmod=2019-05-01T08:00:00%2B00:00")
        run_id = pipeline.start_run(settings, "mirror_khaleej")
        out["third"] = pipeline.crawl(settings, run_id)
        out["third_outcomes"] = dict(query(
            "SELECT url_key, outcome || coalesce(': ' || detail, '') FROM url_outcomes"
                    " WHERE last_crawl_run_id = %s AND kind = 'page'", (run_id,)))
        out["old_key"] = url_key(f"http://khaleej.localhost:{site.port}/2019/05/01/article-0002")
        out["third_revisions"] = query("SELECT url_key, count(*) FROM raw_pages GROUP BY 1 HAVING count(*) > 1")
        out["runs"] = query("SELECT id, source_key, stats FROM crawl_runs ORDER BY id")
    return out


def test_every_url_has_its_expected_outcome(crawls):
    key, outcomes = crawls["key"], crawls["outcomes"]
    got = {hp: outcomes.get(key[hp], (None,))[0] for hp in EXPECTED}
    assert got == EXPECTED
    for hp in DISCOVERY:
        assert outcomes[key[hp]][0] == "fetched", hp


def test_the_view_has_one_row_per_discovered_url_and_nothing_else(crawls):
    view = crawls["view"]
    assert len(view) == len(EXPECTED) + len(DISCOVERY)
    assert len({url for url, *_ in view}) == len(view)
    assert all(outcome and last_seen for _url, _source, outcome, _detail, last_seen in view)
    discovered = sum(run["urls_discovered"] for run in crawls["first"].values())
    assert discovered == len(EXPECTED)
    per_outcome: dict[str, int] = {}
    for outcome in EXPECTED.values():
        per_outcome[outcome] = per_outcome.get(outcome, 0) + 1
    merged: dict[str, int] = {}
    for run in crawls["first"].values():
        for outcome, n in run["outcomes"].items():
            merged[outcome] = merged.get(outcome, 0) + n
    assert merged == per_outcome


def test_blocked_is_told_apart_from_broken(crawls):
    key, outcomes = crawls["key"], crawls["outcomes"]
    assert "captcha" in outcomes[key[("masr.localhost", "/news/2026/01/08/check")]][1]
    assert "Retry-After 3600" in outcomes[key[("masr.localhost", "/news/2026/01/08/rate-limited")]][1]
    assert outcomes[key[("masr.localhost", "/news/2026/01/08/down")]][1] == "HTTP 503 after 2 retries"


def test_retries_backoff_and_retry_after(crawls):
    log = crawls["first_log"]

    def hits(path):
        return [e for e in log if e["path"] == path]

    assert [e["status"] for e in hits("/news/2026/01/08/flaky-500")] == [500, 500, 200]
    busy = hits("/news/2026/01/08/busy-429")
    assert [e["status"] for e in busy] == [429, 200]
    assert busy[1]["at"] - busy[0]["at"] >= 0.95  # Retry-After: 1 was honoured
    assert len(hits("/news/2026/01/08/down")) == 3  # retried twice
    assert len(hits("/news/2026/01/08/missing")) == 1 and len(hits("/news/2026/01/08/removed")) == 1
    assert len(hits("/news/2026/01/08/rate-limited")) == 1  # an hour's Retry-After is not waited for
    assert hits("/private/2026/01/08/members") == []  # robots.txt obeyed
    assert not [e for e in log if e["host"] == "elsewhere.localhost"]  # never left the allowed domains
    assert all("https://github.com/akhbar-news/akhbar" in e["user_agent"] for e in log)


def test_fetched_pages_flow_into_raw_pages(crawls):
    keys = {k for k, _sha in crawls["raw_pages"]}
    key = crawls["key"]
    for hp, outcome in EXPECTED.items():
        if outcome != "offsite" or hp[0] == "masr.localhost":
            # Every URL that was requested has a raw page (a response or the fetch error), as before.
            assert key[hp] in keys, hp
    assert key[("elsewhere.localhost", "/news/2026/01/08/partner")] not in keys


def test_second_crawl_downloads_nothing_again(crawls):
    log = crawls["second_log"]
    assert {(e["host"], e["path"]) for e in log if e["path"] != "/robots.txt"} <= DISCOVERY
    feeds = [e for e in log if e["path"] in ("/rss.xml", "/atom.xml", "/section/politics", "/sitemap_index.xml")]
    assert len(feeds) == 4 and all(e["conditional"] and e["status"] == 304 for e in feeds)
    assert crawls["raw_pages_after_second"] == crawls["raw_pages"]
    for run in crawls["second"].values():
        assert run["pages_fetched"] == 0 and run["pages_new"] == 0
    assert crawls["second"]["mirror_masr"]["discovery"] == {"feed:not_modified": 1}
    assert crawls["second"]["mirror_sham"]["discovery"] == {"feed:not_modified": 1, "listing:not_modified": 1}


def test_sitemap_lastmod_newer_than_the_stored_fetch_is_a_new_revision(crawls):
    third = crawls["third"]
    assert third["outcomes"] == {"fetched": 1, "already_had": 2, "deferred": 1}
    assert third["pages_new"] == 1
    revised = crawls["key"][("khaleej.localhost", "/2026/01/07/article-3003")]
    assert crawls["third_revisions"] == [(revised, 2)]
    # The unchanged news sitemap is skipped by its lastmod in the index, without a request.
    assert third["discovery"] == {"sitemap:fetched": 2, "sitemap:not_modified": 1}


def test_crawl_runs_keep_the_counts(crawls):
    stats = {run_id: stats for run_id, _key, stats in crawls["runs"]}
    first_masr = stats[crawls["first"]["mirror_masr"]["run_id"]]
    assert first_masr["urls_discovered"] == 19
    assert first_masr["outcomes"]["blocked"] == 3
    assert first_masr["crawl"]["batches"] >= 1


def test_an_incremental_run_takes_only_recent_sitemap_entries(crawls):
    outcomes = crawls["third_outcomes"]
    assert outcomes[crawls["old_key"]] == "deferred: lastmod older than 3 days on an incremental run"
    # On the first (full) run the 2020 article was taken.
    assert crawls["outcomes"][crawls["key"][("khaleej.localhost", "/2020/03/17/article-0001")]][0] == "fetched"

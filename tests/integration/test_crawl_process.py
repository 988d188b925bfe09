"""The crawl subprocess, with real Scrapy crawls over loopback of the mirror's bench.localhost sitemap index
(akhbar/mirror.py: 20 child sitemaps listed oldest first, 100 pages each; part-20 is the newest and holds pages
1901-2000, part-19 pages 1801-1900):

- a first run reads the index's newest children first and stops reading children once max_pages is full;
- the time budget (CLOSESPIDER_TIMEOUT) closes Scrapy cleanly: what it fetched is stored, what it had no time
  for is deferred, the run counts as crawled, and the next run is incremental;
- the crawl's log reaches the parent's log while the crawl runs;
- a crawl still running after its budget and grace is stopped by signal and still keeps what it stored.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request

import pytest

from akhbar import pipeline
from akhbar.config import Settings
from akhbar.demo_site import DemoSiteProcess


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

INDEX_SOURCE = """
[[source]]
key = "{key}"
name = "the mirror's bench site through its sitemap index"
country = "XX"
time_zone = "UTC"
home_url = "http://bench.localhost:{{demo_port}}/"
allowed_domains = ["bench.localhost"]
sitemaps = ["http://bench.localhost:{{demo_port}}/sitemap_index.xml"]
article_patterns = ["/article/\\\\d+$"]
download_delay = {delay}
concurrency_per_domain = {concurrency}
max_pages = {max_pages}
"""


@pytest.fixture(scope="module")
def site():
    with DemoSiteProcess("127.0.0.1", free_port()) as site:
        yield site


@pytest.fixture
def crawl_settings(clean_db, site, tmp_path):
    registry = tmp_path / "sources.toml"
    registry.write_text(
        INDEX_SOURCE.format(key="big_index", delay=0.0, concurrency=8, max_pages=150)
        + INDEX_SOURCE.format(key="slow_index", delay=0.25, concurrency=1, max_pages=2000),
        encoding="utf-8")
    _control(site, "/reset")
    return Settings(database_url=clean_db, demo_port=site.port, data_dir=tmp_path, sources_file=registry,
                    download_timeout=10)


def _control(site, path: str):
    request = urllib.request.Request(site.url + path, headers={"Host": "control.localhost"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read()) if path == "/log" else response.read()


def _requested(site) -> list[str]:
    return [e["path"] for e in _control(site, "/log") if e["host"] == "bench.localhost" and e["path"] != "/robots.txt"]


def _outcomes(query, run_id) -> dict[tuple[str, str], int]:
    return {(kind, outcome): n for kind, outcome, n in query(
        "SELECT kind, outcome, count(*) FROM url_outcomes WHERE last_crawl_run_id = %s GROUP BY 1, 2", (run_id,))}


def test_a_first_run_reads_the_newest_child_sitemaps_first_and_only_while_max_pages_has_room(
        crawl_settings, site, query):
    run_id = pipeline.start_run(crawl_settings, "big_index")

    counts = pipeline.crawl(crawl_settings, run_id)

    requested = _requested(site)
    sitemaps = [p for p in requested if not p.startswith("/article/")]
    assert sitemaps == ["/sitemap_index.xml", "/sitemaps/part-20.xml", "/sitemaps/part-19.xml"]
    pages = sorted(int(p.rsplit("/", 1)[1]) for p in requested if p.startswith("/article/"))
    assert pages == [*range(1801, 1851), *range(1901, 2001)]  # the newest 100, then 50 of the next child
    assert counts["pages_fetched"] == 150 and counts["timed_out"] is False
    assert _outcomes(query, run_id) == {
        ("sitemap", "fetched"): 3,
        ("sitemap", "deferred"): 18,  # part-1 .. part-18: never requested
        ("page", "fetched"): 150,
        ("page", "deferred"): 50,  # the rest of part-19
    }
    [(detail,)] = query("SELECT DISTINCT detail FROM url_outcomes WHERE kind = 'sitemap' AND outcome = 'deferred'")
    assert detail == "max_pages=150 reached before this sitemap was read"


def test_the_time_budget_closes_scrapy_cleanly_keeps_what_it_fetched_and_counts_as_crawled(
        crawl_settings, site, query, caplog):
    settings = crawl_settings.with_(crawl_timeout=4, crawl_close_grace=30)
    run_id = pipeline.start_run(settings, "slow_index")
    lines: list[float] = []

    class Clock(logging.Handler):
        def emit(self, record):
            if record.getMessage().startswith("scrapy: "):
                lines.append(time.monotonic())

    clock = Clock()
    logging.getLogger("akhbar.pipeline.crawling").addHandler(clock)
    started = time.monotonic()
    try:
        with caplog.at_level(logging.INFO, logger="akhbar.pipeline.crawling"):
            counts = pipeline.crawl(settings, run_id)
    finally:
        logging.getLogger("akhbar.pipeline.crawling").removeHandler(clock)
    returned = time.monotonic()

    # Closed by the budget (4 s), not by the grace (30 s more) or a signal.
    assert 4 <= returned - started < 20
    assert counts["timed_out"] is True and "stopped" not in counts
    # The log streamed: the first line came long before the crawl ended, and the close is in it.
    assert lines and lines[0] < returned - 2.5
    assert any("closespider_timeout" in r.getMessage() for r in caplog.records)
    # Everything fetched is stored; every page of part-20 has one outcome; nothing is lost.
    [(status,)] = query("SELECT status FROM crawl_runs WHERE id = %s", (run_id,))
    assert status == "crawled"
    [(stored,)] = query("SELECT count(*) FROM raw_pages WHERE crawl_run_id = %s", (run_id,))
    served = [p for p in _requested(site) if p.startswith("/article/")]
    assert 3 <= stored < 100
    assert len(served) - 1 <= stored <= len(served)  # at most the one in flight at the close is not kept
    # The newest child first, and its pages before older children's (Scrapy's own queue is last in, first out).
    children = [p for p in _requested(site) if p.startswith("/sitemaps/")]
    assert children == [f"/sitemaps/part-{n}.xml" for n in range(20, 20 - len(children), -1)]
    assert all(1901 <= int(p.rsplit("/", 1)[1]) <= 2000 for p in served)
    outcomes = _outcomes(query, run_id)
    assert outcomes[("page", "fetched")] == stored
    assert outcomes[("page", "fetched")] + outcomes[("page", "deferred")] == 100 * len(children)
    assert outcomes[("sitemap", "fetched")] == 1 + len(children)
    assert outcomes[("sitemap", "deferred")] == 20 - len(children)
    details = {d for (d,) in query("SELECT DISTINCT detail FROM url_outcomes WHERE outcome = 'deferred' "
                                   "AND kind = 'page'")}
    assert details == {"the crawl's time budget (4 s) ran out before it was fetched"}

    # The next run is incremental: the one cut short counted as crawled. It reads no child sitemap again: the
    # ones read are not modified since, and the others are older than sitemap_recent_days (3), so every entry
    # in them would be too old for an incremental run. (The index's validators are dropped, so that it is read
    # in full rather than answered 304.)
    query("DELETE FROM http_validators WHERE url LIKE %s RETURNING url", ("%/sitemap_index.xml",))
    read = outcomes[("sitemap", "fetched")] - 1
    _control(site, "/reset")
    second = pipeline.start_run(settings, "slow_index")
    pipeline.crawl(settings.with_(crawl_timeout=60), second)
    [(incremental,)] = query("SELECT (stats->'crawl'->>'incremental')::boolean FROM crawl_runs WHERE id = %s",
                             (second,))
    assert incremental is True
    assert _requested(site) == ["/sitemap_index.xml"]
    again = _outcomes(query, second)
    assert again[("sitemap", "fetched")] == 1
    assert again[("sitemap", "not_modified")] == read
    assert again[("sitemap", "deferred")] == 20 - read
    assert query("SELECT DISTINCT detail FROM url_outcomes WHERE last_crawl_run_id = %s AND outcome = 'deferred'",
                 (second,)) == [("lastmod older than 3 days on an incremental run",)]


def test_a_crawl_still_running_after_its_budget_and_grace_is_stopped_and_keeps_what_it_stored(
        crawl_settings, site, query):
    # The budget switched off inside Scrapy, so only the parent's signals can stop it.
    # SIGTERM at 3 + 8 s; Scrapy's graceful shutdown then has 8 s before SIGKILL.
    settings = crawl_settings.with_(crawl_timeout=3, crawl_close_grace=8)
    run_id = pipeline.start_run(settings, "slow_index")
    started = time.monotonic()

    counts = pipeline.crawl(settings, run_id, {"CLOSESPIDER_TIMEOUT": 0})

    assert 11 <= time.monotonic() - started < 19
    assert counts["stopped"].startswith("stopped by SIGTERM after ") and counts["timed_out"] is True
    [(status,)] = query("SELECT status FROM crawl_runs WHERE id = %s", (run_id,))
    assert status == "crawled"
    [(stored,)] = query("SELECT count(*) FROM raw_pages WHERE crawl_run_id = %s", (run_id,))
    assert stored >= 3 and counts["pages_fetched"] == stored
    # Scrapy's graceful shutdown still recorded an outcome for every page it had scheduled.
    outcomes = _outcomes(query, run_id)
    children = outcomes[("sitemap", "fetched")] - 1
    assert outcomes[("page", "fetched")] == stored
    assert outcomes[("page", "fetched")] + outcomes.get(("page", "network_error"), 0) == 100 * children
    assert outcomes[("sitemap", "network_error")] == 20 - children


def test_a_crawl_killed_after_storing_pages_still_counts_as_crawled_before(crawl_settings, query):
    import os
    import signal
    import threading

    settings = crawl_settings.with_(crawl_timeout=120)
    run_id = pipeline.start_run(settings, "slow_index")
    failure: list[BaseException] = []

    def run():
        try:
            pipeline.crawl(settings, run_id, {"AKHBAR_RAW_BATCH_SIZE": 5})
        except BaseException as exc:  # noqa: BLE001 (the test reads it)
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 60
    while query("SELECT count(*) FROM raw_pages WHERE crawl_run_id = %s", (run_id,))[0][0] < 5:
        assert time.monotonic() < deadline, "no page stored within 60 s"
        time.sleep(0.2)
    [scrapy] = [p for p in _children() if "scrapy" in " ".join(p.cmdline()) and f"crawl_run_id={run_id}" in p.cmdline()]
    os.kill(scrapy.pid, signal.SIGKILL)
    thread.join(timeout=60)

    assert isinstance(failure[0], pipeline.CrawlFailed) and "exit -9" in str(failure[0])
    assert query("SELECT status FROM crawl_runs WHERE id = %s", (run_id,)) == [("failed",)]
    [(stored,)] = query("SELECT count(*) FROM raw_pages WHERE crawl_run_id = %s", (run_id,))
    assert stored >= 5
    second = pipeline.start_run(settings, "slow_index")
    pipeline.crawl(settings, second)
    [(incremental,)] = query("SELECT (stats->'crawl'->>'incremental')::boolean FROM crawl_runs WHERE id = %s",
                             (second,))
    assert incremental is True


def _children():
    import psutil

    return psutil.Process().children(recursive=True)

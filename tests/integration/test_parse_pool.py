"""The parse pool under real crashes (``kill -9`` of its worker processes) and the overlapping steps of
``akhbar run``, on the demo mirror and a real PostgreSQL.

Read off the demo feed (tests/integration/test_pipeline.py): 14 pages, 7 articles, 6 quarantined, 1 skipped copy.
"""

from __future__ import annotations

import os
import signal

import psutil
import pytest
from test_faults import (
    DEMO_FINAL,
    LOADABLE,
    TableLock,
    _sql,
    _start,
    _wait_for,
    _waiting_on_lock,
    assert_settled,
    pages,
)

from akhbar import pipeline


def _parse_workers(pid: int) -> list[psutil.Process]:
    """The parse pool's workers under process ``pid``: the children of its fork server."""
    def cmdline(proc: psutil.Process) -> str:
        try:
            return " ".join(proc.cmdline())
        except psutil.Error:  # ended (a zombie until reaped): not a worker to kill
            return ""

    def parent(proc: psutil.Process) -> int | None:
        try:
            return proc.ppid()
        except psutil.Error:  # ended since the tree was listed (seen once: a run of the suite failed on it)
            return None

    tree = psutil.Process(pid).children(recursive=True)
    servers = {p.pid for p in tree if "forkserver" in cmdline(p)}
    return [p for p in tree if parent(p) in servers and cmdline(p)]


def test_kill_9_of_the_parse_workers_mid_run_the_run_still_settles_every_page(settings):
    """The pool's workers are killed while the run is in the middle of a parse batch (its transaction waiting on
    a lock the test holds, after the workers parsed the batch's page). The run notices the broken pool at its next batch, rolls that batch back, parses it
    again on a fresh pool, and ends with every page in one terminal state, each claimed once."""
    url = settings.database_url
    lock = TableLock(url, "quarantine")  # a parse batch (one page) that quarantines its page waits here
    proc = None
    try:
        proc = _start(settings, "demo", AKHBAR_PARSE_BATCH_SIZE=1, AKHBAR_PARSE_WORKERS=2,
                      AKHBAR_LOG_LEVEL="WARNING")
        for _batch in range(14):
            _wait_for(lambda: _waiting_on_lock(url, "parse"), "the parse to wait in the middle", proc=proc)
            workers = _parse_workers(proc.pid)
            if workers:
                break
            # a batch of a page that failed to fetch needs no worker: let it through, stop at the next one
            lock.release()
            lock = TableLock(url, "quarantine")
        assert workers, "no parse worker was started"
        for worker in workers:
            os.kill(worker.pid, signal.SIGKILL)
        psutil.wait_procs(workers, timeout=10)
        in_flight = pages(url)
    except BaseException:
        if proc is not None:  # (a run left behind would hold its tables against the next tests)
            proc.kill()
            proc.wait()
        raise
    finally:
        lock.release()
    assert in_flight.get("pending", 0) > 0  # the kill came with pages still to parse
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "a parse worker died" in err  # the broken pool was met, and a batch rolled back and parsed again
    assert assert_settled(url) == DEMO_FINAL
    assert {t for (t,) in _sql(url, "SELECT title FROM articles")} == LOADABLE
    # each page was claimed once: the retried batch did not count as another attempt
    assert _sql(url, "SELECT max(attempts) FROM raw_pages WHERE parse_status <> 'skipped'") == [(1,)]


def test_a_run_that_judges_and_loads_while_the_crawl_fetches_ends_as_the_steps_one_after_the_other(settings,
                                                                                                   query):
    """A slow crawl (one request at a time, 0.3 s apart, each page stored as it comes) and a load from 1 parsed
    page on: the gate and the load run in parts while the crawl still fetches (the copy of one article and its
    original may fall in different parts: the older one is skipped all the same). The run ends as the demo's
    run always does, and its stats hold the totals of every call."""
    slow = {"DOWNLOAD_DELAY": "0.3", "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "AUTOTHROTTLE_ENABLED": "False",
            "AKHBAR_RAW_BATCH_SIZE": "1"}
    summary = pipeline.run_source(settings.with_(stream_load_pages=1, parse_batch_size=1, parse_workers=2), "demo",
                                  scrapy_settings=slow)
    assert assert_settled(settings.database_url) == DEMO_FINAL
    assert {t for (t,) in query("SELECT title FROM articles")} == LOADABLE
    c = summary.counts
    # 14 pages: 10 staged and 4 quarantined by the parse; of the 10 staged, 1 skipped copy, 2 failing the gate.
    # When the older copy was judged and loaded in an earlier part than the newer one, it counts as judged,
    # valid and loaded too (8 loads of 7 articles), and is skipped after the newer copy's load.
    assert (c["parsed"], c["parse_quarantined"]) == (10, 4)
    assert (c["invalid"], c["skipped_duplicates"]) == (2, 1)
    assert c["valid"] in (7, 8) and c["validated"] == c["valid"] + 2
    assert (c["articles_loaded"], c["articles_new"]) == (c["valid"], 7)
    assert c["loads_while_crawling"] >= 1 and c["loads"] == c["loads_while_crawling"] + 1, c
    assert summary.health == "healthy", summary.health_reason
    assert set(summary.seconds) >= {"crawl", "parse", "validate", "load", "after_crawl"}
    # the pages were claimed once each, though the run claimed again as the crawl stored them
    assert query("SELECT max(attempts) FROM raw_pages WHERE parse_status <> 'skipped'") == [(1,)]


def test_parse_workers_setting(monkeypatch):
    from akhbar.config import _cores, load_settings

    assert load_settings({}).parse_workers == _cores() == len(os.sched_getaffinity(0))
    assert load_settings({"AKHBAR_PARSE_WORKERS": "3"}).parse_workers == 3
    for bad in ("0", "-1", "two"):
        try:
            load_settings({"AKHBAR_PARSE_WORKERS": bad})
        except ValueError as exc:
            assert "AKHBAR_PARSE_WORKERS" in str(exc)
        else:
            raise AssertionError(f"AKHBAR_PARSE_WORKERS={bad} was accepted")


@pytest.mark.parametrize("later", ["newer", "older"])
def test_two_copies_of_an_article_judged_in_different_parts_settle_as_in_one(settings, query, later):
    """The demo's two copies of one article, the ``later`` one judged and loaded in a second part of the run
    (as when the crawl stores it after the first part's load): the newest fetch stands for the article and the
    other copy is skipped naming it, as when both are judged at once."""
    from akhbar.pipeline import lifecycle
    from akhbar.pipeline.parsing import ParsePool, Parser
    from akhbar.pipeline.streaming import _Stream

    run_id = pipeline.start_run(settings, "demo")
    with lifecycle.lease(settings, run_id), ParsePool(1) as pool:
        pipeline.crawl(settings, run_id)
        parser = Parser(settings, run_id, pool)
        parser.claim(adopt=True)
        parser.parse_pending()
        [(ids,)] = query("SELECT array_agg(e.raw_page_id ORDER BY r.fetched_at, r.id) FROM extracted_pages e "
                         "JOIN raw_pages r ON r.id = e.raw_page_id GROUP BY e.url_key HAVING count(*) > 1")
        older, newer = ids
        held_back = newer if later == "newer" else older
        # the held-back copy is not parsed yet when the first part is judged and loaded
        query("DELETE FROM extracted_pages WHERE raw_page_id = %s", (held_back,))
        query("UPDATE raw_pages SET parse_status = 'pending' WHERE id = %s", (held_back,))
        stream = _Stream(settings, run_id, parser, lambda *args: None)
        stream.gate()
        stream.load(crawling=True)
        assert query("SELECT raw_page_id FROM articles WHERE raw_page_id IN (%s, %s)", (older, newer)) == [
            (older if later == "newer" else newer,)]
        assert parser.parse_batch() == 1
        stream.gate()
        stream.load(crawling=False)
    assert assert_settled(settings.database_url) == DEMO_FINAL
    assert query("SELECT parse_status, skip_reason FROM raw_pages WHERE id = %s", (older,)) == [
        ("skipped", f"same article as raw page {newer}")]
    assert query("SELECT count(*) FROM articles WHERE raw_page_id = %s", (newer,)) == [(1,)]
    assert stream.totals()["skipped_duplicates"] == 1


def test_the_parse_workers_and_the_gate_process_run_below_the_run_s_priority(tmp_path):
    """Batch work yields the CPU to the crawl (Settings.worker_nice): the pool's workers and the gate's process
    run ``nice`` steps below this process."""
    from datetime import UTC, datetime

    from test_gate_process import ROWS

    from akhbar.config import Settings, load_settings
    from akhbar.pipeline.parsing import ParsePool
    from akhbar.pipeline.validation import GateProcess

    assert load_settings({}).worker_nice == 10 and load_settings({"AKHBAR_WORKER_NICE": "0"}).worker_nice == 0
    for bad in ("20", "-1", "low"):
        with pytest.raises(ValueError, match="AKHBAR_WORKER_NICE"):
            load_settings({"AKHBAR_WORKER_NICE": bad})
    mine = os.nice(0)
    want = min(19, mine + 5)
    with ParsePool(2, nice=5) as pool:
        # a page that is not HTML: the worker runs and returns the extractor's verdict
        (result,) = pool.map([(1, 1, b"", "text/html", "https://example.com/a", datetime.now(UTC), None, None)])
        assert result[0] in ("parse", "staged")
        assert {psutil.Process(pid).nice() for pid in pool.pids()} == {want}
    with GateProcess(nice=5) as gate:
        gate(Settings(data_dir=tmp_path), ROWS[:1], ["example.com"], "nice")
        assert [psutil.Process(pid).nice() for pid in gate.pids()] == [want]


def test_a_run_killed_with_kill_9_leaves_none_of_its_worker_processes_behind(settings):
    """The parse workers and the gate's process are started by a fork server, so nothing tells them when the
    run's process dies: they watch it (akhbar/pipeline/workers.py) and end within about a second. The run is
    held in its clustering (a lock on stories), after its gate ran, with all three alive, and killed there."""
    url = settings.database_url
    lock = TableLock(url, "stories")
    try:
        proc = _start(settings, "demo", AKHBAR_PARSE_WORKERS=2, AKHBAR_LOG_LEVEL="WARNING")
        _wait_for(lambda: _sql(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND application_name LIKE 'akhbar-%%' AND wait_event_type = 'Lock'")[0][0],
                  "the clustering to wait on the lock", proc=proc)
        workers = _parse_workers(proc.pid)  # the fork server's children: two parse workers and the gate's
        assert len(workers) == 3, workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _gone, alive = psutil.wait_procs(workers, timeout=15)
        assert alive == []
    finally:
        lock.release()

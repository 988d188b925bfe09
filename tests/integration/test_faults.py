"""Fault injection with real crashes: ``kill -9`` of the ``akhbar run`` process during each step, ``kill -9`` of
its Scrapy subprocess, and a PostgreSQL restart during the load (on a throwaway cluster of the test's own, never
the shared server). After each, one more ``akhbar run`` must leave every fetched page in exactly one terminal
state (an article, quarantined with reasons, or skipped with a reason), with no duplicate article and no page
left in flight.

A step is caught in the middle by making it wait for a lock the test holds (a table lock that the step's own
writes need, taken by another session), then crashing it while its transaction is open: no timing guesses.

The page counts before and after each re-run are printed (``pytest -s``) as the fault-injection table.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psutil
import psycopg2
from pgcluster import ThrowawayCluster

ROOT = Path(__file__).resolve().parents[2]
with open(ROOT / "tests" / "fixtures" / "truth.jsonl", encoding="utf-8") as _fh:
    LOADABLE = {t["title"] for t in map(json.loads, _fh) if t["published"]}
# Read off the demo feed (tests/test_pipeline.py): 14 pages, 7 articles, 6 quarantined, 1 skipped copy.
DEMO_FINAL = {"loaded": 7, "quarantined": 6, "skipped": 1}
OPEN = ("pending", "extracted", "validated")


def _env(settings, **extra) -> dict:
    env = dict(os.environ)
    env.update({"AKHBAR_DATABASE_URL": settings.database_url, "AKHBAR_DEMO_PORT": str(settings.demo_port),
                "AKHBAR_DATA_DIR": str(settings.data_dir), "AKHBAR_LOG_LEVEL": "WARNING"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _start(settings, source: str, **extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "akhbar.cli", "run", source], cwd=ROOT, env=_env(settings, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run(settings, source: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "akhbar.cli", "run", source], cwd=ROOT, env=_env(settings, **extra),
                          capture_output=True, text=True, timeout=300, check=False)


def _wait_for(condition, what: str, timeout: float = 90, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"akhbar run ended (exit {proc.returncode}) before {what}: {proc.stderr.read()}")
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _sql(url: str, sql: str, params=None):
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def _waiting_on_lock(url: str, step: str) -> bool:
    return bool(_sql(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND application_name = %s AND wait_event_type = 'Lock'", (f"akhbar-{step}",))[0][0])


class TableLock:
    """Another session holding a table lock (SHARE: reads go on, the step's writes to it wait)."""

    def __init__(self, url: str, table: str):
        self.conn = psycopg2.connect(url)
        with self.conn.cursor() as cur:
            cur.execute(f"LOCK TABLE {table} IN SHARE MODE")

    def release(self) -> None:
        try:
            self.conn.rollback()
        except psycopg2.Error:  # the server restarted under it: the lock is gone with the session
            pass
        finally:
            self.conn.close()


def pages(url: str) -> dict[str, int]:
    return dict(_sql(url, "SELECT parse_status, count(*) FROM raw_pages GROUP BY 1 ORDER BY 1"))


def assert_settled(url: str) -> dict[str, int]:
    """Every fetched page in exactly one terminal state, none in flight, no duplicate article, nothing staged."""
    by_state = pages(url)
    assert not set(by_state) & set(OPEN), f"pages left in flight: {by_state}"
    rows = _sql(url, """
        SELECT r.id, r.parse_status, r.skip_reason IS NOT NULL,
               (SELECT count(*) FROM articles a WHERE a.raw_page_id = r.id),
               (SELECT count(*) FROM quarantine q WHERE q.raw_page_id = r.id AND cardinality(q.reasons) > 0)
        FROM raw_pages r""")
    for page_id, state, skipped, articles, quarantined in rows:
        assert (articles, quarantined, skipped) == {
            "loaded": (1, 0, False), "quarantined": (0, 1, False), "skipped": (0, 0, True)}[state], (page_id, state)
    assert _sql(url, "SELECT count(*), count(DISTINCT url_key), count(DISTINCT raw_page_id) FROM articles") == [
        (by_state.get("loaded", 0),) * 3]
    assert _sql(url, "SELECT count(*) FROM extracted_pages") == [(0,)]
    return by_state


def _record(name: str, before: dict, after: dict) -> None:
    line = f"FAULT {name:<34} before re-run {json.dumps(before, sort_keys=True)}  after {json.dumps(after, sort_keys=True)}"
    print(line)
    with open(os.environ.get("AKHBAR_FAULT_TABLE", os.devnull), "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def _kill(proc: subprocess.Popen) -> list[psutil.Process]:
    """kill -9 the akhbar process; returns its children (an orphaned Scrapy crawl goes on by itself)."""
    children = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    return children


def _scrapy(proc: subprocess.Popen):
    for child in psutil.Process(proc.pid).children(recursive=True):
        try:
            if "scrapy" in " ".join(child.cmdline()):
                return child
        except psutil.NoSuchProcess:
            continue
    return None


def _mirror_log(site) -> list[dict]:
    request = urllib.request.Request(site.url + "/log", headers={"Host": "control.localhost"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


# The mirror's pages are copies of real pages whose canonical URLs name the real sites: the gate quarantines
# them one by one (canonical_off_domain), and with the batch gate off the run goes on to load nothing.
MIRROR_GATE = {"AKHBAR_MAX_FAILURE_RATE": 1.0}


def _rerun_and_check(settings, name: str, source: str = "demo", expect_final: dict | None = DEMO_FINAL,
                     **env) -> dict:
    url = settings.database_url
    before = pages(url)
    done = _run(settings, source, **env)
    assert done.returncode == 0, done.stderr
    after = assert_settled(url)
    if expect_final is not None:
        assert after == expect_final
        assert {t for (t,) in _sql(url, "SELECT title FROM articles")} == LOADABLE
    _record(name, before, after)
    return after


def test_kill_9_during_crawl_then_one_more_run_settles_every_page(settings):
    """The akhbar process dies while its Scrapy subprocess crawls; the crawl gets SIGTERM from the kernel
    (PR_SET_PDEATHSIG) and closes the way it does at its time budget, keeping what it had stored (under the
    dead run, whose lease died with it; killed this early, usually nothing). The next run adopts what was
    stored and fetches only the rest."""
    proc = _start(settings, "demo")
    _wait_for(lambda: _scrapy(proc), "the crawl subprocess", proc=proc)
    orphans = _kill(proc)
    _gone, alive = psutil.wait_procs(orphans, timeout=60)
    assert alive == [], "the crawl outlived the akhbar process that started it"
    stored = pages(settings.database_url)
    assert set(stored) <= {"pending"}
    _rerun_and_check(settings, "kill -9 akhbar run during crawl")
    [(new, adopted)] = _sql(settings.database_url, "SELECT "
                                     "(stats->>'pages_new')::int, (stats->>'adopted')::int "
                                     "FROM crawl_runs ORDER BY id DESC LIMIT 1")
    # every page the dead crawl stored is adopted, and only the others are fetched anew
    assert adopted == stored.get("pending", 0)
    assert new + adopted == 14


def test_kill_9_of_the_scrapy_subprocess_then_one_more_run_settles_every_page(settings, demo_site):
    proc = _start(settings, "mirror_masr", **MIRROR_GATE)
    crawler = _wait_for(lambda: any(e["host"] == "masr.localhost" and e["path"].startswith("/news/")
                                    for e in _mirror_log(demo_site)) and _scrapy(proc),
                        "the crawl to fetch pages", proc=proc)
    crawler.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    [line] = [line for line in err.splitlines() if line.strip()]
    assert line.startswith("akhbar: crawl of mirror_masr failed (exit -9)"), err
    # The killed crawl saved the feed's ETag but stored none of the pages it listed (they were buffered).
    assert _sql(settings.database_url, "SELECT count(*) FROM http_validators") == [(1,)]
    _rerun_and_check(settings, "kill -9 of the Scrapy subprocess", "mirror_masr", expect_final=None, **MIRROR_GATE)
    # The re-run read the feed in full, not as "304 not modified", and fetched the pages it lists (without
    # lifecycle.forget_unfinished_crawls it got a 304 and fetched nothing, for as long as the feed stayed the same).
    [(discovery, fetched)] = _sql(settings.database_url, "SELECT stats->'discovery', (stats->>'pages_fetched')::int "
                                  "FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert discovery == {"feed:fetched": 1} and fetched > 0


def test_kill_9_during_parse_then_one_more_run_settles_every_page(settings):
    url = settings.database_url
    lock = TableLock(url, "quarantine")  # a parse batch (one page) that quarantines its page waits here
    try:
        proc = _start(settings, "demo", AKHBAR_PARSE_BATCH_SIZE=1)
        _wait_for(lambda: _waiting_on_lock(url, "parse"), "the parse to wait in the middle", proc=proc)
        lock.release()  # let that batch through, and stop the parse at the next page it quarantines
        lock = TableLock(url, "quarantine")
        _wait_for(lambda: _waiting_on_lock(url, "parse"), "the parse to wait again", proc=proc)
        _kill(proc)
    finally:
        lock.release()
    by_state = pages(url)
    # parse was under way: pages of each kind (the 4 the parse quarantines are in feed order among the others)
    assert by_state["pending"] > 0 and by_state["quarantined"] >= 1
    _rerun_and_check(settings, "kill -9 akhbar run during parse")
    # each page was claimed once by the killed run and once by the re-run
    assert _sql(url, "SELECT max(attempts) FROM raw_pages WHERE parse_status <> 'skipped'") == [(2,)]


def test_kill_9_during_validate_then_one_more_run_settles_every_page(settings):
    url = settings.database_url
    proc = _start(settings, "demo")
    _wait_for(lambda: _sql(url, "SELECT count(*) FROM crawl_runs WHERE status = 'parsed'")[0][0], "the parse to end",
              proc=proc)
    lock = TableLock(url, "quarantine")  # the gate's verdicts wait here, after GX has run
    try:
        _wait_for(lambda: _waiting_on_lock(url, "validate"), "the gate to wait with its verdicts", proc=proc)
        _kill(proc)
    finally:
        lock.release()
    # 8 real pages, the copy of one of them and the windows-1256 page: staged, not yet judged
    assert pages(url) == {"extracted": 10, "quarantined": 4}
    _rerun_and_check(settings, "kill -9 akhbar run during validate")


def test_kill_9_during_load_then_one_more_run_settles_every_page(settings):
    url = settings.database_url
    lock = TableLock(url, "article_revisions")  # the UPSERT waits here, after the search vectors (clustering follows the load)
    try:
        proc = _start(settings, "demo")
        _wait_for(lambda: _waiting_on_lock(url, "load"), "the load to wait in its transaction", proc=proc)
        _kill(proc)
    finally:
        lock.release()
    assert pages(url) == {"validated": 7, "quarantined": 6, "skipped": 1}  # judged, not loaded
    assert _sql(url, "SELECT count(*) FROM articles") == [(0,)]
    _rerun_and_check(settings, "kill -9 akhbar run during load")


def test_postgresql_restart_during_load_one_line_exit_2_then_one_more_run_settles(demo_site, tmp_path):
    from akhbar import db
    from akhbar.config import Settings

    with ThrowawayCluster() as cluster:
        url = cluster.create_database(f"akhbar_restart_{uuid.uuid4().hex[:6]}")
        db.migrate(url)
        settings = Settings(database_url=url, demo_port=demo_site.port, data_dir=tmp_path)
        lock = TableLock(url, "article_revisions")
        try:
            proc = _start(settings, "demo")
            _wait_for(lambda: _waiting_on_lock(url, "load"), "the load to wait in its transaction", proc=proc)
            cluster.restart()
        finally:
            lock.release()
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 2
        [line] = [line for line in err.splitlines() if line.strip()]
        assert line.startswith("akhbar: lost the database during load of demo (run 1): "), err
        assert line.endswith("; run `akhbar run demo` again to finish it"), err
        print(line)
        assert pages(url) == {"validated": 7, "quarantined": 6, "skipped": 1}
        _rerun_and_check(settings, "PostgreSQL restart during load")

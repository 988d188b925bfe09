"""The crawl step: the Scrapy spider for the run's source, in its own process.

Time limits, from the inside out (``settings.crawl_timeout`` is the crawl's budget, T):

- at T, Scrapy closes itself (``CLOSESPIDER_TIMEOUT``): it stops scheduling, stores the pages it fetched and
  the outcome of every URL (one it had no time for is ``deferred``), and the run counts as crawled;
- at T + ``crawl_close_grace``, a crawl still running gets SIGTERM (Scrapy's own graceful shutdown), and
  SIGKILL one more grace later; what the spider stored so far stays, and the run still counts as crawled;
- the Airflow task's ``execution_timeout`` (``akhbar.airflow_tasks.crawl_task_timeout``) is longer than both.

The spider's log streams into this process's log (the Airflow task log) line by line while it runs.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

from akhbar import db
from akhbar.config import PROJECT_ROOT, Settings
from akhbar.pipeline.runs import get_run, set_status

log = logging.getLogger(__name__)


class CrawlFailed(RuntimeError):
    pass


def _stream(pipe, tail: list[str]) -> None:
    """Log every line of the crawl's output as it comes; keep the last ones for an error message."""
    for line in pipe:
        line = line.rstrip("\n")
        log.info("scrapy: %s", line)
        if line.strip():
            tail.append(line)
            del tail[:-20]
    pipe.close()


def _wait(proc: subprocess.Popen, timeout: float, stop: threading.Event | None) -> str | None:
    """Wait for the crawl to end, at most ``timeout`` seconds; None when it ended, else why it should stop."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        try:
            proc.wait(timeout=max(0.0, min(left, 0.2)) if stop is not None else max(0.0, left))
            return None
        except subprocess.TimeoutExpired:
            if stop is not None and stop.is_set():
                return "asked to stop"
            if left <= 0:
                return "budget"


def _run_scrapy(cmd: list[str], env: dict, settings: Settings,
                stop: threading.Event | None = None) -> tuple[int, str | None, list[str]]:
    """Run the crawl; (exit code, how it was stopped or None, the last lines of its output). Setting ``stop``
    (from another thread) ends the crawl as its budget would: SIGTERM, then SIGKILL after a grace."""
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)
    tail: list[str] = []
    reader = threading.Thread(target=_stream, args=(proc.stdout, tail), name="akhbar-crawl-log", daemon=True)
    reader.start()
    started = time.monotonic()
    stopped = None
    try:
        why = _wait(proc, settings.crawl_timeout + settings.crawl_close_grace, stop)
        if why is None:
            return proc.returncode, None, tail
        waited = time.monotonic() - started
        if why == "budget":
            log.warning("crawl still running %.0f s after its %d s budget: SIGTERM",
                        waited - settings.crawl_timeout, settings.crawl_timeout)
        else:
            log.warning("crawl asked to stop after %.0f s: SIGTERM", waited)
        proc.send_signal(signal.SIGTERM)
        stopped = f"stopped by SIGTERM after {waited:.0f} s"
        try:
            proc.wait(timeout=settings.crawl_close_grace)
        except subprocess.TimeoutExpired:
            log.error("crawl did not stop after SIGTERM: SIGKILL")
            proc.kill()
            proc.wait()
            stopped = f"killed after {time.monotonic() - started:.0f} s"
    except BaseException:  # the task itself is being stopped: do not leave the crawl behind
        proc.kill()
        proc.wait()
        raise
    finally:
        reader.join(timeout=10)
    return proc.returncode, stopped, tail


def crawl(settings: Settings, run_id: int, scrapy_settings: dict | None = None,
          stop: threading.Event | None = None) -> dict:
    """Run the Scrapy spider for the run's source in its own process (Twisted's reactor cannot restart).

    ``scrapy_settings`` overrides Scrapy settings for this crawl (e.g. the benchmark turns politeness off).
    The counts returned (and merged into ``crawl_runs.stats``) say what happened to every URL discovered:
    ``urls_discovered``, ``already_had``, ``outcomes`` (per outcome) and ``discovery`` (feeds, sitemaps,
    listing pages, e.g. ``feed:not_modified``); ``timed_out`` when the time budget ended the crawl.
    ``stop``: an event that, once set by another thread, stops the crawl as its time budget would.
    """
    url = db.database_url(settings)
    run = get_run(url, run_id)
    env = settings.crawl_env(database_url=url)
    env["SCRAPY_SETTINGS_MODULE"] = "spiders.settings"
    env["PYTHONUNBUFFERED"] = "1"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news",
           "-a", f"source={run['source_key']}", "-a", f"crawl_run_id={run_id}",
           "-s", f"CLOSESPIDER_TIMEOUT={settings.crawl_timeout}",
           # the crawl stops when this process dies (spiders.extensions.StopWithParent)
           "-s", f"AKHBAR_PARENT_PID={os.getpid()}"]
    for name, value in (scrapy_settings or {}).items():
        cmd += ["-s", f"{name}={value}"]
    returncode, stopped, tail = _run_scrapy(cmd, env, settings, stop)
    if returncode != 0 and stopped is None:
        error = f"crawl of {run['source_key']} failed (exit {returncode}): " + " | ".join(tail[-5:])
        with db.transaction(url) as cur:
            set_status(cur, run_id, "failed", {}, error[:2000])
        raise CrawlFailed(error)
    with db.transaction(url) as cur:
        cur.execute(db.query("raw_pages_seen_in_run"), {"run_id": run_id})
        new_pages, seen_pages = cur.fetchone()
        crawl_stats = get_run(url, run_id)["stats"].get("crawl", {})
        if crawl_stats.get("write_error"):
            error = f"crawl of {run['source_key']} could not store pages: {crawl_stats['write_error']}"
            set_status(cur, run_id, "failed", {}, error[:2000])
            cur.connection.commit()
            raise CrawlFailed(error)
        outcomes = crawl_stats.get("outcomes", {})
        counts = {"pages_fetched": seen_pages, "pages_new": new_pages,
                  "urls_discovered": crawl_stats.get("urls_discovered", 0),
                  "already_had": outcomes.get("already_had", 0),
                  "outcomes": outcomes, "discovery": crawl_stats.get("discovery", {}),
                  "timed_out": bool(crawl_stats.get("timed_out") or stopped)}
        if stopped:
            counts["stopped"] = stopped
            log.warning("crawl of %s %s; the %d pages it stored are kept", run["source_key"], stopped, seen_pages)
        elif counts["timed_out"]:
            log.warning("crawl of %s reached its %d s budget and closed; %d pages stored, the rest deferred",
                        run["source_key"], settings.crawl_timeout, seen_pages)
        # A crawl cut short by its budget still counts as crawled: the next run is incremental.
        set_status(cur, run_id, "crawled", counts)
    return counts

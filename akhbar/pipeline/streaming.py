"""``akhbar run``: the steps of one run overlapping, the way a streaming pipeline runs.

The crawl (a Scrapy process, :func:`akhbar.pipeline.crawling.crawl`) runs in a thread of this process. Meanwhile
this thread claims the pages the crawl has stored so far, parses them in batches on the parse pool, and runs the
quality gate and the load on what is ready once ``Settings.stream_load_pages`` pages were parsed, then each time
the parsed pages have doubled (at most ten times ``stream_load_pages`` apart: :meth:`_Stream.next_chunk`). When the crawl
has ended, it claims once more (adopting what runs that died left in flight), parses the rest, and runs the gate
and the load one last time. Batches stay the unit of work and of transactions, and the run's lease is held
throughout, so the lifecycle's guarantees are those of the steps run one after the other: a crash anywhere
leaves each page pending, staged or judged, for the next run to adopt.

Each page is claimed once per run (the claims after the first leave out pages the run holds), so a page's
attempts count runs, as before. The steps record their own counts on the run as they go; at the end the run's
stats hold the totals of every call (``merge_crawl_run_stats``).

A quality gate that fails before the crawl has ended stops the crawl (as its time budget would: what it fetched
is stored) and the run ends red; the pages it stored and did not judge are adopted by the next run.

Two copies of one article (a URL variant, a re-fetch) judged in different parts are settled as one part would:
the newest fetch stands for the article and the other is skipped with the page that won (the copy an earlier
part loaded is skipped once the newer copy's load has committed).

The run's stats also count the loads (``loads``) and those that ran before the crawl ended
(``loads_while_crawling``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

from akhbar import db
from akhbar.config import Settings
from akhbar.pipeline.crawling import CrawlFailed, crawl
from akhbar.pipeline.loading import load
from akhbar.pipeline.parsing import ParsePool, Parser
from akhbar.pipeline.runs import set_status
from akhbar.pipeline.validation import GateProcess, judge_rows, validate
from akhbar.quality import QualityGateFailed

log = logging.getLogger(__name__)

# watch(run_id, stage, event, counts): stage is crawl, parse, validate or load; event is "progress" (counts so far;
# for the crawl, a tick while it runs, with no counts) or "done" (the stage's totals, once, in stage order).
Watch = Callable[[int, str, str, dict], None]

_VALIDATE_KEYS = ("validated", "valid", "invalid", "held_by_source_gate", "skipped_duplicates",
                  "held_kept_previous_article")
_LOAD_KEYS = ("articles_loaded", "articles_new", "revisions", "stories_new", "stories_joined")


def _quiet(run_id: int, stage: str, event: str, counts: dict) -> None:
    pass


class _Crawl:
    """The crawl step in a thread: its counts or its exception once it has ended."""

    def __init__(self, settings: Settings, run_id: int, scrapy_settings: dict | None):
        self.stop = threading.Event()
        self.counts: dict | None = None
        self.error: BaseException | None = None
        self.seconds: float | None = None
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, args=(settings, run_id, scrapy_settings), name="akhbar-crawl",
                                        daemon=True)
        self._thread.start()

    def _run(self, settings: Settings, run_id: int, scrapy_settings: dict | None) -> None:
        try:
            self.counts = crawl(settings, run_id, scrapy_settings, stop=self.stop)
        except BaseException as exc:  # noqa: BLE001 handed to the run's thread, which raises it
            self.error = exc
        finally:
            self.seconds = time.monotonic() - self._started

    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def stop_and_wait(self) -> None:
        self.stop.set()
        self._thread.join()


class _Stream:
    """The parse, gate and load of one run while pages arrive, with their totals."""

    def __init__(self, settings: Settings, run_id: int, parser: Parser, watch: Watch, judge=judge_rows):
        self.settings, self.run_id, self.parser, self.watch, self.judge = settings, run_id, parser, watch, judge
        self.validated: Counter = Counter()
        self.loaded: Counter = Counter()
        self.gated_at = 0  # pages parsed when the gate last ran
        self.gate_ran = False
        self.seconds: Counter = Counter()
        self.loads = Counter(loads=0, loads_while_crawling=0)  # calls of the load, and those before the crawl ended
        self.copies_skipped = 0  # copies of an article that parts of the run loaded twice (see gate and load)

    def staged(self) -> int:
        """Pages parsed into staging so far."""
        return self.parser.counts["parsed"]

    def next_chunk(self) -> int:
        """Parsed pages to gather before the next gate and load while the crawl runs: ``stream_load_pages`` at
        first, then as many as were gathered before (so a long run is judged and loaded a logarithmic number
        of times, each call's cost growing with what is stored), at most ten times ``stream_load_pages`` (so
        what is left after the crawl stays small)."""
        first = self.settings.stream_load_pages
        return min(max(first, self.gated_at), 10 * first)

    def parse_batch(self) -> int:
        started = time.monotonic()
        settled = self.parser.parse_batch()
        self.seconds["parse"] += time.monotonic() - started
        if settled:
            self.watch("parse", "progress", dict(self.parser.counts))
        return settled

    def gate(self) -> None:
        """Judge what is staged. A call with no staged page to judge has no verdicts to count (a gate with
        nothing to judge returns the counts it recorded last), so only a call that had pages is added."""
        with db.step_transaction(self.settings, "validate") as cur:
            cur.execute(db.query("skip_copies_loaded_earlier_in_run"), {"run_id": self.run_id})
            self.copies_skipped += cur.rowcount
            cur.execute(db.query("staged_page_count"), {"run_id": self.run_id})
            fresh = not self.gate_ran or cur.fetchone()[0] > 0
        self.gated_at, self.gate_ran = self.staged(), True
        started = time.monotonic()
        counts = validate(self.settings, self.run_id, self.judge)
        self.seconds["validate"] += time.monotonic() - started
        if fresh:
            self.validated.update({k: counts.get(k, 0) for k in _VALIDATE_KEYS})
            self.watch("validate", "progress", self.totals("validate"))

    def load(self, crawling: bool) -> None:
        """Load what the gate passed."""
        self.loads["loads"] += 1
        self.loads["loads_while_crawling"] += crawling
        started = time.monotonic()
        with db.step_transaction(self.settings, "load") as cur:
            cur.execute(db.query("run_pages_a_newer_copy_replaces"), {"run_id": self.run_id})
            replaced = cur.fetchall()
        counts = load(self.settings, self.run_id)
        if replaced:  # a crash just here leaves such a page loaded with its article on the newer copy
            with db.step_transaction(self.settings, "load") as cur:
                cur.execute(db.query("skip_pages_replaced_in_run"), {"old_ids": [old for old, _ in replaced],
                                                                     "new_ids": [new for _, new in replaced]})
                self.copies_skipped += cur.rowcount
        self.seconds["load"] += time.monotonic() - started
        self.loaded.update({k: counts.get(k, 0) for k in _LOAD_KEYS})
        self.watch("load", "progress", self.totals("load"))

    def totals(self, stage: str | None = None) -> dict:
        parts = {"parse": dict(self.parser.counts),
                 "validate": {k: v + (self.copies_skipped if k == "skipped_duplicates" else 0)
                              for k, v in self.validated.items() if v or k != "held_kept_previous_article"},
                 "load": dict(self.loaded)}
        if stage is not None:
            return parts[stage]
        out: dict = dict(self.loads)
        for part in parts.values():
            out |= {k: v for k, v in part.items() if v or k != "held_kept_previous_article"}
        return out

    def record(self) -> None:
        with db.step_transaction(self.settings, "load") as cur:
            cur.execute(db.query("merge_crawl_run_stats"),
                        {"run_id": self.run_id, "stats": json.dumps(self.totals())})


class StreamingRun:
    """One run of ``akhbar run`` with its steps overlapping (see the module docstring). ``step`` names the
    step this thread is in (the crawl's while nothing else is under way), for the error when the database is
    lost. ``scrapy_settings``: overrides for the crawl (see ``crawling.crawl``)."""

    def __init__(self, settings: Settings, run_id: int, watch: Watch | None = None,
                 scrapy_settings: dict | None = None):
        self.settings, self.run_id, self.scrapy_settings = settings, run_id, scrapy_settings
        self._watch = watch or _quiet
        self.step = "crawl"

    def watch(self, stage: str, event: str, counts: dict) -> None:
        self._watch(self.run_id, stage, event, counts)

    def run(self) -> dict:
        """Crawl, parse, validate and load; the caller holds the run's lease. Returns the seconds of each phase:
        ``crawl`` (the crawl's wall time), ``parse``, ``validate`` and ``load`` (this thread's time in each)
        and ``after_crawl`` (from the crawl's end to the end of the last load)."""
        settings, run_id, watch = self.settings, self.run_id, self.watch
        crawler = _Crawl(settings, run_id, self.scrapy_settings)
        stream = None
        try:
            with ParsePool(settings.parse_workers, settings.worker_nice) as pool, \
                    GateProcess(settings.worker_nice) as gate_process:
                self.step = "parse"
                parser = Parser(settings, run_id, pool)
                stream = _Stream(settings, run_id, parser, watch,
                                 gate_process if settings.gate_process else judge_rows)
                parser.claim(adopt=True, fresh_only=True)  # what runs that died left in flight, stored pages
                while crawler.running():
                    watch("crawl", "progress", {})
                    self.step = "parse"
                    parser.claim(adopt=False, fresh_only=True)
                    if not stream.parse_batch():
                        self.step = "crawl"
                        crawler.wait(0.25)  # nothing stored to parse yet
                    elif stream.staged() - stream.gated_at >= stream.next_chunk():
                        self._gate_and_load(stream, crawling=True)
                crawler.wait()
                if crawler.error is not None:
                    self.step = "crawl"
                    raise crawler.error
                crawl_ended = time.monotonic()
                watch("crawl", "done", crawler.counts or {})
                self.step = "parse"
                parser.claim(adopt=True, fresh_only=True)  # the rest, and what runs that died meanwhile left
                while stream.parse_batch():
                    pass
                watch("parse", "done", parser.finish())
                # the last gate, then the last load, each closed as it ends (the progress lines time them)
                self.step = "validate"
                stream.gate()
                watch("validate", "done", stream.totals("validate"))
                self.step = "load"
                stream.load(crawling=False)
                stream.record()
                watch("load", "done", stream.totals("load"))
                return {"crawl": crawler.seconds, **stream.seconds, "after_crawl": time.monotonic() - crawl_ended}
        except BaseException as exc:
            if crawler.running():
                log.warning("stopping the crawl of run %s: %s", run_id, exc.__class__.__name__)
            crawler.stop_and_wait()
            failure = exc if isinstance(exc, CrawlFailed) else crawler.error
            if isinstance(failure, CrawlFailed):
                # The crawl recorded its failure; a step of this thread may have written its status since.
                with db.transaction(db.database_url(settings)) as cur:
                    set_status(cur, run_id, "failed", {}, str(failure)[:2000])
            elif isinstance(exc, QualityGateFailed) and stream is not None:
                stream.record()  # the gate recorded the run's failure; these are the totals up to it
            raise

    def _gate_and_load(self, stream: _Stream, crawling: bool) -> None:
        self.step = "validate"
        stream.gate()
        self.step = "load"
        stream.load(crawling)

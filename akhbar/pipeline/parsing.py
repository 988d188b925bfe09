"""The parse step: the run claims its pages (its own, and those of its source's runs that died: see
``lifecycle``), then every claimed pending page goes through ``transforms.extract``, staged for the quality
gate or quarantined with the reason it could not parse. A sample of the parsed pages also gets trafilatura's
reading beside ours (``akhbar.second_opinion``), recorded for the run's health verdict.

The per-page work (decoding, extraction, the staged row, the second opinion) runs in a pool of
``Settings.parse_workers`` processes (:class:`ParsePool`); this process reads a batch of pages, hands them to
the pool and writes the batch's results in one transaction. A worker that dies (killed, out of memory) breaks
the pool: the batch's transaction is rolled back, so its pages stay pending, and the batch is tried again on a
fresh pool. A batch that breaks the pool twice in a row is parsed one page at a time, and a page that kills
its worker on its own is quarantined as ``extractor_crashed``, like a page the extractor raised on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
from concurrent.futures.process import BrokenProcessPool

from akhbar import db, second_opinion
from akhbar.config import Settings
from akhbar.pipeline import lifecycle
from akhbar.pipeline.runs import get_run, quarantine_row, set_status
from akhbar.pipeline.workers import WorkerPool, start_worker
from akhbar.sources import get_source

log = logging.getLogger(__name__)

# Imported once by the pool's fork server, so each worker starts with them loaded.
_WORKER_PRELOAD = ["transforms", "akhbar.second_opinion"]



def _text_array(values) -> str:
    """A list of strings as a PostgreSQL array literal (COPY then escapes its backslashes once more)."""
    return "{" + ",".join("NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
                          for v in values or ()) + "}"


def staged_row(page_id: int, run_id: int, source_key: str, article, url_key: str | None = None) -> tuple:
    """The staging row of one parsed article, in the column order of ``stage_extracted_pages.sql``: the fields
    the load writes to ``articles``, and the md5 of ``body_norm`` (its content hash). ``article`` is a
    ``transforms.Article`` or its ``to_dict()`` form; ``url_key`` defaults to the key of its canonical URL.
    Pure (no database): a parse worker process can build it."""
    import transforms

    if not isinstance(article, dict):
        article = article.to_dict()
    get = article.get
    canonical = get("canonical_url") or get("url")
    body_norm = get("body_norm") or ""
    return (page_id, run_id, source_key, url_key if url_key is not None else transforms.url_key(canonical),
            get("url"), canonical, get("title"), get("body"), _text_array(get("authors")), get("section"),
            _text_array(get("tags")), get("language"), json.dumps(get("images") or [], ensure_ascii=False),
            get("published_at"), get("published_raw"), get("modified_at"), get("modified_raw"),
            get("agency") or None, get("dateline") or None, get("title_norm") or "", body_norm,
            get("extractor") or "generic", get("extractor_version") or "0",
            hashlib.md5(body_norm.encode("utf-8")).hexdigest())


def stage_extracted(cur, rows) -> None:
    """Stage parse results for the quality gate and the load: rows built by :func:`staged_row`. A page staged
    before (a re-parse) is replaced. COPY, because the article texts are most of what a parse writes; the
    caller holds the raw pages' locks (pending_raw_pages), so deleting their old staging rows first is an
    UPSERT."""
    rows = list(rows)
    cur.execute(db.query("unstage_pages"), {"ids": [row[0] for row in rows]})
    db.copy_rows(cur, "stage_extracted_pages", rows)


def parse_page(job: tuple) -> tuple:
    """The work on one fetched page, in a parse worker: ``job`` is (page id, run id, body bytes, content type,
    address, fetched_at, SourceInfo, second opinion sampling: None for off, else whether it is the source's
    first run). Returns ("staged", staged row, second opinion or None) or ("parse", reasons, details)."""
    import transforms

    page_id, run_id, body, content_type, address, fetched_at, info, first_run = job
    try:
        html = transforms.decode_html(body or b"", content_type)
        article = transforms.extract(html, address, fetched_at, info)
    except transforms.ExtractionError as exc:
        return ("parse", [exc.code], {"detail": exc.detail})
    except Exception as exc:  # noqa: BLE001 an extractor bug must not lose the page or stop the run
        return ("parse", ["extractor_crashed"], {"detail": f"{exc.__class__.__name__}: {exc}"[:2000],
                                                 "traceback": traceback.format_exc()[-4000:]})
    row = staged_row(page_id, run_id, info.key, article)
    opinion = None
    if first_run is not None and second_opinion.sampled(row[3], first_run):
        try:
            opinion = second_opinion.compare(article, html, address)
        except Exception:  # noqa: BLE001 the second opinion is advice: its failure must not cost the page
            opinion = traceback.format_exc()[-4000:]
    return ("staged", row, opinion)


def _warm(nice: int = 0, run_pid: int | None = None) -> None:
    """Worker start (:func:`akhbar.pipeline.workers.start_worker`), then import what every page needs before the
    first page arrives."""
    start_worker(nice, run_pid)
    for name in _WORKER_PRELOAD:
        __import__(name)


class ParseWorkersFailed(RuntimeError):
    """The parse pool cannot run at all (its workers die whatever they are given)."""


class ParsePool(WorkerPool):
    """``workers`` parse processes (:class:`akhbar.pipeline.workers.WorkerPool`), replaced when one of them
    dies."""

    def __init__(self, workers: int, nice: int = 0):
        super().__init__(workers, nice, initializer=_warm)
        self._context.set_forkserver_preload(_WORKER_PRELOAD)

    def map(self, jobs: list[tuple]) -> list[tuple]:
        """:func:`parse_page` of every job, in order; raises BrokenProcessPool when a worker died."""
        if not jobs:
            return []
        chunk = max(1, min(16, len(jobs) // (self.workers * 4)))
        return list(self._pool().map(parse_page, jobs, chunksize=chunk))


class Parser:
    """The parse step's state for one run: its source, its pool, whether the second opinion reads every page.
    :meth:`claim` takes pages; :meth:`parse_batch` parses one batch of the claimed pending ones."""

    def __init__(self, settings: Settings, run_id: int, pool: ParsePool):
        import transforms

        self.settings, self.run_id, self.pool = settings, run_id, pool
        run = get_run(db.database_url(settings), run_id)
        source = get_source(settings, run["source_key"])
        self.source_key = source.key
        self.info = transforms.SourceInfo(key=source.key, time_zone=source.time_zone, locale=source.locale)
        self.first_run: bool | None = None
        self.counts = {"parsed": 0, "parse_quarantined": 0, "second_opinions": 0, "adopted": 0,
                       "attempts_exhausted": 0}
        self._opinions_checked = False

    def claim(self, *, adopt: bool, fresh_only: bool = False) -> dict:
        """Claim pages for the run (``lifecycle.claim``); ``fresh_only``: only those it has not claimed yet
        (the pages a running crawl stored since the last claim), so no page's attempt is counted twice."""
        with db.step_transaction(self.settings, "parse") as cur:
            claimed = lifecycle.claim(cur, self.settings, self.run_id, self.source_key, adopt=adopt,
                                      fresh_only=fresh_only)
            if not self._opinions_checked:
                self.first_run = (second_opinion.first_run(cur, self.source_key, self.run_id)
                                  if self.settings.second_opinion else None)
                self._opinions_checked = True
        self.counts["adopted"] += claimed["adopted"]
        self.counts["attempts_exhausted"] += claimed["attempts_exhausted"]
        return claimed

    def parse_batch(self) -> int:
        """Parse one batch of the run's claimed pending pages, in one transaction; returns how many pages it
        settled (0: none were pending)."""
        for attempt in (1, 2):
            try:
                return self._batch(isolate=False)
            except BrokenProcessPool:
                log.warning("a parse worker died (attempt %d of the batch): the batch was rolled back and its "
                            "pages are pending; starting a fresh pool", attempt)
                self.pool.restart()
        return self._batch(isolate=True)

    def _batch(self, isolate: bool) -> int:
        run_id, key = self.run_id, self.source_key
        with db.step_transaction(self.settings, "parse") as cur:
            cur.execute(db.query("pending_raw_pages"), {"run_id": run_id, "limit": self.settings.parse_batch_size})
            pages = cur.fetchall()
            if not pages:
                return 0
            staged, quarantined, opinions = [], [], []
            jobs, urls = [], {}
            for page_id, page_url, final_url, status, content_type, body, fetch_error, fetched_at in pages:
                if fetch_error:
                    quarantined.append(quarantine_row(run_id, key, page_id, page_url, "fetch",
                                                       [fetch_error.split(":")[0]], {"error": fetch_error}))
                elif status is not None and status >= 400:
                    quarantined.append(quarantine_row(run_id, key, page_id, page_url, "fetch",
                                                       [f"http_{status}"], {"http_status": status}))
                else:
                    urls[page_id] = page_url
                    jobs.append((page_id, run_id, bytes(body or b""), content_type, final_url or page_url,
                                 fetched_at, self.info, self.first_run))
            del pages
            for job, result in zip(jobs, self._run(jobs, isolate)):
                page_id, page_url = job[0], urls[job[0]]
                if result[0] == "staged":
                    staged.append(result[1])
                    if isinstance(result[2], str):
                        log.error("second opinion failed on %s:\n%s", page_url, result[2])
                    elif result[2] is not None:
                        opinions.append((page_id, page_url, result[2]))
                    continue
                _stage, reasons, details = result
                if "traceback" in details:
                    log.error("extractor crashed on %s:\n%s", page_url, details.pop("traceback"))
                quarantined.append(quarantine_row(run_id, key, page_id, page_url, "parse", reasons, details))
            import transforms

            second_opinion.record(cur, run_id, key, opinions)
            if staged:
                stage_extracted(cur, staged)
                lifecycle.set_state(cur, [row[0] for row in staged], "extracted", transforms.EXTRACTOR_VERSION)
            lifecycle.quarantine(cur, quarantined, extractor_version=transforms.EXTRACTOR_VERSION)
        self.counts["parsed"] += len(staged)
        self.counts["parse_quarantined"] += len(quarantined)
        self.counts["second_opinions"] += len(opinions)
        return len(staged) + len(quarantined)

    def _run(self, jobs: list[tuple], isolate: bool) -> list[tuple]:
        if not isolate:
            return self.pool.map(jobs)
        results = []
        for job in jobs:  # one page at a time: the page that kills its worker is the one to quarantine
            try:
                results.extend(self.pool.map([job]))
            except BrokenProcessPool:
                self.pool.restart()
                self._probe()
                log.error("a parse worker died on page %s on its own: quarantined", job[0])
                results.append(("parse", ["extractor_crashed"],
                                {"detail": "the parse worker process died while parsing this page"}))
        return results

    def _probe(self) -> None:
        """A worker died on one page: make sure a fresh worker can parse at all (an empty page, which the
        extractor rejects) before blaming the page. Raises when it cannot (the batch is rolled back)."""
        try:
            self.pool.map([(0, self.run_id, b"", "text/html", "http://probe.invalid/", None, self.info, None)])
        except BrokenProcessPool as exc:
            self.pool.restart()
            raise ParseWorkersFailed("the parse workers die even on an empty page: no page is blamed, the "
                                     "batch's pages stay pending") from exc

    def parse_pending(self) -> None:
        """Parse batches until no claimed page is pending."""
        while self.parse_batch():
            pass

    def finish(self) -> dict:
        """Record the parse counts on the run (status ``parsed``)."""
        with db.step_transaction(self.settings, "parse") as cur:
            set_status(cur, self.run_id, "parsed", self.counts)
        return dict(self.counts)


def parse(settings: Settings, run_id: int, *, adopt: bool = True) -> dict:
    """Claim the run's pages, extract every pending one; stage articles, quarantine what cannot parse.

    ``adopt``: also claim the in-flight pages of the source's runs that died (a maintenance re-parse, which
    works on the pages it reset, passes False).
    """
    with lifecycle.lease(settings, run_id), ParsePool(settings.parse_workers, settings.worker_nice) as pool:
        parser = Parser(settings, run_id, pool)
        parser.claim(adopt=adopt)
        parser.parse_pending()
        return parser.finish()

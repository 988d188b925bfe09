"""The validate step: the Great Expectations gate over a run's staged pages.

A call reads and judges the run's staged pages in batches of ``Settings.validate_batch_size`` (keyset order,
one transaction for the whole call), so its memory is bounded whatever the run's size: what it keeps across
batches is a count of pages per (source, failed checks), the evidence of the batch-level gate.

Partial runs: ``akhbar run`` calls the gate while the run's crawl and parse are still producing pages. Each
call judges what is staged now (pages an earlier call passed and the load has not taken yet are judged again);
the batch-level gate's failure rate is computed over the pages this call judged plus the run's extraction
failures, so a source is held back as soon as the pages judged so far fail too often (with at least
``Settings.gate_min_pages`` of them), and pages an earlier call passed and the load already took are not
recalled.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta

from akhbar import db
from akhbar.config import Settings
from akhbar.pipeline import lifecycle
from akhbar.pipeline.runs import get_run, quarantine_row, set_status
from akhbar.pipeline.workers import WorkerPool
from akhbar.sources import get_source

log = logging.getLogger(__name__)


def _on_domains(url: str | None, domains) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url or "").hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in (d.lower().lstrip(".") for d in domains))


def validation_frame(rows, allowed_domains=None):
    """The DataFrame the quality suite runs on, from (raw_page_id, url_key, article, fetched_at) rows.

    ``allowed_domains``: the domains a canonical URL may name (None: not checked).
    """
    import pandas as pd

    from transforms.text import arabic_letter_ratio

    records, published, fetched = [], [], []
    for raw_page_id, key, article, fetched_at in rows:
        language = (article.get("language") or "").split("-")[0].split("_")[0].strip().lower() or None
        canonical = article.get("canonical_url") or article.get("url")
        published.append(article.get("published_at") or None)
        fetched.append(fetched_at)
        records.append({
            "raw_page_id": raw_page_id,
            "url_key": key,
            "title": article.get("title") or None,
            "body": article.get("body") or None,
            "arabic_ratio": arabic_letter_ratio(article.get("body")),
            "language": language,
            "canonical_on_allowed_domain": True if allowed_domains is None else _on_domains(canonical,
                                                                                             allowed_domains),
        })
    frame = pd.DataFrame.from_records(records, columns=[
        "raw_page_id", "url_key", "title", "body", "arabic_ratio", "language", "canonical_on_allowed_domain"])
    # The times are converted a column at a time (ISO 8601 text or datetimes): converting them one by one made
    # pandas guess each value's format, most of the frame's cost.
    stamps = pd.to_datetime(pd.Series(published, dtype=object), utc=True, format="ISO8601")
    frame.insert(5, "published_at", stamps)
    frame.insert(6, "published_after_fetch_s",
                 (stamps - pd.to_datetime(pd.Series(fetched, dtype=object), utc=True, format="ISO8601"))
                 / timedelta(seconds=1))
    frame.insert(7, "published_year", stamps.dt.year.astype("float64"))
    frame["published_after_fetch_s"] = frame["published_after_fetch_s"].astype("float64")
    frame["canonical_on_allowed_domain"] = frame["canonical_on_allowed_domain"].astype(bool)
    return frame


def judge_rows(settings: Settings, rows: list[tuple], allowed_domains, run_name: str) -> dict[int, list[str]]:
    """The Great Expectations suite over one source's (raw_page_id, url_key, article, fetched_at) rows: the
    failed reason codes per raw page id. Runs where it is called: in this process, or in a :class:`GateProcess`."""
    from akhbar import quality

    return quality.validate_frame(validation_frame(rows, allowed_domains), settings, run_name=run_name)


Judge = Callable[[Settings, list, object, str], dict]


class GateProcess(WorkerPool):
    """The gate's Great Expectations work in one process of its own, kept for the life of this object.

    Great Expectations and pandas hold about 250 MB once imported, and the suite's working memory grows with
    the batch, so ``akhbar run``, whose own process also parses, loads and clusters, keeps that memory out of
    its own. The process is started by a fork server (never a fork of this process, which holds database
    connections and threads), on the first call. If it dies (``kill -9``, out of memory), the call is made
    once more on a fresh process; a second death raises, and the gate's transaction rolls back as for any
    error, leaving the pages staged for the next run. ``nice``: as the parse workers' (``Settings.worker_nice``).
    """

    def __init__(self, nice: int = 0):
        super().__init__(1, nice)

    def __call__(self, settings: Settings, rows: list, allowed_domains, run_name: str) -> dict[int, list[str]]:
        for attempt in (1, 2):
            try:
                return self._pool().submit(judge_rows, settings, rows, allowed_domains, run_name).result()
            except BrokenProcessPool:
                self.restart()
                if attempt == 2:
                    raise RuntimeError("the quality gate's process died twice on the same batch") from None
                log.warning("the quality gate's process died; judging the batch again on a new one")
        raise AssertionError("unreachable")


def validate(settings: Settings, run_id: int, judge: Judge = judge_rows) -> dict:
    """Run the quality gate on the run's staged pages; failures go to quarantine with their reasons.

    Row level: each failing page is quarantined with one reason code per failed check. Batch level: when a
    source's share of failing pages (including pages the extractor could not parse) passes
    ``settings.max_failure_rate``, all of that source's pages in the run are held back (the passing ones
    quarantined as ``source_gate_failed``, so nothing is silently dropped; a page that already backs an
    article, as in a re-parse, keeps its article instead), the verdicts are committed, the run's health
    becomes ``broken_extractor``, and :class:`akhbar.quality.QualityGateFailed` is raised naming the source
    and its dominant reason: the Airflow task turns red. Healthy sources' pages become ``validated``.

    Running it again on the same run reaches the same verdict while its pages are staged; a finished run
    (nothing staged, no parse failure since the last verdict) keeps the verdict it had.

    ``judge`` runs the suite over a batch of one source's pages: :func:`judge_rows` here, or a
    :class:`GateProcess`.
    """
    with lifecycle.lease(settings, run_id):
        return _validate(settings, run_id, judge)


def _pages(tally: Counter) -> Iterator[tuple[str, list[str]]]:
    """The gate's evidence, page by page, from counts of pages per (source, failed checks)."""
    for (source_key, reasons), pages in tally.items():
        for _ in range(pages):
            yield source_key, list(reasons)


def _validate(settings: Settings, run_id: int, judge: Judge) -> dict:
    from akhbar import quality

    run = get_run(db.database_url(settings), run_id)
    by_reason = {c.reason: c.describe() for c in quality.checks(settings)}
    domains: dict[str, tuple] = {}
    tally: Counter = Counter()  # (source_key, failed checks) -> pages this call judged
    counts = Counter()
    with db.step_transaction(settings, "validate") as cur:
        # Two pages of one article in a run (a re-fetch, a URL variant, a page taken over from a dead run) are
        # not bad pages: the newest is validated and the others are skipped with a reason, before the gate's
        # unique-URL check sees them. This is the one place that chooses the newest staged copy per URL key.
        cur.execute(db.query("skip_superseded_pages"), {"run_id": run_id})
        counts["skipped_duplicates"] = cur.rowcount
        # The verdicts of the gate's earlier calls on this run count too (akhbar run judges a run in parts while
        # its crawl fetches): read before this call judges anything, so none of its own verdicts counts twice.
        cur.execute(db.query("run_prior_verdicts"), {"run_id": run_id})
        for source_key, reasons in cur.fetchall():
            tally[(source_key, tuple(reasons))] += 1
        after, batches = 0, 0
        while True:
            cur.execute(db.query("extracted_for_validation"),
                        {"run_id": run_id, "after": after, "limit": settings.validate_batch_size})
            rows = cur.fetchall()
            if not rows:
                break
            after, batches = rows[-1][0], batches + 1
            _judge_batch(cur, settings, run_id, rows, batches, domains, by_reason, tally, counts, judge)
        # Pages the extractor already gave up on count as failures too: a broken extractor may raise instead
        # of returning empty fields. Once the run was judged and nothing is staged any more, only failures
        # after that verdict are new evidence.
        since = run["judged_at"] if not batches else None
        cur.execute(db.query("run_extraction_failures"), {"run_id": run_id, "since": since})
        extraction_failures = cur.fetchall()
        if not batches and not extraction_failures and run["judged_at"] is not None:
            if run["health"] == "broken_extractor":  # the verdict it had stands
                raise quality.QualityGateFailed(run["health_reason"])
            return {k: run["stats"].get(k, 0) for k in
                    ("validated", "valid", "invalid", "held_by_source_gate", "skipped_duplicates")}
        for source_key, reasons, pages in extraction_failures:
            tally[(source_key, tuple(reasons))] += pages
        verdicts = quality.source_verdicts(_pages(tally), settings)
        broken = {key: v for key, v in verdicts.items() if v.broken}
        if broken:
            _hold_back(cur, settings, run_id, broken, counts)
        result = {"validated": counts["validated"], "valid": counts["passed"] - counts["held"],
                  "invalid": counts["invalid"], "held_by_source_gate": counts["held"],
                  "skipped_duplicates": counts["skipped_duplicates"]}
        if counts["kept"]:
            result["held_kept_previous_article"] = counts["kept"]
        error = "; ".join(v.message() for v in broken.values()) or None
        set_status(cur, run_id, "failed" if broken else "validated", result, error)
        cur.execute(db.query("set_run_health") if broken else db.query("mark_run_judged"),
                    {"run_id": run_id, "health": "broken_extractor", "reason": error, "judged": True})
    if broken:
        log.error("quality gate: %s", error)
        raise quality.QualityGateFailed(error)
    return result


def _judge_batch(cur, settings: Settings, run_id: int, rows, batch: int, domains: dict, by_reason: dict,
                 tally: Counter, counts: Counter, judge: Judge) -> None:
    """The row-level checks on one batch of staged pages: the failing ones are quarantined with their reasons,
    the others become ``validated`` (until the batch-level gate says otherwise)."""
    failed: dict[int, list[str]] = {}
    for source_key in sorted({r[9] for r in rows}):
        if source_key not in domains:
            source = get_source(settings, source_key)
            domains[source_key] = source.canonical_domains or source.allowed_domains
        mine = [(page_id, key, {"url": url, "canonical_url": canonical, "title": title, "body": body,
                                "published_at": published, "language": language}, fetched)
                for page_id, key, url, canonical, title, body, published, language, fetched, key_of_source in rows
                if key_of_source == source_key]
        # one data docs site per source and call, and one more per later batch of the call
        name = f"crawl_run_{run_id}_{source_key}" + (f"_part{batch}" if batch > 1 else "")
        failed |= judge(settings, mine, domains[source_key], name)
        del mine
    statuses, quarantined, valid = [], [], []
    for page_id, _key, url, _canonical, title, _body, _published, _language, _fetched, source_key in rows:
        reasons = failed.get(page_id) or []
        tally[(source_key, tuple(reasons))] += 1
        statuses.append((page_id, "invalid" if reasons else "valid", reasons))
        if reasons:
            quarantined.append(quarantine_row(run_id, source_key, page_id, url, "validate", reasons,
                                              {"title": title,
                                               "failed_expectations": [by_reason[r] for r in reasons]}))
        else:
            valid.append(page_id)
    db.execute_values(cur, "set_validation_status", statuses, template="(%s, %s, %s::text[])")
    lifecycle.set_state(cur, valid, "validated")
    lifecycle.quarantine(cur, quarantined)
    counts["validated"] += len(rows)
    counts["passed"] += len(valid)
    counts["invalid"] += len(quarantined)


def _hold_back(cur, settings: Settings, run_id: int, broken: dict, counts: Counter) -> None:
    """The batch-level gate failed for the ``broken`` sources: their staged pages that passed are quarantined
    as ``source_gate_failed``, so nothing is silently dropped; a page that already backs an article (a
    re-parse) keeps its article instead. In batches, like the row-level checks."""
    from akhbar import quality

    after = 0
    while True:
        cur.execute(db.query("held_by_source_gate"), {"run_id": run_id, "sources": sorted(broken), "after": after,
                                                      "limit": settings.validate_batch_size})
        rows = cur.fetchall()
        if not rows:
            return
        after = rows[-1][0]
        keep_article = lifecycle.standing_articles(cur, [r[0] for r in rows])
        # A re-parse held back by the source gate: the page keeps the article it already backs.
        lifecycle.set_state(cur, keep_article, "loaded")
        if keep_article:
            cur.execute(db.query("unstage_pages"), {"ids": list(keep_article)})
        lifecycle.quarantine(cur, [
            quarantine_row(run_id, source_key, page_id, url, "validate", [quality.SOURCE_GATE_REASON],
                           {"title": title, "source_gate": broken[source_key].message()})
            for page_id, url, title, source_key in rows if page_id not in keep_article])
        counts["held"] += len(rows)
        counts["kept"] += len(keep_article)

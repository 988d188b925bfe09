"""The pipeline steps that both the CLI and the Airflow DAGs call.

    start_run -> crawl -> parse -> validate -> load

Each step takes the Settings and a crawl run id, works on what the database holds for that run, and returns
counts. Steps are safe to repeat: every write is an UPSERT on a natural key, and each step's writes are one
transaction.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta

from akhbar import db
from akhbar.config import PROJECT_ROOT, Settings
from akhbar.sources import Source, get_source

log = logging.getLogger(__name__)


class CrawlFailed(RuntimeError):
    pass


def _run_status(cur, run_id: int, status: str, stats: dict, error: str | None = None) -> None:
    cur.execute(
        db.query("set_crawl_run_status"),
        {"run_id": run_id, "status": status, "stats": json.dumps(stats), "error": error},
    )


def register_source(cur, source: Source) -> None:
    config = {
        "country": source.country,
        "locale": source.locale,
        "feeds": list(source.feeds),
        "allowed_domains": list(source.allowed_domains),
        "schedule": source.schedule,
        "extractor": source.extractor,
    }
    cur.execute(
        db.query("upsert_source"),
        {
            "key": source.key,
            "name": source.name,
            "home_url": source.home_url,
            "time_zone": source.time_zone,
            "language": source.language,
            "config": json.dumps(config, ensure_ascii=False),
        },
    )


def start_run(settings: Settings, source_key: str, run_label: str | None = None) -> int:
    """Register the source and open a crawl run (the same ``run_label`` reuses its run)."""
    source = get_source(settings, source_key)
    with db.transaction(db.database_url(settings)) as cur:
        register_source(cur, source)
        cur.execute(db.query("start_crawl_run"), {"source_key": source.key, "run_label": run_label})
        (run_id,) = cur.fetchone()
    return run_id


def _get_run(url: str, run_id: int) -> dict:
    with db.transaction(url) as cur:
        cur.execute(db.query("get_crawl_run"), {"run_id": run_id})
        row = cur.fetchone()
        if row is None:
            raise LookupError(f"no crawl run {run_id}")
        cols = [c.name for c in cur.description]
    return dict(zip(cols, row))


def crawl(settings: Settings, run_id: int, scrapy_settings: dict | None = None) -> dict:
    """Run the Scrapy spider for the run's source in its own process (Twisted's reactor cannot restart).

    ``scrapy_settings`` overrides Scrapy settings for this crawl (e.g. the benchmark turns politeness off).
    The counts returned (and merged into ``crawl_runs.stats``) say what happened to every URL discovered:
    ``urls_discovered``, ``already_had``, ``outcomes`` (per outcome) and ``discovery`` (feeds, sitemaps,
    listing pages, e.g. ``feed:not_modified``).
    """
    url = db.database_url(settings)
    run = _get_run(url, run_id)
    env = settings.child_env(database_url=url)
    env["SCRAPY_SETTINGS_MODULE"] = "spiders.settings"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news",
           "-a", f"source={run['source_key']}", "-a", f"crawl_run_id={run_id}"]
    for name, value in (scrapy_settings or {}).items():
        cmd += ["-s", f"{name}={value}"]
    try:
        proc = subprocess.run(
            cmd, check=False, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=settings.crawl_timeout
        )
    except subprocess.TimeoutExpired as exc:
        error = f"crawl of {run['source_key']} exceeded {settings.crawl_timeout} s"
        with db.transaction(url) as cur:
            _run_status(cur, run_id, "failed", {}, error)
        raise CrawlFailed(error) from exc
    for line in proc.stderr.splitlines():
        log.info("scrapy: %s", line)
    if proc.returncode != 0:
        tail = [line for line in proc.stderr.splitlines() if line.strip()][-5:]
        error = f"crawl of {run['source_key']} failed (exit {proc.returncode}): " + " | ".join(tail)
        with db.transaction(url) as cur:
            _run_status(cur, run_id, "failed", {}, error[:2000])
        raise CrawlFailed(error)
    with db.transaction(url) as cur:
        cur.execute(db.query("raw_pages_seen_in_run"), {"run_id": run_id})
        new_pages, seen_pages = cur.fetchone()
        crawl_stats = _get_run(url, run_id)["stats"].get("crawl", {})
        if crawl_stats.get("write_error"):
            error = f"crawl of {run['source_key']} could not store pages: {crawl_stats['write_error']}"
            _run_status(cur, run_id, "failed", {}, error[:2000])
            cur.connection.commit()
            raise CrawlFailed(error)
        outcomes = crawl_stats.get("outcomes", {})
        counts = {"pages_fetched": seen_pages, "pages_new": new_pages,
                  "urls_discovered": crawl_stats.get("urls_discovered", 0),
                  "already_had": outcomes.get("already_had", 0),
                  "outcomes": outcomes, "discovery": crawl_stats.get("discovery", {})}
        _run_status(cur, run_id, "crawled", counts)
    return counts


def _quarantine_row(run_id, source_key, page_id, url, stage, reasons, details):
    return (page_id, run_id, source_key, url, stage, reasons, json.dumps(details, ensure_ascii=False))


def stage_extracted(cur, rows) -> None:
    """Stage parse results for the quality gate: rows of (raw_page_id, crawl_run_id, source_key, url_key,
    article JSON). A page staged before (a re-parse) is replaced. COPY, because the staged JSON is most of
    what a parse writes; the caller holds the raw pages' locks (pending_raw_pages), so deleting their old
    staging rows first is an UPSERT."""
    rows = list(rows)
    cur.execute(db.query("unstage_pages"), {"ids": [row[0] for row in rows]})
    db.copy_rows(cur, "stage_extracted_pages", rows)


def parse(settings: Settings, run_id: int) -> dict:
    """Extract every pending raw page of the run's source; stage articles, quarantine what cannot parse."""
    import transforms

    url = db.database_url(settings)
    run = _get_run(url, run_id)
    source = get_source(settings, run["source_key"])
    info = transforms.SourceInfo(key=source.key, time_zone=source.time_zone, locale=source.locale)
    counts = {"parsed": 0, "parse_quarantined": 0}
    while True:
        with db.transaction(url) as cur:
            cur.execute(db.query("pending_raw_pages"), {"source_key": source.key, "limit": settings.parse_batch_size})
            pages = cur.fetchall()
            if not pages:
                break
            staged, quarantined = [], []
            for page_id, page_url, final_url, status, content_type, body, fetch_error, fetched_at in pages:
                address = final_url or page_url
                if fetch_error:
                    quarantined.append(_quarantine_row(run_id, source.key, page_id, page_url, "fetch",
                                                       [fetch_error.split(":")[0]], {"error": fetch_error}))
                    continue
                if status is not None and status >= 400:
                    quarantined.append(_quarantine_row(run_id, source.key, page_id, page_url, "fetch",
                                                       [f"http_{status}"], {"http_status": status}))
                    continue
                try:
                    html = transforms.decode_html(bytes(body or b""), content_type)
                    article = transforms.extract(html, address, fetched_at, info)
                except transforms.ExtractionError as exc:
                    quarantined.append(_quarantine_row(run_id, source.key, page_id, page_url, "parse",
                                                       [exc.code], {"detail": exc.detail}))
                    continue
                except Exception as exc:  # an extractor bug must not lose the page or stop the run
                    log.exception("extractor crashed on %s", page_url)
                    quarantined.append(_quarantine_row(run_id, source.key, page_id, page_url, "parse",
                                                       ["extractor_crashed"],
                                                       {"detail": f"{exc.__class__.__name__}: {exc}"[:2000]}))
                    continue
                staged.append((page_id, run_id, source.key, transforms.url_key(article.canonical_url),
                               json.dumps(article.to_dict(), ensure_ascii=False)))
            if staged:
                stage_extracted(cur, staged)
                cur.execute(db.query("set_raw_page_status"), {
                    "status": "extracted", "extractor_version": transforms.EXTRACTOR_VERSION,
                    "ids": [row[0] for row in staged]})
            if quarantined:
                db.execute_values(cur, "upsert_quarantine", quarantined, page_size=settings.load_page_size)
                cur.execute(db.query("set_raw_page_status"), {
                    "status": "quarantined", "extractor_version": transforms.EXTRACTOR_VERSION,
                    "ids": [row[0] for row in quarantined]})
            counts["parsed"] += len(staged)
            counts["parse_quarantined"] += len(quarantined)
    with db.transaction(url) as cur:
        _run_status(cur, run_id, "parsed", counts)
    return counts


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

    records = []
    for raw_page_id, key, article, fetched_at in rows:
        published = pd.to_datetime(article.get("published_at"), utc=True) if article.get("published_at") else None
        language = (article.get("language") or "").split("-")[0].split("_")[0].strip().lower() or None
        canonical = article.get("canonical_url") or article.get("url")
        records.append({
            "raw_page_id": raw_page_id,
            "url_key": key,
            "title": article.get("title") or None,
            "body": article.get("body") or None,
            "arabic_ratio": arabic_letter_ratio(article.get("body")),
            "published_at": published,
            "published_after_fetch_s": (
                (published - pd.Timestamp(fetched_at)) / timedelta(seconds=1) if published is not None else None
            ),
            "published_year": published.year if published is not None else None,
            "language": language,
            "canonical_on_allowed_domain": True if allowed_domains is None else _on_domains(canonical,
                                                                                             allowed_domains),
        })
    frame = pd.DataFrame.from_records(records, columns=[
        "raw_page_id", "url_key", "title", "body", "arabic_ratio", "published_at", "published_after_fetch_s",
        "published_year", "language", "canonical_on_allowed_domain"])
    frame["published_after_fetch_s"] = frame["published_after_fetch_s"].astype("float64")
    frame["published_year"] = frame["published_year"].astype("float64")
    frame["canonical_on_allowed_domain"] = frame["canonical_on_allowed_domain"].astype(bool)
    return frame


def validate(settings: Settings, run_id: int) -> dict:
    """Run the quality gate on the run's staged pages; failures go to quarantine with their reasons.

    Row level: each failing page is quarantined with one reason code per failed check. Batch level: when a
    source's share of failing pages (including pages the extractor could not parse) passes
    ``settings.max_failure_rate``, all of that source's pages in the
    run are held back (the passing ones quarantined as ``source_gate_failed``, so nothing is silently
    dropped), the verdicts are committed, and :class:`akhbar.quality.QualityGateFailed` is raised naming the
    source and its dominant reason: the Airflow task turns red. Healthy sources' pages stay valid for load.
    Running it again on the same run reaches the same verdict.
    """
    from akhbar import quality

    url = db.database_url(settings)
    with db.transaction(url) as cur:
        # Two pages of one article in a run (a re-fetch, a URL variant) are not bad pages: the newest is
        # validated and the others are skipped with a reason, before the gate's unique-URL check sees them.
        cur.execute(db.query("skip_superseded_pages"), {"run_id": run_id})
        skipped = cur.rowcount
        cur.execute(db.query("extracted_for_validation"), {"run_id": run_id})
        rows = cur.fetchall()
        by_reason = {c.reason: c.describe() for c in quality.checks(settings)}
        failed: dict[int, list[str]] = {}
        for source_key in sorted({r[4] for r in rows}):
            source = get_source(settings, source_key)
            frame = validation_frame([r[:4] for r in rows if r[4] == source_key],
                                     source.canonical_domains or source.allowed_domains)
            failed |= quality.validate_frame(frame, settings, run_name=f"crawl_run_{run_id}_{source_key}")
        # Pages the extractor already gave up on count as failures too: a broken extractor may raise instead
        # of returning empty fields.
        cur.execute(db.query("run_extraction_failures"), {"run_id": run_id})
        extraction_failures = cur.fetchall()
        judged = [(r[4], failed.get(r[0], [])) for r in rows]
        judged += [(key, list(reasons)) for key, reasons in extraction_failures]
        verdicts = quality.source_verdicts(judged, settings)
        broken = {key: v for key, v in verdicts.items() if v.broken}
        held = 0
        statuses, quarantined = [], []
        for raw_page_id, _key, article, _fetched, source_key in rows:
            reasons = failed.get(raw_page_id)
            details = {"title": article.get("title")}
            if reasons:
                details["failed_expectations"] = [by_reason[r] for r in reasons]
            elif source_key in broken:
                reasons = [quality.SOURCE_GATE_REASON]
                details["source_gate"] = broken[source_key].message()
                held += 1
            statuses.append((raw_page_id, "invalid" if reasons else "valid", reasons or []))
            if reasons:
                quarantined.append(_quarantine_row(run_id, source_key, raw_page_id, article["url"], "validate",
                                                   reasons, details))
        if statuses:
            db.execute_values(cur, "set_validation_status", statuses, template="(%s, %s, %s::text[])")
        if quarantined:
            db.execute_values(cur, "upsert_quarantine", quarantined)
            cur.execute(db.query("set_raw_page_status"), {
                "status": "quarantined", "extractor_version": None, "ids": [r[0] for r in quarantined]})
        counts = {"validated": len(rows), "valid": len(rows) - len(quarantined),
                  "invalid": len(quarantined) - held, "held_by_source_gate": held, "skipped_duplicates": skipped}
        error = "; ".join(v.message() for v in broken.values()) or None
        _run_status(cur, run_id, "failed" if broken else "validated", counts, error)
    if broken:
        log.error("quality gate: %s", error)
        raise quality.QualityGateFailed(error)
    return counts


# From this many staged pages on, the search vectors of a load are computed by parallel workers (when the
# server has them free): worker start-up costs a few milliseconds, a body's text search parsing about 0.3 ms.
PARALLEL_LOAD_PAGES = 200


@dataclass
class LoadResult:
    loaded: int
    inserted: int
    revisions: int
    clustered: object  # akhbar.stories.ClusterCounts
    seconds: dict[str, float]  # time per phase, for bench/load.py and the logs


def analyze_staging(url: str) -> None:
    """Planner statistics for the staging table, in a short transaction of its own, before a load."""
    with db.transaction(url) as cur:
        cur.execute(db.query("analyze_staging"))


def load_staged(cur, settings: Settings, run_id: int) -> LoadResult:
    """The load inside the caller's transaction: cluster the run's valid staged pages into stories, compute
    the search vectors of the changed ones, UPSERT them into ``articles`` and flush the search indexes.
    Call analyze_staging first, outside the transaction."""
    from akhbar import stories

    seconds: dict[str, float] = {}
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        seconds[name] = now - mark
        mark = now

    cur.execute(db.query("load_session"), {"memory": settings.load_memory})
    clustered, touched = stories.cluster_staged(cur, settings, run_id)
    phase("cluster")
    if clustered.processed >= PARALLEL_LOAD_PAGES:
        cur.execute(db.query("load_parallel"))
    cur.execute(db.query("load_search_vectors"), {"run_id": run_id})
    phase("vectors")
    cur.execute(db.query("load_articles"), {"run_id": run_id})
    loaded, inserted, revisions = cur.fetchone()
    phase("upsert")
    cur.execute(db.query("flush_search_indexes"))
    phase("index_flush")
    stories.refresh(cur, touched)
    phase("stories_refresh")
    return LoadResult(loaded, inserted, revisions, clustered, seconds)


def load(settings: Settings, run_id: int) -> dict:
    """Cluster the run's valid pages into stories and UPSERT them into ``articles``, in one transaction.

    A re-crawled article whose normalized body changed keeps its newest version; the older one moves to
    ``article_revisions`` with its fetch time. A failure anywhere leaves nothing half-loaded, and a retry
    is safe (the staged pages stay until the transaction that loads them commits).
    """
    from akhbar import stories

    url = db.database_url(settings)
    analyze_staging(url)
    with db.transaction(url) as cur:
        result = load_staged(cur, settings, run_id)
        stories.cluster_unclustered(cur, settings)  # articles loaded before stories existed, if any
        cur.execute(db.query("finish_loaded_pages"), {"run_id": run_id})
        counts = {"articles_loaded": result.loaded, "articles_new": result.inserted,
                  "revisions": result.revisions, "stories_new": result.clustered.new_stories,
                  "stories_joined": result.clustered.joined}
        _run_status(cur, run_id, "loaded", counts)
    log.info("load of run %s: %s articles in %s", run_id, result.loaded,
             ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items()))
    return counts


def cluster_stories(settings: Settings) -> dict:
    """The akhbar_stories step: give a story to every stored article that has none (history re-parsed,
    articles loaded before stories existed) and refresh the aggregates of stories whose members changed.

    Loads already cluster their own pages; this catches everything else, incrementally, in one transaction.
    """
    from akhbar import stories

    with db.transaction(db.database_url(settings)) as cur:
        clustered = stories.cluster_unclustered(cur, settings)
        cur.execute(db.query("stale_story_ids"))
        stale = {story_id for (story_id,) in cur.fetchall()}
        stories.refresh(cur, stale)
        cur.execute(db.query("story_totals"))
        total, multi_source = cur.fetchone()
    return {"articles_clustered": clustered.processed, "stories_new": clustered.new_stories,
            "stories_joined": clustered.joined, "stories_refreshed": len(stale), "stories": total,
            "multi_source_stories": multi_source}


@dataclass
class RunSummary:
    run_id: int
    source_key: str
    counts: dict = field(default_factory=dict)
    quarantined_by_reason: list[tuple[str, int]] = field(default_factory=list)
    totals: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        c = self.counts
        quarantined = c.get("parse_quarantined", 0) + c.get("invalid", 0) + c.get("held_by_source_gate", 0)
        out = [
            f"run {self.run_id} of {self.source_key}:",
            f"  URLs discovered      {c.get('urls_discovered', 0)} ({c.get('already_had', 0)} already had)",
            f"  pages fetched        {c.get('pages_fetched', 0)} ({c.get('pages_new', 0)} new)",
            f"  parsed               {c.get('parsed', 0)}",
            f"  articles loaded      {c.get('articles_loaded', 0)}",
            f"  pages quarantined    {quarantined}",
        ]
        if c.get("revisions"):
            out.insert(4, f"  revisions kept       {c['revisions']}")
        if c.get("stories_new") or c.get("stories_joined"):
            out.insert(4, f"  stories              {c.get('stories_new', 0)} new, "
                          f"{c.get('stories_joined', 0)} articles joined an existing one")
        if c.get("skipped_duplicates"):
            out.insert(5, f"  skipped (duplicates) {c['skipped_duplicates']}")
        out += [f"    {reason:<28} {n}" for reason, n in self.quarantined_by_reason]
        out.append("  database now holds   " + ", ".join(f"{k} {v}" for k, v in self.totals.items()))
        return out


def summarize(settings: Settings, run_id: int) -> RunSummary:
    url = db.database_url(settings)
    run = _get_run(url, run_id)
    with db.transaction(url) as cur:
        cur.execute(db.query("run_quarantine_reasons"), {"run_id": run_id})
        reasons = cur.fetchall()
        cur.execute(db.query("table_counts"))
        totals = dict(zip([c.name for c in cur.description], cur.fetchone()))
    counts = {k: v for k, v in run["stats"].items() if not isinstance(v, dict)}
    return RunSummary(run_id, run["source_key"], counts, reasons, totals)


def run_source(settings: Settings, source_key: str, run_label: str | None = None) -> RunSummary:
    """The whole job for one source: crawl, parse, validate, load."""
    run_id = start_run(settings, source_key, run_label)
    crawl(settings, run_id)
    parse(settings, run_id)
    validate(settings, run_id)
    load(settings, run_id)
    return summarize(settings, run_id)

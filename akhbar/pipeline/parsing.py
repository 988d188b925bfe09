"""The parse step: the run claims its pages (its own, and those of its source's runs that died: see
``lifecycle``), then every claimed pending page goes through ``transforms.extract``, staged for the quality
gate or quarantined with the reason it could not parse. A sample of the parsed pages also gets trafilatura's
reading beside ours (``akhbar.second_opinion``), recorded for the run's health verdict."""

from __future__ import annotations

import hashlib
import json
import logging

from akhbar import db, second_opinion
from akhbar.config import Settings
from akhbar.pipeline import lifecycle
from akhbar.pipeline.runs import get_run, quarantine_row, set_status
from akhbar.sources import get_source

log = logging.getLogger(__name__)


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


def parse(settings: Settings, run_id: int, *, adopt: bool = True) -> dict:
    """Claim the run's pages, extract every pending one; stage articles, quarantine what cannot parse.

    ``adopt``: also claim the in-flight pages of the source's runs that died (a maintenance re-parse, which
    works on the pages it reset, passes False).
    """
    with lifecycle.lease(settings, run_id):
        return _parse(settings, run_id, adopt)


def _parse(settings: Settings, run_id: int, adopt: bool) -> dict:
    import transforms

    url = db.database_url(settings)
    run = get_run(url, run_id)
    source = get_source(settings, run["source_key"])
    info = transforms.SourceInfo(key=source.key, time_zone=source.time_zone, locale=source.locale)
    with db.step_transaction(settings, "parse") as cur:
        claimed = lifecycle.claim(cur, settings, run_id, source.key, adopt=adopt)
        first_run = settings.second_opinion and second_opinion.first_run(cur, source.key, run_id)
    counts = {"parsed": 0, "parse_quarantined": 0, "second_opinions": 0, "adopted": claimed["adopted"],
              "attempts_exhausted": claimed["attempts_exhausted"]}
    while True:
        with db.step_transaction(settings, "parse") as cur:
            cur.execute(db.query("pending_raw_pages"), {"run_id": run_id, "limit": settings.parse_batch_size})
            pages = cur.fetchall()
            if not pages:
                break
            staged, quarantined, opinions = [], [], []
            for page_id, page_url, final_url, status, content_type, body, fetch_error, fetched_at in pages:
                address = final_url or page_url
                if fetch_error:
                    quarantined.append(quarantine_row(run_id, source.key, page_id, page_url, "fetch",
                                                       [fetch_error.split(":")[0]], {"error": fetch_error}))
                    continue
                if status is not None and status >= 400:
                    quarantined.append(quarantine_row(run_id, source.key, page_id, page_url, "fetch",
                                                       [f"http_{status}"], {"http_status": status}))
                    continue
                try:
                    html = transforms.decode_html(bytes(body or b""), content_type)
                    article = transforms.extract(html, address, fetched_at, info)
                except transforms.ExtractionError as exc:
                    quarantined.append(quarantine_row(run_id, source.key, page_id, page_url, "parse",
                                                       [exc.code], {"detail": exc.detail}))
                    continue
                except Exception as exc:  # an extractor bug must not lose the page or stop the run
                    log.exception("extractor crashed on %s", page_url)
                    quarantined.append(quarantine_row(run_id, source.key, page_id, page_url, "parse",
                                                       ["extractor_crashed"],
                                                       {"detail": f"{exc.__class__.__name__}: {exc}"[:2000]}))
                    continue
                row = staged_row(page_id, run_id, source.key, article)
                key = row[3]
                staged.append(row)
                if settings.second_opinion and second_opinion.sampled(key, first_run):
                    try:
                        opinions.append((page_id, page_url, second_opinion.compare(article, html, address)))
                    except Exception:  # the second opinion is advice: its failure must not cost the page
                        log.exception("second opinion failed on %s", page_url)
            second_opinion.record(cur, run_id, source.key, opinions)
            if staged:
                stage_extracted(cur, staged)
                lifecycle.set_state(cur, [row[0] for row in staged], "extracted", transforms.EXTRACTOR_VERSION)
            lifecycle.quarantine(cur, quarantined, extractor_version=transforms.EXTRACTOR_VERSION)
            counts["parsed"] += len(staged)
            counts["parse_quarantined"] += len(quarantined)
            counts["second_opinions"] += len(opinions)
    with db.step_transaction(settings, "parse") as cur:
        set_status(cur, run_id, "parsed", counts)
    return counts

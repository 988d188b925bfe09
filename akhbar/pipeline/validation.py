"""The validate step: the Great Expectations gate over a run's staged pages."""

from __future__ import annotations

import logging
from datetime import timedelta

from akhbar import db
from akhbar.config import Settings
from akhbar.pipeline import lifecycle
from akhbar.pipeline.runs import get_run, quarantine_row, set_status
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
    ``settings.max_failure_rate``, all of that source's pages in the run are held back (the passing ones
    quarantined as ``source_gate_failed``, so nothing is silently dropped; a page that already backs an
    article, as in a re-parse, keeps its article instead), the verdicts are committed, the run's health
    becomes ``broken_extractor``, and :class:`akhbar.quality.QualityGateFailed` is raised naming the source
    and its dominant reason: the Airflow task turns red. Healthy sources' pages become ``validated``.

    Running it again on the same run reaches the same verdict while its pages are staged; a finished run
    (nothing staged, no parse failure since the last verdict) keeps the verdict it had.
    """
    with lifecycle.lease(settings, run_id):
        return _validate(settings, run_id)


def _validate(settings: Settings, run_id: int) -> dict:
    from akhbar import quality

    run = get_run(db.database_url(settings), run_id)
    with db.step_transaction(settings, "validate") as cur:
        # Two pages of one article in a run (a re-fetch, a URL variant, a page taken over from a dead run) are
        # not bad pages: the newest is validated and the others are skipped with a reason, before the gate's
        # unique-URL check sees them. This is the one place that chooses the newest staged copy per URL key.
        cur.execute(db.query("skip_superseded_pages"), {"run_id": run_id})
        skipped = cur.rowcount
        cur.execute(db.query("extracted_for_validation"), {"run_id": run_id})
        rows = cur.fetchall()
        # Pages the extractor already gave up on count as failures too: a broken extractor may raise instead
        # of returning empty fields. Once the run was judged and nothing is staged any more, only failures
        # after that verdict are new evidence.
        since = run["judged_at"] if not rows else None
        cur.execute(db.query("run_extraction_failures"), {"run_id": run_id, "since": since})
        extraction_failures = cur.fetchall()
        if not rows and not extraction_failures and run["judged_at"] is not None:
            if run["health"] == "broken_extractor":  # the verdict it had stands
                raise quality.QualityGateFailed(run["health_reason"])
            return {k: run["stats"].get(k, 0) for k in
                    ("validated", "valid", "invalid", "held_by_source_gate", "skipped_duplicates")}
        by_reason = {c.reason: c.describe() for c in quality.checks(settings)}
        failed: dict[int, list[str]] = {}
        for source_key in sorted({r[4] for r in rows}):
            source = get_source(settings, source_key)
            frame = validation_frame([r[:4] for r in rows if r[4] == source_key],
                                     source.canonical_domains or source.allowed_domains)
            failed |= quality.validate_frame(frame, settings, run_name=f"crawl_run_{run_id}_{source_key}")
        judged = [(r[4], failed.get(r[0], [])) for r in rows]
        judged += [(key, list(reasons)) for key, reasons in extraction_failures]
        # The verdicts of the gate's earlier calls on this run count too (akhbar run judges it in parts).
        cur.execute(db.query("run_prior_verdicts"), {"run_id": run_id})
        judged += [(key, list(reasons)) for key, reasons in cur.fetchall()]
        verdicts = quality.source_verdicts(judged, settings)
        broken = {key: v for key, v in verdicts.items() if v.broken}
        held_ids = [r[0] for r in rows if not failed.get(r[0]) and r[4] in broken]
        keep_article = lifecycle.standing_articles(cur, held_ids) if held_ids else set()
        held = 0
        statuses, quarantined, valid = [], [], []
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
            if not reasons:
                valid.append(raw_page_id)
            elif raw_page_id not in keep_article or reasons != [quality.SOURCE_GATE_REASON]:
                quarantined.append(quarantine_row(run_id, source_key, raw_page_id, article["url"], "validate",
                                                   reasons, details))
        if statuses:
            db.execute_values(cur, "set_validation_status", statuses, template="(%s, %s, %s::text[])")
        lifecycle.set_state(cur, valid, "validated")
        # A re-parse held back by the source gate: the page keeps the article it already backs.
        lifecycle.set_state(cur, keep_article, "loaded")
        if keep_article:
            cur.execute(db.query("unstage_pages"), {"ids": list(keep_article)})
        lifecycle.quarantine(cur, quarantined)
        counts = {"validated": len(rows), "valid": len(valid), "invalid": len(rows) - len(valid) - held,
                  "held_by_source_gate": held, "skipped_duplicates": skipped}
        if keep_article:
            counts["held_kept_previous_article"] = len(keep_article)
        error = "; ".join(v.message() for v in broken.values()) or None
        set_status(cur, run_id, "failed" if broken else "validated", counts, error)
        cur.execute(db.query("set_run_health") if broken else db.query("mark_run_judged"),
                    {"run_id": run_id, "health": "broken_extractor", "reason": error, "judged": True})
    if broken:
        log.error("quality gate: %s", error)
        raise quality.QualityGateFailed(error)
    return counts

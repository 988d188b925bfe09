-- Send a source's pages that were quarantined when parsed or validated (all of them, or those with one reason)
-- back to 'pending' for the parse step, and drop those verdicts: the new parse and gate write fresh ones.
-- Pages quarantined at fetch time (HTTP errors, timeouts, robots.txt) stay: they need a crawl, not a parse,
-- and so do pages whose raw HTML retention has purged. Returns how many pages went back and how many verdicts
-- were dropped (the same number), like reset_pages_for_reparse. The pages are claimed by the retrying run, with
-- their attempts counted afresh (pages quarantined as attempts_exhausted are retried this way too).
WITH picked AS (
    SELECT q.raw_page_id
    FROM quarantine q JOIN raw_pages r ON r.id = q.raw_page_id
    WHERE q.source_key = %(source_key)s AND q.stage IN ('parse', 'validate', 'lifecycle') AND r.body IS NOT NULL
      AND r.parse_status = 'quarantined'
      AND (%(reason)s::text IS NULL OR %(reason)s::text = ANY (q.reasons))
), dropped AS (
    DELETE FROM quarantine q USING picked WHERE q.raw_page_id = picked.raw_page_id
    RETURNING q.raw_page_id
), reset AS (
    UPDATE raw_pages r SET parse_status = 'pending', claimed_by = %(run_id)s, attempts = 0
    FROM dropped WHERE r.id = dropped.raw_page_id
    RETURNING r.id
)
SELECT (SELECT count(*) FROM reset) AS pages_reset, (SELECT count(*) FROM dropped) AS quarantine_dropped;

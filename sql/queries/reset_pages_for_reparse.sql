-- Send a source's pages parsed by older extractor versions back to 'pending' for the parse step, and drop
-- their old quarantine verdicts (the new parse and gate write fresh ones). The pages are claimed by the re-parse
-- run, with their attempts counted afresh. Returns how many of each.
WITH reset AS (
    UPDATE raw_pages
    SET parse_status = 'pending', claimed_by = %(run_id)s, attempts = 0
    WHERE source_key = %(source_key)s AND extractor_version = ANY(%(versions)s)
      AND body IS NOT NULL AND fetch_error IS NULL AND COALESCE(http_status, 200) < 400
      AND parse_status IN ('loaded', 'quarantined')
    RETURNING id
), dropped AS (
    DELETE FROM quarantine q USING reset WHERE q.raw_page_id = reset.id RETURNING q.id
)
SELECT (SELECT count(*) FROM reset) AS pages_reset, (SELECT count(*) FROM dropped) AS quarantine_dropped;

-- The gate's verdicts on a run's pages from its earlier calls (`akhbar run` judges a run in parts while its
-- crawl still fetches), as (source_key, reasons): a page that passed with no reasons, one that failed with its
-- reasons. Pages held back by the source gate are not evidence of their own. Empty when the run is judged in
-- one call. Counted with the pages being judged now, so the batch gate's failure rate is the run's so far.
-- A page still staged is judged again by this call (extracted_for_validation), so it is not counted here.
SELECT r.source_key, '{}'::text[]
FROM raw_pages r
WHERE r.claimed_by = %(run_id)s AND r.parse_status IN ('validated', 'loaded')
  AND NOT EXISTS (SELECT 1 FROM extracted_pages e WHERE e.raw_page_id = r.id)
UNION ALL
SELECT q.source_key, q.reasons
FROM quarantine q
WHERE q.crawl_run_id = %(run_id)s AND q.stage = 'validate' AND NOT q.reasons @> ARRAY['source_gate_failed'];

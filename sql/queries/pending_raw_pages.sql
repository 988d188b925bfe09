-- The run's claimed raw pages still waiting to be parsed (claim_pages.sql decides which pages are the run's).
-- Locked until the batch's transaction ends; pages another transaction holds are skipped, not waited for.
SELECT id, url, final_url, http_status, content_type, body, fetch_error, fetched_at
FROM raw_pages
WHERE claimed_by = %(run_id)s AND parse_status = 'pending'
ORDER BY id
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED;

-- Raw pages of a source still waiting to be parsed (from this run or an earlier one that stopped early).
-- Locked until the batch's transaction ends, and pages another parse holds are skipped: a source's own run
-- and a maintenance re-parse of the same source can run at once without parsing the same page twice.
SELECT id, url, final_url, http_status, content_type, body, fetch_error, fetched_at
FROM raw_pages
WHERE source_key = %(source_key)s AND parse_status = 'pending'
ORDER BY id
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED;

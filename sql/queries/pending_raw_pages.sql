-- Raw pages of a source still waiting to be parsed (from this run or an earlier one that stopped early).
SELECT id, url, final_url, http_status, content_type, body, fetch_error, fetched_at
FROM raw_pages
WHERE source_key = %(source_key)s AND parse_status = 'pending'
ORDER BY id
LIMIT %(limit)s;

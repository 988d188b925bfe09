-- Pages of a source not in a terminal state, by state and owner (claimed_by, else the run that fetched them).
SELECT parse_status, coalesce(claimed_by, crawl_run_id) AS owner, count(*)
FROM raw_pages
WHERE source_key = %(source_key)s AND parse_status IN ('pending', 'extracted', 'validated')
GROUP BY 1, 2 ORDER BY 1, 2;

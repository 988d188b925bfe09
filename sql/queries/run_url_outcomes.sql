-- The URLs a crawl run saw, with their recorded outcome (v_url_outcomes restricted to one run).
SELECT url, source, outcome, detail, last_seen, kind, http_status, url_key
FROM v_url_outcomes WHERE last_crawl_run_id = %(run_id)s ORDER BY kind, url;

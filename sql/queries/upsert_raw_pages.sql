-- Store a batch of fetched pages (execute_values). The same body at the same URL is one row: a re-fetch only
-- records when it was last seen. Returns, per row, whether it was inserted.
INSERT INTO raw_pages (source_key, crawl_run_id, last_crawl_run_id, url, url_key, final_url, http_status,
                       headers, content_type, body, body_sha256, fetch_error, fetched_at, last_seen_at)
VALUES %s
ON CONFLICT (url_key, body_sha256) DO UPDATE
SET last_seen_at = GREATEST(raw_pages.last_seen_at, EXCLUDED.last_seen_at),
    last_crawl_run_id = EXCLUDED.last_crawl_run_id
RETURNING (xmax = 0) AS inserted;

-- The raw page of each imported record (akhbar/archive.py; execute_values): no body, the record's hash as
-- body_sha256, so the same record imported again finds its row, which this import's run now stages again.
-- A chunk holds each record hash once. Returns (body_sha256, id) per row.
INSERT INTO raw_pages (source_key, crawl_run_id, last_crawl_run_id, url, url_key, headers, content_type,
                       body_sha256, fetched_at, last_seen_at, parse_status, extractor_version)
SELECT v.source_key, v.crawl_run_id::bigint, v.last_crawl_run_id::bigint, v.url, v.url_key, v.headers::jsonb,
       v.content_type, v.body_sha256, v.fetched_at::timestamptz, now(), 'extracted', v.extractor_version
FROM (VALUES %s) AS v (source_key, crawl_run_id, last_crawl_run_id, url, url_key, headers, content_type,
                       body_sha256, fetched_at, extractor_version)
ON CONFLICT (url_key, body_sha256) DO UPDATE
SET last_seen_at = now(), last_crawl_run_id = EXCLUDED.last_crawl_run_id, parse_status = 'extracted'
RETURNING body_sha256, id;

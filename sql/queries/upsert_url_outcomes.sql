-- Record a batch of URL outcomes (execute_values). "already_had" keeps the outcome that decided the URL's
-- state and only records that this run saw it again.
INSERT INTO url_outcomes (source_key, url_key, url, kind, outcome, detail, http_status, discovered_via, lastmod,
                          crawl_run_id, last_crawl_run_id, first_seen_at, last_seen_at)
VALUES %s
ON CONFLICT (source_key, url_key) DO UPDATE
SET last_crawl_run_id = EXCLUDED.last_crawl_run_id,
    last_seen_at = GREATEST(url_outcomes.last_seen_at, EXCLUDED.last_seen_at),
    lastmod = COALESCE(EXCLUDED.lastmod, url_outcomes.lastmod),
    outcome = CASE WHEN EXCLUDED.outcome = 'already_had' THEN url_outcomes.outcome ELSE EXCLUDED.outcome END,
    detail = CASE WHEN EXCLUDED.outcome = 'already_had' THEN url_outcomes.detail ELSE EXCLUDED.detail END,
    http_status = CASE WHEN EXCLUDED.outcome = 'already_had' THEN url_outcomes.http_status
                       ELSE EXCLUDED.http_status END,
    crawl_run_id = CASE WHEN EXCLUDED.outcome = 'already_had' THEN url_outcomes.crawl_run_id
                        ELSE EXCLUDED.crawl_run_id END,
    url = CASE WHEN EXCLUDED.outcome = 'already_had' THEN url_outcomes.url ELSE EXCLUDED.url END,
    kind = EXCLUDED.kind,
    discovered_via = COALESCE(url_outcomes.discovered_via, EXCLUDED.discovered_via);

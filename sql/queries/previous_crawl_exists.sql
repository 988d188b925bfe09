-- Whether the source has crawled before this run (an incremental run takes only recent sitemap entries).
SELECT EXISTS (
    SELECT 1 FROM crawl_runs
    WHERE source_key = %(source_key)s AND id < %(run_id)s AND status <> 'failed' AND status <> 'running'
);

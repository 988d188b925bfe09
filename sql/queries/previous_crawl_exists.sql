-- Whether the source has crawled before this run (an incremental run takes only recent sitemap entries): an
-- earlier run that finished its crawl, or one that stored pages before it was cut short or failed later.
SELECT EXISTS (
    SELECT 1 FROM crawl_runs
    WHERE source_key = %(source_key)s AND id < %(run_id)s AND status <> 'failed' AND status <> 'running'
) OR EXISTS (
    SELECT 1 FROM raw_pages
    WHERE source_key = %(source_key)s AND crawl_run_id < %(run_id)s AND fetch_error IS NULL
);

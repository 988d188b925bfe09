-- The one place that decides "the newest staged copy per URL key": among a run's staged pages that share a
-- URL key, the newest fetch is kept; the others are marked skipped with the page that won, and leave the
-- staging table. The unique index extracted_pages_one_valid_per_key holds the loader and the clusterer to it.
WITH ranked AS (
    SELECT e.raw_page_id,
           row_number() OVER w AS rank,
           first_value(e.raw_page_id) OVER w AS kept_page_id
    FROM extracted_pages e JOIN raw_pages r ON r.id = e.raw_page_id
    WHERE e.crawl_run_id = %(run_id)s
    WINDOW w AS (PARTITION BY e.url_key ORDER BY r.fetched_at DESC, e.raw_page_id DESC)
), superseded AS (
    DELETE FROM extracted_pages e USING ranked
    WHERE e.raw_page_id = ranked.raw_page_id AND ranked.rank > 1
    RETURNING e.raw_page_id, ranked.kept_page_id
)
UPDATE raw_pages r
SET parse_status = 'skipped', skip_reason = 'same article as raw page ' || s.kept_page_id
FROM superseded s WHERE r.id = s.raw_page_id;

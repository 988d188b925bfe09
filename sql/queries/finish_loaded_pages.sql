-- After the load: the run's valid pages are loaded, and the run's staging rows go. A page loaded under another
-- URL key than before (a re-parse found another canonical URL) no longer stands for its old article.
WITH valid AS (
    DELETE FROM extracted_pages WHERE crawl_run_id = %(run_id)s AND validation_status <> 'pending'
    RETURNING raw_page_id, url_key, validation_status
), rekeyed AS (
    DELETE FROM articles a USING valid v
    WHERE v.validation_status = 'valid' AND a.raw_page_id = v.raw_page_id AND a.url_key <> v.url_key
    RETURNING a.id
)
UPDATE raw_pages r SET parse_status = 'loaded'
FROM valid v WHERE r.id = v.raw_page_id AND v.validation_status = 'valid';

-- After the load: mark the run's valid pages loaded and clear the run's staging rows.
WITH valid AS (
    DELETE FROM extracted_pages WHERE crawl_run_id = %(run_id)s AND validation_status <> 'pending'
    RETURNING raw_page_id, validation_status
)
UPDATE raw_pages r SET parse_status = 'loaded'
FROM valid v WHERE r.id = v.raw_page_id AND v.validation_status = 'valid';

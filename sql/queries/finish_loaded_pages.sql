-- After a load batch: its valid pages (the run's, raw page ids in (after, upto]) are loaded, and the batch's
-- judged staging rows go. A page loaded under another URL key than before (a re-parse found another canonical
-- URL) no longer stands for its old article.
WITH judged AS (
    DELETE FROM extracted_pages
    WHERE crawl_run_id = %(run_id)s AND validation_status <> 'pending'
      AND raw_page_id > %(after)s AND raw_page_id <= %(upto)s
    RETURNING raw_page_id, url_key, validation_status
), rekeyed AS (
    DELETE FROM articles a USING judged v
    WHERE v.validation_status = 'valid' AND a.raw_page_id = v.raw_page_id AND a.url_key <> v.url_key
    RETURNING a.id
)
UPDATE raw_pages r SET parse_status = 'loaded'
FROM judged v WHERE r.id = v.raw_page_id AND v.validation_status = 'valid';

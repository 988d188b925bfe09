-- Before a load of a part of `akhbar run`: pages an earlier part of the same run loaded whose article a valid
-- staged page (a newer copy: skip_copies_loaded_earlier_in_run.sql skipped the older ones) is about to replace.
-- Returns (loaded page id, staged page id).
SELECT a.raw_page_id, e.raw_page_id
FROM extracted_pages e
JOIN articles a ON a.url_key = e.url_key AND a.raw_page_id <> e.raw_page_id
JOIN raw_pages old ON old.id = a.raw_page_id
WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid'
  AND old.claimed_by = %(run_id)s AND old.parse_status = 'loaded';

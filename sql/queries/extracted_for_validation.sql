SELECT e.raw_page_id, e.url_key, e.article, r.fetched_at
FROM extracted_pages e JOIN raw_pages r ON r.id = e.raw_page_id
WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'pending'
ORDER BY e.raw_page_id;

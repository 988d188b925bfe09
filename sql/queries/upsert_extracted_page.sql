-- Stage a parse result for the quality gate (execute_values).
INSERT INTO extracted_pages (raw_page_id, crawl_run_id, source_key, url_key, article)
VALUES %s
ON CONFLICT (raw_page_id) DO UPDATE
SET crawl_run_id = EXCLUDED.crawl_run_id, url_key = EXCLUDED.url_key, article = EXCLUDED.article,
    validation_status = 'pending', failed_checks = '{}', extracted_at = now();

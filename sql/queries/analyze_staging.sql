-- Fresh planner statistics for the staging table, whose size swings from empty to a whole run between loads,
-- before a load plans its queries. Only the key columns: sampling the article texts would decompress them. Run
-- in a transaction of its own, so that its lock does not last as long as the load.
ANALYZE extracted_pages (raw_page_id, crawl_run_id, url_key, validation_status);

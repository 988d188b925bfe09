-- How many pages a crawl run touched, new and already stored.
SELECT count(*) FILTER (WHERE crawl_run_id = %(run_id)s) AS new_pages,
       count(*) AS seen_pages
FROM raw_pages WHERE last_crawl_run_id = %(run_id)s;

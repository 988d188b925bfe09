-- The next batch of a load: the run's valid staged pages after raw page id %(after)s, at most %(limit)s of them.
-- Returns the last raw page id of the batch (NULL: nothing left to load). The batch is the id range
-- (after, upto]: batches loaded side by side take consecutive ranges.
SELECT max(raw_page_id) FROM (
    SELECT raw_page_id FROM extracted_pages
    WHERE crawl_run_id = %(run_id)s AND validation_status = 'valid' AND raw_page_id > %(after)s
    ORDER BY raw_page_id
    LIMIT %(limit)s
) AS batch;

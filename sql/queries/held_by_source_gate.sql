-- A batch of the pages the batch-level gate holds back: a run's staged pages that passed the row-level checks,
-- from the sources whose failure rate is too high, after raw page id %(after)s (keyset order).
SELECT raw_page_id, url, title, source_key
FROM extracted_pages
WHERE crawl_run_id = %(run_id)s AND validation_status = 'valid' AND source_key = ANY(%(sources)s)
  AND raw_page_id > %(after)s
ORDER BY raw_page_id
LIMIT %(limit)s;

-- How many valid staged pages a load batch (raw page ids in (after, upto]) will write: it decides whether the
-- batch's search vectors are computed in parallel.
SELECT count(*) FROM extracted_pages
WHERE crawl_run_id = %(run_id)s AND validation_status = 'valid'
  AND raw_page_id > %(after)s AND raw_page_id <= %(upto)s;

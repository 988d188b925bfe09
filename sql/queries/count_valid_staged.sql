-- How many valid staged pages a run's load will write (it decides whether search vectors are computed in parallel).
SELECT count(*) FROM extracted_pages WHERE crawl_run_id = %(run_id)s AND validation_status = 'valid';

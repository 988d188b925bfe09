-- How many of a run's staged pages wait for the quality gate (`akhbar run` counts a gate call's verdicts only
-- when it had pages to judge).
SELECT count(*) FROM extracted_pages WHERE crawl_run_id = %(run_id)s AND validation_status = 'pending';

-- How many raw pages of a source wait for the parse step (the progress of `akhbar run`).
SELECT count(*) FROM raw_pages WHERE source_key = %(source_key)s AND parse_status = 'pending';

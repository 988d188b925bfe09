-- Record second opinions (execute_values): one row per (run, raw page); a re-parse in the same run replaces it.
INSERT INTO second_opinions (crawl_run_id, raw_page_id, source_key, url, our_body_chars, their_body_chars,
                             disagreements)
VALUES %s
ON CONFLICT (crawl_run_id, raw_page_id) DO UPDATE
SET url = EXCLUDED.url, our_body_chars = EXCLUDED.our_body_chars, their_body_chars = EXCLUDED.their_body_chars,
    disagreements = EXCLUDED.disagreements, checked_at = now();

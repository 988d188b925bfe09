-- `akhbar run` judges and loads a run in parts while its crawl fetches. A staged page whose article an earlier
-- part of the same run loaded from a copy fetched as late or later (the order of skip_superseded_pages.sql) is
-- skipped with the page that won, as it would have been had both been judged in one part. Returns nothing.
-- Driven by the run's staged rows, each looking up its article on the url_key index and then that article's
-- page (the LIMITs keep the planner from flattening the lookups into joins): mid-run, the statistics of fresh
-- tables are stale, and the plan they gave scanned the staged rows once per article (29 s of the 40 s that
-- PostgreSQL spent on a 10,000-page run).
WITH copies AS MATERIALIZED (
    SELECT e.raw_page_id, a.raw_page_id AS kept_page_id
    FROM extracted_pages e
    JOIN raw_pages p ON p.id = e.raw_page_id
    CROSS JOIN LATERAL (SELECT a.raw_page_id FROM articles a WHERE a.url_key = e.url_key LIMIT 1) a
    CROSS JOIN LATERAL (SELECT w.id, w.fetched_at, w.claimed_by, w.parse_status FROM raw_pages w
                        WHERE w.id = a.raw_page_id LIMIT 1) won
    WHERE e.crawl_run_id = %(run_id)s AND a.raw_page_id <> e.raw_page_id
      AND won.claimed_by = %(run_id)s AND won.parse_status = 'loaded'
      AND (won.fetched_at, won.id) > (p.fetched_at, p.id)
), older AS (
    DELETE FROM extracted_pages e USING copies c WHERE e.raw_page_id = c.raw_page_id
    RETURNING e.raw_page_id, c.kept_page_id
)
UPDATE raw_pages r
SET parse_status = 'skipped', skip_reason = 'same article as raw page ' || older.kept_page_id
FROM older WHERE r.id = older.raw_page_id;

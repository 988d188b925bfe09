-- `akhbar run` judges and loads a run in parts while its crawl fetches. A staged page whose article an earlier
-- part of the same run loaded from a copy fetched as late or later (the order of skip_superseded_pages.sql) is
-- skipped with the page that won, as it would have been had both been judged in one part. Returns nothing.
WITH older AS (
    DELETE FROM extracted_pages e
    USING articles a, raw_pages won, raw_pages p
    WHERE e.crawl_run_id = %(run_id)s AND a.url_key = e.url_key AND a.raw_page_id <> e.raw_page_id
      AND won.id = a.raw_page_id AND won.claimed_by = %(run_id)s AND won.parse_status = 'loaded'
      AND p.id = e.raw_page_id AND (won.fetched_at, won.id) > (p.fetched_at, p.id)
    RETURNING e.raw_page_id, a.raw_page_id AS kept_page_id
)
UPDATE raw_pages r
SET parse_status = 'skipped', skip_reason = 'same article as raw page ' || older.kept_page_id
FROM older WHERE r.id = older.raw_page_id;

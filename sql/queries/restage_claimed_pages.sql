-- After a claim: staged copies of pages taken over from another run move to this run, to be judged again by
-- its gate (the verdict of a run that died is not trusted, and its pages may duplicate this run's), so those
-- pages are 'extracted' again; claimed pages past 'pending' whose staged copy is missing go back to 'pending'
-- to be parsed again. Returns (staged copies moved, pages sent back to pending).
WITH moved AS (
    UPDATE extracted_pages e SET crawl_run_id = %(run_id)s, validation_status = 'pending', failed_checks = '{}'
    WHERE e.raw_page_id = ANY(%(ids)s) AND e.crawl_run_id <> %(run_id)s
    RETURNING e.raw_page_id
), reopened AS (
    UPDATE raw_pages p SET parse_status = 'extracted'
    FROM moved WHERE p.id = moved.raw_page_id AND p.parse_status = 'validated'
    RETURNING p.id
), unstaged AS (
    UPDATE raw_pages p SET parse_status = 'pending'
    WHERE p.id = ANY(%(ids)s) AND p.parse_status IN ('extracted', 'validated')
      AND NOT EXISTS (SELECT 1 FROM extracted_pages e WHERE e.raw_page_id = p.id)
    RETURNING p.id
)
SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM unstaged);

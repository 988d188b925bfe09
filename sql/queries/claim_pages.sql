-- A run claims the pages it is to work on: every page of its source that is not in a terminal state and
-- belongs to it (claimed by it, or fetched by it and not claimed yet) or, when adopting, to a run that died.
-- A run is alive while a process holds its lease (akhbar_live_runs, migration 0024). Pages another transaction
-- has locked are left for a later claim. Each claim counts as an attempt; with fresh_only, pages this run has
-- claimed already are left out (`akhbar run` claims again as its crawl stores pages, one attempt per page and
-- run). Returns (page id, attempts, state, previous owner).
WITH live AS (  -- runs whose lease a process holds (migration 0024)
    SELECT run_id FROM akhbar_live_runs(%(lease_class)s) AS run_id
), open AS (
    SELECT p.id, coalesce(p.claimed_by, p.crawl_run_id) AS owner
    FROM raw_pages p
    WHERE p.source_key = %(source_key)s AND p.parse_status IN ('pending', 'extracted', 'validated')
      AND (coalesce(p.claimed_by, p.crawl_run_id) = %(run_id)s
           OR (%(adopt)s AND coalesce(p.claimed_by, p.crawl_run_id) NOT IN (SELECT run_id FROM live)))
      AND NOT (%(fresh_only)s AND p.claimed_by IS NOT DISTINCT FROM %(run_id)s)
    ORDER BY p.id
    FOR UPDATE OF p SKIP LOCKED
)
UPDATE raw_pages p SET claimed_by = %(run_id)s, attempts = p.attempts + 1
FROM open WHERE p.id = open.id
RETURNING p.id, p.attempts, p.parse_status, open.owner;

-- Back to the view of 0003 (a view's columns cannot be dropped by CREATE OR REPLACE), then the columns.
DROP VIEW v_source_health;
CREATE VIEW v_source_health AS
WITH fetched AS (
    SELECT source_key, (fetched_at AT TIME ZONE 'UTC')::date AS day, count(*) AS pages_fetched
    FROM raw_pages GROUP BY 1, 2
), loaded AS (
    SELECT source_key, (first_loaded_at AT TIME ZONE 'UTC')::date AS day, count(*) AS articles_loaded
    FROM articles GROUP BY 1, 2
), reasons AS (
    SELECT q.source_key, (q.created_at AT TIME ZONE 'UTC')::date AS day, q.stage, reason
    FROM quarantine q, unnest(q.reasons) AS reason
), quarantined AS (
    SELECT source_key, day, jsonb_object_agg(reason, n ORDER BY reason) AS quarantined_by_reason,
           sum(n) FILTER (WHERE reason IN ('robots_disallowed', 'http_401', 'http_403', 'http_429', 'http_451'))
               AS blocked,
           sum(n) FILTER (WHERE reason = 'published_at_missing') AS null_dates
    FROM (SELECT source_key, day, reason, count(*) AS n FROM reasons GROUP BY 1, 2, 3) r
    GROUP BY 1, 2
), quarantined_pages AS (
    SELECT source_key, (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS pages_quarantined,
           count(*) FILTER (WHERE stage = 'validate') AS gate_rejected
    FROM quarantine GROUP BY 1, 2
), days AS (
    SELECT source_key, day FROM fetched UNION SELECT source_key, day FROM loaded
    UNION SELECT source_key, day FROM quarantined_pages
), last_ok AS (
    SELECT source_key, max(finished_at) AS last_successful_run
    FROM crawl_runs WHERE status = 'loaded' GROUP BY 1
)
SELECT d.source_key, d.day,
       coalesce(f.pages_fetched, 0) AS pages_fetched,
       coalesce(l.articles_loaded, 0) AS articles_loaded,
       coalesce(qp.pages_quarantined, 0) AS pages_quarantined,
       coalesce(q.quarantined_by_reason, '{}'::jsonb) AS quarantined_by_reason,
       coalesce(q.blocked, 0) AS blocked,
       round(coalesce(q.null_dates, 0)::numeric
             / nullif(coalesce(l.articles_loaded, 0) + coalesce(qp.gate_rejected, 0), 0), 3) AS null_date_rate,
       lo.last_successful_run
FROM days d
LEFT JOIN fetched f USING (source_key, day)
LEFT JOIN loaded l USING (source_key, day)
LEFT JOIN quarantined q USING (source_key, day)
LEFT JOIN quarantined_pages qp USING (source_key, day)
LEFT JOIN last_ok lo USING (source_key)
ORDER BY d.day DESC, d.source_key;
GRANT SELECT ON v_source_health TO akhbar_reader;
DROP INDEX IF EXISTS crawl_runs_source_started;
ALTER TABLE crawl_runs DROP COLUMN IF EXISTS judged_at, DROP COLUMN IF EXISTS health_reason,
    DROP COLUMN IF EXISTS health;

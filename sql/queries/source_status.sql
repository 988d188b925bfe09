-- One row per source with stored data, for `akhbar status`: its latest crawl run, what the last 24 hours
-- brought (from v_source_health's per-day columns and the articles table), and the newest article.
-- The health verdict is the latest run's (akhbar/pipeline/health.py).
WITH latest AS (
    SELECT DISTINCT ON (source_key) source_key, id AS run_id, status, started_at, finished_at, error, health
    FROM crawl_runs ORDER BY source_key, started_at DESC, id DESC
), day AS (
    SELECT source_key,
           count(*) FILTER (WHERE first_loaded_at > %(now)s::timestamptz - interval '24 hours') AS articles_24h,
           max(published_at) AS newest_published_at
    FROM articles GROUP BY source_key
), quarantined AS (
    SELECT source_key, count(*) AS pages_quarantined_24h,
           (SELECT r FROM unnest(array_agg(reason)) AS r GROUP BY r ORDER BY count(*) DESC, r LIMIT 1) AS top_reason
    FROM (SELECT q.source_key, q.reasons[1] AS reason FROM quarantine q
          WHERE q.created_at > %(now)s::timestamptz - interval '24 hours') AS q
    GROUP BY source_key
), health AS (
    SELECT source_key, max(last_successful_run) AS last_successful_run,
           sum(pages_fetched) FILTER (WHERE day > (%(now)s::timestamptz - interval '24 hours')::date) AS pages_fetched
    FROM v_source_health GROUP BY source_key
)
SELECT s.key, l.run_id, l.status, l.started_at, l.finished_at, l.error, l.health,
       coalesce(d.articles_24h, 0), coalesce(q.pages_quarantined_24h, 0), q.top_reason,
       d.newest_published_at, h.last_successful_run
FROM sources s
LEFT JOIN latest l ON l.source_key = s.key
LEFT JOIN day d ON d.source_key = s.key
LEFT JOIN quarantined q ON q.source_key = s.key
LEFT JOIN health h ON h.source_key = s.key
ORDER BY s.key;

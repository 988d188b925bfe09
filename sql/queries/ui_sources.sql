-- The Sources page: one row per source key in %(keys)s (the registry), as of now().
-- Windows: articles first loaded in the last 24 h and per day over %(days)s days (the sparkline); quarantine
-- rate and top reason, and the second opinion's disagreement rate, over the last 7 days; the latest run and its
-- health verdict (of the latest judged run); the newest article's publication time.
WITH keys AS (
    SELECT k AS source_key, ord FROM unnest(%(keys)s::text[]) WITH ORDINALITY AS t(k, ord)
), latest_run AS (
    SELECT DISTINCT ON (r.source_key) r.source_key, r.id, r.status, r.started_at, r.finished_at, r.error
    FROM crawl_runs r
    WHERE r.source_key = ANY(%(keys)s::text[])
    ORDER BY r.source_key, r.id DESC
), verdict AS (  -- the latest run that has a verdict (a run still going has none yet)
    SELECT DISTINCT ON (r.source_key) r.source_key, r.health, r.health_reason, r.id AS judged_run_id
    FROM crawl_runs r
    WHERE r.source_key = ANY(%(keys)s::text[]) AND r.health IS NOT NULL
    ORDER BY r.source_key, r.id DESC
), daily AS MATERIALIZED (
    SELECT a.source_key, (a.first_loaded_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
    FROM articles a
    WHERE a.source_key = ANY(%(keys)s::text[])
      AND a.first_loaded_at >= (now() AT TIME ZONE 'UTC')::date - (%(days)s - 1)
    GROUP BY 1, 2
), last_day AS (
    SELECT a.source_key, count(*) AS n
    FROM articles a
    WHERE a.source_key = ANY(%(keys)s::text[]) AND a.first_loaded_at >= now() - interval '24 hours'
    GROUP BY 1
), fetched AS (
    SELECT p.source_key, count(*) AS n
    FROM raw_pages p
    WHERE p.source_key = ANY(%(keys)s::text[]) AND p.fetched_at >= now() - interval '7 days'
    GROUP BY 1
), quarantined AS (
    SELECT q.source_key, count(*) AS n,
           (SELECT reason FROM quarantine q2, unnest(q2.reasons) AS reason
            WHERE q2.source_key = q.source_key AND q2.created_at >= now() - interval '7 days'
            GROUP BY reason ORDER BY count(*) DESC, reason LIMIT 1) AS top_reason
    FROM quarantine q
    WHERE q.source_key = ANY(%(keys)s::text[]) AND q.created_at >= now() - interval '7 days'
    GROUP BY 1
), opinions AS (  -- the extraction second opinion over the last 7 days (akhbar/second_opinion.py)
    SELECT o.source_key, count(*) AS sampled, count(*) FILTER (WHERE o.disagrees) AS disagreed
    FROM second_opinions o
    WHERE o.source_key = ANY(%(keys)s::text[]) AND o.checked_at >= now() - interval '7 days'
    GROUP BY 1
)
SELECT k.source_key,
       s.name,
       lr.id AS last_run_id, lr.status AS last_run_status, lr.started_at AS last_run_started,
       lr.finished_at AS last_run_finished, lr.error AS last_run_error, v.health, v.health_reason,
       coalesce(ld.n, 0) AS articles_24h,
       (SELECT coalesce(array_agg(coalesce(d.n, 0) ORDER BY g.day), '{}')
        FROM generate_series((now() AT TIME ZONE 'UTC')::date - (%(days)s - 1),
                             (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS g(day)
        LEFT JOIN daily d ON d.source_key = k.source_key AND d.day = g.day::date) AS articles_per_day,
       coalesce(f.n, 0) AS pages_fetched_7d,
       coalesce(q.n, 0) AS pages_quarantined_7d,
       q.top_reason,
       coalesce(op.sampled, 0) AS second_opinion_sampled_7d,
       round(op.disagreed::numeric / nullif(op.sampled, 0), 3) AS second_opinion_rate,
       newest.published_at AS newest_article
FROM keys k
LEFT JOIN sources s ON s.key = k.source_key
LEFT JOIN latest_run lr ON lr.source_key = k.source_key
LEFT JOIN verdict v ON v.source_key = k.source_key
LEFT JOIN last_day ld ON ld.source_key = k.source_key
LEFT JOIN fetched f ON f.source_key = k.source_key
LEFT JOIN quarantined q ON q.source_key = k.source_key
LEFT JOIN opinions op ON op.source_key = k.source_key
LEFT JOIN LATERAL (
    SELECT a.published_at FROM articles a
    WHERE a.source_key = k.source_key AND a.published_at IS NOT NULL
    ORDER BY a.published_at DESC LIMIT 1
) newest ON true
ORDER BY k.ord;

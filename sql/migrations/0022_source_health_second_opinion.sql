-- v_source_health shows the extraction second opinion per source and day (akhbar/second_opinion.py,
-- migration 0016): pages sampled, pages where trafilatura disagreed with us, and the rate. A redesign that
-- breaks an extractor shows here, beside the run's health verdict (broken_extractor).
CREATE OR REPLACE VIEW v_source_health AS
WITH fetched AS (
    SELECT source_key, (fetched_at AT TIME ZONE 'UTC')::date AS day, count(*) AS pages_fetched,
           count(*) FILTER (WHERE parse_status IN ('pending', 'extracted', 'validated')) AS pages_in_flight
    FROM raw_pages GROUP BY 1, 2
), loaded AS (
    SELECT source_key, (first_loaded_at AT TIME ZONE 'UTC')::date AS day, count(*) AS articles_loaded
    FROM articles GROUP BY 1, 2
), reasons AS (
    SELECT q.source_key, (q.created_at AT TIME ZONE 'UTC')::date AS day, q.stage, reason
    FROM quarantine q, unnest(q.reasons) AS reason
), quarantined AS (
    SELECT source_key, day, jsonb_object_agg(reason, n ORDER BY reason) AS quarantined_by_reason,
           sum(n) FILTER (WHERE reason IN ('robots_disallowed', 'http_401', 'http_403', 'http_429', 'http_451',
                                           'blocked'))
               AS blocked,
           sum(n) FILTER (WHERE reason = 'published_at_missing') AS null_dates
    FROM (SELECT source_key, day, reason, count(*) AS n FROM reasons GROUP BY 1, 2, 3) r
    GROUP BY 1, 2
), quarantined_pages AS (
    SELECT source_key, (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS pages_quarantined,
           count(*) FILTER (WHERE stage = 'validate') AS gate_rejected
    FROM quarantine GROUP BY 1, 2
), runs AS (  -- the day's runs, and the verdict of its latest judged run
    SELECT source_key, day, count(*) AS runs,
           (array_agg(health ORDER BY started_at DESC, id DESC) FILTER (WHERE health IS NOT NULL))[1] AS health,
           (array_agg(health_reason ORDER BY started_at DESC, id DESC) FILTER (WHERE health IS NOT NULL))[1]
               AS health_reason,
           jsonb_object_agg(coalesce(health, 'unjudged'), n) AS runs_by_health
    FROM (SELECT c.*, (c.started_at AT TIME ZONE 'UTC')::date AS day,
                 count(*) OVER (PARTITION BY c.source_key, (c.started_at AT TIME ZONE 'UTC')::date,
                                             coalesce(c.health, 'unjudged')) AS n
          FROM crawl_runs c) c
    GROUP BY 1, 2
), opinions AS (
    SELECT source_key, day, sampled, disagreed, disagreement_rate FROM v_second_opinion_daily
), days AS (
    SELECT source_key, day FROM fetched UNION SELECT source_key, day FROM loaded
    UNION SELECT source_key, day FROM quarantined_pages UNION SELECT source_key, day FROM runs
    UNION SELECT source_key, day FROM opinions
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
       lo.last_successful_run,
       r.health,
       r.health_reason,
       coalesce(r.runs, 0) AS runs,
       coalesce(r.runs_by_health, '{}'::jsonb) AS runs_by_health,
       coalesce(f.pages_in_flight, 0) AS pages_in_flight,
       coalesce(o.sampled, 0) AS second_opinion_sampled,
       coalesce(o.disagreed, 0) AS second_opinion_disagreed,
       o.disagreement_rate AS second_opinion_rate
FROM days d
LEFT JOIN fetched f USING (source_key, day)
LEFT JOIN loaded l USING (source_key, day)
LEFT JOIN quarantined q USING (source_key, day)
LEFT JOIN quarantined_pages qp USING (source_key, day)
LEFT JOIN runs r USING (source_key, day)
LEFT JOIN opinions o USING (source_key, day)
LEFT JOIN last_ok lo USING (source_key)
ORDER BY d.day DESC, d.source_key;

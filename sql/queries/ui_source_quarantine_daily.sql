-- A source's quarantined pages per day (UTC) and reason over the last %(days)s days. A page with two reasons
-- counts once under each.
SELECT (q.created_at AT TIME ZONE 'UTC')::date AS day, reason, count(*) AS pages
FROM quarantine q, unnest(q.reasons) AS reason
WHERE q.source_key = %(key)s
  AND q.created_at >= ((now() AT TIME ZONE 'UTC')::date - (%(days)s - 1)) AT TIME ZONE 'UTC'
GROUP BY 1, 2
ORDER BY 1, 2;

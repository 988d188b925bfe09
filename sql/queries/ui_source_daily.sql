-- A source's articles per day (by first load, UTC) over the last %(days)s days, zeros included.
SELECT g.day::date AS day, count(a.id) AS articles
FROM generate_series((now() AT TIME ZONE 'UTC')::date - (%(days)s - 1), (now() AT TIME ZONE 'UTC')::date,
                     interval '1 day') AS g(day)
LEFT JOIN articles a
       ON a.source_key = %(key)s
      AND a.first_loaded_at >= g.day AT TIME ZONE 'UTC'
      AND a.first_loaded_at < (g.day + interval '1 day') AT TIME ZONE 'UTC'
GROUP BY g.day
ORDER BY g.day;

-- What became of the URLs a source's runs of the last %(days)s days saw, by outcome (v_url_outcomes' terms).
SELECT o.outcome, count(*) AS urls
FROM url_outcomes o
WHERE o.last_crawl_run_id IN (
    SELECT id FROM crawl_runs WHERE source_key = %(key)s AND started_at >= now() - make_interval(days => %(days)s)
)
GROUP BY 1
ORDER BY 2 DESC, 1;

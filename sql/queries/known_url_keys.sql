-- Which of these URL keys the corpus already has, checked in bulk before fetching, with the time of the newest
-- fetch. A key counts when a raw page answered for it (not a fetch error, a 5xx or a block), when an article's
-- canonical URL has it, or when the source's last outcome for it is final (robots, offsite, 4xx, not HTML,
-- too large): those are not retried on every run.
SELECT url_key, fetched_at
FROM (
    SELECT w.url_key, GREATEST(
        (SELECT max(r.fetched_at) FROM raw_pages r
         WHERE r.url_key = w.url_key AND r.fetch_error IS NULL AND r.http_status < 500
           AND r.http_status NOT IN (403, 429)),
        (SELECT a.fetched_at FROM articles a WHERE a.url_key = w.url_key),
        (SELECT o.last_seen_at FROM url_outcomes o
         WHERE o.url_key = w.url_key AND o.source_key = %(source_key)s
           AND o.outcome IN ('robots_disallowed', 'offsite', 'http_4xx', 'not_html', 'too_large'))
    ) AS fetched_at
    FROM (SELECT DISTINCT unnest(%(keys)s::text[]) AS url_key) AS w
) AS known
WHERE fetched_at IS NOT NULL;

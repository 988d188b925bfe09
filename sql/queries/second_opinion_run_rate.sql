-- A run's second opinion: pages sampled, pages that disagreed, and the disagreements by field.
SELECT s.source_key,
       count(*)                                                    AS sampled,
       count(*) FILTER (WHERE s.disagrees)                         AS disagreed,
       count(*) FILTER (WHERE 'body_short' = ANY (s.disagreements)) AS body_short,
       count(*) FILTER (WHERE 'body_long' = ANY (s.disagreements))  AS body_long,
       count(*) FILTER (WHERE 'title' = ANY (s.disagreements))      AS title,
       count(*) FILTER (WHERE 'published' = ANY (s.disagreements))  AS published
FROM second_opinions s
WHERE s.crawl_run_id = %(run_id)s
GROUP BY s.source_key;

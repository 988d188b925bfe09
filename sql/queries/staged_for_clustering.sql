-- The pages the load of a run will write (its valid staged pages, one per URL key: see skip_superseded_pages.sql; unless the stored article is
-- newer), in publication order, with what the stored article already has: its story, and its signature when
-- the body is unchanged, and its reprint group. Columns match akhbar.stories.Candidate.
WITH latest AS (
    SELECT e.raw_page_id, e.url_key, r.fetched_at
    FROM extracted_pages e JOIN raw_pages r ON r.id = e.raw_page_id
    WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid'
), staged AS MATERIALIZED (
    SELECT l.url_key, l.fetched_at, e.source_key, j.published_at, j.agency, coalesce(j.body_norm, '') AS body_norm,
           coalesce(j.title_norm, '') AS title_norm
    FROM latest l JOIN extracted_pages e ON e.raw_page_id = l.raw_page_id
    CROSS JOIN LATERAL jsonb_to_record(e.article) AS j (published_at timestamptz, agency text, body_norm text,
                                                      title_norm text)
)
SELECT s.url_key, coalesce(s.published_at, s.fetched_at) AS published, s.source_key, nullif(s.agency, ''),
       md5(s.body_norm) AS content_hash, s.body_norm,
       a.story_id, CASE WHEN a.content_hash = md5(s.body_norm) THEN a.minhash END, s.title_norm, a.reprint_id
FROM staged s LEFT JOIN articles a ON a.url_key = s.url_key
WHERE a.id IS NULL OR a.fetched_at <= s.fetched_at
ORDER BY 2, 1;

-- The pages the load of a run will write (the newest staged copy per URL key, unless the stored article is
-- newer), in publication order, with what the stored article already has: its story, and its signature when
-- the body is unchanged. Columns match akhbar.stories.Candidate.
WITH staged AS (
    SELECT DISTINCT ON (e.url_key) e.url_key, e.source_key, e.article, r.fetched_at,
           md5(coalesce(e.article->>'body_norm', '')) AS content_hash
    FROM extracted_pages e JOIN raw_pages r ON r.id = e.raw_page_id
    WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid'
    ORDER BY e.url_key, r.fetched_at DESC, e.raw_page_id DESC
)
SELECT s.url_key, coalesce((s.article->>'published_at')::timestamptz, s.fetched_at) AS published, s.source_key,
       nullif(s.article->>'agency', ''), s.content_hash, coalesce(s.article->>'body_norm', ''),
       a.story_id, CASE WHEN a.content_hash = s.content_hash THEN a.minhash END
FROM staged s LEFT JOIN articles a ON a.url_key = s.url_key
WHERE a.id IS NULL OR a.fetched_at <= s.fetched_at
ORDER BY 2, 1;

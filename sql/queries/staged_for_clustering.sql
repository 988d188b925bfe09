-- The pages a load batch will write (the run's valid staged pages with raw page ids in (after, upto], one per
-- URL key: see skip_superseded_pages.sql; unless the stored article is newer), in publication order, with what
-- the stored article already has: its story, and its signature when the body is unchanged, and its reprint
-- group. Columns match akhbar.stories.Candidate.
SELECT e.url_key, coalesce(e.published_at, r.fetched_at) AS published, e.source_key, e.agency, e.content_hash,
       e.body_norm, a.story_id, CASE WHEN a.content_hash = e.content_hash THEN a.minhash END, e.title_norm,
       a.reprint_id
FROM extracted_pages e
JOIN raw_pages r ON r.id = e.raw_page_id
LEFT JOIN articles a ON a.url_key = e.url_key
WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid'
  AND e.raw_page_id > %(after)s AND e.raw_page_id <= %(upto)s
  AND (a.id IS NULL OR a.fetched_at <= r.fetched_at)
ORDER BY 2, 1;

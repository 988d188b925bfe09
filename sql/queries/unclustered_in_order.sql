-- The articles waiting in story_queue (just loaded, left by a crash between a load and its clustering, or whose
-- body changed), in publication order: read once through a server-side cursor. Columns match
-- akhbar.stories.Candidate: the article id first, its current story (kept when its body changed) last.
SELECT a.id, coalesce(a.published_at, a.fetched_at) AS published, a.source_key, a.agency, a.content_hash,
       a.body_norm, a.title_norm, a.title, m.story_id, m.reprint_id
FROM story_queue q
JOIN articles a ON a.id = q.article_id
LEFT JOIN article_stories m ON m.article_id = a.id
ORDER BY coalesce(a.published_at, a.fetched_at), a.id;

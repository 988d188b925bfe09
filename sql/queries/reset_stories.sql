-- Forget every story and the document frequencies, and queue every article, to cluster the whole corpus again
-- (akhbar stories recluster).
TRUNCATE article_stories;
DELETE FROM stories;
INSERT INTO story_queue (article_id, content_hash)
SELECT id, content_hash FROM articles
ON CONFLICT (article_id) DO UPDATE SET content_hash = EXCLUDED.content_hash, queued_at = now();
TRUNCATE story_term_df;

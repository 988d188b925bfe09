-- Write one chunk of the clustering's placements (story_updates) into article_stories, and take its articles
-- out of story_queue. An article withdrawn meanwhile is skipped (the count returned is then short of the
-- chunk's). A queue entry whose body changed after it was read (a load committed meanwhile) stays: the next
-- clustering places that article again. Returns the number of articles placed.
WITH placed AS (
    INSERT INTO article_stories (article_id, story_id, reprint_id, published, content_hash, model)
    SELECT u.id, u.story_id, u.reprint_id, u.published, u.content_hash, u.model
    FROM story_updates u
    WHERE u.chunk = %(chunk)s AND EXISTS (SELECT FROM articles a WHERE a.id = u.id)
    ON CONFLICT (article_id) DO UPDATE
    SET story_id = EXCLUDED.story_id, reprint_id = EXCLUDED.reprint_id, published = EXCLUDED.published,
        content_hash = EXCLUDED.content_hash, model = EXCLUDED.model, clustered_at = now()
    RETURNING 1
), dequeued AS (
    DELETE FROM story_queue q
    USING story_updates u
    WHERE u.chunk = %(chunk)s AND q.article_id = u.id AND q.content_hash IS NOT DISTINCT FROM u.content_hash
    RETURNING 1
)
SELECT count(*) FROM placed;

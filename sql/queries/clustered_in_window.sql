-- Placed articles published in a time window: the candidates new articles are compared with, profiled again
-- from their folded title and body. Articles this clustering has already placed (story_updates) are left out:
-- it holds them in memory; so are articles waiting in story_queue (a changed body, placed again later in this
-- clustering or the next). Oldest first (read through a server-side cursor a part at a time, they join the
-- window in this order). Columns: id, published, story, reprint group, source, content hash, title_norm,
-- body_norm.
SELECT m.article_id, m.published, m.story_id, m.reprint_id, a.source_key, a.content_hash, a.title_norm,
       a.body_norm
FROM article_stories m
JOIN articles a ON a.id = m.article_id
WHERE m.published BETWEEN %(start)s AND %(end)s
  AND NOT EXISTS (SELECT FROM story_updates u WHERE u.id = m.article_id)
  AND NOT EXISTS (SELECT FROM story_queue q WHERE q.article_id = m.article_id)
ORDER BY m.published, m.article_id;

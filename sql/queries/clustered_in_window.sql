-- Articles already in a story, published in a time window: the candidates new articles are compared with.
SELECT id, coalesce(published_at, fetched_at) AS published, story_id, agency, minhash, content_hash
FROM articles
WHERE minhash IS NOT NULL AND story_id IS NOT NULL
  AND coalesce(published_at, fetched_at) BETWEEN %(start)s AND %(end)s;

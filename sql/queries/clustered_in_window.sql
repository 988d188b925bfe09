-- Clustered articles published in a time window: the candidates new articles are compared with. Articles this
-- clustering has already written (story_updates) are left out: it holds them in memory. Oldest first (read
-- through a server-side cursor a part at a time, they join the window in this order).
-- Columns: id, published, story, reprint group, source, MinHash signature, shingles, word counts, content hash.
SELECT id, coalesce(published_at, fetched_at) AS published, story_id, reprint_id, source_key, minhash,
       story_shingles, story_terms, content_hash
FROM articles a
WHERE minhash IS NOT NULL AND story_id IS NOT NULL AND story_shingles IS NOT NULL
  AND coalesce(published_at, fetched_at) BETWEEN %(start)s AND %(end)s
  AND NOT EXISTS (SELECT FROM story_updates u WHERE u.id = a.id)
ORDER BY coalesce(published_at, fetched_at), id;

-- Articles without a MinHash signature (new, or whose body changed), in publication order, one page at a
-- time (keyset on (published, id)).
SELECT id, coalesce(published_at, fetched_at) AS published, source_key, agency, content_hash, body_norm, story_id,
       title_norm, reprint_id
FROM articles
WHERE minhash IS NULL
  AND (%(after_published)s::timestamptz IS NULL
       OR (coalesce(published_at, fetched_at), id) > (%(after_published)s::timestamptz, %(after_id)s))
ORDER BY coalesce(published_at, fetched_at), id
LIMIT %(limit)s;

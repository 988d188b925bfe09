-- Articles without a MinHash signature (just loaded, left unclustered by a crash, or whose body changed), in
-- publication order: read once through a server-side cursor. Columns match akhbar.stories.Candidate (the
-- article id first; no stored signature).
SELECT id, coalesce(published_at, fetched_at) AS published, source_key, agency, content_hash, body_norm, story_id,
       title_norm, reprint_id
FROM articles
WHERE minhash IS NULL
ORDER BY coalesce(published_at, fetched_at), id;

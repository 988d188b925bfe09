-- The stories a clustering chunk created (story_rows, COPYed by copy_stories.sql) into stories. A story's
-- canonical article may have been withdrawn since the chunk was read (a quarantine committed meanwhile): it is
-- then written without one, and the refresh at the end of the clustering settles its aggregates.
-- Each canonical article is looked up by its key (the LIMIT keeps it a lookup per row: an EXISTS here was planned
-- as a hashed subplan over every article id, built again for each chunk: 35 of a chunk's 60 ms at 100,000
-- articles, and more with every article stored).
WITH moved AS (DELETE FROM story_rows RETURNING *)
INSERT INTO stories (id, kind, canonical_article_id, title, agency, first_published_at, last_published_at,
                     member_count, source_count, sources, first_source, source_lags, reprint_count)
SELECT r.id, r.kind, a.id, r.title, r.agency, r.first_published_at, r.last_published_at, r.member_count,
       r.source_count, r.sources, r.first_source, r.source_lags, r.reprint_count
FROM moved r
LEFT JOIN LATERAL (SELECT a.id FROM articles a WHERE a.id = r.canonical_article_id LIMIT 1) a ON true;

-- Back to one tier: the view without the new columns, and the columns gone. Stories are derived data: they are
-- dropped, and the previous release's clusterer rebuilds them from the articles.
DROP VIEW v_story_members;
DROP VIEW v_story_outlets;
DROP VIEW v_stories;
UPDATE articles SET story_id = NULL, minhash = NULL WHERE story_id IS NOT NULL OR minhash IS NOT NULL;
DELETE FROM stories;
DROP TABLE story_term_df;
DROP INDEX articles_clustered_published;
DROP INDEX articles_reprint;
ALTER TABLE articles DROP COLUMN reprint_id, DROP COLUMN story_shingles, DROP COLUMN story_terms,
    DROP COLUMN story_model;
ALTER TABLE stories DROP COLUMN kind, DROP COLUMN first_source, DROP COLUMN source_lags, DROP COLUMN reprint_count;
CREATE VIEW v_stories AS
SELECT s.id AS story_id, s.title, s.agency, s.first_published_at, s.last_published_at, s.member_count,
       s.source_count, s.sources, a.canonical_url AS canonical_url, s.canonical_article_id
FROM stories s LEFT JOIN articles a ON a.id = s.canonical_article_id
WHERE s.source_count >= 2
ORDER BY s.last_published_at DESC NULLS LAST, s.id DESC;
GRANT SELECT ON v_stories TO akhbar_reader;

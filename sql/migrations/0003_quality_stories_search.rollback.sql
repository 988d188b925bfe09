-- The role akhbar_reader belongs to the whole server and may serve other databases: it is left in place.
DROP VIEW IF EXISTS v_source_health, v_stories, v_articles;
DROP FUNCTION IF EXISTS search_titles_fuzzy(text, integer);
DROP FUNCTION IF EXISTS search_articles(text, integer);
DROP FUNCTION IF EXISTS akhbar_query(text);
DROP FUNCTION IF EXISTS akhbar_stop_lexemes();
DROP FUNCTION IF EXISTS akhbar_document_vector(text, text, text[]);
DROP FUNCTION IF EXISTS akhbar_fold(text);
DROP INDEX IF EXISTS articles_title_trgm;
DROP TABLE IF EXISTS search_stopwords, article_revisions;
ALTER TABLE stories DROP CONSTRAINT IF EXISTS stories_canonical_article_fk;
ALTER TABLE articles DROP COLUMN IF EXISTS story_id, DROP COLUMN IF EXISTS minhash,
    DROP COLUMN IF EXISTS search_vector, DROP COLUMN IF EXISTS content_hash, DROP COLUMN IF EXISTS dateline,
    DROP COLUMN IF EXISTS agency, DROP COLUMN IF EXISTS body_norm, DROP COLUMN IF EXISTS title_norm;
DROP TABLE IF EXISTS stories;
DROP TEXT SEARCH CONFIGURATION IF EXISTS akhbar_ar;

-- Story assignments move off `articles` into `article_stories`, and the articles waiting for the clustering
-- into `story_queue`.
-- Why: the clustering wrote each article's story with an UPDATE of `articles`. An UPDATE that changes an indexed
-- column writes a new version of the whole row and an entry in each of the table's 13 indexes, the full-text GIN
-- index (hundreds of words an article) among them: most of PostgreSQL's 83 s of CPU when 100,000 articles were
-- clustered (issue 14 allows 30 s). A row of `article_stories` is small and has four indexes.
-- The clustering's inputs (MinHash signature, shingle hashes, word counts) are no longer stored: an article of
-- the time window is profiled again from its title_norm and body_norm, as raw pages are parsed again by a
-- better extractor. The per-word document frequencies stay in story_term_df.
-- "Not clustered yet" was `minhash IS NULL`; it is now a row of story_queue, written by the load (a new article,
-- or a changed body) and removed by the clustering that places it, in the clustering's transaction.

CREATE TABLE article_stories (
    article_id    bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id      bigint NOT NULL REFERENCES stories (id),  -- the event story (stories.kind = 'event')
    reprint_id    bigint NOT NULL REFERENCES stories (id),  -- the reprint group (stories.kind = 'reprint')
    published     timestamptz NOT NULL,  -- coalesce(published_at, fetched_at) when placed: the window's order
    content_hash  text,                  -- the body it was placed by (NULL: placed before this migration)
    model         text NOT NULL,         -- the scorer version that placed it (akhbar/story_scorer.json)
    clustered_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX article_stories_story ON article_stories (story_id);
CREATE INDEX article_stories_reprint ON article_stories (reprint_id);
CREATE INDEX article_stories_published ON article_stories (published);

CREATE TABLE story_queue (
    article_id    bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    content_hash  text,  -- the body waiting to be placed (a later load may replace it)
    queued_at     timestamptz NOT NULL DEFAULT now()
);

-- An article keeps its story while a changed body waits in the queue (as it did with minhash NULL).
INSERT INTO article_stories (article_id, story_id, reprint_id, published, content_hash, model)
SELECT a.id, a.story_id, coalesce(a.reprint_id, a.story_id), coalesce(a.published_at, a.fetched_at),
       CASE WHEN a.minhash IS NOT NULL THEN a.content_hash END, coalesce(a.story_model, '')
FROM articles a JOIN stories s ON s.id = a.story_id;
INSERT INTO story_queue (article_id, content_hash)
SELECT id, content_hash FROM articles WHERE minhash IS NULL OR story_id IS NULL;

DROP VIEW v_articles;
DROP VIEW v_story_outlets;
DROP VIEW v_story_members;
ALTER TABLE articles
    DROP COLUMN minhash, DROP COLUMN story_id, DROP COLUMN reprint_id, DROP COLUMN story_shingles,
    DROP COLUMN story_terms, DROP COLUMN story_model;

CREATE VIEW v_articles AS
SELECT a.id, a.source_key, a.published_at, a.title, a.authors, a.agency, a.dateline, a.section, a.tags,
       a.language, a.body, a.canonical_url AS url, m.story_id, a.images, a.modified_at, a.fetched_at,
       a.first_loaded_at, a.updated_at,
       (SELECT count(*) FROM article_revisions r WHERE r.article_id = a.id) AS revisions,
       m.reprint_id
FROM articles a LEFT JOIN article_stories m ON m.article_id = a.id;

-- One row per outlet of a multi-outlet event story: when it first had the story and how long after the first.
CREATE VIEW v_story_outlets AS
SELECT s.id AS story_id, a.source_key, min(coalesce(a.published_at, a.fetched_at)) AS first_published_at,
       round((extract(epoch FROM min(coalesce(a.published_at, a.fetched_at)) - s.first_published_at) / 60)::numeric,
             1) AS lag_minutes,
       a.source_key = s.first_source AS was_first
FROM stories s JOIN article_stories m ON m.story_id = s.id JOIN articles a ON a.id = m.article_id
WHERE s.kind = 'event' AND s.source_count >= 2
GROUP BY s.id, a.source_key, s.first_published_at, s.first_source;

-- The members of each event story with their reprint group (copies of one text share reprint_id).
CREATE VIEW v_story_members AS
SELECT m.story_id, m.reprint_id, a.id AS article_id, a.source_key, a.published_at, a.title, a.agency,
       a.canonical_url AS url, m.model AS story_model
FROM article_stories m JOIN stories s ON s.id = m.story_id AND s.kind = 'event'
JOIN articles a ON a.id = m.article_id;

GRANT SELECT ON v_articles, v_story_outlets, v_story_members, article_stories TO akhbar_reader;

-- search_articles read articles.story_id (for its story filter and its story_id column): the same function
-- (signature, owner, grants and SECURITY DEFINER kept by CREATE OR REPLACE), reading article_stories.
CREATE OR REPLACE FUNCTION search_articles(query text, lim integer DEFAULT 20, source text DEFAULT NULL,
                                date_from date DEFAULT NULL, date_to date DEFAULT NULL, story bigint DEFAULT NULL,
                                mark_start text DEFAULT '«', mark_stop text DEFAULT '»')
RETURNS TABLE (article_id bigint, published_at timestamptz, source_key text, title text, url text,
               story_id bigint, rank real, snippet text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    tsq tsquery := akhbar_query(query);
    lo timestamptz := date_from::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := (date_to + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
    IF numnode(tsq) = 0 OR lim <= 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH candidates AS MATERIALIZED (
        SELECT a.id, a.published_at AS published, a.search_vector
        FROM articles a
        WHERE a.search_vector @@ tsq
          AND (source IS NULL OR a.source_key = source)
          AND (lo IS NULL OR a.published_at >= lo)
          AND (hi IS NULL OR a.published_at < hi)
          AND (story IS NULL OR a.id IN (SELECT m.article_id FROM article_stories m WHERE m.story_id = story))
        ORDER BY a.published_at DESC, a.id DESC  -- the order of the index articles_published
        LIMIT search_candidates()
    ), ranked AS (
        SELECT c.id, c.published, ts_rank_cd(c.search_vector, tsq) AS r
        FROM candidates c
    ), top AS (
        SELECT rk.id, rk.published, rk.r
        FROM ranked rk
        ORDER BY floor(ln(greatest(rk.r, 1e-6)) / ln(1.1)) DESC, rk.published DESC NULLS LAST, rk.id DESC
        LIMIT lim
    )
    SELECT a.id, a.published_at, a.source_key, a.title, a.canonical_url, m.story_id, t.r,
           akhbar_snippet(a.body, a.body_norm, tsq, query, mark_start, mark_stop)
    FROM top t JOIN articles a ON a.id = t.id LEFT JOIN article_stories m ON m.article_id = a.id
    ORDER BY floor(ln(greatest(t.r, 1e-6)) / ln(1.1)) DESC, t.published DESC NULLS LAST, t.id DESC;
END
$$;
